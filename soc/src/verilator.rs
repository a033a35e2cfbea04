//! Running programs on the emitted SoC (`ptu_soc.v`) under Verilator,
//! the way `testbenches/src/verilator.rs` builds the unit's harness: the
//! emitted file (without a RAM image), a small C++ main,
//! `verilator --cc --exe --build -O2`, then the executable, once per
//! program: the harness writes each program's image into the RAM before
//! the first clock, so one build runs them all. [`build`] keeps the build
//! in the shared build cache, and builds again only when the emitted
//! Verilog, the Verilator configuration, the harness or Verilator change.
//!
//! The harness resets the SoC for one edge (as [`crate::run::SocSim`]
//! does), clocks it until `tohost_valid` or the cycle limit, raises `nmi`
//! for 4 cycles at each requested cycle, and decodes the UART's serial
//! line (8N1, `cycles_per_bit`), finishing a byte already on the line
//! when `tohost` is stored (the cycle count stops at the store). It
//! prints one line per result, which [`run`] reads back into an [`Outcome`](crate::run::Outcome) (without
//! the per-instruction trace and `instret`, which are not ports).

use crate::run::{Outcome, RunOptions};
use crate::soc::{self, SocConfig, TOP};
use anyhow::{anyhow, bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// The C++ of the harnesses' UART receiver, as a literal for `concat!`
/// (this harness and the board top's in `soc/tests/board_top/`): struct
/// `UartRx`, which decodes the serial line 8N1 at `cpb` cycles per bit
/// (a start bit's falling edge, then each bit's middle) and prints
/// `uart B` per byte, with ` framing-error` when the stop bit is low.
/// Its `sample(tx, now, may_start)` takes the line at cycle `now`; a new
/// byte starts only when `may_start`; `busy` says a byte is on the line.
#[macro_export]
macro_rules! uart_rx_cpp {
    () => {
        r#"// The UART's serial line, decoded 8N1: a start bit's falling edge,
// then each bit's middle.
struct UartRx {
    unsigned long long cpb;
    bool busy = false;
    unsigned long long start = 0;
    unsigned bits = 0, byte = 0;
    explicit UartRx(unsigned long long cycles_per_bit) : cpb(cycles_per_bit) {}
    // The line `tx` at cycle `now`; a byte starts only when `may_start`.
    void sample(bool tx, unsigned long long now, bool may_start) {
        if (!busy && !tx && may_start) {
            busy = true;
            start = now;
            bits = 0;
            byte = 0;
        } else if (busy) {
            const unsigned long long t = now - start;
            if (bits < 8 && t == cpb * (bits + 1) + cpb / 2) {
                byte |= (tx ? 1u : 0u) << bits;
                bits++;
            } else if (bits == 8 && t == cpb * 9 + cpb / 2) {
                std::printf("uart %u%s\n", byte, tx ? "" : " framing-error");
                busy = false;
            }
        }
    }
};
"#
    };
}

/// The harness (C++), reading its options from the command line:
/// `max_cycles cycles_per_bit [nmi_at ...]`, and the program image (bytes
/// from address 0) from its standard input.
pub const HARNESS: &str = concat!(
    r#"// ptu_soc_tb.cpp: runs the emitted ptu_soc until tohost (soc/src/verilator.rs).
// The program image comes on standard input and is written into the RAM
// (made public by ptu_soc_public.vlt) before the first clock.
#include "Vptu_soc.h"
#include "Vptu_soc___024root.h"
#include "verilated.h"
#include <cstdio>
#include <cstdlib>
#include <vector>

"#,
    uart_rx_cpp!(),
    r#"
int main(int argc, char **argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s max_cycles cycles_per_bit [nmi_at ...]\n", argv[0]);
        return 2;
    }
    const unsigned long long max_cycles = std::strtoull(argv[1], nullptr, 0);
    const unsigned long long cpb = std::strtoull(argv[2], nullptr, 0);
    std::vector<unsigned long long> nmi_at;
    for (int i = 3; i < argc; i++) nmi_at.push_back(std::strtoull(argv[i], nullptr, 0));
    std::vector<unsigned char> image;
    unsigned char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) image.insert(image.end(), buf, buf + n);
    VerilatedContext ctx;
    Vptu_soc soc{&ctx};
    auto &mem = soc.rootp->ptu_soc__DOT__ram__DOT__mem;
    const size_t words = sizeof mem.m_storage / sizeof mem.m_storage[0];
    if (image.size() > words * 8) {
        std::fprintf(stderr, "the image is %zu bytes and the RAM %zu bytes\n", image.size(), words * 8);
        return 2;
    }
    for (size_t i = 0; i < words; i++) {
        unsigned long long w = 0;
        for (size_t b = 0; b < 8 && i * 8 + b < image.size(); b++)
            w |= (unsigned long long)image[i * 8 + b] << (8 * b);
        mem[i] = w;
    }
    soc.clock = 0;
    soc.nmi = 0;
    soc.reset = 1;
    soc.eval();
    soc.clock = 1;
    soc.eval();
    soc.reset = 0;
    UartRx rx(cpb);
    unsigned long long cycle = 0;
    bool done = false;
    // After tohost, the clock runs on (uncounted) only to finish decoding
    // a byte whose start bit was already on the line, as the rust-hdl run
    // counts a byte when the transmitter takes it.
    unsigned long long end = 0;
    for (;;) {
        if (!done && cycle >= max_cycles) break;
        if (done && (!rx.busy || cycle > end + cpb * 11)) break;
        bool nmi = false;
        for (auto at : nmi_at) nmi = nmi || (cycle >= at && cycle < at + 4);
        soc.clock = 0;
        soc.nmi = nmi;
        soc.eval();
        rx.sample(soc.tx, cycle, !done);
        soc.clock = 1;
        soc.eval();
        cycle++;
        if (!done && soc.tohost_valid) {
            done = true;
            end = cycle;
            std::printf("tohost %llu\n", (unsigned long long)soc.tohost);
        }
    }
    std::printf("cycles %llu\n", done ? end : cycle);
    return 0;
}
"#
);

/// A built Verilator model of the SoC: one executable for every program
/// (the harness loads the RAM before the first clock).
pub struct Build {
    /// The build's folder in the cache (`WORK/<hash>/`, absolute): the
    /// emitted `ptu_soc.v`, the harness, `obj_dir/` and the build log.
    pub dir: PathBuf,
    exe: PathBuf,
    ram_bytes: usize,
    cycles_per_bit: u64,
    /// Whether this call built it (`false`: the cache had it).
    pub built: bool,
}

/// Verilator's options for building a harness around a SoC top, before
/// `--top-module` and the files: an optimised executable, and `-Wall`, so
/// that the build is also the top's lint (this module's SoC, and the
/// board top's harness in `soc/tests/board_top/`).
pub const BUILD_FLAGS: &[&str] = &[
    "--cc",
    "--exe",
    "--build",
    "-O2",
    "-Wall",
    "-MAKEFLAGS",
    "OPT_FAST=-O2",
];

/// Verilator's options for the SoC, before the files.
fn flags() -> Vec<&'static str> {
    let mut f = BUILD_FLAGS.to_vec();
    f.extend(["--top-module", TOP]);
    f
}

/// Build the SoC of `cfg` (its RAM size, UART speed, core and unit; not
/// its image, which [`Build::run`] loads) under Verilator, in the build
/// cache under `work` ([`ptu_tools::build_cache`]: one folder per hash of
/// the emitted Verilog, waivers, harness, flags and Verilator's version,
/// built once across processes), saying on stderr when it builds.
pub fn build(cfg: &SocConfig, work: &Path) -> Result<Build> {
    let mut cfg = cfg.clone();
    cfg.image = Vec::new();
    cfg.image_in_verilog = false;
    let verilog = soc::emit(&cfg)?;
    let key = ptu_tools::Fnv::new()
        .part(&verilog)
        .part(waivers(&cfg))
        .part(PUBLIC)
        .part(HARNESS)
        .part(flags().join(" "))
        .part(ptu_tools::build_cache::tool_version(
            "verilator",
            "--version",
        )?);
    let entry = ptu_tools::build_cache::cached(
        work,
        key,
        "the SoC under Verilator",
        &mut |line| eprintln!("{line}"),
        |dir| {
            // In Verilator's order: the waivers before the Verilog.
            let waivers = waivers(&cfg);
            let files = [
                ("ptu_soc.vlt", waivers.as_str()),
                ("ptu_soc_public.vlt", PUBLIC),
                ("ptu_soc.v", verilog.as_str()),
                ("ptu_soc_tb.cpp", HARNESS),
            ];
            for (name, text) in files {
                ptu_tools::write_atomic(&dir.join(name), text.as_bytes())?;
            }
            let mut args = flags();
            args.extend(files.map(|(name, _)| name));
            let log = dir.join("verilator-build.log");
            ptu_tools::run_ok("verilator", &args, dir, &log)
                .with_context(|| {
                    format!("building the SoC with Verilator (log: {})", log.display())
                })
                .map(|_| ())
        },
    )?;
    Ok(Build {
        exe: entry.dir.join("obj_dir").join(format!("V{TOP}")),
        dir: entry.dir,
        ram_bytes: cfg.ram_words * 8,
        cycles_per_bit: cfg.cycles_per_bit,
        built: entry.built,
    })
}

impl Build {
    /// Run `image` (loaded at address 0, the rest of RAM zero) with `opts`
    /// (`trace` and `vcd` are not supported here).
    pub fn run(&self, image: &[u8], opts: &RunOptions) -> Result<Outcome> {
        if opts.max_cycles == 0 {
            bail!("--max-cycles must be at least 1");
        }
        if opts.vcd.is_some() {
            bail!("--vcd is for the rust-hdl simulation: drop --sim verilator, or --vcd");
        }
        if image.len() > self.ram_bytes {
            bail!(
                "the program image is {} bytes and the RAM {} bytes: make the program smaller",
                image.len(),
                self.ram_bytes
            );
        }
        let mut args = vec![opts.max_cycles.to_string(), self.cycles_per_bit.to_string()];
        args.extend(opts.nmi_at.iter().map(|c| c.to_string()));
        let mut child = std::process::Command::new(&self.exe)
            .args(&args)
            .current_dir(&self.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run {}", self.exe.display()))?;
        // The harness reads all of stdin before it prints anything.
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(image)
            .with_context(|| format!("cannot send the image to {}", self.exe.display()))?;
        let out = child
            .wait_with_output()
            .with_context(|| format!("cannot run {}", self.exe.display()))?;
        if !out.status.success() {
            bail!(
                "{} failed: {}",
                self.exe.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        parse(&String::from_utf8_lossy(&out.stdout))
    }
}

/// Build (or reuse) the SoC for `cfg` under Verilator in `work` and run
/// its image with `opts` (`trace` and `vcd` are not supported here).
pub fn run(cfg: &SocConfig, opts: &RunOptions, work: &Path) -> Result<Outcome> {
    if opts.max_cycles == 0 {
        bail!("--max-cycles must be at least 1");
    }
    if opts.vcd.is_some() {
        bail!("--vcd is for the rust-hdl simulation: drop --sim verilator, or --vcd");
    }
    cfg.validate()?;
    build(cfg, work)?.run(&cfg.image, opts)
}

/// Verilator configuration that makes the RAM's array writable from the
/// harness (`rootp->ptu_soc__DOT__ram__DOT__mem`); the emitted Verilog
/// itself stays free of simulator pragmas.
pub const PUBLIC: &str = "`verilator_config\n\
// The harness writes the program image into the RAM before the first clock.\n\
public_flat_rw -module \"ptu_soc_sync_ram_*\" -var \"mem\"\n";

/// The Verilator waivers of the emitted SoC (`soc/ptu_soc.vlt`).
pub const WAIVERS: &str = include_str!("../ptu_soc.vlt");

/// The waivers of the RV32I SoC (`soc/ptu_soc_rv32.vlt`), used beside
/// [`WAIVERS`].
pub const WAIVERS_RV32: &str = include_str!("../ptu_soc_rv32.vlt");

/// The waivers for the SoC of `cfg`: [`WAIVERS`], and [`WAIVERS_RV32`]
/// after them for an RV32I core.
fn waivers(cfg: &SocConfig) -> String {
    if cfg.cpu.xlen == 32 {
        let rv32 = WAIVERS_RV32
            .strip_prefix("`verilator_config\n")
            .unwrap_or(WAIVERS_RV32);
        format!("{WAIVERS}\n{rv32}")
    } else {
        WAIVERS.to_string()
    }
}

fn parse(text: &str) -> Result<Outcome> {
    let mut o = Outcome {
        tohost: None,
        uart: Vec::new(),
        cycles: 0,
        shutdown: false,
        instret: 0,
        dropped: 0,
        trace: Vec::new(),
    };
    let mut saw_cycles = false;
    for line in text.lines() {
        let mut w = line.split_whitespace();
        let (Some(key), Some(value)) = (w.next(), w.next()) else {
            continue;
        };
        let v: u64 = value
            .parse()
            .map_err(|_| anyhow!("the Verilator harness printed {line:?}"))?;
        match key {
            "uart" => {
                if w.next().is_some() {
                    bail!("the UART line had a framing error after {:?}", o.uart);
                }
                o.uart.push(v as u8)
            }
            "tohost" => o.tohost = Some(v),
            "cycles" => {
                o.cycles = v;
                saw_cycles = true;
            }
            _ => bail!("the Verilator harness printed {line:?}"),
        }
    }
    if !saw_cycles {
        bail!("the Verilator harness printed no cycle count:\n{text}");
    }
    Ok(o)
}
