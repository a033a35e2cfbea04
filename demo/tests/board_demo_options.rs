//! The board demo for every generated configuration, not only the default
//! (`demo/tests/board_demo_sim.rs` covers that one in depth): for the
//! 32-bit unit (`ice40-small-32`) and each option preset
//! (`x86_64-irq-entry`, `x86_64-fs-bank`, `x86_64-full`), the whole top
//! simulated in rust-hdl replays the sequence recorded from that
//! configuration's model, prints every transition and PASS, and a
//! corrupted expected value makes it print FAIL with its step and port
//! (`fs_base` with option `fs_bank`); the emitted Verilog of every preset
//! lints clean in Verilator `-Wall` (with `demo/ptu_demo.vlt`), Icarus and
//! Yosys.
//!
//! The runs use the iCEBreaker's options sped up as in board_demo_sim.rs
//! (3 Mbaud, short power-on and debounce counts).

use ptu_arch::{config, event_info, event_type, Inputs, PtuConfig};
use ptu_demo::board_demo::{self, LED_FAIL, LED_PASS};
use ptu_demo::demo_program::{self, Corruption, DemoProgram, DemoStep, Segment};
use ptu_demo::demo_sim::DemoSim;
use ptu_demo::{design, sequence};
use ptu_synth::boards;
use std::path::PathBuf;

mod common;
use common::{fast_options, lit, run_to_result};

fn preset(name: &str) -> PtuConfig {
    config::preset(name).unwrap().config()
}

/// The transition lines the demo must print for `steps` (one segment) of
/// a unit with `cfg`: kind (ERET when the core presented ERET at the
/// `start` step, else the event type latched in EVENT_INFO), vector,
/// cycles from the `start` step to `redirect`, and the unit's CPL, RIP
/// and RSP during the pause (the model's outputs in the step after it),
/// RIP and RSP in XLEN/4 hex digits.
fn expected_lines(cfg: &PtuConfig, steps: &[DemoStep]) -> Vec<String> {
    let digits = cfg.xlen / 4;
    (0..steps.len())
        .filter(|&i| steps[i].print)
        .map(|i| {
            let start = (0..=i).rev().find(|&k| steps[k].start).unwrap();
            let redirect = (start..=i).find(|&k| steps[k].expect.redirect).unwrap();
            let o = steps[i + 1].expect;
            let fields = event_info::unpack(o.event_info);
            let head = if steps[start].inputs.op_eret {
                format!("  {:<19}", "ERET")
            } else {
                let name = match fields.ty {
                    event_type::EXTERNAL_INTERRUPT => "IRQ",
                    event_type::NMI => "NMI",
                    event_type::HARDWARE_EXCEPTION => "EXC",
                    event_type::OTHER => "SYSCALL",
                    t => panic!("event type {t}"),
                };
                format!("  {name:<7} vector 0x{:02x}  ", fields.vector)
            };
            format!(
                "{head}-> cpl {}  rip 0x{:0digits$x}  rsp 0x{:0digits$x}  0x{:02x} cycles",
                o.cpl,
                o.rip,
                o.rsp,
                redirect - start
            )
        })
        .collect()
}

/// The demo of preset `name` replays its main sequence: the banner, every
/// transition with the configuration's values, and PASS naming the ports
/// compared (16 with `fs_bank`); the pass LED lights.
fn replays_and_passes(name: &str) -> (PtuConfig, DemoProgram) {
    let cfg = preset(name);
    let p = sequence::builtin(&cfg).unwrap();
    assert_eq!(p.config, cfg);
    let opts = fast_options();
    let mut sim = DemoSim::new(&cfg, &p, &opts).unwrap();
    let text = run_to_result(&mut sim, 0);
    assert!(!text.contains("FAIL"), "{name}: {text}");
    assert_eq!(sim.uart.framing_errors, 0);
    let steps = p.segment(Segment::Main);
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], "");
    assert!(
        lines[1].starts_with(&format!(
            "ptu board demo: replaying 0x{:02x} cycles",
            steps.len()
        )),
        "{text}"
    );
    let want = expected_lines(&cfg, steps);
    assert_eq!(want.len(), 12);
    assert_eq!(lines[2..2 + want.len()], want[..], "{text}");
    let ports = 15 + cfg.fs_bank as usize;
    assert_eq!(
        lines[2 + want.len()],
        format!(
            "PASS: 0x{:02x} cycles, all {ports} outputs of ptu matched the reference model",
            steps.len()
        )
    );
    sim.run(40).unwrap();
    assert!(lit(&sim, &opts, LED_PASS) && !lit(&sim, &opts, LED_FAIL));
    (cfg, p)
}

/// The demo of `cfg` with `port` corrupted at `step` prints FAIL naming
/// that step and port, and no PASS.
fn fails_on(cfg: &PtuConfig, p: &DemoProgram, step: usize, port: &str) {
    let mut opts = fast_options();
    opts.corrupt = Some(Corruption {
        step,
        port: port.into(),
    });
    let mut sim = DemoSim::new(cfg, p, &opts).unwrap();
    let text = run_to_result(&mut sim, 0);
    common::assert_fails_at(&text, step, port);
    sim.run(40).unwrap();
    assert!(lit(&sim, &opts, LED_FAIL) && !lit(&sim, &opts, LED_PASS));
}

#[test]
fn the_32_bit_demo_passes_and_a_corrupted_rip_fails() {
    let (cfg, p) = replays_and_passes("ice40-small-32");
    let steps = p.segment(Segment::Main);
    // The values are the 32-bit unit's: the kernel's entry cut to 32 bits.
    assert!(steps.iter().all(|s| s.expect.rip >> 32 == 0));
    assert!(steps
        .iter()
        .any(|s| s.expect.rip == sequence::ENTRY & 0xffff_ffff));
    // Six-word frames: six writes per framed entry.
    let pushes = steps
        .iter()
        .filter(|s| s.expect.mem_we && s.inputs.mem_ready)
        .count();
    assert_eq!(pushes % 6, 0, "{pushes}");
    let redirect = (1..steps.len())
        .find(|&i| steps[i].expect.redirect && steps[i - 1].inputs.op_syscall)
        .unwrap();
    fails_on(&cfg, &p, redirect, "rip");
    // Without FS ports there is no fs_base to corrupt.
    let mut opts = fast_options();
    opts.corrupt = Some(Corruption {
        step: redirect,
        port: "fs_base".into(),
    });
    let err = DemoSim::new(&cfg, &p, &opts).err().unwrap().to_string();
    assert!(err.starts_with("cannot corrupt port `fs_base`"), "{err}");
}

#[test]
fn the_irq_entry_demo_passes_and_a_corrupted_rip_fails() {
    let (cfg, p) = replays_and_passes("x86_64-irq-entry");
    // The interrupt enters at ENTRY_IRQ, not ENTRY: other RIPs than the
    // default's.
    let default = sequence::builtin(&PtuConfig::default()).unwrap();
    assert_ne!(
        expected_lines(&cfg, p.segment(Segment::Main)),
        expected_lines(&PtuConfig::default(), default.segment(Segment::Main))
    );
    let irq = (1..p.nmi_start)
        .find(|&i| p.steps[i].expect.irq_ack)
        .unwrap();
    fails_on(&cfg, &p, irq + 1, "rip");
}

/// The steps that write an FS base, and the first step whose expected
/// `fs_base` is the kernel's.
fn fs_steps(p: &DemoProgram) -> (Vec<usize>, usize) {
    let writes: Vec<usize> = (0..p.steps.len())
        .filter(|&i| p.steps[i].inputs.fs_we)
        .collect();
    let kernel = (0..p.steps.len())
        .find(|&i| p.steps[i].expect.fs_base == sequence::KERNEL_FS)
        .unwrap();
    (writes, kernel)
}

fn fs_demo(name: &str) {
    let (cfg, p) = replays_and_passes(name);
    // The user's and the kernel's FS base are written (fs_we, the value
    // on fs_wdata) and each shows at its own level; UFS reads the user's.
    let (writes, kernel) = fs_steps(&p);
    assert_eq!(writes.len(), 2);
    assert!(writes
        .iter()
        .all(|&i| p.steps[i].inputs.fs_wdata == p.steps[i].data()));
    assert_eq!(p.steps[writes[0]].expect.cpl, 3);
    assert_eq!(p.steps[writes[1]].expect.cpl, 0);
    assert_eq!(kernel, writes[1] + 1);
    assert!(p
        .steps
        .iter()
        .any(|s| s.expect.cpl == 3 && s.expect.fs_base == sequence::USER_FS));
    assert!(p
        .steps
        .iter()
        .any(|s| s.inputs.csr_re && s.expect.csr_rdata == sequence::USER_FS));
    fails_on(&cfg, &p, kernel, "fs_base");
}

#[test]
fn the_fs_bank_demo_drives_the_fs_ports_passes_and_a_corrupted_fs_base_fails() {
    fs_demo("x86_64-fs-bank");
}

#[test]
fn the_full_demo_drives_the_fs_ports_passes_and_a_corrupted_fs_base_fails() {
    fs_demo("x86_64-full");
}

/// The program and the demo must be of one configuration; FS inputs are
/// refused for a unit without FS ports.
#[test]
fn a_program_of_another_configuration_is_refused() {
    let p = sequence::builtin(&PtuConfig::default()).unwrap();
    let err = DemoSim::new(&preset("x86_64-fs-bank"), &p, &fast_options())
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.starts_with("the demo program was recorded for configuration x86_64-default"),
        "{err}"
    );
    let mut bad = p.clone();
    bad.steps[1].inputs = demo_program::with_data(
        Inputs {
            fs_we: true,
            ..bad.steps[1].inputs
        },
        bad.steps[1].data(),
    );
    let err = demo_program::encode(&bad, None).unwrap_err().to_string();
    assert!(err.contains("step 1: fs_we is set"), "{err}");
}

/// The emitted demo of every preset (the iCEBreaker's real options) lints
/// clean: Verilator `-Wall` with the demo's waivers, Icarus, Yosys.
#[test]
fn the_demo_verilog_of_every_preset_lints_clean() {
    let board = boards::find("icebreaker").unwrap();
    let opts = design::options(&board).unwrap();
    for pr in config::PRESETS {
        let cfg = pr.config();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join("demo-lint")
            .join(pr.name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let p = sequence::builtin(&cfg).unwrap();
        let v = board_demo::emit(&cfg, &p, &opts).unwrap();
        assert_eq!(v.contains("fs_base"), cfg.fs_bank, "{}", pr.name);
        let f = dir.join("ptu_demo.v");
        std::fs::write(&f, &v).unwrap();
        let waivers = dir.join("ptu_demo.vlt");
        std::fs::write(&waivers, board_demo::WAIVERS).unwrap();
        ptu_synth::lint::verilator_lint(&f, board_demo::TOP, Some(&waivers))
            .unwrap()
            .ensure_clean()
            .unwrap_or_else(|e| panic!("{}: {e}", pr.name));
        ptu_synth::lint::iverilog_check(&f, board_demo::TOP).unwrap();
        let script = format!(
            "read_verilog ptu_demo.v; hierarchy -check -top {}; proc; check -assert",
            board_demo::TOP
        );
        ptu_tools::run_ok(
            "yosys",
            &["-q", "-p", &script],
            &dir,
            &dir.join("yosys.log"),
        )
        .unwrap_or_else(|e| panic!("{}: yosys: {e}", pr.name));
    }
}

/// The emitted Verilog of `name`'s demo (what the board is built from),
/// simulated by Icarus from power-up, prints exactly what the rust-hdl
/// design prints for the main sequence, with no `x` on the serial line,
/// and shows the same LEDs.
fn icarus_prints_the_same(name: &str) {
    let cfg = preset(name);
    let p = sequence::builtin(&cfg).unwrap();
    let opts = fast_options();
    let mut sim = DemoSim::new(&cfg, &p, &opts).unwrap();
    let text = run_to_result(&mut sim, 0);
    assert!(text.contains("PASS"), "{text}");
    sim.run(100).unwrap();
    let cycles = sim.cycles();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("demo-icarus-options")
        .join(name);
    let v = board_demo::emit(&cfg, &p, &opts).unwrap();
    let icarus = common::icarus_run(&dir, &v, &opts, cycles, None);
    assert_eq!(icarus.uart.text(), sim.uart.text(), "{name}");
    assert_eq!(icarus.uart.framing_errors, 0);
    assert_eq!(icarus.leds, format!("leds {:05b}", sim.leds()));
}

#[test]
fn the_emitted_32_bit_demo_prints_the_same_under_icarus() {
    icarus_prints_the_same("ice40-small-32");
}

#[test]
fn the_emitted_full_demo_prints_the_same_under_icarus() {
    icarus_prints_the_same("x86_64-full");
}
