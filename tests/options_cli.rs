//! The commands with the option presets: what runs (rust-hdl with both
//! options; Verilator's random run with `irq_entry`, against the model and
//! random core of that configuration) and what is refused with one line
//! because its harness or properties are the unit's without the option.

mod common;

use common::ptu;
use std::process::Output;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `ptu ARGS` exits 2 with exactly `line` on stderr and nothing on stdout.
fn refused(args: &[&str], line: &str) {
    let o = ptu(args);
    assert_eq!(o.status.code(), Some(2), "ptu {args:?}: {}", stderr(&o));
    assert_eq!(stderr(&o), format!("{line}\n"), "ptu {args:?}");
    assert_eq!(stdout(&o), "", "ptu {args:?}");
}

#[test]
fn random_runs_follow_the_options() {
    for args in [
        &[
            "sim",
            "--random",
            "--preset",
            "x86_64-full",
            "--cycles",
            "20000",
        ][..],
        &[
            "sim",
            "--sim",
            "verilator",
            "--random",
            "--preset",
            "x86_64-irq-entry",
            "--cycles",
            "100000",
        ][..],
    ] {
        let o = ptu(args);
        assert!(o.status.success(), "ptu {args:?}: {}", stderr(&o));
        let n = args[args.len() - 1];
        assert!(
            stdout(&o).contains(&format!("{n} cycles match the model")),
            "ptu {args:?}: {}",
            stdout(&o)
        );
    }
}

#[test]
fn every_command_follows_the_options() {
    // The simulators' harnesses and the proofs follow the options
    // (tests/presets.rs, formal/tests/prove_presets.rs); and so does the board demo
    // (demo/tests/board_demo_options.rs): `ptu build` takes them and goes
    // on to its next check.
    refused(
        &["build", "--preset", "x86_64-full", "--corrupt", "zz"],
        "error: --corrupt zz: write STEP:PORT, e.g. 0x21:rip (steps as in demo_steps.txt)",
    );
}
