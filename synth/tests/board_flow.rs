//! `ptu_synth::flow` end to end with a small design of its own (a counter
//! on two LEDs, a button and the serial pin) on the iCEBreaker: Verilog
//! through Yosys, nextpnr-ice40 (12 MHz) and icepack to a bitstream, with
//! its logs, the pin file written from the board's resources,
//! `report.json` and a `build.sh` that reproduces the same bitstream
//! without ptu; failures leave the last good build alone; `ptu program`
//! fails clearly without a board. The board demo's own build is tested in
//! `demo/tests/board_build.rs`.

use anyhow::{bail, Result};
use ptu_synth::boards::{self, Board};
use ptu_synth::design::{Design, Elaborate, PortMap};
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

fn scratch_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("board-flow-{name}"))
}

/// A counter on `led[0]`, the button's level on `led[1]`, the serial line
/// idle.
fn blinky(clock_hz: u64) -> Design {
    let port = |port: &str, resource: &str| PortMap {
        port: port.into(),
        resource: resource.into(),
    };
    Design {
        name: "a blinking LED".into(),
        top: "blinky".into(),
        verilog: "module blinky(clock, button, tx, led);\n\
                  \x20   input wire clock;\n\
                  \x20   input wire button;\n\
                  \x20   output wire tx;\n\
                  \x20   output wire [1:0] led;\n\
                  \x20   reg [23:0] count = 24'd0;\n\
                  \x20   always @(posedge clock) count <= count + 24'd1;\n\
                  \x20   assign led = {button, count[23]};\n\
                  \x20   assign tx = 1'b1;\n\
                  endmodule\n"
            .into(),
        clock_port: "clock".into(),
        clock_hz,
        ports: vec![
            port("button", "button0"),
            port("tx", "uart_tx"),
            port("led[0]", "led0"),
            port("led[1]", "led1"),
        ],
        keep: vec![],
        files: vec![("notes.txt".into(), "a file of the design\n".into())],
        figures: vec![("counter_bits".into(), 24)],
    }
}

/// A design whose elaboration fails.
struct Unbuildable;

impl Elaborate for Unbuildable {
    fn describe(&self, board: &Board) -> String {
        format!("nothing for {}", board.title)
    }
    fn elaborate(&self, _: &Board) -> Result<Design> {
        bail!("cannot make this design")
    }
}

fn build(board: Board, out: &Path, design: &dyn Elaborate) -> Result<flow::Built> {
    let mut opts = BuildOptions::new(board);
    opts.out = out.to_path_buf();
    let mut lines = Vec::new();
    let r = flow::build(&opts, design, &mut |l| lines.push(l.to_string()));
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
        assert!(lines[0].starts_with("[1/4] generate  "), "{lines:?}");
        // Every log a progress line names is there after the build.
        for l in &lines {
            if let Some(log) = l.split("(log: ").nth(1) {
                let log = log.trim_end_matches(')');
                assert!(Path::new(log).is_file(), "{log} (from `{l}`) is missing");
            }
        }
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
    let built = build(
        boards::find("icebreaker").unwrap(),
        &out,
        &blinky(12_000_000),
    )
    .unwrap();
    assert_eq!(built.dir, out);
    assert!(!root.join("icebreaker.partial").exists());

    // The bitstream: an iCE40 image, not empty.
    let bin = std::fs::read(out.join("blinky.bin")).unwrap();
    assert!(bin.len() > 50_000, "{} bytes", bin.len());
    assert_eq!(built.bitstream, out.join("blinky.bin"));
    // Every log and input is kept, and the design's own files.
    for f in [
        "blinky.v",
        "icebreaker.pcf",
        "synth.ys",
        "yosys.log",
        "nextpnr.log",
        "nextpnr-report.json",
        "pack.log",
        "notes.txt",
        "build.sh",
        "report.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }

    // report.json: the figures, the design's own, and timing met at 12 MHz.
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(r["board"], "icebreaker");
    assert_eq!(r["part"], "iCE40UP5K-SG48");
    assert_eq!(r["top"], "blinky");
    assert_eq!(r["counter_bits"], 24);
    assert_eq!(r["timing_met"], true);
    let clocks = r["clocks"].as_array().unwrap();
    assert_eq!(clocks.len(), 1);
    assert_eq!(clocks[0]["name"], "clock");
    assert_eq!(clocks[0]["target_mhz"], 12.0);
    assert!(clocks[0]["fmax_mhz"].as_f64().unwrap() >= 12.0);
    assert_eq!(clocks[0]["met"], true);
    let luts = r["luts"].as_u64().unwrap();
    let ffs = r["flip_flops"].as_u64().unwrap();
    assert!((1..200).contains(&luts), "{luts} LUTs");
    assert_eq!(ffs, 24);
    assert_eq!(r["logic_cells"]["available"], 5280);
    assert_eq!(r["ios"]["used"], 5);
    assert_eq!(r["bitstream_bytes"].as_u64().unwrap(), bin.len() as u64);
    assert_eq!(built.report.luts, luts);

    // The pin file placed the design's ports on the board's resources.
    let pcf = std::fs::read_to_string(out.join("icebreaker.pcf")).unwrap();
    for pin in ["clock 35", "button 10", "tx 9", "led[0] 37", "led[1] 11"] {
        assert!(pcf.contains(&format!("set_io -nowarn {pin}\n")), "{pin}");
    }
    assert!(pcf.contains("set_frequency clock 12\n"), "{pcf}");

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
    assert_eq!(std::fs::read(out.join("blinky.bin")).unwrap(), bin);

    // A failing build leaves this one alone and keeps its own folder.
    let err = build(boards::find("icebreaker").unwrap(), &out, &Unbuildable)
        .unwrap_err()
        .to_string();
    assert_eq!(err, "cannot make this design");
    assert_eq!(std::fs::read(out.join("blinky.bin")).unwrap(), bin);
    assert!(!root.join("icebreaker.partial").exists());
    assert!(root.join("icebreaker.failed").is_dir());

    // Programming without a board attached fails and says so (with a
    // board attached, it loads this design).
    match program::program(
        &boards::find("icebreaker").unwrap(),
        &out.join("blinky.bin"),
        Some("iceprog"),
    ) {
        Ok(_) => eprintln!("an iCEBreaker is attached: it was programmed with the test design"),
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
    let err = build(board, &out, &blinky(12_000_000))
        .unwrap_err()
        .to_string();
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
fn a_port_on_a_missing_resource_fails_before_synthesis() {
    let root = scratch("unplaced");
    let out = root.join("unplaced");
    let mut d = blinky(12_000_000);
    d.ports[2].resource = "led9".into();
    let err = build(boards::find("icebreaker").unwrap(), &out, &d)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("the icebreaker has no resource `led9`: it has "),
        "{err}"
    );
    assert!(!root.join("unplaced.failed").join("yosys.log").exists());
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

/// The ECP5 flow: a separate, slower command (the tools' one-time
/// WebAssembly compile alone takes a minute or two):
/// `cargo test --release -p ptu-synth --test board_flow -- --ignored`.
#[test]
#[ignore = "slow: run with --ignored (see the README, FPGA boards)"]
fn ulx3s_builds_a_bit_file_meeting_25_mhz() {
    let root = scratch("ulx3s");
    let out = root.join("ulx3s");
    let built = build(boards::find("ulx3s").unwrap(), &out, &blinky(25_000_000)).unwrap();
    assert!(built.report.timing_met, "{:?}", built.report);
    assert_eq!(built.bitstream, out.join("blinky.bit"));
    let lpf = std::fs::read_to_string(out.join("ulx3s.lpf")).unwrap();
    assert!(lpf.contains("LOCATE COMP \"button\" SITE \"R1\";"), "{lpf}");
    let sh = std::fs::read_to_string(out.join("build.sh")).unwrap();
    assert!(sh.contains("export YOWASP_CACHE_DIR="), "{sh}");
}
