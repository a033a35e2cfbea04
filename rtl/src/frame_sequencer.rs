//! The frame sequencer: pushes and pops the frame through the memory port
//! with the valid/ready handshake.
//!
//! SPEC.md, "Entry" and "ERET": words are written highest address first
//! (return RIP, kernel RSP, STATUS, EVENT_INFO, EVENT_DATA) and read back
//! lowest address first. With XLEN = 32 (docs/spec.md section 14.1) the
//! frame has six 4-byte words: EVENT_INFO is two of them, its bits 63:32
//! pushed before its bits 31:0. Which word sits where is
//! `ptu_arch::FrameLayout::for_xlen(XLEN)`. One word per bus answer; a request holds until
//! `mem_ready`; `mem_err` counts only with `mem_ready`. The sequencer only
//! moves words: what they are and what a finished or failed transfer
//! means is decided by the entry unit and the return path.
//!
//! A start at the edge of a bus error restarts the transfer (the entry
//! unit pushes a #DF frame this way). Starts come at no other edge of a
//! transfer: the entry unit and the return path start one only when no
//! transfer runs. The start address is loaded at every edge outside a
//! transfer and at bus errors, so its enable does not wait for the
//! decision.

use crate::primitives::{frame_word_bytes, FrameStep, Reg};
use ptu_arch::FrameLayout;
use rust_hdl::prelude::*;

/// Frame transfers on the memory port: five XLEN-bit words, or six with
/// XLEN = 32.
#[derive(LogicBlock)]
pub struct FrameSequencer<const XLEN: usize = 64> {
    /// Clock of every register.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high.
    pub reset: Signal<In, Bit>,
    /// Start pushing a frame below the stack top `start_addr`: its first
    /// word goes to `start_addr - XLEN/8`.
    pub start_push: Signal<In, Bit>,
    /// Start popping a frame whose lowest word is at `start_addr`.
    pub start_pop: Signal<In, Bit>,
    /// The stack top of a push, the first address of a pop.
    pub start_addr: Signal<In, Bits<XLEN>>,
    /// Word 0 of a push (highest address): the return RIP.
    pub word_rip: Signal<In, Bits<XLEN>>,
    /// Word 1 of a push: the kernel RSP.
    pub word_rsp: Signal<In, Bits<XLEN>>,
    /// Word 2 of a push: STATUS.
    pub word_status: Signal<In, Bits<XLEN>>,
    /// EVENT_INFO's word of a push (word 3; with XLEN = 32 its bits
    /// 31:0, word 4).
    pub word_info: Signal<In, Bits<XLEN>>,
    /// EVENT_INFO bits 63:32, word 3 of a push with XLEN = 32. With
    /// XLEN = 64 one word holds all of EVENT_INFO and this input is not
    /// pushed.
    pub word_info_hi: Signal<In, Bits<XLEN>>,
    /// The last word of a push (lowest address): EVENT_DATA.
    pub word_data: Signal<In, Bits<XLEN>>,
    /// The bus answers the request of this cycle.
    pub mem_ready: Signal<In, Bit>,
    /// The answer is an error.
    pub mem_err: Signal<In, Bit>,
    /// A transfer runs.
    pub busy: Signal<Out, Bit>,
    /// The running transfer is a pop.
    pub popping: Signal<Out, Bit>,
    /// A word completes without error at this edge.
    pub answer: Signal<Out, Bit>,
    /// Index of the word being transferred (0 to 4; 0 to 5 with XLEN = 32).
    pub word: Signal<Out, Bits<3>>,
    /// The frame's last word completes without error at this edge.
    pub done: Signal<Out, Bit>,
    /// A word completes with `mem_err` at this edge.
    pub bus_error: Signal<Out, Bit>,
    /// Address of the current word (after a push: the frame's lowest word).
    pub frame_addr: Signal<Out, Bits<XLEN>>,
    /// Memory request.
    pub mem_valid: Signal<Out, Bit>,
    /// The request is a write.
    pub mem_we: Signal<Out, Bit>,
    /// Address of the request.
    pub mem_addr: Signal<Out, Bits<XLEN>>,
    /// Data of a write request.
    pub mem_wdata: Signal<Out, Bits<XLEN>>,
    zero: Constant<Bits<XLEN>>,
    /// The push index of each word (highest address first), from the
    /// frame layout of XLEN.
    index_rip: Constant<Bits<3>>,
    index_rsp: Constant<Bits<3>>,
    index_status: Constant<Bits<3>>,
    index_info: Constant<Bits<3>>,
    /// EVENT_INFO's high word, with XLEN = 32 (else EVENT_INFO's index).
    index_info_hi: Constant<Bits<3>>,
    /// EVENT_INFO is two words (XLEN = 32).
    split_info: Constant<Bit>,
    word_last: Constant<Bits<3>>,
    word_step: Constant<Bits<3>>,
    start: Signal<Local, Bit>,
    /// Address of the word being transferred; 0 outside a transfer.
    word_addr: Signal<Local, Bits<XLEN>>,
    /// A transfer runs.
    active: Reg<Bit>,
    /// The transfer is a pop.
    pop: Reg<Bit>,
    /// Index of the word being transferred.
    index: Reg<Bits<3>>,
    /// `index` is `word_last`, kept beside it (loaded with it), so that
    /// `done` is one logic level from registers and the bus answer.
    at_last: Reg<Bit>,
    /// A pop: the address of the word being transferred. A push: the
    /// address just above it (the stack top, then each word written), so
    /// one step down gives the word, and the next value too. Outside a
    /// transfer it loads `start_addr` at every edge, so a start does not
    /// wait for the decision to reach its enable.
    addr: Reg<Bits<XLEN>>,
    /// The next word from `addr`: above it for a pop, below it for a push
    /// (the word a push writes).
    step: FrameStep<XLEN>,
}

/// The push index (0 = highest address) of the word at byte offset `off`
/// of a frame laid out as `f`.
fn push_index(f: &FrameLayout, off: u64) -> Constant<Bits<3>> {
    Constant::new((f.words - 1 - off / f.word_bytes).into())
}

impl<const XLEN: usize> Default for FrameSequencer<XLEN> {
    fn default() -> Self {
        let f = FrameLayout::for_xlen(XLEN);
        assert!(f.words <= 8, "a frame index is 3 bits");
        assert_eq!(f.word_bytes, frame_word_bytes(XLEN), "FrameStep's step");
        // The index of EVENT_DATA, the last word pushed, is `word_last`.
        assert_eq!(f.off_event_data, 0);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            start_push: Default::default(),
            start_pop: Default::default(),
            start_addr: Default::default(),
            word_rip: Default::default(),
            word_rsp: Default::default(),
            word_status: Default::default(),
            word_info: Default::default(),
            word_info_hi: Default::default(),
            word_data: Default::default(),
            mem_ready: Default::default(),
            mem_err: Default::default(),
            busy: Default::default(),
            popping: Default::default(),
            answer: Default::default(),
            word: Default::default(),
            done: Default::default(),
            bus_error: Default::default(),
            frame_addr: Default::default(),
            mem_valid: Default::default(),
            mem_we: Default::default(),
            mem_addr: Default::default(),
            mem_wdata: Default::default(),
            zero: Constant::new(0u64.into()),
            index_rip: push_index(&f, f.off_rip),
            index_rsp: push_index(&f, f.off_rsp),
            index_status: push_index(&f, f.off_status),
            index_info: push_index(&f, f.off_event_info),
            index_info_hi: push_index(&f, f.off_event_info_hi.unwrap_or(f.off_event_info)),
            split_info: Constant::new(f.off_event_info_hi.is_some()),
            word_last: push_index(&f, f.off_event_data),
            word_step: Constant::new(1u64.into()),
            start: Default::default(),
            word_addr: Default::default(),
            active: Default::default(),
            pop: Default::default(),
            index: Default::default(),
            at_last: Default::default(),
            addr: Default::default(),
            step: Default::default(),
        }
    }
}

impl<const XLEN: usize> Logic for FrameSequencer<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, active, pop, index, at_last, addr);
        self.active.reset.next = self.reset.val();
        self.pop.reset.next = self.reset.val();
        self.index.reset.next = self.reset.val();
        self.at_last.reset.next = self.reset.val();
        self.addr.reset.next = self.reset.val();
        self.busy.next = self.active.q.val();
        self.popping.next = self.active.q.val() & self.pop.q.val();
        self.word.next = self.index.q.val();
        // The word of this cycle: `addr`, or for a push the word below it;
        // 0 outside a transfer, where `addr` holds the next start's top
        // (the step's gated output `w`, one logic level per bit). Next
        // word: pushes go down, pops go up.
        self.step.x.next = self.addr.q.val();
        self.step.up.next = self.pop.q.val();
        self.step.en.next = self.active.q.val() & !self.pop.q.val();
        self.step.keep.next = self.active.q.val();
        self.word_addr.next = self.step.w.val();
        self.frame_addr.next = self.word_addr.val();
        self.answer.next = self.active.q.val() & self.mem_ready.val() & !self.mem_err.val();
        self.bus_error.next = self.active.q.val() & self.mem_ready.val() & self.mem_err.val();
        self.done.next = self.answer.val() & self.at_last.q.val();
        // The bus: registered request, zero outside a transfer.
        self.mem_valid.next = self.active.q.val();
        self.mem_we.next = self.active.q.val() & !self.pop.q.val();
        self.mem_addr.next = self.word_addr.val();
        self.mem_wdata.next = self.zero.val();
        if self.active.q.val() & !self.pop.q.val() {
            if self.index.q.val() == self.index_rip.val() {
                self.mem_wdata.next = self.word_rip.val();
            } else if self.index.q.val() == self.index_rsp.val() {
                self.mem_wdata.next = self.word_rsp.val();
            } else if self.index.q.val() == self.index_status.val() {
                self.mem_wdata.next = self.word_status.val();
            } else if self.index.q.val() == self.index_info.val() {
                self.mem_wdata.next = self.word_info.val();
            } else if self.split_info.val() & (self.index.q.val() == self.index_info_hi.val()) {
                // XLEN = 32 only: `split_info` is a constant, so with
                // XLEN = 64 this branch is no logic.
                self.mem_wdata.next = self.word_info_hi.val();
            } else {
                self.mem_wdata.next = self.word_data.val();
            }
        }
        // A start (re)starts a transfer; each answer moves to the next word.
        self.start.next = self.start_push.val() | self.start_pop.val();
        self.active.we.next = self.start.val() | self.done.val() | self.bus_error.val();
        self.active.wdata.next = self.start.val();
        self.pop.we.next = self.start.val();
        self.pop.wdata.next = self.start_pop.val();
        self.index.we.next = self.start.val() | self.answer.val();
        self.index.wdata.next = self.index.q.val() + self.word_step.val();
        self.at_last.we.next = self.start.val() | self.answer.val();
        self.at_last.wdata.next = !self.start.val()
            & ((self.index.q.val() + self.word_step.val()) == self.word_last.val());
        // `addr` loads the top of the next start at every edge outside a
        // transfer, and at a bus error (a #DF push restarts there); each
        // answer steps it. (`mem_err` alone: it counts only with
        // `mem_ready`, which is what lets `addr` load in a transfer.)
        self.addr.we.next = !self.active.q.val() | self.mem_ready.val();
        self.addr.wdata.next = self.step.y.val();
        if !self.active.q.val() | self.mem_err.val() {
            self.addr.wdata.next = self.start_addr.val();
        }
        if self.start.val() {
            self.index.wdata.next = self.index_rip.val();
        }
    }
}
