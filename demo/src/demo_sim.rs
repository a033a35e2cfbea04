//! Simulating the whole board demo (the top for the configuration,
//! [`crate::board_demo::build`]) in
//! rust-hdl, one clock at a time in one thread, and decoding what its UART
//! sends.
//!
//! [`DemoSim`] steps the demo top exactly as the board runs it (power-on
//! reset counter, replay, printer, UART) and feeds the `tx` line to a
//! [`UartDecoder`] that samples each bit in its middle, as a serial port
//! does. Tests read the decoded text and the LEDs.

use crate::board_demo::{self, DemoOptions, DemoTop};
use crate::demo_program::DemoProgram;
use crate::uart_tx;
use anyhow::{anyhow, bail, Result};
use ptu_arch::PtuConfig;

/// Most delta cycles allowed for the logic to settle.
const SETTLE_ITERATIONS: usize = 200;

/// Decodes an 8N1 serial line sampled once per clock cycle.
#[derive(Clone, Debug)]
pub struct UartDecoder {
    cycles_per_bit: u64,
    /// Cycle of the falling edge that started the current frame.
    start: Option<u64>,
    bits: u16,
    prev: bool,
    cycle: u64,
    /// Bytes received.
    pub bytes: Vec<u8>,
    /// Frames whose stop bit was low.
    pub framing_errors: u64,
}

impl UartDecoder {
    /// A decoder for `cycles_per_bit` clock cycles per bit.
    pub fn new(cycles_per_bit: u64) -> Self {
        Self {
            cycles_per_bit,
            start: None,
            bits: 0,
            prev: true,
            cycle: 0,
            bytes: Vec::new(),
            framing_errors: 0,
        }
    }

    /// The line's level in the next cycle.
    pub fn sample(&mut self, line: bool) {
        let c = self.cycle;
        self.cycle += 1;
        match self.start {
            None => {
                if self.prev && !line {
                    self.start = Some(c);
                    self.bits = 0;
                }
            }
            Some(s) => {
                let t = c - s;
                let n = self.cycles_per_bit;
                // Bit k (0 start, 1..=8 data, 9 stop) is sampled in its middle.
                if t % n == n / 2 {
                    let k = t / n;
                    match k {
                        0 if line => self.start = None, // a glitch, not a start bit
                        1..=8 => self.bits |= (line as u16) << (k - 1),
                        9 => {
                            if line {
                                self.bytes.push(self.bits as u8);
                            } else {
                                self.framing_errors += 1;
                            }
                            self.start = None;
                        }
                        _ => {}
                    }
                }
            }
        }
        self.prev = line;
    }

    /// The bytes received so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// The board demo, stepped one clock at a time, with its UART decoded.
pub struct DemoSim {
    demo: Box<dyn DemoTop>,
    /// The decoded UART output.
    pub uart: UartDecoder,
    cycle: u64,
}

impl DemoSim {
    /// Elaborate and check the demo for `program` and `opts`; every
    /// button starts released.
    pub fn new(cfg: &PtuConfig, program: &DemoProgram, opts: &DemoOptions) -> Result<Self> {
        let demo = board_demo::build(cfg, program, opts)?;
        let div = uart_tx::divisor(opts.clock_hz, opts.baud)?;
        let mut sim = Self {
            demo,
            uart: UartDecoder::new(div),
            cycle: 0,
        };
        sim.set_button(opts.button_active_low);
        sim.set_nmi_button(opts.nmi_active_low);
        sim.set_irq_button(opts.irq_active_low);
        Ok(sim)
    }

    fn settle(&mut self) -> Result<()> {
        if self.demo.settle(SETTLE_ITERATIONS) {
            Ok(())
        } else {
            Err(anyhow!(
                "the board demo did not settle within {SETTLE_ITERATIONS} iterations at cycle {}",
                self.cycle
            ))
        }
    }

    /// Drive the run button pin (the level on the pin, so `false` presses
    /// an active-low button).
    pub fn set_button(&mut self, level: bool) {
        self.demo.set_button(level);
    }

    /// Drive the NMI button pin (the level on the pin).
    pub fn set_nmi_button(&mut self, level: bool) {
        self.demo.set_nmi_button(level);
    }

    /// Drive the IRQ button pin (the level on the pin).
    pub fn set_irq_button(&mut self, level: bool) {
        self.demo.set_irq_button(level);
    }

    /// One clock cycle: low half, then the rising edge; the UART line is
    /// sampled after the edge.
    pub fn step(&mut self) -> Result<()> {
        self.demo.set_clock(false);
        self.settle()?;
        self.demo.set_clock(true);
        self.settle()?;
        self.cycle += 1;
        self.uart.sample(self.demo.tx());
        Ok(())
    }

    /// Clock cycles so far.
    pub fn cycles(&self) -> u64 {
        self.cycle
    }

    /// The LED pins, bit `i` for `led[i]`.
    pub fn leds(&self) -> u8 {
        self.demo.leds()
    }

    /// Step until the decoded text contains `needle` (counting only text
    /// received after `from` bytes), at most `limit` cycles. Returns the
    /// cycles stepped.
    pub fn run_until(&mut self, from: usize, needle: &str, limit: u64) -> Result<u64> {
        let start = self.cycle;
        loop {
            let text = String::from_utf8_lossy(&self.uart.bytes[from.min(self.uart.bytes.len())..])
                .into_owned();
            if text.contains(needle) {
                return Ok(self.cycle - start);
            }
            if self.cycle - start >= limit {
                bail!(
                    "the demo did not print {needle:?} within {limit} cycles; it printed:\n{}",
                    self.uart.text()
                );
            }
            // Look at the text once per received byte, not every cycle.
            let n = self.uart.bytes.len();
            while self.uart.bytes.len() == n && self.cycle - start < limit {
                self.step()?;
            }
        }
    }

    /// Step `n` cycles.
    pub fn run(&mut self, n: u64) -> Result<()> {
        for _ in 0..n {
            self.step()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(div: u64, bytes: &[u8]) -> Vec<bool> {
        let mut v = vec![true; 3];
        for b in bytes {
            let mut frame = vec![false];
            frame.extend((0..8).map(|k| b >> k & 1 == 1));
            frame.push(true);
            for bit in frame {
                v.extend(std::iter::repeat_n(bit, div as usize));
            }
        }
        v
    }

    #[test]
    fn decoder_reads_8n1_frames() {
        let mut d = UartDecoder::new(4);
        for l in line(4, b"PASS\r\n") {
            d.sample(l);
        }
        assert_eq!(d.text(), "PASS\r\n");
        assert_eq!(d.framing_errors, 0);
    }

    #[test]
    fn decoder_reports_framing_errors() {
        let mut d = UartDecoder::new(4);
        let mut l = line(4, b"A");
        let n = l.len();
        for x in &mut l[n - 4..] {
            *x = false; // stop bit low
        }
        l.extend([true; 8]);
        for x in l {
            d.sample(x);
        }
        assert!(d.bytes.is_empty());
        assert_eq!(d.framing_errors, 1);
    }
}
