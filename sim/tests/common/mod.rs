//! What the seeded random lockstep tests share.

use ptu_arch::PtuConfig;
use ptu_sim::bus::{Memory, Wait};
use ptu_sim::lockstep;
use ptu_sim::stimulus::{RandomCore, RandomCoreConfig};

/// `cycles` cycles of the random core for the unit `cfg` (seed `seed`,
/// resets with probability `reset_prob`) on a memory with `wait` and bus
/// errors with probability `error_prob`: the rust-hdl design against the
/// reference model, every output compared in every cycle. A difference
/// fails the test, naming the seed.
pub fn random_run(
    cfg: &PtuConfig,
    seed: u64,
    cycles: u64,
    wait: Wait,
    error_prob: f64,
    reset_prob: f64,
) -> lockstep::Report {
    let rc = RandomCoreConfig {
        reset_prob,
        shutdown_reset_prob: 0.05,
        ..RandomCoreConfig::default()
    };
    let mut core = RandomCore::for_unit(seed, rc, cfg);
    let mut mem = Memory::new(seed ^ 0x5eed);
    mem.wait = wait;
    mem.error_prob = error_prob;
    match lockstep::run(cfg, |_, out| core.next(out), &mut mem, cycles, None) {
        Ok(r) => r,
        Err(e) => panic!("seed {seed}: {e:#}"),
    }
}
