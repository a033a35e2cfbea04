//! Helpers shared by the command-line tests.

use std::process::{Command, Output};

/// Run the `ptu` binary in the repository root.
pub fn ptu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ptu"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("cannot run ptu")
}
