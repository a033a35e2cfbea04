//! Every preset the RTL is generated for emits Verilog that is clean in
//! Verilator `-Wall` (with the waivers of `rtl/ptu.vlt`, each justified
//! there), compiles in Icarus without a warning, and synthesises for the
//! iCE40 in Yosys without a warning. (The committed 64-bit copy is also
//! checked by `synth/tests/emitted_ptu.rs`.)

use ptu_arch::{PtuConfig, PRESETS};
use ptu_rtl::verilog::{emit, WAIVERS};
use ptu_tools::lint::verilator_lint;
use std::path::PathBuf;

/// The presets the RTL is generated for.
fn generated_presets() -> Vec<PtuConfig> {
    PRESETS
        .iter()
        .map(|p| p.config())
        .filter(|c| c.validate().is_ok())
        .collect()
}

/// A scratch folder holding the preset's `ptu.v` and `ptu.vlt`.
fn scratch(cfg: &PtuConfig) -> (PathBuf, PathBuf) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("lint-{}", cfg.name));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ptu.v"), emit(cfg).unwrap()).unwrap();
    std::fs::write(dir.join("ptu.vlt"), WAIVERS).unwrap();
    (dir.join("ptu.v"), dir)
}

#[test]
fn every_generated_preset_is_clean_in_verilator_icarus_and_yosys() {
    let presets = generated_presets();
    assert!(
        presets.iter().any(|c| c.xlen == 32),
        "no 32-bit preset is generated"
    );
    for cfg in presets {
        let name = cfg.name.to_string();
        let (v, dir) = scratch(&cfg);
        verilator_lint(&v, "ptu", Some(&dir.join("ptu.vlt")))
            .unwrap()
            .ensure_clean()
            .unwrap_or_else(|e| panic!("{name}: {e:#}"));

        let icarus = ptu_tools::run(
            "iverilog",
            &["-g2005", "-s", "ptu", "-o", "/dev/null", "ptu.v"],
            &dir,
            &dir.join("iverilog.log"),
        )
        .unwrap();
        let noisy: Vec<&str> = icarus
            .output
            .lines()
            .filter(|l| {
                let l = l.to_lowercase();
                l.contains("warning") || l.contains("error")
            })
            .collect();
        assert!(
            icarus.success() && noisy.is_empty(),
            "{name}: icarus: {noisy:?}"
        );

        let yosys = ptu_tools::run(
            "yosys",
            &["-p", "read_verilog ptu.v; synth_ice40 -top ptu; stat"],
            &dir,
            &dir.join("yosys.log"),
        )
        .unwrap();
        let warnings: Vec<&str> = yosys
            .output
            .lines()
            .filter(|l| l.starts_with("Warning:"))
            .collect();
        assert!(
            yosys.success() && warnings.is_empty(),
            "{name}: yosys: {warnings:?}"
        );
        // The flip-flops scale with the width: the 32-bit unit has fewer.
        let ffs: u64 = yosys
            .output
            .rsplit("Number of cells:")
            .next()
            .unwrap_or("")
            .lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                let (cell, n) = (w.next()?, w.next()?.parse::<u64>().ok()?);
                cell.starts_with("SB_DFF").then_some(n)
            })
            .sum();
        eprintln!("{name}: {ffs} flip-flops");
        let min = if cfg.xlen == 64 { 1000 } else { 500 };
        assert!(ffs > min, "{name}: {ffs} flip-flops");
    }
}
