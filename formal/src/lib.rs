//! `ptu prove`: machine-checked isolation properties of the emitted
//! `ptu.v`, with open tools (Yosys 0.23, ABC's PDR, yosys-smtbmc + z3).
//!
//! - [`wrapper`]: the property wrapper `ptu_formal.v` around the emitted
//!   `ptu` (generated ports and constants; the properties themselves are
//!   `properties.v`), and how it observes the architectural state.
//! - [`properties`]: the properties in plain words, and the engines that
//!   prove each one.
//! - [`engines`]: building the AIGER and SMT2 models with Yosys, ABC's
//!   `pdr`, yosys-smtbmc k-induction and BMC, counterexample VCDs.
//! - [`mutants`]: one-line mutants of the emitted Verilog, each breaking a
//!   property, so a proof that passes is known not to be vacuous.
//! - [`prove`]: all of it for one design, several properties at a time.
//! - [`cli`]: the `ptu prove` subcommand.

pub mod cli;
pub mod engines;
pub mod mutants;
pub mod properties;
pub mod prove;
pub mod wrapper;

pub use prove::{prove, Options, Report, Verdict};
