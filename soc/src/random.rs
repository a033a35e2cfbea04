//! Seeded random RV64I programs (or RV32I: [`generate_xlen`]), for
//! running the same program on the instruction-level model
//! ([`crate::iss`]) and on the RTL core and comparing their retire traces.
//!
//! **RV32I** (`xlen` 32): the same layout and kinds of instruction without
//! the RV64-only ones (no `*W` instructions, `ld`, `lwu`, `sd`; immediate
//! shifts by 0..31), the table's values 32 bits wide and read with `lw`
//! (the low half of each 8-byte slot), and a handler that tells a SYSCALL
//! from user mode from one from kernel mode by STATUS.framed (a 32-bit CSR
//! read of EVENT_INFO has no `from_user`); a user round trip leaves
//! x31 = 2 instead of 0. The 64-bit programs are the same as before for
//! every seed.
//!
//! [`random_program`]`(seed, len)` gives a program of `len` random
//! instructions in user mode, with a fixed kernel around them:
//!
//! | address | what |
//! |---|---|
//! | `0x0000` | kernel prelude: ENTRY = the handler, URIP = `0x8000`, URSP and UGS random, every register but x0 loaded from the table (x2 = kernel sp `0x7000`, x4 = kernel tp, x28 = the data area, x30 = 0), then `sret` to user mode |
//! | `0x0200` | the handler: a SYSCALL from user counts itself in x30, makes a SYSCALL from kernel mode (a framed entry into the handler again, which increments the kernel's tp and returns by a framed `sret`), then `sret`s back to user; to user code, a round trip only does x30 += 1 and x31 = 0. Any other event ends the run: `ebreak` (the last instruction) stores 1 to `tohost`, anything else `((EVENT_INFO & 0xffff) << 1) \| 1` |
//! | `0x1000` | the table: initial registers, the CSR values, the expected `ebreak` EVENT_INFO |
//! | `0x8000` | the random user instructions, then `ebreak` |
//! | `0xC000` | the data area, 2 KiB of random bytes, base register x28 |
//!
//! The random instructions are ALU register and immediate operations
//! (including the W forms, `lui` and `auipc`), loads and stores of every
//! size at aligned offsets inside the data area, forward branches, `jal`
//! and `auipc`+`jalr` pairs that skip up to three following items, `fence`,
//! and `ecall` round trips through the handler. Their destinations are any
//! register but x0, x2 (sp), x28 (the data base) and x30/x31 (the
//! handler's); x4 (tp) is written, so `gs_we` is exercised; every register
//! is read, sp included. No instruction faults, reads a counter or touches
//! a device, so the traces of a correct core and of the model are equal
//! entry for entry (see [`crate::iss`], "The retire trace"): the retires,
//! per user `ecall` two SYSCALL events (from user, unframed; from kernel,
//! framed: five frame words pushed and popped) and two ERETs, and the
//! final #BP event, followed by the handler's retires up to the `tohost`
//! store.

use crate::map;
use crate::program::Program;
use ptu_sim::bus::rng::Rng;

/// Where the pieces go (see the module's table).
pub const HANDLER: u64 = 0x200;
pub const TABLE: u64 = 0x1000;
pub const USER_CODE: u64 = map::USER_BASE;
pub const DATA: u64 = 0xC000;
pub const DATA_BYTES: u64 = 2048;
/// The kernel's sp while the program runs.
pub const KERNEL_SP: u64 = 0x7000;
/// The data area's base register.
const BASE: u32 = 28;
/// The registers random instructions may write.
const WRITABLE: [u32; 27] = [
    1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
    29,
];

/// A generated program, with its instructions as assembly text too.
#[derive(Clone, Debug)]
pub struct RandomProgram {
    pub program: Program,
    /// The kernel's instructions from address 0, one per word, as
    /// (encoding, assembly text) with branch offsets as numbers
    /// (`beq x5, x6, 12`), which llvm-mc assembles to the same words.
    pub kernel: Vec<(u32, String)>,
    /// The handler's, from [`HANDLER`].
    pub handler: Vec<(u32, String)>,
    /// The user instructions, from [`USER_CODE`].
    pub user: Vec<(u32, String)>,
    /// How many `ecall` round trips the user code makes.
    pub syscalls: usize,
}

/// The program for `seed` with `len` random instructions (items; an
/// `auipc`+`jalr` pair counts as one).
pub fn random_program(seed: u64, len: usize) -> Program {
    generate(seed, len).program
}

/// [`random_program`] for an RV32I (`xlen` 32) or RV64I (64) core.
pub fn random_program_xlen(seed: u64, len: usize, xlen: usize) -> Program {
    generate_xlen(seed, len, xlen).program
}

/// How many of each table's first entries a core of `xlen` bits has (the
/// RV64-only ones come last).
struct Ops {
    r: usize,
    i: usize,
    shift: usize,
    loads: &'static [(&'static str, u32, u64)],
    stores: usize,
}

fn ops(xlen: usize) -> Ops {
    if xlen == 32 {
        Ops {
            r: 10,
            i: 6,
            shift: 3,
            loads: &LOADS32,
            stores: 3,
        }
    } else {
        Ops {
            r: R_OPS.len(),
            i: I_OPS.len(),
            shift: SHIFT_OPS.len(),
            loads: &LOADS,
            stores: STORES.len(),
        }
    }
}

// The encodings of RV64I's formats.
fn r(f7: u32, rs2: u32, rs1: u32, f3: u32, rd: u32, op: u32) -> u32 {
    (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op
}
fn i(imm: i32, rs1: u32, f3: u32, rd: u32, op: u32) -> u32 {
    (((imm as u32) & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op
}
fn s(imm: i32, rs2: u32, rs1: u32, f3: u32, op: u32) -> u32 {
    let imm = imm as u32;
    (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | op
}
fn b(imm: i32, rs2: u32, rs1: u32, f3: u32) -> u32 {
    let imm = imm as u32;
    (((imm >> 12) & 1) << 31)
        | (((imm >> 5) & 0x3f) << 25)
        | (rs2 << 20)
        | (rs1 << 15)
        | (f3 << 12)
        | (((imm >> 1) & 0xf) << 8)
        | (((imm >> 11) & 1) << 7)
        | 0x63
}
fn u(imm20: u32, rd: u32, op: u32) -> u32 {
    ((imm20 & 0xfffff) << 12) | (rd << 7) | op
}
fn j(imm: i32, rd: u32) -> u32 {
    let imm = imm as u32;
    (((imm >> 20) & 1) << 31)
        | (((imm >> 1) & 0x3ff) << 21)
        | (((imm >> 11) & 1) << 20)
        | (((imm >> 12) & 0xff) << 12)
        | (rd << 7)
        | 0x6f
}

const R_OPS: [(&str, u32, u32, u32); 15] = [
    ("add", 0, 0, 0x33),
    ("sub", 0x20, 0, 0x33),
    ("sll", 0, 1, 0x33),
    ("slt", 0, 2, 0x33),
    ("sltu", 0, 3, 0x33),
    ("xor", 0, 4, 0x33),
    ("srl", 0, 5, 0x33),
    ("sra", 0x20, 5, 0x33),
    ("or", 0, 6, 0x33),
    ("and", 0, 7, 0x33),
    ("addw", 0, 0, 0x3b),
    ("subw", 0x20, 0, 0x3b),
    ("sllw", 0, 1, 0x3b),
    ("srlw", 0, 5, 0x3b),
    ("sraw", 0x20, 5, 0x3b),
];
const I_OPS: [(&str, u32, u32); 7] = [
    ("addi", 0, 0x13),
    ("slti", 2, 0x13),
    ("sltiu", 3, 0x13),
    ("xori", 4, 0x13),
    ("ori", 6, 0x13),
    ("andi", 7, 0x13),
    ("addiw", 0, 0x1b),
];
/// Shifts by an immediate: name, funct6/funct7 high bits, funct3, opcode,
/// the shift amount's width.
const SHIFT_OPS: [(&str, u32, u32, u32, u32); 6] = [
    ("slli", 0, 1, 0x13, 6),
    ("srli", 0, 5, 0x13, 6),
    ("srai", 0x400, 5, 0x13, 6),
    ("slliw", 0, 1, 0x1b, 5),
    ("srliw", 0, 5, 0x1b, 5),
    ("sraiw", 0x400, 5, 0x1b, 5),
];
const LOADS: [(&str, u32, u64); 7] = [
    ("lb", 0, 1),
    ("lh", 1, 2),
    ("lw", 2, 4),
    ("ld", 3, 8),
    ("lbu", 4, 1),
    ("lhu", 5, 2),
    ("lwu", 6, 4),
];
/// The RV32I loads (no `ld`, no `lwu`).
const LOADS32: [(&str, u32, u64); 5] = [
    ("lb", 0, 1),
    ("lh", 1, 2),
    ("lw", 2, 4),
    ("lbu", 4, 1),
    ("lhu", 5, 2),
];
const STORES: [(&str, u32, u64); 4] = [("sb", 0, 1), ("sh", 1, 2), ("sw", 2, 4), ("sd", 3, 8)];
const BRANCHES: [(&str, u32); 6] = [
    ("beq", 0),
    ("bne", 1),
    ("blt", 4),
    ("bge", 5),
    ("bltu", 6),
    ("bgeu", 7),
];

/// One random item before layout: its words, with control transfers
/// still to be resolved.
enum Item {
    Plain(Vec<(u32, String)>),
    Branch {
        f3: u32,
        name: &'static str,
        rs1: u32,
        rs2: u32,
        skip: usize,
    },
    Jal {
        rd: u32,
        skip: usize,
    },
    /// `auipc tmp, 0` then `jalr rd, off(tmp)`.
    Jalr {
        tmp: u32,
        rd: u32,
        skip: usize,
    },
    Ecall,
}

impl Item {
    fn words(&self) -> usize {
        match self {
            Item::Plain(w) => w.len(),
            Item::Jalr { .. } => 2,
            _ => 1,
        }
    }
}

fn one(w: u32, text: String) -> Item {
    Item::Plain(vec![(w, text)])
}

fn random_item(rng: &mut Rng, xlen: usize) -> Item {
    let ops = ops(xlen);
    let writable = |rng: &mut Rng| WRITABLE[rng.below(WRITABLE.len() as u64) as usize];
    let any = |rng: &mut Rng| rng.below(32) as u32;
    let skip = |rng: &mut Rng| rng.below(4) as usize;
    match rng.below(100) {
        0..=24 => {
            let (name, f7, f3, op) = R_OPS[rng.below(ops.r as u64) as usize];
            let (rd, rs1, rs2) = (writable(rng), any(rng), any(rng));
            one(
                r(f7, rs2, rs1, f3, rd, op),
                format!("{name} x{rd}, x{rs1}, x{rs2}"),
            )
        }
        25..=42 => {
            let (name, f3, op) = I_OPS[rng.below(ops.i as u64) as usize];
            let (rd, rs1) = (writable(rng), any(rng));
            let imm = rng.range(0, 4095) as i32 - 2048;
            one(
                i(imm, rs1, f3, rd, op),
                format!("{name} x{rd}, x{rs1}, {imm}"),
            )
        }
        43..=50 => {
            let (name, hi, f3, op, width) = SHIFT_OPS[rng.below(ops.shift as u64) as usize];
            let width = if xlen == 32 { 5 } else { width };
            let (rd, rs1) = (writable(rng), any(rng));
            let sh = rng.below(1 << width) as u32;
            one(
                i((hi | sh) as i32, rs1, f3, rd, op),
                format!("{name} x{rd}, x{rs1}, {sh}"),
            )
        }
        51..=54 => {
            let rd = writable(rng);
            let imm = rng.below(1 << 20) as u32;
            if rng.below(2) == 0 {
                one(u(imm, rd, 0x37), format!("lui x{rd}, 0x{imm:x}"))
            } else {
                one(u(imm, rd, 0x17), format!("auipc x{rd}, 0x{imm:x}"))
            }
        }
        55..=67 => {
            let (name, f3, size) = ops.loads[rng.below(ops.loads.len() as u64) as usize];
            let rd = writable(rng);
            let off = (rng.below(DATA_BYTES / size) * size) as i32;
            one(
                i(off, BASE, f3, rd, 0x03),
                format!("{name} x{rd}, {off}(x{BASE})"),
            )
        }
        68..=79 => {
            let (name, f3, size) = STORES[rng.below(ops.stores as u64) as usize];
            let rs2 = any(rng);
            let off = (rng.below(DATA_BYTES / size) * size) as i32;
            one(
                s(off, rs2, BASE, f3, 0x23),
                format!("{name} x{rs2}, {off}(x{BASE})"),
            )
        }
        80..=89 => {
            let (name, f3) = BRANCHES[rng.below(BRANCHES.len() as u64) as usize];
            Item::Branch {
                f3,
                name,
                rs1: any(rng),
                rs2: any(rng),
                skip: skip(rng),
            }
        }
        90..=92 => Item::Jal {
            rd: if rng.below(3) == 0 { 0 } else { writable(rng) },
            skip: skip(rng),
        },
        93..=94 => Item::Jalr {
            tmp: writable(rng),
            rd: writable(rng),
            skip: skip(rng),
        },
        95 => one(0x0ff0_000f, "fence".into()),
        _ => Item::Ecall,
    }
}

/// Lay the items out from word 0 and resolve their targets: a transfer
/// skips `skip` whole items after it (never past the final `ebreak`).
fn layout(items: &[Item]) -> Vec<(u32, String)> {
    let mut start = Vec::with_capacity(items.len() + 1);
    let mut at = 0usize;
    for it in items {
        start.push(at);
        at += it.words();
    }
    start.push(at);
    let last = items.len() - 1;
    let target = |k: usize, skip: usize| start[(k + 1 + skip).min(last)];
    let mut out = Vec::with_capacity(at);
    for (k, it) in items.iter().enumerate() {
        let here = start[k];
        match *it {
            Item::Plain(ref w) => out.extend(w.iter().cloned()),
            Item::Branch {
                f3,
                name,
                rs1,
                rs2,
                skip,
            } => {
                let off = ((target(k, skip) - here) * 4) as i32;
                out.push((
                    b(off, rs2, rs1, f3),
                    format!("{name} x{rs1}, x{rs2}, {off}"),
                ));
            }
            Item::Jal { rd, skip } => {
                let off = ((target(k, skip) - here) * 4) as i32;
                out.push((j(off, rd), format!("jal x{rd}, {off}")));
            }
            Item::Jalr { tmp, rd, skip } => {
                let off = ((target(k, skip) - here) * 4) as i32;
                out.push((u(0, tmp, 0x17), format!("auipc x{tmp}, 0")));
                out.push((
                    i(off, tmp, 0, rd, 0x67),
                    format!("jalr x{rd}, {off}(x{tmp})"),
                ));
            }
            Item::Ecall => out.push((0x0000_0073, "ecall".into())),
        }
    }
    out
}

/// Table slots (8 bytes each from [`TABLE`]): registers 0..32, then these.
const T_ENTRY: usize = 32;
const T_URIP: usize = 33;
const T_URSP: usize = 34;
const T_UGS: usize = 35;
const T_BP_INFO: usize = 36;

fn csrw(csr: u32, rs1: u32) -> (u32, String) {
    (
        i(csr as i32, rs1, 1, 0, 0x73),
        format!("csrrw x0, 0x{csr:x}, x{rs1}"),
    )
}

fn ld(rd: u32, off: i32, rs1: u32) -> (u32, String) {
    (i(off, rs1, 3, rd, 0x03), format!("ld x{rd}, {off}(x{rs1})"))
}

fn lw(rd: u32, off: i32, rs1: u32) -> (u32, String) {
    (i(off, rs1, 2, rd, 0x03), format!("lw x{rd}, {off}(x{rs1})"))
}

/// The kernel prelude at address 0 (see the module's table).
fn kernel_prelude(xlen: usize) -> Vec<(u32, String)> {
    let ld = if xlen == 32 { lw } else { ld };
    let t = 31;
    let mut v = vec![(
        u((TABLE >> 12) as u32, t, 0x37),
        format!("lui x{t}, 0x{:x}", TABLE >> 12),
    )];
    for (slot, csr) in [
        (T_ENTRY, 0x5C0),
        (T_URIP, 0x5D0),
        (T_URSP, 0x5D1),
        (T_UGS, 0x5D2),
    ] {
        v.push(ld(5, 8 * slot as i32, t));
        v.push(csrw(csr, 5));
    }
    for reg in 1..31 {
        v.push(ld(reg, 8 * reg as i32, t));
    }
    v.push(ld(t, 8 * t as i32, t));
    v.push((0x1020_0073, "sret".into()));
    v
}

/// The RV32I handler at [`HANDLER`]: SYSCALL from kernel mode is the
/// framed one (STATUS bit 1).
fn handler32() -> Vec<(u32, String)> {
    let tohost_hi = (map::TOHOST >> 12) as u32;
    let tohost_lo = (map::TOHOST & 0xfff) as i32;
    vec![
        (i(0x5C4, 0, 2, 31, 0x73), "csrrs x31, 0x5c4, x0".into()),
        (i(-7, 31, 0, 31, 0x13), "addi x31, x31, -7".into()),
        // Not a SYSCALL: the end.
        (b(36, 0, 31, 1), "bne x31, x0, 36".into()),
        (i(0x5C3, 0, 2, 31, 0x73), "csrrs x31, 0x5c3, x0".into()),
        (i(2, 31, 7, 31, 0x13), "andi x31, x31, 2".into()),
        // Framed: the SYSCALL from kernel mode (the one below).
        (b(16, 0, 31, 1), "bne x31, x0, 16".into()),
        (i(1, 30, 0, 30, 0x13), "addi x30, x30, 1".into()),
        (0x0000_0073, "ecall".into()),
        (0x1020_0073, "sret".into()),
        (i(1, 4, 0, 4, 0x13), "addi x4, x4, 1".into()),
        (0x1020_0073, "sret".into()),
        // The end: ebreak passes, anything else fails with its info.
        (i(0x5C4, 0, 2, 31, 0x73), "csrrs x31, 0x5c4, x0".into()),
        (u(tohost_hi, 30, 0x37), format!("lui x30, 0x{tohost_hi:x}")),
        (
            i(tohost_lo, 30, 0, 30, 0x13),
            format!("addi x30, x30, {tohost_lo}"),
        ),
        (
            u((TABLE >> 12) as u32, 29, 0x37),
            format!("lui x29, 0x{:x}", TABLE >> 12),
        ),
        lw(29, 8 * T_BP_INFO as i32, 29),
        (b(24, 29, 31, 0), "beq x31, x29, 24".into()),
        (i(16, 31, 1, 31, 0x13), "slli x31, x31, 16".into()),
        (i(15, 31, 5, 31, 0x13), "srli x31, x31, 15".into()),
        (i(1, 31, 6, 31, 0x13), "ori x31, x31, 1".into()),
        (s(0, 31, 30, 2, 0x23), "sw x31, 0(x30)".into()),
        (j(0, 0), "jal x0, 0".into()),
        (i(1, 0, 0, 31, 0x13), "addi x31, x0, 1".into()),
        (s(0, 31, 30, 2, 0x23), "sw x31, 0(x30)".into()),
        (j(0, 0), "jal x0, 0".into()),
    ]
}

/// The handler at [`HANDLER`].
fn handler() -> Vec<(u32, String)> {
    let tohost_hi = (map::TOHOST >> 12) as u32;
    let tohost_lo = (map::TOHOST & 0xfff) as i32;
    vec![
        (i(0x5C4, 0, 2, 31, 0x73), "csrrs x31, 0x5c4, x0".into()),
        (i(-7, 31, 0, 31, 0x13), "addi x31, x31, -7".into()),
        // Exactly 7: a SYSCALL from kernel mode (the one below).
        (b(24, 0, 31, 0), "beq x31, x0, 24".into()),
        // A SYSCALL from user is 7 | 1 << 48: zero in the low 48 bits
        // after subtracting 7.
        (i(16, 31, 1, 31, 0x13), "slli x31, x31, 16".into()),
        (b(24, 0, 31, 1), "bne x31, x0, 24".into()),
        (i(1, 30, 0, 30, 0x13), "addi x30, x30, 1".into()),
        // A SYSCALL from kernel mode: a framed entry into this handler,
        // whose framed sret comes back here.
        (0x0000_0073, "ecall".into()),
        // Unframed: back to user mode after its ecall.
        (0x1020_0073, "sret".into()),
        // The SYSCALL from kernel mode: change the kernel's tp, return.
        (i(1, 4, 0, 4, 0x13), "addi x4, x4, 1".into()),
        (0x1020_0073, "sret".into()),
        // The end: ebreak passes, anything else fails with its info.
        (i(0x5C4, 0, 2, 31, 0x73), "csrrs x31, 0x5c4, x0".into()),
        (u(tohost_hi, 30, 0x37), format!("lui x30, 0x{tohost_hi:x}")),
        (
            i(tohost_lo, 30, 0, 30, 0x13),
            format!("addi x30, x30, {tohost_lo}"),
        ),
        (
            u((TABLE >> 12) as u32, 29, 0x37),
            format!("lui x29, 0x{:x}", TABLE >> 12),
        ),
        ld(29, 8 * T_BP_INFO as i32, 29),
        (b(24, 29, 31, 0), "beq x31, x29, 24".into()),
        (i(48, 31, 1, 31, 0x13), "slli x31, x31, 48".into()),
        (i(47, 31, 5, 31, 0x13), "srli x31, x31, 47".into()),
        (i(1, 31, 6, 31, 0x13), "ori x31, x31, 1".into()),
        (s(0, 31, 30, 3, 0x23), "sd x31, 0(x30)".into()),
        (j(0, 0), "jal x0, 0".into()),
        (i(1, 0, 0, 31, 0x13), "addi x31, x0, 1".into()),
        (s(0, 31, 30, 3, 0x23), "sd x31, 0(x30)".into()),
        (j(0, 0), "jal x0, 0".into()),
    ]
}

/// The program for `seed` with `len` random items, with its listing.
pub fn generate(seed: u64, len: usize) -> RandomProgram {
    generate_xlen(seed, len, 64)
}

/// [`generate`] for an RV32I (`xlen` 32) or RV64I (64) core.
pub fn generate_xlen(seed: u64, len: usize, xlen: usize) -> RandomProgram {
    assert!(xlen == 32 || xlen == 64, "xlen {xlen}: 32 or 64");
    let mut rng = Rng::new(seed);
    let mut items: Vec<Item> = (0..len).map(|_| random_item(&mut rng, xlen)).collect();
    items.push(one(0x0010_0073, "ebreak".into()));
    let syscalls = items.iter().filter(|it| matches!(it, Item::Ecall)).count();
    let user = layout(&items);
    assert!(
        USER_CODE + 4 * user.len() as u64 <= DATA,
        "{len} random instructions do not fit between 0x{USER_CODE:x} and 0x{DATA:x}"
    );

    let mut table = [0u64; 37];
    for v in table.iter_mut().take(32) {
        *v = rng.next_u64();
    }
    table[0] = 0;
    table[2] = KERNEL_SP;
    table[BASE as usize] = DATA;
    table[30] = 0;
    table[T_ENTRY] = HANDLER;
    table[T_URIP] = USER_CODE;
    table[T_URSP] = rng.next_u64();
    table[T_UGS] = rng.next_u64();
    table[T_BP_INFO] = ptu_arch::event_info::pack(
        ptu_arch::event_type::HARDWARE_EXCEPTION,
        map::vector::BP,
        0,
        true,
        false,
    );
    if xlen == 32 {
        // 32-bit registers; EVENT_INFO as a 32-bit CSR read sees it.
        for v in table.iter_mut() {
            *v &= 0xffff_ffff;
        }
    }

    let kernel = kernel_prelude(xlen);
    let handler = if xlen == 32 { handler32() } else { handler() };
    let mut image = vec![0u8; (DATA + DATA_BYTES) as usize];
    let mut put = |at: u64, bytes: &[u8]| {
        image[at as usize..at as usize + bytes.len()].copy_from_slice(bytes);
    };
    for (k, (w, _)) in kernel.iter().enumerate() {
        put(4 * k as u64, &w.to_le_bytes());
    }
    for (k, (w, _)) in handler.iter().enumerate() {
        put(HANDLER + 4 * k as u64, &w.to_le_bytes());
    }
    for (k, v) in table.iter().enumerate() {
        put(TABLE + 8 * k as u64, &v.to_le_bytes());
    }
    for (k, (w, _)) in user.iter().enumerate() {
        put(USER_CODE + 4 * k as u64, &w.to_le_bytes());
    }
    let data: Vec<u8> = (0..DATA_BYTES / 8)
        .flat_map(|_| rng.next_u64().to_le_bytes())
        .collect();
    put(DATA, &data);
    let name = if xlen == 32 {
        format!("random32-{seed}-{len}")
    } else {
        format!("random-{seed}-{len}")
    };
    let program =
        Program::from_image(&name, image).expect("the random program's layout fits in RAM");
    RandomProgram {
        program,
        kernel,
        handler,
        user,
        syscalls,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_program_and_another_seed_another() {
        assert_eq!(random_program(7, 300), random_program(7, 300));
        assert_ne!(random_program(7, 300).image, random_program(8, 300).image);
    }

    #[test]
    fn the_rv32_programs_have_no_rv64_only_instruction() {
        for seed in 0..20 {
            let p = generate_xlen(seed, 300, 32);
            for (w, text) in p.kernel.iter().chain(&p.handler).chain(&p.user) {
                let (op, f3) = (w & 0x7f, (w >> 12) & 7);
                assert!(op != 0x1b && op != 0x3b, "seed {seed}: {text}");
                assert!(!(op == 0x03 && (f3 == 3 || f3 == 6)), "seed {seed}: {text}");
                assert!(!(op == 0x23 && f3 == 3), "seed {seed}: {text}");
                let shift = op == 0x13 && (f3 == 1 || f3 == 5);
                assert!(!(shift && (w >> 25) & 1 == 1), "seed {seed}: {text}");
            }
        }
        // The 64-bit programs do have them.
        let p = generate(1, 300);
        assert!(p
            .user
            .iter()
            .any(|(w, _)| w & 0x7f == 0x1b || w & 0x7f == 0x3b));
    }

    #[test]
    fn branch_offsets_encode_as_the_isa_says() {
        // beq x1, x2, -8 and jal x0, 2048, from the ISA manual's formats.
        assert_eq!(b(-8, 2, 1, 0), 0xfe20_8ce3);
        assert_eq!(j(2048, 0), 0x0010_006f);
        assert_eq!(s(-1, 5, 6, 3, 0x23), 0xfe53_3fa3);
    }
}
