//! A tiny RV64I encoder for the core's tests: hand-assembled programs
//! with labels, so the tests need no toolchain.

#![allow(dead_code)]

use std::collections::BTreeMap;

/// Register numbers by ABI name.
pub mod reg {
    pub const ZERO: u32 = 0;
    pub const RA: u32 = 1;
    pub const SP: u32 = 2;
    pub const GP: u32 = 3;
    pub const TP: u32 = 4;
    pub const T0: u32 = 5;
    pub const T1: u32 = 6;
    pub const T2: u32 = 7;
    pub const S0: u32 = 8;
    pub const S1: u32 = 9;
    pub const A0: u32 = 10;
    pub const A1: u32 = 11;
    pub const A2: u32 = 12;
    pub const A3: u32 = 13;
    pub const A4: u32 = 14;
    pub const A5: u32 = 15;
    pub const A6: u32 = 16;
    pub const A7: u32 = 17;
    pub const S2: u32 = 18;
    pub const S3: u32 = 19;
    pub const S4: u32 = 20;
    pub const T3: u32 = 28;
    pub const T4: u32 = 29;
    pub const T5: u32 = 30;
    pub const T6: u32 = 31;
}

pub fn r(op: u32, f3: u32, f7: u32, rd: u32, rs1: u32, rs2: u32) -> u32 {
    (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op
}
pub fn i(op: u32, f3: u32, rd: u32, rs1: u32, imm: i64) -> u32 {
    assert!((-2048..2048).contains(&imm), "I immediate {imm}");
    (((imm as u32) & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op
}
pub fn s(op: u32, f3: u32, rs1: u32, rs2: u32, imm: i64) -> u32 {
    assert!((-2048..2048).contains(&imm), "S immediate {imm}");
    let imm = imm as u32;
    (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op
}
pub fn b(f3: u32, rs1: u32, rs2: u32, off: i64) -> u32 {
    assert!(
        (-4096..4096).contains(&off) && off % 2 == 0,
        "B offset {off}"
    );
    let o = off as u32;
    (((o >> 12) & 1) << 31)
        | (((o >> 5) & 0x3f) << 25)
        | (rs2 << 20)
        | (rs1 << 15)
        | (f3 << 12)
        | (((o >> 1) & 0xf) << 8)
        | (((o >> 11) & 1) << 7)
        | 0x63
}
pub fn u(op: u32, rd: u32, imm20: u32) -> u32 {
    ((imm20 & 0xfffff) << 12) | (rd << 7) | op
}
pub fn j(rd: u32, off: i64) -> u32 {
    assert!(
        (-(1 << 20)..(1 << 20)).contains(&off) && off % 2 == 0,
        "J offset {off}"
    );
    let o = off as u32;
    (((o >> 20) & 1) << 31)
        | (((o >> 1) & 0x3ff) << 21)
        | (((o >> 11) & 1) << 20)
        | (((o >> 12) & 0xff) << 12)
        | (rd << 7)
        | 0x6f
}

enum Fixup {
    Branch(u32, u32, u32),
    Jal(u32),
}

/// A program being assembled from address 0.
pub struct Asm {
    words: BTreeMap<u64, u32>,
    pc: u64,
    labels: BTreeMap<String, u64>,
    fixups: Vec<(u64, String, Fixup)>,
    data: BTreeMap<u64, u8>,
}

impl Default for Asm {
    fn default() -> Self {
        Self::new()
    }
}

impl Asm {
    pub fn new() -> Self {
        Self {
            words: BTreeMap::new(),
            pc: 0,
            labels: BTreeMap::new(),
            fixups: Vec::new(),
            data: BTreeMap::new(),
        }
    }
    /// Continue assembling at `addr`.
    pub fn org(&mut self, addr: u64) -> &mut Self {
        self.pc = addr;
        self
    }
    pub fn pc(&self) -> u64 {
        self.pc
    }
    pub fn label(&mut self, name: &str) -> &mut Self {
        assert!(
            self.labels.insert(name.into(), self.pc).is_none(),
            "label {name} twice"
        );
        self
    }
    pub fn addr_of(&self, name: &str) -> u64 {
        self.labels[name]
    }
    /// One raw instruction word.
    pub fn word(&mut self, w: u32) -> &mut Self {
        self.words.insert(self.pc, w);
        self.pc += 4;
        self
    }
    /// Bytes of data at `addr` (not at the pc).
    pub fn bytes_at(&mut self, addr: u64, bytes: &[u8]) -> &mut Self {
        for (k, b) in bytes.iter().enumerate() {
            self.data.insert(addr + k as u64, *b);
        }
        self
    }
    pub fn dword_at(&mut self, addr: u64, v: u64) -> &mut Self {
        self.bytes_at(addr, &v.to_le_bytes())
    }

    // ---- RV64I.
    pub fn lui(&mut self, rd: u32, imm20: u32) -> &mut Self {
        self.word(u(0x37, rd, imm20))
    }
    pub fn auipc(&mut self, rd: u32, imm20: u32) -> &mut Self {
        self.word(u(0x17, rd, imm20))
    }
    pub fn addi(&mut self, rd: u32, rs1: u32, imm: i64) -> &mut Self {
        self.word(i(0x13, 0, rd, rs1, imm))
    }
    pub fn slti(&mut self, rd: u32, rs1: u32, imm: i64) -> &mut Self {
        self.word(i(0x13, 2, rd, rs1, imm))
    }
    pub fn sltiu(&mut self, rd: u32, rs1: u32, imm: i64) -> &mut Self {
        self.word(i(0x13, 3, rd, rs1, imm))
    }
    pub fn xori(&mut self, rd: u32, rs1: u32, imm: i64) -> &mut Self {
        self.word(i(0x13, 4, rd, rs1, imm))
    }
    pub fn ori(&mut self, rd: u32, rs1: u32, imm: i64) -> &mut Self {
        self.word(i(0x13, 6, rd, rs1, imm))
    }
    pub fn andi(&mut self, rd: u32, rs1: u32, imm: i64) -> &mut Self {
        self.word(i(0x13, 7, rd, rs1, imm))
    }
    pub fn slli(&mut self, rd: u32, rs1: u32, sh: u32) -> &mut Self {
        self.word(i(0x13, 1, rd, rs1, sh as i64))
    }
    pub fn srli(&mut self, rd: u32, rs1: u32, sh: u32) -> &mut Self {
        self.word(i(0x13, 5, rd, rs1, sh as i64))
    }
    pub fn srai(&mut self, rd: u32, rs1: u32, sh: u32) -> &mut Self {
        self.word(i(0x13, 5, rd, rs1, sh as i64) | (0x10 << 26))
    }
    pub fn addiw(&mut self, rd: u32, rs1: u32, imm: i64) -> &mut Self {
        self.word(i(0x1b, 0, rd, rs1, imm))
    }
    pub fn slliw(&mut self, rd: u32, rs1: u32, sh: u32) -> &mut Self {
        self.word(i(0x1b, 1, rd, rs1, sh as i64))
    }
    pub fn srliw(&mut self, rd: u32, rs1: u32, sh: u32) -> &mut Self {
        self.word(i(0x1b, 5, rd, rs1, sh as i64))
    }
    pub fn sraiw(&mut self, rd: u32, rs1: u32, sh: u32) -> &mut Self {
        self.word(i(0x1b, 5, rd, rs1, sh as i64) | (0x20 << 25))
    }
    pub fn op(&mut self, f3: u32, f7: u32, rd: u32, rs1: u32, rs2: u32) -> &mut Self {
        self.word(r(0x33, f3, f7, rd, rs1, rs2))
    }
    pub fn op32(&mut self, f3: u32, f7: u32, rd: u32, rs1: u32, rs2: u32) -> &mut Self {
        self.word(r(0x3b, f3, f7, rd, rs1, rs2))
    }
    pub fn add(&mut self, rd: u32, rs1: u32, rs2: u32) -> &mut Self {
        self.op(0, 0, rd, rs1, rs2)
    }
    pub fn sub(&mut self, rd: u32, rs1: u32, rs2: u32) -> &mut Self {
        self.op(0, 0x20, rd, rs1, rs2)
    }
    pub fn sltu(&mut self, rd: u32, rs1: u32, rs2: u32) -> &mut Self {
        self.op(3, 0, rd, rs1, rs2)
    }
    pub fn load(&mut self, f3: u32, rd: u32, rs1: u32, imm: i64) -> &mut Self {
        self.word(i(0x03, f3, rd, rs1, imm))
    }
    pub fn ld(&mut self, rd: u32, rs1: u32, imm: i64) -> &mut Self {
        self.load(3, rd, rs1, imm)
    }
    pub fn store(&mut self, f3: u32, rs2: u32, rs1: u32, imm: i64) -> &mut Self {
        self.word(s(0x23, f3, rs1, rs2, imm))
    }
    pub fn sd(&mut self, rs2: u32, rs1: u32, imm: i64) -> &mut Self {
        self.store(3, rs2, rs1, imm)
    }
    pub fn sb(&mut self, rs2: u32, rs1: u32, imm: i64) -> &mut Self {
        self.store(0, rs2, rs1, imm)
    }
    pub fn jalr(&mut self, rd: u32, rs1: u32, imm: i64) -> &mut Self {
        self.word(i(0x67, 0, rd, rs1, imm))
    }
    pub fn ecall(&mut self) -> &mut Self {
        self.word(0x0000_0073)
    }
    pub fn ebreak(&mut self) -> &mut Self {
        self.word(0x0010_0073)
    }
    pub fn sret(&mut self) -> &mut Self {
        self.word(0x1020_0073)
    }
    pub fn fence(&mut self) -> &mut Self {
        self.word(0x0ff0_000f)
    }
    /// csrrw/csrrs/csrrc (f3 1..3) and their immediate forms (5..7).
    pub fn csr(&mut self, f3: u32, rd: u32, csr: u16, rs1: u32) -> &mut Self {
        self.word(((csr as u32) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x73)
    }
    pub fn csrw(&mut self, csr: u16, rs1: u32) -> &mut Self {
        self.csr(1, 0, csr, rs1)
    }
    pub fn csrr(&mut self, rd: u32, csr: u16) -> &mut Self {
        self.csr(2, rd, csr, 0)
    }
    /// A branch (f3: 0 beq, 1 bne, 4 blt, 5 bge, 6 bltu, 7 bgeu) to a label.
    pub fn br(&mut self, f3: u32, rs1: u32, rs2: u32, to: &str) -> &mut Self {
        self.fixups
            .push((self.pc, to.into(), Fixup::Branch(f3, rs1, rs2)));
        self.word(0)
    }
    pub fn jal(&mut self, rd: u32, to: &str) -> &mut Self {
        self.fixups.push((self.pc, to.into(), Fixup::Jal(rd)));
        self.word(0)
    }
    pub fn j(&mut self, to: &str) -> &mut Self {
        self.jal(0, to)
    }
    /// Load any 64-bit constant (lui/addi/slli sequences, up to 8 words).
    pub fn li(&mut self, rd: u32, v: u64) -> &mut Self {
        let v = v as i64;
        if (-2048..2048).contains(&v) {
            return self.addi(rd, 0, v);
        }
        if v == (v as i32) as i64 {
            let lo = (v << 52) >> 52;
            let hi = ((v - lo) >> 12) as u32;
            self.lui(rd, hi & 0xfffff);
            if lo != 0 {
                self.addiw(rd, rd, lo);
            }
            return self;
        }
        // Upper part, then shift in 11 bits at a time.
        let lo = (v << 53) >> 53;
        let rest = (v - lo) >> 11;
        self.li(rd, rest as u64);
        self.slli(rd, rd, 11);
        if lo != 0 {
            self.addi(rd, rd, lo);
        }
        self
    }
    /// Store `value` (in a scratch register) to tohost: the end.
    pub fn tohost(&mut self, value: u64, scratch: u32, base: u32) -> &mut Self {
        self.li(base, 0x1000_0000);
        self.li(scratch, value);
        self.sd(scratch, base, 0x18)
    }
    /// Compare `rs` with `expected` (using t5/t6); on a mismatch, report
    /// test `n` as failed through tohost.
    pub fn check(&mut self, n: u64, rs: u32, expected: u64) -> &mut Self {
        let ok = format!("ok_{}_{}", n, self.pc);
        self.li(reg::T6, expected);
        self.br(0, rs, reg::T6, &ok);
        self.tohost((n << 1) | 1, reg::T5, reg::T6);
        self.label(&ok)
    }

    /// The flat image from address 0.
    pub fn image(&mut self) -> Vec<u8> {
        for (at, to, f) in std::mem::take(&mut self.fixups) {
            let target = *self
                .labels
                .get(&to)
                .unwrap_or_else(|| panic!("no label {to}"));
            let off = target as i64 - at as i64;
            let w = match f {
                Fixup::Branch(f3, a, c) => b(f3, a, c, off),
                Fixup::Jal(rd) => j(rd, off),
            };
            self.words.insert(at, w);
        }
        let end = self
            .words
            .keys()
            .map(|a| a + 4)
            .chain(self.data.keys().map(|a| a + 1))
            .max()
            .unwrap_or(0);
        let mut img = vec![0u8; end as usize];
        for (a, w) in &self.words {
            img[*a as usize..*a as usize + 4].copy_from_slice(&w.to_le_bytes());
        }
        for (a, b) in &self.data {
            img[*a as usize] = *b;
        }
        img
    }
}

/// Run an image on the rust-hdl SoC for at most `max_cycles`.
pub fn run_image(img: Vec<u8>, max_cycles: u64) -> ptu_soc::run::Outcome {
    run_with(img, max_cycles, &[])
}

/// Run with NMIs raised at the given cycles.
pub fn run_with(img: Vec<u8>, max_cycles: u64, nmi_at: &[u64]) -> ptu_soc::run::Outcome {
    let opts = ptu_soc::run::RunOptions {
        max_cycles,
        nmi_at: nmi_at.to_vec(),
        trace: true,
        vcd: None,
    };
    ptu_soc::run::run(&ptu_soc::soc::SocConfig::new(img), &opts).expect("the SoC runs")
}

/// The run passed (tohost = 1); else say which check failed.
pub fn assert_pass(out: &ptu_soc::run::Outcome) {
    match out.tohost {
        Some(1) => {}
        Some(v) if v & 1 == 1 => panic!(
            "check {} failed after {} cycles (last pcs: {:x?})",
            v >> 1,
            out.cycles,
            out.trace
                .iter()
                .rev()
                .take(24)
                .map(|r| (r.pc, r.rd))
                .collect::<Vec<_>>()
        ),
        Some(v) => panic!("tohost = {v}, not a verdict"),
        None => panic!(
            "no tohost store in {} cycles (last pcs: {:x?})",
            out.cycles,
            out.trace
                .iter()
                .rev()
                .take(8)
                .map(|r| r.pc)
                .collect::<Vec<_>>()
        ),
    }
}

/// The unit's CSR numbers (docs/soc.md).
pub mod csr {
    pub const ENTRY: u16 = 0x5C0;
    pub const ENTRY_CRIT: u16 = 0x5C1;
    pub const CSTACK: u16 = 0x5C2;
    pub const STATUS: u16 = 0x5C3;
    pub const EVENT_INFO: u16 = 0x5C4;
    pub const EVENT_DATA: u16 = 0x5C5;
    pub const URIP: u16 = 0x5D0;
    pub const URSP: u16 = 0x5D1;
    pub const UGS: u16 = 0x5D2;
    pub const CYCLE: u16 = 0xC00;
    pub const TIME: u16 = 0xC01;
    pub const INSTRET: u16 = 0xC02;
}
