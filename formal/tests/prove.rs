//! `ptu prove` on the emitted design (every property proven, unbounded)
//! and on every mutant (its property fails, with a counterexample VCD in
//! waveforms/). Needs yosys, yosys-abc, yosys-smtbmc and z3: `./setup.sh`.

use ptu_formal::engines::{self, Finding};
use ptu_formal::mutants::MUTANTS;
use ptu_formal::properties;
use ptu_formal::{prove, Options, Verdict};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

mod common;

fn work(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("formal")
        .join(name)
}

/// The workspace's waveforms/ folder, where every test writes its VCDs.
fn waves() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../waveforms")
}

fn options(name: &str) -> Options {
    Options {
        work: work(name),
        waves: waves(),
        ..Options::new()
    }
}

#[test]
fn every_property_is_proven_unbounded_on_the_emitted_design() {
    let report = prove(&options("proofs")).unwrap();
    println!("{report}");
    common::assert_every_property_proven(&report, "emitted design");
    // The time it took is a benchmark figure (`ptu prove --json`), not a
    // check: a shared machine's load must not fail the proof.
}

#[test]
fn every_mutant_fails_its_property_with_a_counterexample() {
    // The mutants of the default unit (those of an option's code are
    // proven on their preset: tests/prove_presets.rs).
    let queue: Mutex<VecDeque<_>> =
        Mutex::new(MUTANTS.iter().filter(|m| m.preset.is_none()).collect());
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let Some(m) = queue.lock().unwrap().pop_front() else {
                    break;
                };
                let o = Options {
                    mutant: Some(m),
                    properties: vec![properties::find(m.breaks).unwrap()],
                    jobs: 1,
                    ..options("mutants")
                };
                let report = prove(&o).unwrap();
                println!("{report}");
                let out = &report.outcomes[0];
                let Verdict::Failed {
                    vcd,
                    asserts,
                    cycles,
                    ..
                } = &out.verdict
                else {
                    failures
                        .lock()
                        .unwrap()
                        .push(format!("{}: {}", m.name, out.verdict));
                    continue;
                };
                assert!(*cycles >= 2, "{report}");
                // The FAIL says how to look at the counterexample.
                assert!(
                    report
                        .to_string()
                        .contains(&format!("look: ptu wave {} --from ", vcd.display())),
                    "{report}"
                );
                assert_eq!(
                    vcd,
                    &waves().join(format!("prove-mutant-{}-{}.vcd", m.name, m.breaks))
                );
                let text = std::fs::read_to_string(vcd).unwrap();
                assert!(
                    text.contains("$enddefinitions") && text.contains("$scope module dut"),
                    "{}",
                    vcd.display()
                );
                // The assertions that fail are the property's own.
                let wrapper = std::fs::read_to_string(report.dir.join("ptu_formal.v")).unwrap();
                let lines = common::block_lines(&wrapper, m.breaks);
                assert!(!asserts.is_empty(), "{report}");
                for a in asserts {
                    let n: usize = a.strip_prefix("ptu_formal.v:").unwrap().parse().unwrap();
                    assert!(lines.contains(&n), "{}: {a} outside {:?}", m.name, lines);
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "mutants not caught:\n{}",
        failures.join("\n")
    );
}

#[test]
fn k_induction_and_bmc_settle_what_they_can() {
    // P1 is a property of single states: induction of depth 1 proves it.
    let dir = ptu_formal::prove::write_design(&options("engines")).unwrap();
    let model = engines::build_model(&dir.join("P1"), "P1").unwrap();
    let vcd = work("engines").join("p1.vcd");
    assert_eq!(
        engines::k_induction(&model, 1, &vcd).unwrap().0,
        Finding::Proven
    );
    assert_eq!(
        engines::bmc(&model, 3, &vcd).unwrap().0,
        Finding::Bounded(3)
    );
    assert!(!vcd.exists());
    // BMC finds a mutant's counterexample by itself and writes its VCD.
    let o = Options {
        mutant: ptu_formal::mutants::find("frame-at-stack-top"),
        ..options("engines")
    };
    let dir = ptu_formal::prove::write_design(&o).unwrap();
    let model = engines::build_model(&dir.join("P5"), "P5").unwrap();
    let (f, asserts) = engines::bmc(&model, 6, &vcd).unwrap();
    assert!(matches!(f, Finding::Cex(step) if step <= 6), "{f:?}");
    assert!(!asserts.is_empty());
    assert!(std::fs::read_to_string(&vcd)
        .unwrap()
        .contains("$enddefinitions"));
    // P3 needs invariants that induction of depth 2 does not find: PDR's job.
    let dir = ptu_formal::prove::write_design(&options("engines")).unwrap();
    let model = engines::build_model(&dir.join("P3"), "P3").unwrap();
    assert!(matches!(
        engines::k_induction(&model, 2, &vcd).unwrap().0,
        Finding::Unknown(_)
    ));
}
