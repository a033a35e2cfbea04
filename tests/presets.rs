//! Every generated preset other than the default, simulated the way a
//! user would: `ptu sim --preset NAME` runs the scenarios that apply to
//! it (those of `options/` included) on rust-hdl, Icarus, Verilator and
//! the post-synthesis netlist, every other one skipped with its reason;
//! `ptu sim --random --sim verilator --preset NAME` runs 10^6 random
//! cycles against the reference model of that configuration. One preset
//! per test; the simulator builds are cached in build/sim like those of
//! the default.

mod common;

use common::ptu;
use std::path::PathBuf;

fn waves(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ptu-presets-{name}-{}", std::process::id()))
}

/// The scenarios of `preset` on every simulator, and a million random
/// Verilator cycles; `must_pass` are scenarios that must have run and
/// passed (those of the preset's options).
fn simulate_preset(preset: &str, must_pass: &[&str]) {
    for sim in ["rust-hdl", "icarus", "verilator", "post-synth"] {
        let dir = waves(&format!("{preset}-{sim}"));
        let o = ptu(&[
            "sim",
            "--preset",
            preset,
            "--sim",
            sim,
            "--waves",
            dir.to_str().unwrap(),
            "--json",
        ]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success(),
            "{preset} on {sim}:\n{out}\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(doc["failed"], 0, "{preset} on {sim}: {out}");
        assert!(
            doc["configuration"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{preset} (")),
            "{out}"
        );
        let scenarios = doc["scenarios"].as_array().unwrap();
        let passed: Vec<&str> = scenarios
            .iter()
            .filter(|s| s["pass"] == true)
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert!(
            passed.len() >= must_pass.len(),
            "{preset} on {sim}: {passed:?}"
        );
        for name in must_pass {
            assert!(
                passed.contains(name),
                "{preset} on {sim}: {name} in {passed:?}"
            );
        }
        // Every scenario not run says why.
        for s in scenarios.iter().filter(|s| s["pass"].is_null()) {
            assert!(
                s["skipped"].as_str().unwrap().contains("needs "),
                "{preset} on {sim}: {s}"
            );
        }
        if sim != "rust-hdl" {
            let name = passed[0];
            assert!(dir.join(format!("{name}-{sim}.vcd")).is_file(), "{sim}");
            assert!(dir.join(format!("{name}-{sim}.gtkw")).is_file(), "{sim}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    let o = ptu(&[
        "sim",
        "--random",
        "--sim",
        "verilator",
        "--preset",
        preset,
        "--seed",
        "3",
        "--cycles",
        "1000000",
        "--json",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{preset}: {out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["pass"], true, "{out}");
    assert_eq!(doc["matched"], 1_000_000, "{out}");
    eprintln!(
        "{preset}: 10^6 random cycles on Verilator match the model ({} cycles/s)",
        doc["cycles_per_second"]
    );
}

#[test]
fn x86_64_irq_entry_on_every_simulator_and_a_million_random_verilator_cycles() {
    simulate_preset("x86_64-irq-entry", &["irq-entry", "irq-double-fault"]);
}

#[test]
fn x86_64_fs_bank_on_every_simulator_and_a_million_random_verilator_cycles() {
    simulate_preset("x86_64-fs-bank", &["fs-bank", "syscall-roundtrip"]);
}

#[test]
fn x86_64_full_on_every_simulator_and_a_million_random_verilator_cycles() {
    simulate_preset("x86_64-full", &["irq-entry", "irq-double-fault", "fs-bank"]);
}

#[test]
fn ice40_small_32_on_every_simulator_and_a_million_random_verilator_cycles() {
    simulate_preset(
        "ice40-small-32",
        &["nmi-frame-32", "page-fault", "context-switch"],
    );
}
