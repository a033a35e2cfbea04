//! The return path: ERET in kernel mode.
//!
//! SPEC.md, "ERET": with `framed` = 0 the unit returns to user at the
//! edge that accepts ERET, with no memory access (CPL 3; the outputs show
//! the user copies). With `framed` = 1 it pops the frame, lowest address
//! first, and at the last answer (the fifth; the sixth with XLEN = 32)
//! restores the kernel RIP, kernel RSP, STATUS, EVENT_INFO and EVENT_DATA
//! from it. With XLEN = 32 EVENT_INFO is two words of the frame, its bits
//! 31:0 popped before its bits 63:32 (docs/spec.md section 14.1); where
//! each word sits is `ptu_arch::FrameLayout::for_xlen(XLEN)`; CPL becomes 3 if the STATUS
//! being left says `prev_user`. A pop that ends in a bus error commits
//! nothing (the entry unit turns it into a double fault). ERET in user
//! mode is a #GP, decided by the entry unit.

use crate::primitives::{Fit, Reg};
use ptu_arch::{event_info, status, FrameLayout};
use rust_hdl::prelude::*;

/// ERET: unframed return to user, or pop and restore.
#[derive(LogicBlock)]
pub struct ReturnPath<const XLEN: usize = 64> {
    /// Clock of every register.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high.
    pub reset: Signal<In, Bit>,
    /// ERET in kernel mode is accepted at this edge.
    pub do_eret: Signal<In, Bit>,
    /// STATUS.framed of the handler executing ERET.
    pub status_framed: Signal<In, Bit>,
    /// STATUS.prev_user of the handler executing ERET (or being left by the pop).
    pub status_prev_user: Signal<In, Bit>,
    /// The running transfer is a pop.
    pub seq_popping: Signal<In, Bit>,
    /// A word completes without error at this edge.
    pub seq_answer: Signal<In, Bit>,
    /// Index of the word being transferred.
    pub seq_word: Signal<In, Bits<3>>,
    /// The fifth word completes at this edge.
    pub seq_done: Signal<In, Bit>,
    /// Read data of the bus answer.
    pub mem_rdata: Signal<In, Bits<XLEN>>,
    /// Return to user now, without a frame.
    pub leave: Signal<Out, Bit>,
    /// Start popping the frame whose lowest word is at the kernel RSP.
    pub start_pop: Signal<Out, Bit>,
    /// The pop completes at this edge: restore what follows.
    pub restore: Signal<Out, Bit>,
    /// CPL after the pop: user when the STATUS being left says `prev_user`.
    pub restore_user: Signal<Out, Bit>,
    /// Kernel RIP from the frame.
    pub restore_rip: Signal<Out, Bits<XLEN>>,
    /// Kernel RSP from the frame.
    pub restore_rsp: Signal<Out, Bits<XLEN>>,
    /// EVENT_INFO from the frame (defined fields only), all 64 bits.
    pub restore_info: Signal<Out, Bits<64>>,
    /// EVENT_DATA from the frame.
    pub restore_data: Signal<Out, Bits<XLEN>>,
    /// STATUS.if from the frame.
    pub restore_if: Signal<Out, Bit>,
    /// STATUS.framed from the frame.
    pub restore_framed: Signal<Out, Bit>,
    /// STATUS.nmi_blocked from the frame.
    pub restore_nmi_blocked: Signal<Out, Bit>,
    /// STATUS.prev_user from the frame.
    pub restore_prev_user: Signal<Out, Bit>,
    /// STATUS.critical from the frame.
    pub restore_critical: Signal<Out, Bit>,
    /// EVENT_INFO's defined fields.
    info_mask: Constant<Bits<64>>,
    /// Where EVENT_INFO's high word goes: bit 32.
    info_hi_lsb: Constant<Bits<64>>,
    word_data: Constant<Bits<3>>,
    word_info: Constant<Bits<3>>,
    /// EVENT_INFO's high word, with XLEN = 32 (else EVENT_INFO's index).
    word_info_hi: Constant<Bits<3>>,
    /// EVENT_INFO is two words (XLEN = 32).
    split_info: Constant<Bit>,
    word_status: Constant<Bits<3>>,
    word_rsp: Constant<Bits<3>>,
    capture: Signal<Local, Bit>,
    /// The popped word as 64 bits (zero-extended with XLEN = 32).
    rdata_wide: Fit<XLEN, 64>,
    /// EVENT_DATA popped from the frame.
    popped_data: Reg<Bits<XLEN>>,
    /// EVENT_INFO popped from the frame, 64 bits: with XLEN = 32 its low
    /// word lands in bits 31:0, then its high word in bits 63:32.
    popped_info: Reg<Bits<64>>,
    /// STATUS bits 4:0 popped from the frame.
    popped_status: Reg<Bits<5>>,
    /// Kernel RSP popped from the frame.
    popped_rsp: Reg<Bits<XLEN>>,
}

// The popped STATUS keeps bits 4:0; their order is SPEC's.
const _: () = assert!(status::IF == 0 && status::FRAMED == 1 && status::NMI_BLOCKED == 2);
const _: () = assert!(status::PREV_USER == 3 && status::CRITICAL == 4 && status::MASK == 0x1f);

/// The pop index (0 = lowest address) of the word at byte offset `off` of
/// a frame laid out as `f`.
fn word(f: &FrameLayout, off: u64) -> Constant<Bits<3>> {
    Constant::new((off / f.word_bytes).into())
}

impl<const XLEN: usize> Default for ReturnPath<XLEN> {
    fn default() -> Self {
        let f = FrameLayout::for_xlen(XLEN);
        // The RIP word is the last one popped: it commits with the rest.
        assert_eq!(f.off_rip, f.bytes - f.word_bytes);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            do_eret: Default::default(),
            status_framed: Default::default(),
            status_prev_user: Default::default(),
            seq_popping: Default::default(),
            seq_answer: Default::default(),
            seq_word: Default::default(),
            seq_done: Default::default(),
            mem_rdata: Default::default(),
            leave: Default::default(),
            start_pop: Default::default(),
            restore: Default::default(),
            restore_user: Default::default(),
            restore_rip: Default::default(),
            restore_rsp: Default::default(),
            restore_info: Default::default(),
            restore_data: Default::default(),
            restore_if: Default::default(),
            restore_framed: Default::default(),
            restore_nmi_blocked: Default::default(),
            restore_prev_user: Default::default(),
            restore_critical: Default::default(),
            info_mask: Constant::new(event_info::MASK.into()),
            info_hi_lsb: Constant::new(32u64.into()),
            word_data: word(&f, f.off_event_data),
            word_info: word(&f, f.off_event_info),
            word_info_hi: word(&f, f.off_event_info_hi.unwrap_or(f.off_event_info)),
            split_info: Constant::new(f.off_event_info_hi.is_some()),
            word_status: word(&f, f.off_status),
            word_rsp: word(&f, f.off_rsp),
            capture: Default::default(),
            rdata_wide: Default::default(),
            popped_data: Default::default(),
            popped_info: Default::default(),
            popped_status: Default::default(),
            popped_rsp: Default::default(),
        }
    }
}

impl<const XLEN: usize> Logic for ReturnPath<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(
            self,
            clock,
            popped_data,
            popped_info,
            popped_status,
            popped_rsp
        );
        self.popped_data.reset.next = self.reset.val();
        self.popped_info.reset.next = self.reset.val();
        self.popped_status.reset.next = self.reset.val();
        self.popped_rsp.reset.next = self.reset.val();
        self.leave.next = self.do_eret.val() & !self.status_framed.val();
        self.start_pop.next = self.do_eret.val() & self.status_framed.val();
        // Hold the words before the last; the last (RIP) commits with them.
        self.capture.next = self.seq_popping.val() & self.seq_answer.val();
        self.popped_data.we.next =
            self.capture.val() & (self.seq_word.val() == self.word_data.val());
        self.popped_data.wdata.next = self.mem_rdata.val();
        // EVENT_INFO: its word, or with XLEN = 32 its low word, then its
        // high word above the low one already held. `split_info` is a
        // constant, so with XLEN = 64 the second word is no logic.
        self.rdata_wide.x.next = self.mem_rdata.val();
        self.popped_info.we.next = self.capture.val()
            & ((self.seq_word.val() == self.word_info.val())
                | (self.split_info.val() & (self.seq_word.val() == self.word_info_hi.val())));
        self.popped_info.wdata.next = self.rdata_wide.y.val() & self.info_mask.val();
        if self.split_info.val() & (self.seq_word.val() == self.word_info_hi.val()) {
            self.popped_info.wdata.next = ((self.rdata_wide.y.val() << self.info_hi_lsb.val())
                | self.popped_info.q.val())
                & self.info_mask.val();
        }
        self.popped_status.we.next =
            self.capture.val() & (self.seq_word.val() == self.word_status.val());
        self.popped_status.wdata.next = self.mem_rdata.val().get_bits::<5>(0);
        self.popped_rsp.we.next = self.capture.val() & (self.seq_word.val() == self.word_rsp.val());
        self.popped_rsp.wdata.next = self.mem_rdata.val();
        self.restore.next = self.seq_popping.val() & self.seq_done.val();
        self.restore_user.next = self.status_prev_user.val();
        self.restore_rip.next = self.mem_rdata.val();
        self.restore_rsp.next = self.popped_rsp.q.val();
        self.restore_info.next = self.popped_info.q.val();
        self.restore_data.next = self.popped_data.q.val();
        self.restore_if.next = self.popped_status.q.val().get_bit(0);
        self.restore_framed.next = self.popped_status.q.val().get_bit(1);
        self.restore_nmi_blocked.next = self.popped_status.q.val().get_bit(2);
        self.restore_prev_user.next = self.popped_status.q.val().get_bit(3);
        self.restore_critical.next = self.popped_status.q.val().get_bit(4);
    }
}
