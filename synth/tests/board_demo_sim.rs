//! The whole board demo top (`ptu_rtl::board_demo::BoardDemo`: power-on
//! reset, replay of the built-in sequence from ROM, per-cycle check of
//! every output, printer, UART) simulated in rust-hdl, with its serial
//! output decoded as a terminal would.
//!
//! The runs use the iCEBreaker's options (12 MHz, its LED and button
//! polarities) with a fast UART (3 Mbaud, 4 cycles per bit) and short
//! power-on and debounce counts, so that a whole run is ~50 000 cycles;
//! `real_board_options_print_the_banner_at_115200` checks the board's own
//! options (115200 baud, 1 ms power-on reset) on the first line.

use ptu_arch::PtuConfig;
use ptu_rtl::board_demo::{self, DemoOptions, LED_BUSY, LED_FAIL, LED_PASS, LED_USER};
use ptu_rtl::demo_program::{Corruption, DemoStep};
use ptu_rtl::uart_tx::{self, UartTx};
use ptu_synth::demo_sim::{DemoSim, UartDecoder};
use ptu_synth::{boards, demo, flow, tools};
use rust_hdl::prelude::*;

/// The iCEBreaker's demo options, sped up for simulation.
fn fast_options() -> DemoOptions {
    let board = boards::find("icebreaker").unwrap();
    let mut o = flow::demo_options(&board, None);
    o.baud = 3_000_000;
    o.por_cycles = 100;
    o.debounce_cycles = 50;
    o.busy_led_cycles = 20;
    o
}

fn steps() -> Vec<DemoStep> {
    demo::builtin(&PtuConfig::default()).unwrap()
}

/// LED `i` is lit (the iCEBreaker's pass and fail LEDs are active low).
fn lit(sim: &DemoSim, opts: &DemoOptions, i: usize) -> bool {
    ((sim.leds() ^ opts.led_active_low) >> i) & 1 == 1
}

/// The transition lines the demo must print for `steps`: kind, vector,
/// cycles (hex), and the unit's CPL, RIP and RSP during the pause (the
/// model's outputs in the step after the pause).
fn expected_lines(steps: &[DemoStep]) -> Vec<String> {
    let kinds = [
        ("ERET", None, 1),
        ("SYSCALL", Some(0x00), 1),
        ("ERET", None, 1),
        ("EXC", Some(0x0e), 1),
        ("ERET", None, 1),
        ("IRQ", Some(0x20), 1),
        ("EXC", Some(0x06), 6),
        ("ERET", None, 6),
        ("ERET", None, 1),
        ("NMI", Some(0x02), 12),
        ("ERET", None, 6),
    ];
    let pauses: Vec<usize> = (0..steps.len()).filter(|&i| steps[i].print).collect();
    assert_eq!(pauses.len(), kinds.len());
    pauses
        .iter()
        .zip(kinds)
        .map(|(&i, (name, vector, cycles))| {
            let o = steps[i + 1].expect;
            let head = match vector {
                Some(v) => format!("  {name:<7} vector 0x{v:02x}  "),
                None => format!("  {name:<19}"),
            };
            format!(
                "{head}-> cpl {}  rip 0x{:016x}  rsp 0x{:016x}  0x{cycles:02x} cycles",
                o.cpl, o.rip, o.rsp
            )
        })
        .collect()
}

#[test]
fn the_builtin_sequence_prints_every_transition_and_pass() {
    let steps = steps();
    let opts = fast_options();
    let mut sim = DemoSim::new(&PtuConfig::default(), &steps, &opts).unwrap();
    // Power-on reset, then the banner.
    sim.run(50).unwrap();
    assert!(sim.uart.bytes.is_empty());
    assert!(!lit(&sim, &opts, LED_PASS) && !lit(&sim, &opts, LED_FAIL));
    sim.run_until(0, "PASS", 200_000).unwrap();
    sim.run_until(0, "model\r\n", 10_000).unwrap();
    let text = sim.uart.text();
    assert_eq!(sim.uart.framing_errors, 0);
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], "");
    assert_eq!(
        lines[1],
        format!(
            "ptu board demo: replaying 0x{:02x} cycles (syscall, fault, interrupt, nested fault, NMI, ERET), every output checked",
            steps.len()
        )
    );
    let want = expected_lines(&steps);
    assert_eq!(lines[2..2 + want.len()], want[..], "{text}");
    assert_eq!(
        lines[2 + want.len()],
        format!(
            "PASS: 0x{:02x} cycles, all 15 outputs of ptu matched the reference model",
            steps.len()
        )
    );
    assert!(!text.contains("FAIL"));
    // The LEDs: pass, user mode (the sequence ends in user), not busy.
    sim.run(40).unwrap();
    assert!(lit(&sim, &opts, LED_PASS));
    assert!(!lit(&sim, &opts, LED_FAIL));
    assert!(lit(&sim, &opts, LED_USER));
    assert!(!lit(&sim, &opts, LED_BUSY));
}

/// Runs the demo with `corruption` until it prints FAIL; returns the text.
fn run_corrupted(steps: &[DemoStep], corruption: Corruption) -> (String, DemoSim, DemoOptions) {
    let mut opts = fast_options();
    opts.corrupt = Some(corruption);
    let mut sim = DemoSim::new(&PtuConfig::default(), steps, &opts).unwrap();
    sim.run_until(0, "FAIL", 200_000).unwrap();
    let at = sim.uart.text().find("FAIL").unwrap();
    sim.run_until(at, "\r\n", 10_000).unwrap();
    (sim.uart.text(), sim, opts)
}

#[test]
fn a_corrupted_expected_value_prints_fail_with_its_step_and_port() {
    let steps = steps();
    // The third word of the nested #UD's frame (STATUS), and the cycle
    // where the SYSCALL's redirect is due.
    let push = (0..steps.len())
        .filter(|&i| steps[i].expect.mem_we)
        .nth(2)
        .unwrap();
    let redirect = (0..steps.len())
        .find(|&i| steps[i].expect.redirect && steps[i - 1].inputs.op_syscall)
        .unwrap();
    for (step, port) in [(push, "mem_wdata"), (redirect, "redirect")] {
        let (text, sim, opts) = run_corrupted(
            &steps,
            Corruption {
                step,
                port: port.into(),
            },
        );
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
        // Transitions completed before the corrupted step were printed.
        let before = steps[..step].iter().filter(|s| s.print).count();
        assert_eq!(text.matches(" cycles\r\n").count(), before, "{text}");
        assert!(lit(&sim, &opts, LED_FAIL) && !lit(&sim, &opts, LED_PASS));
    }
}

#[test]
fn the_button_runs_the_demo_again() {
    let steps = steps();
    let opts = fast_options();
    let mut sim = DemoSim::new(&PtuConfig::default(), &steps, &opts).unwrap();
    sim.run_until(0, "PASS", 200_000).unwrap();
    sim.run_until(0, "model\r\n", 10_000).unwrap();
    let first = sim.uart.bytes.len();
    // A bounce shorter than the debounce time does nothing.
    sim.set_button(false);
    sim.run(10).unwrap();
    sim.set_button(true);
    sim.run(200).unwrap();
    assert_eq!(sim.uart.bytes.len(), first);
    // A real press (the iCEBreaker's button is active low).
    sim.set_button(false);
    sim.run(100).unwrap();
    sim.set_button(true);
    sim.run_until(first, "ptu board demo", 5_000).unwrap();
    assert!(
        !lit(&sim, &opts, LED_PASS),
        "pass LED off while it runs again"
    );
    sim.run_until(first, "PASS", 200_000).unwrap();
    let again = sim.uart.text()[first..].to_string();
    assert_eq!(again.matches(" cycles\r\n").count(), 11, "{again}");
}

#[test]
fn real_board_options_print_the_banner_at_115200() {
    let board = boards::find("icebreaker").unwrap();
    let opts = flow::demo_options(&board, None);
    assert_eq!((opts.clock_hz, opts.baud), (12_000_000, 115_200));
    let mut sim = DemoSim::new(&PtuConfig::default(), &steps(), &opts).unwrap();
    // Held in power-on reset for 1 ms: nothing is sent.
    sim.run(12_000).unwrap();
    assert!(sim.uart.bytes.is_empty());
    sim.run_until(0, "ptu board demo: ", 40_000).unwrap();
    assert_eq!(sim.uart.framing_errors, 0);
    assert!(sim.uart.text().starts_with("\r\nptu board demo: "));
}

#[test]
fn uart_sends_8n1_at_115200_from_12_mhz() {
    let div = uart_tx::divisor(12_000_000, 115_200).unwrap();
    assert_eq!(div, 104);
    let mut u = UartTx::new(div);
    u.connect_all();
    let mut dec = UartDecoder::new(div);
    let msg = b"PASS\r\n\x00\xff";
    let mut k = 0;
    for _ in 0..(msg.len() as u64 + 2) * 10 * div {
        u.clock.next = Clock::from(false);
        u.send.next = false;
        if k < msg.len() && !u.busy.val() {
            u.send.next = true;
            u.data.next = (msg[k] as u64).into();
            k += 1;
        }
        assert!(simulate(&mut u, 50));
        u.clock.next = Clock::from(true);
        assert!(simulate(&mut u, 50));
        dec.sample(u.tx.val());
    }
    assert_eq!(dec.bytes, msg);
    assert_eq!(dec.framing_errors, 0);
    assert!(uart_tx::divisor(1_000, 115_200).is_err());
    assert!(uart_tx::divisor(12_000_000, 0).is_err());
}

#[test]
fn the_demo_verilog_is_tidy() {
    let v = board_demo::emit(&PtuConfig::default(), &steps(), &fast_options()).unwrap();
    assert!(v.starts_with("// ptu_demo.v: the ptu board demo"));
    assert!(v.contains("module ptu_demo(clock,button,tx,led);"));
    assert!(v.contains("module ptu_demo_ptu("));
    assert!(!v.contains('$'));
    let mut opts = fast_options();
    opts.corrupt = Some(Corruption {
        step: 3,
        port: "rsp".into(),
    });
    let v = board_demo::emit(&PtuConfig::default(), &steps(), &opts).unwrap();
    assert!(v.contains("CORRUPTED: rsp at step 3"));
}

/// The emitted Verilog (what the boards are built from), simulated by
/// Icarus from power-up with nothing initialised but the power-on
/// counter, prints exactly what the rust-hdl design prints, with no `x` on
/// the serial line.
#[test]
fn the_emitted_verilog_prints_the_same_under_icarus() {
    let steps = steps();
    let opts = fast_options();
    let cycles = 60_000u64;
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("demo-icarus");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let v = board_demo::emit(&PtuConfig::default(), &steps, &opts).unwrap();
    std::fs::write(dir.join("ptu_demo.v"), v).unwrap();
    std::fs::write(
        dir.join("tb.v"),
        format!(
            "`timescale 1ns/1ps\n\
             module tb;\n\
             \x20   reg clock = 0;\n\
             \x20   reg button = 1;\n\
             \x20   wire tx;\n\
             \x20   wire [4:0] led;\n\
             \x20   integer i;\n\
             \x20   ptu_demo dut(.clock(clock), .button(button), .tx(tx), .led(led));\n\
             \x20   initial begin\n\
             \x20       for (i = 0; i < {cycles}; i = i + 1) begin\n\
             \x20           #5 clock = 1;\n\
             \x20           #1 $write(\"%b\", tx);\n\
             \x20           #4 clock = 0;\n\
             \x20       end\n\
             \x20       $write(\"\\nleds %b\\n\", led);\n\
             \x20       $finish;\n\
             \x20   end\n\
             endmodule\n"
        ),
    )
    .unwrap();
    tools::run_ok(
        "iverilog",
        &["-g2005", "-o", "tb.vvp", "tb.v", "ptu_demo.v"],
        &dir,
        &dir.join("iverilog.log"),
    )
    .unwrap();
    let run = tools::run_ok("vvp", &["-n", "tb.vvp"], &dir, &dir.join("vvp.log")).unwrap();
    let mut lines = run.output.lines();
    let line = lines.next().unwrap();
    assert_eq!(line.len() as u64, cycles);
    assert!(!line.contains(['x', 'z']), "x or z on tx under Icarus");
    let div = uart_tx::divisor(opts.clock_hz, opts.baud).unwrap();
    let mut icarus = UartDecoder::new(div);
    for c in line.chars() {
        icarus.sample(c == '1');
    }
    let mut sim = DemoSim::new(&PtuConfig::default(), &steps, &opts).unwrap();
    sim.run(cycles).unwrap();
    assert!(sim.uart.text().contains("PASS"), "{}", sim.uart.text());
    assert_eq!(icarus.text(), sim.uart.text());
    assert_eq!(icarus.framing_errors, 0);
    let leds = lines.next().unwrap();
    assert_eq!(leds, format!("leds {:05b}", sim.leds()));
}
