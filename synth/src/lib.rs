//! The open-tool flow: find the external tools, run them with their output
//! in a log, and turn what they report into results or clear errors.
//!
//! The tools themselves are found and run by `ptu-tools`.
//! - [`lint`]: Verilator `--lint-only -Wall`, Icarus `-g2005`, and Yosys
//!   `synth_ice40` with its cell counts.
//! - [`boards`], [`flow`], [`report`], [`program`]: `ptu build` and
//!   `ptu program` for the iCEBreaker, Alchitry Cu and ULX3S.
//! - [`demo`], [`demo_sim`]: the board demo's sequence, made with the
//!   reference model, and the simulation of the whole demo top with its
//!   UART decoded.
//! - [`bench`]: `ptu bench synth`, the unit alone on three parts.
//! - [`cli`]: the arguments of those subcommands.

pub mod bench;
pub mod boards;
pub mod cli;
pub mod demo;
pub mod demo_sim;
pub mod flow;
pub mod lint;
pub mod program;
pub mod report;
