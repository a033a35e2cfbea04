//! Seeded random runs: the rust-hdl design against the reference model,
//! every output compared in every cycle.

use ptu_arch::PtuConfig;
use ptu_sim::bus::{Memory, Wait};
use ptu_sim::lockstep;
use ptu_sim::stimulus::{RandomCore, RandomCoreConfig};

fn run(seed: u64, cycles: u64, wait: Wait, error_prob: f64, reset_prob: f64) -> lockstep::Report {
    let cfg = PtuConfig::default();
    let mut core = RandomCore::with_config(
        seed,
        RandomCoreConfig {
            reset_prob,
            shutdown_reset_prob: 0.05,
            ..RandomCoreConfig::default()
        },
    );
    let mut mem = Memory::new(seed ^ 0x5eed);
    mem.wait = wait;
    mem.error_prob = error_prob;
    match lockstep::run(&cfg, |_, out| core.next(out), &mut mem, cycles, None) {
        Ok(r) => r,
        Err(e) => panic!("seed {seed}: {e:#}"),
    }
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
