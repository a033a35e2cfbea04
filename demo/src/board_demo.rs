//! `BoardDemo`: the top of the FPGA board demo, emitted as module
//! `ptu_demo`. The unit's ports cannot reach a board's pins, so the demo
//! wraps it with a driver that replays a fixed sequence of cycles from ROM
//! and checks every output of the unit in every cycle against the value
//! the reference model predicted (see [`crate::demo_program`] for the ROM
//! words; the steps come from [`crate::sequence`]).
//!
//! The demo follows the unit's configuration: [`BoardDemo<XLEN>`] holds
//! `Ptu<XLEN>` (64 bits, or 32 for `ice40-small-32`; the step ROM's
//! dictionaries, the stage registers and the checker are XLEN bits wide),
//! and [`BoardDemoFs<XLEN>`] holds `PtuFs<XLEN>` (option `fs_bank`) with
//! [`FsSteps`], which drives `fs_we` and `fs_wdata` and compares
//! `fs_base`, the sixteenth port. Both are written once, by the macro
//! `demo_top!`; [`build`] picks the one for a configuration. Without
//! `fs_bank` and with XLEN 64 the top is exactly the demo of the unit
//! without options.
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
//!    [Buttons](#buttons)), one step per clock: the [`StepSequencer`]
//!    reads the step from its ROM and presents the step's inputs to the
//!    unit through a register stage, the
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
use crate::demo_program::{self, Corruption, DemoProgram, Segment};
use crate::fs_steps::FsSteps;
use crate::message_printer::MessagePrinter;
use crate::output_checker::OutputChecker;
use crate::power_on_reset::PowerOnReset;
use crate::step_sequencer::StepSequencer;
use crate::transition_timer::TransitionTimer;
use crate::uart_tx;
use anyhow::{anyhow, bail, Result};
use ptu_arch::PtuConfig;
use ptu_rtl::{Ptu, PtuFs};
use ptu_synth::boards::Ice40Pll;
use rust_hdl::prelude::*;

/// Name of the emitted top module.
pub const TOP: &str = "ptu_demo";
/// Waivers for `verilator --lint-only -Wall` on the emitted demo, each
/// with its reason (`demo/ptu_demo.vlt`).
pub const WAIVERS: &str = include_str!("../ptu_demo.vlt");
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

/// A demo top for one top of the unit: the struct (its blocks and the
/// wires between them, the transition's name for the printer, and the
/// LEDs), its constructor, its `update` and its [`DemoTop`] impl. `$unit`
/// is the unit's top, `$ports` the ports compared (the width of the
/// mismatch mask); the optional part, `fs: fs_steps`, adds the FS ports'
/// block ([`FsSteps`]) for the unit with option `fs_bank`; `miss` is the
/// mismatch mask the sequencer gets (the checker's, or with `fs_bank`
/// the FS block's, which adds `fs_base`'s bit). Like `ptu_top!` in the
/// RTL, the macro body reads as the plain struct and `impl`s.
macro_rules! demo_top {
    (
        $(#[$doc:meta])*
        $name:ident, $unit:ident, ports = $ports:tt $(, fs: $fs_steps:ident)?;
        miss: $miss_block:ident . $miss_port:ident
    ) => {
$(#[$doc])*
#[derive(LogicBlock)]
pub struct $name<const XLEN: usize = 64> {
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
    ptu: $unit<XLEN>,
    sequencer: StepSequencer<XLEN, $ports>,
    checker: OutputChecker<XLEN>,
    timer: TransitionTimer,
    printer: MessagePrinter<XLEN>,
    busy_led: BusyLed,
    run_btn: Debouncer,
    nmi_btn: Debouncer,
    irq_btn: Debouncer,
    $(
    /// The FS ports' steps and comparator (option `fs_bank`).
    $fs_steps: FsSteps<XLEN>,
    )?
    led_invert: Constant<Bits<LEDS>>,
    // Event types (for the transition's name).
    type_irq: Constant<Bits<3>>,
    type_nmi: Constant<Bits<3>>,
    type_exception: Constant<Bits<3>>,
    type_syscall: Constant<Bits<3>>,
    // Temporaries.
    clk: Signal<Local, Clock>,
    ev_type: Signal<Local, Bits<3>>,
    entry: Signal<Local, Bit>,
}

impl<const XLEN: usize> $name<XLEN> {
    /// The demo for unit configuration `cfg`, replaying `program` (made by
    /// [`crate::sequence`] from the reference model for `cfg`), built for
    /// `opts`; fails if `cfg` is not this top's (XLEN, `fs_bank`).
    pub fn new(cfg: &PtuConfig, program: &DemoProgram, opts: &DemoOptions) -> Result<Self> {
        if program.config != *cfg {
            bail!(
                "the demo program was recorded for configuration {}, but the demo is built for {}: \
                 record it with sequence::builtin for the same configuration",
                program.config.describe(),
                cfg.describe()
            );
        }
        let image = demo_program::encode(program, opts.corrupt.as_ref())?;
        let msgs = demo_program::messages(cfg)?;
        let cycles_per_bit = uart_tx::divisor(opts.clock_hz, opts.baud)?;
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
            ptu: $unit::for_config(cfg)?,
            sequencer: StepSequencer::new(program, &image, &msgs),
            checker: Default::default(),
            timer: Default::default(),
            printer: MessagePrinter::new(&msgs, cycles_per_bit),
            busy_led: BusyLed::new(opts.busy_led_cycles)?,
            run_btn: button(opts.button_active_low)?,
            nmi_btn: button(opts.nmi_active_low)?,
            irq_btn: button(opts.irq_active_low)?,
            $($fs_steps: FsSteps::new(&image),)?
            led_invert: constant("led_active_low", opts.led_active_low as u64)?,
            type_irq: Constant::new((ptu_arch::event_type::EXTERNAL_INTERRUPT as u64).into()),
            type_nmi: Constant::new((ptu_arch::event_type::NMI as u64).into()),
            type_exception: Constant::new((ptu_arch::event_type::HARDWARE_EXCEPTION as u64).into()),
            type_syscall: Constant::new((ptu_arch::event_type::OTHER as u64).into()),
            clk: Default::default(),
            ev_type: Default::default(),
            entry: Default::default(),
        })
    }
}

impl<const XLEN: usize> Logic for $name<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        // ---- Clock, power-on reset, buttons.
        self.clock_gen.clock_in.next = self.clock.val();
        self.clk.next = self.clock_gen.clock_out.val();
        self.power_on.clock.next = self.clk.val();
        self.ptu.clock.next = self.clk.val();
        self.sequencer.clock.next = self.clk.val();
        self.checker.clock.next = self.clk.val();
        self.timer.clock.next = self.clk.val();
        self.printer.clock.next = self.clk.val();
        self.busy_led.clock.next = self.clk.val();
        self.run_btn.clock.next = self.clk.val();
        self.nmi_btn.clock.next = self.clk.val();
        self.irq_btn.clock.next = self.clk.val();
        self.sequencer.reset.next = self.power_on.reset.val();
        self.timer.reset.next = self.power_on.reset.val();
        self.printer.reset.next = self.power_on.reset.val();
        self.busy_led.reset.next = self.power_on.reset.val();
        self.run_btn.reset.next = self.power_on.reset.val();
        self.nmi_btn.reset.next = self.power_on.reset.val();
        self.irq_btn.reset.next = self.power_on.reset.val();
        self.run_btn.pin.next = self.button.val();
        self.nmi_btn.pin.next = self.nmi_button.val();
        self.irq_btn.pin.next = self.irq_button.val();

        // ---- The sequencer: buttons, printer and checker in.
        self.sequencer.run_press.next = self.run_btn.press.val();
        self.sequencer.nmi_press.next = self.nmi_btn.press.val();
        self.sequencer.irq_press.next = self.irq_btn.press.val();
        self.sequencer.printing.next = self.printer.busy.val();
        self.sequencer.miss.next = self.$miss_block.$miss_port.val();
        self.sequencer.miss_step.next = self.checker.miss_step.val();

        // ---- The unit, driven from the sequencer's stage B.
        self.ptu.reset.next = self.sequencer.unit_reset.val();
        self.ptu.retire.next = self.sequencer.flags.val().get_bit(1);
        self.ptu.rsp_we.next = self.sequencer.flags.val().get_bit(2);
        self.ptu.gs_we.next = self.sequencer.flags.val().get_bit(3);
        self.ptu.op_syscall.next = self.sequencer.flags.val().get_bit(4);
        self.ptu.op_eret.next = self.sequencer.flags.val().get_bit(5);
        self.ptu.csr_re.next = self.sequencer.flags.val().get_bit(6);
        self.ptu.csr_we.next = self.sequencer.flags.val().get_bit(7);
        self.ptu.exc_valid.next = self.sequencer.flags.val().get_bit(8);
        self.ptu.exc_error_valid.next = self.sequencer.flags.val().get_bit(9);
        self.ptu.irq.next = self.sequencer.flags.val().get_bit(10);
        self.ptu.nmi.next = self.sequencer.flags.val().get_bit(11);
        self.ptu.mce.next = self.sequencer.flags.val().get_bit(12);
        self.ptu.mem_ready.next = self.sequencer.flags.val().get_bit(13);
        self.ptu.mem_err.next = self.sequencer.flags.val().get_bit(14);
        self.ptu.csr_addr.next = self.sequencer.csr_addr.val();
        self.ptu.exc_vector.next = self.sequencer.exc_vector.val();
        self.ptu.irq_vector.next = self.sequencer.irq_vector.val();
        self.ptu.exc_error.next = self.sequencer.exc_error.val();
        self.ptu.next_rip.next = self.sequencer.data.val();
        self.ptu.rsp_wdata.next = self.sequencer.data.val();
        self.ptu.gs_wdata.next = self.sequencer.data.val();
        self.ptu.csr_wdata.next = self.sequencer.data.val();
        self.ptu.exc_data.next = self.sequencer.data.val();
        self.ptu.mem_rdata.next = self.sequencer.data.val();

        // ---- Every output against the expected one.
        self.checker.check.next = self.sequencer.check.val();
        self.checker.step.next = self.sequencer.step.val();
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
        self.checker.expect_small.next = self.sequencer.expect_small.val();
        self.checker.expect_rip.next = self.sequencer.expect_rip.val();
        self.checker.expect_rsp.next = self.sequencer.expect_rsp.val();
        self.checker.expect_gs_base.next = self.sequencer.expect_gs_base.val();
        self.checker.expect_csr_rdata.next = self.sequencer.expect_csr_rdata.val();
        self.checker.expect_event_info.next = self.sequencer.expect_event_info.val();
        self.checker.expect_event_data.next = self.sequencer.expect_event_data.val();
        self.checker.expect_mem_addr.next = self.sequencer.expect_mem_addr.val();
        self.checker.expect_mem_wdata.next = self.sequencer.expect_mem_wdata.val();

        // ---- Cycle count of the transition (from its `start` step to `redirect`).
        self.timer.start.next = self.sequencer.start.val();
        self.timer.start_eret.next = self.sequencer.flags.val().get_bit(5);
        self.timer.redirect.next = self.ptu.redirect.val();

        // ---- What the printer prints.
        self.ev_type.next = self.ptu.event_info.val().get_bits::<3>(0);
        self.entry.next = !self.timer.eret.val();
        self.printer.go.next = self.sequencer.print_go.val();
        self.printer.msg.next = self.sequencer.print_msg.val();
        self.printer.cond.next = bit_cast::<32, $ports>(self.sequencer.fail_mask.val())
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
        self.printer.step.next = self.sequencer.fail_step.val();
        self.printer.steps.next = self.sequencer.run_len.val();
        self.printer.ty.next = self.ev_type.val();
        self.tx.next = self.printer.tx.val();

        // ---- LEDs.
        self.busy_led.busy.next = self.ptu.busy.val();
        self.led.next = (bit_cast::<5, 1>(self.sequencer.passed.val().into())
            | (bit_cast::<5, 1>(self.sequencer.failed.val().into()) << 1)
            | (bit_cast::<5, 1>((self.ptu.cpl.val() == 3).into()) << 2)
            | (bit_cast::<5, 1>(self.busy_led.lit.val().into()) << 3)
            | (bit_cast::<5, 1>(self.ptu.shutdown.val().into()) << 4))
            ^ self.led_invert.val();

        // Option `fs_bank`: the FS ports, driven and compared per step.
        $(
        self.$fs_steps.clock.next = self.clk.val();
        self.$fs_steps.step.next = self.sequencer.step.val();
        self.$fs_steps.check.next = self.sequencer.check.val();
        self.$fs_steps.fs_base.next = self.ptu.fs_base.val();
        self.$fs_steps.port_miss.next = self.checker.miss.val();
        self.ptu.fs_we.next = self.$fs_steps.fs_we.val();
        self.ptu.fs_wdata.next = self.sequencer.data.val();
        )?
    }
}

impl<const XLEN: usize> DemoTop for $name<XLEN> {
    fn set_clock(&mut self, high: bool) {
        self.clock.next = Clock::from(high);
    }
    fn set_button(&mut self, level: bool) {
        self.button.next = level;
    }
    fn set_nmi_button(&mut self, level: bool) {
        self.nmi_button.next = level;
    }
    fn set_irq_button(&mut self, level: bool) {
        self.irq_button.next = level;
    }
    fn tx(&self) -> bool {
        self.tx.val()
    }
    fn leds(&self) -> u8 {
        self.led.val().to_u64() as u8
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

/// What a demo top offers, whichever top of the unit it holds: its pins,
/// as [`crate::demo_sim::DemoSim`] drives them, and its Verilog.
pub trait DemoTop {
    /// Drive the board clock.
    fn set_clock(&mut self, high: bool);
    /// Drive the run button's pin (its level).
    fn set_button(&mut self, level: bool);
    /// Drive the NMI button's pin (its level).
    fn set_nmi_button(&mut self, level: bool);
    /// Drive the IRQ button's pin (its level).
    fn set_irq_button(&mut self, level: bool);
    /// The UART line.
    fn tx(&self) -> bool;
    /// The LED pins, bit `i` for `led[i]`.
    fn leds(&self) -> u8;
    /// Let the logic settle; false if it does not within `max_iters`.
    fn settle(&mut self, max_iters: usize) -> bool;
    /// The block, for rust-hdl's checks.
    fn block(&self) -> &dyn Block;
    /// rust-hdl's Verilog of the top (module `top`).
    fn verilog(&self) -> String;
}

demo_top! {
    /// The board demo top (see the module documentation) around [`Ptu`],
    /// the unit without option `fs_bank`: 15 ports compared.
    BoardDemo, Ptu, ports = 15;
    miss: checker.miss
}

demo_top! {
    /// The board demo top around [`PtuFs`], the unit with option
    /// `fs_bank`: [`BoardDemo`] with [`FsSteps`], which drives `fs_we`
    /// (`fs_wdata` is the shared data) and compares `fs_base`, the 16th
    /// port of the mismatch mask.
    BoardDemoFs, PtuFs, ports = 16, fs: fs_steps;
    miss: fs_steps.miss
}

/// The demo top for `cfg` ([`BoardDemo`], or [`BoardDemoFs`] with
/// `fs_bank`, of `cfg`'s XLEN), replaying `program`, built for `opts`,
/// connected and checked by rust-hdl.
pub fn build(
    cfg: &PtuConfig,
    program: &DemoProgram,
    opts: &DemoOptions,
) -> Result<Box<dyn DemoTop>> {
    let top: Box<dyn DemoTop> = match (cfg.xlen, cfg.fs_bank) {
        (32, false) => connected(BoardDemo::<32>::new(cfg, program, opts)?),
        (32, true) => connected(BoardDemoFs::<32>::new(cfg, program, opts)?),
        // Any other width is refused by the unit's constructor.
        (_, false) => connected(BoardDemo::<64>::new(cfg, program, opts)?),
        (_, true) => connected(BoardDemoFs::<64>::new(cfg, program, opts)?),
    };
    check_all(top.block())
        .map_err(|e| anyhow!("rust-hdl design check of the board demo failed: {e:?}"))?;
    Ok(top)
}

/// A demo top, connected, behind [`DemoTop`].
fn connected<T: DemoTop + Block + 'static>(top: T) -> Box<dyn DemoTop> {
    let mut top = Box::new(top);
    top.connect_all();
    top
}

/// rust-hdl's own Verilog of the demo (top module `top`), before emission.
pub fn raw(cfg: &PtuConfig, program: &DemoProgram, opts: &DemoOptions) -> Result<String> {
    Ok(build(cfg, program, opts)?.verilog())
}

/// The Verilog of the demo, module [`TOP`], tidied like `ptu.v`.
pub fn emit(cfg: &PtuConfig, program: &DemoProgram, opts: &DemoOptions) -> Result<String> {
    let raw = raw(cfg, program, opts)?;
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
    ptu_emit::tidy(&raw, TOP, &header)
}
