//! The external tools and the files they read and write, shared by every
//! crate that runs a tool (`ptu-synth`, `ptu-formal`, `ptu-testbenches`,
//! `ptu-emit`'s equivalence check) without pulling in rust-hdl or the
//! reference model.
//!
//! - [`run`]: find a tool on `PATH`, run it with its output in a log, and
//!   say how to install it when it is missing (`./setup.sh`).
//! - [`build_cache`]: slow builds kept in one folder per hash of their
//!   inputs, built once across threads and processes.
//! - [`files`]: write an output through a temporary file and a rename.
//! - `fixtures`: the small designs the tool checks are tested on.
//! - [`lint`]: Verilator's lint of a Verilog file, read into warnings.
//! - [`progress`]: percent and time left of a long run, on a terminal only.
//! - [`verilog`]: small pieces of Verilog text that generated harnesses
//!   share.

pub mod build_cache;
pub mod files;
#[doc(hidden)]
pub mod fixtures;
pub mod hash;
pub mod lint;
pub mod progress;
pub mod run;
pub mod verilog;

pub use files::{partial_path, wave_command, write_atomic};
pub use hash::Fnv;

/// An error that means "a check failed" (a simulation differs from the
/// reference model, a property is not proven, timing is not met), as
/// opposed to bad input or a missing tool: `ptu` exits with 1 for it and
/// with 2 for every other error.
#[derive(Debug)]
pub struct CheckFailed(pub String);

impl std::fmt::Display for CheckFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CheckFailed {}

/// `Err(CheckFailed(..))`, like `bail!` with a format string.
#[macro_export]
macro_rules! check_failed {
    ($($t:tt)*) => {
        return Err($crate::CheckFailed(format!($($t)*)).into())
    };
}
pub use run::{debian_package, find_tool, install_hint, run, run_ok, run_watched, Run, TOOLS};
