//! `ptu build --board icebreaker` end to end: the demo's Verilog through
//! Yosys, nextpnr-ice40 (12 MHz) and icepack to a bitstream, with its logs,
//! `report.json` and a `build.sh` that reproduces the same bitstream
//! without ptu; failures leave the last good build alone; `ptu program`
//! fails clearly without a board. About two minutes of tools: the build,
//! then `build.sh` again.

use ptu_rtl::demo_program::Corruption;
use ptu_synth::boards::{self, Board};
use ptu_synth::flow::{self, BuildOptions};
use ptu_synth::program;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh folder for one test's builds.
fn scratch(name: &str) -> PathBuf {
    let d = scratch_path(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn build(board: Board, out: &Path, corrupt: Option<Corruption>) -> anyhow::Result<flow::Built> {
    let mut opts = BuildOptions::new(board);
    opts.out = out.to_path_buf();
    opts.corrupt = corrupt;
    let mut lines = Vec::new();
    let r = flow::build(&opts, &mut |l| lines.push(l.to_string()));
    if r.is_ok() {
        // Progress: one line per stage, in order; a placement whose router
        // stalls is retried with the next seed, on a line that says so.
        let mut stages: Vec<&str> = lines
            .iter()
            .filter(|l| !l.contains(" stopped: "))
            .filter_map(|l| l.split_whitespace().nth(1))
            .collect();
        stages.dedup();
        assert_eq!(stages, ["generate", "synth", "pnr", "pack"], "{lines:?}");
        let retries: Vec<&String> = lines.iter().filter(|l| l.contains(" stopped: ")).collect();
        for l in &retries {
            assert!(l.contains("retrying with --seed"), "{l}");
        }
    }
    r
}

#[test]
fn icebreaker_builds_meets_12_mhz_and_build_sh_reproduces_it() {
    let root = scratch("icebreaker");
    let out = root.join("icebreaker");
    let built = build(boards::find("icebreaker").unwrap(), &out, None).unwrap();
    assert_eq!(built.dir, out);
    assert!(!root.join("icebreaker.partial").exists());

    // The bitstream: an iCE40 image, not empty.
    let bin = std::fs::read(out.join("ptu_demo.bin")).unwrap();
    assert!(bin.len() > 50_000, "{} bytes", bin.len());
    assert_eq!(built.bitstream, out.join("ptu_demo.bin"));
    // Every log and input is kept.
    for f in [
        "ptu_demo.v",
        "icebreaker.pcf",
        "synth.ys",
        "yosys.log",
        "nextpnr.log",
        "nextpnr-report.json",
        "pack.log",
        "demo_steps.txt",
        "build.sh",
        "report.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }

    // report.json: the figures, and timing met at 12 MHz.
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(r["board"], "icebreaker");
    assert_eq!(r["part"], "iCE40UP5K-SG48");
    assert_eq!(r["timing_met"], true);
    let clocks = r["clocks"].as_array().unwrap();
    assert_eq!(clocks.len(), 1);
    assert_eq!(clocks[0]["name"], "clock");
    assert_eq!(clocks[0]["target_mhz"], 12.0);
    assert!(clocks[0]["fmax_mhz"].as_f64().unwrap() >= 12.0);
    assert_eq!(clocks[0]["met"], true);
    // The unit alone is ~2200 LUTs and ~1100 flip-flops; the demo adds its
    // driver, checker and UART.
    let luts = r["luts"].as_u64().unwrap();
    let ffs = r["flip_flops"].as_u64().unwrap();
    assert!((2200..5280).contains(&luts), "{luts} LUTs");
    assert!((1100..5280).contains(&ffs), "{ffs} flip-flops");
    assert_eq!(r["logic_cells"]["available"], 5280);
    assert!(r["logic_cells"]["used"].as_u64().unwrap() >= luts);
    assert!(r["block_rams"]["used"].as_u64().unwrap() >= 1);
    assert_eq!(r["ios"]["used"], 10);
    assert_eq!(r["bitstream_bytes"].as_u64().unwrap(), bin.len() as u64);
    assert_eq!(built.report.luts, luts);

    // The pin file named the demo's ports and the clock.
    let v = std::fs::read_to_string(out.join("ptu_demo.v")).unwrap();
    assert!(v.contains("module ptu_demo(clock,button,nmi_button,irq_button,tx,led);"));
    let pcf = std::fs::read_to_string(out.join("icebreaker.pcf")).unwrap();
    for pin in ["button 10", "nmi_button 20", "irq_button 19"] {
        assert!(pcf.contains(&format!("set_io -nowarn {pin}\n")), "{pin}");
    }

    // build.sh reruns the flow without ptu and gets the same bitstream.
    let status = Command::new("sh")
        .arg(out.join("build.sh"))
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "build.sh failed:\n{}{}",
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(
        stdout.contains("== synth") && stdout.contains("== pack"),
        "{stdout}"
    );
    assert_eq!(std::fs::read(out.join("ptu_demo.bin")).unwrap(), bin);

    // A failing build leaves this one alone and keeps its own folder.
    let err = build(
        boards::find("icebreaker").unwrap(),
        &out,
        Some(Corruption {
            step: 9999,
            port: "rip".into(),
        }),
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("cannot corrupt step 9999"), "{err}");
    assert_eq!(std::fs::read(out.join("ptu_demo.bin")).unwrap(), bin);
    assert!(!root.join("icebreaker.partial").exists());
    assert!(root.join("icebreaker.failed").is_dir());

    // Programming without a board attached fails and says so (with a
    // board attached, it loads this demo).
    match program::program(
        &boards::find("icebreaker").unwrap(),
        &out.join("ptu_demo.bin"),
        Some("iceprog"),
    ) {
        Ok(_) => eprintln!("an iCEBreaker is attached: it was programmed with the demo"),
        Err(e) => {
            let e = e.to_string();
            assert!(
                e.starts_with("no iCEBreaker (iCE40UP5K-SG48, 12 MHz) found: connect it over USB"),
                "{e}"
            );
            assert!(
                e.contains("iceprog said: Can't find iCE FTDI USB device"),
                "{e}"
            );
        }
    }
}

#[test]
fn a_failing_stage_names_itself_its_log_and_its_last_lines() {
    let root = scratch("failing");
    let out = root.join("bad");
    // A package nextpnr does not know: synthesis works, place and route fails.
    let mut board = boards::find("icebreaker").unwrap();
    board.package = "qn99";
    let err = build(board, &out, None).unwrap_err().to_string();
    let first = err.lines().next().unwrap();
    let failed = root.join("bad.failed");
    assert!(
        first.starts_with("stage pnr failed: nextpnr-ice40 exit ")
            && first.ends_with(&format!("log: {}", failed.join("nextpnr.log").display())),
        "{err}"
    );
    assert!(err.lines().count() > 1, "no log lines in {err}");
    assert!(err.contains("qn99"), "{err}");
    assert!(!out.exists(), "a failed build must not appear as the build");
    assert!(failed.join("yosys.log").is_file());
    assert!(!root.join("bad.partial").exists());
}

#[test]
fn programming_needs_a_bitstream() {
    let err = program::program(
        &boards::find("ulx3s").unwrap(),
        Path::new("/nonexistent/ptu_demo.bit"),
        None,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "no bitstream at /nonexistent/ptu_demo.bit: run `ptu build --board ulx3s` first"
    );
}

/// The other two boards: a separate, slower command (the ECP5 tools'
/// one-time WebAssembly compile alone takes a minute or two):
/// `cargo test --release -p ptu-synth --test board_flow -- --ignored`.
fn builds_and_meets_timing(name: &str, part: &str, target_mhz: f64, bitstream: &str) {
    let root = scratch(name);
    let out = root.join(name);
    let built = build(boards::find(name).unwrap(), &out, None).unwrap();
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
}

#[test]
#[ignore = "slow: run with --ignored (see the README, FPGA boards)"]
fn ulx3s_builds_a_bit_file_meeting_25_mhz() {
    builds_and_meets_timing("ulx3s", "LFE5U-85F-6BG381C", 25.0, "ptu_demo.bit");
    let sh = std::fs::read_to_string(scratch_path("ulx3s").join("ulx3s/build.sh")).unwrap();
    assert!(sh.contains("export YOWASP_CACHE_DIR="), "{sh}");
}

#[test]
#[ignore = "slow: run with --ignored (see the README, FPGA boards)"]
fn alchitry_cu_builds_with_its_pll_at_40_mhz() {
    builds_and_meets_timing("alchitry-cu", "iCE40HX8K-CB132", 40.0, "ptu_demo.bin");
    let v = std::fs::read_to_string(scratch_path("alchitry-cu").join("alchitry-cu/ptu_demo.v"))
        .unwrap();
    assert!(v.contains("SB_PLL40_CORE"));
}

fn scratch_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("board-flow-{name}"))
}
