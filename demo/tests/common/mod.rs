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

/// The Icarus testbench of the emitted demo: the board clock for
/// `cycles` cycles, `tx` written after each rising edge, all on one line,
/// then a line `leds <binary>`. The buttons rest released, except the NMI
/// button, pressed for 100 cycles from cycle `nmi_press` when given (pins
/// change after a rising edge, as DemoSim's do).
fn testbench(opts: &DemoOptions, cycles: u64, nmi_press: Option<u64>) -> String {
    let (idle, pressed) = if opts.nmi_active_low { (1, 0) } else { (0, 1) };
    let press = match nmi_press {
        Some(at) => format!(
            "\x20           if (i == {at}) nmi_button = {pressed};\n\
             \x20           if (i == {}) nmi_button = {idle};\n",
            at + 100
        ),
        None => String::new(),
    };
    format!(
        "`timescale 1ns/1ps\n\
         module tb;\n\
         \x20   reg clock = 0;\n\
         \x20   reg button = {run_idle};\n\
         \x20   reg nmi_button = {idle};\n\
         \x20   reg irq_button = {irq_idle};\n\
         \x20   wire tx;\n\
         \x20   wire [4:0] led;\n\
         \x20   integer i;\n\
         \x20   ptu_demo dut(.clock(clock), .button(button), .nmi_button(nmi_button),\n\
         \x20                .irq_button(irq_button), .tx(tx), .led(led));\n\
         \x20   initial begin\n\
         \x20       for (i = 0; i < {cycles}; i = i + 1) begin\n\
         {press}\
         \x20           #5 clock = 1;\n\
         \x20           #1 $write(\"%b\", tx);\n\
         \x20           #4 clock = 0;\n\
         \x20       end\n\
         \x20       $write(\"\\nleds %b\\n\", led);\n\
         \x20       $finish;\n\
         \x20   end\n\
         endmodule\n",
        run_idle = opts.button_active_low as u8,
        irq_idle = opts.irq_active_low as u8,
    )
}

/// Simulates the emitted demo `demo_v` under Icarus in a fresh folder
/// `dir` for `cycles` cycles from power-up, with the NMI button pressed
/// at `nmi_press` ([`testbench`]); the serial line must have no `x` or
/// `z` and show a level in every cycle.
pub fn icarus_run(
    dir: &Path,
    demo_v: &str,
    opts: &DemoOptions,
    cycles: u64,
    nmi_press: Option<u64>,
) -> IcarusRun {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("ptu_demo.v"), demo_v).unwrap();
    std::fs::write(dir.join("tb.v"), testbench(opts, cycles, nmi_press)).unwrap();
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
