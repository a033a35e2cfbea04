//! Every directed program in `soc/programs/isa/` assembles (llvm-mc,
//! ld.lld, llvm-objcopy: `./setup.sh`) and passes on the instruction-level
//! model, and a broken copy of one reports the case that fails.

use ptu_soc::asm;
use ptu_soc::iss::{Config, End, Iss, Trace};
use ptu_soc::map::ToHost;
use std::path::PathBuf;

fn program(name: &str) -> PathBuf {
    asm::programs_dir().join("isa").join(format!("{name}.S"))
}

/// Assemble and run one program; panic with the failing case, the run's
/// last trace lines and the listing's location.
fn run(name: &str) -> Iss {
    let p = asm::load(&program(name)).unwrap_or_else(|e| panic!("{e:#}"));
    let mut iss = Iss::new(&p, Config::default());
    let out = iss.run();
    if let Err(e) = out.check(name) {
        let tail: Vec<String> = iss
            .trace
            .iter()
            .rev()
            .take(12)
            .rev()
            .map(|t| t.to_string())
            .collect();
        panic!(
            "{e:#}\nlast trace lines:\n{}\n(listing: llvm-objdump -d {})",
            tail.join("\n"),
            asm::build_dir().join(format!("isa-{name}.elf")).display()
        );
    }
    iss
}

macro_rules! isa_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run(stringify!($name));
            }
        )*

        /// Every program in soc/programs/isa has a test above.
        #[test]
        fn every_isa_program_has_a_test() {
            let listed = [$(stringify!($name)),*];
            for p in asm::isa_programs().unwrap() {
                let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
                assert!(listed.contains(&stem.as_str()), "soc/programs/isa/{stem}.S has no test in soc/tests/iss_isa.rs");
            }
        }
    };
}

isa_tests!(
    alu,
    alu_w,
    shift,
    branch,
    jump,
    mem,
    priv_syscall,
    priv_csr,
    priv_mem,
    priv_user,
    timer
);

#[test]
fn a_wrong_expected_value_reports_its_case_number() {
    let src = std::fs::read_to_string(program("alu")).unwrap();
    // Case 5 expects 0x80000000 from 0x7fffffff + 1; make it expect 0x80000001.
    let broken = src.replace(
        "TEST_RR_OP 5, add, 0x80000000,",
        "TEST_RR_OP 5, add, 0x80000001,",
    );
    assert_ne!(broken, src, "the case to break is no longer in alu.S");
    let a = asm::assemble_text("broken-alu", &broken).unwrap_or_else(|e| panic!("{e:#}"));
    let p = ptu_soc::program::Program::from_file(&a.bin).unwrap();
    let out = Iss::run_program(&p, Config::default());
    assert_eq!(out.end, End::ToHost(ToHost::Fail(5)));
    let e = out.check("broken-alu").unwrap_err().to_string();
    assert!(e.contains("test 5 failed"), "{e}");
}

#[test]
fn the_trace_shows_the_first_instructions_with_their_results() {
    let iss = run("alu");
    // The prelude's first instruction is `li sp, 0x8000` (lui sp, 8): a
    // write of x2, the unit's rsp.
    match iss.trace[0] {
        Trace::Retire {
            pc: 0,
            rd,
            store: None,
            ..
        } => assert_eq!(rd, Some((2, 0x8000))),
        t => panic!("first trace entry is {t}"),
    }
    assert!(
        iss.trace.iter().all(|t| matches!(t, Trace::Retire { .. })),
        "alu.S takes no event"
    );
    let last = iss.trace.last().unwrap().to_string();
    assert!(
        last.contains("[0x0000000010000018]8=0x0000000000000001"),
        "{last}"
    );
}

#[test]
fn the_example_in_the_programs_readme_passes() {
    let readme = std::fs::read_to_string(asm::programs_dir().join("README.md")).unwrap();
    let start = readme
        .find("```asm\n")
        .expect("an asm block in soc/programs/README.md")
        + 7;
    let text = &readme[start..start + readme[start..].find("```").unwrap()];
    let a = asm::assemble_text("readme-example", text).unwrap_or_else(|e| panic!("{e:#}"));
    let p = ptu_soc::program::Program::from_file(&a.bin).unwrap();
    let mut iss = Iss::new(&p, Config::default());
    assert_eq!(iss.run().end, End::ToHost(ToHost::Pass));
    assert!(iss
        .trace
        .iter()
        .any(|t| matches!(t, Trace::Event { data: 0x100, .. })));
}
