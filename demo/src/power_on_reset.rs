//! `PowerOnReset`: the reset of the whole demo, for a number of cycles
//! after configuration.

use anyhow::{bail, Result};
use rust_hdl::prelude::*;

/// Bits of the power-on reset counter.
const POR_BITS: usize = 24;

/// Power-on reset: `reset` is high for the first `cycles` clock cycles
/// after configuration. Its counter is the one register of the demo with
/// an initial value (0, declared in the Verilog, which Yosys keeps as the
/// flip-flops' `init`; iCE40 and ECP5 flip-flops are zero after
/// configuration anyway); everything else is reset from it.
#[derive(LogicBlock, Default)]
pub struct PowerOnReset {
    /// The clock the counter counts.
    pub clock: Signal<In, Clock>,
    /// High for the first `cycles` cycles after configuration.
    pub reset: Signal<Out, Bit>,
    _cycles: u64,
    _count: u64,
}

impl PowerOnReset {
    /// Reset for `cycles` cycles (at least 1, below 2^24).
    pub fn new(cycles: u64) -> Result<Self> {
        if cycles == 0 || cycles >> POR_BITS != 0 {
            bail!(
                "por_cycles = {cycles} must be from 1 to {}",
                (1u64 << POR_BITS) - 1
            );
        }
        Ok(Self {
            _cycles: cycles,
            ..Default::default()
        })
    }
}

impl Logic for PowerOnReset {
    fn update(&mut self) {
        if self.clock.pos_edge() && self._count < self._cycles {
            self._count += 1;
        }
        self.reset.next = self._count < self._cycles;
    }
    fn connect(&mut self) {
        self.reset.connect();
    }
    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "reg [{m}:0] count = {w}'d0;\n\
             always @(posedge clock) if (count != {w}'d{n}) count <= count + {w}'d1;\n\
             always @(*) reset = count != {w}'d{n};",
            m = POR_BITS - 1,
            w = POR_BITS,
            n = self._cycles
        ))
    }
}
