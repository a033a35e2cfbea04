//! `TransitionTimer`: counts the cycles of one privilege transition, from
//! the step marked `start` to the cycle the unit shows `redirect`, and
//! remembers whether the transition was an ERET (for the printed line).

use rust_hdl::prelude::*;

/// The cycle counter of a transition.
#[derive(LogicBlock, Default)]
pub struct TransitionTimer {
    /// Clock of every register.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: stops counting (the count and `eret` keep their
    /// values).
    pub reset: Signal<In, Bit>,
    /// A transition starts in this cycle: the count restarts at 1.
    pub start: Signal<In, Bit>,
    /// The core presents ERET in the `start` cycle.
    pub start_eret: Signal<In, Bit>,
    /// The unit redirects: the count stops.
    pub redirect: Signal<In, Bit>,
    /// Cycles of the last transition (so far, while it runs).
    pub cycles: Signal<Out, Bits<8>>,
    /// The last transition was an ERET (else an entry).
    pub eret: Signal<Out, Bit>,
    count: DFF<Bits<8>>,
    counting: DFF<Bit>,
    was_eret: DFF<Bit>,
}

impl Logic for TransitionTimer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, count, counting, was_eret);
        if self.start.val() {
            self.count.d.next = 1.into();
            self.counting.d.next = true;
            self.was_eret.d.next = self.start_eret.val();
        } else if self.counting.q.val() {
            if self.redirect.val() {
                self.counting.d.next = false;
            } else {
                self.count.d.next = self.count.q.val() + 1;
            }
        }
        if self.reset.val() {
            self.counting.d.next = false;
        }
        self.cycles.next = self.count.q.val();
        self.eret.next = self.was_eret.q.val();
    }
}
