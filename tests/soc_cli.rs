//! `ptu soc run`: a program assembled by the real toolchain runs on the
//! SoC; the exit status and the one line say pass, which test failed, or
//! what to do about bad input.

mod common;
use common::ptu;
use ptu_soc::asm;

fn program(name: &str, body: &str) -> std::path::PathBuf {
    let text = format!(
        "    .section .text.init, \"ax\"\n    .globl _start\n_start:\n{body}\n    li t0, 0x10000018\n    sd a0, 0(t0)\n1:  j 1b\n"
    );
    asm::assemble_text(name, &text).unwrap().bin
}

#[test]
fn a_passing_program_exits_0_and_prints_its_uart_output() {
    let bin = program(
        "cli-pass",
        // Each byte waits for the transmitter (a load reads 1 while busy).
        "    li t0, 0x10000000\n2:  lbu t2, 0(t0)\n    bnez t2, 2b\n    li t1, 'h'\n    sb t1, 0(t0)\n3:  lbu t2, 0(t0)\n    bnez t2, 3b\n    li t1, 'i'\n    sb t1, 0(t0)\n4:  lbu t2, 0(t0)\n    bnez t2, 4b\n    li a0, 1",
    );
    let out = ptu(&["soc", "run", "--program", bin.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("hi"), "{stdout}");
    assert!(stdout.contains("PASS"), "{stdout}");
}

#[test]
fn a_failing_test_exits_1_and_names_its_number() {
    let bin = program("cli-fail", "    li a0, (7 << 1) | 1");
    let out = ptu(&["soc", "run", "--program", bin.to_str().unwrap()]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("test 7"), "{all}");
}

#[test]
fn a_program_that_never_ends_stops_at_max_cycles_with_exit_2() {
    let bin = asm::assemble_text(
        "cli-forever",
        "    .section .text.init, \"ax\"\n    .globl _start\n_start:\n1:  j 1b\n",
    )
    .unwrap()
    .bin;
    let out = ptu(&[
        "soc",
        "run",
        "--program",
        bin.to_str().unwrap(),
        "--max-cycles",
        "500",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("did not store to tohost within 500 cycles"),
        "{stderr}"
    );
    assert!(stderr.contains("--max-cycles"), "{stderr}");
}

#[test]
fn a_missing_or_foreign_program_gets_one_line_and_exit_2() {
    let out = ptu(&["soc", "run", "--program", "no/such/program.bin"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("cannot read the program"), "{stderr}");

    let dir = std::env::temp_dir().join(format!("ptu-soc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut elf = vec![0u8; 64];
    elf[..4].copy_from_slice(b"\x7fELF");
    elf[4] = 2;
    elf[5] = 1;
    elf[18] = 62; // x86-64
    let f = dir.join("x86.elf");
    std::fs::write(&f, &elf).unwrap();
    let out = ptu(&["soc", "run", "--program", f.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a RISC-V ELF"), "{stderr}");
}

/// The UART transcript: stdout up to the first empty line (the table
/// follows it on rust-hdl), without the Verilator run's note and verdict.
fn transcript(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with("(the table") && !l.starts_with("PASS"))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_kernel_prints_the_same_transcript_on_rust_hdl_and_verilator_and_its_table() {
    let out = ptu(&["soc", "run"]);
    let hdl = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{hdl}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for want in [
        "what crossed the unit",
        "SYSCALL from user",
        "NMI nested in the kernel (framed)",
        "system call self() round trip",
        "timer interrupt: task switch",
        "kernel: summary:",
        "PASS: kernel/kernel",
    ] {
        assert!(hdl.contains(want), "no {want:?} in\n{hdl}");
    }
    // A relative --work folder: the harness runs inside it.
    let work = format!("target/soc-cli-verilator-{}", std::process::id());
    let out = ptu(&["soc", "run", "--sim", "verilator", "--work", &work]);
    let ver = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{ver}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (a, b) = (transcript(&hdl), transcript(&ver));
    assert!(a.len() > 20, "{a:?}");
    assert_eq!(a, b, "the transcripts differ");
}

#[test]
fn soc_diff_compares_random_programs_on_the_model_and_the_rtl() {
    let out = ptu(&["soc", "diff", "--seeds", "2", "--len", "100"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("PASS: 2 random programs"), "{stdout}");
    assert!(
        stdout.contains("0 mismatches") || stdout.contains("equal"),
        "{stdout}"
    );
    let out = ptu(&["soc", "diff", "--seeds", "0"]);
    assert_eq!(out.status.code(), Some(2));
}
