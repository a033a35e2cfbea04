//! `--config FILE | --preset NAME` on every command that makes, simulates,
//! proves, builds or measures the unit (`ptu_arch::cli::ConfigArgs`):
//! every command takes the 32-bit preset, and a configuration a command
//! does not follow yet is one line and exit 2 with nothing written; a bad file is one line `FILE:LINE:` on every command;
//! `--preset x86_64-default` gives what no flag gives; `--help` shows the
//! two flags. Cheap runs only: no proof, no place and route.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The commands that take the configuration.
const COMMANDS: [&[&str]; 6] = [
    &["generate"],
    &["sim"],
    &["prove"],
    &["build"],
    &["bench", "synth"],
    &["bench", "sim"],
];

/// An empty folder of its own.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ptu-config-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `ptu ARGS` run in folder `cwd`.
fn ptu_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ptu"))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("cannot run ptu")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What is inside `dir`, recursively (paths relative to it).
fn contents(dir: &Path) -> Vec<PathBuf> {
    let mut v = vec![];
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            v.push(p.strip_prefix(dir).unwrap().to_path_buf());
            if p.is_dir() {
                todo.push(p);
            }
        }
    }
    v.sort();
    v
}

/// The repository's per-configuration build folders that `ptu bench synth`
/// and `ptu build` write whatever the cwd.
const BUILD_FOLDERS: [&str; 4] = [
    "synth/build/bench-ice40-small-32",
    "synth/build/bench-x86_64-full",
    "synth/build/icebreaker-ice40-small-32",
    "synth/build/icebreaker-x86_64-full",
];

/// What is in each of [`BUILD_FOLDERS`]: `None` when it does not exist,
/// else every path in it with its modification time. A user's earlier
/// benchmark or build may have left them; a refused command must leave
/// them as they were.
fn build_folders() -> Vec<Option<Vec<(PathBuf, std::time::SystemTime)>>> {
    BUILD_FOLDERS
        .iter()
        .map(|f| {
            let dir = Path::new(ROOT).join(f);
            dir.exists().then(|| {
                contents(&dir)
                    .into_iter()
                    .map(|p| {
                        let t = std::fs::metadata(dir.join(&p))
                            .and_then(|m| m.modified())
                            .unwrap();
                        (p, t)
                    })
                    .collect()
            })
        })
        .collect()
}

/// `cmd` with `extra`, run in an empty folder: exit 2, exactly one line
/// on stderr (returned), nothing on stdout, nothing written there nor in
/// the repository's per-configuration build folders.
fn refused(cmd: &[&str], extra: &[&str], name: &str) -> String {
    let cwd = scratch(name);
    let mut args = cmd.to_vec();
    args.extend_from_slice(extra);
    let before = build_folders();
    let o = ptu_in(&cwd, &args);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "ptu {args:?}: {e}");
    assert_eq!(e.lines().count(), 1, "ptu {args:?}: not one line:\n{e}");
    assert!(e.ends_with('\n'));
    assert_eq!(stdout(&o), "", "ptu {args:?} printed on stdout");
    assert_eq!(contents(&cwd), Vec::<PathBuf>::new(), "ptu {args:?} wrote");
    // Nor in the repository's folders that the configuration would name.
    assert!(
        build_folders() == before,
        "ptu {args:?} wrote in one of {BUILD_FOLDERS:?}"
    );
    let _ = std::fs::remove_dir_all(&cwd);
    e.trim_end().to_string()
}

#[test]
fn every_command_takes_the_32_bit_preset_and_a_refusal_is_one_line() {
    let small = ["--preset", "ice40-small-32"];
    // ptu generate writes its unit.
    let dir = scratch("small-generate");
    let out = dir.join("out");
    let o = ptu_in(
        &dir,
        &[&["generate", "--out", out.to_str().unwrap()][..], &small].concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v = std::fs::read_to_string(out.join("ptu.v")).unwrap();
    assert!(v.contains("ice40-small-32 (xlen=32"), "{}", &v[..400]);
    let _ = std::fs::remove_dir_all(&dir);
    // ptu sim (RTL and model) and ptu prove list what they would run.
    for cmd in [
        &["sim", "--list"][..],
        &["sim", "--model-only", "--list"],
        &["prove", "--list"],
    ] {
        let o = ptu_in(Path::new(ROOT), &[cmd, &small[..]].concat());
        assert!(o.status.success(), "ptu {cmd:?}: {}", stderr(&o));
        assert!(!stdout(&o).is_empty(), "ptu {cmd:?}");
    }
    // ptu bench synth and ptu bench sim take it and go on to their next
    // check.
    let e = refused(
        &["bench", "synth", "--parts", "nope"],
        &small,
        "small-synth",
    );
    assert!(e.contains("unknown part `nope`"), "{e}");
    let dir = scratch("small-bench-sim");
    let o = ptu_in(
        &dir,
        &[&["bench", "sim", "--ptu-v", "nope.v"][..], &small].concat(),
    );
    assert!(
        !o.status.success() && stderr(&o).contains("cannot read Verilog file nope.v"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
    // ptu build takes it (the board demo follows every configuration)
    // and goes on to its next check, before anything is written.
    let e = refused(&["build", "--corrupt", "zz"], &small, "small-build");
    assert!(e.contains("--corrupt zz: write STEP:PORT"), "{e}");
}

#[test]
fn a_bad_file_is_one_line_naming_the_file_and_the_line_on_every_command() {
    let dir = scratch("bad");
    let file = dir.join("my-soc.toml");
    let f = file.to_str().unwrap();
    std::fs::write(&file, "xlen = 64\nirq_entri = true\n").unwrap();
    let want = format!(
        "error: {f}:2: unknown key `irq_entri`: the keys are preset, name, xlen, reset_rip, \
         irq_entry, fs_bank (docs/config.md)"
    );
    for cmd in COMMANDS.iter().chain([&["sim", "--model-only"][..]].iter()) {
        assert_eq!(refused(cmd, &["--config", f], "bad-file"), want, "{cmd:?}");
    }
    std::fs::write(&file, "name = \"a\"\nxlen = 48\n").unwrap();
    for cmd in COMMANDS {
        assert_eq!(
            refused(cmd, &["--config", f], "bad-value"),
            format!("error: {f}:2: xlen = 48 is not allowed: write 32 or 64"),
            "{cmd:?}"
        );
    }
    // An unknown preset is clap's one line, on every command.
    for cmd in COMMANDS {
        let e = refused(cmd, &["--preset", "x86"], "bad-preset");
        assert!(
            e.starts_with(
                "error: invalid value 'x86' for '--preset <NAME>': no preset called `x86`"
            ),
            "{cmd:?}: {e}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_default_preset_gives_what_no_flag_gives() {
    let dir = scratch("same");
    // ptu generate: the same bytes in every file.
    let a = dir.join("none");
    let b = dir.join("preset");
    let o = ptu_in(&dir, &["generate", "--out", a.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = ptu_in(
        &dir,
        &[
            "generate",
            "--out",
            b.to_str().unwrap(),
            "--preset",
            "x86_64-default",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let files = contents(&a);
    assert_eq!(files.len(), 5, "{files:?}");
    assert_eq!(files, contents(&b));
    for f in &files {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{}",
            f.display()
        );
    }
    // ptu sim: one scenario on rust-hdl, the same JSON document.
    let scenarios = Path::new(ROOT).join("testbenches/scenarios");
    let waves = dir.join("waves");
    let sim = |extra: &[&str]| {
        let mut args = vec![
            "sim",
            "syscall-roundtrip",
            "--json",
            "--dir",
            scenarios.to_str().unwrap(),
            "--waves",
            waves.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = ptu_in(&dir, &args);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let none = sim(&[]);
    assert_eq!(none["passed"], 1, "{none}");
    assert_eq!(
        none["configuration"],
        "x86_64-default (xlen=64 reset_rip=0x0 irq_entry=false fs_bank=false)"
    );
    assert_eq!(sim(&["--preset", "x86_64-default"]), none);
    // The other commands go on to their next check with the default
    // preset exactly as without it (the same one line): the configuration
    // was taken.
    for (cmd, bad) in [
        (&["prove", "P99"][..], "no property called `P99`"),
        (&["build", "--corrupt", "zz"], ""),
        (
            &["bench", "synth", "--parts", "nope"],
            "unknown part `nope`",
        ),
        (
            &["bench", "sim", "--bus-errors", "2"],
            "is not a probability",
        ),
    ] {
        let plain = refused(cmd, &[], "next");
        assert!(plain.contains(bad), "{cmd:?}: {plain}");
        assert_eq!(
            refused(cmd, &["--preset", "x86_64-default"], "next-preset"),
            plain,
            "{cmd:?}"
        );
    }
    // ptu prove --list: the same listing.
    let list = |extra: &[&str]| {
        let mut args = vec!["prove", "--list"];
        args.extend_from_slice(extra);
        let o = ptu_in(&dir, &args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    assert_eq!(list(&["--preset", "x86_64-default"]), list(&[]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_configuration_with_another_name_is_simulated_and_named_in_the_results() {
    let dir = scratch("named");
    let file = dir.join("soc-a.toml");
    std::fs::write(&file, "preset = \"x86_64-default\"\nname = \"soc-a\"\n").unwrap();
    let scenarios = Path::new(ROOT).join("testbenches/scenarios");
    let o = ptu_in(
        &dir,
        &[
            "sim",
            "syscall-roundtrip",
            "--json",
            "--dir",
            scenarios.to_str().unwrap(),
            "--waves",
            dir.join("waves").to_str().unwrap(),
            "--config",
            file.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        doc["configuration"],
        "soc-a (xlen=64 reset_rip=0x0 irq_entry=false fs_bank=false)"
    );
    assert_eq!(doc["passed"], 1);
    // A reset RIP: the RTL, the model and the harnesses follow it.
    std::fs::write(&file, "name = \"soc-a\"\nreset_rip = 0x1000\n").unwrap();
    let f = file.to_str().unwrap();
    for sim in ["rust-hdl", "icarus"] {
        let o = ptu_in(
            &dir,
            &[
                "sim",
                "syscall-roundtrip",
                "--json",
                "--sim",
                sim,
                "--dir",
                scenarios.to_str().unwrap(),
                "--waves",
                dir.join("waves").to_str().unwrap(),
                "--config",
                f,
            ],
        );
        assert!(o.status.success(), "{sim}: {}", stderr(&o));
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            doc["configuration"],
            "soc-a (xlen=64 reset_rip=0x1000 irq_entry=false fs_bank=false)"
        );
        assert_eq!(doc["passed"], 1, "{sim}");
    }
    // ptu generate follows it: the header names the configuration.
    let out = dir.join("out");
    let o = ptu_in(
        &dir,
        &["generate", "--config", f, "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for name in ["ptu.v", "ptu_defs.vh", "ptu_inst.vh", "ptu.core"] {
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        assert!(
            text.contains("Configuration: soc-a (xlen=64 reset_rip=0x1000 "),
            "{name}"
        );
    }
    // The SoC's unit is the default only.
    let e = refused(&["build", "--design", "soc"], &["--config", f], "soc");
    assert!(
        e.contains("--design soc builds the SoC, whose unit is x86_64-default"),
        "{e}"
    );
    let e = refused(
        &["bench", "synth", "--design", "soc"],
        &["--config", f],
        "soc-bench",
    );
    assert!(
        e.contains("--design soc measures the SoC, whose unit is x86_64-default"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_command_shows_the_two_flags_in_its_help() {
    for cmd in COMMANDS {
        let mut args = cmd.to_vec();
        args.push("--help");
        let o = ptu_in(Path::new(ROOT), &args);
        assert!(o.status.success(), "{}", stderr(&o));
        let h = stdout(&o);
        assert!(h.contains("--config <FILE>"), "ptu {cmd:?} --help:\n{h}");
        assert!(h.contains("--preset <NAME>"), "ptu {cmd:?} --help:\n{h}");
    }
}
