//! `ptu build --board icebreaker` end to end: the board demo made for the
//! iCEBreaker (`DemoBuild`) through the FPGA flow to a bitstream that
//! meets 12 MHz, with its replayed steps listed next to it; a corrupted
//! expected value that does not exist fails the build in its generate
//! stage; the 32-bit unit's demo builds and meets 12 MHz too (the FS
//! options' demos are in the `--ignored` set). About three minutes of
//! tools. The flow itself (build.sh, failing
//! stages, programming) is tested with a small design in
//! `synth/tests/board_flow.rs`.

use ptu_demo::demo_program::Corruption;
use ptu_demo::design::DemoBuild;
use ptu_synth::boards;
use ptu_synth::flow::{self, BuildOptions};
use serde_json::Value;
use std::path::PathBuf;

fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("demo-build-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn build(name: &str, out: PathBuf, demo: &DemoBuild) -> anyhow::Result<flow::Built> {
    let mut opts = BuildOptions::new(boards::find(name).unwrap());
    opts.out = out;
    let mut lines = Vec::new();
    let r = flow::build(&opts, demo, &mut |l| lines.push(l.to_string()));
    assert_eq!(
        lines[0],
        format!(
            "[1/4] generate  demo top `ptu_demo` for {} (steps from the reference model)",
            opts.board.title
        )
    );
    r
}

#[test]
fn icebreaker_demo_builds_and_meets_12_mhz() {
    let root = scratch("icebreaker");
    let out = root.join("icebreaker");
    let built = build("icebreaker", out.clone(), &DemoBuild::default()).unwrap();
    assert_eq!(built.bitstream, out.join("ptu_demo.bin"));
    for f in [
        "ptu_demo.v",
        "icebreaker.pcf",
        "demo_steps.txt",
        "report.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(r["top"], "ptu_demo");
    assert_eq!(r["timing_met"], true, "{r}");
    assert_eq!(r["clocks"][0]["name"], "clock");
    assert_eq!(r["clocks"][0]["target_mhz"], 12.0);
    // The unit alone is ~2200 LUTs and ~1100 flip-flops; the demo adds its
    // driver, checker and UART.
    let luts = r["luts"].as_u64().unwrap();
    let ffs = r["flip_flops"].as_u64().unwrap();
    assert!((2200..5280).contains(&luts), "{luts} LUTs");
    assert!((1100..5280).contains(&ffs), "{ffs} flip-flops");
    assert!(r["block_rams"]["used"].as_u64().unwrap() >= 1);
    assert_eq!(r["ios"]["used"], 10);
    let steps = std::fs::read_to_string(out.join("demo_steps.txt")).unwrap();
    assert_eq!(
        r["demo_steps"].as_u64().unwrap() as usize,
        steps.lines().filter(|l| l.starts_with("0x")).count()
    );
    // The unit is kept as its own module.
    let ys = std::fs::read_to_string(out.join("synth.ys")).unwrap();
    assert!(
        ys.contains("setattr -mod -set keep_hierarchy 1 ptu_demo_ptu\n"),
        "{ys}"
    );

    // The demo's ports on the board's pins.
    let v = std::fs::read_to_string(out.join("ptu_demo.v")).unwrap();
    assert!(v.contains("module ptu_demo(clock,button,nmi_button,irq_button,tx,led);"));
    let pcf = std::fs::read_to_string(out.join("icebreaker.pcf")).unwrap();
    for pin in [
        "clock 35",
        "button 10",
        "nmi_button 20",
        "irq_button 19",
        "tx 9",
        "led[0] 37",
        "led[4] 25",
    ] {
        assert!(pcf.contains(&format!("set_io -nowarn {pin}\n")), "{pin}");
    }

    // A corruption of a step that does not exist fails while generating,
    // and leaves the good build alone.
    let bad = DemoBuild {
        corrupt: Some(Corruption {
            step: 9999,
            port: "rip".into(),
        }),
        ..DemoBuild::default()
    };
    let err = build("icebreaker", out.clone(), &bad)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("cannot corrupt step 9999"), "{err}");
    assert!(out.join("ptu_demo.bin").is_file());
    assert!(root.join("icebreaker.failed").is_dir());
}

/// A configuration's demo on the iCEBreaker: built, meeting 12 MHz, its
/// unit the configuration's (the 32-bit unit's ports are 32 bits wide;
/// with `fs_bank` the FS ports are there), its steps recorded for it.
fn icebreaker_preset_builds(preset: &str) -> Value {
    let cfg = ptu_arch::config::preset(preset).unwrap().config();
    let out = scratch(preset).join("icebreaker");
    let demo = DemoBuild { cfg, corrupt: None };
    build("icebreaker", out.clone(), &demo).unwrap();
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(r["timing_met"], true, "{r}");
    assert_eq!(r["clocks"][0]["target_mhz"], 12.0);
    assert!(r["clocks"][0]["fmax_mhz"].as_f64().unwrap() >= 12.0, "{r}");
    let luts = r["luts"].as_u64().unwrap();
    assert!((1000..5280).contains(&luts), "{luts} LUTs");
    let v = std::fs::read_to_string(out.join("ptu_demo.v")).unwrap();
    assert!(v.contains("module ptu_demo(clock,button,nmi_button,irq_button,tx,led);"));
    let w = cfg.xlen - 1;
    assert!(v.contains(&format!("output reg [{w}:0] rip;")), "{preset}");
    assert_eq!(v.contains("output reg [63:0] fs_base;"), cfg.fs_bank);
    let steps = std::fs::read_to_string(out.join("demo_steps.txt")).unwrap();
    assert!(
        steps.contains(&format!("# Configuration {preset} (")),
        "{steps}"
    );
    r
}

/// The 32-bit unit's demo: half a minute of tools, so it runs with the
/// suite.
#[test]
fn icebreaker_demo_of_the_32_bit_unit_builds_and_meets_12_mhz() {
    let r = icebreaker_preset_builds("ice40-small-32");
    // Smaller than the 64-bit unit's demo (~3100 LUTs).
    assert!(r["luts"].as_u64().unwrap() < 2600, "{r}");
}

/// The FS options' demos: one to two minutes each (the router may need a
/// second seed), so a separate command:
/// `cargo test --release -p ptu-demo --test board_build -- --ignored`.
#[test]
#[ignore = "slow: run with --ignored (see the README, FPGA boards)"]
fn icebreaker_demo_of_the_fs_bank_unit_builds_and_meets_12_mhz() {
    icebreaker_preset_builds("x86_64-fs-bank");
}

#[test]
#[ignore = "slow: run with --ignored (see the README, FPGA boards)"]
fn icebreaker_demo_of_the_full_unit_builds_and_meets_12_mhz() {
    icebreaker_preset_builds("x86_64-full");
}

/// The other two boards: a separate, slower command (the ECP5 tools'
/// one-time WebAssembly compile alone takes a minute or two):
/// `cargo test --release -p ptu-demo --test board_build -- --ignored`.
fn builds_and_meets_timing(name: &str, part: &str, target_mhz: f64, bitstream: &str) -> PathBuf {
    let out = scratch(name).join(name);
    let built = build(name, out.clone(), &DemoBuild::default()).unwrap();
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(r["part"], part);
    assert_eq!(r["timing_met"], true, "{r}");
    let clock = &r["clocks"][0];
    assert!(
        (clock["target_mhz"].as_f64().unwrap() - target_mhz).abs() < 0.1,
        "{r}"
    );
    assert!(clock["fmax_mhz"].as_f64().unwrap() >= target_mhz, "{r}");
    assert!(r["luts"].as_u64().unwrap() > 2000, "{r}");
    let bits = std::fs::read(out.join(bitstream)).unwrap();
    assert!(bits.len() > 50_000);
    assert_eq!(built.bitstream, out.join(bitstream));
    out
}

#[test]
#[ignore = "slow: run with --ignored (see the README, FPGA boards)"]
fn ulx3s_builds_a_bit_file_meeting_25_mhz() {
    let out = builds_and_meets_timing("ulx3s", "LFE5U-85F-6BG381C", 25.0, "ptu_demo.bit");
    let sh = std::fs::read_to_string(out.join("build.sh")).unwrap();
    assert!(sh.contains("export YOWASP_CACHE_DIR="), "{sh}");
}

#[test]
#[ignore = "slow: run with --ignored (see the README, FPGA boards)"]
fn alchitry_cu_builds_with_its_pll_at_40_mhz() {
    let out = builds_and_meets_timing("alchitry-cu", "iCE40HX8K-CB132", 40.0, "ptu_demo.bin");
    let v = std::fs::read_to_string(out.join("ptu_demo.v")).unwrap();
    assert!(v.contains("SB_PLL40_CORE"));
    // The report names the PLL's clock, not the board's.
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(r["clocks"][0]["name"], "pll_out", "{r}");
}
