//! `ptu sim --model-only --preset NAME`: the scenarios on the reference
//! model of any configuration, each PASS, FAIL or SKIP with its reason;
//! `ptu sim` on the RTL refuses a configuration that is not generated yet
//! with one line.

mod common;

use common::ptu;
use std::process::Output;

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn model_only_runs_what_fits_and_says_why_it_skips_the_rest() {
    let o = ptu(&["sim", "--model-only", "--preset", "ice40-small-32"]);
    assert!(o.status.success(), "{}{}", out(&o), err(&o));
    let text = out(&o);
    assert!(text.contains("PASS nmi-frame-32"), "{text}");
    assert!(text.contains("PASS page-fault"), "{text}");
    assert!(
        text.contains(
            "SKIP irq-entry            model      testbenches/scenarios/options/irq-entry.scn:5: \
             needs xlen = 64 (`requires xlen = 64, irq_entry`), but configuration \
             ice40-small-32 has xlen = 32"
        ),
        "{text}"
    );
    // Every scenario is either run or skipped with a reason: none is
    // silently left out.
    let lines: Vec<_> = text
        .lines()
        .filter(|l| l.starts_with("PASS") || l.starts_with("SKIP") || l.starts_with("FAIL"))
        .collect();
    let skips = lines.iter().filter(|l| l.starts_with("SKIP")).count();
    assert!(lines
        .iter()
        .all(|l| !l.starts_with("SKIP") || l.contains("needs")));
    let last = text.lines().last().unwrap();
    assert_eq!(
        last,
        format!(
            "scenarios on the model of ice40-small-32 (xlen=32 reset_rip=0x0 irq_entry=false \
             fs_bank=false): {} passed, 0 failed, {skips} skipped",
            lines.len() - skips
        )
    );

    let o = ptu(&["sim", "--model-only", "--preset", "x86_64-full", "--json"]);
    assert!(o.status.success(), "{}", err(&o));
    let doc: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(doc["failed"], 0);
    let names = |pass: serde_json::Value| -> Vec<String> {
        doc["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["pass"] == pass)
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    };
    let passed = names(serde_json::Value::Bool(true));
    for n in [
        "irq-entry",
        "irq-double-fault",
        "fs-bank",
        "syscall-roundtrip",
    ] {
        assert!(passed.iter().any(|p| p == n), "{n}: {passed:?}");
    }
    assert_eq!(
        names(serde_json::Value::Null),
        vec!["interrupts", "nmi-frame-32"]
    );
    assert_eq!(doc["skipped"], 2);
}

#[test]
fn the_rtl_runs_every_preset_and_skips_what_does_not_fit() {
    // The 32-bit unit runs on the RTL; a scenario written for the 64-bit
    // frame is skipped with its reason.
    let o = ptu(&[
        "sim",
        "--preset",
        "ice40-small-32",
        "page-fault",
        "nested-fault",
    ]);
    assert!(o.status.success(), "{}{}", out(&o), err(&o));
    assert!(
        out(&o).contains("configuration ice40-small-32): 1 passed, 0 failed, 1 skipped"),
        "{}",
        out(&o)
    );
    // The options are generated: their scenarios run on the RTL.
    let o = ptu(&[
        "sim",
        "--preset",
        "x86_64-full",
        "irq-entry",
        "irq-double-fault",
        "fs-bank",
    ]);
    assert!(o.status.success(), "{}{}", out(&o), err(&o));
    assert!(
        out(&o).contains("configuration x86_64-full): 3 passed, 0 failed"),
        "{}",
        out(&o)
    );
    let o = ptu(&["sim", "--model-only", "--random"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--random does not go with --model-only"));
    // An option scenario named on the RTL is skipped with its reason.
    let o = ptu(&["sim", "fs-bank"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("needs fs_bank = true (`requires fs_bank`), but configuration x86_64-default has fs_bank = false"),
        "{}",
        out(&o)
    );
    assert!(out(&o).contains("0 passed, 0 failed, 1 skipped"));
}
