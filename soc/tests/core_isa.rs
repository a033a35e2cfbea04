//! The core's RV64I instructions on the rust-hdl SoC, in kernel mode:
//! hand-assembled programs that compare every result with the value Rust
//! computes, and report the first mismatch through `tohost`.

mod core_asm;

use core_asm::{assert_pass, csr, reg::*, run_image, Asm};
use ptu_arch::event_info::pack;

/// Operand pairs: small, negative, sign boundaries, wide patterns.
const PAIRS: &[(u64, u64)] = &[
    (5, 7),
    ((-3i64) as u64, 12),
    (0x8000_0000_0000_0000, 1),
    (0x1234_5678_9abc_def0, 0xfedc_ba98_7654_3210),
    (u64::MAX, 63),
    (0xffff_ffff, 0x7fff_ffff),
    (0x0000_0000_8000_0000, 0x21),
];

fn sext32(x: u64) -> u64 {
    x as u32 as i32 as i64 as u64
}

/// R-type: (f3, f7, word?, Rust semantics).
type RFn = fn(u64, u64) -> u64;
const R_OPS: &[(&str, u32, u32, bool, RFn)] = &[
    ("add", 0, 0, false, |a, b| a.wrapping_add(b)),
    ("sub", 0, 0x20, false, |a, b| a.wrapping_sub(b)),
    ("sll", 1, 0, false, |a, b| a << (b & 63)),
    ("slt", 2, 0, false, |a, b| ((a as i64) < (b as i64)) as u64),
    ("sltu", 3, 0, false, |a, b| (a < b) as u64),
    ("xor", 4, 0, false, |a, b| a ^ b),
    ("srl", 5, 0, false, |a, b| a >> (b & 63)),
    ("sra", 5, 0x20, false, |a, b| {
        ((a as i64) >> (b & 63)) as u64
    }),
    ("or", 6, 0, false, |a, b| a | b),
    ("and", 7, 0, false, |a, b| a & b),
    ("addw", 0, 0, true, |a, b| sext32(a.wrapping_add(b))),
    ("subw", 0, 0x20, true, |a, b| sext32(a.wrapping_sub(b))),
    ("sllw", 1, 0, true, |a, b| {
        sext32(((a as u32) << (b & 31)) as u64)
    }),
    ("srlw", 5, 0, true, |a, b| {
        sext32(((a as u32) >> (b & 31)) as u64)
    }),
    ("sraw", 5, 0x20, true, |a, b| {
        ((a as u32 as i32) >> (b & 31)) as i64 as u64
    }),
];

#[test]
fn register_arithmetic_logic_and_shifts_match_rust() {
    let mut a = Asm::new();
    let mut n = 1;
    for &(x, y) in PAIRS {
        for &(_, f3, f7, word, f) in R_OPS {
            a.li(A0, x).li(A1, y);
            if word {
                a.op32(f3, f7, A2, A0, A1);
            } else {
                a.op(f3, f7, A2, A0, A1);
            }
            a.check(n, A2, f(x, y));
            n += 1;
        }
    }
    a.tohost(1, T0, T1);
    let out = run_image(a.image(), 200_000);
    assert_pass(&out);
    assert!(out.instret > 500, "{}", out.instret);
}

#[test]
fn immediates_lui_and_auipc_match_rust() {
    let mut a = Asm::new();
    let mut n = 1;
    let imms: &[i64] = &[0, 1, -1, 2047, -2048, 0x555, -0x2aa];
    for &(x, _) in PAIRS {
        for &imm in imms {
            let u = imm as u64;
            let sh = (imm as u64 & 63) as u32;
            let shw = sh & 31;
            let cases: Vec<(u32, u64)> = vec![
                (core_asm::i(0x13, 0, A2, A0, imm), x.wrapping_add(u)),
                (core_asm::i(0x13, 2, A2, A0, imm), ((x as i64) < imm) as u64),
                (core_asm::i(0x13, 3, A2, A0, imm), (x < u) as u64),
                (core_asm::i(0x13, 4, A2, A0, imm), x ^ u),
                (core_asm::i(0x13, 6, A2, A0, imm), x | u),
                (core_asm::i(0x13, 7, A2, A0, imm), x & u),
                (core_asm::i(0x13, 1, A2, A0, sh as i64), x << sh),
                (core_asm::i(0x13, 5, A2, A0, sh as i64), x >> sh),
                (
                    core_asm::i(0x13, 5, A2, A0, sh as i64) | (0x10 << 26),
                    ((x as i64) >> sh) as u64,
                ),
                (core_asm::i(0x1b, 0, A2, A0, imm), sext32(x.wrapping_add(u))),
                (
                    core_asm::i(0x1b, 1, A2, A0, shw as i64),
                    sext32(((x as u32) << shw) as u64),
                ),
                (
                    core_asm::i(0x1b, 5, A2, A0, shw as i64),
                    sext32(((x as u32) >> shw) as u64),
                ),
                (
                    core_asm::i(0x1b, 5, A2, A0, shw as i64) | (0x20 << 25),
                    ((x as u32 as i32) >> shw) as i64 as u64,
                ),
            ];
            for (w, expect) in cases {
                a.li(A0, x).word(w).check(n, A2, expect);
                n += 1;
            }
        }
    }
    for imm20 in [0u32, 1, 0x7ffff, 0x80000, 0xfffff, 0x12345] {
        let v = ((imm20 << 12) as i32) as i64 as u64;
        a.lui(A3, imm20).check(n, A3, v);
        n += 1;
        let pc = a.pc();
        a.auipc(A3, imm20).check(n, A3, pc.wrapping_add(v));
        n += 1;
    }
    // x0 stays zero.
    a.addi(ZERO, ZERO, 5).add(A3, ZERO, ZERO).check(n, A3, 0);
    a.tohost(1, T0, T1);
    assert_pass(&run_image(a.image(), 400_000));
}

/// A check that is wrong reports its number: the checks can fail.
#[test]
fn a_wrong_expectation_reports_its_check_number() {
    let mut a = Asm::new();
    a.li(A0, 40)
        .addi(A0, A0, 2)
        .check(1, A0, 42)
        .check(2, A0, 43);
    a.tohost(1, T0, T1);
    let out = run_image(a.image(), 10_000);
    assert_eq!(out.tohost, Some((2 << 1) | 1));
    assert_eq!(
        out.verdict(),
        Some(ptu_soc::map::ToHost::Fail(2)),
        "{out:?}"
    );
}

#[test]
fn loads_and_stores_of_every_width() {
    let base = 0x1000u64;
    let pattern = 0x8192_a3b4_c5d6_e7f8u64;
    let mut mem = [0u8; 32];
    mem[..8].copy_from_slice(&pattern.to_le_bytes());
    mem[8..16].copy_from_slice(&(!pattern).to_le_bytes());
    let mut a = Asm::new();
    a.dword_at(base, pattern).dword_at(base + 8, !pattern);
    a.li(S0, base);
    let mut n = 1;
    // Loads: every width, signed and unsigned, at every aligned offset.
    for (f3, size, signed) in [
        (0u32, 1usize, true),
        (1, 2, true),
        (2, 4, true),
        (3, 8, true),
        (4, 1, false),
        (5, 2, false),
        (6, 4, false),
    ] {
        for off in (0..16).step_by(size) {
            let mut b = [0u8; 8];
            b[..size].copy_from_slice(&mem[off..off + size]);
            let mut v = u64::from_le_bytes(b);
            if signed && size < 8 && v >> (8 * size - 1) & 1 == 1 {
                v |= u64::MAX << (8 * size);
            }
            a.load(f3, A0, S0, off as i64).check(n, A0, v);
            n += 1;
        }
    }
    // Stores: every width at every aligned offset of the second word,
    // then the whole word read back.
    let vals = [0x11u64, 0x2233, 0x4455_6677, 0x8899_aabb_ccdd_eeff];
    for (f3, size) in [(0u32, 1usize), (1, 2), (2, 4), (3, 8)] {
        for off in (0..8).step_by(size) {
            let v = vals[f3 as usize] ^ (off as u64 * 0x0101);
            a.li(A1, v).store(f3, A1, S0, 8 + off as i64);
            mem[8 + off..8 + off + size].copy_from_slice(&v.to_le_bytes()[..size]);
            let word = u64::from_le_bytes(mem[8..16].try_into().unwrap());
            a.ld(A0, S0, 8).check(n, A0, word);
            n += 1;
            // The first word is untouched.
            a.ld(A0, S0, 0).check(n, A0, pattern);
            n += 1;
        }
    }
    // A negative offset from a base register.
    a.li(S1, base + 16)
        .load(3, A0, S1, -16)
        .check(n, A0, pattern);
    a.tohost(1, T0, T1);
    let out = run_image(a.image(), 200_000);
    assert_pass(&out);
    // The trace records the stores with their width and value.
    let stores: Vec<_> = out.trace.iter().filter_map(|r| r.store).collect();
    assert!(
        stores.contains(&(base + 8 + 6, 2, 0x2233 ^ 0x0606)),
        "{stores:x?}"
    );
    assert!(stores.contains(&(base + 8, 8, 0x8899_aabb_ccdd_eeff)));
}

#[test]
fn branches_jal_and_jalr() {
    let mut a = Asm::new();
    let mut n = 1;
    type Cmp = fn(u64, u64) -> bool;
    let conds: &[(u32, Cmp)] = &[
        (0, |x, y| x == y),
        (1, |x, y| x != y),
        (4, |x, y| (x as i64) < (y as i64)),
        (5, |x, y| (x as i64) >= (y as i64)),
        (6, |x, y| x < y),
        (7, |x, y| x >= y),
    ];
    let mut pairs = PAIRS.to_vec();
    pairs.push((7, 7));
    pairs.push(((-5i64) as u64, (-5i64) as u64));
    for &(x, y) in &pairs {
        for &(f3, f) in conds {
            for (p, q) in [(x, y), (y, x)] {
                let skip = format!("skip{n}");
                a.li(A0, p).li(A1, q).li(A2, 1);
                a.br(f3, A0, A1, &skip).li(A2, 0).label(&skip);
                a.check(n, A2, f(p, q) as u64);
                n += 1;
            }
        }
    }
    // A backward branch: a loop of 5.
    a.li(A0, 0)
        .li(A1, 5)
        .label("loop")
        .addi(A0, A0, 1)
        .br(1, A0, A1, "loop");
    a.check(n, A0, 5);
    n += 1;
    // jal links pc + 4 and jumps.
    let pc = a.pc();
    a.jal(RA, "after_jal").tohost((n << 1) | 1, T0, T1);
    a.label("after_jal").check(n, RA, pc + 4);
    n += 1;
    // jalr: target (rs1 + imm) with bit 0 cleared, link pc + 4.
    let target = 0x3000;
    a.li(S0, target - 3);
    let pc = a.pc();
    a.jalr(S1, S0, 4); // (target - 3 + 4) & !1 = target
    a.tohost((n << 1) | 1, T0, T1);
    a.org(target).check(n, S1, pc + 4);
    a.tohost(1, T0, T1);
    assert_pass(&run_image(a.image(), 300_000));
}

/// A kernel whose ENTRY is `handler`: its faults push a frame on the
/// kernel stack; the handler checks EVENT_INFO, EVENT_DATA and the
/// frame's RIP (the faulting instruction's own pc), then passes.
fn kernel_fault(fault: impl Fn(&mut Asm), info: u64, data: u64) -> ptu_soc::run::Outcome {
    let handler = 0x800u64;
    let mut a = Asm::new();
    a.li(SP, 0x7000).li(T0, handler).csrw(csr::ENTRY, T0);
    fault(&mut a);
    let fault_pc = a.pc() - 4; // the fault is the closure's last word
    a.tohost((1 << 1) | 1, T0, T1); // the fault did not happen
    a.org(handler);
    a.csrr(A0, csr::EVENT_INFO).check(2, A0, info);
    a.csrr(A0, csr::EVENT_DATA).check(3, A0, data);
    a.ld(A0, SP, 32).check(4, A0, fault_pc); // the frame's RIP
    a.check(5, SP, 0x7000 - 40);
    a.tohost(1, T0, T1);
    run_image(a.image(), 20_000)
}

#[test]
fn illegal_encodings_raise_ud() {
    let ud = pack(3, 6, 0, false, false);
    for w in [
        0x0000_0000u32, // all zero
        0x3020_0073,    // mret
        0x0020_0073,    // uret
        0x02b5_0533,    // mul a0, a0, a1 (RV64M)
        0x0000_4073,    // SYSTEM funct3 4
        0x0005_7003,    // load funct3 7
        0x3000_2573,    // csrrs a0, mstatus, x0: not a CSR of this core
        0xc000_1073,    // csrw cycle, x0: the counters are read only
    ] {
        let out = kernel_fault(
            |a| {
                a.word(w);
            },
            ud,
            0,
        );
        assert_pass(&out);
    }
}

#[test]
fn ebreak_raises_bp() {
    assert_pass(&kernel_fault(
        |a| {
            a.ebreak();
        },
        pack(3, 3, 0, false, false),
        0,
    ));
}

#[test]
fn misaligned_loads_and_stores_raise_ac_with_the_address() {
    let ac = pack(3, 17, 0, false, true);
    for (f3, store, off) in [
        (1u32, false, 1i64),
        (2, false, 2),
        (3, false, 4),
        (1, true, 3),
        (3, true, 1),
    ] {
        let out = kernel_fault(
            |a| {
                a.li(S0, 0x1000);
                if store {
                    a.store(f3, A0, S0, off);
                } else {
                    a.load(f3, A0, S0, off);
                }
            },
            ac,
            0x1000 + off as u64,
        );
        assert_pass(&out);
    }
}

#[test]
fn a_jump_to_a_misaligned_target_raises_gp_and_does_not_jump() {
    let gp = pack(3, 13, 0, false, true);
    let out = kernel_fault(
        |a| {
            a.li(S0, 0x402);
            a.jalr(RA, S0, 0);
        },
        gp,
        0x402,
    );
    assert_pass(&out);
    assert!(out
        .trace
        .iter()
        .all(|r| r.rd.map(|(rd, _)| rd) != Some(RA as u8)));
}

#[test]
fn kernel_access_to_nothing_raises_pf_not_present() {
    let out = kernel_fault(
        |a| {
            a.lui(S0, 0x20000);
            a.ld(A0, S0, 8);
        },
        pack(3, 14, 0, false, true),
        0x2000_0008,
    );
    assert_pass(&out);
    let out = kernel_fault(
        |a| {
            a.lui(S0, 0x20000);
            a.sd(A0, S0, 0);
        },
        pack(3, 14, 2, false, true),
        0x2000_0000,
    );
    assert_pass(&out);
}

#[test]
fn counters_read_in_kernel_mode() {
    let mut a = Asm::new();
    a.addi(A0, ZERO, 1).addi(A0, A0, 1).addi(A0, A0, 1);
    // Three instructions retired before this one.
    a.csrr(A1, csr::INSTRET).check(1, A1, 3);
    a.csrr(A2, csr::CYCLE).csrr(A3, csr::TIME);
    a.op(3, 0, A4, A2, A3).check(2, A4, 1); // time read later than cycle
    a.li(A5, 15).op(3, 0, A4, A5, A2).check(3, A4, 1); // > 15 cycles in
    a.tohost(1, T0, T1);
    assert_pass(&run_image(a.image(), 20_000));
}

#[test]
fn fence_and_wfi_are_no_ops() {
    let mut a = Asm::new();
    a.li(A0, 3)
        .fence()
        .word(0x0000_100f)
        .word(0x1050_0073)
        .addi(A0, A0, 1)
        .check(1, A0, 4);
    a.tohost(1, T0, T1);
    assert_pass(&run_image(a.image(), 20_000));
}

#[test]
fn the_uart_sends_what_the_program_writes() {
    let mut a = Asm::new();
    a.li(S0, 0x1000_0000);
    for &c in b"ptu\n" {
        let wait = format!("wait{}", a.pc());
        a.label(&wait).ld(T0, S0, 0).br(1, T0, ZERO, &wait);
        a.li(A0, c as u64).sb(A0, S0, 0);
    }
    // Wait for the last byte to go out, then stop.
    a.label("drain").ld(T0, S0, 0).br(1, T0, ZERO, "drain");
    a.tohost(1, T0, T1);
    let out = run_image(a.image(), 50_000);
    assert_pass(&out);
    assert_eq!(out.uart, b"ptu\n");
}
