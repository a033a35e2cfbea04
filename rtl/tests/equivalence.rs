//! Emission changes no logic: Yosys proves the emitted unit equivalent to
//! rust-hdl's own Verilog of it, and finds a one-line change of the
//! emitted file.

use ptu_arch::PtuConfig;
use ptu_rtl::verilog::{emit, prove_emission};
use std::path::PathBuf;

fn scratch(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("equivalence-{name}"))
}

#[test]
fn the_emitted_unit_is_equivalent_to_rust_hdls_verilog() {
    let cfg = PtuConfig::default();
    let emitted = emit(&cfg).unwrap();
    let r = prove_emission(&cfg, &emitted, &scratch("emitted")).unwrap();
    eprintln!("emitted ptu.v: {r}");
    assert!(r.points > 1000, "{r:?}");
    r.ensure().unwrap();
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
