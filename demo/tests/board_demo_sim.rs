//! The whole board demo top (`ptu_demo::board_demo::BoardDemo`: power-on
//! reset, replay of the built-in sequence from ROM, per-cycle check of
//! every output, printer, UART) simulated in rust-hdl, with its serial
//! output decoded as a terminal would.
//!
//! The runs use the iCEBreaker's options (12 MHz, its LED and button
//! polarities) with a fast UART (3 Mbaud, 4 cycles per bit) and short
//! power-on and debounce counts, so that a whole run of the main sequence
//! is ~50 000 cycles and a replay of an inject segment ~10 000;
//! `real_board_options_print_the_banner_at_115200` checks the board's own
//! options (115200 baud, 1 ms power-on reset) on the first line.

use ptu_arch::{event_info, event_type, PtuConfig};
use ptu_demo::board_demo::{self, DemoOptions, LED_BUSY, LED_FAIL, LED_PASS, LED_USER};
use ptu_demo::demo_program::{Corruption, DemoProgram, DemoStep, Segment};
use ptu_demo::demo_sim::{DemoSim, UartDecoder};
use ptu_demo::uart_tx::{self, UartTx};
use ptu_demo::{design, sequence as demo};
use ptu_synth::boards;
use rust_hdl::prelude::*;

mod common;
use common::{fast_options, lit, run_to_result};

fn program() -> DemoProgram {
    demo::builtin(&PtuConfig::default()).unwrap()
}

/// The kinds of the transitions in `steps`, as the demo names them: ERET
/// when the core presented ERET at the transition's `start` step, else the
/// event type the unit latched in EVENT_INFO.
fn kinds(steps: &[DemoStep]) -> Vec<&'static str> {
    transitions(steps).iter().map(|t| t.0).collect()
}

/// Each transition of `steps` (one segment): its kind, its vector (for
/// entries), the cycles the hardware counts (from the edge that ends the
/// `start` step to the step showing `redirect`: 1 when the unit redirects
/// right after the accepting edge), and the step after its pause, whose
/// expected outputs are the unit's during the pause.
fn transitions(steps: &[DemoStep]) -> Vec<(&'static str, Option<u64>, usize, usize)> {
    let pauses: Vec<usize> = (0..steps.len()).filter(|&i| steps[i].print).collect();
    pauses
        .iter()
        .map(|&i| {
            let start = (0..=i).rev().find(|&k| steps[k].start).unwrap();
            let redirect = (start..=i).find(|&k| steps[k].expect.redirect).unwrap();
            let o = steps[i + 1].expect;
            let fields = event_info::unpack(o.event_info);
            let name = if steps[start].inputs.op_eret {
                "ERET"
            } else {
                match fields.ty {
                    event_type::EXTERNAL_INTERRUPT => "IRQ",
                    event_type::NMI => "NMI",
                    event_type::HARDWARE_EXCEPTION => "EXC",
                    event_type::OTHER => "SYSCALL",
                    t => panic!("event type {t}"),
                }
            };
            let vector = (name != "ERET").then_some(fields.vector as u64);
            (name, vector, redirect - start, i + 1)
        })
        .collect()
}

/// The transition lines the demo must print for `steps` (one segment):
/// kind, vector, cycles (hex), and the unit's CPL, RIP and RSP during the
/// pause (the model's outputs in the step after the pause).
fn expected_lines(steps: &[DemoStep]) -> Vec<String> {
    transitions(steps)
        .into_iter()
        .map(|(name, vector, cycles, after)| {
            let o = steps[after].expect;
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

/// The PASS line of a run of `n` steps.
fn pass_line(n: usize) -> String {
    format!("PASS: 0x{n:02x} cycles, all 15 outputs of ptu matched the reference model")
}

/// Presses and releases a button for longer than the debounce time;
/// `set` drives its pin, `active_low` is its polarity.
fn press(sim: &mut DemoSim, set: fn(&mut DemoSim, bool), active_low: bool) {
    set(sim, !active_low);
    sim.run(100).unwrap();
    set(sim, active_low);
    sim.run(100).unwrap();
}

fn press_run(sim: &mut DemoSim, opts: &DemoOptions) {
    press(sim, DemoSim::set_button, opts.button_active_low);
}

fn press_nmi(sim: &mut DemoSim, opts: &DemoOptions) {
    press(sim, DemoSim::set_nmi_button, opts.nmi_active_low);
}

fn press_irq(sim: &mut DemoSim, opts: &DemoOptions) {
    press(sim, DemoSim::set_irq_button, opts.irq_active_low);
}

/// Replays an inject segment with `press` and checks everything it prints:
/// the banner, the segment's transitions, PASS with its length; the pass
/// LED is off while it runs and lit after.
fn replay_segment(
    sim: &mut DemoSim,
    opts: &DemoOptions,
    p: &DemoProgram,
    seg: Segment,
    press: fn(&mut DemoSim, &DemoOptions),
) {
    let from = sim.uart.bytes.len();
    press(sim, opts);
    sim.run_until(from, "\r\n", 10_000).unwrap();
    assert!(!lit(sim, opts, LED_PASS), "pass LED off while it replays");
    let text = run_to_result(sim, from);
    let n = p.range(seg).len();
    let banner = match seg {
        Segment::Nmi => format!("NMI button: an NMI while the kernel idles, 0x{n:02x} cycles"),
        Segment::Irq => {
            format!("IRQ button: an interrupt while the kernel idles, 0x{n:02x} cycles")
        }
        Segment::Main => unreachable!(),
    };
    let mut want = vec![banner];
    want.extend(expected_lines(p.segment(seg)));
    want.push(pass_line(n));
    want.push(String::new());
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines, want, "{text}");
    sim.run(40).unwrap();
    assert!(lit(sim, opts, LED_PASS) && !lit(sim, opts, LED_FAIL));
    assert!(!lit(sim, opts, LED_USER), "the rest state is in the kernel");
    assert_eq!(sim.uart.framing_errors, 0);
}

#[test]
fn the_builtin_sequence_prints_every_transition_and_pass() {
    let p = program();
    let steps = p.segment(Segment::Main);
    let opts = fast_options();
    let mut sim = DemoSim::new(&PtuConfig::default(), &p, &opts).unwrap();
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
    assert_eq!(
        kinds(steps),
        [
            "ERET", "SYSCALL", "ERET", "EXC", "ERET", "IRQ", "EXC", "ERET", "ERET", "NMI", "ERET",
            "SYSCALL"
        ]
    );
    let want = expected_lines(steps);
    assert_eq!(lines[2..2 + want.len()], want[..], "{text}");
    assert_eq!(lines[2 + want.len()], pass_line(steps.len()));
    assert!(!text.contains("FAIL"));
    // The LEDs: pass, kernel mode (the sequence ends at the rest state in
    // the kernel's idle loop), not busy.
    sim.run(40).unwrap();
    assert!(lit(&sim, &opts, LED_PASS));
    assert!(!lit(&sim, &opts, LED_FAIL));
    assert!(!lit(&sim, &opts, LED_USER));
    assert!(!lit(&sim, &opts, LED_BUSY));
}

/// Runs the demo with `corruption` until it prints FAIL; returns the text.
fn run_corrupted(p: &DemoProgram, corruption: Corruption) -> (String, DemoSim, DemoOptions) {
    let mut opts = fast_options();
    opts.corrupt = Some(corruption);
    let mut sim = DemoSim::new(&PtuConfig::default(), p, &opts).unwrap();
    sim.run_until(0, "FAIL", 200_000).unwrap();
    let at = sim.uart.text().find("FAIL").unwrap();
    sim.run_until(at, "\r\n", 10_000).unwrap();
    (sim.uart.text(), sim, opts)
}

#[test]
fn a_corrupted_expected_value_prints_fail_with_its_step_and_port() {
    let p = program();
    let steps = p.segment(Segment::Main);
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
            &p,
            Corruption {
                step,
                port: port.into(),
            },
        );
        common::assert_fails_at(&text, step, port);
        // Transitions completed before the corrupted step were printed.
        let before = steps[..step].iter().filter(|s| s.print).count();
        assert_eq!(text.matches(" cycles\r\n").count(), before, "{text}");
        assert!(lit(&sim, &opts, LED_FAIL) && !lit(&sim, &opts, LED_PASS));
    }
}

#[test]
fn the_button_runs_the_demo_again() {
    let p = program();
    let opts = fast_options();
    let mut sim = DemoSim::new(&PtuConfig::default(), &p, &opts).unwrap();
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
    let transitions = p.segment(Segment::Main).iter().filter(|s| s.print).count();
    assert_eq!(again.matches(" cycles\r\n").count(), transitions, "{again}");
}

/// After the main sequence passes, the NMI and IRQ buttons replay their
/// segments, each printing its banner, its entry and framed ERET, and
/// PASS with its length; a segment replays again; the run button still
/// runs the main sequence.
#[test]
fn inject_buttons_replay_their_segments_after_a_pass() {
    let p = program();
    let opts = fast_options();
    let mut sim = DemoSim::new(&PtuConfig::default(), &p, &opts).unwrap();
    run_to_result(&mut sim, 0);
    assert!(sim.uart.text().contains(&pass_line(p.nmi_start)));
    replay_segment(&mut sim, &opts, &p, Segment::Nmi, press_nmi);
    replay_segment(&mut sim, &opts, &p, Segment::Irq, press_irq);
    // The interrupt's line names its vector.
    assert!(sim.uart.text().contains("  IRQ     vector 0x20  -> cpl 0"));
    replay_segment(&mut sim, &opts, &p, Segment::Nmi, press_nmi);
    // The run button replays the main sequence from reset.
    let from = sim.uart.bytes.len();
    press_run(&mut sim, &opts);
    let text = run_to_result(&mut sim, from);
    assert!(text.starts_with("\r\nptu board demo: "), "{text}");
    assert!(
        text.ends_with(&format!("{}\r\n", pass_line(p.nmi_start))),
        "{text}"
    );
    assert_eq!(sim.uart.framing_errors, 0);
}

/// A wrong expected value inside the NMI segment: the main sequence still
/// passes, the NMI button's replay fails at that step; the unit's state is
/// then unknown, so the inject buttons only print the hint until the run
/// button has made the main sequence pass again.
#[test]
fn a_corrupted_nmi_segment_fails_its_replay_only() {
    let p = program();
    let nmi = p.segment(Segment::Nmi);
    // The third word of the NMI's frame (STATUS).
    let step = p.nmi_start
        + (0..nmi.len())
            .filter(|&i| nmi[i].expect.mem_we && nmi[i].inputs.mem_ready)
            .nth(2)
            .unwrap();
    let mut opts = fast_options();
    opts.corrupt = Some(Corruption {
        step,
        port: "mem_wdata".into(),
    });
    let mut sim = DemoSim::new(&PtuConfig::default(), &p, &opts).unwrap();
    let text = run_to_result(&mut sim, 0);
    assert!(text.contains(&pass_line(p.nmi_start)), "{text}");
    assert!(!text.contains("FAIL"), "{text}");
    let from = sim.uart.bytes.len();
    press_nmi(&mut sim, &opts);
    let text = run_to_result(&mut sim, from);
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert!(lines[0].starts_with("NMI button: "), "{text}");
    assert_eq!(
        lines[1..],
        [
            format!("FAIL at step 0x{step:02x}: mismatch on mem_wdata"),
            String::new()
        ],
        "{text}"
    );
    sim.run(40).unwrap();
    assert!(lit(&sim, &opts, LED_FAIL) && !lit(&sim, &opts, LED_PASS));
    // After the failure: the hint, nothing replayed.
    expect_hint(&mut sim, &opts, press_nmi);
    expect_hint(&mut sim, &opts, press_irq);
    // The run button; then the IRQ segment (not corrupted) passes.
    let from = sim.uart.bytes.len();
    press_run(&mut sim, &opts);
    let text = run_to_result(&mut sim, from);
    assert!(text.ends_with(&format!("{}\r\n", pass_line(p.nmi_start))));
    replay_segment(&mut sim, &opts, &p, Segment::Irq, press_irq);
}

/// An inject press prints the hint line and replays nothing; the LEDs
/// keep showing the failed run.
fn expect_hint(sim: &mut DemoSim, opts: &DemoOptions, press: fn(&mut DemoSim, &DemoOptions)) {
    let from = sim.uart.bytes.len();
    press(sim, opts);
    sim.run_until(from, "\r\n", 10_000).unwrap();
    // Nothing follows the hint.
    sim.run(2_000).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&sim.uart.bytes[from..]),
        "The last run did not pass: press the run button first\r\n"
    );
    assert!(lit(sim, opts, LED_FAIL) && !lit(sim, opts, LED_PASS));
}

/// Inject presses during a run (here the first, failing, one) are
/// ignored; after it failed they print the hint and replay nothing.
#[test]
fn inject_buttons_need_a_run_that_passed() {
    let p = program();
    let steps = p.segment(Segment::Main);
    let redirect = (0..steps.len())
        .find(|&i| steps[i].expect.redirect && steps[i - 1].inputs.op_syscall)
        .unwrap();
    let mut opts = fast_options();
    opts.corrupt = Some(Corruption {
        step: redirect,
        port: "redirect".into(),
    });
    let mut sim = DemoSim::new(&PtuConfig::default(), &p, &opts).unwrap();
    // Pressed while the banner prints: ignored.
    sim.run_until(0, "ptu board demo", 10_000).unwrap();
    press_nmi(&mut sim, &opts);
    press_irq(&mut sim, &opts);
    let text = run_to_result(&mut sim, 0);
    assert!(text.contains("FAIL at step"), "{text}");
    assert!(!text.contains("button"), "{text}");
    sim.run(40).unwrap();
    expect_hint(&mut sim, &opts, press_irq);
    expect_hint(&mut sim, &opts, press_nmi);
}

#[test]
fn real_board_options_print_the_banner_at_115200() {
    let board = boards::find("icebreaker").unwrap();
    let opts = design::options(&board).unwrap();
    assert_eq!((opts.clock_hz, opts.baud), (12_000_000, 115_200));
    let mut sim = DemoSim::new(&PtuConfig::default(), &program(), &opts).unwrap();
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
    let v = board_demo::emit(&PtuConfig::default(), &program(), &fast_options()).unwrap();
    assert!(v.starts_with("// ptu_demo.v: the ptu board demo"));
    assert!(v.contains("module ptu_demo(clock,button,nmi_button,irq_button,tx,led);"));
    assert!(v.contains("module ptu_demo_ptu("));
    assert!(!v.contains('$'));
    let mut opts = fast_options();
    opts.corrupt = Some(Corruption {
        step: 3,
        port: "rsp".into(),
    });
    let v = board_demo::emit(&PtuConfig::default(), &program(), &opts).unwrap();
    assert!(v.contains("CORRUPTED: rsp at step 3"));
}

/// Emission changes no logic of the demo either: Yosys proves the emitted
/// top equivalent to rust-hdl's own Verilog of it (the unit inside, the
/// ROMs, the UART: every register and output).
#[test]
fn the_emitted_demo_is_equivalent_to_rust_hdls_verilog() {
    let (cfg, p, opts) = (PtuConfig::default(), program(), fast_options());
    let raw = board_demo::raw(&cfg, &p, &opts).unwrap();
    let emitted = board_demo::emit(&cfg, &p, &opts).unwrap();
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("demo-equivalence");
    let r = ptu_emit::check_equivalence(&raw, &emitted, "top", board_demo::TOP, &dir).unwrap();
    eprintln!("emitted demo: {r}");
    assert!(r.points > 1000, "{r:?}");
    r.ensure().unwrap();
}

/// The emitted Verilog (what the boards are built from), simulated by
/// Icarus from power-up with nothing initialised but the power-on
/// counter, prints exactly what the rust-hdl design prints, with no `x` on
/// the serial line: the main sequence, then, after an NMI button press,
/// the NMI segment (the run and IRQ buttons stay released).
#[test]
fn the_emitted_verilog_prints_the_same_under_icarus() {
    let p = program();
    let opts = fast_options();
    // The rust-hdl design first: when the main run is done, and how long
    // the NMI segment takes after a press there.
    let mut sim = DemoSim::new(&PtuConfig::default(), &p, &opts).unwrap();
    let text = run_to_result(&mut sim, 0);
    assert!(text.contains("PASS"), "{text}");
    let press_at = sim.cycles() + 50;
    sim.run(50).unwrap();
    let from = sim.uart.bytes.len();
    press_nmi(&mut sim, &opts);
    let text = run_to_result(&mut sim, from);
    assert!(
        text.starts_with("NMI button: ") && text.contains("PASS"),
        "{text}"
    );
    let cycles = sim.cycles() + 100;
    sim.run(100).unwrap();
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("demo-icarus");
    let v = board_demo::emit(&PtuConfig::default(), &p, &opts).unwrap();
    // The press as in the rust-hdl run: 100 cycles from `press_at` on.
    let icarus = common::icarus_run(&dir, &v, &opts, cycles, Some(press_at));
    assert_eq!(icarus.uart.text(), sim.uart.text());
    assert_eq!(icarus.uart.framing_errors, 0);
    assert_eq!(icarus.leds, format!("leds {:05b}", sim.leds()));
}
