//! `BoardDemo`: the top of the FPGA board demo, emitted as module
//! `ptu_demo`. The 64-bit unit cannot reach a board's pins, so the demo
//! wraps it with a driver that replays a fixed sequence of cycles from ROM
//! and checks every output of the unit in every cycle against the value
//! the reference model predicted (see [`crate::demo_program`] for the ROM
//! words; the steps come from [`crate::sequence`]).
//!
//! What it does, from power-on:
//!
//! 1. **Power-on reset.** A counter ([`PowerOnReset`], the only register
//!    with an initial value: 0, which iCE40 and ECP5 flip-flops have after
//!    configuration) resets the demo's control registers, the UART and
//!    the unit for `por_cycles`. Nothing else relies on initial values, so
//!    the emitted Verilog simulates without `x` (tested under Icarus).
//! 2. **Banner** on the UART (115200 8N1 on the board's USB serial pins).
//! 3. **Replay** of the main sequence (later of a segment, see
//!    [Buttons](#buttons)), one step per clock from the [`StepRom`]: the
//!    step's inputs go to the unit through a register stage, the
//!    [`OutputChecker`] compares the expected outputs one cycle later and
//!    registers the per-port mismatches and, if any, the replay stops and
//!    prints `FAIL at step 0xNN: mismatch on <ports>`.
//! 4. **Transitions.** A step marked `print` pauses the replay (the unit
//!    gets idle inputs; the steps are chosen so that its state does not
//!    change) and prints the transition: its kind (from EVENT_INFO and
//!    whether the core presented ERET), vector, the new CPL, RIP and RSP,
//!    and the cycles it took, counted in hardware ([`TransitionTimer`])
//!    from the step marked `start` to `redirect`. The
//!    [`MessagePrinter`] prints every line.
//! 5. **Result.** After the last step of the segment, `PASS: ...` with
//!    the number of steps replayed; the pass or fail LED lights.
//!
//! LEDs (`led`, after `led_invert`): 0 pass, 1 fail, 2 CPL is user, 3 the
//! unit was busy in the last `busy_led_cycles` ([`BusyLed`]), 4 shutdown.
//!
//! The clock is the board's, or an iCE40 PLL's output ([`ClockGen`]) for
//! boards whose clock is faster than the unit (the Alchitry Cu).
//!
//! ## Buttons
//!
//! Three buttons, each through its own [`Debouncer`] (synchroniser,
//! debounce counter, one pulse per press). They are only looked at when
//! the demo is done (the last line printed): presses during a replay,
//! including the first one after power-on, are ignored.
//!
//! * **Run** (`button`): replays the main sequence from reset, from any
//!   done state.
//! * **NMI** (`nmi_button`) and **IRQ** (`irq_button`): inject an NMI or
//!   an interrupt into the unit at rest. The main sequence ends at a *rest
//!   state*: the kernel's idle loop, CPL 0, STATUS.if = 1. Both events are
//!   then *framed* entries (the NMI on the critical stack, the interrupt
//!   on the kernel stack), and a framed ERET restores RIP, RSP, STATUS,
//!   EVENT_INFO and EVENT_DATA, so the unit comes back to exactly the rest
//!   state. (From user mode an interrupt would be an unframed entry whose
//!   ERET leaves EVENT_INFO changed, which is why the rest state is in the
//!   kernel.) The step ROM holds, after the main sequence, an NMI segment
//!   and an IRQ segment recorded from the model at the rest state, each
//!   checked by the model to end in the rest state again
//!   ([`crate::demo_program`], [`crate::sequence`]). So after a run that
//!   PASSED, an inject press replays its segment: a banner line (`NMI
//!   button: ...` or `IRQ button: ...`), the entry and the ERET as usual,
//!   and `PASS` with the segment's own length (the `run_len` register), or
//!   `FAIL` as usual; the LEDs behave as for the main run. Segments can be
//!   replayed any number of times, in any order. After a run that failed
//!   the unit's state is unknown: an inject press prints one line asking
//!   for the run button and replays nothing.

use crate::busy_led::BusyLed;
use crate::clock_gen::ClockGen;
use crate::constant::constant;
use crate::debouncer::Debouncer;
use crate::demo_program::{self, Corruption, DemoProgram, Segment, MSG_ADDR_BITS, STEP_ADDR_BITS};
use crate::message_printer::MessagePrinter;
use crate::output_checker::OutputChecker;
use crate::power_on_reset::PowerOnReset;
use crate::step_rom::StepRom;
use crate::transition_timer::TransitionTimer;
use crate::uart_tx;
use anyhow::{anyhow, Result};
use ptu_arch::PtuConfig;
use ptu_rtl::Ptu;
use ptu_synth::boards::Ice40Pll;
use rust_hdl::prelude::*;

/// Name of the emitted top module.
pub const TOP: &str = "ptu_demo";
/// Number of LEDs the demo drives.
pub const LEDS: usize = 5;
/// LED bit: every output matched.
pub const LED_PASS: usize = 0;
/// LED bit: a mismatch stopped the replay.
pub const LED_FAIL: usize = 1;
/// LED bit: the unit is at CPL 3.
pub const LED_USER: usize = 2;
/// LED bit: the unit was busy recently (stretched so it can be seen).
pub const LED_BUSY: usize = 3;
/// LED bit: the unit is shut down.
pub const LED_SHUTDOWN: usize = 4;

/// How the demo is built for a board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoOptions {
    /// Frequency of `clock`, in Hz.
    pub clock_hz: u64,
    /// UART baud rate (115200 on the boards).
    pub baud: u64,
    /// Cycles the unit is held in reset after configuration.
    pub por_cycles: u64,
    /// Cycles the button must be stable to count (debounce).
    pub debounce_cycles: u64,
    /// Cycles the busy LED stays on after the unit was busy.
    pub busy_led_cycles: u64,
    /// LEDs that light when their pin is low (bit `i` for `led[i]`).
    pub led_active_low: u8,
    /// The run button's pin is low when pressed.
    pub button_active_low: bool,
    /// The NMI button's pin is low when pressed.
    pub nmi_active_low: bool,
    /// The IRQ button's pin is low when pressed.
    pub irq_active_low: bool,
    /// Make one expected value wrong, to see the demo fail.
    pub corrupt: Option<Corruption>,
    /// Run the demo from an iCE40 PLL instead of the board clock; then
    /// `clock_hz` is the PLL's output.
    pub pll: Option<Ice40Pll>,
}

impl DemoOptions {
    /// Options for a board with a `clock_hz` clock: 115200 baud, 1 ms
    /// power-on reset, 10 ms debounce, 100 ms busy LED, active-high LEDs
    /// and buttons, nothing corrupted.
    pub fn new(clock_hz: u64) -> Self {
        Self {
            clock_hz,
            baud: 115_200,
            por_cycles: clock_hz / 1000,
            debounce_cycles: clock_hz / 100,
            busy_led_cycles: clock_hz / 10,
            led_active_low: 0,
            button_active_low: false,
            nmi_active_low: false,
            irq_active_low: false,
            corrupt: None,
            pll: None,
        }
    }
}

/// The board demo top (see the module documentation). Its own logic is
/// the step sequencer: the state machine that replays a segment, pauses
/// to print, and reports; the register stage between the step ROM and
/// the unit; and the LEDs.
#[derive(LogicBlock)]
pub struct BoardDemo {
    /// The board clock.
    pub clock: Signal<In, Clock>,
    /// Run button: replays the main sequence (polarity set by
    /// `button_active_low`).
    pub button: Signal<In, Bit>,
    /// NMI button: after a run that passed, replays the NMI segment
    /// (polarity set by `nmi_active_low`).
    pub nmi_button: Signal<In, Bit>,
    /// IRQ button: after a run that passed, replays the IRQ segment
    /// (polarity set by `irq_active_low`).
    pub irq_button: Signal<In, Bit>,
    /// UART transmit line, 8N1.
    pub tx: Signal<Out, Bit>,
    /// LEDs: pass, fail, user, busy, shutdown.
    pub led: Signal<Out, Bits<LEDS>>,
    clock_gen: ClockGen,
    power_on: PowerOnReset,
    ptu: Ptu,
    step_rom: StepRom,
    checker: OutputChecker,
    timer: TransitionTimer,
    printer: MessagePrinter,
    busy_led: BusyLed,
    run_btn: Debouncer,
    nmi_btn: Debouncer,
    irq_btn: Debouncer,
    // Configuration.
    led_invert: Constant<Bits<LEDS>>,
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
    // Demo states.
    s_por: Constant<Bits<3>>,
    s_banner: Constant<Bits<3>>,
    s_run: Constant<Bits<3>>,
    s_drain: Constant<Bits<3>>,
    s_print: Constant<Bits<3>>,
    s_report: Constant<Bits<3>>,
    s_done: Constant<Bits<3>>,
    // Event types (for the transition's name).
    type_irq: Constant<Bits<3>>,
    type_nmi: Constant<Bits<3>>,
    type_exception: Constant<Bits<3>>,
    type_syscall: Constant<Bits<3>>,
    // Sequencing.
    state: DFF<Bits<3>>,
    ptr: DFF<Bits<STEP_ADDR_BITS>>,
    run_len: DFF<Bits<8>>,
    drain: DFF<Bit>,
    drain_last: DFF<Bit>,
    passed: DFF<Bit>,
    failed: DFF<Bit>,
    fail_mask: DFF<Bits<15>>,
    fail_step: DFF<Bits<8>>,
    // Stage B: the inputs the unit sees and the outputs it must show.
    b_flags: DFF<Bits<15>>,
    b_csr_addr: DFF<Bits<8>>,
    b_exc_vector: DFF<Bits<8>>,
    b_irq_vector: DFF<Bits<8>>,
    b_data: DFF<Bits<64>>,
    b_error: DFF<Bits<32>>,
    b_check: DFF<Bit>,
    b_start: DFF<Bit>,
    b_step: DFF<Bits<8>>,
    e_small: DFF<Bits<8>>,
    e_rip: DFF<Bits<64>>,
    e_rsp: DFF<Bits<64>>,
    e_gs: DFF<Bits<64>>,
    e_rdata: DFF<Bits<64>>,
    e_info: DFF<Bits<64>>,
    e_edata: DFF<Bits<64>>,
    e_addr: DFF<Bits<64>>,
    e_wdata: DFF<Bits<64>>,
    // Temporaries.
    clk: Signal<Local, Clock>,
    next_ptr: Signal<Local, Bits<STEP_ADDR_BITS>>,
    p_go: Signal<Local, Bit>,
    p_msg: Signal<Local, Bits<MSG_ADDR_BITS>>,
    ev_type: Signal<Local, Bits<3>>,
    entry: Signal<Local, Bit>,
    in_replay: Signal<Local, Bit>,
}

impl BoardDemo {
    /// The demo for unit configuration `cfg`, replaying `program` (made by
    /// [`crate::sequence`] from the reference model), built for `opts`.
    pub fn new(cfg: &PtuConfig, program: &DemoProgram, opts: &DemoOptions) -> Result<Self> {
        let image = demo_program::encode(program, opts.corrupt.as_ref())?;
        let msgs = demo_program::messages()?;
        let cycles_per_bit = uart_tx::divisor(opts.clock_hz, opts.baud)?;
        let msg_at = |a: usize| Constant::new((a as u64).into());
        // `encode` checked that every segment fits 8 bits and the ROM.
        let len = |seg: Segment| Constant::new((program.range(seg).len() as u64).into());
        let at = |a: usize| Constant::new((a as u64).into());
        let button =
            |active_low| Debouncer::new("debounce_cycles", active_low, opts.debounce_cycles);
        Ok(Self {
            clock: Default::default(),
            button: Default::default(),
            nmi_button: Default::default(),
            irq_button: Default::default(),
            tx: Default::default(),
            led: Default::default(),
            clock_gen: ClockGen::new(opts.pll),
            power_on: PowerOnReset::new(opts.por_cycles)?,
            ptu: Ptu::new(cfg)?,
            step_rom: StepRom::new(&image),
            checker: Default::default(),
            timer: Default::default(),
            printer: MessagePrinter::new(&msgs, cycles_per_bit),
            busy_led: BusyLed::new(opts.busy_led_cycles)?,
            run_btn: button(opts.button_active_low)?,
            nmi_btn: button(opts.nmi_active_low)?,
            irq_btn: button(opts.irq_active_low)?,
            led_invert: constant("led_active_low", opts.led_active_low as u64)?,
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
            type_irq: Constant::new((ptu_arch::event_type::EXTERNAL_INTERRUPT as u64).into()),
            type_nmi: Constant::new((ptu_arch::event_type::NMI as u64).into()),
            type_exception: Constant::new((ptu_arch::event_type::HARDWARE_EXCEPTION as u64).into()),
            type_syscall: Constant::new((ptu_arch::event_type::OTHER as u64).into()),
            state: Default::default(),
            ptr: Default::default(),
            run_len: Default::default(),
            drain: Default::default(),
            drain_last: Default::default(),
            passed: Default::default(),
            failed: Default::default(),
            fail_mask: Default::default(),
            fail_step: Default::default(),
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
            clk: Default::default(),
            next_ptr: Default::default(),
            p_go: Default::default(),
            p_msg: Default::default(),
            ev_type: Default::default(),
            entry: Default::default(),
            in_replay: Default::default(),
        })
    }
}

impl Logic for BoardDemo {
    #[hdl_gen]
    fn update(&mut self) {
        self.clock_gen.clock_in.next = self.clock.val();
        self.clk.next = self.clock_gen.clock_out.val();
        dff_setup!(
            self,
            clk,
            state,
            ptr,
            run_len,
            drain,
            drain_last,
            passed,
            failed,
            fail_mask,
            fail_step,
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
        self.power_on.clock.next = self.clk.val();
        self.ptu.clock.next = self.clk.val();
        self.step_rom.clock.next = self.clk.val();
        self.checker.clock.next = self.clk.val();
        self.timer.clock.next = self.clk.val();
        self.printer.clock.next = self.clk.val();
        self.busy_led.clock.next = self.clk.val();
        self.run_btn.clock.next = self.clk.val();
        self.nmi_btn.clock.next = self.clk.val();
        self.irq_btn.clock.next = self.clk.val();
        self.timer.reset.next = self.power_on.reset.val();
        self.printer.reset.next = self.power_on.reset.val();
        self.busy_led.reset.next = self.power_on.reset.val();
        self.run_btn.reset.next = self.power_on.reset.val();
        self.nmi_btn.reset.next = self.power_on.reset.val();
        self.irq_btn.reset.next = self.power_on.reset.val();
        self.run_btn.pin.next = self.button.val();
        self.nmi_btn.pin.next = self.nmi_button.val();
        self.irq_btn.pin.next = self.irq_button.val();

        // ---- Stage B gets idle inputs unless a step is replayed.
        self.b_flags.d.next = 0.into();
        self.b_csr_addr.d.next = 0.into();
        self.b_exc_vector.d.next = 0.into();
        self.b_irq_vector.d.next = 0.into();
        self.b_data.d.next = 0.into();
        self.b_error.d.next = 0.into();
        self.b_check.d.next = false;
        self.b_start.d.next = false;
        self.b_step.d.next = self.ptr.q.val();

        // ---- The unit, driven from stage B.
        self.ptu.reset.next =
            self.b_flags.q.val().get_bit(0) | (self.state.q.val() == self.s_por.val());
        self.ptu.retire.next = self.b_flags.q.val().get_bit(1);
        self.ptu.rsp_we.next = self.b_flags.q.val().get_bit(2);
        self.ptu.gs_we.next = self.b_flags.q.val().get_bit(3);
        self.ptu.op_syscall.next = self.b_flags.q.val().get_bit(4);
        self.ptu.op_eret.next = self.b_flags.q.val().get_bit(5);
        self.ptu.csr_re.next = self.b_flags.q.val().get_bit(6);
        self.ptu.csr_we.next = self.b_flags.q.val().get_bit(7);
        self.ptu.exc_valid.next = self.b_flags.q.val().get_bit(8);
        self.ptu.exc_error_valid.next = self.b_flags.q.val().get_bit(9);
        self.ptu.irq.next = self.b_flags.q.val().get_bit(10);
        self.ptu.nmi.next = self.b_flags.q.val().get_bit(11);
        self.ptu.mce.next = self.b_flags.q.val().get_bit(12);
        self.ptu.mem_ready.next = self.b_flags.q.val().get_bit(13);
        self.ptu.mem_err.next = self.b_flags.q.val().get_bit(14);
        self.ptu.csr_addr.next = self.b_csr_addr.q.val();
        self.ptu.exc_vector.next = self.b_exc_vector.q.val();
        self.ptu.irq_vector.next = self.b_irq_vector.q.val();
        self.ptu.exc_error.next = self.b_error.q.val();
        self.ptu.next_rip.next = self.b_data.q.val();
        self.ptu.rsp_wdata.next = self.b_data.q.val();
        self.ptu.gs_wdata.next = self.b_data.q.val();
        self.ptu.csr_wdata.next = self.b_data.q.val();
        self.ptu.exc_data.next = self.b_data.q.val();
        self.ptu.mem_rdata.next = self.b_data.q.val();

        // ---- Stage B -> C: every output against the expected one.
        self.checker.check.next = self.b_check.q.val();
        self.checker.step.next = self.b_step.q.val();
        self.checker.cpl.next = self.ptu.cpl.val();
        self.checker.rip.next = self.ptu.rip.val();
        self.checker.rsp.next = self.ptu.rsp.val();
        self.checker.gs_base.next = self.ptu.gs_base.val();
        self.checker.csr_rdata.next = self.ptu.csr_rdata.val();
        self.checker.irq_ack.next = self.ptu.irq_ack.val();
        self.checker.redirect.next = self.ptu.redirect.val();
        self.checker.busy.next = self.ptu.busy.val();
        self.checker.event_info.next = self.ptu.event_info.val();
        self.checker.event_data.next = self.ptu.event_data.val();
        self.checker.mem_valid.next = self.ptu.mem_valid.val();
        self.checker.mem_we.next = self.ptu.mem_we.val();
        self.checker.mem_addr.next = self.ptu.mem_addr.val();
        self.checker.mem_wdata.next = self.ptu.mem_wdata.val();
        self.checker.shutdown.next = self.ptu.shutdown.val();
        self.checker.expect_small.next = self.e_small.q.val();
        self.checker.expect_rip.next = self.e_rip.q.val();
        self.checker.expect_rsp.next = self.e_rsp.q.val();
        self.checker.expect_gs_base.next = self.e_gs.q.val();
        self.checker.expect_csr_rdata.next = self.e_rdata.q.val();
        self.checker.expect_event_info.next = self.e_info.q.val();
        self.checker.expect_event_data.next = self.e_edata.q.val();
        self.checker.expect_mem_addr.next = self.e_addr.q.val();
        self.checker.expect_mem_wdata.next = self.e_wdata.q.val();

        // ---- Cycle count of the transition (from its `start` step to `redirect`).
        self.timer.start.next = self.b_start.q.val();
        self.timer.start_eret.next = self.b_flags.q.val().get_bit(5);
        self.timer.redirect.next = self.ptu.redirect.val();

        // ---- Sequencing.
        self.next_ptr.next = self.ptr.q.val();
        self.p_go.next = false;
        self.p_msg.next = self.msg_banner.val();
        if self.state.q.val() == self.s_por.val() {
            self.state.d.next = self.s_banner.val();
            self.p_go.next = true;
            self.next_ptr.next = 0.into();
            self.run_len.d.next = self.main_len.val();
        } else if self.state.q.val() == self.s_banner.val() {
            if !self.printer.busy.val() {
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
                self.p_go.next = true;
                if self.drain_last.q.val() {
                    self.state.d.next = self.s_report.val();
                    self.p_msg.next = self.msg_pass.val();
                    self.passed.d.next = true;
                } else {
                    self.state.d.next = self.s_print.val();
                    self.p_msg.next = self.msg_transition.val();
                }
            }
        } else if self.state.q.val() == self.s_print.val() {
            if !self.printer.busy.val() {
                self.state.d.next = self.s_run.val();
            }
        } else if self.state.q.val() == self.s_report.val() {
            if !self.printer.busy.val() {
                self.state.d.next = self.s_done.val();
            }
        } else if self.run_btn.press.val() {
            // Done: the run button replays the main sequence.
            self.state.d.next = self.s_banner.val();
            self.p_go.next = true;
            self.next_ptr.next = 0.into();
            self.run_len.d.next = self.main_len.val();
            self.passed.d.next = false;
            self.failed.d.next = false;
        } else if self.nmi_btn.press.val() | self.irq_btn.press.val() {
            // Done: an inject button replays its segment if the unit is at
            // the rest state (the last run passed), else says what to do.
            self.p_go.next = true;
            if self.passed.q.val() {
                self.state.d.next = self.s_banner.val();
                self.passed.d.next = false;
                if self.nmi_btn.press.val() {
                    self.p_msg.next = self.msg_nmi.val();
                    self.next_ptr.next = self.nmi_start.val();
                    self.run_len.d.next = self.nmi_len.val();
                } else {
                    self.p_msg.next = self.msg_irq.val();
                    self.next_ptr.next = self.irq_start.val();
                    self.run_len.d.next = self.irq_len.val();
                }
            } else {
                self.state.d.next = self.s_report.val();
                self.p_msg.next = self.msg_hint.val();
            }
        }
        // A mismatch stops the replay wherever it is.
        self.in_replay.next =
            (self.state.q.val() == self.s_run.val()) | (self.state.q.val() == self.s_drain.val());
        if self.in_replay.val() & self.checker.miss.val().any() {
            self.state.d.next = self.s_report.val();
            self.p_go.next = true;
            self.p_msg.next = self.msg_fail.val();
            self.failed.d.next = true;
            self.passed.d.next = false;
            self.fail_mask.d.next = self.checker.miss.val();
            self.fail_step.d.next = self.checker.miss_step.val();
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
        if self.power_on.reset.val() {
            self.state.d.next = self.s_por.val();
            self.p_go.next = false;
            self.passed.d.next = false;
            self.failed.d.next = false;
        }
        self.ptr.d.next = self.next_ptr.val();
        self.step_rom.address.next = self.next_ptr.val();

        // ---- What the printer prints.
        self.ev_type.next = self.ptu.event_info.val().get_bits::<3>(0);
        self.entry.next = !self.timer.eret.val();
        self.printer.go.next = self.p_go.val();
        self.printer.msg.next = self.p_msg.val();
        self.printer.cond.next = bit_cast::<32, 15>(self.fail_mask.q.val())
            | (bit_cast::<32, 1>(self.timer.eret.val().into()) << 16)
            | (bit_cast::<32, 1>(
                (self.entry.val() & (self.ev_type.val() == self.type_syscall.val())).into(),
            ) << 17)
            | (bit_cast::<32, 1>(
                (self.entry.val() & (self.ev_type.val() == self.type_irq.val())).into(),
            ) << 18)
            | (bit_cast::<32, 1>(
                (self.entry.val() & (self.ev_type.val() == self.type_nmi.val())).into(),
            ) << 19)
            | (bit_cast::<32, 1>(
                (self.entry.val() & (self.ev_type.val() == self.type_exception.val())).into(),
            ) << 20)
            | (bit_cast::<32, 1>(self.entry.val().into()) << 21);
        self.printer.rip.next = self.ptu.rip.val();
        self.printer.rsp.next = self.ptu.rsp.val();
        self.printer.cycles.next = self.timer.cycles.val();
        self.printer.vector.next = self.ptu.event_info.val().get_bits::<8>(8);
        self.printer.cpl.next = self.ptu.cpl.val();
        self.printer.step.next = self.fail_step.q.val();
        self.printer.steps.next = self.run_len.q.val();
        self.printer.ty.next = self.ev_type.val();
        self.tx.next = self.printer.tx.val();

        // ---- LEDs.
        self.busy_led.busy.next = self.ptu.busy.val();
        self.led.next = (bit_cast::<5, 1>(self.passed.q.val().into())
            | (bit_cast::<5, 1>(self.failed.q.val().into()) << 1)
            | (bit_cast::<5, 1>((self.ptu.cpl.val() == 3).into()) << 2)
            | (bit_cast::<5, 1>(self.busy_led.lit.val().into()) << 3)
            | (bit_cast::<5, 1>(self.ptu.shutdown.val().into()) << 4))
            ^ self.led_invert.val();
    }
}

/// The Verilog of the demo, module [`TOP`], tidied like `ptu.v`.
pub fn emit(cfg: &PtuConfig, program: &DemoProgram, opts: &DemoOptions) -> Result<String> {
    let mut demo = BoardDemo::new(cfg, program, opts)?;
    demo.connect_all();
    check_all(&demo)
        .map_err(|e| anyhow!("rust-hdl design check of the board demo failed: {e:?}"))?;
    let raw = generate_verilog(&demo);
    let header = format!(
        "// {TOP}.v: the ptu board demo (demo/src/board_demo.rs), module `{TOP}`.\n\
         // Generated by ptu {} (rust-hdl 0.46.0) with `ptu build`; do not edit.\n\
         // Unit configuration: {}; {} steps (main {}, NMI {}, IRQ {}); clock {} Hz{}; UART {} baud{}.\n",
        env!("CARGO_PKG_VERSION"),
        cfg.describe(),
        program.steps.len(),
        program.range(Segment::Main).len(),
        program.range(Segment::Nmi).len(),
        program.range(Segment::Irq).len(),
        opts.clock_hz,
        match &opts.pll {
            Some(p) => format!(
                " (iCE40 PLL: DIVR {} DIVF {} DIVQ {} FILTER_RANGE {})",
                p.divr, p.divf, p.divq, p.filter_range
            ),
            None => String::new(),
        },
        opts.baud,
        match &opts.corrupt {
            Some(c) => format!("; CORRUPTED: {} at step {}", c.port, c.step),
            None => String::new(),
        }
    );
    ptu_rtl::emit::tidy(&raw, TOP, &header)
}
