//! The instruction-level model of the core and its SoC (docs/soc.md):
//! RV64I or RV32I ([`Iss::with_xlen`]) with the Zicsr instructions, whose
//! pc, sp and tp are the unit's `rip`, `rsp` and `gs_base`, on the SoC's
//! memory map, with the unit itself played by the project's one reference
//! model ([`ptu_sim::model::Model`]).
//!
//! # RV32I
//!
//! With `xlen` 32 the registers, pc, addresses and every result are 32
//! bits (kept zero-extended in the `u64`s here and in the trace): the `*W`
//! instructions, `ld`, `sd` and `lwu` are #UD, register shifts use 5 bits
//! of `rs2`, and `slli`/`srli`/`srai` with shamt bit 5 set are #UD. The
//! memory map is the same. The unit is the 32-bit model (docs/spec.md,
//! 14.1: 32-bit registers, a six-word frame of 4-byte words, EVENT_INFO_H);
//! [`UnitPort`] picks the unit's model for the core's width.
//!
//! # How it runs
//!
//! One instruction at a time. For each, the model reads the unit's outputs
//! (`rip`, `rsp`, `gs_base`, `cpl`), fetches, executes, and presents to
//! the reference model exactly the inputs a core presents for that
//! instruction (docs/soc.md's "Privilege through the unit"): `retire` with
//! `next_rip` (and `rsp_we`/`gs_we` when `rd` is `sp`/`tp`, and the
//! `csr_*` of a unit CSR access), or `op_syscall` with `next_rip` = pc + 4,
//! or `op_eret`, or `exc_valid` with a vector, error code and
//! `exc_data`; every cycle also carries `irq` (the timer) and `nmi`. It
//! then applies one clock edge, and while the unit is `busy` services its
//! frame bus from RAM (zero-wait: `mem_ready` whenever `mem_valid`,
//! `mem_err` outside RAM) one edge at a time. The core's own register and
//! memory writes are committed only when the unit's decision at that edge
//! was the instruction itself ([`ptu_sim::model::Decision::Insn`]): an
//! interrupt or NMI taken at that edge, or a #GP from a CSR access, cancels
//! them, as SPEC.md says.
//!
//! # Time
//!
//! `cycles` counts clock edges since reset: one per instruction (retired,
//! faulting, SYSCALL or ERET) and one per frame-bus word (five per framed
//! entry or ERET). `mtime`, `rdcycle` and `rdtime` read `cycles` before the
//! instruction's own edge; `rdinstret` reads the number of instructions
//! retired before it (SYSCALL, ERET and faulting instructions do not
//! retire). The RTL core is multi-cycle, so its cycle counts differ: a
//! differential run compares the retire traces of programs that do not
//! read the counters nor arm the timer.
//!
//! # Choices docs/soc.md leaves open
//!
//! - A misaligned load or store is #AC even when its address is also
//!   outside the user window (alignment is checked first).
//! - A fetch from a pc that is not a multiple of 4 (ENTRY, URIP or a
//!   frame's RIP can hold one) is #GP with EVENT_DATA = pc.
//! - A kernel fetch outside RAM is #PF with error I (P = 0, even from a
//!   device address: devices hold no code).
//! - A UART load reads 0: the model's transmitter is never busy. A store to
//!   the UART's first byte (any size) sends its low byte; stores to
//!   `mtime` are ignored; `mtimecmp` and `tohost` take the bytes stored.
//!
//! # The retire trace
//!
//! [`Trace`] has one entry per retired instruction (its pc, its encoding,
//! the register it wrote and the value, x0 excluded, and the store it made
//! as address, size and value), per event entered (the pc of the
//! instruction that faulted or did not run, EVENT_INFO and EVENT_DATA as
//! latched) and per ERET that completed (its pc and the pc returned to).
//! `Display` prints one line each, e.g.
//!
//! ```text
//! retire 0x0000000000000010 00c58733 x14=0x0000000000000003
//! retire 0x0000000000000014 00b53023 [0x0000000000008000]8=0x0000000000000003
//! event  0x0000000000008004 info=0x0001000000000007 data=0x0000000000000000
//! eret   0x0000000000000040 to=0x0000000000008008
//! ```
//!
//! Writes of `sp` and `tp` appear as `x2=` and `x4=`; stores to devices
//! appear like stores to RAM. The run ends when a store to `tohost`
//! retires, so that store is the last entry. An entry or ERET whose frame
//! transfer ends in `mem_err` appears as the #DF event it becomes (or ends
//! the run with [`End::Shutdown`]). [`compare_traces`] finds the first
//! entry where two traces differ.

use crate::map::{self, pf, vector, ToHost};
use crate::program::Program;
use anyhow::{bail, Result};
use ptu_arch::{Inputs, PtuConfig};
use ptu_sim::model::{Decision, Model};
use std::fmt;

/// How a run is bounded and what the SoC's inputs do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Stop with [`End::Limit`] after this many instructions (retired or
    /// not) without a store to `tohost`.
    pub max_instructions: u64,
    /// The timer raises `irq` (vector 0x20) while `mtimecmp != 0` and
    /// `mtime >= mtimecmp`. Off: `mtimecmp` is stored but never fires.
    pub timer: bool,
    /// Raise the `nmi` input from this cycle on (one rising edge).
    pub nmi_at: Option<u64>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_instructions: 1_000_000,
            timer: true,
            nmi_at: None,
        }
    }
}

/// A store by the core: `size` bytes (1, 2, 4 or 8) at `addr`, `value`
/// zero-extended from them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Store {
    pub addr: u64,
    pub size: u8,
    pub value: u64,
}

/// One entry of the retire trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trace {
    /// An instruction retired.
    Retire {
        pc: u64,
        insn: u32,
        /// The register written (x1..x31; 2 is `sp`, 4 is `tp`) and its
        /// new value.
        rd: Option<(u8, u64)>,
        store: Option<Store>,
    },
    /// An event was entered while the instruction at `pc` was current.
    Event { pc: u64, info: u64, data: u64 },
    /// An ERET at `pc` completed and returned to `to`.
    Eret { pc: u64, to: u64 },
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Trace::Retire {
                pc,
                insn,
                rd,
                store,
            } => {
                write!(f, "retire 0x{pc:016x} {insn:08x}")?;
                if let Some((r, v)) = rd {
                    write!(f, " x{r}=0x{v:016x}")?;
                }
                if let Some(s) = store {
                    write!(f, " [0x{:016x}]{}=0x{:016x}", s.addr, s.size, s.value)?;
                }
                Ok(())
            }
            Trace::Event { pc, info, data } => {
                write!(
                    f,
                    "event  0x{pc:016x} info=0x{info:016x} data=0x{data:016x}"
                )
            }
            Trace::Eret { pc, to } => write!(f, "eret   0x{pc:016x} to=0x{to:016x}"),
        }
    }
}

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// A store to `tohost`, with the value stored.
    ToHost(ToHost),
    /// The unit shut down (a triple fault).
    Shutdown,
    /// [`Config::max_instructions`] ran out.
    Limit,
}

/// What a run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub end: End,
    /// The bytes sent to the UART.
    pub uart: Vec<u8>,
    /// Instructions retired.
    pub retired: u64,
    /// Clock edges (see the module's "Time").
    pub cycles: u64,
}

impl Outcome {
    /// `Ok` when the program stored 1 to `tohost`; otherwise an error that
    /// names the failing test, or says how the run ended.
    pub fn check(&self, name: &str) -> Result<()> {
        match self.end {
            End::ToHost(ToHost::Pass) => Ok(()),
            End::ToHost(ToHost::Fail(n)) => bail!(
                "{name}: test {n} failed (tohost = {}) after {} instructions",
                (n << 1) | 1,
                self.retired
            ),
            End::ToHost(ToHost::Other(v)) => {
                bail!("{name}: tohost = {v}, which is not a verdict (1 passes, (n << 1) | 1 fails test n)")
            }
            End::Shutdown => bail!("{name}: the unit shut down (triple fault) after {} instructions", self.retired),
            End::Limit => bail!(
                "{name}: no store to tohost after {} retired instructions: raise the limit or make the program end",
                self.retired
            ),
        }
    }
}

/// A fault of the current instruction, as `exc_*` inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fault {
    vector: u8,
    /// The error code, when it is valid.
    error: Option<u32>,
    data: u64,
}

impl Fault {
    fn ud() -> Self {
        Fault {
            vector: vector::UD,
            error: None,
            data: 0,
        }
    }
}

/// A CSR access to the unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct UnitCsr {
    addr: u8,
    read: bool,
    write: bool,
    op: CsrOp,
    src: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CsrOp {
    Write,
    Set,
    Clear,
}

/// What an instruction asks of the unit and of the SoC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exec {
    Retire {
        next: u64,
        /// The register written and its value; for a unit CSR read, the
        /// value is filled in from `csr_rdata`.
        rd: Option<(u8, u64)>,
        store: Option<Store>,
        csr: Option<UnitCsr>,
    },
    Syscall,
    Eret,
    Fault(Fault),
}

/// The seam between the core and the unit's model: which model plays the
/// unit for a core of `xlen` bits, and how the core sees its values.
///
/// Each width runs the unit's model of its own width (`PtuConfig` with
/// `xlen` = the core's and `reset_rip` = RAM_BASE), as the SoC wires
/// `Ptu<XLEN>` to `Cpu<XLEN>` (`soc.rs`): the 32-bit unit's frame is six
/// 4-byte words and its EVENT_INFO_H (0x5C6) reads EVENT_INFO's bits
/// 63:32 (docs/spec.md, 14.1). [`UnitPort::view`] is then the identity on
/// the unit's values (they are XLEN bits already).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnitPort {
    /// The core's width: 32 or 64.
    pub xlen: usize,
}

impl UnitPort {
    /// The unit's model for a core of this width.
    pub fn model(&self) -> Model {
        Model::new(&PtuConfig {
            xlen: self.xlen,
            reset_rip: map::RAM_BASE,
            ..PtuConfig::default()
        })
    }

    /// Bytes of one frame word: the unit's register size.
    pub fn frame_word_bytes(&self) -> usize {
        self.xlen / 8
    }

    /// A value of the unit (rip, rsp, gs_base, csr_rdata) as the core's
    /// register sees it.
    pub fn view(&self, v: u64) -> u64 {
        v & self.mask()
    }

    /// The core's register mask: the low `xlen` bits.
    pub fn mask(&self) -> u64 {
        if self.xlen == 32 {
            0xffff_ffff
        } else {
            u64::MAX
        }
    }
}

/// The instruction-level model.
pub struct Iss {
    pub cfg: Config,
    /// The core's width and how it meets the unit.
    pub port: UnitPort,
    /// The unit: pc, sp, tp, privilege level and the unit's CSRs.
    pub unit: Model,
    /// x0..x31; x0, x2 and x4 are unused (zero, `rsp`, `gs_base`).
    pub regs: [u64; 32],
    /// RAM from [`map::RAM_BASE`].
    pub ram: Vec<u8>,
    pub mtimecmp: u64,
    pub uart: Vec<u8>,
    pub cycles: u64,
    /// Instructions retired.
    pub retired: u64,
    /// Instructions run, retired or not.
    pub executed: u64,
    pub trace: Vec<Trace>,
    /// Whether to keep [`Iss::trace`] (long runs may not want it).
    pub keep_trace: bool,
    end: Option<End>,
}

fn ram_offset(addr: u64, size: u64) -> Option<usize> {
    let off = addr.checked_sub(map::RAM_BASE)?;
    (off.checked_add(size)? <= map::RAM_BYTES).then_some(off as usize)
}

fn in_devices(addr: u64) -> bool {
    (map::DEVICES_BASE..map::DEVICES_END).contains(&addr)
}

fn in_user_window(addr: u64, size: u64) -> bool {
    addr >= map::USER_BASE && addr.checked_add(size).is_some_and(|e| e <= map::USER_END)
}

fn sext(v: u64, bits: u32) -> u64 {
    let s = 64 - bits;
    (((v << s) as i64) >> s) as u64
}

impl Iss {
    /// The RV64I SoC after reset with `program` in RAM.
    pub fn new(program: &Program, cfg: Config) -> Self {
        Self::build(program, cfg, UnitPort { xlen: 64 })
    }

    /// The SoC with an RV32I (`xlen` 32) or RV64I (64) core.
    pub fn with_xlen(program: &Program, cfg: Config, xlen: usize) -> Result<Self> {
        if xlen != 32 && xlen != 64 {
            bail!("xlen {xlen} is not a core width: use 32 (RV32I) or 64 (RV64I)");
        }
        Ok(Self::build(program, cfg, UnitPort { xlen }))
    }

    fn build(program: &Program, cfg: Config, port: UnitPort) -> Self {
        let mut ram = vec![0u8; map::RAM_BYTES as usize];
        ram[..program.image.len()].copy_from_slice(&program.image);
        Iss {
            cfg,
            port,
            unit: port.model(),
            regs: [0; 32],
            ram,
            mtimecmp: 0,
            uart: Vec::new(),
            cycles: 0,
            retired: 0,
            executed: 0,
            trace: Vec::new(),
            keep_trace: true,
            end: None,
        }
    }

    /// Run `program` to its end.
    pub fn run_program(program: &Program, cfg: Config) -> Outcome {
        let mut iss = Iss::new(program, cfg);
        iss.run()
    }

    /// Run until `tohost`, shutdown or the instruction limit.
    pub fn run(&mut self) -> Outcome {
        while self.step() {}
        self.outcome()
    }

    /// What the run did so far.
    pub fn outcome(&self) -> Outcome {
        Outcome {
            end: self.end.unwrap_or(End::Limit),
            uart: self.uart.clone(),
            retired: self.retired,
            cycles: self.cycles,
        }
    }

    /// Why the run stopped, once it has.
    pub fn ended(&self) -> Option<End> {
        self.end
    }

    /// The current pc (the unit's `rip`, as the core sees it).
    pub fn pc(&self) -> u64 {
        self.port.view(self.unit.outputs(&Inputs::default()).rip)
    }

    /// Register `r` as the current instruction sees it.
    pub fn reg(&self, r: u32) -> u64 {
        let o = self.unit.outputs(&Inputs::default());
        match r {
            0 => 0,
            2 => self.port.view(o.rsp),
            4 => self.port.view(o.gs_base),
            r => self.regs[r as usize],
        }
    }

    fn rv32(&self) -> bool {
        self.port.xlen == 32
    }

    /// `v` cut to the register width.
    fn x(&self, v: u64) -> u64 {
        v & self.port.mask()
    }

    /// `v` (a register value) as a signed number.
    fn signed(&self, v: u64) -> i64 {
        if self.rv32() {
            v as u32 as i32 as i64
        } else {
            v as i64
        }
    }

    fn timer_irq(&self) -> bool {
        self.cfg.timer && self.mtimecmp != 0 && self.x(self.cycles) >= self.mtimecmp
    }

    /// The SoC's inputs to the unit that every cycle carries.
    fn soc_inputs(&self) -> Inputs {
        Inputs {
            irq: self.timer_irq(),
            irq_vector: map::TIMER_VECTOR,
            nmi: self.cfg.nmi_at.is_some_and(|at| self.cycles >= at),
            ..Inputs::default()
        }
    }

    /// Run one instruction (with the frame transfer it may start). Returns
    /// false once the run has ended.
    pub fn step(&mut self) -> bool {
        if self.end.is_some() {
            return false;
        }
        if self.executed >= self.cfg.max_instructions {
            self.end = Some(End::Limit);
            return false;
        }
        let out = self.unit.outputs(&Inputs::default());
        let pc = self.port.view(out.rip);
        let user = out.cpl == ptu_arch::CPL_USER;
        let exec = match self.fetch(pc, user) {
            Ok(insn) => (insn, self.execute(pc, insn, user)),
            Err(f) => (0, Exec::Fault(f)),
        };
        let (insn, exec) = exec;
        let mut inp = self.soc_inputs();
        let mut rd_commit = None;
        match exec {
            Exec::Retire { next, rd, csr, .. } => {
                inp.retire = true;
                inp.next_rip = next;
                let mut rd = rd;
                if let Some(c) = csr {
                    inp.csr_addr = c.addr;
                    inp.csr_re = c.read;
                    let old = if c.read {
                        self.port.view(self.unit.outputs(&inp).csr_rdata)
                    } else {
                        0
                    };
                    if c.write {
                        inp.csr_we = true;
                        inp.csr_wdata = match c.op {
                            CsrOp::Write => c.src,
                            CsrOp::Set => old | c.src,
                            CsrOp::Clear => old & !c.src,
                        };
                    }
                    rd = rd.map(|(r, _)| (r, old));
                }
                match rd {
                    Some((2, v)) => {
                        inp.rsp_we = true;
                        inp.rsp_wdata = v;
                    }
                    Some((4, v)) => {
                        inp.gs_we = true;
                        inp.gs_wdata = v;
                    }
                    _ => {}
                }
                rd_commit = rd;
            }
            Exec::Syscall => {
                inp.op_syscall = true;
                inp.next_rip = self.x(pc.wrapping_add(4));
            }
            Exec::Eret => inp.op_eret = true,
            Exec::Fault(f) => {
                inp.exc_valid = true;
                inp.exc_vector = f.vector;
                inp.exc_error = f.error.unwrap_or(0);
                inp.exc_error_valid = f.error.is_some();
                inp.exc_data = f.data;
            }
        }
        let decision = self.unit.decide(&inp);
        self.unit.step(&inp);
        self.cycles += 1;
        self.executed += 1;
        let mut bus_error = false;
        while self.unit.busy() && !self.unit.shutdown {
            bus_error |= self.frame_cycle();
        }
        if self.unit.shutdown {
            self.end = Some(End::Shutdown);
            return false;
        }
        match decision {
            Decision::Insn => {
                if let Exec::Retire { store, .. } = exec {
                    if let Some((r, v)) = rd_commit {
                        if r != 2 && r != 4 {
                            self.regs[r as usize] = v;
                        }
                    }
                    if let Some(s) = store {
                        self.store(s);
                    }
                    self.retired += 1;
                    self.record(Trace::Retire {
                        pc,
                        insn,
                        rd: rd_commit,
                        store,
                    });
                }
            }
            Decision::Enter(_) => self.record(Trace::Event {
                pc,
                info: self.unit.event_info,
                data: self.unit.event_data,
            }),
            Decision::Eret if bus_error => self.record(Trace::Event {
                pc,
                info: self.unit.event_info,
                data: self.unit.event_data,
            }),
            Decision::Eret => {
                let to = self.pc();
                self.record(Trace::Eret { pc, to })
            }
        }
        self.end.is_none()
    }

    fn record(&mut self, t: Trace) {
        if self.keep_trace {
            self.trace.push(t);
        }
    }

    /// One edge of a frame push or pop: answer the unit's request from RAM
    /// (zero-wait; `mem_err` outside RAM or not aligned to the unit's
    /// word, as the SoC answers). Returns whether it was an error.
    fn frame_cycle(&mut self) -> bool {
        let mut inp = self.soc_inputs();
        let o = self.unit.outputs(&inp);
        let mut err = false;
        if o.mem_valid {
            inp.mem_ready = true;
            let n = self.port.frame_word_bytes();
            let aligned = o.mem_addr.is_multiple_of(n as u64);
            match ram_offset(o.mem_addr, n as u64).filter(|_| aligned) {
                Some(at) if o.mem_we => {
                    self.ram[at..at + n].copy_from_slice(&o.mem_wdata.to_le_bytes()[..n])
                }
                Some(at) => {
                    let mut b = [0u8; 8];
                    b[..n].copy_from_slice(&self.ram[at..at + n]);
                    inp.mem_rdata = u64::from_le_bytes(b)
                }
                None => {
                    inp.mem_err = true;
                    err = true;
                }
            }
        }
        self.unit.step(&inp);
        self.cycles += 1;
        err
    }

    fn fetch(&self, pc: u64, user: bool) -> std::result::Result<u32, Fault> {
        if !pc.is_multiple_of(4) {
            return Err(Fault {
                vector: vector::GP,
                error: Some(0),
                data: pc,
            });
        }
        if user && !in_user_window(pc, 4) {
            return Err(self.page_fault(pc, false, true, true));
        }
        match ram_offset(pc, 4) {
            Some(at) => Ok(u32::from_le_bytes(self.ram[at..at + 4].try_into().unwrap())),
            None => Err(self.page_fault(pc, false, user, true)),
        }
    }

    /// #PF at `addr`: P = 1 for a user access to RAM or a device, else 0.
    fn page_fault(&self, addr: u64, write: bool, user: bool, fetch: bool) -> Fault {
        let present = user && (ram_offset(addr, 1).is_some() || in_devices(addr));
        let mut e = 0;
        if present {
            e |= pf::P;
        }
        if write {
            e |= pf::W;
        }
        if user {
            e |= pf::U;
        }
        if fetch {
            e |= pf::I;
        }
        Fault {
            vector: vector::PF,
            error: Some(e),
            data: addr,
        }
    }

    /// Check a data access of `size` bytes at `addr`.
    fn check_access(
        &self,
        addr: u64,
        size: u64,
        write: bool,
        user: bool,
    ) -> std::result::Result<(), Fault> {
        if !addr.is_multiple_of(size) {
            return Err(Fault {
                vector: vector::AC,
                error: Some(0),
                data: addr,
            });
        }
        let ok = if user {
            in_user_window(addr, size)
        } else {
            ram_offset(addr, size).is_some() || in_devices(addr)
        };
        if ok {
            Ok(())
        } else {
            Err(self.page_fault(addr, write, user, false))
        }
    }

    fn device_word(&self, reg: u64) -> u64 {
        match reg {
            // On RV32I the registers are 32 bits (soc.rs).
            map::MTIME => self.x(self.cycles),
            map::MTIMECMP => self.mtimecmp,
            // The UART is never busy; tohost reads 0.
            _ => 0,
        }
    }

    /// A load of `size` bytes from a checked address, zero-extended.
    fn load(&self, addr: u64, size: u64) -> u64 {
        if let Some(at) = ram_offset(addr, size) {
            let mut b = [0u8; 8];
            b[..size as usize].copy_from_slice(&self.ram[at..at + size as usize]);
            return u64::from_le_bytes(b);
        }
        let reg = addr & !7;
        let v = self.device_word(reg) >> ((addr & 7) * 8);
        if size == 8 {
            v
        } else {
            v & ((1u64 << (size * 8)) - 1)
        }
    }

    fn store(&mut self, s: Store) {
        if let Some(at) = ram_offset(s.addr, s.size as u64) {
            self.ram[at..at + s.size as usize]
                .copy_from_slice(&s.value.to_le_bytes()[..s.size as usize]);
            return;
        }
        let reg = s.addr & !7;
        let shift = (s.addr & 7) * 8;
        let mask = if s.size == 8 {
            u64::MAX
        } else {
            ((1u64 << (s.size as u64 * 8)) - 1) << shift
        };
        let merge = |old: u64| (old & !mask) | ((s.value << shift) & mask);
        match reg {
            map::UART if s.addr == map::UART => self.uart.push(s.value as u8),
            map::MTIMECMP => self.mtimecmp = self.x(merge(self.mtimecmp)),
            map::TOHOST => self.end = Some(End::ToHost(ToHost::decode(self.x(merge(0))))),
            _ => {}
        }
    }

    /// Decode and execute `insn` at `pc`: what it asks of the unit.
    fn execute(&self, pc: u64, insn: u32, user: bool) -> Exec {
        let opcode = insn & 0x7f;
        let rd = ((insn >> 7) & 31) as u8;
        let f3 = (insn >> 12) & 7;
        let rs1 = (insn >> 15) & 31;
        let rs2 = (insn >> 20) & 31;
        let f7 = insn >> 25;
        let a = self.reg(rs1);
        let b = self.reg(rs2);
        let imm_i = sext((insn >> 20) as u64, 12);
        let imm_s = sext((((insn >> 25) << 5) | ((insn >> 7) & 31)) as u64, 12);
        let imm_b = sext(
            ((((insn >> 31) & 1) << 12)
                | (((insn >> 7) & 1) << 11)
                | (((insn >> 25) & 0x3f) << 5)
                | (((insn >> 8) & 0xf) << 1)) as u64,
            13,
        );
        let imm_u = self.x(sext((insn & 0xffff_f000) as u64, 32));
        let imm_j = sext(
            ((((insn >> 31) & 1) << 20)
                | (((insn >> 12) & 0xff) << 12)
                | (((insn >> 20) & 1) << 11)
                | (((insn >> 21) & 0x3ff) << 1)) as u64,
            21,
        );
        let (imm_i, imm_s, imm_b, imm_j) =
            (self.x(imm_i), self.x(imm_s), self.x(imm_b), self.x(imm_j));
        let rv32 = self.rv32();
        let next = self.x(pc.wrapping_add(4));
        let write = |v: u64| Exec::Retire {
            next,
            rd: (rd != 0).then_some((rd, self.x(v))),
            store: None,
            csr: None,
        };
        let jump = |target: u64, link: Option<u64>| {
            let target = self.x(target);
            if !target.is_multiple_of(4) {
                return Exec::Fault(Fault {
                    vector: vector::GP,
                    error: Some(0),
                    data: target,
                });
            }
            Exec::Retire {
                next: target,
                rd: link.and_then(|v| (rd != 0).then_some((rd, v))),
                store: None,
                csr: None,
            }
        };
        let ud = Exec::Fault(Fault::ud());
        match opcode {
            0x37 => write(imm_u),
            0x17 => write(pc.wrapping_add(imm_u)),
            0x6f => jump(pc.wrapping_add(imm_j), Some(next)),
            0x67 if f3 == 0 => jump(a.wrapping_add(imm_i) & !1, Some(next)),
            0x63 => {
                let taken = match f3 {
                    0 => a == b,
                    1 => a != b,
                    4 => self.signed(a) < self.signed(b),
                    5 => self.signed(a) >= self.signed(b),
                    6 => a < b,
                    7 => a >= b,
                    _ => return ud,
                };
                if taken {
                    jump(pc.wrapping_add(imm_b), None)
                } else {
                    jump(next, None)
                }
            }
            0x03 => {
                let (size, signed) = match f3 {
                    0 => (1, true),
                    1 => (2, true),
                    2 => (4, true),
                    3 if !rv32 => (8, false),
                    4 => (1, false),
                    5 => (2, false),
                    6 if !rv32 => (4, false),
                    _ => return ud,
                };
                let addr = self.x(a.wrapping_add(imm_i));
                if let Err(f) = self.check_access(addr, size, false, user) {
                    return Exec::Fault(f);
                }
                let v = self.load(addr, size);
                write(if signed { sext(v, size as u32 * 8) } else { v })
            }
            0x23 => {
                let size = match f3 {
                    0..=2 => 1u64 << f3,
                    3 if !rv32 => 8,
                    _ => return ud,
                };
                let addr = self.x(a.wrapping_add(imm_s));
                if let Err(f) = self.check_access(addr, size, true, user) {
                    return Exec::Fault(f);
                }
                let value = if size == 8 {
                    b
                } else {
                    b & ((1u64 << (size * 8)) - 1)
                };
                Exec::Retire {
                    next,
                    rd: None,
                    store: Some(Store {
                        addr,
                        size: size as u8,
                        value,
                    }),
                    csr: None,
                }
            }
            0x13 => {
                let shamt = (insn >> 20) & 63;
                let f6 = insn >> 26;
                // RV32I: a shift amount of 32 or more is reserved.
                if rv32 && (f3 == 1 || f3 == 5) && shamt >= 32 {
                    return ud;
                }
                write(match f3 {
                    0 => a.wrapping_add(imm_i),
                    2 => (self.signed(a) < self.signed(imm_i)) as u64,
                    3 => (a < imm_i) as u64,
                    4 => a ^ imm_i,
                    6 => a | imm_i,
                    7 => a & imm_i,
                    1 if f6 == 0 => a << shamt,
                    5 if f6 == 0 => a >> shamt,
                    5 if f6 == 0x10 => (self.signed(a) >> shamt) as u64,
                    _ => return ud,
                })
            }
            // The W instructions are RV64I only.
            0x1b | 0x3b if rv32 => ud,
            0x1b => {
                let shamt = (insn >> 20) & 31;
                let w = |v: u64| sext(v & 0xffff_ffff, 32);
                write(match (f3, f7) {
                    (0, _) => w(a.wrapping_add(imm_i)),
                    (1, 0) => w(a << shamt),
                    (5, 0) => w((a as u32 >> shamt) as u64),
                    (5, 0x20) => ((a as i32) >> shamt) as i64 as u64,
                    _ => return ud,
                })
            }
            0x33 => {
                let sh = if rv32 { b & 31 } else { b & 63 };
                write(match (f3, f7) {
                    (0, 0) => a.wrapping_add(b),
                    (0, 0x20) => a.wrapping_sub(b),
                    (1, 0) => a << sh,
                    (2, 0) => (self.signed(a) < self.signed(b)) as u64,
                    (3, 0) => (a < b) as u64,
                    (4, 0) => a ^ b,
                    (5, 0) => a >> sh,
                    (5, 0x20) => (self.signed(a) >> sh) as u64,
                    (6, 0) => a | b,
                    (7, 0) => a & b,
                    _ => return ud,
                })
            }
            0x3b => {
                let w = |v: u64| sext(v & 0xffff_ffff, 32);
                let sh = b & 31;
                write(match (f3, f7) {
                    (0, 0) => w(a.wrapping_add(b)),
                    (0, 0x20) => w(a.wrapping_sub(b)),
                    (1, 0) => w(a << sh),
                    (5, 0) => w((a as u32 >> sh) as u64),
                    (5, 0x20) => ((a as i32) >> sh) as i64 as u64,
                    _ => return ud,
                })
            }
            // fence and fence.i: no-ops (their rd and rs1 fields are
            // reserved and ignored).
            0x0f if f3 <= 1 => Exec::Retire {
                next,
                rd: None,
                store: None,
                csr: None,
            },
            0x73 => self.system(insn, pc, rd, f3, rs1, a),
            _ => ud,
        }
    }

    fn system(&self, insn: u32, pc: u64, rd: u8, f3: u32, rs1: u32, a: u64) -> Exec {
        let next = self.x(pc.wrapping_add(4));
        let ud = Exec::Fault(Fault::ud());
        match f3 {
            0 => match insn {
                0x0000_0073 => Exec::Syscall,
                0x0010_0073 => Exec::Fault(Fault {
                    vector: vector::BP,
                    error: None,
                    data: 0,
                }),
                0x1020_0073 => Exec::Eret,
                // wfi runs as a no-op.
                0x1050_0073 => Exec::Retire {
                    next,
                    rd: None,
                    store: None,
                    csr: None,
                },
                _ => ud,
            },
            1..=3 | 5..=7 => {
                let csr = (insn >> 20) as u16;
                let src = if f3 >= 5 { rs1 as u64 } else { a };
                let (read, write) = match f3 & 3 {
                    1 => (rd != 0, true),
                    _ => (true, rs1 != 0),
                };
                let op = match f3 & 3 {
                    1 => CsrOp::Write,
                    2 => CsrOp::Set,
                    _ => CsrOp::Clear,
                };
                let rd = (rd != 0).then_some((rd, 0));
                if (map::CSR_BASE..map::CSR_END).contains(&csr) {
                    Exec::Retire {
                        next,
                        rd,
                        store: None,
                        csr: Some(UnitCsr {
                            addr: (csr - map::CSR_BASE) as u8,
                            read,
                            write,
                            op,
                            src,
                        }),
                    }
                } else if (map::CSR_CYCLE..=map::CSR_INSTRET).contains(&csr) && !write {
                    let v = if csr == map::CSR_INSTRET {
                        self.retired
                    } else {
                        self.cycles
                    };
                    Exec::Retire {
                        next,
                        rd: rd.map(|(r, _)| (r, self.x(v))),
                        store: None,
                        csr: None,
                    }
                } else {
                    ud
                }
            }
            _ => ud,
        }
    }
}

/// Compare two retire traces entry by entry (the model's first, another
/// core's second): `Ok` when equal, else an error naming the first entry
/// that differs, with the two entries and the three before it.
pub fn compare_traces(model: &[Trace], other: &[Trace]) -> Result<()> {
    let first = model
        .iter()
        .zip(other)
        .position(|(a, b)| a != b)
        .or_else(|| (model.len() != other.len()).then(|| model.len().min(other.len())));
    let Some(k) = first else {
        return Ok(());
    };
    let show = |t: Option<&Trace>| t.map_or("(trace ended)".to_string(), |t| t.to_string());
    let context: Vec<String> = model[k.saturating_sub(3)..k.min(model.len())]
        .iter()
        .map(|t| format!("  {t}"))
        .collect();
    bail!(
        "the traces differ at entry {k}:\n  model: {}\n  other: {}\nbefore it (both):\n{}",
        show(model.get(k)),
        show(other.get(k)),
        context.join("\n")
    )
}
