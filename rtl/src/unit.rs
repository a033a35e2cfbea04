//! The unit for a configuration, whichever top it needs: [`build`] picks
//! [`Ptu`] or [`PtuFs`] (docs/spec.md §14: option `fs_bank` adds ports, so
//! it has its own top) and elaborates it; [`Unit`] is what a simulator
//! needs of either (SPEC's ports as `ptu_arch`'s `Inputs` and `Outputs`).

use crate::ptu::{Ptu, PtuFs};
pub use crate::top::{Mutant, Unit};
use anyhow::{anyhow, Result};
use ptu_arch::PtuConfig;
use rust_hdl::prelude::*;

/// The unit for `cfg` ([`Ptu`], or [`PtuFs`] with `fs_bank`, of `cfg`'s
/// width), connected and checked by rust-hdl, with `mutant` if given.
pub fn build(cfg: &PtuConfig, mutant: Option<Mutant>) -> Result<Box<dyn Unit>> {
    let mut uut: Box<dyn Unit> = match (cfg.xlen, cfg.fs_bank) {
        (32, false) => top(Ptu::<32>::with_mutant(cfg, mutant)?),
        (32, true) => top(PtuFs::<32>::with_mutant(cfg, mutant)?),
        // Any other width is refused by `with_mutant`.
        (_, false) => top(Ptu::<64>::with_mutant(cfg, mutant)?),
        (_, true) => top(PtuFs::<64>::with_mutant(cfg, mutant)?),
    };
    check_all(uut.block()).map_err(|e| anyhow!("rust-hdl design check failed: {e:?}"))?;
    uut.set_clock(false);
    Ok(uut)
}

/// A top, connected, behind [`Unit`].
fn top<U: Unit + Block + 'static>(mut u: U) -> Box<dyn Unit> {
    u.connect_all();
    Box::new(u)
}
