//! The iCEBreaker's SoC board top (`ptu_soc_board` as `ptu build --board
//! icebreaker --design soc` emits it: the RV32I core, the 32-bit unit,
//! the RAM in the UP5K's four
//! `SB_SPRAM256KA` filled at power-up from the block-RAM boot ROM, the
//! RV32I kernel in that ROM), simulated under Verilator through its pins
//! only, with Yosys's model of the SPRAM cell (`ice40/cells_sim.v`, cut
//! out of it as `soc/tests/spram.rs` does). The harness decodes the UART
//! (8N1) and watches the LEDs.
//!
//! The UART runs at 4 cycles per bit so that the run takes seconds, and
//! the power-on reset lasts longer than the SPRAM's boot copy (8,193
//! cycles), as on the board (1 ms at 12 MHz is 12,000 cycles): the SoC
//! then leaves reset at the end of the power-on reset, with the kernel
//! copied, and runs cycle for cycle as the rust-hdl RV32I SoC on block
//! RAM (`kernel::run_rtl`). The NMI button is pressed so that its
//! debounced pulse reaches the SoC at `kernel::RTL_NMI_CYCLES_RV32` (one
//! inside a system call's handler, one in user mode); then the run button
//! boots the kernel again without a new copy (the SPRAM keeps what the
//! kernel wrote, the kernel sets up its writable data from read-only
//! copies) and the second run prints the first one's transcript.

use ptu_soc::board::{self, BoardOptions, LEDS, LED_FAIL, LED_NMI, LED_PASS, LED_RUNNING};
use ptu_soc::kernel::{self, Expect, RTL_NMI_CYCLES_RV32};
use ptu_soc::spram::RamKind;
use std::path::{Path, PathBuf};

mod board_top;
use board_top::{cells_sim, simulate_at};

/// Cycles of the power-on reset (longer than the SPRAM's boot copy) and
/// of the debouncers in the simulation.
const POR: u64 = 9_000;
const DEBOUNCE: u64 = 8;
/// Cycles the SPRAM's boot copy takes from configuration.
const BOOT_COPY: u64 = 8_193;

fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("soc-board-ice-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The iCEBreaker's board, its SoC configuration and options, with the
/// simulation's fast UART, short debounce and active-high buttons (its
/// LEDs 0 and 1 stay active low, as on the board).
fn ice() -> (ptu_soc::soc::SocConfig, BoardOptions) {
    let b = ptu_synth::boards::find("icebreaker").unwrap();
    let cfg = board::kernel_soc_for(&b).unwrap_or_else(|e| panic!("{e:#}"));
    let mut o = BoardOptions::new(4 * 115_200);
    o.por_cycles = POR;
    o.debounce_cycles = DEBOUNCE;
    o.led_active_low = board::options(&b).unwrap().led_active_low;
    (cfg, o)
}

/// The board edge at which a press must start for its debounced pulse to
/// reach the SoC at its `cycle`, counted from the SoC's first edge out
/// of reset, board edge `start`: two synchroniser flip-flops, `DEBOUNCE`
/// + 1 cycles of counting, the pulse's register.
fn after_reset_at(start: u64, cycle: u64) -> u64 {
    board_top::after_reset_at(start, cycle, DEBOUNCE)
}

/// The SoC's first edge out of reset after a run press that starts at
/// board edge `press`.
fn start_after_run_press(press: u64) -> u64 {
    board_top::start_after_run_press(press, DEBOUNCE)
}

fn build(dir: &Path, cfg: &ptu_soc::soc::SocConfig, verilog: &str) -> PathBuf {
    let vlt = format!(
        "{}\n// Yosys's iCE40 cell models are linted by Yosys, not here.\nlint_off -file \"*cells_sim.v\"\n",
        board::waivers(cfg)
    );
    let text = std::fs::read_to_string(cells_sim()).unwrap();
    let from = text
        .find("module SB_SPRAM256KA")
        .expect("SB_SPRAM256KA in cells_sim.v");
    let to = from + text[from..].find("endmodule").unwrap() + "endmodule".len();
    let spram = format!("{}\n", &text[from..to]);
    board_top::build(dir, verilog, &vlt, &[("sb_spram256ka_cells_sim.v", spram)])
}

/// The LEDs as lit (after the active-low inversion of LEDs 0 and 1).
fn lit(v: u8, invert: u8) -> u8 {
    v ^ invert
}

#[test]
fn the_icebreaker_top_copies_the_rv32i_kernel_into_spram_runs_it_and_takes_the_nmi_button() {
    let k = kernel::build_xlen(kernel::Variant::Correct, 32).unwrap_or_else(|e| panic!("{e:#}"));
    let (cfg, opts) = ice();
    assert_eq!(cfg.cpu.xlen, 32);
    assert_eq!(cfg.ram_kind, RamKind::Up5kSpram);
    assert_eq!(cfg.image, k.program.image, "the RV32I kernel");
    const { assert!(POR > BOOT_COPY) };
    let verilog = board::emit(&cfg, &opts).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(verilog.contains("module ptu_soc_board(clock,button,nmi_button,tx,led);"));
    assert!(verilog.contains("an RV32I core whose pc, sp and tp"));
    assert_eq!(verilog.matches("SB_SPRAM256KA spram_").count(), 4);
    assert!(!verilog.contains("reg [63:0] mem["), "no inferred RAM left");
    let dir = scratch("sim");
    let exe = build(&dir, &cfg, &verilog);
    let invert = opts.led_active_low;

    // Run 1: both NMIs through the button; then the run button, and both
    // NMIs again at the same cycles of the second run.
    let mut presses: Vec<String> = RTL_NMI_CYCLES_RV32
        .iter()
        .map(|&c| format!("nmi:{}", after_reset_at(POR, c)))
        .collect();
    let first = simulate_at(&exe, &opts, 4, 3_000_000, 1, &presses);
    assert_eq!(
        first.passes.len(),
        1,
        "the kernel did not pass in {} cycles",
        first.cycles
    );
    let pass1 = first.passes[0];
    let run_press = pass1 + 1000;
    presses.push(format!("run:{run_press}"));
    let start2 = start_after_run_press(run_press);
    presses.extend(
        RTL_NMI_CYCLES_RV32
            .iter()
            .map(|&c| format!("nmi:{}", after_reset_at(start2, c))),
    );
    let sim = simulate_at(&exe, &opts, 4, 6_000_000, 2, &presses);
    assert_eq!(sim.passes.len(), 2, "the second run did not pass");
    assert_eq!(sim.passes[0], pass1, "the simulation is not repeatable");
    let expect = Expect {
        nmi_user: 1,
        nmi_nested: 1,
        fault_address: k.header.task_a,
        xlen: k.xlen,
    };
    let t1 = &sim.transcripts[0];
    let f1 = kernel::check_transcript(t1, &expect).unwrap_or_else(|e| panic!("run 1: {e:#}\n{t1}"));
    assert_eq!(f1.nmis, 2);
    // The same transcript, to the cycle, as the rust-hdl RV32I SoC on
    // block RAM with the NMI input driven directly: the SPRAM holds what
    // the boot ROM held, and the copy ended inside the power-on reset.
    let alone = kernel::run_rtl(&k, &RTL_NMI_CYCLES_RV32).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(
        *t1,
        alone.transcript(),
        "the board's run 1 and the SoC's differ"
    );
    // The run button: no new copy, the kernel runs again the same.
    let t2 = &sim.transcripts[1];
    assert_eq!(
        t1, t2,
        "run 2 (after the run button) printed something else"
    );
    assert_eq!(
        sim.passes[1] - start2,
        pass1 - POR,
        "run 2 took another time"
    );
    // LEDs: running from reset, then pass (never fail); the NMI LED from
    // the first NMI press until the run button.
    let bit = |v: u8, b: usize| lit(v, invert) >> b & 1 == 1;
    let (v0, e0) = sim.leds[0];
    assert_eq!(e0, 0);
    assert!(bit(v0, LED_RUNNING) && !bit(v0, LED_PASS) && !bit(v0, LED_FAIL));
    assert!(sim.leds.iter().all(|&(v, _)| !bit(v, LED_FAIL)));
    let at_pass1 = sim.leds.iter().rev().find(|&&(_, e)| e <= pass1).unwrap().0;
    assert!(bit(at_pass1, LED_PASS) && bit(at_pass1, LED_NMI) && !bit(at_pass1, LED_RUNNING));
    assert!(sim.leds.iter().all(|&(v, _)| (v as usize) < 1 << LEDS));
    eprintln!(
        "iCEBreaker top (RV32I, SPRAM, 4 cycles per bit): the kernel passes {} cycles after the power-on reset",
        pass1 - POR
    );
}

/// Without the boot copy the kernel cannot run: the same top with the
/// power-on reset shorter than the copy holds the SoC in reset until the
/// copy ends (the SoC's reset is `reset | booting`), so the kernel still
/// passes, and exactly as much later as the copy outlasts the reset.
#[test]
fn the_spram_copy_holds_the_soc_in_reset_until_it_ends() {
    let (cfg, mut opts) = ice();
    let dir = scratch("short-por");
    let exe_long = build(&dir, &cfg, &board::emit(&cfg, &opts).unwrap());
    let long = simulate_at(&exe_long, &opts, 4, 3_000_000, 1, &[]);
    assert_eq!(long.passes.len(), 1, "no pass with the long reset");
    opts.por_cycles = 16;
    let dir = scratch("short-por-2");
    let exe_short = build(&dir, &cfg, &board::emit(&cfg, &opts).unwrap());
    let short = simulate_at(&exe_short, &opts, 4, 3_000_000, 1, &[]);
    assert_eq!(short.passes.len(), 1, "no pass with the short reset");
    assert_eq!(short.transcripts[0], long.transcripts[0]);
    let late = long.passes[0] - short.passes[0];
    assert!(
        (POR - BOOT_COPY..=POR - BOOT_COPY + 2).contains(&late),
        "the short reset's run passes {late} cycles earlier; the copy ends at {BOOT_COPY}"
    );
}

/// The top exactly as the iCEBreaker gets it (12 MHz, 104 cycles per bit
/// at 115200 baud, the 1 ms power-on reset, 10 ms debounce, the run
/// button active low): the copy ends inside the power-on reset and the
/// RV32I kernel passes with its whole transcript.
#[test]
fn the_icebreaker_top_at_115200_baud_runs_the_rv32i_kernel_to_its_summary() {
    let k = kernel::build_xlen(kernel::Variant::Correct, 32).unwrap_or_else(|e| panic!("{e:#}"));
    let b = ptu_synth::boards::find("icebreaker").unwrap();
    let opts = board::options(&b).unwrap();
    assert!(opts.button_active_low);
    assert!(
        opts.por_cycles > BOOT_COPY,
        "the copy ends inside the power-on reset"
    );
    let cpb = (opts.clock_hz + opts.baud / 2) / opts.baud;
    assert_eq!(cpb, 104);
    let cfg = board::kernel_soc_for(&b).unwrap();
    let exe = build(&scratch("12mhz"), &cfg, &board::emit(&cfg, &opts).unwrap());
    let sim = simulate_at(&exe, &opts, cpb, 20_000_000, 1, &[]);
    assert_eq!(sim.passes.len(), 1, "no pass in {} cycles", sim.cycles);
    let t = &sim.transcripts[0];
    let expect = Expect {
        nmi_user: 0,
        nmi_nested: 0,
        fault_address: k.header.task_a,
        xlen: k.xlen,
    };
    kernel::check_transcript(t, &expect).unwrap_or_else(|e| panic!("{e:#}\n{t}"));
    eprintln!(
        "iCEBreaker top at 12 MHz: the kernel passes {} cycles after the power-on reset ({:.1} ms)",
        sim.passes[0] - opts.por_cycles,
        (sim.passes[0] - opts.por_cycles) as f64 * 1e3 / opts.clock_hz as f64,
    );
}
