//! The open-tool flow: find the external tools, run them with their output
//! in a log, and turn what they report into results or clear errors. It
//! knows boards and designs, and no design in particular.
//!
//! The tools themselves are found and run by `ptu-tools`.
//! - [`lint`]: Verilator `--lint-only -Wall`, Icarus `-g2005`, and Yosys
//!   `synth_ice40` with its cell counts.
//! - [`boards`]: the iCEBreaker, Alchitry Cu and ULX3S as data (part,
//!   clock, PLL, named LEDs, buttons and UART pins, programmer).
//! - [`design`]: what the flow takes (Verilog, top, clock, ports on board
//!   resources) and the pin file written from a design and a board.
//! - [`flow`], [`report`], [`program`]: `ptu build` and `ptu program` for
//!   any design on any of the boards.
//! - [`bench`](mod@bench): `ptu bench synth`, the unit alone on three parts, and its
//!   arguments.

pub mod bench;
pub mod boards;
pub mod design;
pub mod flow;
pub mod lint;
pub mod program;
pub mod report;
