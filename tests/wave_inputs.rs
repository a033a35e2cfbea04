//! `ptu wave` on every kind of VCD the project writes beyond the unit's
//! own simulations: the board demo (`ptu_demo`, the unit inside the demo
//! top, simulated by Icarus) and a counterexample of `ptu prove` (the unit
//! inside the wrapper `ptu_formal`), drawn as SVG and PNG; and `ptu prove
//! --json` with the GTKWave save file beside the counterexample.
//! Needs iverilog, yosys, yosys-smtbmc and z3: `./setup.sh`.

mod common;

use ptu_arch::PtuConfig;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("wave-inputs-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn tool(name: &str, args: &[&str], dir: &Path) {
    let o = Command::new(name)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{name} did not run ({e}): ./setup.sh installs it"));
    assert!(o.status.success(), "{name} {args:?}: {}", text(&o));
}

/// The size of a PNG, from its IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", path.display());
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

/// `ptu wave VCD --svg` and `--png`: both written, the SVG names the unit
/// at `unit` and marks at least one transition.
fn draws(vcd: &Path, unit: &str, extra: &[&str]) -> String {
    let svg = vcd.with_extension("svg");
    let png = vcd.with_extension("png");
    let mut args = vec!["wave", vcd.to_str().unwrap()];
    args.extend_from_slice(extra);
    for (flag, out) in [("--svg", &svg), ("--png", &png)] {
        let mut a = args.clone();
        a.extend_from_slice(&[flag, out.to_str().unwrap()]);
        let o = common::ptu(&a);
        assert!(o.status.success(), "{a:?}: {}", text(&o));
    }
    let picture = std::fs::read_to_string(&svg).unwrap();
    assert!(picture.starts_with("<svg") || picture.starts_with("<?xml"));
    assert!(picture.contains(unit), "no {unit} in {}", svg.display());
    let (w, h) = png_size(&png);
    assert!(w > 400 && h > 200, "{w}x{h}");
    picture
}

/// The board demo (iCEBreaker options, sped up as in
/// demo/tests/board_demo_sim.rs) under Icarus for 6000 cycles, its VCD.
fn demo_vcd(dir: &Path) -> PathBuf {
    let board = ptu_synth::boards::find("icebreaker").unwrap();
    let mut o = ptu_demo::design::options(&board).unwrap();
    o.baud = 3_000_000;
    o.por_cycles = 100;
    o.debounce_cycles = 50;
    o.busy_led_cycles = 20;
    o.pll = None;
    let cfg = PtuConfig::default();
    let program = ptu_demo::sequence::builtin(&cfg).unwrap();
    let v = ptu_demo::board_demo::emit(&cfg, &program, &o).unwrap();
    std::fs::write(dir.join("ptu_demo.v"), v).unwrap();
    let released = |active_low: bool| if active_low { "1'b1" } else { "1'b0" };
    let tb = format!(
        "`timescale 1ns/1ps\n\
         module demo_tb;\n\
         reg clock = 1'b0;\n\
         always #41 clock = ~clock;\n\
         wire tx;\n\
         wire [{}:0] led;\n\
         ptu_demo demo(.clock(clock), .button({}), .nmi_button({}), .irq_button({}), .tx(tx), .led(led));\n\
         initial begin\n\
           $dumpfile(\"demo.vcd\");\n\
           $dumpvars(0, demo_tb);\n\
           #(82 * 6000) $finish;\n\
         end\n\
         endmodule\n",
        ptu_demo::board_demo::LEDS - 1,
        released(o.button_active_low),
        released(o.nmi_active_low),
        released(o.irq_active_low),
    );
    std::fs::write(dir.join("demo_tb.v"), tb).unwrap();
    tool(
        "iverilog",
        &["-g2005", "-o", "demo.vvp", "demo_tb.v", "ptu_demo.v"],
        dir,
    );
    tool("vvp", &["-n", "demo.vvp"], dir);
    dir.join("demo.vcd")
}

#[test]
fn the_board_demos_vcd_is_drawn_with_its_transitions() {
    let dir = scratch("demo");
    let vcd = demo_vcd(&dir);
    // The unit is found inside the demo top, and the demo's replay makes
    // it take transitions.
    let o = common::ptu(&["wave", vcd.to_str().unwrap(), "--summary", "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let transitions = summary["transitions"].as_array().expect("transitions");
    assert!(!transitions.is_empty(), "{summary}");
    let unit = summary["ptu"].as_str().expect("ptu").to_string();
    assert!(unit.starts_with("demo_tb.demo."), "{unit}");
    draws(&vcd, &unit, &["--from", "0", "--to", "400"]);
}

#[test]
fn prove_json_names_the_counterexample_its_save_file_and_draws_it() {
    let dir = scratch("prove");
    let waves = dir.join("w");
    let o = common::ptu(&[
        "prove",
        "--mutant",
        "frame-at-stack-top",
        "--json",
        "--out",
        dir.join("formal").to_str().unwrap(),
        "--waves",
        waves.to_str().unwrap(),
    ]);
    // A mutant is not proven: exit 1, and stdout is the JSON alone.
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&o)));
    assert_eq!(j["design"], "mutant-frame-at-stack-top");
    assert_eq!(j["mutant"]["breaks"], "P5");
    assert_eq!(
        (j["failed"].as_u64(), j["proven"].as_u64()),
        (Some(1), Some(0))
    );
    let props = j["properties"].as_array().unwrap();
    assert_eq!(props.len(), 1);
    let p = &props[0];
    assert_eq!(p["id"], "P5");
    assert_eq!(p["verdict"], "failed");
    assert!(p["engine"].as_str().unwrap().contains("pdr"), "{p}");
    let cycles = p["cycles"].as_u64().unwrap();
    assert!(cycles >= 2, "{p}");
    assert!(p["seconds"].as_f64().unwrap() > 0.0);
    assert!(!p["asserts"].as_array().unwrap().is_empty(), "{p}");
    let vcd = PathBuf::from(p["vcd"].as_str().unwrap());
    let gtkw = PathBuf::from(p["gtkw"].as_str().unwrap());
    assert!(vcd.starts_with(&waves) && vcd.is_file(), "{p}");
    assert_eq!(gtkw, vcd.with_extension("gtkw"));
    // The save file opens the counterexample, all of it, from time 0.
    let save = std::fs::read_to_string(&gtkw).unwrap();
    assert!(
        save.contains(&format!("[dumpfile] \"{}\"", vcd.display())),
        "{save}"
    );
    assert!(save.contains("\n[timestart] 0\n"), "{save}");
    assert!(save.contains("ptu_formal.dut."), "{save}");
    draws(&vcd, "ptu_formal.dut", &[]);
}
