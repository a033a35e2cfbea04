//! Emission changes no logic: Yosys proves the emitted unit equivalent to
//! rust-hdl's own Verilog of it, and finds a one-line change of the
//! emitted file.

use ptu_arch::{PtuConfig, PRESETS};
use ptu_rtl::verilog::{emit, prove_emission};
use std::path::PathBuf;

fn scratch(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("equivalence-{name}"))
}

/// Every preset the RTL is generated for (the 64-bit default and the
/// 32-bit unit among them).
#[test]
fn the_emitted_unit_is_equivalent_to_rust_hdls_verilog() {
    let presets: Vec<PtuConfig> = PRESETS
        .iter()
        .map(|p| p.config())
        .filter(|c| c.validate().is_ok())
        .collect();
    assert!(presets.iter().any(|c| c.xlen == 32) && presets.iter().any(|c| c.xlen == 64));
    for cfg in presets {
        let emitted = emit(&cfg).unwrap();
        let r = prove_emission(&cfg, &emitted, &scratch(&format!("emitted-{}", cfg.name))).unwrap();
        eprintln!("emitted ptu.v for {}: {r}", cfg.name);
        assert!(r.points > 1000, "{}: {r:?}", cfg.name);
        r.ensure().unwrap();
    }
}

#[test]
fn a_changed_assignment_is_found() {
    let cfg = PtuConfig::default();
    let emitted = emit(&cfg).unwrap();
    // One operator of one line: the entry unit is idle only out of shutdown.
    let find = "        idle = ~busy & ~shutdown_q_q;\n";
    assert_eq!(emitted.matches(find).count(), 1, "the line to change moved");
    let changed = emitted.replace(find, "        idle = ~busy | ~shutdown_q_q;\n");
    let r = prove_emission(&cfg, &changed, &scratch("changed")).unwrap();
    eprintln!("changed ptu.v: {r}");
    assert!(r.unproven > 0, "{r:?}");
    let err = r.ensure().unwrap_err().to_string();
    assert!(err.contains("unproven"), "{err}");
}
