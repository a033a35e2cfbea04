//! `StepSequencer`: the demo's control. It reads the steps of a segment
//! from its [`StepRom`], one per clock, into the register stage whose
//! outputs drive the unit and hold the outputs it must show (stage B);
//! pauses after a step marked `print` while the transition is printed;
//! reports `PASS` after the segment's last step or `FAIL` as soon as the
//! checker registers a mismatch; and, when done, starts a replay on a
//! button press. It tells the message printer what to print and when.
//!
//! The XLEN-bit values are `XLEN` bits wide; the mismatch mask has a bit
//! per compared port (`PORTS`: 15, or 16 with option `fs_bank`).
//!
//! States: power-on (`por`: the unit is held in reset), `banner`, `run`
//! (one step per clock), `drain` (two cycles after a `print` or `last`
//! step: its outputs are compared, then registered), `print`, `report`,
//! `done`.

use crate::demo_program::{
    DemoImage, DemoProgram, Messages, Segment, MSG_ADDR_BITS, STEP_ADDR_BITS,
};
use crate::step_rom::StepRom;
use rust_hdl::prelude::*;

/// The sequencer, its step ROM and stage B.
#[derive(LogicBlock)]
pub struct StepSequencer<const XLEN: usize = 64, const PORTS: usize = 15> {
    /// Clock of every register and the step ROM.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset (power-on): back to `por`, nothing passed or
    /// failed, nothing printed.
    pub reset: Signal<In, Bit>,
    /// The run button was pressed (one pulse).
    pub run_press: Signal<In, Bit>,
    /// The NMI button was pressed (one pulse).
    pub nmi_press: Signal<In, Bit>,
    /// The IRQ button was pressed (one pulse).
    pub irq_press: Signal<In, Bit>,
    /// The message printer is busy.
    pub printing: Signal<In, Bit>,
    /// The checker's mismatches of the previous cycle.
    pub miss: Signal<In, Bits<PORTS>>,
    /// The step those mismatches belong to.
    pub miss_step: Signal<In, Bits<8>>,
    /// The unit's `reset`: a step's, or held during power-on.
    pub unit_reset: Signal<Out, Bit>,
    /// The unit's 1-bit inputs, `demo_program::INPUT_FLAGS` order (bit 0,
    /// `reset`, is in `unit_reset`).
    pub flags: Signal<Out, Bits<15>>,
    /// The unit's `csr_addr`.
    pub csr_addr: Signal<Out, Bits<8>>,
    /// The unit's `exc_vector`.
    pub exc_vector: Signal<Out, Bits<8>>,
    /// The unit's `irq_vector`.
    pub irq_vector: Signal<Out, Bits<8>>,
    /// The value of all six XLEN-bit inputs of the unit.
    pub data: Signal<Out, Bits<XLEN>>,
    /// The unit's `exc_error`.
    pub exc_error: Signal<Out, Bits<32>>,
    /// Compare the unit's outputs in this cycle.
    pub check: Signal<Out, Bit>,
    /// A transition starts in this cycle.
    pub start: Signal<Out, Bit>,
    /// The step presented in this cycle.
    pub step: Signal<Out, Bits<8>>,
    /// Expected `cpl` and 1-bit outputs (`StepRom::expect_small`).
    pub expect_small: Signal<Out, Bits<8>>,
    /// Expected `rip`.
    pub expect_rip: Signal<Out, Bits<XLEN>>,
    /// Expected `rsp`.
    pub expect_rsp: Signal<Out, Bits<XLEN>>,
    /// Expected `gs_base`.
    pub expect_gs_base: Signal<Out, Bits<XLEN>>,
    /// Expected `csr_rdata`.
    pub expect_csr_rdata: Signal<Out, Bits<XLEN>>,
    /// Expected `event_info`.
    pub expect_event_info: Signal<Out, Bits<64>>,
    /// Expected `event_data`.
    pub expect_event_data: Signal<Out, Bits<XLEN>>,
    /// Expected `mem_addr`.
    pub expect_mem_addr: Signal<Out, Bits<XLEN>>,
    /// Expected `mem_wdata`.
    pub expect_mem_wdata: Signal<Out, Bits<XLEN>>,
    /// Start printing the message at `print_msg`.
    pub print_go: Signal<Out, Bit>,
    /// The message to print.
    pub print_msg: Signal<Out, Bits<MSG_ADDR_BITS>>,
    /// The last replay passed (the unit is at the rest state).
    pub passed: Signal<Out, Bit>,
    /// The last replay failed.
    pub failed: Signal<Out, Bit>,
    /// The mismatches that stopped the last replay.
    pub fail_mask: Signal<Out, Bits<PORTS>>,
    /// The step they were found at.
    pub fail_step: Signal<Out, Bits<8>>,
    /// Steps of the segment being (or last) replayed.
    pub run_len: Signal<Out, Bits<8>>,
    step_rom: StepRom<XLEN>,
    // Configuration.
    main_len: Constant<Bits<8>>,
    nmi_start: Constant<Bits<STEP_ADDR_BITS>>,
    nmi_len: Constant<Bits<8>>,
    irq_start: Constant<Bits<STEP_ADDR_BITS>>,
    irq_len: Constant<Bits<8>>,
    msg_banner: Constant<Bits<MSG_ADDR_BITS>>,
    msg_nmi: Constant<Bits<MSG_ADDR_BITS>>,
    msg_irq: Constant<Bits<MSG_ADDR_BITS>>,
    msg_hint: Constant<Bits<MSG_ADDR_BITS>>,
    msg_transition: Constant<Bits<MSG_ADDR_BITS>>,
    msg_pass: Constant<Bits<MSG_ADDR_BITS>>,
    msg_fail: Constant<Bits<MSG_ADDR_BITS>>,
    // States.
    s_por: Constant<Bits<3>>,
    s_banner: Constant<Bits<3>>,
    s_run: Constant<Bits<3>>,
    s_drain: Constant<Bits<3>>,
    s_print: Constant<Bits<3>>,
    s_report: Constant<Bits<3>>,
    s_done: Constant<Bits<3>>,
    // Sequencing.
    state: DFF<Bits<3>>,
    ptr: DFF<Bits<STEP_ADDR_BITS>>,
    run_length: DFF<Bits<8>>,
    drain: DFF<Bit>,
    drain_last: DFF<Bit>,
    pass: DFF<Bit>,
    fail: DFF<Bit>,
    failed_mask: DFF<Bits<PORTS>>,
    failed_step: DFF<Bits<8>>,
    // Stage B: the inputs the unit sees and the outputs it must show.
    b_flags: DFF<Bits<15>>,
    b_csr_addr: DFF<Bits<8>>,
    b_exc_vector: DFF<Bits<8>>,
    b_irq_vector: DFF<Bits<8>>,
    b_data: DFF<Bits<XLEN>>,
    b_error: DFF<Bits<32>>,
    b_check: DFF<Bit>,
    b_start: DFF<Bit>,
    b_step: DFF<Bits<8>>,
    e_small: DFF<Bits<8>>,
    e_rip: DFF<Bits<XLEN>>,
    e_rsp: DFF<Bits<XLEN>>,
    e_gs: DFF<Bits<XLEN>>,
    e_rdata: DFF<Bits<XLEN>>,
    e_info: DFF<Bits<64>>,
    e_edata: DFF<Bits<XLEN>>,
    e_addr: DFF<Bits<XLEN>>,
    e_wdata: DFF<Bits<XLEN>>,
    // Temporaries.
    next_ptr: Signal<Local, Bits<STEP_ADDR_BITS>>,
    in_replay: Signal<Local, Bit>,
}

impl<const XLEN: usize, const PORTS: usize> StepSequencer<XLEN, PORTS> {
    /// The sequencer of `program`, whose ROM words are `image`, printing
    /// `msgs`.
    pub fn new(program: &DemoProgram, image: &DemoImage, msgs: &Messages) -> Self {
        let msg_at = |a: usize| Constant::new((a as u64).into());
        // `encode` checked that every segment fits 8 bits and the ROM.
        let len = |seg: Segment| Constant::new((program.range(seg).len() as u64).into());
        let at = |a: usize| Constant::new((a as u64).into());
        Self {
            clock: Default::default(),
            reset: Default::default(),
            run_press: Default::default(),
            nmi_press: Default::default(),
            irq_press: Default::default(),
            printing: Default::default(),
            miss: Default::default(),
            miss_step: Default::default(),
            unit_reset: Default::default(),
            flags: Default::default(),
            csr_addr: Default::default(),
            exc_vector: Default::default(),
            irq_vector: Default::default(),
            data: Default::default(),
            exc_error: Default::default(),
            check: Default::default(),
            start: Default::default(),
            step: Default::default(),
            expect_small: Default::default(),
            expect_rip: Default::default(),
            expect_rsp: Default::default(),
            expect_gs_base: Default::default(),
            expect_csr_rdata: Default::default(),
            expect_event_info: Default::default(),
            expect_event_data: Default::default(),
            expect_mem_addr: Default::default(),
            expect_mem_wdata: Default::default(),
            print_go: Default::default(),
            print_msg: Default::default(),
            passed: Default::default(),
            failed: Default::default(),
            fail_mask: Default::default(),
            fail_step: Default::default(),
            run_len: Default::default(),
            step_rom: StepRom::new(image),
            main_len: len(Segment::Main),
            nmi_start: at(program.nmi_start),
            nmi_len: len(Segment::Nmi),
            irq_start: at(program.irq_start),
            irq_len: len(Segment::Irq),
            msg_banner: msg_at(msgs.banner),
            msg_nmi: msg_at(msgs.nmi_banner),
            msg_irq: msg_at(msgs.irq_banner),
            msg_hint: msg_at(msgs.hint),
            msg_transition: msg_at(msgs.transition),
            msg_pass: msg_at(msgs.pass),
            msg_fail: msg_at(msgs.fail),
            s_por: Constant::new(0u64.into()),
            s_banner: Constant::new(1u64.into()),
            s_run: Constant::new(2u64.into()),
            s_drain: Constant::new(3u64.into()),
            s_print: Constant::new(4u64.into()),
            s_report: Constant::new(5u64.into()),
            s_done: Constant::new(7u64.into()),
            state: Default::default(),
            ptr: Default::default(),
            run_length: Default::default(),
            drain: Default::default(),
            drain_last: Default::default(),
            pass: Default::default(),
            fail: Default::default(),
            failed_mask: Default::default(),
            failed_step: Default::default(),
            b_flags: Default::default(),
            b_csr_addr: Default::default(),
            b_exc_vector: Default::default(),
            b_irq_vector: Default::default(),
            b_data: Default::default(),
            b_error: Default::default(),
            b_check: Default::default(),
            b_start: Default::default(),
            b_step: Default::default(),
            e_small: Default::default(),
            e_rip: Default::default(),
            e_rsp: Default::default(),
            e_gs: Default::default(),
            e_rdata: Default::default(),
            e_info: Default::default(),
            e_edata: Default::default(),
            e_addr: Default::default(),
            e_wdata: Default::default(),
            next_ptr: Default::default(),
            in_replay: Default::default(),
        }
    }
}

impl<const XLEN: usize, const PORTS: usize> Logic for StepSequencer<XLEN, PORTS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            state,
            ptr,
            run_length,
            drain,
            drain_last,
            pass,
            fail,
            failed_mask,
            failed_step,
            b_flags,
            b_csr_addr,
            b_exc_vector,
            b_irq_vector,
            b_data,
            b_error,
            b_check,
            b_start,
            b_step,
            e_small,
            e_rip,
            e_rsp,
            e_gs,
            e_rdata,
            e_info,
            e_edata,
            e_addr,
            e_wdata
        );
        self.step_rom.clock.next = self.clock.val();

        // Stage B gets idle inputs unless a step is replayed.
        self.b_flags.d.next = 0.into();
        self.b_csr_addr.d.next = 0.into();
        self.b_exc_vector.d.next = 0.into();
        self.b_irq_vector.d.next = 0.into();
        self.b_data.d.next = 0.into();
        self.b_error.d.next = 0.into();
        self.b_check.d.next = false;
        self.b_start.d.next = false;
        self.b_step.d.next = self.ptr.q.val();

        self.next_ptr.next = self.ptr.q.val();
        self.print_go.next = false;
        self.print_msg.next = self.msg_banner.val();
        if self.state.q.val() == self.s_por.val() {
            self.state.d.next = self.s_banner.val();
            self.print_go.next = true;
            self.next_ptr.next = 0.into();
            self.run_length.d.next = self.main_len.val();
        } else if self.state.q.val() == self.s_banner.val() {
            if !self.printing.val() {
                self.state.d.next = self.s_run.val();
            }
        } else if self.state.q.val() == self.s_run.val() {
            self.b_flags.d.next = self.step_rom.flags.val();
            self.b_csr_addr.d.next = self.step_rom.csr_addr.val();
            self.b_exc_vector.d.next = self.step_rom.exc_vector.val();
            self.b_irq_vector.d.next = self.step_rom.irq_vector.val();
            self.b_data.d.next = self.step_rom.data.val();
            self.b_error.d.next = self.step_rom.exc_error.val();
            self.b_check.d.next = self.step_rom.check.val();
            self.b_start.d.next = self.step_rom.start.val();
            self.e_small.d.next = self.step_rom.expect_small.val();
            self.e_rip.d.next = self.step_rom.expect_rip.val();
            self.e_rsp.d.next = self.step_rom.expect_rsp.val();
            self.e_gs.d.next = self.step_rom.expect_gs_base.val();
            self.e_rdata.d.next = self.step_rom.expect_csr_rdata.val();
            self.e_info.d.next = self.step_rom.expect_event_info.val();
            self.e_edata.d.next = self.step_rom.expect_event_data.val();
            self.e_addr.d.next = self.step_rom.expect_mem_addr.val();
            self.e_wdata.d.next = self.step_rom.expect_mem_wdata.val();
            self.next_ptr.next = self.ptr.q.val() + 1;
            if self.step_rom.print.val() | self.step_rom.last.val() {
                self.state.d.next = self.s_drain.val();
                self.drain.d.next = false;
                self.drain_last.d.next = self.step_rom.last.val();
            }
        } else if self.state.q.val() == self.s_drain.val() {
            // Two cycles: the last step's outputs are compared, then registered.
            self.drain.d.next = true;
            if self.drain.q.val() {
                self.print_go.next = true;
                if self.drain_last.q.val() {
                    self.state.d.next = self.s_report.val();
                    self.print_msg.next = self.msg_pass.val();
                    self.pass.d.next = true;
                } else {
                    self.state.d.next = self.s_print.val();
                    self.print_msg.next = self.msg_transition.val();
                }
            }
        } else if self.state.q.val() == self.s_print.val() {
            if !self.printing.val() {
                self.state.d.next = self.s_run.val();
            }
        } else if self.state.q.val() == self.s_report.val() {
            if !self.printing.val() {
                self.state.d.next = self.s_done.val();
            }
        } else if self.run_press.val() {
            // Done: the run button replays the main sequence.
            self.state.d.next = self.s_banner.val();
            self.print_go.next = true;
            self.next_ptr.next = 0.into();
            self.run_length.d.next = self.main_len.val();
            self.pass.d.next = false;
            self.fail.d.next = false;
        } else if self.nmi_press.val() | self.irq_press.val() {
            // Done: an inject button replays its segment if the unit is at
            // the rest state (the last run passed), else says what to do.
            self.print_go.next = true;
            if self.pass.q.val() {
                self.state.d.next = self.s_banner.val();
                self.pass.d.next = false;
                if self.nmi_press.val() {
                    self.print_msg.next = self.msg_nmi.val();
                    self.next_ptr.next = self.nmi_start.val();
                    self.run_length.d.next = self.nmi_len.val();
                } else {
                    self.print_msg.next = self.msg_irq.val();
                    self.next_ptr.next = self.irq_start.val();
                    self.run_length.d.next = self.irq_len.val();
                }
            } else {
                self.state.d.next = self.s_report.val();
                self.print_msg.next = self.msg_hint.val();
            }
        }
        // A mismatch stops the replay wherever it is.
        self.in_replay.next =
            (self.state.q.val() == self.s_run.val()) | (self.state.q.val() == self.s_drain.val());
        if self.in_replay.val() & self.miss.val().any() {
            self.state.d.next = self.s_report.val();
            self.print_go.next = true;
            self.print_msg.next = self.msg_fail.val();
            self.fail.d.next = true;
            self.pass.d.next = false;
            self.failed_mask.d.next = self.miss.val();
            self.failed_step.d.next = self.miss_step.val();
            self.next_ptr.next = self.ptr.q.val();
            self.b_flags.d.next = 0.into();
            self.b_csr_addr.d.next = 0.into();
            self.b_exc_vector.d.next = 0.into();
            self.b_irq_vector.d.next = 0.into();
            self.b_data.d.next = 0.into();
            self.b_error.d.next = 0.into();
            self.b_check.d.next = false;
            self.b_start.d.next = false;
        }
        // Power-on reset: every control register to its idle value.
        if self.reset.val() {
            self.state.d.next = self.s_por.val();
            self.print_go.next = false;
            self.pass.d.next = false;
            self.fail.d.next = false;
        }
        self.ptr.d.next = self.next_ptr.val();
        self.step_rom.address.next = self.next_ptr.val();

        // Stage B's registers drive the unit and the checker.
        self.unit_reset.next =
            self.b_flags.q.val().get_bit(0) | (self.state.q.val() == self.s_por.val());
        self.flags.next = self.b_flags.q.val();
        self.csr_addr.next = self.b_csr_addr.q.val();
        self.exc_vector.next = self.b_exc_vector.q.val();
        self.irq_vector.next = self.b_irq_vector.q.val();
        self.data.next = self.b_data.q.val();
        self.exc_error.next = self.b_error.q.val();
        self.check.next = self.b_check.q.val();
        self.start.next = self.b_start.q.val();
        self.step.next = self.b_step.q.val();
        self.expect_small.next = self.e_small.q.val();
        self.expect_rip.next = self.e_rip.q.val();
        self.expect_rsp.next = self.e_rsp.q.val();
        self.expect_gs_base.next = self.e_gs.q.val();
        self.expect_csr_rdata.next = self.e_rdata.q.val();
        self.expect_event_info.next = self.e_info.q.val();
        self.expect_event_data.next = self.e_edata.q.val();
        self.expect_mem_addr.next = self.e_addr.q.val();
        self.expect_mem_wdata.next = self.e_wdata.q.val();
        self.passed.next = self.pass.q.val();
        self.failed.next = self.fail.q.val();
        self.fail_mask.next = self.failed_mask.q.val();
        self.fail_step.next = self.failed_step.q.val();
        self.run_len.next = self.run_length.q.val();
    }
}
