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
fn what_cannot_follow_an_option_refuses_it_in_one_line() {
    // The simulators' harnesses and the proofs follow the options
    // (tests/presets.rs, formal/tests/prove_presets.rs); the board demo
    // does not.
    refused(
        &["build", "--preset", "x86_64-fs-bank"],
        "error: configuration x86_64-fs-bank has fs_bank = true, but the board demo's top has no FS ports: use a configuration with fs_bank = false",
    );
}
