//! The external tools and the files they read and write, shared by every
//! crate that runs a tool (`ptu-synth`, `ptu-formal`, `ptu-testbenches`,
//! `ptu-emit`'s equivalence check) without pulling in rust-hdl or the
//! reference model.
//!
//! - [`run`]: find a tool on `PATH`, run it with its output in a log, and
//!   say how to install it when it is missing (`./setup.sh`).
//! - [`files`]: write an output through a temporary file and a rename.
//! - [`verilog`]: small pieces of Verilog text that generated harnesses
//!   share.

pub mod files;
pub mod run;
pub mod verilog;

pub use files::{wave_command, write_atomic};
pub use run::{debian_package, find_tool, install_hint, run, run_ok, run_watched, Run, TOOLS};
