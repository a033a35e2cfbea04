//! The vector testbenches on every simulator: random runs recorded from
//! the reference model pass; a corrupted expected value and a mutant
//! design fail with the cycle and the port.
//!
//! Builds are cached in `build/sim/` (a Verilator build takes about a
//! minute the first time); waveforms go to `waveforms/`.

use ptu_arch::PtuConfig;
use ptu_sim::vectors::{record_random, VectorWriter, INPUTS, OUTPUTS};
use ptu_testbenches::{
    mutants, run_vectors, run_vectors_rust_hdl, RunReport, Simulator, VectorSource,
};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn work() -> PathBuf {
    root().join("build/sim")
}

fn waveforms() -> PathBuf {
    match std::env::var_os("PTU_WAVEFORMS") {
        Some(d) => PathBuf::from(d),
        None => root().join("waveforms"),
    }
}

fn tests_dir() -> PathBuf {
    let d = work().join("tests");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The emitted Verilog for the default configuration.
fn ptu_text() -> &'static str {
    static V: OnceLock<String> = OnceLock::new();
    V.get_or_init(|| ptu_rtl::verilog::emit(&PtuConfig::default()).unwrap())
}

fn write_once(cell: &'static OnceLock<PathBuf>, name: &str, text: &str) -> &'static Path {
    cell.get_or_init(|| {
        let d = tests_dir().join(name);
        std::fs::create_dir_all(&d).unwrap();
        let p = d.join("ptu.v");
        std::fs::write(&p, text).unwrap();
        p
    })
}

fn ptu_v() -> &'static Path {
    static P: OnceLock<PathBuf> = OnceLock::new();
    write_once(&P, "good", ptu_text())
}

fn mutant_v() -> &'static Path {
    static P: OnceLock<PathBuf> = OnceLock::new();
    let text = mutants::gs_not_banked(ptu_text()).unwrap();
    write_once(&P, "gs-not-banked", &text)
}

fn random(seed: u64, cycles: u64) -> VectorSource {
    VectorSource::random(seed, cycles, 2, 0.002)
}

fn passes(r: &RunReport, cycles: u64) {
    r.ensure_passed().unwrap();
    assert_eq!(r.cycles, cycles, "{r:?}");
    eprintln!(
        "{}: {} cycles passed in {:.2} s ({:.0} cycles/s; build {:.1} s)",
        r.simulator,
        r.cycles,
        r.seconds,
        r.cycles_per_second(),
        r.build_seconds
    );
}

#[test]
fn icarus_passes_a_random_run_of_20k_cycles() {
    let r = run_vectors(
        Simulator::Icarus,
        ptu_v(),
        random(11, 20_000),
        None,
        &work(),
    )
    .unwrap();
    passes(&r, 20_000);
}

#[test]
fn verilator_passes_a_streamed_random_run_of_a_million_cycles() {
    let start = Instant::now();
    let r = run_vectors(
        Simulator::Verilator,
        ptu_v(),
        random(12, 1_000_000),
        None,
        &work(),
    )
    .unwrap();
    passes(&r, 1_000_000);
    eprintln!(
        "verilator: 10^6 streamed cycles in {:.2} s, {:.2} s with the build",
        r.seconds,
        start.elapsed().as_secs_f64()
    );
}

#[test]
fn post_synthesis_netlist_passes_a_random_run_of_5k_cycles() {
    let r = run_vectors(
        Simulator::PostSynth,
        ptu_v(),
        random(13, 5_000),
        None,
        &work(),
    )
    .unwrap();
    passes(&r, 5_000);
}

/// The cycle and output port whose expected value is corrupted.
const BAD_CYCLE: u64 = 1_234;
const BAD_PORT: &str = "rsp";

/// 2000 recorded cycles with the expected `rsp` of cycle 1234 changed.
/// Returns the file, the corrupted value and the true one.
fn corrupted_vectors() -> (PathBuf, u64, u64) {
    let mut w = VectorWriter::new(Vec::new()).unwrap();
    record_random(5, 2_000, 2, 0.002, &mut w).unwrap();
    let text = String::from_utf8(w.finish().unwrap()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Line 0 is the header; cycle N is line N + 1.
    let line = &mut lines[BAD_CYCLE as usize + 1];
    let mut fields: Vec<String> = line.split(' ').map(str::to_string).collect();
    assert_eq!(fields.len(), INPUTS.len() + OUTPUTS.len());
    let k = INPUTS.len() + OUTPUTS.iter().position(|p| *p == BAD_PORT).unwrap();
    let good = u64::from_str_radix(&fields[k], 16).unwrap();
    let bad = good ^ 0x40;
    fields[k] = format!("{bad:x}");
    *line = fields.join(" ");
    let path = tests_dir().join("corrupted.vec");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    (path, bad, good)
}

#[test]
fn a_corrupted_expected_value_fails_on_every_simulator_naming_cycle_and_port() {
    let (file, bad, good) = corrupted_vectors();
    let want = format!("MISMATCH cycle {BAD_CYCLE} port {BAD_PORT} expected {bad:x} got {good:x}");
    let mut reports = Vec::new();
    for sim in Simulator::ALL {
        let vcd = waveforms().join(format!("vectors-corrupted-{sim}.vcd"));
        let _ = std::fs::remove_file(&vcd);
        let r = run_vectors(sim, ptu_v(), VectorSource::file(&file), Some(&vcd), &work()).unwrap();
        // The waveform has the ports and the internals of ptu.
        let head = std::fs::read(&vcd).unwrap();
        let head = String::from_utf8_lossy(&head[..head.len().min(2_000_000)]);
        assert!(head.contains(" gs_base "), "{sim}: no gs_base in the VCD");
        if sim != Simulator::PostSynth {
            // The kernel GS base: its scopes and signal (ptu_arch::internal).
            let path = ptu_arch::internal::get("kernel_gs").path;
            assert!(
                path.split('.')
                    .all(|part| head.contains(&format!(" {part} "))),
                "{sim}: no internals ({path}) in the VCD"
            );
        }
        reports.push(r);
    }
    reports.push(
        run_vectors_rust_hdl(
            &PtuConfig::default(),
            VectorSource::file(&file),
            None,
            &work(),
        )
        .unwrap(),
    );
    for r in &reports {
        assert_eq!(
            r.mismatch.as_deref(),
            Some(want.as_str()),
            "{}",
            r.simulator
        );
        assert_eq!(r.mismatch_cycle, Some(BAD_CYCLE));
        assert_eq!(r.cycles, BAD_CYCLE);
        let err = r.ensure_passed().unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "{} differs from the reference model at cycle {BAD_CYCLE}",
                r.simulator
            )),
            "{err}"
        );
        eprintln!("{}: {}", r.simulator, r.mismatch.as_deref().unwrap());
    }
}

#[test]
fn gs_not_banked_fails_on_icarus_and_verilator() {
    for sim in [Simulator::Icarus, Simulator::Verilator] {
        // A long streamed run: the harness stops at the first mismatch and
        // the writer thread is released by the broken pipe.
        let start = Instant::now();
        let r = run_vectors(sim, mutant_v(), random(21, 2_000_000), None, &work()).unwrap();
        let m = r
            .mismatch
            .clone()
            .unwrap_or_else(|| panic!("{sim}: the mutant passed"));
        eprintln!(
            "{sim}: the GS mutant fails after {:.1} s (build {:.1} s):\n{m}",
            start.elapsed().as_secs_f64(),
            r.build_seconds
        );
        let cycle = r.mismatch_cycle.unwrap();
        assert!(
            m.lines()
                .any(|l| l.starts_with(&format!("MISMATCH cycle {cycle} port gs_base expected "))),
            "{sim}: {m}"
        );
        assert!(cycle < 20_000, "{sim}: found only at cycle {cycle}");
    }
}

#[test]
fn bad_vector_lines_are_errors_naming_the_line() {
    let mut w = VectorWriter::new(Vec::new()).unwrap();
    record_random(1, 3, 0, 0.0, &mut w).unwrap();
    let text = String::from_utf8(w.finish().unwrap()).unwrap();
    // Line 4 (the third cycle) loses its last field.
    let mut lines: Vec<&str> = text.lines().collect();
    let short = lines[3].rsplit_once(' ').unwrap().0.to_string();
    lines[3] = &short;
    let path = tests_dir().join("short-line.vec");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    for sim in [Simulator::Icarus, Simulator::Verilator] {
        let err = run_vectors(sim, ptu_v(), VectorSource::file(&path), None, &work())
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad vector line 4"), "{sim}: {err}");
    }
    let err = run_vectors_rust_hdl(
        &PtuConfig::default(),
        VectorSource::file(&path),
        None,
        &work(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("rust-hdl: bad vector line 4: 39 fields, want 40"),
        "{err}"
    );
    let err = run_vectors(
        Simulator::Icarus,
        ptu_v(),
        VectorSource::file(tests_dir().join("missing.vec")),
        None,
        &work(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("cannot read vector file "), "{err}");
}

#[test]
fn streamed_text_and_a_failing_writer() {
    // Vectors held in memory stream like any other source.
    let mut w = VectorWriter::new(Vec::new()).unwrap();
    record_random(3, 500, 1, 0.01, &mut w).unwrap();
    let text = String::from_utf8(w.finish().unwrap()).unwrap();
    let r = run_vectors(
        Simulator::Icarus,
        ptu_v(),
        VectorSource::text(text),
        None,
        &work(),
    )
    .unwrap();
    passes(&r, 500);
    // A writer that fails is an error even though the cycles it wrote passed.
    let err = run_vectors(
        Simulator::Verilator,
        ptu_v(),
        VectorSource::stream(|w| {
            let mut vw = VectorWriter::new(w)?;
            record_random(3, 100, 1, 0.0, &mut vw)?;
            Err(std::io::Error::other("out of stimulus"))
        }),
        None,
        &work(),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(err, "the vector writer failed: out of stimulus");
}
