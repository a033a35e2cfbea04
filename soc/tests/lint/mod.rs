//! The lint of emitted Verilog that the SoC's tests share: Verilator
//! `-Wall` (with the project's `.vlt` waivers), Icarus (`-g2005`) and
//! Yosys (`hierarchy -check; proc; check -assert`) must each succeed and
//! say neither warning nor error. Used by `core_verilog.rs` (the RV64I
//! SoC), `core_rv32.rs` (the RV32I SoC) and `board_sim.rs` (the board
//! top).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// An empty folder `name` under the tests' temporary folder.
pub fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The lines of a tool's output that say warning or error.
pub fn problems(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            let l = l.to_lowercase();
            l.contains("warning") || l.contains("error")
        })
        .collect()
}

/// Run `tool` in `dir` (its log beside the file): whether it succeeded,
/// and its [`problems`].
pub fn run(tool: &str, args: &[&str], dir: &Path) -> (bool, Vec<String>) {
    let log = dir.join(format!("{tool}.log"));
    let r = ptu_tools::run(tool, args, dir, &log).unwrap();
    let p = problems(&r.output)
        .into_iter()
        .map(str::to_string)
        .collect();
    (r.success(), p)
}

/// `verilog` (top module `top`), written to `dir/<top>.v`, lints clean in
/// Verilator `-Wall` with the `waivers` files, Icarus and Yosys; panics
/// with the tool's complaints otherwise.
pub fn assert_lints_clean(dir: &Path, top: &str, verilog: &str, waivers: &[&Path]) {
    let f = dir.join(format!("{top}.v"));
    std::fs::write(&f, verilog).unwrap();
    let f = f.to_str().unwrap();
    let mut args = vec!["--lint-only", "-Wall", "--top-module", top];
    args.extend(waivers.iter().map(|w| w.to_str().unwrap()));
    args.push(f);
    let (ok, p) = run("verilator", &args, dir);
    assert!(ok && p.is_empty(), "verilator -Wall:\n{}", p.join("\n"));
    let (ok, p) = run(
        "iverilog",
        &["-g2005", "-s", top, "-o", "/dev/null", f],
        dir,
    );
    assert!(ok && p.is_empty(), "iverilog:\n{}", p.join("\n"));
    let script = format!("read_verilog {f}; hierarchy -check -top {top}; proc; check -assert");
    let (ok, p) = run("yosys", &["-q", "-p", &script], dir);
    assert!(ok && p.is_empty(), "yosys:\n{}", p.join("\n"));
}
