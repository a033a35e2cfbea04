//! Emission changes no logic: Yosys proves the emitted unit equivalent to
//! rust-hdl's own Verilog of it, and finds a one-line change of the
//! emitted file.

use ptu_arch::{PtuConfig, PRESETS};
use ptu_rtl::verilog::{emit, prove_emission};
use std::path::PathBuf;

fn scratch(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("equivalence-{name}"))
}

/// One test per preset (one Yosys run is 7 to 22 s; as separate tests
/// they run side by side), and [`PROVEN`], the presets they prove.
macro_rules! preset_proofs {
    ($($test:ident: $name:literal,)+) => {
        const PROVEN: &[&str] = &[$($name),+];
        $(
            #[test]
            fn $test() {
                proves_emitted($name);
            }
        )+
    };
}

preset_proofs! {
    the_emitted_x86_64_default_is_equivalent_to_rust_hdls_verilog: "x86_64-default",
    the_emitted_x86_64_irq_entry_is_equivalent_to_rust_hdls_verilog: "x86_64-irq-entry",
    the_emitted_x86_64_fs_bank_is_equivalent_to_rust_hdls_verilog: "x86_64-fs-bank",
    the_emitted_x86_64_full_is_equivalent_to_rust_hdls_verilog: "x86_64-full",
    the_emitted_ice40_small_32_is_equivalent_to_rust_hdls_verilog: "ice40-small-32",
}

/// Every preset the RTL is generated for (the 64-bit default and the
/// 32-bit unit among them) has its test above.
#[test]
fn every_generated_preset_has_its_proof() {
    let mut generated: Vec<&str> = PRESETS
        .iter()
        .filter(|p| p.config().validate().is_ok())
        .map(|p| p.name)
        .collect();
    generated.sort_unstable();
    let mut proven = PROVEN.to_vec();
    proven.sort_unstable();
    assert_eq!(generated, proven, "a preset without its equivalence test");
    let xlens: Vec<usize> = PROVEN.iter().map(|n| config(n).xlen).collect();
    assert!(xlens.contains(&32) && xlens.contains(&64), "{xlens:?}");
}

fn config(name: &str) -> PtuConfig {
    ptu_arch::config::preset(name).unwrap().config()
}

/// Yosys proves the emitted unit of preset `name` equivalent to rust-hdl's
/// Verilog of it.
fn proves_emitted(name: &str) {
    let cfg = config(name);
    let emitted = emit(&cfg).unwrap();
    let r = prove_emission(&cfg, &emitted, &scratch(&format!("emitted-{name}"))).unwrap();
    eprintln!("emitted ptu.v for {name}: {r}");
    assert!(r.points > 1000, "{name}: {r:?}");
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
