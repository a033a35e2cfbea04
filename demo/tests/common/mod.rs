//! What the board demo's simulation tests share: the sped-up options, the
//! LEDs, running to a result line, a FAIL line, and the emitted demo under
//! Icarus.

use ptu_demo::board_demo::DemoOptions;
use ptu_demo::demo_sim::{DemoSim, UartDecoder};
use ptu_demo::{design, uart_tx};
use ptu_synth::boards;
use std::path::Path;

/// The iCEBreaker's demo options, sped up for simulation.
pub fn fast_options() -> DemoOptions {
    let board = boards::find("icebreaker").unwrap();
    let mut o = design::options(&board).unwrap();
    o.baud = 3_000_000;
    o.por_cycles = 100;
    o.debounce_cycles = 50;
    o.busy_led_cycles = 20;
    o
}

/// LED `i` is lit (the iCEBreaker's pass and fail LEDs are active low).
pub fn lit(sim: &DemoSim, opts: &DemoOptions, i: usize) -> bool {
    ((sim.leds() ^ opts.led_active_low) >> i) & 1 == 1
}

/// Runs until a line starting with PASS or FAIL has been printed after
/// byte `from`; returns the text printed from `from` on.
pub fn run_to_result(sim: &mut DemoSim, from: usize) -> String {
    let limit = 200_000;
    let start = sim.cycles();
    loop {
        let text = String::from_utf8_lossy(&sim.uart.bytes[from..]).into_owned();
        // Complete lines only: the last piece is the line being received.
        let pieces: Vec<&str> = text.split("\r\n").collect();
        if pieces[..pieces.len() - 1]
            .iter()
            .any(|l| l.starts_with("PASS") || l.starts_with("FAIL"))
        {
            return text;
        }
        assert!(
            sim.cycles() - start < limit,
            "no PASS or FAIL line within {limit} cycles; printed:\n{}",
            sim.uart.text()
        );
        sim.run_until(sim.uart.bytes.len(), "\r\n", limit).unwrap();
    }
}

/// `text` has one FAIL line, naming `step` and `port`, and no PASS.
pub fn assert_fails_at(text: &str, step: usize, port: &str) {
    let fail: Vec<&str> = text
        .split("\r\n")
        .filter(|l| l.starts_with("FAIL"))
        .collect();
    assert_eq!(
        fail,
        [format!("FAIL at step 0x{step:02x}: mismatch on {port}")],
        "{text}"
    );
    assert!(!text.contains("PASS"), "{text}");
}

/// What the emitted demo did under Icarus: its serial line decoded, and
/// the testbench's last line (`leds` and the LEDs in binary).
pub struct IcarusRun {
    pub uart: UartDecoder,
    pub leds: String,
}

/// Simulates the emitted demo `demo_v` with the testbench `tb_v` under
/// Icarus in a fresh folder `dir`. The testbench writes `tx` once per
/// cycle for `cycles` cycles on one line, then a line `leds <binary>`;
/// the serial line must have no `x` or `z`.
pub fn icarus_run(
    dir: &Path,
    demo_v: &str,
    tb_v: &str,
    cycles: u64,
    opts: &DemoOptions,
) -> IcarusRun {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("ptu_demo.v"), demo_v).unwrap();
    std::fs::write(dir.join("tb.v"), tb_v).unwrap();
    ptu_tools::run_ok(
        "iverilog",
        &["-g2005", "-o", "tb.vvp", "tb.v", "ptu_demo.v"],
        dir,
        &dir.join("iverilog.log"),
    )
    .unwrap();
    let run = ptu_tools::run_ok("vvp", &["-n", "tb.vvp"], dir, &dir.join("vvp.log")).unwrap();
    let mut lines = run.output.lines();
    let line = lines.next().unwrap();
    assert_eq!(line.len() as u64, cycles);
    assert!(!line.contains(['x', 'z']), "x or z on tx under Icarus");
    let div = uart_tx::divisor(opts.clock_hz, opts.baud).unwrap();
    let mut uart = UartDecoder::new(div);
    for c in line.chars() {
        uart.sample(c == '1');
    }
    IcarusRun {
        uart,
        leds: lines.next().unwrap().to_string(),
    }
}
