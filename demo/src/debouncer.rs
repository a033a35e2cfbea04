//! `Debouncer`: one push button, synchronised, debounced and turned into
//! one pulse per press.

use crate::constant::constant;
use anyhow::Result;
use rust_hdl::prelude::*;

/// Width of the debounce counter.
const COUNT_BITS: usize = 20;

/// A button input: synchronised to `clock` (two flip-flops), debounced
/// (a new level counts once it has been stable for `cycles` + 1 cycles),
/// and turned into a one-cycle `press` pulse per press. `invert` is the
/// pin's polarity (on for a button whose pin is low when pressed).
/// `reset` (synchronous) makes the button released.
#[derive(LogicBlock)]
pub struct Debouncer {
    /// Clock of the synchroniser and the counter.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: the button is released.
    pub reset: Signal<In, Bit>,
    /// The pin, as it is on the board.
    pub pin: Signal<In, Bit>,
    /// High for one cycle when a press has been debounced.
    pub press: Signal<Out, Bit>,
    invert: Constant<Bit>,
    cycles: Constant<Bits<COUNT_BITS>>,
    meta: DFF<Bit>,
    sync: DFF<Bit>,
    level: DFF<Bit>,
    count: DFF<Bits<COUNT_BITS>>,
    pulse: DFF<Bit>,
}

impl Debouncer {
    /// A button that is pressed when its pin is low if `active_low`,
    /// debounced for `cycles` cycles (at least 1, below 2^20).
    pub fn new(what: &str, active_low: bool, cycles: u64) -> Result<Self> {
        Ok(Self {
            clock: Default::default(),
            reset: Default::default(),
            pin: Default::default(),
            press: Default::default(),
            invert: Constant::new(active_low),
            cycles: constant(what, cycles.max(1))?,
            meta: Default::default(),
            sync: Default::default(),
            level: Default::default(),
            count: Default::default(),
            pulse: Default::default(),
        })
    }
}

impl Logic for Debouncer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, meta, sync, level, count, pulse);
        self.press.next = self.pulse.q.val();
        self.meta.d.next = self.pin.val() ^ self.invert.val();
        self.sync.d.next = self.meta.q.val();
        self.pulse.d.next = false;
        self.count.d.next = 0.into();
        if self.sync.q.val() != self.level.q.val() {
            self.count.d.next = self.count.q.val() + 1;
            if self.count.q.val() == self.cycles.val() {
                self.level.d.next = self.sync.q.val();
                self.pulse.d.next = self.sync.q.val();
                self.count.d.next = 0.into();
            }
        }
        if self.reset.val() {
            self.meta.d.next = false;
            self.sync.d.next = false;
            self.level.d.next = false;
            self.count.d.next = 0.into();
            self.pulse.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drives `pins` (one level per cycle) into a debouncer and returns
    /// the cycles in which `press` was high.
    fn presses(active_low: bool, cycles: u64, pins: &[bool]) -> Vec<usize> {
        let mut d = Debouncer::new("debounce_cycles", active_low, cycles).unwrap();
        d.connect_all();
        let mut out = Vec::new();
        for (i, &pin) in pins.iter().enumerate() {
            d.pin.next = pin;
            d.reset.next = i < 2;
            d.clock.next = Clock::from(false);
            assert!(simulate(&mut d, 20));
            d.clock.next = Clock::from(true);
            assert!(simulate(&mut d, 20));
            if d.press.val() {
                out.push(i);
            }
        }
        out
    }

    #[test]
    fn debouncer_gives_one_pulse_per_stable_press() {
        // Active high, 4 cycles: a 3-cycle bounce does nothing, a held
        // press one pulse, its release none.
        let mut pins = vec![false; 4];
        pins.extend([true; 3]);
        pins.extend([false; 10]);
        pins.extend([true; 20]);
        pins.extend([false; 20]);
        let p = presses(false, 4, &pins);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0] > 17 + 4, "{p:?}");
        // Active low: the same levels inverted give the same pulse; a pin
        // held at its idle level gives none.
        let inverted: Vec<bool> = pins.iter().map(|l| !l).collect();
        assert_eq!(presses(true, 4, &inverted), p);
        assert!(presses(true, 4, &[true; 40]).is_empty());
    }
}
