//! The SoC's board top (`ptu_soc_board`, soc/src/board.rs) under
//! Verilator through its pins only: the C++ harness (board clock, the two
//! buttons with the board's polarities, the UART decoded 8N1, the LEDs),
//! its build, and the reading of what it printed. Used by
//! `board_sim.rs` (the ULX3S's RV64I top) and `board_ice.rs` (the
//! iCEBreaker's RV32I top with its SPRAM).

#![allow(dead_code)]

use ptu_soc::board::{BoardOptions, TOP};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const HARNESS: &str = concat!(
    r#"// ptu_soc_board_tb.cpp: the SoC's board top through its pins (soc/tests/board_top/mod.rs).
#include "Vptu_soc_board.h"
#include "verilated.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

"#,
    ptu_soc::uart_rx_cpp!(),
    r#"
// usage: max_cycles cycles_per_bit passes hold invert buttons_low [nmi:EDGE|run:EDGE ...]
// (bit 0 of buttons_low: the run button's pin is low when pressed; bit 1: the NMI button's)
// Prints `uart B` per byte, `led V EDGE` when the LED pins change, `pass
// EDGE` when LED 0 lights (its pin is inverted if bit 0 of `invert` is
// set), `run EDGE` when a run press starts, `cycles N` at the end; stops
// 12 bits after the `passes`th pass (the last byte may be on the line).
int main(int argc, char **argv) {
    if (argc < 7) return 2;
    const unsigned long long max_cycles = std::strtoull(argv[1], nullptr, 0);
    const unsigned long long cpb = std::strtoull(argv[2], nullptr, 0);
    const unsigned passes = std::strtoul(argv[3], nullptr, 0);
    const unsigned long long hold = std::strtoull(argv[4], nullptr, 0);
    const unsigned invert = std::strtoul(argv[5], nullptr, 0);
    const unsigned buttons_low = std::strtoul(argv[6], nullptr, 0);
    std::vector<unsigned long long> nmi_at, run_at;
    for (int i = 7; i < argc; i++) {
        if (!std::strncmp(argv[i], "nmi:", 4)) nmi_at.push_back(std::strtoull(argv[i] + 4, nullptr, 0));
        else if (!std::strncmp(argv[i], "run:", 4)) run_at.push_back(std::strtoull(argv[i] + 4, nullptr, 0));
        else return 2;
    }
    VerilatedContext ctx;
    Vptu_soc_board top{&ctx};
    top.clock = 0;
    top.button = buttons_low & 1;
    top.nmi_button = (buttons_low >> 1) & 1;
    top.eval();
    UartRx rx(cpb);
    unsigned led = 0x100, seen_passes = 0;
    unsigned long long edge = 0;
    unsigned long long stop = max_cycles;
    for (; edge < max_cycles && edge < stop; edge++) {
        bool nmi = false, run = false;
        for (auto at : nmi_at) nmi = nmi || (edge >= at && edge < at + hold);
        for (auto at : run_at) {
            run = run || (edge >= at && edge < at + hold);
            if (edge == at) std::printf("run %llu\n", edge);
        }
        top.clock = 0;
        top.nmi_button = nmi != bool((buttons_low >> 1) & 1);
        top.button = run != bool(buttons_low & 1);
        top.eval();
        rx.sample(top.tx, edge, true);
        if (top.led != led) {
            if (!((led ^ invert) & 1) && ((top.led ^ invert) & 1)) {
                std::printf("pass %llu\n", edge);
                if (++seen_passes == passes) stop = edge + 12 * cpb;
            }
            led = top.led;
            std::printf("led %u %llu\n", led, edge);
        }
        top.clock = 1;
        top.eval();
    }
    std::printf("cycles %llu\n", edge);
    return 0;
}
"#
);

/// The SoC's first edge out of reset is board edge `start`; the board
/// edge at which a press must start for its debounced pulse to reach the
/// SoC at its `cycle`: two synchroniser flip-flops, `debounce` + 1 cycles
/// of counting, the pulse's register.
pub fn after_reset_at(start: u64, cycle: u64, debounce: u64) -> u64 {
    start + cycle - 3 - debounce
}

/// The SoC's first edge out of reset after a run press that starts at
/// board edge `press`: the press's debounced pulse holds the SoC in reset
/// for one edge.
pub fn start_after_run_press(press: u64, debounce: u64) -> u64 {
    press + 3 + debounce + 1
}

/// What the harness printed: one transcript per run (split at each run
/// press),
/// the LED changes, the edge count.
pub struct Sim {
    pub transcripts: Vec<String>,
    pub passes: Vec<u64>,
    pub leds: Vec<(u8, u64)>,
    pub cycles: u64,
}

/// Run `cmd`, which must succeed; what it printed (stdout, then stderr).
pub fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

/// Yosys's simulation models of the iCE40 cells.
pub fn cells_sim() -> PathBuf {
    let mut tried = Vec::new();
    if let Ok(out) = Command::new("yosys-config").arg("--datdir").output() {
        if out.status.success() {
            tried.push(
                PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
                    .join("ice40/cells_sim.v"),
            );
        }
    }
    if let Ok(out) = Command::new("which").arg("yosys").output() {
        let bin = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if let Some(prefix) = bin.parent().and_then(Path::parent) {
            tried.push(prefix.join("share/yosys/ice40/cells_sim.v"));
        }
    }
    tried
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .unwrap_or_else(|| {
            panic!("no Yosys ice40/cells_sim.v (looked at {tried:?}): run ./setup.sh")
        })
}

/// Build the harness in `dir` around `verilog` (the top's own waivers,
/// the RV32I seam's among them, and Yosys's `SB_SPRAM256KA` model cut out
/// of `cells_sim.v`, which Verilator does not parse whole), with
/// `-Wall`: the build is also the top's lint.
/// Build the harness once in `dir` around the board top's `verilog`, with
/// the Verilator waivers `vlt` and more Verilog files `extra` (name,
/// text), written beside it.
pub fn build(dir: &Path, verilog: &str, vlt: &str, extra: &[(&str, String)]) -> PathBuf {
    std::fs::write(dir.join(format!("{TOP}.v")), verilog).unwrap();
    std::fs::write(dir.join("ptu_soc_board.vlt"), vlt).unwrap();
    for (name, text) in extra {
        std::fs::write(dir.join(name), text).unwrap();
    }
    std::fs::write(dir.join("ptu_soc_board_tb.cpp"), HARNESS).unwrap();
    let mut args: Vec<String> = ptu_soc::verilator::BUILD_FLAGS
        .iter()
        .chain(&["--top-module", TOP, "ptu_soc_board.vlt"])
        .map(|s| s.to_string())
        .collect();
    args.extend(extra.iter().map(|(name, _)| name.to_string()));
    args.extend([
        "ptu_soc_board.v".to_string(),
        "ptu_soc_board_tb.cpp".to_string(),
    ]);
    run(Command::new("verilator").args(&args).current_dir(dir));
    dir.join("obj_dir").join(format!("V{TOP}"))
}

/// Run the harness with the board's `opts` (its LEDs' and buttons'
/// polarities, its debounce: a press is held 20 cycles longer).
pub fn simulate_at(
    exe: &Path,
    opts: &BoardOptions,
    cpb: u64,
    max: u64,
    passes: u32,
    presses: &[String],
) -> Sim {
    let mut args = vec![
        max.to_string(),
        cpb.to_string(),
        passes.to_string(),
        (opts.debounce_cycles + 20).to_string(),
        opts.led_active_low.to_string(),
        (opts.button_active_low as u8 | (opts.nmi_active_low as u8) << 1).to_string(),
    ];
    args.extend(presses.iter().cloned());
    let text = run(Command::new(exe).args(&args));
    let mut sim = Sim {
        transcripts: vec![],
        passes: vec![],
        leds: vec![],
        cycles: 0,
    };
    let mut bytes: Vec<Vec<u8>> = vec![Vec::new()];
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        match w.as_slice() {
            ["uart", b] => bytes.last_mut().unwrap().push(b.parse().unwrap()),
            ["uart", _, "framing-error"] => panic!("UART framing error after {bytes:?}"),
            ["pass", e] => sim.passes.push(e.parse().unwrap()),
            ["run", _] => bytes.push(Vec::new()),
            ["led", v, e] => sim.leds.push((v.parse().unwrap(), e.parse().unwrap())),
            ["cycles", n] => sim.cycles = n.parse().unwrap(),
            _ => panic!("the harness printed {line:?}"),
        }
    }
    sim.transcripts = bytes
        .into_iter()
        .map(|b| String::from_utf8(b).expect("the transcript is text"))
        .collect();
    sim
}
