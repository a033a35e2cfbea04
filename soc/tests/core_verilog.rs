//! The SoC's Verilog goes through the project's emitter: it is tidy, lints
//! clean in Verilator `-Wall` (with `soc/ptu_soc.vlt`), Icarus and Yosys,
//! and Yosys proves it the same logic as rust-hdl's own text.

use ptu_soc::soc::{self, SocConfig, TOP};
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A few instructions, so the RAM has `initial` contents.
fn config() -> SocConfig {
    let words: [u32; 3] = [0x0050_0513, 0x0015_0513, 0x0000_006f];
    SocConfig::new(words.iter().flat_map(|w| w.to_le_bytes()).collect())
}

fn write(dir: &Path, v: &str) -> PathBuf {
    let f = dir.join(format!("{TOP}.v"));
    std::fs::write(&f, v).unwrap();
    f
}

/// Every line of the tool's output that says warning or error.
fn run(tool: &str, args: &[&str], dir: &Path) -> (bool, Vec<String>) {
    let log = dir.join(format!("{tool}.log"));
    let r = ptu_tools::run(tool, args, dir, &log).unwrap();
    let problems = r
        .output
        .lines()
        .filter(|l| {
            let l = l.to_lowercase();
            l.contains("warning") || l.contains("error")
        })
        .map(str::to_string)
        .collect();
    (r.success(), problems)
}

#[test]
fn the_soc_verilog_is_tidy_and_holds_the_program() {
    let v = soc::emit(&config()).unwrap();
    assert!(v.starts_with("// ptu_soc.v: the ptu SoC"));
    assert!(v.contains("module ptu_soc(clock,reset,nmi,tx,tohost_valid,tohost);"));
    assert!(v.contains("module ptu_soc_cpu("));
    assert!(v.contains("module ptu_soc_ptu("));
    assert!(!v.contains('$'));
    // The program is the RAM's initial contents (two words in one).
    assert!(
        v.contains("mem[0] = 64'h0015051300500513;"),
        "RAM image missing"
    );
    assert!(v.contains("mem[1] = 64'h000000000000006f;"));
}

#[test]
fn the_soc_verilog_lints_clean_in_verilator_icarus_and_yosys() {
    let dir = scratch("soc-lint");
    let f = write(&dir, &soc::emit(&config()).unwrap());
    let waivers = Path::new(env!("CARGO_MANIFEST_DIR")).join("ptu_soc.vlt");
    let (ok, problems) = run(
        "verilator",
        &[
            "--lint-only",
            "-Wall",
            "--top-module",
            TOP,
            waivers.to_str().unwrap(),
            f.to_str().unwrap(),
        ],
        &dir,
    );
    assert!(
        ok && problems.is_empty(),
        "verilator -Wall:\n{}",
        problems.join("\n")
    );
    let (ok, problems) = run(
        "iverilog",
        &["-g2005", "-s", TOP, "-o", "/dev/null", f.to_str().unwrap()],
        &dir,
    );
    assert!(
        ok && problems.is_empty(),
        "iverilog:\n{}",
        problems.join("\n")
    );
    let script = format!(
        "read_verilog {}; hierarchy -check -top {TOP}; proc; check -assert",
        f.display()
    );
    let (ok, problems) = run("yosys", &["-q", "-p", &script], &dir);
    assert!(ok && problems.is_empty(), "yosys:\n{}", problems.join("\n"));
}

/// Emission changes no logic: Yosys proves the emitted SoC equivalent to
/// rust-hdl's Verilog (core, unit, RAM, UART, timer). The proof runs on a
/// 16-word RAM: Yosys maps a memory to flip-flops, and 8192 words of 64
/// bits do not finish; the RAM block's text is the same for every size.
/// It is slow all the same (19 271 points; 2251 s on the shared 2-core
/// machine, about 14 CPU minutes): the core's two 32-word register-file
/// copies become 4096 flip-flops that only `equiv_induct` proves.
#[test]
fn the_emitted_soc_is_equivalent_to_rust_hdls_verilog() {
    let mut cfg = config();
    cfg.ram_words = 16;
    let raw = soc::raw(&cfg).unwrap();
    let emitted = soc::emit(&cfg).unwrap();
    let dir = scratch("soc-equivalence");
    let r = ptu_emit::check_equivalence(&raw, &emitted, "top", TOP, &dir).unwrap();
    eprintln!("emitted SoC: {r}");
    assert!(r.points > 1000, "{r:?}");
    r.ensure().unwrap();
}
