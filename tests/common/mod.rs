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

/// Run the external tool `name` in `cwd`.
#[allow(dead_code)] // the tests that run tools themselves
pub fn tool(name: &str, args: &[&str], cwd: &std::path::Path) -> Output {
    Command::new(name)
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name} ({e}): install it with ./setup.sh"))
}

/// `wrapper.v` in `dir` (module `wrapper`) with the generated `sources`
/// compiles in Icarus `-Wall` and lints clean in Verilator `-Wall` with
/// `waivers`, neither printing anything; `includes` are the folders of the
/// headers. Paths are relative to `dir`; `what` names the design in a
/// failure.
#[allow(dead_code)] // the tests of ptu generate's header and template
pub fn wrapper_compiles_and_lints_clean(
    dir: &std::path::Path,
    includes: &[&str],
    waivers: &[&str],
    sources: &[&str],
    what: &str,
) {
    let output = |o: &Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    let mut args = vec!["-g2005", "-Wall"];
    for i in includes {
        args.extend(["-I", i]);
    }
    args.extend(["-s", "wrapper", "-o", "wrapper.vvp", "wrapper.v"]);
    args.extend(sources);
    let o = tool("iverilog", &args, dir);
    let text = output(&o);
    assert!(
        o.status.success() && text.trim().is_empty(),
        "{what}: iverilog:\n{text}"
    );
    assert!(dir.join("wrapper.vvp").exists());
    let includes: Vec<String> = includes.iter().map(|i| format!("-I{i}")).collect();
    let mut args = vec!["--lint-only", "-Wall"];
    args.extend(includes.iter().map(String::as_str));
    args.extend(["--top-module", "wrapper"]);
    args.extend(waivers);
    args.push("wrapper.v");
    args.extend(sources);
    let o = tool("verilator", &args, dir);
    let text = output(&o);
    assert!(
        o.status.success() && text.trim().is_empty(),
        "{what}: verilator -Wall:\n{text}"
    );
}
