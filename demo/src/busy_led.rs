//! `BusyLed`: stretches the unit's `busy`, often a few cycles long, so
//! that its LED can be seen: lit while busy and for `cycles` cycles after.

use crate::constant::constant;
use anyhow::Result;
use rust_hdl::prelude::*;

/// Width of the hold counter.
pub const HOLD_BITS: usize = 24;

/// A pulse stretcher for the busy LED.
#[derive(LogicBlock)]
pub struct BusyLed {
    /// Clock of the hold counter.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: the LED goes dark.
    pub reset: Signal<In, Bit>,
    /// The unit's `busy`.
    pub busy: Signal<In, Bit>,
    /// The LED is lit (before the board's polarity).
    pub lit: Signal<Out, Bit>,
    cycles: Constant<Bits<HOLD_BITS>>,
    hold: DFF<Bits<HOLD_BITS>>,
}

impl BusyLed {
    /// Lit for `cycles` cycles after the unit was busy (below 2^24).
    pub fn new(cycles: u64) -> Result<Self> {
        Ok(Self {
            clock: Default::default(),
            reset: Default::default(),
            busy: Default::default(),
            lit: Default::default(),
            cycles: constant("busy_led_cycles", cycles)?,
            hold: Default::default(),
        })
    }
}

impl Logic for BusyLed {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, hold);
        if self.busy.val() {
            self.hold.d.next = self.cycles.val();
        } else if self.hold.q.val().any() {
            self.hold.d.next = self.hold.q.val() - 1;
        }
        if self.reset.val() {
            self.hold.d.next = 0.into();
        }
        self.lit.next = self.hold.q.val().any();
    }
}
