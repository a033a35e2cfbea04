//! The ptu hardware, described in rust-hdl.
//!
//! One file per block: [`rename_bank`], [`entry_unit`], [`return_path`],
//! [`frame_sequencer`], [`csr_file`], [`fs_bank`] (option `fs_bank`), and
//! the tops in [`ptu`]; [`unit`] picks the top for a configuration. Architectural
//! encodings come from `ptu_arch`; cycle-level choices are documented in
//! `docs/spec-notes.md`. [`verilog`] emits the unit as Verilog through the
//! `ptu-emit` crate (`emit/`), which also proves the emitted file
//! equivalent to rust-hdl's own text.

pub mod csr_file;
pub mod entry_unit;
pub mod frame_sequencer;
pub mod fs_bank;
pub mod primitives;
pub mod ptu;
pub mod rename_bank;
pub mod return_path;
pub mod unit;
pub mod verilog;

pub use ptu::{Ptu, PtuFs};
pub use unit::{Mutant, Unit};
