//! The `ptu` command line: outputs where users expect them, and one clear
//! error line (and a non-zero exit) for bad input.

use std::path::PathBuf;
mod common;

use common::ptu;
use std::process::Output;

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ptu-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn generate_writes_the_committed_verilog_and_its_waivers() {
    let out = scratch("generate");
    let o = ptu(&["generate", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = std::fs::read_to_string(out.join("ptu.v")).unwrap();
    let committed = include_str!("../rtl/generated/ptu.v");
    assert_eq!(v, committed);
    assert!(out.join("ptu.vlt").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn generate_takes_the_reset_rip_in_hex() {
    let out = scratch("reset-rip");
    let o = ptu(&[
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--reset-rip",
        "0xffff_f000",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = std::fs::read_to_string(out.join("ptu.v")).unwrap();
    assert!(v.contains("reset_rip=0xfffff000"));
}

#[test]
fn a_bad_number_is_one_clear_error() {
    let o = ptu(&["generate", "--reset-rip", "12zz"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("'12zz' is not a number: write it in decimal or as 0x hex"),
        "{e}"
    );
}

#[test]
fn an_unknown_scenario_names_the_known_ones() {
    let o = ptu(&["sim", "no-such-thing"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.contains("unknown scenario 'no-such-thing': choose one of context-switch,"),
        "{e}"
    );
}

#[test]
fn an_unwritable_output_folder_is_one_clear_error() {
    let o = ptu(&["generate", "--out", "/proc/ptu-cannot-write-here"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.starts_with("error: cannot create folder /proc/ptu-cannot-write-here"),
        "{e}"
    );
}

#[test]
fn sim_runs_scenarios_and_writes_their_waveforms() {
    let waves = scratch("waves");
    let o = ptu(&[
        "sim",
        "syscall-roundtrip",
        "--waves",
        waves.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("PASS syscall-roundtrip"), "{text}");
    assert!(
        text.contains("ERET at cycle 6: 1 cycle, no memory access, to user"),
        "{text}"
    );
    assert!(
        text.contains("SYSCALL at cycle 8: 1 cycle, no memory access, to kernel"),
        "{text}"
    );
    assert!(
        text.contains("scenarios on rust-hdl: 1 passed, 0 failed"),
        "{text}"
    );
    assert!(waves.join("syscall-roundtrip-rust-hdl.vcd").exists());
}

#[test]
fn a_bad_scenario_file_is_one_line_with_file_and_line() {
    let dir = scratch("bad-scn");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad.scn");
    std::fs::write(&f, "reset\nsyscall next=4 + eret\n").unwrap();
    let o = ptu(&["sim", f.to_str().unwrap()]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.contains("bad.scn:2: two instructions in one cycle (syscall + eret)"),
        "{e}"
    );
}

#[test]
fn random_run_reports_its_seed_and_cycles() {
    let o = ptu(&["sim", "--random", "--seed", "7", "--cycles", "20000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("PASS random seed 7: 20000 cycles match the model"),
        "{text}"
    );
}

#[test]
fn help_lists_the_commands() {
    let o = ptu(&["--help"]);
    let text = String::from_utf8_lossy(&o.stdout);
    for cmd in ["generate", "sim", "run"] {
        assert!(text.contains(cmd), "{text}");
    }
}

#[test]
fn build_and_program_name_what_is_wrong() {
    let o = ptu(&["build", "--board", "basys3"]);
    assert!(!o.status.success());
    assert_eq!(
        stderr(&o),
        "error: unknown board `basys3`: choose one of icebreaker, alchitry-cu, ulx3s\n"
    );
    let o = ptu(&["build", "--corrupt", "rip"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).starts_with("error: --corrupt rip: write STEP:PORT"),
        "{}",
        stderr(&o)
    );
    let o = ptu(&[
        "program",
        "--board",
        "ulx3s",
        "--bitstream",
        "/nonexistent/ptu_demo.bit",
    ]);
    assert!(!o.status.success());
    assert_eq!(
        stderr(&o),
        "error: no bitstream at /nonexistent/ptu_demo.bit: run `ptu build --board ulx3s` first\n"
    );
}

/// One line on stderr, a failure exit, and the line contains `want`.
fn refused(args: &[&str], want: &str) -> Output {
    let o = ptu(args);
    assert!(!o.status.success(), "{args:?} succeeded");
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{args:?}: {e}");
    assert!(e.contains(want), "{args:?}: {e}");
    o
}

#[test]
fn a_random_run_of_zero_or_negative_cycles_is_refused() {
    refused(
        &["sim", "--random", "--cycles", "0"],
        "a run needs at least 1 cycle",
    );
    let o = refused(&["sim", "--random", "--cycles", "-5"], "'-5' is negative");
    assert!(!stderr(&o).contains("-- -5"), "{}", stderr(&o));
    refused(&["run", "--cycles", "0"], "a run needs at least 1 cycle");
}

#[test]
fn random_only_flags_with_scenarios_are_refused() {
    for (flag, value) in [
        ("--cycles", "10"),
        ("--seed", "3"),
        ("--vcd", "x.vcd"),
        ("--max-wait", "0"),
        ("--bus-errors", "0"),
    ] {
        refused(
            &["sim", "syscall-roundtrip", flag, value],
            &format!("{flag} is for random runs and would be ignored with scenarios: add --random"),
        );
    }
    refused(
        &["sim", "--random", "--verilog", "x.v"],
        "--verilog needs an external simulator: add --sim icarus, verilator or post-synth",
    );
    refused(
        &["sim", "--random", "--waves", "w"],
        "--waves is for scenarios: a random run writes its waveform with --vcd FILE",
    );
}

#[test]
fn a_folder_given_as_a_scenario_says_it_is_a_folder() {
    refused(
        &["sim", "testbenches/scenarios"],
        "'testbenches/scenarios' is a folder, not a scenario: run every scenario in it with --dir testbenches/scenarios",
    );
}

#[test]
fn a_65_bit_number_is_too_large_not_a_non_number() {
    let dir = scratch("65-bit");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("big.scn");
    std::fs::write(&f, "reset\nretire next=0x1_0000_0000_0000_0000\n").unwrap();
    refused(
        &["sim", f.to_str().unwrap()],
        "big.scn:2: '0x1_0000_0000_0000_0000' is too large for 64 bits",
    );
    refused(
        &["generate", "--reset-rip", "18446744073709551616"],
        "'18446744073709551616' is too large for 64 bits",
    );
}

#[test]
fn a_picture_into_a_new_folder_says_it_created_it() {
    let dir = scratch("svg-folder");
    let waves = dir.join("waves");
    let o = ptu(&[
        "sim",
        "syscall-roundtrip",
        "--waves",
        waves.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let vcd = waves.join("syscall-roundtrip-rust-hdl.vcd");
    let svg = dir.join("new").join("p.svg");
    let o = ptu(&[
        "wave",
        vcd.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(&format!(
            "; created the folder {}",
            dir.join("new").display()
        )),
        "{text}"
    );
    assert!(svg.exists());
}

/// The committed `ptu.v` with an unused signal (Verilator's UNUSEDSIGNAL)
/// and an `always @*` that reads nothing (Icarus's "@* found no
/// sensitivities") in module `ptu`: lint warnings, same behaviour.
fn verilog_with_lint_warnings(dir: &std::path::Path) -> PathBuf {
    let good = include_str!("../rtl/generated/ptu.v");
    let top = good.find("\nmodule ptu(").expect("module ptu");
    let end = top + good[top..].find("endmodule").unwrap();
    let text = format!(
        "{}    reg extra_unused;\n    always @* extra_unused = 1'b0;\n    wire [7:0] extra_low = next_rip[7:0];\n{}",
        &good[..end],
        &good[end..]
    );
    std::fs::create_dir_all(dir).unwrap();
    let f = dir.join("ptu.v");
    std::fs::write(&f, text).unwrap();
    f
}

#[test]
fn verilog_with_lint_warnings_is_simulated_unless_strict() {
    let dir = scratch("lint-warnings");
    let v = verilog_with_lint_warnings(&dir);
    let waves = dir.join("waves");
    for (sim, warning) in [
        ("icarus", "@* found no sensitivities"),
        ("verilator", "%Warning-UNUSEDSIGNAL"),
    ] {
        let args = [
            "sim",
            "--sim",
            sim,
            "--verilog",
            v.to_str().unwrap(),
            "syscall-roundtrip",
            "--waves",
            waves.to_str().unwrap(),
        ];
        let o = ptu(&args);
        let e = stderr(&o);
        assert!(o.status.success(), "{sim}: {e}");
        assert!(
            e.contains("1 lint warning in the Verilog, simulated anyway"),
            "{sim}: {e}"
        );
        assert!(e.contains(warning), "{sim}: {e}");
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            text.contains(&format!("scenarios on {sim}: 1 passed, 0 failed")),
            "{text}"
        );
        let mut strict = args.to_vec();
        strict.push("--strict");
        let o = ptu(&strict);
        let e = stderr(&o);
        assert!(!o.status.success(), "{sim}: --strict passed");
        assert!(
            e.starts_with("error: 1 lint warning in the Verilog (")
                && e.contains("drop --strict to simulate anyway"),
            "{sim}: {e}"
        );
        assert!(e.contains(warning), "{sim}: {e}");
    }
}

#[test]
fn a_cached_testbench_says_cached_not_building() {
    let waves = scratch("cached");
    let args = [
        "sim",
        "--sim",
        "icarus",
        "syscall-roundtrip",
        "--waves",
        waves.to_str().unwrap(),
    ];
    let first = ptu(&args);
    assert!(first.status.success(), "{}", stderr(&first));
    let o = ptu(&args);
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(e.contains("cached: icarus testbench in "), "{e}");
    assert!(!e.contains("building"), "{e}");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("PASS syscall-roundtrip    icarus       14 cycles"),
        "{text}"
    );
}

#[test]
fn transitions_use_proper_plurals() {
    let waves = scratch("plurals");
    let o = ptu(&["sim", "nested-fault", "--waves", waves.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(!text.contains("(s)") && !text.contains("(es)"), "{text}");
    assert!(
        text.contains("#UD at cycle 7: 6 cycles, 5 memory accesses, to kernel"),
        "{text}"
    );
}

/// The `look: ptu wave ...` command a FAIL printed, as arguments.
fn look_command(stdout: &str) -> Vec<String> {
    let line = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("look: ptu "))
        .unwrap_or_else(|| panic!("no look: line in\n{stdout}"));
    let cmd = line.split("   (a picture: ").next().unwrap();
    cmd.split_whitespace().map(str::to_string).collect()
}

#[test]
fn a_failing_scenario_prints_its_waveform_and_the_command_to_look() {
    let dir = scratch("fail-look");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad.scn");
    std::fs::write(
        &f,
        "reset\ncsr write ENTRY = 0xffff800000001000\nsyscall next=0x10\nexpect cpl=user\n",
    )
    .unwrap();
    let waves = dir.join("waves");
    for sim in ["rust-hdl", "icarus"] {
        let o = ptu(&[
            "sim",
            "--sim",
            sim,
            f.to_str().unwrap(),
            "--waves",
            waves.to_str().unwrap(),
        ]);
        assert!(!o.status.success());
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        let vcd = waves.join(format!("bad-{sim}.vcd"));
        assert!(
            text.contains(&format!(
                "look: ptu wave {} --from 0 --to 8   (a picture: ",
                vcd.display()
            )),
            "{sim}: {text}"
        );
        assert!(text.contains("--svg "), "{text}");
        let args = look_command(&text);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = ptu(&args);
        assert!(o.status.success(), "{sim}: {args:?}: {}", stderr(&o));
        assert!(String::from_utf8_lossy(&o.stdout).contains("cycle"));
    }
}

#[test]
fn a_failing_random_run_on_icarus_says_how_to_look_and_to_replay_on_rust_hdl() {
    let dir = scratch("random-fail");
    std::fs::create_dir_all(&dir).unwrap();
    let bad =
        ptu_testbenches::mutants::gs_not_banked(include_str!("../rtl/generated/ptu.v")).unwrap();
    let v = dir.join("bad.v");
    std::fs::write(&v, bad).unwrap();
    let vcd = dir.join("r.vcd");
    let o = ptu(&[
        "sim",
        "--random",
        "--sim",
        "icarus",
        "--verilog",
        v.to_str().unwrap(),
        "--seed",
        "3",
        "--cycles",
        "3000",
        "--vcd",
        vcd.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(text.contains("FAIL random seed 3 on icarus"), "{text}");
    assert!(
        text.contains(&format!("look: ptu wave {} --from ", vcd.display())),
        "{text}"
    );
    assert!(
        text.contains("rust-hdl, which shrinks failures, runs the built-in unit, not --verilog"),
        "{text}"
    );
    assert!(
        text.contains("ptu sim --random --seed 3 --cycles "),
        "{text}"
    );
    let args = look_command(&text);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = ptu(&args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
}

#[test]
fn exit_status_is_1_for_a_failed_check_and_2_for_bad_input_or_a_missing_tool() {
    let o = ptu(&["--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(help.contains("Exit status:"), "{help}");
    assert!(help.contains("1  a check failed"), "{help}");
    assert!(help.contains("2  bad input or a missing tool"), "{help}");
    // A check failed: a scenario whose expectation the design does not meet.
    let dir = scratch("exit");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad.scn");
    std::fs::write(&f, "reset\nsyscall next=0x10\nexpect cpl=user\n").unwrap();
    let waves = dir.join("w");
    let o = ptu(&[
        "sim",
        f.to_str().unwrap(),
        "--waves",
        waves.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Bad input, from clap, from a value parser and from ptu itself.
    for args in [
        &["sim", "--no-such-flag"][..],
        &["sim", "--random", "--cycles", "0"],
        &["sim", "no-such-scenario"],
        &["sim", "syscall-roundtrip", "--seed", "3"],
    ] {
        let o = ptu(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    // A missing tool.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ptu"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PATH", "/nonexistent")
        .args(["sim", "--sim", "icarus", "syscall-roundtrip", "--waves"])
        .arg(&waves)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("iverilog"), "{}", stderr(&o));
}

#[test]
fn a_property_that_is_not_proven_exits_with_1() {
    let dir = scratch("prove-exit");
    let o = ptu(&[
        "prove",
        "--mutant",
        "critical-entry-at-entry",
        "--out",
        dir.join("work").to_str().unwrap(),
        "--waves",
        dir.join("waves").to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{text}{}", stderr(&o));
    assert!(text.contains("look: ptu wave "), "{text}");
}

#[test]
fn sim_json_is_one_document_of_the_documented_shape() {
    let o = ptu(&["sim", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(
        help.contains("With --json, stdout is one JSON document"),
        "{help}"
    );
    let dir = scratch("json");
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.scn");
    std::fs::write(&bad, "reset\nsyscall next=0x10\nexpect cpl=user\n").unwrap();
    let waves = dir.join("w");
    let o = ptu(&[
        "sim",
        "syscall-roundtrip",
        bad.to_str().unwrap(),
        "--json",
        "--waves",
        waves.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    assert_eq!(doc["simulator"], "rust-hdl");
    assert_eq!(doc["passed"], 1);
    assert_eq!(doc["failed"], 1);
    let s = &doc["scenarios"];
    assert_eq!(s[0]["name"], "syscall-roundtrip");
    assert_eq!(s[0]["simulator"], "rust-hdl");
    assert_eq!(s[0]["pass"], true);
    assert_eq!(s[0]["cycles"], 14);
    assert_eq!(s[0]["error"], serde_json::Value::Null);
    let t = &s[0]["transitions"][1];
    assert_eq!(t["what"], "SYSCALL");
    assert_eq!(t["cycle"], 8);
    assert_eq!(t["cycles"], 1);
    assert_eq!(t["accesses"], 0);
    assert_eq!(t["to"], "kernel");
    let vcd = s[0]["vcd"].as_str().unwrap();
    assert!(std::path::Path::new(vcd).is_file(), "{vcd}");
    assert_eq!(s[1]["name"], "bad");
    assert_eq!(s[1]["pass"], false);
    assert!(
        s[1]["error"].as_str().unwrap().contains("bad.scn:3"),
        "{doc}"
    );
}

#[test]
fn quiet_prints_only_failures() {
    let dir = scratch("quiet");
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.scn");
    std::fs::write(&bad, "reset\nsyscall next=0x10\nexpect cpl=user\n").unwrap();
    let waves = dir.join("w");
    let o = ptu(&[
        "sim",
        "syscall-roundtrip",
        "--quiet",
        "--waves",
        waves.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(!text.contains("PASS") && !text.contains("ERET"), "{text}");
    let o = ptu(&[
        "sim",
        "syscall-roundtrip",
        bad.to_str().unwrap(),
        "--quiet",
        "--waves",
        waves.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("FAIL bad"), "{text}");
    assert!(!text.contains("PASS"), "{text}");
}

#[test]
fn every_subcommand_help_has_examples_and_board_lists_its_values() {
    for cmd in [
        "generate", "sim", "run", "wave", "build", "program", "bench", "prove",
    ] {
        let o = ptu(&[cmd, "--help"]);
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{cmd}");
        assert!(text.contains("Examples:\n  ptu "), "{cmd}: {text}");
    }
    for (cmd, json) in [("synth", true), ("sim", true)] {
        let o = ptu(&["bench", cmd, "--help"]);
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "bench {cmd}");
        assert!(
            text.contains(&format!("Examples:\n  ptu bench {cmd} ")),
            "bench {cmd}: {text}"
        );
        // Where the results go, and how to refresh the committed ones.
        assert!(text.contains("build/bench/"), "bench {cmd}: {text}");
        assert!(text.contains("on purpose"), "bench {cmd}: {text}");
        assert_eq!(text.contains("--json"), json, "bench {cmd}: {text}");
    }
    for cmd in ["build", "program"] {
        let o = ptu(&[cmd, "--help"]);
        let text = String::from_utf8_lossy(&o.stdout);
        for board in ["icebreaker", "alchitry-cu", "ulx3s"] {
            assert!(text.contains(&format!("- {board}:")), "{cmd}: {text}");
        }
    }
}

/// `ptu ARGS` in a pseudo-terminal (util-linux `script`), with `env` set.
fn ptu_in_a_terminal(args: &str, env: &[(&str, &str)]) -> String {
    let cmd = format!("{} {args}", env!("CARGO_BIN_EXE_ptu"));
    let mut c = std::process::Command::new("script");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["-qec", &cmd, "/dev/null"])
        .env_remove("NO_COLOR");
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c
        .output()
        .expect("script (util-linux) runs ptu in a terminal");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn pass_is_coloured_only_in_a_terminal_without_no_color() {
    let waves = scratch("colour");
    let args = format!("sim syscall-roundtrip --waves {}", waves.display());
    let tty = ptu_in_a_terminal(&args, &[]);
    assert!(
        tty.contains("\x1b[1;32mPASS\x1b[0m syscall-roundtrip"),
        "{tty:?}"
    );
    let no_color = ptu_in_a_terminal(&args, &[("NO_COLOR", "1")]);
    assert!(no_color.contains("PASS syscall-roundtrip"), "{no_color:?}");
    assert!(!no_color.contains('\x1b'), "{no_color:?}");
    let o = ptu(&[
        "sim",
        "syscall-roundtrip",
        "--waves",
        waves.to_str().unwrap(),
    ]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains('\x1b'));
}

#[test]
fn a_simulator_that_cannot_run_is_exit_2_not_a_fail() {
    // iverilog is there (the build is cached or made), vvp is not.
    let dir = scratch("no-vvp");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let iverilog = std::process::Command::new("sh")
        .args(["-c", "command -v iverilog"])
        .output()
        .unwrap();
    let iverilog = String::from_utf8_lossy(&iverilog.stdout).trim().to_string();
    std::os::unix::fs::symlink(&iverilog, bin.join("iverilog")).unwrap();
    let waves = dir.join("w");
    let first = ptu(&[
        "sim",
        "--sim",
        "icarus",
        "syscall-roundtrip",
        "--waves",
        waves.to_str().unwrap(),
    ]);
    assert!(first.status.success(), "{}", stderr(&first));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ptu"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PATH", &bin)
        .args(["sim", "--sim", "icarus", "syscall-roundtrip", "--waves"])
        .arg(&waves)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{text}{}", stderr(&o));
    assert!(!text.contains("FAIL"), "{text}");
    assert!(stderr(&o).contains("vvp"), "{}", stderr(&o));
}
