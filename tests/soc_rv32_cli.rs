//! `ptu soc run --xlen 32` and `ptu soc diff --xlen 32`: an RV32I program
//! runs on the RV32I SoC (and fails on the RV64I one), random RV32I
//! programs agree on the model and the RTL, and a width that is not 32 or
//! 64 is refused in one line; without a program, the RV32I build of the
//! example kernel runs.

mod common;
use common::ptu;
use ptu_soc::asm;

fn rv64_only() -> std::path::PathBuf {
    let src = asm::programs_dir().join("isa32").join("rv64_only.S");
    asm::assemble_xlen(&src, 32).unwrap().bin
}

#[test]
fn an_rv32_program_passes_on_the_rv32_soc_and_fails_on_the_rv64_one() {
    let bin = rv64_only();
    let out = ptu(&[
        "soc",
        "run",
        "--xlen",
        "32",
        "--program",
        bin.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("PASS"), "{stdout}");
    // On the RV64I core `ld` runs instead of raising #UD: test 2 fails.
    let out = ptu(&["soc", "run", "--program", bin.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("test 2 failed"), "{stderr}");
}

#[test]
fn soc_diff_runs_rv32_programs() {
    let out = ptu(&[
        "soc", "diff", "--xlen", "32", "--seeds", "2", "--len", "100",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("PASS: 2 random programs of 100 items (RV32I"),
        "{stdout}"
    );
}

#[test]
fn a_width_other_than_32_or_64_is_refused_in_one_line() {
    for args in [
        &["soc", "diff", "--xlen", "16"][..],
        &["soc", "run", "--xlen", "128", "--program", "x.bin"][..],
    ] {
        let out = ptu(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("give 32 (RV32I) or 64 (RV64I)"), "{stderr}");
    }
}

#[test]
fn without_a_program_the_rv32_kernel_runs_and_is_measured() {
    let out = ptu(&["soc", "run", "--xlen", "32"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stderr.contains("RV32I"), "{stderr}");
    for want in [
        "kernel: summary: tasks exited 2, ended by a fault 1, system calls 33,",
        "system call self() round trip",
        "timer interrupt: task switch",
        "PASS: kernel/kernel (RV32I)",
    ] {
        assert!(stdout.contains(want), "no {want:?} in\n{stdout}");
    }
}
