//! `ptu prove` on every generated preset other than the default: P1 to
//! P10 proven unbounded on its unit, and each mutant of its options'
//! code caught by the property it breaks, with a counterexample. One
//! preset per test.

use ptu_arch::PtuConfig;
use ptu_formal::mutants::MUTANTS;
use ptu_formal::properties;
use ptu_formal::{prove, Options, Verdict};
use std::path::{Path, PathBuf};

mod common;

fn work(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("formal-presets")
        .join(name)
}

fn options(cfg: PtuConfig) -> Options {
    Options {
        config: cfg,
        work: work(&cfg.name.to_string()),
        waves: work(&format!("{}-waves", cfg.name)),
        ..Options::new()
    }
}

/// Every property proven on `preset`, then each mutant made for it fails
/// its property; `mutants` names the mutants that must exist for it.
fn prove_preset(preset: &str, mutants: &[&str]) {
    let cfg = ptu_arch::config::preset(preset).unwrap().config();
    cfg.require_generated("").unwrap();
    let report = prove(&options(cfg)).unwrap();
    println!("{report}");
    common::assert_every_property_proven(&report, preset);
    let wrapper = std::fs::read_to_string(report.dir.join("ptu_formal.v")).unwrap();
    assert!(wrapper.contains(&format!("// Configuration: {}", cfg.describe())));
    for name in mutants {
        let m = MUTANTS
            .iter()
            .find(|m| m.name == *name)
            .unwrap_or_else(|| panic!("no mutant {name}"));
        assert!(m.fits(&cfg), "{name} does not fit {preset}");
        let o = Options {
            mutant: Some(m),
            properties: vec![properties::find(m.breaks).unwrap()],
            ..options(cfg)
        };
        let report = prove(&o).unwrap();
        println!("{report}");
        let Verdict::Failed { asserts, vcd, .. } = &report.outcomes[0].verdict else {
            panic!("{preset}: mutant {name} not caught: {report}");
        };
        assert!(!asserts.is_empty() && vcd.is_file(), "{report}");
        // The failing assertions are the property's own.
        let wrapper = std::fs::read_to_string(report.dir.join("ptu_formal.v")).unwrap();
        let lines = common::block_lines(&wrapper, m.breaks);
        for a in asserts {
            let n: usize = a.strip_prefix("ptu_formal.v:").unwrap().parse().unwrap();
            assert!(lines.contains(&n), "{name}: {a} outside {lines:?}");
        }
    }
}

// The single-option presets repeat what x86_64-full proves with both
// options on (their code is the same beside the other option, and both
// option mutants are caught there): slow checks, run with `-- --ignored`.
#[test]
#[ignore = "slow: x86_64-full proves the same code; run with -- --ignored"]
fn x86_64_irq_entry_is_proven_and_its_mutant_caught() {
    prove_preset("x86_64-irq-entry", &["irq-entry-ignored"]);
}

#[test]
#[ignore = "slow: x86_64-full proves the same code; run with -- --ignored"]
fn x86_64_fs_bank_is_proven_and_its_mutant_caught() {
    prove_preset("x86_64-fs-bank", &["fs-not-banked"]);
}

#[test]
fn x86_64_full_is_proven_and_both_option_mutants_caught() {
    prove_preset("x86_64-full", &["irq-entry-ignored", "fs-not-banked"]);
}

#[test]
fn ice40_small_32_is_proven_and_its_mutant_caught() {
    prove_preset("ice40-small-32", &["frame-info-high-word-misplaced"]);
}
