//! A UART transmitter, 8 data bits, no parity, one stop bit (8N1), for the
//! board demo's report line and the SoC's UART (`ptu_soc::uart_tx`).
//!
//! The bit time is a whole number of clock cycles, `divisor`, chosen in
//! [`UartTx::new`] from the clock and the baud rate (12 MHz / 115200 gives
//! 104 cycles, 0.16 % fast; any error under 2 % is accepted).
//!
//! Every register is zero when idle (the frame is held inverted, so zero
//! means the line is high); `reset` makes them so.

use anyhow::{bail, Result};
use rust_hdl::prelude::*;

/// Bits of the bit-time counter: divisors up to 65535 (e.g. 100 MHz at
/// 2400 baud).
pub const DIVISOR_BITS: usize = 16;

/// 8N1 serial transmitter.
#[derive(LogicBlock)]
pub struct UartTx {
    /// Clock of every register.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: the line goes idle, a byte being sent is dropped.
    pub reset: Signal<In, Bit>,
    /// The byte to send, sampled with `send`.
    pub data: Signal<In, Bits<8>>,
    /// Send `data` (ignored while `busy`).
    pub send: Signal<In, Bit>,
    /// A byte is being sent; `send` is ignored.
    pub busy: Signal<Out, Bit>,
    /// The serial line: high when idle.
    pub tx: Signal<Out, Bit>,
    /// Cycles per bit, minus one.
    bit_cycles: Constant<Bits<DIVISOR_BITS>>,
    /// The frame still to send, inverted: stop, data (LSB first), start.
    frame_n: DFF<Bits<10>>,
    /// Bits still to send (0: idle).
    bits_left: DFF<Bits<4>>,
    /// Cycles left in the current bit.
    count: DFF<Bits<DIVISOR_BITS>>,
}

/// The number of clock cycles per bit for `clock_hz` and `baud`, checked:
/// the rate it gives is within 2 % of `baud`, and it fits the counter.
pub fn divisor(clock_hz: u64, baud: u64) -> Result<u64> {
    if baud == 0 || clock_hz == 0 {
        bail!("UART: clock {clock_hz} Hz and baud rate {baud} must both be positive");
    }
    let div = (clock_hz + baud / 2) / baud;
    if div < 2 {
        bail!("UART: a {clock_hz} Hz clock is too slow for {baud} baud (needs 2 cycles per bit)");
    }
    if div > (1 << DIVISOR_BITS) {
        bail!(
            "UART: {} cycles per bit at {clock_hz} Hz and {baud} baud do not fit the {DIVISOR_BITS}-bit counter; \
             choose a higher baud rate",
            div
        );
    }
    let actual = clock_hz as f64 / div as f64;
    let error = (actual - baud as f64).abs() / baud as f64;
    if error > 0.02 {
        bail!(
            "UART: {clock_hz} Hz cannot make {baud} baud within 2 % ({} cycles per bit give {actual:.0} baud)",
            div
        );
    }
    Ok(div)
}

impl UartTx {
    /// A transmitter with `cycles_per_bit` clock cycles per bit (see
    /// [`divisor`]).
    pub fn new(cycles_per_bit: u64) -> Self {
        assert!(
            (2..=(1 << DIVISOR_BITS)).contains(&cycles_per_bit),
            "UartTx: {cycles_per_bit} cycles per bit is out of range (use uart_tx::divisor)"
        );
        Self {
            clock: Default::default(),
            reset: Default::default(),
            data: Default::default(),
            send: Default::default(),
            busy: Default::default(),
            tx: Default::default(),
            bit_cycles: Constant::new((cycles_per_bit - 1).into()),
            frame_n: Default::default(),
            bits_left: Default::default(),
            count: Default::default(),
        }
    }
}

impl Logic for UartTx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, frame_n, bits_left, count);
        self.busy.next = self.bits_left.q.val().any();
        self.tx.next = !self.frame_n.q.val().get_bit(0);
        if self.bits_left.q.val().any() {
            if self.count.q.val().any() {
                self.count.d.next = self.count.q.val() - 1;
            } else {
                self.count.d.next = self.bit_cycles.val();
                self.frame_n.d.next = self.frame_n.q.val() >> 1;
                self.bits_left.d.next = self.bits_left.q.val() - 1;
            }
        } else if self.send.val() {
            // Inverted frame: start bit 0 -> 1, data inverted, stop bit 1 -> 0.
            // The data is inverted after the cast (XOR with the data bits'
            // mask): Verilog would widen `~data` before inverting and set
            // the stop bit, so rust-hdl's own Verilog and its simulation
            // agree only in this form (the emission proof checks it).
            self.frame_n.d.next = (bit_cast::<10, 8>(self.data.val()) << 1 | 1) ^ 0x1fe;
            self.bits_left.d.next = 10.into();
            self.count.d.next = self.bit_cycles.val();
        }
        if self.reset.val() {
            self.frame_n.d.next = 0.into();
            self.bits_left.d.next = 0.into();
            self.count.d.next = 0.into();
        }
    }
}
