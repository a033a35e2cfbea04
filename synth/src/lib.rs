//! The open-tool flow: find the external tools, run them with their output
//! in a log, and turn what they report into results or clear errors.
//!
//! - [`tools`]: find a tool on `PATH`, run it, and say how to install it
//!   when it is missing (`./setup.sh`).
//! - [`lint`]: Verilator `--lint-only -Wall`, Icarus `-g2005`, and Yosys
//!   `synth_ice40` with its cell counts.

pub mod lint;
pub mod tools;
