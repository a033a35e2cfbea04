//! `Ptu`: the privilege-transition unit, emitted as Verilog module `ptu`.
//!
//! Its ports are SPEC.md's table, names and widths included. It wires the
//! blocks together and owns one register, `redirect`:
//!
//! * [`RenameBank`], the kernel/user copies of RIP, RSP, GS base, and CPL;
//! * [`EntryUnit`], event priority, EVENT_INFO/EVENT_DATA, NMI/MCE;
//! * [`ReturnPath`], ERET;
//! * [`FrameSequencer`], the memory port;
//! * [`CsrFile`], ENTRY, ENTRY_CRIT, CSTACK, STATUS and CSR decode.
//!
//! # Options (docs/spec.md §14)
//!
//! A rust-hdl block's ports are its struct's fields, so a port cannot be
//! optional. Option `fs_bank` adds three ports, so there are two tops with
//! one body, written once in the macro `ptu_top!` below:
//!
//! * [`Ptu`], the unit without `fs_bank`: exactly SPEC's port table (what
//!   the SoC and the board demo instantiate, and `rtl/generated/ptu.v`);
//! * [`PtuFs`], the unit with `fs_bank`: the same, with `fs_base` after
//!   `gs_base`, `fs_we` and `fs_wdata` after `gs_wdata`, and the block
//!   [`FsBank`] holding the FS copies.
//!
//! Both are emitted as module `ptu` with the same instance names, so the
//! internal names (`ptu_arch::internal`), the proofs and the waveforms
//! read either; the body's statements for the FS bank are the only ones
//! that differ. Options without ports (`irq_entry`) are constants inside
//! the blocks ([`CsrFile::new`], [`EntryUnit::new`]), which become
//! `localparam`s; with an option off its logic reads a constant 0 and
//! synthesis removes it. [`crate::unit::build`] picks the top for a
//! configuration.

use crate::csr_file::CsrFile;
use crate::entry_unit::EntryUnit;
use crate::frame_sequencer::FrameSequencer;
use crate::fs_bank::FsBank;
use crate::primitives::{Fit, Reg};
use crate::rename_bank::RenameBank;
use crate::return_path::ReturnPath;
use crate::top::{Mutant, Unit};
use ptu_arch::{Inputs, Outputs, PtuConfig};
use rust_hdl::prelude::*;

/// One top of the unit: the struct (ports in SPEC's order, then the
/// blocks), its constructors, its `update` and its [`Unit`] impl. The
/// optional part, `fs: fs_base fs_we fs_wdata fs_bank`, names the FS ports
/// and the FS bank: the top with option `fs_bank`. Each `$( .. )?` below is
/// that option's share; every other line is both tops'. The body is not
/// indented, so that it reads (and diffs) as the plain struct and `impl`s
/// it stands for.
macro_rules! ptu_top {
    (
        $(#[$attr:meta])*
        $name:ident, fs_bank = $has_fs:literal
        $(, fs: $fs_base:ident $fs_we:ident $fs_wdata:ident $fs_bank:ident)?
    ) => {
$(#[$attr])*
#[derive(LogicBlock)]
pub struct $name<const XLEN: usize = 64> {
    /// Clock; all inputs are sampled at its rising edge.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high.
    pub reset: Signal<In, Bit>,
    /// Current privilege level: 0 kernel, 3 user.
    pub cpl: Signal<Out, Bits<2>>,
    /// RIP of the current level.
    pub rip: Signal<Out, Bits<XLEN>>,
    /// RSP of the current level.
    pub rsp: Signal<Out, Bits<XLEN>>,
    /// GS base of the current level.
    pub gs_base: Signal<Out, Bits<XLEN>>,
    $(
    /// FS base of the current level (option `fs_bank`).
    pub $fs_base: Signal<Out, Bits<XLEN>>,
    )?
    /// The core completes the current instruction: RIP becomes `next_rip`.
    pub retire: Signal<In, Bit>,
    /// Address of the next instruction (also SYSCALL's return address).
    pub next_rip: Signal<In, Bits<XLEN>>,
    /// Write RSP of the current level.
    pub rsp_we: Signal<In, Bit>,
    /// Value for `rsp_we`.
    pub rsp_wdata: Signal<In, Bits<XLEN>>,
    /// Write GS base of the current level.
    pub gs_we: Signal<In, Bit>,
    /// Value for `gs_we`.
    pub gs_wdata: Signal<In, Bits<XLEN>>,
    $(
    /// Write FS base of the current level (option `fs_bank`).
    pub $fs_we: Signal<In, Bit>,
    /// Value for `fs_we`.
    pub $fs_wdata: Signal<In, Bits<XLEN>>,
    )?
    /// The current instruction is SYSCALL.
    pub op_syscall: Signal<In, Bit>,
    /// The current instruction is ERET.
    pub op_eret: Signal<In, Bit>,
    /// Kernel-only register read.
    pub csr_re: Signal<In, Bit>,
    /// Kernel-only register write.
    pub csr_we: Signal<In, Bit>,
    /// CSR address.
    pub csr_addr: Signal<In, Bits<8>>,
    /// CSR write value.
    pub csr_wdata: Signal<In, Bits<XLEN>>,
    /// With `csr_re`: the CSR's value before this edge; else 0.
    pub csr_rdata: Signal<Out, Bits<XLEN>>,
    /// The current instruction faults.
    pub exc_valid: Signal<In, Bit>,
    /// Vector of the fault.
    pub exc_vector: Signal<In, Bits<8>>,
    /// Error code of the fault.
    pub exc_error: Signal<In, Bits<32>>,
    /// The fault has an error code.
    pub exc_error_valid: Signal<In, Bit>,
    /// EVENT_DATA of the fault.
    pub exc_data: Signal<In, Bits<XLEN>>,
    /// Level-sensitive external interrupt request.
    pub irq: Signal<In, Bit>,
    /// Vector of the interrupt.
    pub irq_vector: Signal<In, Bits<8>>,
    /// One-cycle pulse after the edge that accepts the interrupt.
    pub irq_ack: Signal<Out, Bit>,
    /// Non-maskable interrupt (edge-triggered).
    pub nmi: Signal<In, Bit>,
    /// Machine check (edge-triggered).
    pub mce: Signal<In, Bit>,
    /// One-cycle pulse: an entry or ERET completed; fetch from `rip`.
    pub redirect: Signal<Out, Bit>,
    /// A frame push or pop runs; the core must stall.
    pub busy: Signal<Out, Bit>,
    /// EVENT_INFO.
    pub event_info: Signal<Out, Bits<64>>,
    /// EVENT_DATA.
    pub event_data: Signal<Out, Bits<XLEN>>,
    /// Frame bus request.
    pub mem_valid: Signal<Out, Bit>,
    /// The request is a write.
    pub mem_we: Signal<Out, Bit>,
    /// Request address.
    pub mem_addr: Signal<Out, Bits<XLEN>>,
    /// Write data.
    pub mem_wdata: Signal<Out, Bits<XLEN>>,
    /// The bus answers in this cycle.
    pub mem_ready: Signal<In, Bit>,
    /// Read data of the answer.
    pub mem_rdata: Signal<In, Bits<XLEN>>,
    /// The answer is an error.
    pub mem_err: Signal<In, Bit>,
    /// Set by a triple fault, cleared only by reset.
    pub shutdown: Signal<Out, Bit>,
    rename_bank: RenameBank<XLEN>,
    entry_unit: EntryUnit<XLEN>,
    return_path: ReturnPath<XLEN>,
    frame_sequencer: FrameSequencer<XLEN>,
    csr_file: CsrFile<XLEN>,
    $(
    /// The FS base's copies (option `fs_bank`).
    $fs_bank: FsBank<XLEN>,
    )?
    /// UFS as the CSR file reads it without `fs_bank`.
    no_user_fs: Constant<Bits<XLEN>>,
    /// EVENT_INFO as an XLEN-bit word: the CSR value and the frame word
    /// (with XLEN = 32 its bits 31:0).
    info_word: Fit<64, XLEN>,
    /// EVENT_INFO bits 63:32 as an XLEN-bit word: with XLEN = 32, the
    /// value of EVENT_INFO_H and the frame's second EVENT_INFO word. With
    /// XLEN = 64 nothing uses it.
    info_hi_word: Fit<64, XLEN>,
    /// Where EVENT_INFO's high word starts: bit 32.
    info_hi_lsb: Constant<Bits<64>>,
    /// No CSR access in this cycle.
    no_csr: Signal<Local, Bit>,

    /// `redirect`.
    redirect_q: Reg<Bit>,
}

impl $name<64> {
    /// The 64-bit unit for a configuration; fails if the configuration is
    /// invalid or not 64-bit, or if its `fs_bank` is not this top's.
    pub fn new(cfg: &PtuConfig) -> anyhow::Result<Self> {
        Self::for_config(cfg)
    }
}

impl<const XLEN: usize> $name<XLEN> {
    /// The XLEN-bit unit for a configuration; fails if the configuration
    /// is invalid, its `xlen` is not `XLEN`, or its `fs_bank` is not this
    /// top's.
    pub fn for_config(cfg: &PtuConfig) -> anyhow::Result<Self> {
        Self::with_mutant(cfg, None)
    }

    /// [`Self::for_config`] with a deliberate error (tests of the tests).
    pub fn with_mutant(cfg: &PtuConfig, mutant: Option<Mutant>) -> anyhow::Result<Self> {
        cfg.validate()?;
        anyhow::ensure!(
            cfg.xlen == XLEN,
            "configuration {} has xlen = {}, this unit is built for {XLEN}",
            cfg.name,
            cfg.xlen
        );
        anyhow::ensure!(
            cfg.fs_bank == $has_fs,
            "configuration {} has fs_bank = {}, this unit ({}) is built for fs_bank = {}",
            cfg.name,
            cfg.fs_bank,
            stringify!($name),
            $has_fs
        );
        Ok(Self {
            clock: Default::default(),
            reset: Default::default(),
            cpl: Default::default(),
            rip: Default::default(),
            rsp: Default::default(),
            gs_base: Default::default(),
            $($fs_base: Default::default(),)?
            retire: Default::default(),
            next_rip: Default::default(),
            rsp_we: Default::default(),
            rsp_wdata: Default::default(),
            gs_we: Default::default(),
            gs_wdata: Default::default(),
            $(
            $fs_we: Default::default(),
            $fs_wdata: Default::default(),
            )?
            op_syscall: Default::default(),
            op_eret: Default::default(),
            csr_re: Default::default(),
            csr_we: Default::default(),
            csr_addr: Default::default(),
            csr_wdata: Default::default(),
            csr_rdata: Default::default(),
            exc_valid: Default::default(),
            exc_vector: Default::default(),
            exc_error: Default::default(),
            exc_error_valid: Default::default(),
            exc_data: Default::default(),
            irq: Default::default(),
            irq_vector: Default::default(),
            irq_ack: Default::default(),
            nmi: Default::default(),
            mce: Default::default(),
            redirect: Default::default(),
            busy: Default::default(),
            event_info: Default::default(),
            event_data: Default::default(),
            mem_valid: Default::default(),
            mem_we: Default::default(),
            mem_addr: Default::default(),
            mem_wdata: Default::default(),
            mem_ready: Default::default(),
            mem_rdata: Default::default(),
            mem_err: Default::default(),
            shutdown: Default::default(),
            rename_bank: RenameBank::new(cfg),
            entry_unit: EntryUnit::new(
                cfg.irq_entry && mutant != Some(Mutant::IrqEntryIgnored),
            ),
            return_path: Default::default(),
            frame_sequencer: Default::default(),
            csr_file: CsrFile::new(cfg),
            $($fs_bank: FsBank::new(mutant != Some(Mutant::FsNotBanked)),)?
            no_user_fs: Constant::new(0u64.into()),
            info_word: Default::default(),
            info_hi_word: Default::default(),
            info_hi_lsb: Constant::new(32u64.into()),
            no_csr: Default::default(),

            redirect_q: Default::default(),
        })
    }
}

impl<const XLEN: usize> Logic for $name<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        // Clocks and resets.
        clock!(self, clock, redirect_q);
        self.redirect_q.reset.next = self.reset.val();
        self.rename_bank.clock.next = self.clock.val();
        self.entry_unit.clock.next = self.clock.val();
        self.return_path.clock.next = self.clock.val();
        self.frame_sequencer.clock.next = self.clock.val();
        self.csr_file.clock.next = self.clock.val();
        self.rename_bank.reset.next = self.reset.val();
        self.entry_unit.reset.next = self.reset.val();
        self.return_path.reset.next = self.reset.val();
        self.frame_sequencer.reset.next = self.reset.val();
        self.csr_file.reset.next = self.reset.val();

        // Entry unit: the event decision.
        self.entry_unit.user.next = self.rename_bank.user.val();
        self.entry_unit.busy.next = self.frame_sequencer.busy.val();
        self.entry_unit.op_syscall.next = self.op_syscall.val();
        self.entry_unit.op_eret.next = self.op_eret.val();
        self.entry_unit.csr_fault.next = self.csr_file.csr_fault.val();
        self.entry_unit.csr_access.next = self.csr_re.val() | self.csr_we.val();
        self.entry_unit.exc_valid.next = self.exc_valid.val();
        self.entry_unit.exc_vector.next = self.exc_vector.val();
        self.entry_unit.exc_error.next = self.exc_error.val();
        self.entry_unit.exc_error_valid.next = self.exc_error_valid.val();
        self.entry_unit.exc_data.next = self.exc_data.val();
        self.entry_unit.irq.next = self.irq.val();
        self.entry_unit.irq_vector.next = self.irq_vector.val();
        self.entry_unit.nmi.next = self.nmi.val();
        self.entry_unit.mce.next = self.mce.val();
        self.entry_unit.next_rip.next = self.next_rip.val();
        self.entry_unit.kernel_rip.next = self.rename_bank.kernel_rip.val();
        self.entry_unit.kernel_rsp.next = self.rename_bank.kernel_rsp.val();
        self.entry_unit.cstack.next = self.csr_file.cstack.val();
        self.entry_unit.entry_point.next = self.csr_file.entry_point.val();
        self.csr_file.pick_crit.next = self.entry_unit.pick_crit.val();
        self.entry_unit.entry_irq.next = self.csr_file.entry_irq.val();
        self.entry_unit.status_if.next = self.csr_file.status_if.val();
        self.entry_unit.status_nmi_blocked.next = self.csr_file.status_nmi_blocked.val();
        self.entry_unit.status_critical.next = self.csr_file.status_critical.val();
        self.entry_unit.seq_popping.next = self.frame_sequencer.popping.val();
        self.entry_unit.seq_done.next = self.frame_sequencer.done.val();
        self.entry_unit.seq_bus_error.next = self.frame_sequencer.bus_error.val();
        self.entry_unit.restore.next = self.return_path.restore.val();
        self.entry_unit.restore_info.next = self.return_path.restore_info.val();
        self.entry_unit.restore_data.next = self.return_path.restore_data.val();

        // Return path.
        self.return_path.do_eret.next = self.entry_unit.do_eret.val();
        self.return_path.status_framed.next = self.csr_file.status_framed.val();
        self.return_path.status_prev_user.next = self.csr_file.status_prev_user.val();
        self.return_path.seq_popping.next = self.frame_sequencer.popping.val();
        self.return_path.seq_answer.next = self.frame_sequencer.answer.val();
        self.return_path.seq_word.next = self.frame_sequencer.word.val();
        self.return_path.seq_done.next = self.frame_sequencer.done.val();
        self.return_path.mem_rdata.next = self.mem_rdata.val();

        // Frame sequencer: pushes for the entry unit, pops for the return path.
        self.frame_sequencer.start_push.next = self.entry_unit.start_push.val();
        self.frame_sequencer.start_pop.next = self.return_path.start_pop.val();
        // One address for both starts, chosen from registers only (the
        // sequencer loads it at every edge outside a transfer): the entry
        // unit's stack top is the kernel RSP (a pop's first word) whenever
        // a pop can start, since CSTACK is chosen only for a critical
        // event ready (which wins over ERET) or during a transfer (a
        // double fault's push).
        self.frame_sequencer.start_addr.next = self.entry_unit.push_addr.val();
        self.frame_sequencer.word_rip.next = self.entry_unit.return_rip.val();
        self.frame_sequencer.word_rsp.next = self.rename_bank.kernel_rsp.val();
        self.frame_sequencer.word_status.next = self.csr_file.status.val();
        self.info_word.x.next = self.entry_unit.event_info.val();
        self.frame_sequencer.word_info.next = self.info_word.y.val();
        self.info_hi_word.x.next = self.entry_unit.event_info.val() >> self.info_hi_lsb.val();
        self.frame_sequencer.word_info_hi.next = self.info_hi_word.y.val();
        self.frame_sequencer.word_data.next = self.entry_unit.event_data.val();
        self.frame_sequencer.mem_ready.next = self.mem_ready.val();
        self.frame_sequencer.mem_err.next = self.mem_err.val();

        // CSR file.
        self.csr_file.csr_re.next = self.csr_re.val();
        self.csr_file.csr_we.next = self.csr_we.val();
        self.csr_file.csr_addr.next = self.csr_addr.val();
        self.csr_file.csr_wdata.next = self.csr_wdata.val();
        self.csr_file.user.next = self.rename_bank.user.val();
        self.csr_file.calm.next = self.entry_unit.calm.val();
        self.csr_file.quiet_kernel.next = self.entry_unit.quiet_kernel.val();
        self.csr_file.read_en.next = self.entry_unit.idle.val();
        self.csr_file.user_rip.next = self.rename_bank.user_rip.val();
        self.csr_file.user_rsp.next = self.rename_bank.user_rsp.val();
        self.csr_file.user_gs.next = self.rename_bank.user_gs.val();
        self.csr_file.user_fs.next = self.no_user_fs.val();
        self.csr_file.event_info.next = self.info_word.y.val();
        self.csr_file.event_info_hi.next = self.info_hi_word.y.val();
        self.csr_file.event_data.next = self.entry_unit.event_data.val();
        self.csr_file.status_load.next =
            self.entry_unit.enter.val() | self.return_path.restore.val();
        self.csr_file.load_if.next = self.entry_unit.load_if.val();
        self.csr_file.load_framed.next = self.entry_unit.load_framed.val();
        self.csr_file.load_nmi_blocked.next = self.entry_unit.load_nmi_blocked.val();
        self.csr_file.load_prev_user.next = self.entry_unit.load_prev_user.val();
        self.csr_file.load_critical.next = self.entry_unit.load_critical.val();
        if self.return_path.restore.val() {
            self.csr_file.load_if.next = self.return_path.restore_if.val();
            self.csr_file.load_framed.next = self.return_path.restore_framed.val();
            self.csr_file.load_nmi_blocked.next = self.return_path.restore_nmi_blocked.val();
            self.csr_file.load_prev_user.next = self.return_path.restore_prev_user.val();
            self.csr_file.load_critical.next = self.return_path.restore_critical.val();
        }

        // Rename bank: each copy's complete enable, written flat (SPEC.md,
        // "Events"; docs/spec.md §8). Their terms are the entry unit's
        // first-level ones (`calm`, `quiet_kernel`, `quiet_user`, `plain`,
        // each one logic level from registers and inputs), the
        // instruction's inputs, a sequencer's answer, and last, for the
        // kernel copies, `csr_ok` (two levels): a 64-bit enable waits about
        // three levels. An instruction writes only its level's copy. In
        // user mode every CSR access faults (`no_csr`); in kernel mode a
        // faulting one cancels `retire`, `rsp_we` and `gs_we` (`csr_ok`).
        // `retire` comes without SYSCALL, ERET or a fault (SPEC.md, "What a
        // core presents in one cycle"); `rsp_we` and `gs_we` need `plain`.
        // The kernel RIP is also written by an entry from user and by the
        // end of a push or pop (`done`), the kernel RSP by that end, the
        // user RIP by SYSCALL from user, the user copies by their CSR
        // writes (the CSR file's, kernel mode).
        self.no_csr.next = !(self.csr_re.val() | self.csr_we.val());
        self.rename_bank.krip_we.next = self.frame_sequencer.done.val()
            | self.entry_unit.immediate.val()
            | (self.entry_unit.calm.val()
                & self.entry_unit.quiet_kernel.val()
                & self.retire.val()
                & self.csr_file.csr_ok.val());
        self.rename_bank.urip_we.next = (self.entry_unit.calm.val()
            & self.entry_unit.quiet_user.val()
            & (self.op_syscall.val() | (self.retire.val() & self.no_csr.val())))
            | self.csr_file.urip_we.val();
        self.rename_bank.krsp_we.next = self.frame_sequencer.done.val()
            | (self.entry_unit.calm.val()
                & self.entry_unit.quiet_kernel.val()
                & self.entry_unit.plain.val()
                & self.rsp_we.val()
                & self.csr_file.csr_ok.val());
        self.rename_bank.ursp_we.next = (self.entry_unit.calm.val()
            & self.entry_unit.quiet_user.val()
            & self.entry_unit.plain.val()
            & self.no_csr.val()
            & self.rsp_we.val())
            | self.csr_file.ursp_we.val();
        self.rename_bank.kgs_we.next = self.entry_unit.calm.val()
            & self.entry_unit.quiet_kernel.val()
            & self.entry_unit.plain.val()
            & self.gs_we.val()
            & self.csr_file.csr_ok.val();
        self.rename_bank.ugs_we.next = (self.entry_unit.calm.val()
            & self.entry_unit.quiet_user.val()
            & self.entry_unit.plain.val()
            & self.no_csr.val()
            & self.gs_we.val())
            | self.csr_file.ugs_we.val();
        self.rename_bank.next_rip.next = self.next_rip.val();
        self.rename_bank.rsp_wdata.next = self.rsp_wdata.val();
        self.rename_bank.gs_wdata.next = self.gs_wdata.val();
        self.rename_bank.csr_wdata.next = self.csr_wdata.val();
        // The kernel RIP and RSP values: a pop's when popping (only its
        // end loads them then), else the entry's (a register chooses).
        self.rename_bank.busy.next = self.frame_sequencer.busy.val();
        self.rename_bank.krip_value.next = self.entry_unit.krip_value.val();
        if self.frame_sequencer.popping.val() {
            self.rename_bank.krip_value.next = self.return_path.restore_rip.val();
        }
        self.rename_bank.krsp_value.next = self.frame_sequencer.frame_addr.val();
        if self.frame_sequencer.popping.val() {
            self.rename_bank.krsp_value.next = self.return_path.restore_rsp.val();
        }
        self.rename_bank.cpl_load.next = self.entry_unit.enter.val()
            | self.return_path.leave.val()
            | self.return_path.restore.val();
        self.rename_bank.cpl_user.next = self.return_path.leave.val()
            | (self.return_path.restore.val() & self.return_path.restore_user.val());

        // A pulse after every completed entry or ERET.
        self.redirect_q.we.next = true;
        self.redirect_q.wdata.next = self.entry_unit.enter.val()
            | self.return_path.leave.val()
            | self.return_path.restore.val();

        // Outputs.
        self.cpl.next = self.rename_bank.cpl.val();
        self.rip.next = self.rename_bank.rip.val();
        self.rsp.next = self.rename_bank.rsp.val();
        self.gs_base.next = self.rename_bank.gs_base.val();
        self.csr_rdata.next = self.csr_file.csr_rdata.val();
        self.irq_ack.next = self.entry_unit.irq_ack.val();
        self.redirect.next = self.redirect_q.q.val();
        self.busy.next = self.frame_sequencer.busy.val();
        self.event_info.next = self.entry_unit.event_info.val();
        self.event_data.next = self.entry_unit.event_data.val();
        self.mem_valid.next = self.frame_sequencer.mem_valid.val();
        self.mem_we.next = self.frame_sequencer.mem_we.val();
        self.mem_addr.next = self.frame_sequencer.mem_addr.val();
        self.mem_wdata.next = self.frame_sequencer.mem_wdata.val();
        self.shutdown.next = self.entry_unit.shutdown.val();

        // Option `fs_bank`: the FS bank, written like the GS base; the CSR
        // file reads UFS from it.
        $(
        self.$fs_bank.clock.next = self.clock.val();
        self.$fs_bank.reset.next = self.reset.val();
        self.$fs_bank.user.next = self.rename_bank.user.val();
        self.$fs_bank.fs_we_kernel.next = self.entry_unit.calm.val()
            & self.entry_unit.quiet_kernel.val()
            & self.entry_unit.plain.val()
            & self.$fs_we.val()
            & self.csr_file.csr_ok.val();
        self.$fs_bank.fs_we_user.next = self.entry_unit.calm.val()
            & self.entry_unit.quiet_user.val()
            & self.entry_unit.plain.val()
            & self.no_csr.val()
            & self.$fs_we.val();
        self.$fs_bank.fs_wdata.next = self.$fs_wdata.val();
        self.$fs_bank.calm.next = self.entry_unit.calm.val();
        self.$fs_bank.quiet_kernel.next = self.entry_unit.quiet_kernel.val();
        self.$fs_bank.csr_we.next = self.csr_we.val();
        self.$fs_bank.csr_addr.next = self.csr_addr.val();
        self.$fs_bank.csr_wdata.next = self.csr_wdata.val();
        self.csr_file.user_fs.next = self.$fs_bank.user_fs.val();
        self.$fs_base.next = self.$fs_bank.fs_base.val();
        )?
    }
}

impl<const XLEN: usize> Unit for $name<XLEN> {
    fn set_inputs(&mut self, inp: &Inputs) {
        // The XLEN-wide inputs cut to XLEN bits, as the model cuts them.
        let mask = if XLEN >= 64 { u64::MAX } else { (1u64 << XLEN) - 1 };
        self.reset.next = inp.reset;
        self.retire.next = inp.retire;
        self.next_rip.next = (inp.next_rip & mask).into();
        self.rsp_we.next = inp.rsp_we;
        self.rsp_wdata.next = (inp.rsp_wdata & mask).into();
        self.gs_we.next = inp.gs_we;
        self.gs_wdata.next = (inp.gs_wdata & mask).into();
        $(
        self.$fs_we.next = inp.fs_we;
        self.$fs_wdata.next = (inp.fs_wdata & mask).into();
        )?
        self.op_syscall.next = inp.op_syscall;
        self.op_eret.next = inp.op_eret;
        self.csr_re.next = inp.csr_re;
        self.csr_we.next = inp.csr_we;
        self.csr_addr.next = (inp.csr_addr as u64).into();
        self.csr_wdata.next = (inp.csr_wdata & mask).into();
        self.exc_valid.next = inp.exc_valid;
        self.exc_vector.next = (inp.exc_vector as u64).into();
        self.exc_error.next = (inp.exc_error as u64).into();
        self.exc_error_valid.next = inp.exc_error_valid;
        self.exc_data.next = (inp.exc_data & mask).into();
        self.irq.next = inp.irq;
        self.irq_vector.next = (inp.irq_vector as u64).into();
        self.nmi.next = inp.nmi;
        self.mce.next = inp.mce;
        self.mem_ready.next = inp.mem_ready;
        self.mem_rdata.next = (inp.mem_rdata & mask).into();
        self.mem_err.next = inp.mem_err;
    }

    fn set_clock(&mut self, high: bool) {
        self.clock.next = Clock::from(high);
    }

    fn outputs(&self) -> Outputs {
        // 0 for the top without `fs_bank` (Outputs' rule).
        #[allow(unused_mut, unused_assignments)]
        let mut fs_base = 0;
        $(fs_base = self.$fs_base.val().to_u64();)?
        Outputs {
            cpl: self.cpl.val().to_u64() as u8,
            rip: self.rip.val().to_u64(),
            rsp: self.rsp.val().to_u64(),
            gs_base: self.gs_base.val().to_u64(),
            csr_rdata: self.csr_rdata.val().to_u64(),
            irq_ack: self.irq_ack.val(),
            redirect: self.redirect.val(),
            busy: self.busy.val(),
            event_info: self.event_info.val().to_u64(),
            event_data: self.event_data.val().to_u64(),
            mem_valid: self.mem_valid.val(),
            mem_we: self.mem_we.val(),
            mem_addr: self.mem_addr.val().to_u64(),
            mem_wdata: self.mem_wdata.val().to_u64(),
            shutdown: self.shutdown.val(),
            fs_base,
        }
    }

    fn settle(&mut self, max_iters: usize) -> bool {
        simulate(self, max_iters)
    }

    fn block(&self) -> &dyn Block {
        self
    }

    fn verilog(&self) -> String {
        generate_verilog(self)
    }
}
    };
}

ptu_top! {
    /// The privilege-transition unit (without option `fs_bank`): SPEC's
    /// ports exactly.
    Ptu, fs_bank = false
}

ptu_top! {
    /// The privilege-transition unit with option `fs_bank`: [`Ptu`]'s
    /// ports with `fs_base`, `fs_we` and `fs_wdata`, and the FS bank.
    PtuFs, fs_bank = true, fs: fs_base fs_we fs_wdata fs_bank
}
