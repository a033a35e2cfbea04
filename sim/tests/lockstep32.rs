//! The 32-bit unit (preset `ice40-small-32`, docs/spec.md section 14.1):
//! the rust-hdl `Ptu<32>` against the reference model for that
//! configuration, every output compared in every cycle, on seeded random
//! runs of the random core for that unit and on every scenario that fits
//! the preset (the option scenarios' `nmi-frame-32` among them).

use ptu_arch::PtuConfig;
use ptu_sim::bus::Wait;
use ptu_sim::lockstep;
use ptu_sim::scenario;
use std::path::PathBuf;

mod common;

fn small() -> PtuConfig {
    ptu_arch::config::preset("ice40-small-32").unwrap().config()
}

fn run(seed: u64, cycles: u64, wait: Wait, error_prob: f64, reset_prob: f64) -> lockstep::Report {
    common::random_run(&small(), seed, cycles, wait, error_prob, reset_prob)
}

#[test]
fn zero_wait_bus_matches_the_32_bit_model() {
    let r = run(11, 50_000, Wait::Fixed(0), 0.0, 0.0);
    eprintln!("{r:?}");
    assert!(r.redirects > 100, "too few transitions: {r:?}");
    // Six words per frame: more than one frame's worth of answers.
    assert!(r.bus_answers > 600, "too few frames: {r:?}");
}

#[test]
fn slow_bus_with_errors_and_resets_matches_the_32_bit_model() {
    let r = run(12, 100_000, Wait::Random { max: 3 }, 0.003, 0.0005);
    eprintln!("{r:?}");
    assert!(r.redirects > 100, "too few transitions: {r:?}");
    assert!(r.irq_acks > 10, "too few interrupts: {r:?}");
    assert!(r.shutdown_cycles > 0, "no triple fault: {r:?}");
}

fn scenario_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testbenches/scenarios")
}

/// Every scenario (`testbenches/scenarios/` and its `options/`) that fits
/// the preset passes on the rust-hdl design, checked against the model in
/// every cycle; those that do not fit are skipped with their reason. The
/// 32-bit scenario is among those run.
#[test]
fn every_scenario_that_fits_passes_on_the_32_bit_design() {
    let cfg = small();
    let mut all = scenario::load_dir(&scenario_dir()).unwrap();
    all.extend(scenario::load_dir(&scenario_dir().join("options")).unwrap());
    let mut ran = vec![];
    for s in &all {
        let name = s.path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(why) = s.skip_reason(&cfg) {
            eprintln!("skipped {name}: {why}");
            continue;
        }
        let vcd = ptu_sim::bench::waveforms_dir().join(format!("ice40-small-32-{name}.vcd"));
        s.run_rtl(&cfg, Some(&vcd))
            .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        ran.push(name);
    }
    eprintln!("passed on Ptu<32>: {ran:?}");
    // Most scenarios spell 64-bit values and say `requires xlen = 64`;
    // those without it run here, with the 32-bit one.
    assert!(ran.iter().any(|n| n == "nmi-frame-32.scn"), "{ran:?}");
    assert!(ran.len() >= 3, "{ran:?}");
}
