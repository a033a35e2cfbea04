//! Running a program on the emitted SoC (`ptu_soc.v`) under Verilator,
//! the way `testbenches/src/verilator.rs` builds the unit's harness: the
//! emitted file (the program is the RAM's `initial` contents), a small C++
//! main, `verilator --cc --exe --build -O2`, then the executable.
//!
//! The harness resets the SoC for one edge (as [`crate::run::SocSim`]
//! does), clocks it until `tohost_valid` or the cycle limit, raises `nmi`
//! for 4 cycles at each requested cycle, and decodes the UART's serial
//! line (8N1, `cycles_per_bit`). It prints one line per result, which
//! [`run`] reads back into an [`Outcome`](crate::run::Outcome) (without
//! the per-instruction trace and `instret`, which are not ports).

use crate::run::{Outcome, RunOptions};
use crate::soc::{self, SocConfig, TOP};
use anyhow::{anyhow, bail, Context, Result};
use std::path::Path;

/// The harness (C++), reading its options from the command line:
/// `max_cycles cycles_per_bit [nmi_at ...]`.
pub const HARNESS: &str = r#"// ptu_soc_tb.cpp: runs the emitted ptu_soc until tohost (soc/src/verilator.rs).
#include "Vptu_soc.h"
#include "verilated.h"
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char **argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s max_cycles cycles_per_bit [nmi_at ...]\n", argv[0]);
        return 2;
    }
    const unsigned long long max_cycles = std::strtoull(argv[1], nullptr, 0);
    const unsigned long long cpb = std::strtoull(argv[2], nullptr, 0);
    std::vector<unsigned long long> nmi_at;
    for (int i = 3; i < argc; i++) nmi_at.push_back(std::strtoull(argv[i], nullptr, 0));
    VerilatedContext ctx;
    Vptu_soc soc{&ctx};
    soc.clock = 0;
    soc.nmi = 0;
    soc.reset = 1;
    soc.eval();
    soc.clock = 1;
    soc.eval();
    soc.reset = 0;
    // UART decoder: a start bit's falling edge, then each bit's middle.
    bool rx_busy = false;
    unsigned long long rx_start = 0;
    unsigned rx_bits = 0, rx_byte = 0;
    unsigned long long cycle = 0;
    bool done = false;
    while (cycle < max_cycles && !done) {
        bool nmi = false;
        for (auto at : nmi_at) nmi = nmi || (cycle >= at && cycle < at + 4);
        soc.clock = 0;
        soc.nmi = nmi;
        soc.eval();
        const bool tx = soc.tx;
        if (!rx_busy && !tx) {
            rx_busy = true;
            rx_start = cycle;
            rx_bits = 0;
            rx_byte = 0;
        } else if (rx_busy) {
            const unsigned long long t = cycle - rx_start;
            if (rx_bits < 8 && t == cpb * (rx_bits + 1) + cpb / 2) {
                rx_byte |= (tx ? 1u : 0u) << rx_bits;
                rx_bits++;
            } else if (rx_bits == 8 && t == cpb * 9 + cpb / 2) {
                std::printf("uart %u%s\n", rx_byte, tx ? "" : " framing-error");
                rx_busy = false;
            }
        }
        soc.clock = 1;
        soc.eval();
        cycle++;
        done = soc.tohost_valid;
    }
    if (done) std::printf("tohost %llu\n", (unsigned long long)soc.tohost);
    std::printf("cycles %llu\n", cycle);
    return 0;
}
"#;

/// Build the SoC for `cfg` under Verilator in `work` (created) and run it
/// with `opts` (`trace` and `vcd` are not supported here).
pub fn run(cfg: &SocConfig, opts: &RunOptions, work: &Path) -> Result<Outcome> {
    if opts.max_cycles == 0 {
        bail!("--max-cycles must be at least 1");
    }
    if opts.vcd.is_some() {
        bail!("--vcd is for the rust-hdl simulation: drop --sim verilator, or --vcd");
    }
    std::fs::create_dir_all(work)
        .with_context(|| format!("cannot create folder {}", work.display()))?;
    let mut cfg = cfg.clone();
    cfg.image_in_verilog = true;
    ptu_tools::write_atomic(&work.join(format!("{TOP}.v")), soc::emit(&cfg)?.as_bytes())?;
    ptu_tools::write_atomic(&work.join("ptu_soc.vlt"), WAIVERS.as_bytes())?;
    ptu_tools::write_atomic(&work.join("ptu_soc_tb.cpp"), HARNESS.as_bytes())?;
    let build_log = work.join("verilator-build.log");
    ptu_tools::run_ok(
        "verilator",
        &[
            "--cc",
            "--exe",
            "--build",
            "-O2",
            "-Wall",
            "--top-module",
            TOP,
            "-MAKEFLAGS",
            "OPT_FAST=-O2",
            "ptu_soc.vlt",
            "ptu_soc.v",
            "ptu_soc_tb.cpp",
        ],
        work,
        &build_log,
    )
    .with_context(|| {
        format!(
            "building the SoC with Verilator (log: {})",
            build_log.display()
        )
    })?;
    // Absolute: the harness runs in `work`, and `work` may be relative.
    let exe = std::path::absolute(work.join("obj_dir").join("Vptu_soc"))
        .with_context(|| format!("cannot resolve {}", work.display()))?;
    let mut args = vec![opts.max_cycles.to_string(), cfg.cycles_per_bit.to_string()];
    args.extend(opts.nmi_at.iter().map(|c| c.to_string()));
    let out = std::process::Command::new(&exe)
        .args(&args)
        .current_dir(work)
        .output()
        .with_context(|| format!("cannot run {}", exe.display()))?;
    if !out.status.success() {
        bail!(
            "{} failed: {}",
            exe.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    parse(&String::from_utf8_lossy(&out.stdout))
}

/// The Verilator waivers of the emitted SoC (`soc/ptu_soc.vlt`).
pub const WAIVERS: &str = include_str!("../ptu_soc.vlt");

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
