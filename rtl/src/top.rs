//! What every top of the unit offers ([`Unit`], as a simulator drives
//! it) and the deliberate errors a top can be built with ([`Mutant`]).
//! Kept apart from [`crate::unit`], which builds the tops, so that the
//! tops need nothing from their builder.

use ptu_arch::{Inputs, Outputs};
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
