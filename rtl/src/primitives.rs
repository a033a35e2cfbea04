//! Leaf primitives that rust-hdl cannot express in lint-clean Verilog.
//!
//! rust-hdl has no concatenation, and its `bit_cast` widens by AND-ing
//! with a wide mask, which `verilator -Wall` reports as a width mismatch.
//! [`ZeroExtend`] widens with a real concatenation instead; its
//! simulation model is the same `bit_cast`.

use rust_hdl::prelude::*;

/// Zero-extend an `M`-bit value to `N` bits (`N > M`).
#[derive(Clone, Debug, LogicBlock, Default)]
pub struct ZeroExtend<const M: usize, const N: usize> {
    /// The narrow value.
    pub x: Signal<In, Bits<M>>,
    /// `x` with `N - M` zero bits above it.
    pub y: Signal<Out, Bits<N>>,
}

impl<const M: usize, const N: usize> Logic for ZeroExtend<M, N> {
    fn update(&mut self) {
        self.y.next = bit_cast::<N, M>(self.x.val());
    }
    fn connect(&mut self) {
        self.y.connect();
    }
    fn hdl(&self) -> Verilog {
        assert!(N > M, "ZeroExtend<{M}, {N}> must widen");
        Verilog::Custom(format!("always @(*) y = {{{}'d0, x}};", N - M))
    }
}
