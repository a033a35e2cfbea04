//! The frame sequencer: pushes and pops the five-word frame through the
//! memory port with the valid/ready handshake.
//!
//! SPEC.md, "Entry" and "ERET": words are written highest address first
//! (return RIP, kernel RSP, STATUS, EVENT_INFO, EVENT_DATA) and read back
//! lowest address first; one word per bus answer; a request holds until
//! `mem_ready`; `mem_err` counts only with `mem_ready`. The sequencer only
//! moves words: what they are and what a finished or failed transfer
//! means is decided by the entry unit and the return path.
//!
//! A start while a transfer runs restarts it (the entry unit does this to
//! push a #DF frame at the edge of a bus error).

use crate::primitives::{FrameStep, Reg};
use ptu_arch::frame;
use rust_hdl::prelude::*;

/// Five-word frame transfers on the memory port.
#[derive(LogicBlock)]
pub struct FrameSequencer<const XLEN: usize = 64> {
    /// Clock of every register.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high.
    pub reset: Signal<In, Bit>,
    /// Start pushing a frame below the stack top `start_addr`: its first
    /// word goes to `start_addr - 8`.
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
    /// Word 3 of a push: EVENT_INFO.
    pub word_info: Signal<In, Bits<XLEN>>,
    /// Word 4 of a push (lowest address): EVENT_DATA.
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
    /// Index of the word being transferred (0 to 4).
    pub word: Signal<Out, Bits<3>>,
    /// The fifth word completes without error at this edge.
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
    word_0: Constant<Bits<3>>,
    word_1: Constant<Bits<3>>,
    word_2: Constant<Bits<3>>,
    word_3: Constant<Bits<3>>,
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
    /// A pop: the address of the word being transferred. A push: the
    /// address just above it (the stack top, then each word written), so
    /// one step down gives the word, and the next value too. 0 outside a
    /// transfer.
    addr: Reg<Bits<XLEN>>,
    /// The next word from `addr`: above it for a pop, below it for a push
    /// (the word a push writes).
    step: FrameStep<XLEN>,
}

impl<const XLEN: usize> Default for FrameSequencer<XLEN> {
    fn default() -> Self {
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
            word_0: Constant::new(0u64.into()),
            word_1: Constant::new(1u64.into()),
            word_2: Constant::new(2u64.into()),
            word_3: Constant::new(3u64.into()),
            word_last: Constant::new((frame::WORDS - 1).into()),
            word_step: Constant::new(1u64.into()),
            start: Default::default(),
            word_addr: Default::default(),
            active: Default::default(),
            pop: Default::default(),
            index: Default::default(),
            addr: Default::default(),
            step: Default::default(),
        }
    }
}

impl<const XLEN: usize> Logic for FrameSequencer<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, active, pop, index, addr);
        self.active.reset.next = self.reset.val();
        self.pop.reset.next = self.reset.val();
        self.index.reset.next = self.reset.val();
        self.addr.reset.next = self.reset.val();
        self.busy.next = self.active.q.val();
        self.popping.next = self.active.q.val() & self.pop.q.val();
        self.word.next = self.index.q.val();
        // The word of this cycle: `addr`, or for a push the word below it.
        // Next word: pushes go down, pops go up.
        self.step.x.next = self.addr.q.val();
        self.step.up.next = self.pop.q.val();
        self.word_addr.next = self.addr.q.val();
        if self.active.q.val() & !self.pop.q.val() {
            self.word_addr.next = self.step.y.val();
        }
        self.frame_addr.next = self.word_addr.val();
        self.answer.next = self.active.q.val() & self.mem_ready.val() & !self.mem_err.val();
        self.bus_error.next = self.active.q.val() & self.mem_ready.val() & self.mem_err.val();
        self.done.next = self.answer.val() & (self.index.q.val() == self.word_last.val());
        // The bus: registered request, zero outside a transfer.
        self.mem_valid.next = self.active.q.val();
        self.mem_we.next = self.active.q.val() & !self.pop.q.val();
        // `addr` is 0 outside a transfer (reset, and cleared when one
        // ends), so the address needs no gate of its own.
        self.mem_addr.next = self.word_addr.val();
        self.mem_wdata.next = self.zero.val();
        if self.active.q.val() & !self.pop.q.val() {
            if self.index.q.val() == self.word_0.val() {
                self.mem_wdata.next = self.word_rip.val();
            } else if self.index.q.val() == self.word_1.val() {
                self.mem_wdata.next = self.word_rsp.val();
            } else if self.index.q.val() == self.word_2.val() {
                self.mem_wdata.next = self.word_status.val();
            } else if self.index.q.val() == self.word_3.val() {
                self.mem_wdata.next = self.word_info.val();
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
        self.addr.we.next = self.start.val() | self.answer.val() | self.bus_error.val();
        self.addr.wdata.next = self.step.y.val();
        if self.done.val() | self.bus_error.val() {
            self.addr.wdata.next = self.zero.val();
        }
        if self.start.val() {
            self.index.wdata.next = self.word_0.val();
            self.addr.wdata.next = self.start_addr.val();
        }
    }
}
