//! What scripts and logs read from `ptu`: `--json` documents of random
//! runs and benchmarks, progress lines only on a terminal, and benchmark
//! results that land in `build/bench/` unless `--out` says otherwise.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("machine-output-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `ptu ARGS` run in `dir`.
fn ptu_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ptu"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("cannot run ptu")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            stderr(o)
        )
    })
}

/// `ptu ARGS` in a pseudo-terminal (util-linux `script`): what the
/// terminal shows, stdout and stderr together.
fn ptu_in_a_terminal(args: &str) -> String {
    let cmd = format!("{} {args}", env!("CARGO_BIN_EXE_ptu"));
    let o = Command::new("script")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["-qec", &cmd, "/dev/null"])
        .env("NO_COLOR", "1")
        .output()
        .expect("script (util-linux) runs ptu in a terminal");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Rates agree with cycles / seconds. The seconds are rounded to the ms,
/// so the rate lies between cycles / (s + 0.5 ms) and cycles / (s - 0.5
/// ms) (on a short fast run that rounding alone is more than 5 %), give or
/// take 5 %.
fn rate_agrees(cycles: f64, seconds: f64, rate: f64) {
    assert!(seconds > 0.0 && rate > 0.0, "{cycles} {seconds} {rate}");
    let lo = cycles / (seconds + 0.0005);
    let hi = if seconds > 0.0005 {
        cycles / (seconds - 0.0005)
    } else {
        f64::INFINITY
    };
    assert!(
        rate >= lo * 0.95 - 1.0 && rate <= hi * 1.05 + 1.0,
        "{rate} cycles/s, but {cycles} cycles in {seconds} s (rounded to the ms)"
    );
}

#[test]
fn a_random_run_in_json_is_one_document_whose_figures_add_up() {
    let o = common::ptu(&[
        "sim", "--random", "--seed", "3", "--cycles", "20000", "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["simulator"], "rust-hdl");
    assert_eq!(j["seed"], 3);
    assert_eq!(j["cycles"], 20000);
    assert_eq!(j["matched"], 20000);
    assert_eq!(j["pass"], true);
    assert!(j["error"].is_null() && j["failing_cycle"].is_null() && j["vcd"].is_null());
    rate_agrees(
        20000.0,
        j["seconds"].as_f64().unwrap(),
        j["cycles_per_second"].as_f64().unwrap(),
    );
    // The counts of the printed PASS line, the same run.
    let human = common::ptu(&["sim", "--random", "--seed", "3", "--cycles", "20000"]);
    let line = String::from_utf8_lossy(&human.stdout).into_owned();
    for (key, words) in [
        ("transitions", "transitions"),
        ("interrupts", "interrupts"),
        ("bus_answers", "bus answers"),
    ] {
        let n = j[key].as_u64().unwrap();
        assert!(line.contains(&format!(" {n} {words}")), "{key} {n}: {line}");
    }

    // On an external simulator, with a waveform.
    let dir = scratch("random-icarus");
    let vcd = dir.join("r.vcd");
    let o = common::ptu(&[
        "sim",
        "--random",
        "--sim",
        "icarus",
        "--cycles",
        "300",
        "--json",
        "--vcd",
        vcd.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["simulator"], "icarus");
    assert_eq!(j["matched"], 300);
    assert_eq!(j["vcd"], vcd.to_str().unwrap());
    assert!(vcd.is_file() && vcd.with_extension("gtkw").is_file());
    assert!(j["transitions"].is_null(), "{j}");
}

#[test]
fn progress_is_drawn_on_a_terminal_only_and_never_with_quiet_or_json() {
    let args = ["sim", "--random", "--cycles", "60000"];
    let o = common::ptu(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(!err.contains('\r') && !err.contains('%'), "{err:?}");
    let tty = ptu_in_a_terminal(&args.join(" "));
    assert!(
        tty.contains("\r\x1b[Krandom run on rust-hdl: 0% (0/60000 cycles)"),
        "{tty:?}"
    );
    assert!(tty.contains("PASS random seed 1: 60000 cycles"), "{tty:?}");
    for flag in ["--quiet", "--json"] {
        let tty = ptu_in_a_terminal(&format!("{} {flag}", args.join(" ")));
        assert!(!tty.contains("random run on"), "{flag}: {tty:?}");
    }
    // An external simulator's progress off a terminal: none either.
    let o = common::ptu(&["sim", "--random", "--sim", "icarus", "--cycles", "3000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains('%'), "{}", stderr(&o));
}

/// Bytes and modification time of a committed file.
fn snapshot(rel: &str) -> (Vec<u8>, std::time::SystemTime) {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    (
        std::fs::read(&p).unwrap(),
        std::fs::metadata(&p).unwrap().modified().unwrap(),
    )
}

#[test]
fn benchmarks_write_into_build_bench_and_print_the_same_json() {
    let committed = [
        "synth/bench/results.json",
        "testbenches/bench/throughput.json",
    ];
    let before: Vec<_> = committed.iter().map(|c| snapshot(c)).collect();
    let dir = scratch("bench");
    // Builds cached across runs of this test.
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-sim-work");
    let o = ptu_in(
        &dir,
        &[
            "bench",
            "sim",
            "--rust-hdl-cycles",
            "3000",
            "--icarus-cycles",
            "500",
            "--verilator-cycles",
            "20000",
            "--work",
            work.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains('\r'), "{}", stderr(&o));
    let j = json(&o);
    let file = dir.join("build/bench/throughput.json");
    assert_eq!(std::fs::read(&file).unwrap(), o.stdout);
    let results = j["results"].as_array().unwrap();
    let names: Vec<&str> = results
        .iter()
        .map(|r| r["simulator"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["rust-hdl", "icarus", "verilator", "vector writer"]);
    for (r, cycles) in results.iter().zip([3000, 500, 20000, 20000]) {
        assert_eq!(r["cycles"], cycles, "{r}");
        rate_agrees(
            cycles as f64,
            r["seconds"].as_f64().unwrap(),
            r["cycles_per_second"].as_f64().unwrap(),
        );
    }

    let o = ptu_in(
        &dir,
        &["bench", "synth", "--area-only", "--parts", "up5k", "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(
        std::fs::read(dir.join("build/bench/area.json")).unwrap(),
        o.stdout
    );
    let parts = j["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0]["part"], "up5k");
    let luts = parts[0]["luts"].as_u64().unwrap();
    let sum = parts[0]["blocks"]["sum"]["luts"].as_u64().unwrap();
    // The blocks kept apart cost a little more than the flattened unit.
    assert!(luts > 100 && sum >= luts * 9 / 10, "{luts} {sum}");
    // Nothing else was written beside them, and the committed figures
    // are as they were.
    let mut written: Vec<String> = std::fs::read_dir(dir.join("build/bench"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    assert_eq!(written, ["area.json", "throughput.json"]);
    let after: Vec<_> = committed.iter().map(|c| snapshot(c)).collect();
    assert!(
        before == after,
        "a default benchmark run changed {committed:?}"
    );
}

#[test]
fn a_results_file_given_as_out_is_refused_with_the_folder_to_give() {
    let o = common::ptu(&["bench", "synth", "--out", "synth/bench/results.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim(),
        "error: --out takes a folder, not a file: give --out synth/bench to write synth/bench/results.json"
    );
}

#[test]
fn a_failing_random_run_in_json_names_the_cycle_and_the_difference() {
    let dir = scratch("random-fail");
    let bad =
        ptu_testbenches::mutants::gs_not_banked(include_str!("../rtl/generated/ptu.v")).unwrap();
    let v = dir.join("bad.v");
    std::fs::write(&v, bad).unwrap();
    let o = common::ptu(&[
        "sim",
        "--random",
        "--sim",
        "icarus",
        "--verilog",
        v.to_str().unwrap(),
        "--seed",
        "3",
        "--cycles",
        "3000",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["pass"], false);
    assert_eq!(j["simulator"], "icarus");
    let at = j["failing_cycle"].as_u64().unwrap();
    assert!(at < 3000, "{j}");
    assert_eq!(j["matched"], at);
    let error = j["error"].as_str().unwrap();
    assert!(
        error.contains(&format!("MISMATCH cycle {at} port gs_base")),
        "{error}"
    );
    // The error line for the exit status goes to stderr, not into the JSON.
    assert!(stderr(&o).contains("differs from the model on icarus"));
}
