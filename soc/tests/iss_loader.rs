//! The program loader (flat binary or RISC-V ELF) and the assembler's
//! error messages.

use ptu_soc::asm;
use ptu_soc::iss::{Config, End, Iss};
use ptu_soc::map::{self, ToHost};
use ptu_soc::program::Program;

const PASS: &str = "
    .include \"test.inc\"
    RVTEST_BEGIN
    TEST_RR_OP 2, add, 3, 1, 2
    RVTEST_END
";

fn assembled(name: &str, text: &str) -> asm::Assembled {
    asm::assemble_text(name, text).unwrap_or_else(|e| panic!("{e:#}"))
}

fn err(r: anyhow::Result<impl std::fmt::Debug>) -> String {
    format!("{:#}", r.unwrap_err())
}

#[test]
fn the_elf_and_the_flat_binary_load_the_same_image_and_both_pass() {
    let a = assembled("loader-pass", PASS);
    let elf = Program::from_file(&a.elf).unwrap();
    let bin = Program::from_file(&a.bin).unwrap();
    assert!(std::fs::read(&a.elf).unwrap().starts_with(b"\x7fELF"));
    assert!(!std::fs::read(&a.bin).unwrap().starts_with(b"\x7fELF"));
    let n = elf.image.len().max(bin.image.len());
    let pad = |v: &[u8]| {
        let mut v = v.to_vec();
        v.resize(n, 0);
        v
    };
    assert_eq!(pad(&elf.image), pad(&bin.image));
    for p in [elf, bin] {
        let out = Iss::run_program(&p, Config::default());
        assert_eq!(out.end, End::ToHost(ToHost::Pass), "{}", p.name);
    }
}

/// A little-endian field of an ELF file.
fn put(b: &mut [u8], at: usize, v: &[u8]) {
    b[at..at + v.len()].copy_from_slice(v);
}

fn elf_bytes() -> Vec<u8> {
    std::fs::read(assembled("loader-elf", PASS).elf).unwrap()
}

/// The offset of the first PT_LOAD program header.
fn first_load(b: &[u8]) -> usize {
    let phoff = u64::from_le_bytes(b[32..40].try_into().unwrap()) as usize;
    let phentsize = u16::from_le_bytes(b[54..56].try_into().unwrap()) as usize;
    (0..)
        .map(|i| phoff + i * phentsize)
        .find(|&ph| u32::from_le_bytes(b[ph..ph + 4].try_into().unwrap()) == 1)
        .unwrap()
}

#[test]
fn an_elf_for_another_machine_is_refused() {
    let mut b = elf_bytes();
    put(&mut b, 18, &62u16.to_le_bytes()); // EM_X86_64
    let e = err(Program::from_bytes("x86", &b));
    assert!(
        e.contains("not a RISC-V ELF file (e_machine is 62, RISC-V is 243)"),
        "{e}"
    );
}

#[test]
fn elf32_and_big_endian_elf_files_are_refused() {
    let mut b = elf_bytes();
    b[4] = 1; // ELFCLASS32
    let e = err(Program::from_bytes("elf32", &b));
    assert!(e.contains("not a RISC-V ELF file (not ELF64)"), "{e}");
    let mut b = elf_bytes();
    b[5] = 2; // ELFDATA2MSB
    let e = err(Program::from_bytes("be", &b));
    assert!(
        e.contains("not a RISC-V ELF file (not little-endian)"),
        "{e}"
    );
    let e = err(Program::from_bytes("short", &elf_bytes()[..40]));
    assert!(
        e.contains("not a RISC-V ELF file (the ELF header is cut short)"),
        "{e}"
    );
}

#[test]
fn a_segment_outside_ram_is_refused() {
    let mut b = elf_bytes();
    let ph = first_load(&b);
    put(&mut b, ph + 24, &map::UART.to_le_bytes()); // p_paddr
    let e = err(Program::from_bytes("dev", &b));
    assert!(
        e.contains("segment") && e.contains("lies outside RAM (0x0..0x10000)"),
        "{e}"
    );
    // A segment that starts in RAM and runs past its end.
    let mut b = elf_bytes();
    let ph = first_load(&b);
    put(&mut b, ph + 40, &(map::RAM_BYTES + 8).to_le_bytes()); // p_memsz
    let e = err(Program::from_bytes("long", &b));
    assert!(e.contains("lies outside RAM"), "{e}");
}

#[test]
fn an_entry_point_other_than_reset_rip_is_refused() {
    let mut b = elf_bytes();
    put(&mut b, 24, &0x100u64.to_le_bytes());
    let e = err(Program::from_bytes("entry", &b));
    assert!(
        e.contains("the entry point is 0x100, but the core starts at 0x0"),
        "{e}"
    );
}

#[test]
fn a_flat_binary_larger_than_ram_is_refused() {
    let dir = asm::build_dir().join("loader");
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big.bin");
    std::fs::write(&big, vec![0x13u8; map::RAM_BYTES as usize + 1]).unwrap();
    let e = err(Program::from_file(&big));
    assert!(
        e.contains("big.bin") && e.contains("65537 bytes, more than the SoC's 65536 bytes of RAM"),
        "{e}"
    );
    // Exactly RAM's size is fine.
    let fits = dir.join("fits.bin");
    std::fs::write(&fits, vec![0x13u8; map::RAM_BYTES as usize]).unwrap();
    assert_eq!(
        Program::from_file(&fits).unwrap().image.len(),
        map::RAM_BYTES as usize
    );
}

#[test]
fn a_missing_program_file_is_named() {
    let e = err(Program::from_file(std::path::Path::new(
        "/nonexistent/p.bin",
    )));
    assert!(
        e.contains("cannot read the program /nonexistent/p.bin"),
        "{e}"
    );
}

#[test]
fn an_assembler_error_names_the_file_and_line() {
    let e = err(asm::assemble_text(
        "bad-mnemonic",
        "    addi a0, a0, 1\n\n    bogus a0, a1\n",
    ));
    assert!(
        e.starts_with("cannot assemble ")
            && e.contains(
                "bad-mnemonic.S: bad-mnemonic.S:3:5: error: unrecognized instruction mnemonic"
            ),
        "{e}"
    );
    // The tool's own output follows, with the source line.
    assert!(
        e.contains("llvm-mc (exit 1) said:") && e.contains("bogus a0, a1"),
        "{e}"
    );
}

#[test]
fn an_error_inside_a_macro_points_at_the_line_that_used_it() {
    let text =
        "    .include \"test.inc\"\n    RVTEST_BEGIN\n    EXPECT a0, some_label\n    RVTEST_END\n";
    let e = err(asm::assemble_text("bad-macro", text));
    assert!(
        e.contains("bad-macro.S:3:5: error: operand must be a constant 64-bit integer (in a macro: `li t2, some_label`)"),
        "{e}"
    );
}

#[test]
fn rv64m_and_compressed_instructions_are_not_assembled() {
    let e = err(asm::assemble_text("bad-mul", "    mul a0, a0, a1\n"));
    assert!(
        e.contains("bad-mul.S:1:5: error: instruction requires the following: 'M'"),
        "{e}"
    );
    let e = err(asm::assemble_text("bad-c", "    c.nop\n"));
    assert!(e.contains("bad-c.S:1:5: error:"), "{e}");
}

#[test]
fn a_link_error_names_the_symbol() {
    let e = err(asm::assemble_text(
        "bad-link",
        "    .globl _start\n_start:\n    j nowhere\n",
    ));
    assert!(
        e.starts_with("cannot link ")
            && e.contains("ld.lld: error: undefined symbol: nowhere (referenced by bad-link.S:3)"),
        "{e}"
    );
}

#[test]
fn user_code_larger_than_the_user_window_does_not_link() {
    let text = "    .globl _start\n_start:\n    .section .user.text, \"ax\"\n    .zero 0x8004\n";
    let e = err(asm::assemble_text("bad-user", text));
    assert!(
        e.contains("user code and data do not fit in the user window"),
        "{e}"
    );
}

#[test]
fn a_missing_source_is_named() {
    let e = err(asm::assemble(std::path::Path::new("/nonexistent/x.S")));
    assert!(
        e.contains("cannot assemble /nonexistent/x.S: no such file"),
        "{e}"
    );
}

#[test]
fn a_program_is_named_after_its_path_under_soc_programs() {
    let p = asm::load(&asm::programs_dir().join("isa/../isa/alu.S")).unwrap();
    assert_eq!(p.name, "isa/alu");
    let a = asm::assemble(&asm::programs_dir().join("isa/alu.S")).unwrap();
    assert!(
        a.bin.ends_with("soc-programs/isa-alu.bin"),
        "{}",
        a.bin.display()
    );
}
