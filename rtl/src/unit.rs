//! The unit for a configuration, whichever top it needs: [`build`] picks
//! [`Ptu`] or [`PtuFs`] (docs/spec.md §14: option `fs_bank` adds ports, so
//! it has its own top) and elaborates it; [`Unit`] is what a simulator
//! needs of either (SPEC's ports as `ptu_arch`'s `Inputs` and `Outputs`).

use crate::ptu::{Ptu, PtuFs};
use anyhow::{anyhow, Result};
use ptu_arch::{Inputs, Outputs, PtuConfig};
use rust_hdl::prelude::*;

/// A deliberate error in the RTL, one per option, so that tests can show
/// that their checks catch it. `None` in every real use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutant {
    /// Option `irq_entry`: ENTRY_IRQ is kept and read, but interrupts
    /// still enter at ENTRY (the entry unit is built without the option).
    IrqEntryIgnored,
    /// Option `fs_bank`: one FS base for both levels (the FS bank ignores
    /// the level; UFS still reads and writes the user copy).
    FsNotBanked,
}

/// A top of the unit, elaborated, as a simulator drives it.
pub trait Unit {
    /// Present the inputs (`fs_we`/`fs_wdata` only where the top has them).
    fn set_inputs(&mut self, inp: &Inputs);
    /// Drive the clock.
    fn set_clock(&mut self, high: bool);
    /// Every output port (`fs_base` 0 where the top has none).
    fn outputs(&self) -> Outputs;
    /// Let the logic settle (rust-hdl's `simulate`); false if it does not
    /// within `max_iters` iterations.
    fn settle(&mut self, max_iters: usize) -> bool;
    /// The block, for rust-hdl's checks and VCD probes.
    fn block(&self) -> &dyn Block;
    /// rust-hdl's Verilog of the top (module `top`).
    fn verilog(&self) -> String;
}

/// The 64-bit unit for `cfg` ([`Ptu`], or [`PtuFs`] with `fs_bank`),
/// connected and checked by rust-hdl, with `mutant` if given.
pub fn build(cfg: &PtuConfig, mutant: Option<Mutant>) -> Result<Box<dyn Unit>> {
    let mut uut: Box<dyn Unit> = if cfg.fs_bank {
        let mut u = PtuFs::<64>::with_mutant(cfg, mutant)?;
        u.connect_all();
        Box::new(u)
    } else {
        let mut u = Ptu::<64>::with_mutant(cfg, mutant)?;
        u.connect_all();
        Box::new(u)
    };
    check_all(uut.block()).map_err(|e| anyhow!("rust-hdl design check failed: {e:?}"))?;
    uut.set_clock(false);
    Ok(uut)
}
