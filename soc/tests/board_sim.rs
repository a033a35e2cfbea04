//! The SoC's board top (`ptu_soc_board`, soc/src/board.rs) as `ptu build
//! --design soc` emits it, with the kernel in its RAM, simulated under
//! Verilator through its pins only: the board clock, the two buttons, the
//! UART's serial line (decoded by the harness, 8N1) and the LEDs. The
//! UART runs at 4 cycles per bit (the clock is 4 x the baud rate) so that
//! the run is cycle for cycle the one of `soc/tests/kernel_rtl.rs`, and
//! the NMI button is pressed so that its debounced pulse reaches the SoC
//! at the cycles of `kernel::RTL_NMI_CYCLES` (one inside a system call's
//! handler, one in user mode). Then the run button boots the kernel again
//! without a reload of the RAM, and the second run prints the first one's
//! transcript.

use ptu_soc::board::{self, BoardOptions, LEDS, LED_FAIL, LED_NMI, LED_PASS, LED_RUNNING, TOP};
use ptu_soc::kernel::{self, Expect, RTL_NMI_CYCLES};
use std::path::{Path, PathBuf};

mod board_top;
mod lint;
use board_top::{simulate_at, Sim};

/// Cycles of the power-on reset and of the debouncers in the simulation.
const POR: u64 = 16;
const DEBOUNCE: u64 = 8;

fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("soc-board-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The options of the simulated board: 4 cycles per bit, short reset and
/// debounce, buttons active high, LEDs 0 and 1 active low (as on the
/// iCEBreaker, so the inversion is exercised).
fn options() -> BoardOptions {
    let mut o = BoardOptions::new(4 * 115_200);
    o.por_cycles = POR;
    o.debounce_cycles = DEBOUNCE;
    o.led_active_low = 0b00011;
    o
}

/// The board edge at which a press must start for its debounced pulse to
/// reach the SoC at its `cycle` (counted from its first edge out of
/// reset): two synchroniser flip-flops, `DEBOUNCE` + 1 cycles of counting,
/// the pulse's register.
fn press_for(cycle: u64) -> u64 {
    after_reset_at(POR, cycle)
}

/// The same for a SoC whose first edge out of reset is board edge `start`.
fn after_reset_at(start: u64, cycle: u64) -> u64 {
    board_top::after_reset_at(start, cycle, DEBOUNCE)
}

/// The SoC's first edge out of reset after a run press that starts at
/// board edge `press`: the press's debounced pulse (as an NMI press's,
/// above) holds the SoC in reset for one edge.
fn start_after_run_press(press: u64) -> u64 {
    board_top::start_after_run_press(press, DEBOUNCE)
}

/// What the harness printed: one transcript per run (split at each run
/// press),
/// the LED changes, the edge count.
/// Build the harness once in `dir` around `verilog`.
fn build(dir: &Path, verilog: &str) -> PathBuf {
    board_top::build(dir, verilog, board::WAIVERS, &[])
}

fn simulate(exe: &Path, passes: u32, presses: &[String]) -> Sim {
    simulate_at(exe, &options(), 4, 3_000_000, passes, presses)
}

/// The LEDs as lit (after the active-low inversion of LEDs 0 and 1).
fn lit(v: u8) -> u8 {
    v ^ 0b00011
}

#[test]
fn the_board_top_runs_the_kernel_prints_it_and_takes_the_nmi_button() {
    let k = kernel::build(kernel::Variant::Correct).unwrap_or_else(|e| panic!("{e:#}"));
    let cfg = board::kernel_soc().unwrap();
    let verilog = board::emit(&cfg, &options()).unwrap();
    assert!(verilog.contains("module ptu_soc_board(clock,button,nmi_button,tx,led);"));
    assert!(verilog.contains("UART 115200 baud (4 cycles per bit)"));
    let dir = scratch("sim");
    let exe = build(&dir, &verilog);

    // Run 1: both NMIs through the button; then the run button, and both
    // NMIs again at the same cycles of the second run.
    let mut presses: Vec<String> = RTL_NMI_CYCLES
        .iter()
        .map(|&c| format!("nmi:{}", press_for(c)))
        .collect();
    let first = simulate(&exe, 1, &presses);
    assert_eq!(first.passes.len(), 1, "the kernel did not pass");
    let pass1 = first.passes[0];
    let run_press = pass1 + 1000;
    presses.push(format!("run:{run_press}"));
    let start2 = start_after_run_press(run_press);
    presses.extend(
        RTL_NMI_CYCLES
            .iter()
            .map(|&c| format!("nmi:{}", after_reset_at(start2, c))),
    );
    let sim = simulate(&exe, 2, &presses);
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
    // The same transcript as the SoC alone with the NMI input driven
    // directly (soc/tests/kernel_rtl.rs): the board adds nothing between
    // the button and the unit but the debouncer's fixed delay.
    let alone = ptu_soc::kernel::run_rtl(&k, &RTL_NMI_CYCLES).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(
        *t1,
        alone.transcript(),
        "the board's run 1 and the SoC's differ"
    );
    // The run button resets the core, the unit and the devices, not the
    // RAM nor the core's register file: the kernel boots again, sets up
    // its writable data from their initial copies, and runs as the first
    // time, to the cycle (the second pass comes as long after its reset
    // as the first, and the NMIs land at the same instructions: their
    // lines name the same addresses).
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
    let bit = |v: u8, b: usize| lit(v) >> b & 1 == 1;
    let (v0, e0) = sim.leds[0];
    assert_eq!(e0, 0);
    assert!(bit(v0, LED_RUNNING) && !bit(v0, LED_PASS) && !bit(v0, LED_FAIL));
    assert!(sim.leds.iter().all(|&(v, _)| !bit(v, LED_FAIL)));
    let nmi_on = sim
        .leds
        .iter()
        .find(|&&(v, _)| bit(v, LED_NMI))
        .expect("the NMI LED lit")
        .1;
    assert_eq!(nmi_on, press_for(RTL_NMI_CYCLES[0]) + 3 + DEBOUNCE + 1);
    let at_pass1 = sim.leds.iter().rev().find(|&&(_, e)| e <= pass1).unwrap().0;
    assert!(bit(at_pass1, LED_PASS) && bit(at_pass1, LED_NMI) && !bit(at_pass1, LED_RUNNING));
    let rerun = sim
        .leds
        .iter()
        .find(|&&(v, e)| e > pass1 && bit(v, LED_RUNNING))
        .expect("the run button restarted the kernel");
    assert!(!bit(rerun.0, LED_NMI) && !bit(rerun.0, LED_PASS));
    assert!(sim.leds.iter().all(|&(v, _)| (v as usize) < 1 << LEDS));
    assert!(sim.cycles >= sim.passes[1]);
}

#[test]
fn the_board_top_lints_clean_in_verilator_icarus_and_yosys() {
    let dir = scratch("lint");
    let cfg = board::kernel_soc().unwrap();
    let waivers = dir.join("w.vlt");
    std::fs::write(&waivers, board::WAIVERS).unwrap();
    let v = board::emit(&cfg, &options()).unwrap();
    lint::assert_lints_clean(&dir, TOP, &v, &[&waivers]);
}

/// The top as the ULX3S gets it (25 MHz, 217 cycles per bit at 115200
/// baud, 1 ms power-on reset): the kernel, whose every byte now takes 50
/// times longer to send, still passes with its whole transcript.
#[test]
fn the_ulx3s_top_at_115200_baud_runs_the_kernel_to_its_summary() {
    let k = kernel::build(kernel::Variant::Correct).unwrap_or_else(|e| panic!("{e:#}"));
    let b = ptu_synth::boards::find("ulx3s").unwrap();
    let opts = board::options(&b).unwrap();
    let cpb = (opts.clock_hz + opts.baud / 2) / opts.baud;
    assert_eq!(cpb, 217);
    let verilog = board::emit(&board::kernel_soc().unwrap(), &opts).unwrap();
    let exe = build(&scratch("ulx3s-sim"), &verilog);
    let sim = simulate_at(&exe, &opts, cpb, 40_000_000, 1, &[]);
    assert_eq!(sim.passes.len(), 1, "no pass in {} cycles", sim.cycles);
    let t = &sim.transcripts[0];
    let expect = Expect {
        nmi_user: 0,
        nmi_nested: 0,
        fault_address: k.header.task_a,
        xlen: k.xlen,
    };
    kernel::check_transcript(t, &expect).unwrap_or_else(|e| panic!("{e:#}\n{t}"));
    // The power-on reset holds the SoC for 1 ms.
    assert!(sim.passes[0] > opts.por_cycles);
    eprintln!(
        "ULX3S top: the kernel passes {} cycles after the power-on reset ({:.1} ms at {} MHz)",
        sim.passes[0] - opts.por_cycles,
        (sim.passes[0] - opts.por_cycles) as f64 * 1e3 / opts.clock_hz as f64,
        opts.clock_hz / 1_000_000
    );
}

/// The flow refuses the SoC on the Alchitry Cu (its 64 KiB of RAM need
/// more block RAM than the HX8K has) in its generate stage, with the
/// one-line reason, and leaves no build folder. The iCEBreaker fits since
/// its SoC has the 32-bit unit (docs/soc-boards.md).
#[test]
fn the_flow_refuses_the_soc_where_it_does_not_fit() {
    use ptu_synth::{boards, flow};
    let name = "alchitry-cu";
    let root = scratch(&format!("refuse-{name}"));
    let mut opts = flow::BuildOptions::new(boards::find(name).unwrap());
    opts.out = root.join(name);
    let e = flow::build(&opts, &board::SocBuild, &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("does not fit"), "{e}");
    assert!(e.contains("64 KiB of RAM need block RAM"), "{e}");
    assert!(e.contains("--board ulx3s --design soc"), "{e}");
    assert!(!opts.out.exists(), "{name}: a build folder was written");
}

/// `ptu build --board ulx3s --design soc` end to end (2 to 5 minutes
/// on two busy cores): a bitstream that meets 25 MHz, the RAM in block
/// RAM, the unit kept as its own module. A separate, slower command:
/// `cargo test --release -p ptu-soc --test board_sim -- --ignored`.
#[test]
#[ignore = "slow: run with --ignored (docs/soc-boards.md)"]
fn ulx3s_builds_the_soc_meeting_25_mhz() {
    use ptu_synth::{boards, flow};
    let root = scratch("ulx3s");
    let mut opts = flow::BuildOptions::new(boards::find("ulx3s").unwrap());
    opts.out = root.join("ulx3s-soc");
    let built =
        flow::build(&opts, &board::SocBuild, &mut |_| {}).unwrap_or_else(|e| panic!("{e:#}"));
    let r = &built.report;
    assert!(r.timing_met, "{}", r.summary());
    assert!(r.block_rams.used >= 32, "{}", r.summary());
    assert!(r
        .figures
        .iter()
        .any(|(k, v)| k == "kernel_image_bytes" && *v > 0x8000));
    let ys = std::fs::read_to_string(opts.out.join("synth.ys")).unwrap();
    assert!(
        ys.contains("setattr -mod -set keep_hierarchy 1 ptu_soc_board_soc_ptu\n"),
        "{ys}"
    );
    assert!(opts.out.join("ptu_soc_board.bit").is_file());
}
