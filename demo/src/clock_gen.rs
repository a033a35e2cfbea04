//! `ClockGen`: the clock of the demo's logic, from the board clock as it
//! is or through an iCE40 PLL (`SB_PLL40_CORE`) for boards whose clock is
//! faster than the unit (the Alchitry Cu). The PLL's settings are the
//! board's ([`ptu_synth::boards::Ice40Pll`]).

use ptu_synth::boards::Ice40Pll;
use rust_hdl::prelude::*;

/// The demo's clock: the board clock as it is, or through an iCE40 PLL.
/// Simulation passes the clock through (the PLL only changes its rate).
#[derive(LogicBlock, Default)]
pub struct ClockGen {
    /// The board clock.
    pub clock_in: Signal<In, Clock>,
    /// The clock of the demo's logic.
    pub clock_out: Signal<Out, Clock>,
    _pll: Option<Ice40Pll>,
}

impl Logic for ClockGen {
    fn update(&mut self) {
        self.clock_out.next = self.clock_in.val();
    }
    fn connect(&mut self) {
        self.clock_out.connect();
    }
    fn hdl(&self) -> Verilog {
        let code = match &self._pll {
            None => "assign clock_out = clock_in;".to_string(),
            Some(p) => format!(
                "SB_PLL40_CORE #(\n\
                 \x20   .FEEDBACK_PATH(\"SIMPLE\"),\n\
                 \x20   .DIVR(4'd{}),\n\
                 \x20   .DIVF(7'd{}),\n\
                 \x20   .DIVQ(3'd{}),\n\
                 \x20   .FILTER_RANGE(3'd{})\n\
                 ) pll (\n\
                 \x20   .REFERENCECLK(clock_in),\n\
                 \x20   .PLLOUTGLOBAL(clock_out),\n\
                 \x20   .RESETB(1'b1),\n\
                 \x20   .BYPASS(1'b0)\n\
                 );",
                p.divr, p.divf, p.divq, p.filter_range
            ),
        };
        Verilog::Wrapper(Wrapper {
            code,
            cores: String::new(),
        })
    }
}

impl ClockGen {
    /// The board clock through `pll`, or as it is.
    pub fn new(pll: Option<Ice40Pll>) -> Self {
        Self {
            _pll: pll,
            ..Default::default()
        }
    }
}
