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

/// The frame's word size, which [`WordStep`]'s Verilog is written for.
const WORD_BYTES: u64 = 8;
const _: () = assert!(WORD_BYTES == ptu_arch::frame::WORD_BYTES);

/// Bits of the chunks [`WordStep`]'s Verilog splits the word index into.
pub const STEP_CHUNK_BITS: usize = 16;

/// The neighbouring frame word of a 64-bit address: `y = x + 8`
/// ([`WordStep::up`]) or `x - 8` ([`WordStep::down`]), modulo 2^64. The
/// frame sequencer steps through a frame with them; the entry unit finds a
/// frame's first word below a stack top with `down`.
///
/// A plain `x ± 8` is one 61-bit carry chain, which was the unit's
/// critical path on iCE40 (58 carry steps, about 17 ns on an UP5K). The
/// Verilog splits the word index `x[63:3]` into chunks of [`STEP_CHUNK_BITS`] bits: each chunk adds its own carry-in
/// (every lower index bit one, for `up`) or subtracts its borrow-in (every
/// lower index bit zero, for `down`). The carry-ins are AND/NOR trees
/// computed beside the chains, so the longest path is one chunk's chain
/// after a three-level tree. Simulation computes `x ± 8` directly; a
/// test proves the Verilog equal to it with Yosys' SAT solver.
#[derive(Clone, Debug, LogicBlock)]
pub struct WordStep {
    /// The address.
    pub x: Signal<In, Bits<64>>,
    /// The neighbouring word's address.
    pub y: Signal<Out, Bits<64>>,
    _up: bool,
}

impl WordStep {
    fn new(up: bool) -> Self {
        Self {
            x: Default::default(),
            y: Default::default(),
            _up: up,
        }
    }

    /// `y = x + 8`.
    pub fn up() -> Self {
        Self::new(true)
    }

    /// `y = x - 8`.
    pub fn down() -> Self {
        Self::new(false)
    }
}

impl Logic for WordStep {
    fn update(&mut self) {
        let x = self.x.val().to_u64();
        self.y.next = if self._up {
            x.wrapping_add(WORD_BYTES)
        } else {
            x.wrapping_sub(WORD_BYTES)
        }
        .into();
    }
    fn connect(&mut self) {
        self.y.connect();
    }
    fn hdl(&self) -> Verilog {
        Verilog::Custom(word_step_verilog(self._up))
    }
}

/// The body of [`WordStep`]'s Verilog (see there).
fn word_step_verilog(up: bool) -> String {
    let shift = WORD_BYTES.trailing_zeros() as usize;
    let index_bits = 64 - shift;
    let name = if up { "word_up" } else { "word_down" };
    let mut s = format!(
        "// Module name: {name}\n\
         wire [{m}:0] index = x[63:{shift}];\n\
         reg [{m}:0] next_index;\n\
         always @(*) begin\n",
        m = index_bits - 1
    );
    let (op, reduce) = if up { ("+", "&") } else { ("-", "~|") };
    let mut lo = 0;
    while lo < index_bits {
        let hi = (lo + STEP_CHUNK_BITS).min(index_bits) - 1;
        let w = hi - lo + 1;
        let stepped = format!("index[{hi}:{lo}] {op} {w}'d1");
        if lo == 0 {
            s.push_str(&format!("    next_index[{hi}:{lo}] = {stepped};\n"));
        } else {
            s.push_str(&format!(
                "    next_index[{hi}:{lo}] = ({reduce}index[{}:0]) ? {stepped} : index[{hi}:{lo}];\n",
                lo - 1
            ));
        }
        lo = hi + 1;
    }
    s.push_str(&format!(
        "end\nalways @(*) y = {{next_index, x[{}:0]}};",
        shift - 1
    ));
    s
}
