//! The ptu hardware, described in rust-hdl.
//!
//! One file per block: [`rename_bank`], [`entry_unit`], [`return_path`],
//! [`frame_sequencer`], [`csr_file`], and the top [`ptu`]. Architectural
//! encodings come from `ptu_arch`; cycle-level choices are documented in
//! `docs/spec-notes.md`.

pub mod csr_file;
pub mod emit;
pub mod entry_unit;
pub mod frame_sequencer;
pub mod primitives;
pub mod ptu;
pub mod rename_bank;
pub mod return_path;
pub mod split_blocks;
pub mod verilog;
pub mod write_once;

pub use ptu::Ptu;
