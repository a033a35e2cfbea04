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
    refused(
        &["sim", "--sim", "icarus", "--preset", "x86_64-fs-bank", "fs-bank"],
        "error: configuration x86_64-fs-bank has fs_bank = true, whose ports fs_we, fs_wdata and fs_base the icarus harness does not drive yet: use --sim rust-hdl",
    );
    refused(
        &["bench", "sim", "--preset", "x86_64-full"],
        "error: configuration x86_64-full has fs_bank = true, whose ports fs_we, fs_wdata and fs_base the simulators' harnesses do not drive yet: use a configuration with fs_bank = false",
    );
    refused(
        &["prove", "--preset", "x86_64-irq-entry"],
        "error: configuration x86_64-irq-entry has irq_entry = true, but the properties P1-P10 are written for the unit without options: use a configuration with irq_entry = false and fs_bank = false",
    );
    // The board demo follows both options (demo/tests/board_demo_options.rs):
    // `ptu build` takes them and goes on to its next check.
    refused(
        &["build", "--preset", "x86_64-full", "--corrupt", "zz"],
        "error: --corrupt zz: write STEP:PORT, e.g. 0x21:rip (steps as in demo_steps.txt)",
    );
}
