//! The emitted unit (the committed rtl/generated/ptu.v, which
//! rtl/tests/emitted.rs keeps equal to a fresh emission) is clean in
//! Verilator -Wall, Icarus and Yosys, and has no combinational loop.

use ptu_synth::lint;
use ptu_tools as tools;
use std::path::{Path, PathBuf};

/// A scratch folder with copies of ptu.v and ptu.vlt, so tool logs stay
/// out of the repository.
fn scratch(name: &str) -> (PathBuf, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rtl");
    let dir = std::env::temp_dir().join(format!("ptu-lint-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(root.join("generated/ptu.v"), dir.join("ptu.v")).unwrap();
    std::fs::copy(root.join("ptu.vlt"), dir.join("ptu.vlt")).unwrap();
    (dir.join("ptu.v"), dir)
}

#[test]
fn verilator_wall_is_clean_with_justified_waivers() {
    let (v, dir) = scratch("verilator");
    let report = lint::verilator_lint(&v, "ptu", Some(&dir.join("ptu.vlt"))).unwrap();
    report.ensure_clean().unwrap();
    // The waivers are needed: without them Verilator reports exactly the
    // waived rules, and nothing else.
    let bare = lint::verilator_lint(&v, "ptu", None).unwrap();
    assert!(!bare.is_clean());
    for w in &bare.warnings {
        assert!(
            w.code == "UNOPTFLAT" || w.code == "DECLFILENAME",
            "unexpected warning without waivers: {w:?}"
        );
    }
}

#[test]
fn icarus_compiles_it_without_warnings() {
    let (v, _) = scratch("icarus");
    lint::iverilog_check(&v, "ptu").unwrap();
}

#[test]
fn yosys_synthesises_it_for_ice40() {
    let (v, dir) = scratch("yosys");
    let stats = lint::yosys_synth_ice40(&v, "ptu", &dir).unwrap();
    // Banks (6 x 64), control registers and frame state: about 1100 flops.
    assert!(stats.flip_flops > 1000, "{stats:?}");
    assert!(stats.luts > 0, "{stats:?}");
}

#[test]
fn flattened_design_has_no_combinational_loop() {
    let (v, dir) = scratch("loops");
    let script = format!(
        "read_verilog {}; hierarchy -check -top ptu; proc; flatten; opt_clean; check -assert",
        v.display()
    );
    tools::run_ok(
        "yosys",
        &["-q", "-p", &script],
        &dir,
        &dir.join("loops.log"),
    )
    .unwrap();
}
