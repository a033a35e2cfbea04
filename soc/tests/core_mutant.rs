//! A broken core is caught: with `sra` computed as `srl`
//! ([`Mutant::SraAsSrl`]), `isa/shift.S` fails on rust-hdl and on
//! Verilator with the number of its first `sra` case, and a random
//! program's trace differs from the instruction-level model's.

use ptu_soc::asm;
use ptu_soc::cpu::{CpuConfig, Mutant};
use ptu_soc::diff::{self, TraceOptions};
use ptu_soc::iss::{compare_traces, Config, End, Iss};
use ptu_soc::map::ToHost;
use ptu_soc::random::random_program;
use ptu_soc::run::{run, RunOptions};
use ptu_soc::soc::{self, SocConfig};
use ptu_soc::verilator;
use std::path::PathBuf;

/// `TEST_RR_OP 12, sra, 0xffffffffffffffff, 0x8000000000000000, 63`: the
/// first case of `isa/shift.S` whose result a zero-filling `sra` gets
/// wrong.
const FIRST_SRA_CASE: u64 = 12;

fn mutant(image: Vec<u8>) -> SocConfig {
    let mut cfg = SocConfig::new(image);
    cfg.cpu = CpuConfig {
        mutant: Some(Mutant::SraAsSrl),
        ..CpuConfig::default()
    };
    cfg
}

fn shift_image() -> Vec<u8> {
    let src = asm::programs_dir().join("isa").join("shift.S");
    let text = std::fs::read_to_string(&src).unwrap();
    assert!(
        text.contains(&format!(
            "TEST_RR_OP {FIRST_SRA_CASE}, sra, 0xffffffffffffffff"
        )),
        "{} changed: update FIRST_SRA_CASE",
        src.display()
    );
    asm::load(&src).unwrap_or_else(|e| panic!("{e:#}")).image
}

#[test]
fn shift_fails_at_its_first_sra_case_on_a_core_whose_sra_is_srl() {
    let image = shift_image();
    let opts = RunOptions {
        max_cycles: 200_000,
        ..Default::default()
    };
    let good = run(&SocConfig::new(image.clone()), &opts).unwrap();
    assert_eq!(
        good.verdict(),
        Some(ToHost::Pass),
        "the real core: {good:?}"
    );

    let cfg = mutant(image);
    let hdl = run(&cfg, &opts).unwrap();
    assert_eq!(
        hdl.verdict(),
        Some(ToHost::Fail(FIRST_SRA_CASE)),
        "rust-hdl, mutant core: {hdl:?}"
    );
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("soc-verilator-mutant");
    let build = verilator::build(&cfg, &work).unwrap_or_else(|e| panic!("{e:#}"));
    let vl = build
        .run(&cfg.image, &opts)
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(
        vl.verdict(),
        Some(ToHost::Fail(FIRST_SRA_CASE)),
        "Verilator, mutant core: {vl:?}"
    );
    assert_eq!(vl.cycles, hdl.cycles);
    // The mutant's Verilog says what it is, and the real core's does not.
    let text = std::fs::read_to_string(build.dir.join("ptu_soc.v")).unwrap();
    assert!(text.contains("mutant SraAsSrl"), "the mutant's header");
    assert!(
        text.contains("sra_sign_fill = 1'b0"),
        "the mutant's constant"
    );
    let real = soc::emit(&SocConfig::new(Vec::new())).unwrap();
    assert!(!real.contains("mutant"));
    assert!(real.contains("sra_sign_fill = 1'b1"));
}

#[test]
fn the_random_differential_catches_a_core_whose_sra_is_srl() {
    // The first seed whose random program shifts a negative value right
    // arithmetically, found by running: each seed's program passes on the
    // model, and the mutant must differ from the model on one of them.
    const LEN: usize = 300;
    let mut caught = None;
    for seed in 0..20 {
        let p = random_program(seed, LEN);
        let mut iss = Iss::new(&p, Config::default());
        assert_eq!(iss.run().end, End::ToHost(ToHost::Pass), "seed {seed}");
        let r = diff::run_traced_with(&mutant(p.image.clone()), &TraceOptions::default())
            .unwrap_or_else(|e| panic!("{e:#}"));
        if let Err(e) = compare_traces(&iss.trace, &r.trace()) {
            caught = Some((seed, e.to_string()));
            break;
        }
    }
    let (seed, e) = caught.expect("20 random programs did not catch sra computed as srl");
    eprintln!("seed {seed}: {e}");
    // The real core agrees with the model on that seed.
    diff::random_diff(seed, LEN).unwrap_or_else(|e| panic!("{e:#}"));
}
