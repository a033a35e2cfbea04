//! Seeded random runs: the rust-hdl design against the reference model,
//! every output compared in every cycle.

use ptu_arch::PtuConfig;
use ptu_sim::bus::Wait;
use ptu_sim::lockstep;

mod common;

fn run(seed: u64, cycles: u64, wait: Wait, error_prob: f64, reset_prob: f64) -> lockstep::Report {
    let cfg = PtuConfig::default();
    common::random_run(&cfg, seed, cycles, wait, error_prob, reset_prob)
}

#[test]
fn zero_wait_bus_matches_model() {
    let r = run(1, 100_000, Wait::Fixed(0), 0.0, 0.0);
    assert!(r.redirects > 100, "too few transitions: {r:?}");
    assert!(r.bus_answers > 100, "too few frames: {r:?}");
}

#[test]
fn slow_bus_with_errors_and_resets_matches_model() {
    let r = run(2, 200_000, Wait::Random { max: 3 }, 0.003, 0.0005);
    assert!(r.redirects > 100, "too few transitions: {r:?}");
    assert!(r.irq_acks > 10, "too few interrupts: {r:?}");
}
