//! Every directed program of the RV32I core (`asm::isa_programs_xlen(32)`:
//! the RV32I build of `soc/programs/isa/`, whose sources serve both
//! widths, and the RV32I-only `isa32/`) assembles for riscv32 and passes
//! on the instruction-level model with `xlen` 32, and the same programs
//! tell an RV32I model from a wrong one.

use ptu_soc::asm;
use ptu_soc::iss::{Config, End, Iss};
use ptu_soc::map::ToHost;
use std::path::PathBuf;

fn program(name: &str) -> PathBuf {
    asm::isa_program(name, 32).unwrap_or_else(|e| panic!("{e:#}"))
}

/// Assemble `name` for RV32I and run it on a model of width `xlen`.
fn run_on(name: &str, xlen: usize) -> Iss {
    let p = asm::load_xlen(&program(name), 32).unwrap_or_else(|e| panic!("{e:#}"));
    let mut iss = Iss::with_xlen(&p, Config::default(), xlen).unwrap();
    iss.run();
    iss
}

/// Run `name` on the RV32I model; panic with the failing case and the
/// run's last trace lines.
fn run(name: &str) -> Iss {
    let iss = run_on(name, 32);
    if let Err(e) = iss.outcome().check(name) {
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
            asm::build_dir().join(format!("*{name}-rv32.elf")).display()
        );
    }
    iss
}

macro_rules! rv32_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run(stringify!($name));
            }
        )*

        /// Every directed program of the RV32I core has a test above.
        #[test]
        fn every_rv32_program_has_a_test() {
            let listed = [$(stringify!($name)),*];
            let found = asm::isa_programs_xlen(32).unwrap();
            assert_eq!(found.len(), listed.len(), "{found:?}");
            for p in found {
                let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
                assert!(listed.contains(&stem.as_str()), "{} has no test in soc/tests/iss_rv32.rs", p.display());
            }
        }
    };
}

rv32_tests!(
    alu,
    shift,
    branch,
    jump,
    mem,
    rv64_only,
    priv_mem,
    priv_syscall,
    priv_user
);

#[test]
fn the_rv64_model_fails_the_rv32_only_checks() {
    // On a 64-bit core `ld` runs instead of raising #UD: case 2 fails.
    let iss = run_on("rv64_only", 64);
    assert_eq!(iss.ended(), Some(End::ToHost(ToHost::Fail(2))));
    // 0x80000000 is negative only in 32 bits: slt's case 32 fails.
    let iss = run_on("alu", 64);
    assert!(
        matches!(iss.ended(), Some(End::ToHost(ToHost::Fail(_)))),
        "{:?}",
        iss.ended()
    );
}

#[test]
fn a_wrong_expected_value_reports_its_case_number() {
    let src = std::fs::read_to_string(program("shift")).unwrap();
    let broken = src.replace(
        "TEST_RR_OP 5, sll, 0x00000002,",
        "TEST_RR_OP 5, sll, 0x00000004,",
    );
    assert_ne!(broken, src);
    let a = asm::assemble_text_xlen("isa-shift-broken-rv32", &broken, 32).unwrap();
    let p = ptu_soc::program::Program::from_file(&a.bin).unwrap();
    let out = Iss::with_xlen(&p, Config::default(), 32).unwrap().run();
    assert_eq!(out.end, End::ToHost(ToHost::Fail(5)));
}

#[test]
fn rv32_registers_are_32_bits_in_the_trace() {
    let iss = run("alu");
    for t in &iss.trace {
        if let ptu_soc::iss::Trace::Retire {
            rd: Some((r, v)), ..
        } = t
        {
            assert!(
                *v <= u32::MAX as u64,
                "x{r} = {v:#x} is wider than 32 bits: {t}"
            );
        }
    }
}

#[test]
fn a_core_width_other_than_32_or_64_is_refused() {
    let p = asm::load_xlen(&program("alu"), 32).unwrap();
    let e = Iss::with_xlen(&p, Config::default(), 16).err().unwrap();
    assert!(
        e.to_string().contains("use 32 (RV32I) or 64 (RV64I)"),
        "{e}"
    );
    let e = asm::load_xlen(&program("alu"), 128).err().unwrap();
    assert!(
        e.to_string().contains("use 32 (RV32I) or 64 (RV64I)"),
        "{e}"
    );
}

/// A program for one width only stops the other width's assembly with
/// one clear error, and is not in that width's list.
#[test]
fn a_program_for_one_width_is_refused_for_the_other() {
    let w = asm::programs_dir().join("isa").join("alu_w.S");
    let e = asm::assemble_xlen(&w, 32).unwrap_err().to_string();
    let first = e.lines().next().unwrap();
    assert!(
        first.starts_with("cannot assemble")
            && first.contains("alu_w.S:")
            && first.contains("error: this program is for RV64I only"),
        "{e}"
    );
    assert!(!asm::isa_programs_xlen(32).unwrap().contains(&w));
    assert!(asm::isa_programs_xlen(64).unwrap().contains(&w));
    let r = program("rv64_only");
    let e = asm::assemble_xlen(&r, 64).unwrap_err().to_string();
    assert!(e.contains("this program is for RV32I only"), "{e}");
    assert!(!asm::isa_programs_xlen(64).unwrap().contains(&r));
}

/// The RV32I handler reads EVENT_INFO in two halves (EVENT_INFO_H, the
/// 32-bit unit's, for bits 63:32): a case that expects a system call from
/// user mode without `from_user` fails on it.
#[test]
fn the_rv32_programs_check_event_info_h() {
    let src = std::fs::read_to_string(program("priv_syscall")).unwrap();
    let from = "    USER_RUN u_ecall\n    TRAP_END (INFO_SYSCALL | FROM_USER), 0\n";
    assert!(src.contains(from), "case 4 of priv_syscall.S");
    let broken = src.replace(from, "    USER_RUN u_ecall\n    TRAP_END INFO_SYSCALL, 0\n");
    let a = asm::assemble_text_xlen("isa-priv_syscall-broken-rv32", &broken, 32).unwrap();
    let p = ptu_soc::program::Program::from_file(&a.bin).unwrap();
    let out = Iss::with_xlen(&p, Config::default(), 32).unwrap().run();
    assert_eq!(out.end, End::ToHost(ToHost::Fail(4)));
}
