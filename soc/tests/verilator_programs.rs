//! Every directed program of `soc/programs/isa/` on the emitted SoC under
//! Verilator, from one build (the harness loads each program's image into
//! the RAM): the same `tohost` verdict, UART bytes and cycle count as the
//! rust-hdl design.

use ptu_soc::asm;
use ptu_soc::map::ToHost;
use ptu_soc::run::{run, RunOptions};
use ptu_soc::soc::SocConfig;
use ptu_soc::verilator;
use std::path::PathBuf;
use std::time::Instant;

#[test]
fn every_isa_program_passes_on_verilator_as_on_rust_hdl() {
    let sources = asm::isa_programs().unwrap_or_else(|e| panic!("{e:#}"));
    assert!(sources.len() >= 11, "isa programs: {sources:?}");
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("soc-verilator-programs");
    let t = Instant::now();
    // The build has no image: any program's configuration builds it.
    let build =
        verilator::build(&SocConfig::new(Vec::new()), &work).unwrap_or_else(|e| panic!("{e:#}"));
    eprintln!(
        "Verilator build: {} in {:.1?}",
        if build.built { "built" } else { "cached" },
        t.elapsed()
    );
    // The Verilog built has no program in it: the harness loads each one.
    let verilog = std::fs::read_to_string(build.dir.join("ptu_soc.v")).unwrap();
    assert!(verilog.contains("0 bytes of program image, not in this file"));
    assert!(
        !verilog.contains("initial begin"),
        "a RAM image in the build"
    );
    let opts = RunOptions {
        max_cycles: 2_000_000,
        ..Default::default()
    };
    for src in &sources {
        let name = src.file_stem().unwrap().to_string_lossy().into_owned();
        let p = asm::load(src).unwrap_or_else(|e| panic!("{e:#}"));
        let t = Instant::now();
        let hdl = run(&SocConfig::new(p.image.clone()), &opts).unwrap();
        let t_hdl = t.elapsed();
        let t = Instant::now();
        let vl = build
            .run(&p.image, &opts)
            .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        eprintln!(
            "{name}: {:?} at {} cycles (rust-hdl {t_hdl:.1?}, Verilator {:.1?})",
            vl.verdict(),
            vl.cycles,
            t.elapsed()
        );
        assert_eq!(hdl.verdict(), Some(ToHost::Pass), "{name} on rust-hdl");
        assert_eq!(vl.verdict(), Some(ToHost::Pass), "{name} on Verilator");
        assert_eq!(vl.cycles, hdl.cycles, "{name}: cycles");
        assert_eq!(vl.uart, hdl.uart, "{name}: UART bytes");
    }
}

#[test]
fn a_second_build_of_the_same_soc_is_the_cached_one_and_loads_any_image() {
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("soc-verilator-programs");
    let cfg = SocConfig::new(Vec::new());
    let first = verilator::build(&cfg, &work).unwrap_or_else(|e| panic!("{e:#}"));
    let t = Instant::now();
    let second = verilator::build(&cfg, &work).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(
        !second.built,
        "the second build of the same SoC was not cached"
    );
    eprintln!(
        "cached build: {:.1?} (first: built {})",
        t.elapsed(),
        first.built
    );
    // Two images through the same executable: a pass and a failed test 5.
    // li t0, 0x10000018 ; li t1, V ; sd t1, 0(t0) ; j .
    let image = |v: u32| -> Vec<u8> {
        [
            0x1000_02b7u32,
            0x0182_829b,
            (v << 20) | 0x313,
            0x0062_b023,
            0x0000_006f,
        ]
        .iter()
        .flat_map(|w| w.to_le_bytes())
        .collect()
    };
    let opts = RunOptions {
        max_cycles: 1000,
        ..Default::default()
    };
    for (v, expect) in [(1, ToHost::Pass), ((5 << 1) | 1, ToHost::Fail(5))] {
        let img = image(v);
        let vl = second.run(&img, &opts).unwrap_or_else(|e| panic!("{e:#}"));
        let hdl = run(&SocConfig::new(img), &opts).unwrap();
        assert_eq!(vl.verdict(), Some(expect));
        assert_eq!(vl.verdict(), hdl.verdict());
        assert_eq!(vl.cycles, hdl.cycles);
    }
    // An image larger than the RAM is refused with the sizes.
    let err = second
        .run(&vec![0u8; 65536 + 8], &opts)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("65544 bytes") && err.contains("65536"),
        "{err}"
    );
}
