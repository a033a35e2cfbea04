//! Every shipped scenario on every simulator (rust-hdl, Icarus,
//! Verilator, the post-synthesis netlist), all judged by the reference
//! model; and a design with GS not banked fails on the external
//! simulators with the scenario line, the cycle and the port.

mod common;

use common::ptu;
use std::path::PathBuf;

fn waves(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ptu-scenarios-{name}-{}", std::process::id()))
}

#[test]
fn every_scenario_passes_on_every_simulator() {
    for sim in ["rust-hdl", "icarus", "verilator", "post-synth"] {
        let dir = waves(sim);
        let o = ptu(&["sim", "--sim", sim, "--waves", dir.to_str().unwrap()]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success(),
            "{sim}:\n{out}\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            out.contains(&format!("scenarios on {sim}: 9 passed, 0 failed")),
            "{out}"
        );
        assert!(dir.join(format!("nested-fault-{sim}.vcd")).exists());
        assert!(dir.join(format!("nested-fault-{sim}.gtkw")).exists());
    }
}

#[test]
fn gs_not_banked_fails_with_line_cycle_and_port() {
    let good = include_str!("../rtl/generated/ptu.v");
    let bad = ptu_testbenches::mutants::gs_not_banked(good).unwrap();
    let dir = waves("mutant");
    std::fs::create_dir_all(&dir).unwrap();
    let v = dir.join("ptu-gs-not-banked.v");
    std::fs::write(&v, bad).unwrap();
    for sim in ["icarus", "verilator"] {
        let o = ptu(&[
            "sim",
            "syscall-roundtrip",
            "--sim",
            sim,
            "--verilog",
            v.to_str().unwrap(),
            "--waves",
            dir.to_str().unwrap(),
        ]);
        assert!(!o.status.success(), "{sim} passed a broken design");
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("FAIL syscall-roundtrip"), "{out}");
        assert!(
            out.contains("syscall-roundtrip.scn:"),
            "names the line: {out}"
        );
        assert!(out.contains("port gs_base"), "names the port: {out}");
        assert!(out.contains("cycle "), "names the cycle: {out}");
    }
}

#[test]
fn random_runs_on_the_external_simulators_report_seed_and_cycles() {
    for (sim, cycles) in [
        ("icarus", "5000"),
        ("verilator", "200000"),
        ("post-synth", "1000"),
    ] {
        let o = ptu(&[
            "sim", "--random", "--sim", sim, "--seed", "9", "--cycles", cycles,
        ]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success(),
            "{sim}: {out}{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            out.contains(&format!(
                "PASS random seed 9 on {sim}: {cycles} cycles match the model"
            )),
            "{out}"
        );
    }
}
