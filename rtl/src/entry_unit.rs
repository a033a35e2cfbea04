//! The entry unit: decides, at every edge, which event the unit takes,
//! and latches what the event was into EVENT_INFO and EVENT_DATA.
//!
//! SPEC.md, "Events, in priority order": reset, machine check, NMI (not
//! blocked), a fault of the current instruction, an interrupt (user mode,
//! or `if`), then the instruction itself (SYSCALL, ERET, CSR access,
//! retire). The decision is one prioritised block of one-hot `take_*`
//! signals; what reaches the wide registers (the first-level terms
//! `calm`, `quiet_kernel`, `quiet_user`, `plain` that the top's enables
//! are written from, `start_push`, the entry's completion) is the same
//! decision written flat, a few logic levels from the registers and
//! inputs it reads.
//!
//! An ordinary event from user mode completes at the accepting edge. Any
//! other event starts a frame push and completes at the fifth bus answer
//! (the in-flight event is held here until then). A bus error during a
//! push or pop turns into a double fault; a bus error while pushing a
//! double fault's frame shuts the unit down. NMI and MCE are edge
//! triggered: a 0→1 change between two samples makes them pending.
//! The timing choices are in `docs/spec-notes.md`.
//!
//! Option `irq_entry` (docs/spec.md §14.3, a constant fixed by
//! [`EntryUnit::new`]): an external interrupt's entry, unframed or framed,
//! completes at ENTRY_IRQ (`entry_irq`) instead of ENTRY; a #DF raised
//! while pushing its frame still enters at ENTRY_CRIT. Without the option
//! `entry_irq` is not looked at.

use crate::primitives::{Reg, ZeroExtend};
use ptu_arch::{csr, event_info, event_type, vector};
use rust_hdl::prelude::*;

/// Event priority, entry points, EVENT_INFO/EVENT_DATA, NMI/MCE pending.
#[derive(LogicBlock)]
pub struct EntryUnit<const XLEN: usize = 64> {
    /// Clock of every register.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high.
    pub reset: Signal<In, Bit>,
    /// The unit is in user mode.
    pub user: Signal<In, Bit>,
    /// A frame transfer runs.
    pub busy: Signal<In, Bit>,
    /// The current instruction is SYSCALL.
    pub op_syscall: Signal<In, Bit>,
    /// The current instruction is ERET.
    pub op_eret: Signal<In, Bit>,
    /// The current CSR access raises #GP.
    pub csr_fault: Signal<In, Bit>,
    /// A CSR access (`csr_re` or `csr_we`) in this cycle: in user mode
    /// every one raises #GP, with no address decode.
    pub csr_access: Signal<In, Bit>,
    /// The current instruction faults.
    pub exc_valid: Signal<In, Bit>,
    /// Vector of the fault.
    pub exc_vector: Signal<In, Bits<8>>,
    /// Error code of the fault.
    pub exc_error: Signal<In, Bits<32>>,
    /// The fault has an error code.
    pub exc_error_valid: Signal<In, Bit>,
    /// EVENT_DATA of the fault (e.g. the fault address).
    pub exc_data: Signal<In, Bits<XLEN>>,
    /// Level-sensitive interrupt request.
    pub irq: Signal<In, Bit>,
    /// Vector of the interrupt.
    pub irq_vector: Signal<In, Bits<8>>,
    /// Non-maskable interrupt, edge-triggered.
    pub nmi: Signal<In, Bit>,
    /// Machine check, edge-triggered.
    pub mce: Signal<In, Bit>,
    /// Address of the next instruction (SYSCALL's return address).
    pub next_rip: Signal<In, Bits<XLEN>>,
    /// The kernel copy of RIP.
    pub kernel_rip: Signal<In, Bits<XLEN>>,
    /// The kernel copy of RSP.
    pub kernel_rsp: Signal<In, Bits<XLEN>>,
    /// CSTACK.
    pub cstack: Signal<In, Bits<XLEN>>,
    /// ENTRY, or ENTRY_CRIT with `pick_crit` (the CSR file's choice).
    pub entry_point: Signal<In, Bits<XLEN>>,
    /// ENTRY_IRQ (option `irq_entry`).
    pub entry_irq: Signal<In, Bits<XLEN>>,
    /// STATUS.if.
    pub status_if: Signal<In, Bit>,
    /// STATUS.nmi_blocked.
    pub status_nmi_blocked: Signal<In, Bit>,
    /// STATUS.critical.
    pub status_critical: Signal<In, Bit>,
    /// The running transfer is a pop.
    pub seq_popping: Signal<In, Bit>,
    /// The fifth word of the transfer completes at this edge.
    pub seq_done: Signal<In, Bit>,
    /// A word of the transfer completes with a bus error at this edge.
    pub seq_bus_error: Signal<In, Bit>,
    /// A framed ERET completes: EVENT_INFO/EVENT_DATA come from the frame.
    pub restore: Signal<In, Bit>,
    /// EVENT_INFO popped from the frame: its final value from at least
    /// one edge of the pop before the last answer on.
    pub restore_info: Signal<In, Bits<64>>,
    /// EVENT_DATA popped from the frame, held like `restore_info`.
    pub restore_data: Signal<In, Bits<XLEN>>,
    /// EVENT_INFO.
    pub event_info: Signal<Out, Bits<64>>,
    /// EVENT_DATA.
    pub event_data: Signal<Out, Bits<XLEN>>,
    /// One-cycle pulse after the edge that accepts an interrupt.
    pub irq_ack: Signal<Out, Bit>,
    /// Set by a triple fault, cleared only by reset.
    pub shutdown: Signal<Out, Bit>,
    /// Neither busy nor shut down: inputs are looked at in this cycle.
    pub idle: Signal<Out, Bit>,
    /// Not busy, not shut down, and no critical event ready: one logic
    /// level from registers. With the three below, the first level of
    /// every wide register's enable (see `ptu.rs`).
    pub calm: Signal<Out, Bit>,
    /// Kernel mode and no interrupt taken (`irq` low or `if` clear).
    pub quiet_kernel: Signal<Out, Bit>,
    /// User mode and no interrupt (user mode always takes `irq`).
    pub quiet_user: Signal<Out, Bit>,
    /// The instruction is none of SYSCALL, ERET or a fault (`exc_valid`).
    pub plain: Signal<Out, Bit>,
    /// ERET in kernel mode is accepted at this edge.
    pub do_eret: Signal<Out, Bit>,
    /// An ordinary event from user mode is accepted and completes at this
    /// edge (no frame).
    pub immediate: Signal<Out, Bit>,
    /// An entry completes at this edge: CPL 0, kernel RIP = `krip_value`, STATUS = `load_*`.
    pub enter: Signal<Out, Bit>,
    /// The entry point of the completing entry.
    pub krip_value: Signal<Out, Bits<XLEN>>,
    /// The completing entry is a critical event's: a transfer runs and its
    /// event is critical (registers only). The CSR file's `entry_point`
    /// is then ENTRY_CRIT.
    pub pick_crit: Signal<Out, Bit>,
    /// STATUS.if after the entry.
    pub load_if: Signal<Out, Bit>,
    /// STATUS.framed after the entry.
    pub load_framed: Signal<Out, Bit>,
    /// STATUS.nmi_blocked after the entry.
    pub load_nmi_blocked: Signal<Out, Bit>,
    /// STATUS.prev_user after the entry.
    pub load_prev_user: Signal<Out, Bit>,
    /// STATUS.critical after the entry.
    pub load_critical: Signal<Out, Bit>,
    /// Start pushing a frame at this edge.
    pub start_push: Signal<Out, Bit>,
    /// The stack top of a frame that starts at this edge (its first,
    /// highest word is just below), from registers only: valid at every
    /// edge, whether a push starts or not.
    pub push_addr: Signal<Out, Bits<XLEN>>,
    /// Word 0 of the frame being pushed: the return RIP.
    pub return_rip: Signal<Out, Bits<XLEN>>,
    take_mce: Signal<Local, Bit>,
    take_nmi: Signal<Local, Bit>,
    take_critical: Signal<Local, Bit>,
    fault: Signal<Local, Bit>,
    take_irq: Signal<Local, Bit>,
    /// SYSCALL is the event if one is accepted at this edge.
    sys_ready: Signal<Local, Bit>,
    /// The return RIP loads.
    load_candidates: Signal<Local, Bit>,
    /// The in-flight EVENT_INFO/EVENT_DATA load.
    inflight_load: Signal<Local, Bit>,
    /// The completing push is a #DF's.
    df_done: Signal<Local, Bit>,
    nmi_ready: Signal<Local, Bit>,
    mce_pending_next: Signal<Local, Bit>,
    irq_ok: Signal<Local, Bit>,
    ordinary: Signal<Local, Bit>,
    push_done: Signal<Local, Bit>,
    double_fault: Signal<Local, Bit>,
    triple_fault: Signal<Local, Bit>,
    new_vector: Signal<Local, Bits<8>>,
    new_error: Signal<Local, Bits<32>>,
    new_error_valid: Signal<Local, Bit>,
    new_info: Signal<Local, Bits<64>>,
    new_data: Signal<Local, Bits<XLEN>>,
    df_info: Signal<Local, Bits<64>>,
    vector_wide: ZeroExtend<8, 64>,
    error_wide: ZeroExtend<32, 64>,
    zero: Constant<Bits<XLEN>>,
    zero_error: Constant<Bits<32>>,
    vector_lsb: Constant<Bits<64>>,
    error_lsb: Constant<Bits<64>>,
    from_user_mask: Constant<Bits<64>>,
    error_valid_mask: Constant<Bits<64>>,
    type_irq: Constant<Bits<64>>,
    type_nmi: Constant<Bits<64>>,
    type_exception: Constant<Bits<64>>,
    type_syscall: Constant<Bits<64>>,
    vector_mc: Constant<Bits<8>>,
    vector_nmi: Constant<Bits<8>>,
    vector_gp: Constant<Bits<8>>,
    vector_syscall: Constant<Bits<8>>,
    info_df: Constant<Bits<64>>,
    /// Option `irq_entry`: interrupts enter at ENTRY_IRQ.
    irq_entry: Constant<Bit>,
    /// The completing entry is an external interrupt's.
    enter_irq: Signal<Local, Bit>,
    /// `nmi` at the last edge (sampled through reset too: a level held
    /// high through reset is not an edge).
    nmi_q: Reg<Bit>,
    /// `mce` at the last edge (sampled through reset too).
    mce_q: Reg<Bit>,
    /// An NMI is pending.
    nmi_pending: Reg<Bit>,
    /// A machine check is pending.
    mce_pending: Reg<Bit>,
    /// EVENT_INFO.
    event_info_q: Reg<Bits<64>>,
    /// EVENT_DATA.
    event_data_q: Reg<Bits<XLEN>>,
    /// EVENT_INFO of the event whose frame is being pushed (loaded at
    /// every edge without a transfer, cleared at a bus error), or of the
    /// frame being popped.
    inflight_info: Reg<Bits<64>>,
    /// EVENT_DATA of the event whose frame is being pushed, or of the
    /// frame being popped (loaded like `inflight_info`).
    inflight_data: Reg<Bits<XLEN>>,
    /// The event being pushed is critical.
    inflight_critical: Reg<Bit>,
    /// The event being pushed is an NMI.
    inflight_nmi: Reg<Bit>,
    /// The event being pushed is a double fault.
    inflight_df: Reg<Bit>,
    /// The event being pushed is an external interrupt.
    inflight_irq: Reg<Bit>,
    /// Word 0 of the frame being pushed: the RIP to return to (loaded at
    /// every edge without a transfer, and at a bus error).
    return_rip_q: Reg<Bits<XLEN>>,
    /// `irq_ack`.
    irq_ack_q: Reg<Bit>,
    /// `shutdown`.
    shutdown_q: Reg<Bit>,
    /// Not shut down and no machine check pending, computed at the edge
    /// before from those registers' next values.
    settled_q: Reg<Bit>,
}

fn c64(v: u64) -> Constant<Bits<64>> {
    Constant::new(v.into())
}

fn c8(v: u8) -> Constant<Bits<8>> {
    Constant::new((v as u64).into())
}

impl<const XLEN: usize> Default for EntryUnit<XLEN> {
    /// The entry unit without `irq_entry`.
    fn default() -> Self {
        Self::new(false)
    }
}

impl<const XLEN: usize> EntryUnit<XLEN> {
    /// The entry unit; `irq_entry` is the option of that name.
    pub fn new(irq_entry: bool) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            user: Default::default(),
            busy: Default::default(),
            op_syscall: Default::default(),
            op_eret: Default::default(),
            csr_fault: Default::default(),
            csr_access: Default::default(),
            exc_valid: Default::default(),
            exc_vector: Default::default(),
            exc_error: Default::default(),
            exc_error_valid: Default::default(),
            exc_data: Default::default(),
            irq: Default::default(),
            irq_vector: Default::default(),
            nmi: Default::default(),
            mce: Default::default(),
            next_rip: Default::default(),
            kernel_rip: Default::default(),
            kernel_rsp: Default::default(),
            cstack: Default::default(),
            entry_point: Default::default(),
            entry_irq: Default::default(),
            status_if: Default::default(),
            status_nmi_blocked: Default::default(),
            status_critical: Default::default(),
            seq_popping: Default::default(),
            seq_done: Default::default(),
            seq_bus_error: Default::default(),
            restore: Default::default(),
            restore_info: Default::default(),
            restore_data: Default::default(),
            event_info: Default::default(),
            event_data: Default::default(),
            irq_ack: Default::default(),
            shutdown: Default::default(),
            idle: Default::default(),
            calm: Default::default(),
            quiet_kernel: Default::default(),
            quiet_user: Default::default(),
            plain: Default::default(),
            do_eret: Default::default(),
            immediate: Default::default(),
            enter: Default::default(),
            krip_value: Default::default(),
            pick_crit: Default::default(),
            load_if: Default::default(),
            load_framed: Default::default(),
            load_nmi_blocked: Default::default(),
            load_prev_user: Default::default(),
            load_critical: Default::default(),
            start_push: Default::default(),
            push_addr: Default::default(),
            return_rip: Default::default(),
            take_mce: Default::default(),
            take_nmi: Default::default(),
            take_critical: Default::default(),
            fault: Default::default(),
            take_irq: Default::default(),
            sys_ready: Default::default(),
            load_candidates: Default::default(),
            inflight_load: Default::default(),
            df_done: Default::default(),
            nmi_ready: Default::default(),
            mce_pending_next: Default::default(),
            irq_ok: Default::default(),
            ordinary: Default::default(),
            push_done: Default::default(),
            double_fault: Default::default(),
            triple_fault: Default::default(),
            new_vector: Default::default(),
            new_error: Default::default(),
            new_error_valid: Default::default(),
            new_info: Default::default(),
            new_data: Default::default(),
            df_info: Default::default(),
            vector_wide: Default::default(),
            error_wide: Default::default(),
            zero: Constant::new(0u64.into()),
            zero_error: Constant::new(0u64.into()),
            vector_lsb: c64(event_info::VECTOR_LSB as u64),
            error_lsb: c64(event_info::ERROR_LSB as u64),
            from_user_mask: c64(1 << event_info::FROM_USER),
            error_valid_mask: c64(1 << event_info::ERROR_VALID),
            type_irq: c64(event_type::EXTERNAL_INTERRUPT as u64),
            type_nmi: c64(event_type::NMI as u64),
            type_exception: c64(event_type::HARDWARE_EXCEPTION as u64),
            type_syscall: c64(event_type::OTHER as u64),
            vector_mc: c8(vector::MC),
            vector_nmi: c8(vector::NMI),
            vector_gp: c8(vector::GP),
            vector_syscall: c8(vector::SYSCALL),
            info_df: c64(event_info::pack(
                event_type::HARDWARE_EXCEPTION,
                vector::DF,
                0,
                false,
                true,
            )),
            irq_entry: Constant::new(irq_entry),
            enter_irq: Default::default(),
            nmi_q: Default::default(),
            mce_q: Default::default(),
            nmi_pending: Default::default(),
            mce_pending: Default::default(),
            event_info_q: Reg::new(csr::get(csr::EVENT_INFO).reset.into()),
            event_data_q: Reg::new(csr::get(csr::EVENT_DATA).reset.into()),
            inflight_info: Default::default(),
            inflight_data: Default::default(),
            inflight_critical: Default::default(),
            inflight_nmi: Default::default(),
            inflight_df: Default::default(),
            inflight_irq: Default::default(),
            return_rip_q: Default::default(),
            irq_ack_q: Default::default(),
            shutdown_q: Default::default(),
            // After reset nothing is shut down or pending.
            settled_q: Reg::new(true),
        }
    }
}

impl<const XLEN: usize> Logic for EntryUnit<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(
            self,
            clock,
            nmi_q,
            mce_q,
            nmi_pending,
            mce_pending,
            event_info_q,
            event_data_q,
            inflight_info,
            inflight_data,
            inflight_critical,
            inflight_nmi,
            inflight_df,
            inflight_irq,
            return_rip_q,
            irq_ack_q,
            shutdown_q,
            settled_q
        );
        // Every register resets with the unit, except the samples of `nmi`
        // and `mce`: a level held high through reset is not an edge.
        self.nmi_q.reset.next = false;
        self.mce_q.reset.next = false;
        self.nmi_pending.reset.next = self.reset.val();
        self.mce_pending.reset.next = self.reset.val();
        self.event_info_q.reset.next = self.reset.val();
        self.event_data_q.reset.next = self.reset.val();
        self.inflight_info.reset.next = self.reset.val() | self.seq_bus_error.val();
        self.inflight_data.reset.next = self.reset.val() | self.seq_bus_error.val();
        self.inflight_critical.reset.next = self.reset.val();
        self.inflight_nmi.reset.next = self.reset.val();
        self.inflight_df.reset.next = self.reset.val();
        self.inflight_irq.reset.next = self.reset.val();
        self.return_rip_q.reset.next = self.reset.val();
        self.irq_ack_q.reset.next = self.reset.val();
        self.shutdown_q.reset.next = self.reset.val();
        self.settled_q.reset.next = self.reset.val();
        self.event_info.next = self.event_info_q.q.val();
        self.event_data.next = self.event_data_q.q.val();
        self.irq_ack.next = self.irq_ack_q.q.val();
        self.shutdown.next = self.shutdown_q.q.val();
        self.return_rip.next = self.return_rip_q.q.val();

        // Priority, as one-hot takes (SPEC.md, "Events, in priority order").
        self.idle.next = !self.busy.val() & !self.shutdown_q.q.val();
        self.take_mce.next = self.idle.val() & self.mce_pending.q.val();
        self.take_nmi.next = self.idle.val()
            & !self.mce_pending.q.val()
            & self.nmi_pending.q.val()
            & !self.status_nmi_blocked.val();
        self.take_critical.next = self.take_mce.val() | self.take_nmi.val();
        self.fault.next =
            self.exc_valid.val() | self.csr_fault.val() | (self.op_eret.val() & self.user.val());
        // The signals that reach wide registers are written flat, each as
        // one AND of few terms: `calm` (idle, no critical event ready) from
        // registers only, and the instruction's inputs. The chain of takes
        // above is the same function, but many logic levels deep.
        // Its terms from the entry unit's own registers (shutdown, machine
        // check pending) come as one register, `settled_q`, loaded at the
        // edge before with the same function of their next values: one
        // logic level less before the wide enables.
        self.nmi_ready.next = self.nmi_pending.q.val() & !self.status_nmi_blocked.val();
        self.calm.next = !self.busy.val() & self.settled_q.q.val() & !self.nmi_ready.val();
        self.irq_ok.next = self.irq.val() & (self.user.val() | self.status_if.val());
        self.quiet_kernel.next = !self.user.val() & !(self.irq.val() & self.status_if.val());
        self.quiet_user.next = self.user.val() & !self.irq.val();
        self.plain.next = !self.exc_valid.val() & !self.op_eret.val() & !self.op_syscall.val();
        self.take_irq.next = self.calm.val() & !self.fault.val() & self.irq_ok.val();
        self.sys_ready.next = !self.busy.val()
            & !self.mce_pending.q.val()
            & !self.nmi_ready.val()
            & !self.fault.val()
            & !self.irq_ok.val()
            & self.op_syscall.val();
        self.ordinary.next =
            self.calm.val() & (self.fault.val() | self.irq_ok.val() | self.op_syscall.val());
        // ERET comes without SYSCALL, a CSR access or a fault (SPEC.md,
        // "What a core presents in one cycle"): in kernel mode it is
        // accepted when calm and no interrupt is taken.
        self.do_eret.next = self.calm.val() & self.quiet_kernel.val() & self.op_eret.val();
        // Ordinary events from user mode complete at once; the rest push a
        // frame. In user mode every CSR access and ERET fault and an
        // interrupt is always taken: no address decode.
        self.immediate.next = self.calm.val()
            & self.user.val()
            & (self.exc_valid.val()
                | self.op_eret.val()
                | self.irq.val()
                | self.op_syscall.val()
                | self.csr_access.val());

        // What the event is.
        // Its value matters only when an event is accepted, so the
        // selections read the events' conditions, not the takes: a later
        // `if` wins, in priority order, and a critical event clears what a
        // fault set.
        self.new_vector.next = self.vector_syscall.val();
        self.new_error.next = self.zero_error.val();
        self.new_error_valid.next = false;
        self.new_data.next = self.zero.val();
        self.new_info.next = self.type_syscall.val();
        if self.irq_ok.val() {
            self.new_vector.next = self.irq_vector.val();
            self.new_info.next = self.type_irq.val();
        }
        if self.fault.val() {
            self.new_info.next = self.type_exception.val();
            if self.exc_valid.val() {
                self.new_vector.next = self.exc_vector.val();
                self.new_error_valid.next = self.exc_error_valid.val();
                self.new_data.next = self.exc_data.val();
                if self.exc_error_valid.val() {
                    self.new_error.next = self.exc_error.val();
                }
            } else {
                // #GP: a CSR access that faults, or ERET in user mode.
                self.new_vector.next = self.vector_gp.val();
                self.new_error_valid.next = true;
            }
        }
        if self.mce_pending.q.val() | self.nmi_ready.val() {
            self.new_error.next = self.zero_error.val();
            self.new_error_valid.next = false;
            self.new_data.next = self.zero.val();
            self.new_vector.next = self.vector_nmi.val();
            self.new_info.next = self.type_nmi.val();
            if self.mce_pending.q.val() {
                self.new_vector.next = self.vector_mc.val();
                self.new_info.next = self.type_exception.val();
            }
        }
        self.vector_wide.x.next = self.new_vector.val();
        self.error_wide.x.next = self.new_error.val();
        self.new_info.next = self.new_info.val()
            | (self.vector_wide.y.val() << self.vector_lsb.val())
            | (self.error_wide.y.val() << self.error_lsb.val());
        if self.new_error_valid.val() {
            self.new_info.next = self.new_info.val() | self.error_valid_mask.val();
        }
        self.df_info.next = self.info_df.val();
        if self.user.val() {
            self.new_info.next = self.new_info.val() | self.from_user_mask.val();
            self.df_info.next = self.info_df.val() | self.from_user_mask.val();
        }

        // Completion of an entry: at once, or at the fifth answer of its push.
        self.push_done.next = self.seq_done.val() & !self.seq_popping.val();
        self.enter.next = self.immediate.val() | self.push_done.val();
        // A critical event always pushes a frame: during a transfer the
        // in-flight copy chooses (a register), not the push's end.
        self.pick_crit.next = self.busy.val() & self.inflight_critical.q.val();
        self.krip_value.next = self.entry_point.val();
        self.enter_irq.next = (self.immediate.val() & self.take_irq.val())
            | (self.push_done.val() & self.inflight_irq.q.val());
        if self.irq_entry.val() & self.enter_irq.val() {
            self.krip_value.next = self.entry_irq.val();
        }
        self.load_if.next = false;
        self.load_framed.next = self.push_done.val();
        self.load_nmi_blocked.next =
            self.status_nmi_blocked.val() | (self.push_done.val() & self.inflight_nmi.q.val());
        self.load_prev_user.next = self.user.val();
        self.load_critical.next =
            self.push_done.val() & (self.inflight_critical.q.val() | self.status_critical.val());
        // EVENT_INFO/EVENT_DATA: the event, at its completion; or the
        // frame's, when a framed ERET completes. An immediate entry
        // happens only when no transfer runs, a completion only while one
        // does, so `busy` (a register) chooses the value: the event's own,
        // or the in-flight copy, which holds the pushed event's or, during
        // a pop, the frame's (below). A #DF's in-flight copy is cleared
        // at the bus error that raises it; its EVENT_INFO is added here.
        self.df_done.next = !self.seq_popping.val() & self.inflight_df.q.val();
        self.event_info_q.we.next =
            self.immediate.val() | self.push_done.val() | self.restore.val();
        self.event_data_q.we.next =
            self.immediate.val() | self.push_done.val() | self.restore.val();
        self.event_info_q.wdata.next = self.new_info.val();
        self.event_data_q.wdata.next = self.new_data.val();
        if self.busy.val() {
            self.event_info_q.wdata.next = self.inflight_info.q.val();
            if self.df_done.val() {
                self.event_info_q.wdata.next = self.inflight_info.q.val() | self.df_info.val();
            }
            self.event_data_q.wdata.next = self.inflight_data.q.val();
        }

        // Start of a framed entry: the stack switch rule picks the top.
        self.double_fault.next =
            self.seq_bus_error.val() & !(!self.seq_popping.val() & self.inflight_df.q.val());
        self.triple_fault.next =
            self.seq_bus_error.val() & !self.seq_popping.val() & self.inflight_df.q.val();
        // The frame sequencer writes the first word just below the top
        // (its `FrameStep`, which it steps through the frame with). The
        // top is chosen from registers only: a push starts at an idle edge
        // (CSTACK for a critical event taken outside a critical handler,
        // ready exactly when `take_critical` is) or at a bus error during
        // a transfer (a #DF, critical: CSTACK outside a critical handler).
        // A pop starts only when no critical event is ready, so it sees
        // the kernel RSP, its first word.
        self.push_addr.next = self.kernel_rsp.val();
        if (self.busy.val() | self.take_critical.val()) & !self.status_critical.val() {
            self.push_addr.next = self.cstack.val();
        }
        self.start_push.next = self.take_critical.val()
            | (self.ordinary.val() & !self.user.val())
            | self.double_fault.val();
        // The event whose frame a push starts: the accepted event, or a
        // #DF of the state from before a failed transfer (which committed
        // nothing). The wide copies (EVENT_INFO, EVENT_DATA, return RIP)
        // are loaded at every edge where no transfer runs: they are read
        // only during a push, which starts at one of those edges and
        // loads them. So their enables and their selections do not wait
        // for the decision; only the one-bit copies take the decision
        // itself. At a bus error the return RIP loads the kernel RIP and
        // the EVENT_INFO/EVENT_DATA copies clear (their reset), for the
        // #DF. During a pop these copies take the frame's words from the
        // return path, which holds them from their answers on, so they
        // are in place at the pop's last answer.
        self.load_candidates.next = !self.busy.val() | self.seq_bus_error.val();
        self.inflight_load.next = !self.busy.val() | self.seq_popping.val();
        self.inflight_info.we.next = self.inflight_load.val();
        self.inflight_data.we.next = self.inflight_load.val();
        self.return_rip_q.we.next = self.load_candidates.val();
        self.inflight_critical.we.next = self.start_push.val();
        self.inflight_nmi.we.next = self.start_push.val();
        self.inflight_df.we.next = self.start_push.val();
        self.inflight_irq.we.next = self.start_push.val();
        self.inflight_info.wdata.next = self.new_info.val();
        self.inflight_data.wdata.next = self.new_data.val();
        if self.busy.val() {
            self.inflight_info.wdata.next = self.restore_info.val();
            self.inflight_data.wdata.next = self.restore_data.val();
        }
        self.inflight_critical.wdata.next = self.take_critical.val();
        self.inflight_nmi.wdata.next = self.take_nmi.val();
        self.inflight_df.wdata.next = false;
        self.inflight_irq.wdata.next = self.take_irq.val();
        // The return RIP: `next_rip` for a SYSCALL (the event when no
        // fault, interrupt or critical event is ready), else the kernel RIP.
        self.return_rip_q.wdata.next = self.kernel_rip.val();
        if self.sys_ready.val() {
            self.return_rip_q.wdata.next = self.next_rip.val();
        }
        if self.double_fault.val() {
            self.inflight_critical.wdata.next = true;
            self.inflight_nmi.wdata.next = false;
            self.inflight_df.wdata.next = true;
            self.inflight_irq.wdata.next = false;
        }
        self.shutdown_q.we.next = self.triple_fault.val();
        self.shutdown_q.wdata.next = true;

        // NMI and MCE: sampled every cycle, pending on a 0→1 change.
        self.nmi_q.we.next = true;
        self.nmi_q.wdata.next = self.nmi.val();
        self.mce_q.we.next = true;
        self.mce_q.wdata.next = self.mce.val();
        self.mce_pending_next.next = (self.mce_pending.q.val() & !self.take_mce.val())
            | (self.mce.val() & !self.mce_q.q.val());
        self.nmi_pending.we.next = true;
        self.nmi_pending.wdata.next = (self.nmi_pending.q.val() & !self.take_nmi.val())
            | (self.nmi.val() & !self.nmi_q.q.val());
        self.mce_pending.we.next = true;
        self.mce_pending.wdata.next = self.mce_pending_next.val();
        // `settled_q` after this edge (reset makes it 1).
        self.settled_q.we.next = true;
        self.settled_q.wdata.next =
            !(self.shutdown_q.q.val() | self.triple_fault.val()) & !self.mce_pending_next.val();
        self.irq_ack_q.we.next = true;
        self.irq_ack_q.wdata.next = self.take_irq.val();
    }
}
