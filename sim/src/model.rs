//! Cycle-accurate reference model of the privilege-transition unit.
//!
//! Plain Rust, no HDL. [`Model::outputs`] gives every output port in the
//! current cycle, [`Model::step`] applies one rising clock edge. The
//! behaviour is SPEC.md's, with the cycle-level choices of
//! `docs/spec-notes.md` (cited below as "notes §N"); the RTL is checked
//! against this model cycle by cycle.
//!
//! The model follows its configuration ([`Model::new`] takes a
//! `PtuConfig`; docs/spec.md section 14): with `xlen = 32` every XLEN-wide
//! input and register is cut to 32 bits, frames are six 4-byte words
//! (EVENT_INFO as two) and EVENT_INFO_H reads EVENT_INFO bits 63:32; with
//! `irq_entry` external interrupts enter at ENTRY_IRQ; with `fs_bank` the
//! FS base has a kernel and a user copy (`fs_we`/`fs_wdata`, `fs_base`,
//! UFS). The default configuration behaves as it always did.

use ptu_arch::config::{ENTRY_IRQ, EVENT_INFO_H, UFS};
use ptu_arch::csr::{self, Access};
use ptu_arch::{event_info, event_type, status, vector, FrameLayout, Inputs, Outputs, PtuConfig};
use ptu_arch::{CPL_KERNEL, CPL_USER};

/// What kind of event is being entered. Decides the entry point, the
/// stack, the return RIP and the side effects (`irq_ack`, `nmi_blocked`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// Machine check (critical).
    Mce,
    /// NMI (critical; sets `nmi_blocked`).
    Nmi,
    /// `exc_valid`, a faulting CSR access, or ERET in user mode (ordinary).
    Fault,
    /// External interrupt (ordinary; pulses `irq_ack`).
    Irq,
    /// SYSCALL (ordinary; returns to `next_rip`).
    Syscall,
    /// Double fault after a bus error (critical).
    DoubleFault,
}

impl EventKind {
    /// Critical events enter at ENTRY_CRIT and may switch to CSTACK.
    pub fn critical(self) -> bool {
        matches!(
            self,
            EventKind::Mce | EventKind::Nmi | EventKind::DoubleFault
        )
    }
}

/// One event, as latched into EVENT_INFO / EVENT_DATA when it is entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    pub kind: EventKind,
    /// The packed EVENT_INFO (including `from_user`).
    pub info: u64,
    /// EVENT_DATA.
    pub data: u64,
}

/// What the idle unit does at an edge (notes §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Enter an event. `next_rip` is only used by SYSCALL.
    Enter(Event),
    /// ERET in kernel mode.
    Eret,
    /// The current instruction's own effects (`retire`, `rsp_we`, `gs_we`,
    /// CSR write), possibly none.
    Insn,
}

/// Most words a frame has (six with `xlen = 32`, docs/spec.md §14.1).
pub const MAX_FRAME_WORDS: usize = 6;

/// A frame push in progress (framed entry, notes §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Push {
    /// The event that will be entered at the last answer.
    pub event: Event,
    /// Stack top: word `i` (0-based, in push order) goes to
    /// `top - W*(i+1)`, W the word's bytes (8, or 4 with `xlen = 32`).
    pub top: u64,
    /// The words in push order (highest address first): return RIP,
    /// kernel RSP, STATUS, EVENT_INFO, EVENT_DATA, all as before the event
    /// (with `xlen = 32` six: EVENT_INFO bits 63:32, then bits 31:0);
    /// unused words are 0.
    pub words: [u64; MAX_FRAME_WORDS],
    /// Words answered so far; the current request is word `count`.
    pub count: u8,
}

/// A frame pop in progress (framed ERET, notes §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pop {
    /// The kernel RSP at the ERET: word `i` is read from `base + W*i`.
    pub base: u64,
    /// Words read so far, lowest address first: EVENT_DATA, EVENT_INFO,
    /// STATUS, RSP, RIP (with `xlen = 32`: EVENT_DATA, EVENT_INFO bits
    /// 31:0, bits 63:32, STATUS, RSP, RIP).
    pub words: [u64; MAX_FRAME_WORDS],
    /// Words answered so far; the current request is word `count`.
    pub count: u8,
}

/// The frame sequencer. `Idle` means not busy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seq {
    Idle,
    Push(Push),
    Pop(Pop),
}

/// A deliberate error in the model ([`Model::mutant`]), so that tests can
/// show that their checks catch one mistake per option. `None` in every
/// real use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutant {
    /// Option `irq_entry`: interrupts still enter at ENTRY (ENTRY_IRQ is
    /// kept, but not used).
    IrqEntryIgnored,
    /// Option `fs_bank`: one FS base for both levels (`fs_we` and UFS
    /// write the same register, `fs_base` shows it at either level).
    FsNotBanked,
    /// `xlen = 32`: the frame's two EVENT_INFO words pushed swapped.
    Frame32InfoSwapped,
}

/// Every flip-flop of the unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
    /// Kernel RIP after reset (generation parameter).
    pub reset_rip: u64,
    /// The configuration's width (32 or 64): every XLEN-wide register and
    /// input is cut to it (docs/spec.md §14.1).
    pub xlen: usize,
    /// Option `irq_entry`: external interrupts enter at ENTRY_IRQ.
    pub irq_entry: bool,
    /// Option `fs_bank`: a renamed FS base, `fs_we`/`fs_wdata`, CSR UFS.
    pub fs_bank: bool,
    /// A deliberate error, for tests of the tests; kept across reset.
    pub mutant: Option<Mutant>,
    pub k_rip: u64,
    pub u_rip: u64,
    pub k_rsp: u64,
    pub u_rsp: u64,
    pub k_gs: u64,
    pub u_gs: u64,
    /// FS base, kernel and user copy (option `fs_bank`; 0 without it).
    pub k_fs: u64,
    pub u_fs: u64,
    /// `cpl = 3` (notes §7: CPL is stored as one bit).
    pub user: bool,
    pub entry: u64,
    pub entry_crit: u64,
    /// ENTRY_IRQ (option `irq_entry`; 0 without it).
    pub entry_irq: u64,
    pub cstack: u64,
    /// STATUS, only bits in `status::MASK`.
    pub status: u64,
    /// EVENT_INFO, only bits in `event_info::MASK`.
    pub event_info: u64,
    pub event_data: u64,
    /// `nmi`/`mce` as sampled at the previous edge.
    pub nmi_q: bool,
    pub mce_q: bool,
    pub nmi_pending: bool,
    pub mce_pending: bool,
    pub shutdown: bool,
    pub irq_ack: bool,
    pub redirect: bool,
    pub seq: Seq,
}

fn bit(v: u64, b: u32) -> bool {
    (v >> b) & 1 == 1
}

fn with_bit(v: u64, b: u32, on: bool) -> u64 {
    (v & !(1u64 << b)) | ((on as u64) << b)
}

impl Model {
    /// The state after reset (SPEC's State table; kernel RIP = `reset_rip`).
    pub fn new(cfg: &PtuConfig) -> Self {
        let mut m = Model {
            reset_rip: cfg.reset_rip & cfg.xlen_mask(),
            xlen: cfg.xlen,
            irq_entry: cfg.irq_entry,
            fs_bank: cfg.fs_bank,
            ..Self::reset_state(0, false, false)
        };
        m.reset(false, false);
        m
    }

    /// Reset: every register to its reset value, the configuration kept.
    fn reset(&mut self, nmi: bool, mce: bool) {
        *self = Model {
            xlen: self.xlen,
            irq_entry: self.irq_entry,
            fs_bank: self.fs_bank,
            mutant: self.mutant,
            ..Self::reset_state(self.reset_rip, nmi, mce)
        };
    }

    /// The configuration this model follows (its name is not kept).
    pub fn config(&self) -> PtuConfig {
        PtuConfig {
            xlen: self.xlen,
            reset_rip: self.reset_rip,
            irq_entry: self.irq_entry,
            fs_bank: self.fs_bank,
            ..PtuConfig::default()
        }
    }

    /// The values an XLEN-wide register holds.
    pub fn mask(&self) -> u64 {
        if self.xlen >= 64 {
            u64::MAX
        } else {
            (1u64 << self.xlen) - 1
        }
    }

    /// The frame this configuration pushes and pops.
    pub fn frame(&self) -> FrameLayout {
        FrameLayout::for_xlen(self.xlen)
    }

    /// The inputs as the unit sees them: XLEN-wide inputs cut to XLEN
    /// bits, `fs_we` only with `fs_bank`. The identity for the default.
    pub fn port_inputs(&self, inp: &Inputs) -> Inputs {
        let m = self.mask();
        let mut i = *inp;
        i.next_rip &= m;
        i.rsp_wdata &= m;
        i.gs_wdata &= m;
        i.csr_wdata &= m;
        i.exc_data &= m;
        i.mem_rdata &= m;
        if self.fs_bank {
            i.fs_wdata &= m;
        } else {
            i.fs_we = false;
            i.fs_wdata = 0;
        }
        i
    }

    /// Reset values (the CSRs' from `csr::TABLE`), with `nmi_q`/`mce_q`
    /// taking the levels present during reset so that a level held through
    /// reset is not an edge (notes §1). The 64-bit default configuration;
    /// [`Model::reset`] keeps the model's own.
    fn reset_state(reset_rip: u64, nmi: bool, mce: bool) -> Self {
        let reset = |addr| csr::get(addr).reset;
        Model {
            reset_rip,
            xlen: ptu_arch::XLEN,
            irq_entry: false,
            fs_bank: false,
            mutant: None,
            k_fs: 0,
            u_fs: 0,
            entry_irq: 0,
            k_rip: reset_rip,
            u_rip: reset(csr::URIP),
            k_rsp: 0,
            u_rsp: reset(csr::URSP),
            k_gs: 0,
            u_gs: reset(csr::UGS),
            user: false,
            entry: reset(csr::ENTRY),
            entry_crit: reset(csr::ENTRY_CRIT),
            cstack: reset(csr::CSTACK),
            status: reset(csr::STATUS) & status::MASK,
            event_info: reset(csr::EVENT_INFO) & event_info::MASK,
            event_data: reset(csr::EVENT_DATA),
            nmi_q: nmi,
            mce_q: mce,
            nmi_pending: false,
            mce_pending: false,
            shutdown: false,
            irq_ack: false,
            redirect: false,
            seq: Seq::Idle,
        }
    }

    /// Current privilege level: 0 or 3.
    pub fn cpl(&self) -> u8 {
        if self.user {
            CPL_USER
        } else {
            CPL_KERNEL
        }
    }

    /// A frame push or pop runs.
    pub fn busy(&self) -> bool {
        self.seq != Seq::Idle
    }

    /// One STATUS bit (`status::IF`, ...).
    pub fn status_bit(&self, b: u32) -> bool {
        bit(self.status, b)
    }

    /// The value of a CSR, or `None` for an address `csr::TABLE` lacks.
    /// This and [`Model::csr_storage`] are each CSR's behaviour; which
    /// CSRs exist and what an access may do is the table's.
    pub fn csr_value(&self, addr: u8) -> Option<u64> {
        let c = self.config().csr(addr)?;
        let info = self.event_info & event_info::MASK;
        Some(match addr {
            csr::ENTRY => self.entry,
            csr::ENTRY_CRIT => self.entry_crit,
            csr::CSTACK => self.cstack,
            csr::STATUS => self.status & status::MASK,
            // XLEN bits of it; with xlen = 32 EVENT_INFO_H has the rest.
            csr::EVENT_INFO => info & self.mask(),
            EVENT_INFO_H => info >> 32,
            csr::EVENT_DATA => self.event_data,
            csr::URIP => self.u_rip,
            csr::URSP => self.u_rsp,
            csr::UGS => self.u_gs,
            ENTRY_IRQ => self.entry_irq,
            UFS if self.mutant == Some(Mutant::FsNotBanked) => self.k_fs,
            UFS => self.u_fs,
            _ => unreachable!("CSR {} has no value in the model", c.name),
        })
    }

    /// Where a write to a CSR whose access is `rw` or `user copy` goes.
    fn csr_storage(&mut self, addr: u8) -> &mut u64 {
        match addr {
            csr::ENTRY => &mut self.entry,
            csr::ENTRY_CRIT => &mut self.entry_crit,
            csr::CSTACK => &mut self.cstack,
            csr::URIP => &mut self.u_rip,
            csr::URSP => &mut self.u_rsp,
            csr::UGS => &mut self.u_gs,
            ENTRY_IRQ if self.irq_entry => &mut self.entry_irq,
            UFS if self.fs_bank && self.mutant == Some(Mutant::FsNotBanked) => &mut self.k_fs,
            UFS if self.fs_bank => &mut self.u_fs,
            _ => unreachable!("CSR 0x{addr:02x} has no storage in the model"),
        }
    }

    /// SPEC "CSRs": a CSR access faults (#GP) in user mode, on an address
    /// `csr::TABLE` lacks, or when it writes a read-only CSR.
    pub fn csr_fault(&self, inp: &Inputs) -> bool {
        (inp.csr_re || inp.csr_we)
            && (self.user || self.config().csr_faults(inp.csr_addr, inp.csr_we))
    }

    /// The outputs in the current cycle. Everything but `csr_rdata` depends
    /// on state only; `csr_rdata` follows notes §3.
    pub fn outputs(&self, inp: &Inputs) -> Outputs {
        let inp = &self.port_inputs(inp);
        let (rip, rsp, gs_base, mut fs_base) = if self.user {
            (self.u_rip, self.u_rsp, self.u_gs, self.u_fs)
        } else {
            (self.k_rip, self.k_rsp, self.k_gs, self.k_fs)
        };
        if self.mutant == Some(Mutant::FsNotBanked) {
            fs_base = self.k_fs;
        }
        let (w, mask) = (self.frame().word_bytes, self.mask());
        let csr_rdata = if inp.csr_re && !self.csr_fault(inp) && !self.busy() && !self.shutdown {
            self.csr_value(inp.csr_addr).unwrap_or(0)
        } else {
            0
        };
        let (mem_valid, mem_we, mem_addr, mem_wdata) = match &self.seq {
            Seq::Idle => (false, false, 0, 0),
            Seq::Push(p) => (
                true,
                true,
                p.top.wrapping_sub(w * (p.count as u64 + 1)) & mask,
                p.words[p.count as usize],
            ),
            Seq::Pop(p) => (
                true,
                false,
                p.base.wrapping_add(w * p.count as u64) & mask,
                0,
            ),
        };
        Outputs {
            cpl: self.cpl(),
            rip,
            rsp,
            gs_base,
            fs_base,
            csr_rdata,
            irq_ack: self.irq_ack,
            redirect: self.redirect,
            busy: self.busy(),
            event_info: self.event_info,
            event_data: self.event_data,
            mem_valid,
            mem_we,
            mem_addr,
            mem_wdata,
            shutdown: self.shutdown,
        }
    }

    /// Apply one rising clock edge (notes §1): reset; else sample
    /// `nmi`/`mce`; then nothing in shutdown, the frame sequencer when busy,
    /// the event decision when idle.
    pub fn step(&mut self, inp: &Inputs) {
        let inp = &self.port_inputs(inp);
        if inp.reset {
            self.reset(inp.nmi, inp.mce);
            return;
        }
        // Sampling. The decision below sees the pending flags from before
        // this edge; a flag taken now is cleared, and an edge arriving now
        // sets it again.
        let nmi_edge = inp.nmi && !self.nmi_q;
        let mce_edge = inp.mce && !self.mce_q;
        self.nmi_q = inp.nmi;
        self.mce_q = inp.mce;
        // Pulses last one cycle.
        self.redirect = false;
        self.irq_ack = false;

        if self.shutdown {
            // nothing
        } else if self.busy() {
            self.sequencer_step(inp);
        } else {
            match self.decide(inp) {
                Decision::Enter(ev) => self.accept(ev, inp),
                Decision::Eret => self.eret(),
                Decision::Insn => self.instruction(inp),
            }
        }

        self.nmi_pending |= nmi_edge;
        self.mce_pending |= mce_edge;
    }

    /// The event decision of an idle unit, SPEC "Events, in priority
    /// order" as written out in notes §2: machine check, NMI (unless
    /// `nmi_blocked`), a fault of the current instruction (`exc_valid`
    /// before #GP), interrupt (`irq` and user mode or `if`), SYSCALL, ERET,
    /// then the instruction itself. Pure: reads state and inputs only.
    pub fn decide(&self, inp: &Inputs) -> Decision {
        let inp = &self.port_inputs(inp);
        let from_user = self.user;
        let ev = |kind, ty, vec, error, error_valid, data| {
            Decision::Enter(Event {
                kind,
                info: event_info::pack(ty, vec, error, from_user, error_valid),
                data,
            })
        };
        if self.mce_pending {
            return ev(
                EventKind::Mce,
                event_type::HARDWARE_EXCEPTION,
                vector::MC,
                0,
                false,
                0,
            );
        }
        if self.nmi_pending && !self.status_bit(status::NMI_BLOCKED) {
            return ev(EventKind::Nmi, event_type::NMI, vector::NMI, 0, false, 0);
        }
        if inp.exc_valid {
            let error = if inp.exc_error_valid {
                inp.exc_error
            } else {
                0
            };
            return ev(
                EventKind::Fault,
                event_type::HARDWARE_EXCEPTION,
                inp.exc_vector,
                error,
                inp.exc_error_valid,
                inp.exc_data,
            );
        }
        if self.csr_fault(inp) || (inp.op_eret && self.user) {
            return ev(
                EventKind::Fault,
                event_type::HARDWARE_EXCEPTION,
                vector::GP,
                0,
                true,
                0,
            );
        }
        if inp.irq && (self.user || self.status_bit(status::IF)) {
            return ev(
                EventKind::Irq,
                event_type::EXTERNAL_INTERRUPT,
                inp.irq_vector,
                0,
                false,
                0,
            );
        }
        if inp.op_syscall {
            return ev(
                EventKind::Syscall,
                event_type::OTHER,
                vector::SYSCALL,
                0,
                false,
                0,
            );
        }
        if inp.op_eret {
            return Decision::Eret;
        }
        Decision::Insn
    }

    /// Accept an event at this edge (SPEC "Entry", notes §4). Clears the
    /// pending flag of an NMI/MCE and pulses `irq_ack` for an interrupt in
    /// the next cycle. An ordinary event from user mode commits at once
    /// (SYSCALL also sets the user RIP to `next_rip`); every other event
    /// starts a frame push whose stack top is CSTACK for a critical event
    /// taken while `critical` = 0, else the kernel RSP.
    fn accept(&mut self, ev: Event, inp: &Inputs) {
        match ev.kind {
            EventKind::Mce => self.mce_pending = false,
            EventKind::Nmi => self.nmi_pending = false,
            EventKind::Irq => self.irq_ack = true,
            _ => {}
        }
        if !ev.kind.critical() && self.user {
            if ev.kind == EventKind::Syscall {
                self.u_rip = inp.next_rip;
            }
            self.commit_entry(&ev, None);
        } else {
            let ret_rip = if ev.kind == EventKind::Syscall {
                inp.next_rip
            } else {
                self.k_rip
            };
            self.start_push(ev, ret_rip);
        }
    }

    /// Begin pushing a frame for `ev` (SPEC "Entry", notes §4): words, in
    /// push order, are the return RIP, kernel RSP, STATUS, EVENT_INFO and
    /// EVENT_DATA as they are now; the stack top is CSTACK for a critical
    /// event while `critical` = 0, else the kernel RSP.
    fn start_push(&mut self, ev: Event, ret_rip: u64) {
        let top = if ev.kind.critical() && !self.status_bit(status::CRITICAL) {
            self.cstack
        } else {
            self.k_rsp
        };
        // The word at each offset (docs/spec.md §10, §14.1), then in push
        // order: highest address first.
        let f = self.frame();
        let info = self.event_info;
        let at = |off: u64| -> u64 {
            if off == f.off_rip {
                ret_rip
            } else if off == f.off_rsp {
                self.k_rsp
            } else if off == f.off_status {
                self.status
            } else if Some(off) == f.off_event_info_hi {
                info >> 32
            } else if off == f.off_event_info {
                info & self.mask()
            } else {
                debug_assert_eq!(off, f.off_event_data);
                self.event_data
            }
        };
        let mut words = [0; MAX_FRAME_WORDS];
        for (i, w) in words.iter_mut().enumerate().take(f.words as usize) {
            *w = at(f.bytes - f.word_bytes * (i as u64 + 1));
        }
        if self.mutant == Some(Mutant::Frame32InfoSwapped) && f.words == 6 {
            words.swap(3, 4);
        }
        self.seq = Seq::Push(Push {
            event: ev,
            top,
            words,
            count: 0,
        });
    }

    /// Entry commit (SPEC "Entry"; notes §4): latch EVENT_INFO/EVENT_DATA,
    /// CPL 0, kernel RIP = ENTRY (ENTRY_CRIT for critical events), `if` = 0,
    /// pulse `redirect`. Unframed (`frame_top` = `None`, ordinary event from
    /// user): `framed` = 0, `prev_user` = 1, `critical` = 0, `nmi_blocked`
    /// kept. Framed: kernel RSP = top - 40 (top - 24 with `xlen = 32`), `framed` = 1, `prev_user` = the
    /// interrupted level, `critical` set by critical events and kept
    /// otherwise, `nmi_blocked` set by an NMI and kept otherwise.
    fn commit_entry(&mut self, ev: &Event, frame_top: Option<u64>) {
        let old = self.status;
        let mut st = old & (1 << status::NMI_BLOCKED);
        st = with_bit(st, status::PREV_USER, self.user);
        if let Some(top) = frame_top {
            self.k_rsp = top.wrapping_sub(self.frame().bytes) & self.mask();
            st = with_bit(st, status::FRAMED, true);
            st = with_bit(
                st,
                status::CRITICAL,
                ev.kind.critical() || bit(old, status::CRITICAL),
            );
            if ev.kind == EventKind::Nmi {
                st = with_bit(st, status::NMI_BLOCKED, true);
            }
        }
        self.status = st;
        self.event_info = ev.info & event_info::MASK;
        self.event_data = ev.data;
        self.user = false;
        // docs/spec.md §14.3: with `irq_entry`, interrupts (only they, not
        // a #DF raised while pushing an interrupt's frame) enter at
        // ENTRY_IRQ.
        self.k_rip = if ev.kind.critical() {
            self.entry_crit
        } else if ev.kind == EventKind::Irq
            && self.irq_entry
            && self.mutant != Some(Mutant::IrqEntryIgnored)
        {
            self.entry_irq
        } else {
            self.entry
        };
        self.redirect = true;
    }

    /// ERET in kernel mode (SPEC "ERET", notes §6): with `framed` = 0,
    /// return to user at this edge (CPL 3, `redirect`; kernel copies and
    /// STATUS unchanged); with `framed` = 1, start popping the frame from
    /// the kernel RSP upward.
    fn eret(&mut self) {
        if self.status_bit(status::FRAMED) {
            self.seq = Seq::Pop(Pop {
                base: self.k_rsp,
                words: [0; MAX_FRAME_WORDS],
                count: 0,
            });
        } else {
            self.user = true;
            self.redirect = true;
        }
    }

    /// Framed ERET commit (notes §6): kernel RIP and kernel RSP from the
    /// frame's RIP and RSP words, STATUS / EVENT_INFO from their words
    /// (defined bits only), EVENT_DATA from its word; CPL 3 if `prev_user`
    /// was set in the STATUS being left; `redirect`. With `xlen = 32`
    /// EVENT_INFO comes from two words (bits 63:32 at the higher address).
    fn commit_eret(&mut self, w: &[u64; MAX_FRAME_WORDS]) {
        let f = self.frame();
        let word = |off: u64| w[(off / f.word_bytes) as usize];
        let to_user = self.status_bit(status::PREV_USER);
        let hi = f.off_event_info_hi.map_or(0, |off| word(off) << 32);
        self.event_data = word(f.off_event_data);
        self.event_info = (word(f.off_event_info) | hi) & event_info::MASK;
        self.status = word(f.off_status) & status::MASK;
        self.k_rsp = word(f.off_rsp);
        self.k_rip = word(f.off_rip);
        self.user = to_user;
        self.redirect = true;
    }

    /// The instruction's own effects when no event is taken (notes §2
    /// `do_insn`): `retire` sets the current level's RIP to `next_rip`,
    /// `rsp_we`/`gs_we` write the current level's RSP/GS base, a kernel CSR
    /// write writes ENTRY, ENTRY_CRIT, CSTACK, STATUS.`if` or a user copy.
    fn instruction(&mut self, inp: &Inputs) {
        let (rip, rsp, gs, fs) = if self.user {
            (
                &mut self.u_rip,
                &mut self.u_rsp,
                &mut self.u_gs,
                &mut self.u_fs,
            )
        } else {
            (
                &mut self.k_rip,
                &mut self.k_rsp,
                &mut self.k_gs,
                &mut self.k_fs,
            )
        };
        if inp.retire {
            *rip = inp.next_rip;
        }
        if inp.rsp_we {
            *rsp = inp.rsp_wdata;
        }
        if inp.gs_we {
            *gs = inp.gs_wdata;
        }
        // `port_inputs` drops `fs_we` without `fs_bank`.
        if inp.fs_we {
            if self.mutant == Some(Mutant::FsNotBanked) {
                self.k_fs = inp.fs_wdata;
            } else {
                *fs = inp.fs_wdata;
            }
        }
        // A faulting CSR access never gets here, so this is kernel mode
        // and a known, writable address; the table's rule says what the
        // write does.
        if inp.csr_we {
            let d = inp.csr_wdata;
            let c = self
                .config()
                .csr(inp.csr_addr)
                .expect("a CSR that does not fault exists");
            match c.access {
                Access::ReadWrite | Access::UserCopy => *self.csr_storage(c.addr) = d,
                Access::WriteIfOnly => {
                    self.status = with_bit(self.status, status::IF, bit(d, status::IF))
                }
                Access::ReadOnly => unreachable!("a write to {} raises #GP", c.name),
            }
        }
    }

    /// The frame sequencer at one edge while busy (SPEC "Entry", "ERET";
    /// notes §4, §5): only an answer (`mem_ready`) matters. An error ends
    /// the transfer without committing anything: a #DF push becomes a
    /// triple fault (`shutdown`), anything else starts the #DF frame push
    /// from the current state. Otherwise the word is taken, and the fifth
    /// answer commits the entry or the ERET.
    fn sequencer_step(&mut self, inp: &Inputs) {
        if !inp.mem_ready {
            return;
        }
        if inp.mem_err {
            let was_df =
                matches!(&self.seq, Seq::Push(p) if p.event.kind == EventKind::DoubleFault);
            self.seq = Seq::Idle;
            if was_df {
                self.shutdown = true;
            } else {
                self.start_double_fault();
            }
            return;
        }
        let words = self.frame().words;
        match &mut self.seq {
            Seq::Idle => {}
            Seq::Push(p) => {
                p.count += 1;
                if p.count as u64 == words {
                    let (ev, top) = (p.event, p.top);
                    self.seq = Seq::Idle;
                    self.commit_entry(&ev, Some(top));
                }
            }
            Seq::Pop(p) => {
                p.words[p.count as usize] = inp.mem_rdata;
                p.count += 1;
                if p.count as u64 == words {
                    let w = p.words;
                    self.seq = Seq::Idle;
                    self.commit_eret(&w);
                }
            }
        }
    }

    /// Start a double fault after a bus error (notes §5): type 3, vector 8,
    /// error 0 valid, data 0, `from_user` = current level; critical; its
    /// frame holds the current (pre-failure) state with the current kernel
    /// RIP as return RIP.
    fn start_double_fault(&mut self) {
        let ev = Event {
            kind: EventKind::DoubleFault,
            info: event_info::pack(
                event_type::HARDWARE_EXCEPTION,
                vector::DF,
                0,
                self.user,
                true,
            ),
            data: 0,
        };
        self.start_push(ev, self.k_rip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::{Access, Memory};
    use crate::stimulus::RandomCore;

    const ENTRY: u64 = 0x1000;
    const ENTRY_CRIT: u64 = 0x2000;
    const CSTACK: u64 = 0xc000;
    const KSTACK: u64 = 0x8000;

    /// One cycle: the memory answers the current outputs, the outputs of
    /// this cycle are returned, then the edge is applied to both.
    fn tick(m: &mut Model, mem: &mut Memory, mut inp: Inputs) -> Outputs {
        let o0 = m.outputs(&inp);
        let (r, d, e) = mem.respond(&o0);
        inp.mem_ready = r;
        inp.mem_rdata = d;
        inp.mem_err = e;
        let o = m.outputs(&inp);
        m.step(&inp);
        mem.clock(&o, r, e);
        o
    }

    fn idle() -> Inputs {
        Inputs::default()
    }

    /// A kernel set up with entry points, stacks, kernel RIP 0x500 and
    /// user copies; still in kernel mode after reset.
    fn setup() -> (Model, Memory) {
        let mut m = Model::new(&PtuConfig::default());
        let mut mem = Memory::new(0);
        for (a, v) in [
            (csr::ENTRY, ENTRY),
            (csr::ENTRY_CRIT, ENTRY_CRIT),
            (csr::CSTACK, CSTACK),
            (csr::URIP, 0x40_0000),
            (csr::URSP, 0x7000_0000),
            (csr::UGS, 0x6000_0000),
        ] {
            tick(&mut m, &mut mem, Inputs::csr_write(a, v));
        }
        tick(
            &mut m,
            &mut mem,
            Inputs {
                rsp_we: true,
                rsp_wdata: KSTACK,
                gs_we: true,
                gs_wdata: 0x5000,
                ..Inputs::retire(0x500)
            },
        );
        (m, mem)
    }

    /// `setup` then an unframed ERET to user mode.
    fn setup_user() -> (Model, Memory) {
        let (mut m, mut mem) = setup();
        tick(&mut m, &mut mem, Inputs::eret());
        assert!(m.user);
        (m, mem)
    }

    fn st(bits: &[u32]) -> u64 {
        bits.iter().fold(0, |a, b| a | 1 << b)
    }

    #[test]
    fn reset_values() {
        let cfg = PtuConfig {
            reset_rip: 0xffff_0000,
            ..PtuConfig::default()
        };
        let m = Model::new(&cfg);
        let o = m.outputs(&idle());
        assert_eq!(
            o,
            Outputs {
                rip: 0xffff_0000,
                ..Outputs::default()
            }
        );
        for a in csr::TABLE.iter().map(|c| c.addr) {
            assert_eq!(m.outputs(&Inputs::csr_read(a)).csr_rdata, 0);
        }
        // Reset from a busy, odd state brings everything back.
        let (mut m2, mut mem) = setup();
        m2.reset_rip = 0xffff_0000;
        tick(&mut m2, &mut mem, Inputs::syscall(0x504));
        assert!(m2.busy());
        tick(
            &mut m2,
            &mut mem,
            Inputs {
                reset: true,
                ..idle()
            },
        );
        assert_eq!(m2, m);
    }

    #[test]
    fn syscall_from_user_is_one_edge() {
        let (mut m, mut mem) = setup_user();
        assert_eq!(m.outputs(&idle()).rip, 0x40_0000);
        tick(&mut m, &mut mem, Inputs::retire(0x40_0004));
        let before = m.clone();
        let o = tick(&mut m, &mut mem, Inputs::syscall(0x40_0008));
        assert!(!o.redirect && o.cpl == 3);
        let o = m.outputs(&idle());
        assert_eq!(o.cpl, 0);
        assert_eq!(o.rip, ENTRY);
        assert_eq!(o.rsp, KSTACK);
        assert_eq!(o.gs_base, 0x5000);
        assert!(o.redirect && !o.busy && !o.mem_valid && !o.irq_ack);
        assert_eq!(m.u_rip, 0x40_0008);
        assert_eq!(m.u_rsp, before.u_rsp);
        assert_eq!(m.u_gs, before.u_gs);
        assert_eq!(o.event_info, event_info::pack(7, 0, 0, true, false));
        assert_eq!(o.event_data, 0);
        assert_eq!(m.status, st(&[status::PREV_USER]));
        assert!(mem.log.is_empty());
        // The pulse lasts one cycle.
        tick(&mut m, &mut mem, idle());
        assert!(!m.outputs(&idle()).redirect);
    }

    #[test]
    fn unframed_eret_is_one_edge() {
        let (mut m, mut mem) = setup_user();
        tick(&mut m, &mut mem, Inputs::syscall(0x40_0004));
        tick(&mut m, &mut mem, Inputs::retire(ENTRY + 4));
        let o = tick(&mut m, &mut mem, Inputs::eret());
        assert_eq!(o.cpl, 0);
        let o = m.outputs(&idle());
        assert_eq!(
            (o.cpl, o.rip, o.rsp, o.gs_base),
            (3, 0x40_0004, 0x7000_0000, 0x6000_0000)
        );
        assert!(o.redirect && !o.busy);
        assert_eq!(m.k_rip, ENTRY + 4);
        assert_eq!(m.status, st(&[status::PREV_USER]));
        assert!(mem.log.is_empty());
    }

    /// A page fault in kernel mode with `if` = 1: the frame timing,
    /// addresses and words of SPEC's "framed entry" row.
    #[test]
    fn framed_entry_from_kernel() {
        let (mut m, mut mem) = setup();
        tick(&mut m, &mut mem, Inputs::csr_write(csr::STATUS, 1));
        let before = m.clone();
        let fault = Inputs {
            exc_valid: true,
            exc_vector: vector::PF,
            exc_error: 2,
            exc_error_valid: true,
            exc_data: 0xdead_0000,
            ..idle()
        };
        let o = tick(&mut m, &mut mem, fault);
        assert!(!o.busy && !o.mem_valid);
        let words = [0x500, KSTACK, 1, before.event_info, before.event_data];
        for (i, w) in words.iter().enumerate() {
            let o = tick(&mut m, &mut mem, idle());
            assert!(o.busy && o.mem_valid && o.mem_we, "cycle {i}");
            assert_eq!(o.mem_addr, KSTACK - 8 * (i as u64 + 1));
            assert_eq!(o.mem_wdata, *w);
            // Still the interrupted state.
            assert_eq!((o.cpl, o.rip, o.rsp), (0, 0x500, KSTACK));
            assert_eq!(o.event_info, before.event_info);
            assert!(!o.redirect);
            assert!(!o.irq_ack);
        }
        let o = m.outputs(&idle());
        assert!(!o.busy && o.redirect && !o.mem_valid);
        assert_eq!((o.cpl, o.rip, o.rsp), (0, ENTRY, KSTACK - 40));
        assert_eq!(o.event_info, event_info::pack(3, 14, 2, false, true));
        assert_eq!(o.event_data, 0xdead_0000);
        assert_eq!(m.status, st(&[status::FRAMED]));
        let want: Vec<Access> = words
            .iter()
            .enumerate()
            .map(|(i, w)| Access {
                we: true,
                addr: KSTACK - 8 * (i as u64 + 1),
                data: *w,
                err: false,
            })
            .collect();
        assert_eq!(mem.log, want);
        assert_eq!(mem.read(KSTACK - 40), before.event_data);
    }

    #[test]
    fn framed_eret_pops_and_restores() {
        let (mut m, mut mem) = setup();
        tick(&mut m, &mut mem, Inputs::csr_write(csr::STATUS, 1));
        let before = m.clone();
        tick(&mut m, &mut mem, Inputs::syscall(0x504));
        for _ in 0..5 {
            tick(&mut m, &mut mem, idle());
        }
        assert_eq!(m.k_rip, ENTRY);
        assert_eq!(m.k_rsp, KSTACK - 40);
        tick(&mut m, &mut mem, Inputs::retire(ENTRY + 4));
        mem.log.clear();
        let o = tick(&mut m, &mut mem, Inputs::eret());
        assert!(!o.busy);
        for i in 0..5u64 {
            let o = tick(&mut m, &mut mem, idle());
            assert!(o.busy && o.mem_valid && !o.mem_we && o.mem_wdata == 0);
            assert_eq!(o.mem_addr, KSTACK - 40 + 8 * i);
            assert_eq!((o.rip, o.rsp), (ENTRY + 4, KSTACK - 40));
        }
        let o = m.outputs(&idle());
        assert!(o.redirect && !o.busy);
        assert_eq!((o.cpl, o.rip, o.rsp), (0, 0x504, KSTACK));
        assert_eq!(m.status, before.status);
        assert_eq!(o.event_info, before.event_info);
        assert_eq!(o.event_data, before.event_data);
        let addrs: Vec<u64> = mem.log.iter().map(|a| a.addr).collect();
        assert_eq!(
            addrs,
            (0..5).map(|i| KSTACK - 40 + 8 * i).collect::<Vec<_>>()
        );
        assert!(mem.log.iter().all(|a| !a.we && !a.err));
    }

    /// NMI from user switches to CSTACK; a second NMI waits for ERET.
    #[test]
    fn nmi_from_user_and_blocking() {
        let (mut m, mut mem) = setup_user();
        let nmi = Inputs {
            nmi: true,
            ..Inputs::retire(0x40_0004)
        };
        // Sampled at this edge; the retire still happens.
        tick(&mut m, &mut mem, nmi);
        assert!(m.nmi_pending && m.u_rip == 0x40_0004);
        // Taken at the next edge, beating the instruction.
        tick(&mut m, &mut mem, Inputs::retire(0x40_0008));
        assert!(m.busy() && !m.nmi_pending);
        assert_eq!(m.u_rip, 0x40_0004);
        for i in 0..5u64 {
            let o = tick(&mut m, &mut mem, idle());
            assert_eq!(o.mem_addr, CSTACK - 8 * (i + 1));
            assert_eq!(o.cpl, 3);
        }
        let o = m.outputs(&idle());
        assert_eq!((o.cpl, o.rip, o.rsp), (0, ENTRY_CRIT, CSTACK - 40));
        assert_eq!(o.event_info, event_info::pack(2, 2, 0, true, false));
        assert_eq!(
            m.status,
            st(&[
                status::FRAMED,
                status::NMI_BLOCKED,
                status::PREV_USER,
                status::CRITICAL
            ])
        );
        // The frame keeps the kernel RIP/RSP the kernel left.
        assert_eq!(mem.read(CSTACK - 8), 0x500);
        assert_eq!(mem.read(CSTACK - 16), KSTACK);
        // Nested NMI: pending but blocked.
        tick(
            &mut m,
            &mut mem,
            Inputs {
                nmi: true,
                ..idle()
            },
        );
        for _ in 0..20 {
            tick(&mut m, &mut mem, idle());
            assert!(!m.busy() && m.nmi_pending && m.k_rip == ENTRY_CRIT);
        }
        // ERET: pop, back to user; then the NMI is taken at the next edge.
        tick(&mut m, &mut mem, Inputs::eret());
        for _ in 0..5 {
            tick(&mut m, &mut mem, idle());
        }
        let o = m.outputs(&idle());
        assert_eq!((o.cpl, o.rip, o.rsp), (3, 0x40_0004, 0x7000_0000));
        assert!(o.redirect);
        assert_eq!(m.k_rsp, KSTACK);
        assert_eq!(m.k_rip, 0x500);
        assert!(!m.status_bit(status::NMI_BLOCKED));
        tick(&mut m, &mut mem, Inputs::retire(0x40_0008));
        assert!(m.busy() && !m.nmi_pending);
        assert_eq!(m.u_rip, 0x40_0004);
    }

    /// A machine check in an NMI handler stays on the critical stack.
    #[test]
    fn mce_in_critical_handler_stays_on_stack() {
        let (mut m, mut mem) = setup();
        tick(
            &mut m,
            &mut mem,
            Inputs {
                nmi: true,
                ..idle()
            },
        );
        for _ in 0..6 {
            tick(&mut m, &mut mem, idle());
        }
        assert_eq!((m.k_rip, m.k_rsp), (ENTRY_CRIT, CSTACK - 40));
        let st_nmi = m.status;
        tick(&mut m, &mut mem, Inputs::retire(ENTRY_CRIT + 4));
        tick(
            &mut m,
            &mut mem,
            Inputs {
                mce: true,
                ..idle()
            },
        );
        tick(&mut m, &mut mem, idle());
        assert!(m.busy());
        for i in 0..5u64 {
            let o = tick(&mut m, &mut mem, idle());
            assert_eq!(o.mem_addr, CSTACK - 40 - 8 * (i + 1));
        }
        assert_eq!((m.k_rip, m.k_rsp), (ENTRY_CRIT, CSTACK - 80));
        assert_eq!(mem.read(CSTACK - 48), ENTRY_CRIT + 4);
        assert_eq!(mem.read(CSTACK - 56), CSTACK - 40);
        assert_eq!(mem.read(CSTACK - 64), st_nmi);
        assert_eq!(
            m.status,
            st(&[status::FRAMED, status::NMI_BLOCKED, status::CRITICAL])
        );
        assert_eq!(m.event_info, event_info::pack(3, 18, 0, false, false));
    }

    #[test]
    fn bus_error_on_push_is_double_fault() {
        let (mut m, mut mem) = setup();
        let before = m.clone();
        mem.error_at = vec![2];
        tick(
            &mut m,
            &mut mem,
            Inputs {
                exc_valid: true,
                exc_vector: vector::UD,
                ..idle()
            },
        );
        for _ in 0..2 {
            tick(&mut m, &mut mem, idle());
        }
        let o = tick(&mut m, &mut mem, idle());
        assert_eq!(o.mem_addr, KSTACK - 24);
        // Nothing committed; the #DF push starts at once on CSTACK.
        assert!(m.busy());
        assert_eq!(m.event_info, before.event_info);
        let words = [
            0x500,
            KSTACK,
            before.status,
            before.event_info,
            before.event_data,
        ];
        for (i, w) in words.iter().enumerate() {
            let o = tick(&mut m, &mut mem, idle());
            assert_eq!(o.mem_addr, CSTACK - 8 * (i as u64 + 1));
            assert_eq!(o.mem_wdata, *w);
        }
        let o = m.outputs(&idle());
        assert!(o.redirect && !o.busy);
        assert_eq!((o.cpl, o.rip, o.rsp), (0, ENTRY_CRIT, CSTACK - 40));
        assert_eq!(o.event_info, event_info::pack(3, 8, 0, false, true));
        assert_eq!(m.status, st(&[status::FRAMED, status::CRITICAL]));
        assert_eq!(mem.log.len(), 8);
        assert!(mem.log[2].err);
    }

    /// A failed pop is a #DF whose frame holds the handler's state; a
    /// failed kernel SYSCALL's #DF returns to the SYSCALL itself.
    #[test]
    fn bus_error_on_pop_and_on_kernel_syscall() {
        let (mut m, mut mem) = setup();
        tick(&mut m, &mut mem, Inputs::syscall(0x504));
        for _ in 0..5 {
            tick(&mut m, &mut mem, idle());
        }
        tick(&mut m, &mut mem, Inputs::retire(ENTRY + 4));
        let handler = m.clone();
        mem.error_at = vec![mem.answers + 1];
        tick(&mut m, &mut mem, Inputs::eret());
        tick(&mut m, &mut mem, idle());
        let o = tick(&mut m, &mut mem, idle());
        assert!(!o.mem_we && o.mem_addr == KSTACK - 32);
        // Nothing restored; the #DF frame goes to CSTACK.
        assert_eq!(
            (m.k_rip, m.k_rsp, m.status),
            (ENTRY + 4, KSTACK - 40, handler.status)
        );
        let words = [
            ENTRY + 4,
            KSTACK - 40,
            handler.status,
            handler.event_info,
            handler.event_data,
        ];
        for (i, w) in words.iter().enumerate() {
            let o = tick(&mut m, &mut mem, idle());
            assert!(o.mem_we);
            assert_eq!((o.mem_addr, o.mem_wdata), (CSTACK - 8 * (i as u64 + 1), *w));
        }
        assert_eq!((m.cpl(), m.k_rip, m.k_rsp), (0, ENTRY_CRIT, CSTACK - 40));
        assert_eq!(m.event_info, event_info::pack(3, 8, 0, false, true));

        let (mut m, mut mem) = setup();
        mem.error_at = vec![0];
        tick(&mut m, &mut mem, Inputs::syscall(0x504));
        tick(&mut m, &mut mem, idle());
        let o = m.outputs(&idle());
        assert_eq!((o.mem_addr, o.mem_wdata), (CSTACK - 8, 0x500));
    }

    #[test]
    fn bus_error_on_double_fault_push_is_shutdown() {
        let (mut m, mut mem) = setup_user();
        mem.error_at = vec![0, 3];
        tick(
            &mut m,
            &mut mem,
            Inputs {
                mce: true,
                ..idle()
            },
        );
        tick(&mut m, &mut mem, idle());
        assert!(m.busy());
        tick(&mut m, &mut mem, idle()); // error on the MCE frame
        assert!(m.busy() && !m.mce_pending);
        for _ in 0..2 {
            tick(&mut m, &mut mem, idle());
        }
        // The #DF frame: from_user, on CSTACK.
        assert_eq!(m.outputs(&idle()).mem_addr, CSTACK - 24);
        tick(&mut m, &mut mem, idle()); // error on the #DF frame
        let o = m.outputs(&idle());
        assert!(o.shutdown && !o.busy && !o.mem_valid && !o.redirect);
        assert_eq!(o.cpl, 3);
        let frozen = m.clone();
        let noisy = [
            Inputs::syscall(4),
            Inputs {
                irq: true,
                irq_vector: 40,
                ..idle()
            },
            Inputs {
                nmi: true,
                ..idle()
            },
            idle(),
            Inputs {
                mce: true,
                ..idle()
            },
            Inputs::csr_write(csr::ENTRY, 9),
            Inputs::eret(),
        ];
        for i in 0..50 {
            let o = tick(&mut m, &mut mem, noisy[i % noisy.len()]);
            assert!(o.shutdown && !o.busy && !o.mem_valid && !o.redirect && !o.irq_ack);
            let mut a = m.clone();
            (a.nmi_q, a.mce_q, a.nmi_pending, a.mce_pending) = (
                frozen.nmi_q,
                frozen.mce_q,
                frozen.nmi_pending,
                frozen.mce_pending,
            );
            assert_eq!(a, frozen);
        }
        tick(
            &mut m,
            &mut mem,
            Inputs {
                reset: true,
                ..idle()
            },
        );
        assert_eq!(m, Model::new(&PtuConfig::default()));
    }

    #[test]
    fn csr_faults() {
        // User mode: any access is #GP, unframed; retire/rsp_we cancelled.
        let (mut m, mut mem) = setup_user();
        let inp = Inputs {
            rsp_we: true,
            rsp_wdata: 0x1234,
            ..Inputs::csr_read(csr::ENTRY)
        };
        let inp = Inputs {
            retire: true,
            next_rip: 0x40_0004,
            ..inp
        };
        let o = tick(&mut m, &mut mem, inp);
        assert_eq!(o.csr_rdata, 0);
        assert_eq!((m.u_rip, m.u_rsp), (0x40_0000, 0x7000_0000));
        assert_eq!(m.event_info, event_info::pack(3, 13, 0, true, true));
        assert_eq!((m.cpl(), m.k_rip, m.busy()), (0, ENTRY, false));
        // Kernel mode: write to EVENT_INFO, framed #GP.
        let (mut m, mut mem) = setup();
        let o = tick(&mut m, &mut mem, Inputs::csr_write(csr::EVENT_INFO, 0xff));
        assert_eq!(o.csr_rdata, 0);
        assert!(m.busy() && m.k_rip == 0x500 && m.event_info == 0);
        for _ in 0..5 {
            tick(&mut m, &mut mem, idle());
        }
        assert_eq!(m.event_info, event_info::pack(3, 13, 0, false, true));
        assert_eq!(m.k_rip, ENTRY);
        // EVENT_DATA write too; reading it is fine.
        assert_eq!(
            m.outputs(&Inputs::csr_read(csr::EVENT_INFO)).csr_rdata,
            m.event_info
        );
        tick(&mut m, &mut mem, Inputs::csr_write(csr::EVENT_DATA, 1));
        assert!(m.busy());
        for _ in 0..5 {
            tick(&mut m, &mut mem, idle());
        }
        // Unknown address, read only.
        let o = tick(&mut m, &mut mem, Inputs::csr_read(0x07));
        assert_eq!(o.csr_rdata, 0);
        assert!(m.busy());
        // Read and write of one CSR in one cycle read the old value.
        let (mut m, mut mem) = setup();
        let inp = Inputs {
            csr_re: true,
            ..Inputs::csr_write(csr::CSTACK, 0x1_0000)
        };
        let o = tick(&mut m, &mut mem, inp);
        assert_eq!(o.csr_rdata, CSTACK);
        assert_eq!(m.cstack, 0x1_0000);
        // STATUS write changes only `if`.
        m.status = st(&[status::FRAMED]);
        tick(&mut m, &mut mem, Inputs::csr_write(csr::STATUS, 0xff));
        assert_eq!(m.status, st(&[status::FRAMED, status::IF]));
    }

    #[test]
    fn eret_in_user_is_gp() {
        let (mut m, mut mem) = setup_user();
        tick(&mut m, &mut mem, Inputs::eret());
        assert_eq!(m.event_info, event_info::pack(3, 13, 0, true, true));
        assert_eq!((m.cpl(), m.k_rip, m.u_rip), (0, ENTRY, 0x40_0000));
    }

    #[test]
    fn async_event_beats_instruction() {
        // User: irq wins over retire + rsp_we + gs_we.
        let (mut m, mut mem) = setup_user();
        let inp = Inputs {
            irq: true,
            irq_vector: 44,
            rsp_we: true,
            rsp_wdata: 1,
            gs_we: true,
            gs_wdata: 2,
            ..Inputs::retire(0x40_0004)
        };
        let o = tick(&mut m, &mut mem, inp);
        assert!(!o.irq_ack);
        assert_eq!(
            (m.u_rip, m.u_rsp, m.u_gs),
            (0x40_0000, 0x7000_0000, 0x6000_0000)
        );
        let o = m.outputs(&idle());
        assert!(o.irq_ack && o.redirect);
        assert_eq!(o.event_info, event_info::pack(0, 44, 0, true, false));
        tick(&mut m, &mut mem, idle());
        assert!(!m.irq_ack);
        // Kernel with if = 0: irq not taken; with if = 1 it beats a CSR
        // write, and irq_ack pulses right after the accepting edge.
        let (mut m, mut mem) = setup();
        let irq = Inputs {
            irq: true,
            irq_vector: 33,
            ..idle()
        };
        for _ in 0..5 {
            tick(&mut m, &mut mem, irq);
            assert!(!m.busy() && !m.irq_ack);
        }
        tick(
            &mut m,
            &mut mem,
            Inputs {
                irq: true,
                ..Inputs::csr_write(csr::STATUS, 1)
            },
        );
        let inp = Inputs {
            irq: true,
            irq_vector: 33,
            ..Inputs::csr_write(csr::ENTRY, 0x9999)
        };
        tick(&mut m, &mut mem, inp);
        assert_eq!(m.entry, ENTRY);
        assert!(m.busy() && m.irq_ack);
        tick(&mut m, &mut mem, irq);
        assert!(!m.irq_ack);
        // NMI beats a SYSCALL; MCE beats an NMI.
        let (mut m, mut mem) = setup();
        tick(
            &mut m,
            &mut mem,
            Inputs {
                nmi: true,
                mce: true,
                ..idle()
            },
        );
        tick(&mut m, &mut mem, Inputs::syscall(0x504));
        match m.seq {
            Seq::Push(p) => {
                assert_eq!(p.event.kind, EventKind::Mce);
                assert_eq!(p.words[0], 0x500);
            }
            _ => panic!("not pushing"),
        }
        assert!(m.nmi_pending && !m.mce_pending);
        for _ in 0..5 {
            tick(&mut m, &mut mem, idle());
        }
        tick(&mut m, &mut mem, idle());
        assert!(m.busy() && !m.nmi_pending);
        // Nested critical event: on the current (critical) stack.
        assert_eq!(m.outputs(&idle()).mem_addr, CSTACK - 48);
    }

    #[test]
    fn inputs_ignored_while_busy() {
        let (mut m, mut mem) = setup();
        mem.wait = crate::bus::Wait::Fixed(3);
        tick(&mut m, &mut mem, Inputs::syscall(0x504));
        let noisy = [
            Inputs {
                rsp_we: true,
                gs_we: true,
                rsp_wdata: 1,
                gs_wdata: 2,
                ..Inputs::retire(0x777)
            },
            Inputs::csr_write(csr::ENTRY, 0x9999),
            Inputs::syscall(0x888),
            Inputs::eret(),
            Inputs {
                irq: true,
                irq_vector: 40,
                ..idle()
            },
            Inputs {
                exc_valid: true,
                ..idle()
            },
            Inputs::csr_read(csr::ENTRY),
            Inputs::csr_write(csr::EVENT_INFO, 1),
        ];
        let mut n = 0;
        while m.busy() {
            let o = tick(&mut m, &mut mem, noisy[n % noisy.len()]);
            assert_eq!(o.csr_rdata, 0);
            assert!(!o.irq_ack);
            n += 1;
        }
        assert_eq!(n, 20);
        assert_eq!((m.k_rip, m.k_rsp, m.k_gs), (ENTRY, KSTACK - 40, 0x5000));
        assert_eq!(m.entry, ENTRY);
        assert_eq!(mem.read(KSTACK - 8), 0x504);
        assert_eq!(m.event_info, event_info::pack(7, 0, 0, false, false));
    }

    #[test]
    fn nmi_held_through_reset_is_not_an_edge() {
        let mut m = Model::new(&PtuConfig::default());
        let mut mem = Memory::new(0);
        let hold = Inputs {
            nmi: true,
            mce: true,
            ..idle()
        };
        tick(
            &mut m,
            &mut mem,
            Inputs {
                reset: true,
                ..hold
            },
        );
        for _ in 0..10 {
            tick(&mut m, &mut mem, hold);
            assert!(!m.busy() && !m.nmi_pending && !m.mce_pending);
        }
        // Pending flags are cleared by reset too.
        tick(&mut m, &mut mem, idle());
        tick(
            &mut m,
            &mut mem,
            Inputs {
                nmi: true,
                ..idle()
            },
        );
        assert!(m.nmi_pending);
        tick(
            &mut m,
            &mut mem,
            Inputs {
                reset: true,
                ..idle()
            },
        );
        assert!(!m.nmi_pending);
        tick(&mut m, &mut mem, idle());
        assert!(!m.busy());
        // A new edge after reset is taken.
        tick(
            &mut m,
            &mut mem,
            Inputs {
                nmi: true,
                ..idle()
            },
        );
        tick(
            &mut m,
            &mut mem,
            Inputs {
                nmi: true,
                ..idle()
            },
        );
        assert!(m.busy());
    }

    /// RandomCore + Memory against the model: structural invariants, and
    /// that the run reaches every kind of transition.
    #[test]
    fn random_run_invariants() {
        const CYCLES: usize = 200_000;
        const MAX_WAIT: u32 = 3;
        let mut core = RandomCore::new(0x5eed_1234);
        core.cfg.reset_prob = 1e-5;
        core.cfg.shutdown_reset_prob = 0.01;
        let mut mem = Memory::new(77);
        mem.wait = crate::bus::Wait::Random { max: MAX_WAIT };
        mem.error_prob = 0.003;
        let mut m = Model::new(&PtuConfig::default());

        let mut waiting = 0u32;
        let mut busy_run = 0u32;
        let mut aligned_transfer = true;
        let mut answers_this_transfer = 0u32;
        let (mut transfers, mut checked_transfers, mut user_cycles) = (0u32, 0u32, 0u32);
        let mut cov = std::collections::HashMap::<&str, u32>::new();
        let mut prev = m.clone();
        for c in 0..CYCLES {
            let s = m.outputs(&Inputs::default());
            let mut inp = core.next(&s);
            let (r, d, e) = mem.respond(&s);
            inp.mem_ready = r;
            inp.mem_rdata = d;
            inp.mem_err = e;
            let o = m.outputs(&inp);

            // Port invariants.
            assert!(o.cpl == 0 || o.cpl == 3, "cycle {c}");
            let bank = if m.user {
                (m.u_rip, m.u_rsp, m.u_gs)
            } else {
                (m.k_rip, m.k_rsp, m.k_gs)
            };
            assert_eq!((o.rip, o.rsp, o.gs_base), bank, "cycle {c}");
            assert_eq!(o.busy, o.mem_valid, "cycle {c}");
            if !o.mem_valid {
                assert!(
                    !o.mem_we && o.mem_addr == 0 && o.mem_wdata == 0,
                    "cycle {c}"
                );
            }
            if !o.mem_we {
                assert_eq!(o.mem_wdata, 0);
            }
            if o.shutdown {
                assert!(!o.busy && !o.redirect && !o.irq_ack, "cycle {c}");
            }
            assert_eq!(o.event_info & !event_info::MASK, 0);
            assert_eq!(m.status & !status::MASK, 0);
            if !(inp.csr_re && !o.busy && !o.shutdown) {
                assert_eq!(o.csr_rdata, 0);
            }
            if o.redirect {
                assert!(!o.busy);
            }
            // A transfer starts: were both stacks aligned?
            if o.busy && !prev.busy() {
                aligned_transfer = m.k_rsp.is_multiple_of(8) && m.cstack.is_multiple_of(8);
                answers_this_transfer = 0;
            }
            if o.busy && !prev.busy() {
                checked_transfers += aligned_transfer as u32;
                transfers += 1;
            }
            user_cycles += m.user as u32;
            if o.mem_valid && aligned_transfer {
                assert!(o.mem_addr.is_multiple_of(8), "cycle {c}");
            }
            // Bounded waiting for an answer, and bounded busy time.
            if o.mem_valid && !r {
                waiting += 1;
                assert!(waiting <= MAX_WAIT, "cycle {c}");
            } else {
                waiting = 0;
            }
            busy_run = if o.busy { busy_run + 1 } else { 0 };
            // A transfer is at most 5 words, then a #DF, nested at most
            // once more before shutdown: 10 answers, each <= MAX_WAIT+1.
            assert!(busy_run <= 10 * (MAX_WAIT + 1), "cycle {c}");

            prev = m.clone();
            m.step(&inp);
            mem.clock(&o, r, e);

            if o.mem_valid && r {
                answers_this_transfer += 1;
                assert!(answers_this_transfer <= 10);
            }
            // Coverage.
            if inp.reset {
                *cov.entry("reset").or_default() += 1;
                continue;
            }
            if m.redirect {
                let info = event_info::unpack(m.event_info);
                let k = match (&prev.seq, m.user) {
                    (Seq::Pop(_), true) => "eret framed to user",
                    (Seq::Pop(_), false) => "eret framed to kernel",
                    (Seq::Idle, true) => "eret unframed",
                    (Seq::Idle, false) => "entry unframed",
                    (Seq::Push(_), true) => "?",
                    (Seq::Push(_), false) => match (info.ty, info.vector) {
                        (2, _) => "entry nmi",
                        (3, 18) => "entry mce",
                        (3, 8) => "entry df",
                        _ => "entry framed ordinary",
                    },
                };
                *cov.entry(k).or_default() += 1;
            }
            if m.shutdown && !prev.shutdown {
                *cov.entry("shutdown").or_default() += 1;
            }
            if m.irq_ack {
                *cov.entry("irq").or_default() += 1;
            }
        }
        eprintln!("coverage: {cov:?}");
        eprintln!("{checked_transfers}/{transfers} transfers on aligned stacks, {user_cycles} user cycles");
        assert!(checked_transfers * 10 >= transfers * 9);
        assert!(user_cycles as usize >= CYCLES / 10);
        for k in [
            "eret unframed",
            "eret framed to user",
            "eret framed to kernel",
            "entry unframed",
            "entry nmi",
            "entry mce",
            "entry df",
            "entry framed ordinary",
            "shutdown",
            "irq",
        ] {
            assert!(
                cov.get(k).copied().unwrap_or(0) >= 1,
                "never reached: {k} ({cov:?})"
            );
        }
        assert!(!cov.contains_key("?"));
    }
}
