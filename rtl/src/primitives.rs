//! The unit's primitives: the register every block keeps its state in,
//! the kernel/user pair of a renamed register, and leaf blocks that
//! rust-hdl cannot express in lint-clean Verilog.
//!
//! * [`Reg`] is the one register primitive (lowRISC Ibex's `ibex_csr`):
//!   clock, synchronous reset to a value fixed at construction, write
//!   enable, write data, `q`. rust-hdl's `DFF` has no reset, and iCE40
//!   flip-flops ignore `initial` values, so every architectural register of
//!   every block is a `Reg`; no block resets a flip-flop by hand.
//! * [`RegPair`] is a renamed register (RIP, RSP, GS base): a kernel and a
//!   user [`Reg`], the level selecting which one an instruction writes.
//! * [`WordStep`] and [`FrameStep`] are `x ± 8` in short carry chains.
//! * rust-hdl has no concatenation, and its `bit_cast` widens by AND-ing
//!   with a wide mask, which `verilator -Wall` reports as a width mismatch.
//!   [`ZeroExtend`] widens with a real concatenation instead; its
//!   simulation model is the same `bit_cast`.

use rust_hdl::prelude::*;

/// A register with synchronous reset and write enable (Ibex's
/// `ibex_csr`): at a rising edge of `clock`, `q` becomes the reset value
/// given to [`Reg::new`] if `reset` is high, else `wdata` if `we` is high,
/// else keeps its value. `q` depends on the register only.
///
/// Its Verilog is one `always @(posedge clock)` block, so synthesis maps it
/// to flip-flops with enable and synchronous reset (`SB_DFFESR`/`SB_DFFESS`
/// on iCE40). Its custom Verilog names its module ([`Reg::module_name`]), so
/// every instance of one width and reset value is one module in `ptu.v`:
/// `ptu_reg_w<WIDTH>` for reset value 0, `ptu_reg_w<WIDTH>_reset_<HEX>`
/// otherwise.
#[derive(Clone, Debug, LogicBlock)]
pub struct Reg<T: Synth> {
    /// Clock; the register changes only at its rising edge.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: `q` becomes the reset value (wins over `we`).
    pub reset: Signal<In, Bit>,
    /// Write enable: `q` becomes `wdata` at the edge.
    pub we: Signal<In, Bit>,
    /// Value written with `we`.
    pub wdata: Signal<In, T>,
    /// The value held.
    pub q: Signal<Out, T>,
    /// The value after reset.
    reset_value: Constant<T>,
}

impl<T: Synth> Reg<T> {
    /// A register that resets to `reset_value`.
    pub fn new(reset_value: T) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            we: Default::default(),
            wdata: Default::default(),
            q: Default::default(),
            reset_value: Constant::new(reset_value),
        }
    }

    /// The name of this register's Verilog module (after the `<top>_` prefix).
    pub fn module_name(&self) -> String {
        let value = self.reset_value.val();
        if value == T::default() {
            format!("reg_w{}", T::BITS)
        } else {
            let literal = format!("{:x}", value.verilog());
            let hex = literal.rsplit('h').next().unwrap_or(&literal);
            format!("reg_w{}_reset_{hex}", T::BITS)
        }
    }
}

impl<T: Synth> Default for Reg<T> {
    /// A register that resets to 0.
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: Synth> Logic for Reg<T> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            if self.reset.val() {
                self.q.next = self.reset_value.val();
            } else if self.we.val() {
                self.q.next = self.wdata.val();
            }
        }
    }
    fn connect(&mut self) {
        self.q.connect();
    }
    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "// Module name: {}\n\
             always @(posedge clock) begin\n\
             \x20   if (reset) q <= reset_value;\n\
             \x20   else if (we) q <= wdata;\n\
             end",
            self.module_name()
        ))
    }
    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "reg".into(),
            clock: "clock".into(),
            inputs: vec!["reset".into(), "we".into(), "wdata".into()],
            outputs: vec!["q".into()],
        }]
    }
}

/// A renamed register (SPEC.md, "Why it exists"): a kernel and a user copy
/// of one XLEN-bit register.
///
/// Each copy has its own complete enable (`kernel_we`, `user_we`): the
/// caller writes the level into them, so an instruction's write reaches
/// only the current level's copy, and each enable is one flat function of
/// the decision's first-level terms (what a 64-bit enable waits for is
/// its depth). `kernel_sel` / `user_sel` say which value a write takes:
/// the instruction's `wdata`, or the copy's own. Both copies are outputs:
/// the rename bank shows the current level's copies of all its pairs with
/// one selection, so the outputs never mix levels.
#[derive(LogicBlock)]
pub struct RegPair<const XLEN: usize = 64> {
    /// Clock of both copies.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: both copies take their reset values.
    pub reset: Signal<In, Bit>,
    /// The instruction's value (RIP: `next_rip`; RSP: `rsp_wdata`; ...).
    pub wdata: Signal<In, Bits<XLEN>>,
    /// Write the kernel copy.
    pub kernel_we: Signal<In, Bit>,
    /// The kernel copy's own value (entry point, popped word, ...).
    pub kernel_wdata: Signal<In, Bits<XLEN>>,
    /// A write of the kernel copy takes `kernel_wdata` (else `wdata`).
    /// Its value matters only when the copy is written, so it can come
    /// from registers while the enables wait for the decision.
    pub kernel_sel: Signal<In, Bit>,
    /// Write the user copy.
    pub user_we: Signal<In, Bit>,
    /// The user copy's own value (the CSR write's).
    pub user_wdata: Signal<In, Bits<XLEN>>,
    /// A write of the user copy takes `user_wdata` (else `wdata`), like
    /// `kernel_sel`.
    pub user_sel: Signal<In, Bit>,
    /// The kernel copy.
    pub kernel_q: Signal<Out, Bits<XLEN>>,
    /// The user copy.
    pub user_q: Signal<Out, Bits<XLEN>>,
    /// The kernel copy.
    kernel_copy: Reg<Bits<XLEN>>,
    /// The user copy.
    user_copy: Reg<Bits<XLEN>>,
}

impl<const XLEN: usize> RegPair<XLEN> {
    /// A pair whose copies reset to `kernel_reset` and `user_reset`.
    pub fn new(kernel_reset: u64, user_reset: u64) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            wdata: Default::default(),
            kernel_we: Default::default(),
            kernel_sel: Default::default(),
            kernel_wdata: Default::default(),
            user_we: Default::default(),
            user_sel: Default::default(),
            user_wdata: Default::default(),
            kernel_q: Default::default(),
            user_q: Default::default(),
            kernel_copy: Reg::new(kernel_reset.into()),
            user_copy: Reg::new(user_reset.into()),
        }
    }
}

impl<const XLEN: usize> RegPair<XLEN> {
    /// The name of this pair's Verilog module (after the `<top>_` prefix):
    /// `reg_pair_w<XLEN>`, or with the copies' reset values when not 0.
    pub fn module_name(&self) -> String {
        let kernel = self.kernel_copy.module_name();
        let user = self.user_copy.module_name();
        let reg = format!("reg_w{XLEN}");
        let suffix = |n: &str| n.strip_prefix(reg.as_str()).unwrap_or(n).to_string();
        let mut name = format!("reg_pair_w{XLEN}");
        if !suffix(&kernel).is_empty() {
            name.push_str(&format!("_kernel{}", suffix(&kernel)));
        }
        if !suffix(&user).is_empty() {
            name.push_str(&format!("_user{}", suffix(&user)));
        }
        name
    }

    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, kernel_copy, user_copy);
        self.kernel_copy.reset.next = self.reset.val();
        self.user_copy.reset.next = self.reset.val();
        self.kernel_copy.we.next = self.kernel_we.val();
        self.kernel_copy.wdata.next = self.wdata.val();
        if self.kernel_sel.val() {
            self.kernel_copy.wdata.next = self.kernel_wdata.val();
        }
        self.user_copy.we.next = self.user_we.val();
        self.user_copy.wdata.next = self.wdata.val();
        if self.user_sel.val() {
            self.user_copy.wdata.next = self.user_wdata.val();
        }
        self.kernel_q.next = self.kernel_copy.q.val();
        self.user_q.next = self.user_copy.q.val();
    }
}

impl<const XLEN: usize> Logic for RegPair<XLEN> {
    fn update(&mut self) {
        RegPair::<XLEN>::update(self)
    }
    fn connect(&mut self) {
        RegPair::<XLEN>::connect(self)
    }
    /// The generated Verilog, named by [`RegPair::module_name`].
    fn hdl(&self) -> Verilog {
        match RegPair::<XLEN>::hdl(self) {
            Verilog::Combinatorial(mut code) => {
                let name = format!("Module name: {}", self.module_name());
                code.insert(0, ast::VerilogStatement::Comment(name));
                Verilog::Combinatorial(code)
            }
            other => other,
        }
    }
}

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
pub const STEP_CHUNK_BITS: usize = 32;

/// The neighbouring frame word of a 64-bit address: `y = x + 8`
/// ([`WordStep::up`]) or `x - 8` ([`WordStep::down`]), modulo 2^64, the
/// direction fixed at construction. The unit itself steps with
/// [`FrameStep`], the same chains with the direction an input.
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

/// [`WordStep`] with the direction chosen at run time, for an XLEN-bit
/// address and the frame word of that width (XLEN / 8 bytes): `y = x + 8`
/// when `up`, else `x - 8`, modulo 2^64 (`x ± 4` modulo 2^32 for the
/// 32-bit unit). The frame sequencer steps pushes down
/// and pops up with it: one set of chunked carry chains where two
/// `WordStep`s and a selection between them were.
///
/// Its Verilog is [`WordStep`]'s, each chunk adding `+1` or `-1` (all
/// ones) to its part of the word index, with the carry-in of a chunk
/// "every lower index bit one" going up and "every lower index bit zero"
/// going down. A test proves it equal to `up ? x + 8 : x - 8` with Yosys'
/// SAT solver.
///
/// A second output, `w`, is the stepped address gated for a bus:
/// `en ? y : (keep ? x : 0)`. Its Verilog chooses per chunk between the
/// chunk stepped and `x`'s own bits with one select per chunk (`en` and
/// the chunk's carry-in), so each bit of `w` is one 4-input function of
/// that select, `keep` and two bits, where a selection after `y` would
/// be a second level. The same test proves `w` too.
#[derive(Clone, Debug, Default, LogicBlock)]
pub struct FrameStep<const XLEN: usize = 64> {
    /// The address.
    pub x: Signal<In, Bits<XLEN>>,
    /// Step up (else down).
    pub up: Signal<In, Bit>,
    /// `w` is the step.
    pub en: Signal<In, Bit>,
    /// Without `en`, `w` is `x` (else 0).
    pub keep: Signal<In, Bit>,
    /// The neighbouring word's address.
    pub y: Signal<Out, Bits<XLEN>>,
    /// `en ? y : (keep ? x : 0)`.
    pub w: Signal<Out, Bits<XLEN>>,
}

impl<const XLEN: usize> Logic for FrameStep<XLEN> {
    fn update(&mut self) {
        let step = Bits::<XLEN>::from(frame_word_bytes(XLEN));
        let y = if self.up.val() {
            self.x.val() + step
        } else {
            self.x.val() - step
        };
        self.y.next = y;
        self.w.next = if self.en.val() {
            y
        } else if self.keep.val() {
            self.x.val()
        } else {
            Bits::<XLEN>::default()
        };
    }
    fn connect(&mut self) {
        self.y.connect();
        self.w.connect();
    }
    fn hdl(&self) -> Verilog {
        Verilog::Custom(frame_step_verilog(XLEN))
    }
}

/// The body of [`FrameStep`]'s Verilog (see there).
fn frame_step_verilog(xlen: usize) -> String {
    let shift = frame_word_bytes(xlen).trailing_zeros() as usize;
    let index_bits = xlen - shift;
    let mut s = format!(
        "// Module name: frame_step\n\
         wire [{m}:0] index = x[{top}:{shift}];\n\
         wire [{m}:0] kept = keep | en ? index : {index_bits}'d0;\n\
         reg [{m}:0] next_index;\n\
         reg [{m}:0] word_index;\n\
         always @(*) begin\n",
        m = index_bits - 1,
        top = xlen - 1
    );
    let mut lo = 0;
    while lo < index_bits {
        let hi = (lo + STEP_CHUNK_BITS).min(index_bits) - 1;
        let w = hi - lo + 1;
        // +1 going up, -1 (all ones) going down.
        let stepped = format!("index[{hi}:{lo}] + {{{{{}{{~up}}}}, 1'b1}}", w - 1);
        if lo == 0 {
            s.push_str(&format!("    next_index[{hi}:{lo}] = {stepped};\n"));
            s.push_str(&format!(
                "    word_index[{hi}:{lo}] = en ? {stepped} : kept[{hi}:{lo}];\n"
            ));
        } else {
            let carry = format!("(up ? &index[{l}:0] : ~|index[{l}:0])", l = lo - 1);
            // The next index flips the bits where the chunk's step differs,
            // when its carry is in: the same function as choosing between
            // `stepped` and `index`, but a choice with the register's own
            // value as one side is what synthesis turns into a clock enable
            // that waits for the carry tree.
            s.push_str(&format!(
                "    next_index[{hi}:{lo}] = index[{hi}:{lo}] ^ ({{{w}{{{carry}}}}} & (index[{hi}:{lo}] ^ ({stepped})));\n"
            ));
            s.push_str(&format!(
                "    word_index[{hi}:{lo}] = (en & {carry}) ? {stepped} : kept[{hi}:{lo}];\n"
            ));
        }
        lo = hi + 1;
    }
    s.push_str(&format!(
        "end\nalways @(*) y = {{next_index, x[{l}:0]}};\n\
         always @(*) w = {{word_index, keep | en ? x[{l}:0] : {shift}'d0}};",
        l = shift - 1
    ));
    s
}

/// The frame's word size for a width: XLEN / 8 bytes (8 for the 64-bit
/// unit, 4 for the 32-bit one).
pub const fn frame_word_bytes(xlen: usize) -> u64 {
    (xlen / 8) as u64
}

/// A value of `M` bits as `N` bits: zero-extended when `N > M`, its low
/// `N` bits when `N < M`, itself when `N == M`. The unit joins its 64-bit
/// EVENT_INFO to its XLEN-bit words with it. Its Verilog module is
/// `<top>_fit_w<M>_w<N>`; when it cuts, the bits it drops go to a wire
/// `unused_high`, so that Verilator's lint (whose default
/// `--unused-regexp` is `*unused*`) does not report them.
#[derive(Clone, Debug, LogicBlock, Default)]
pub struct Fit<const M: usize, const N: usize> {
    /// The value.
    pub x: Signal<In, Bits<M>>,
    /// `x` fitted to `N` bits.
    pub y: Signal<Out, Bits<N>>,
}

impl<const M: usize, const N: usize> Logic for Fit<M, N> {
    fn update(&mut self) {
        self.y.next = bit_cast::<N, M>(self.x.val());
    }
    fn connect(&mut self) {
        self.y.connect();
    }
    fn hdl(&self) -> Verilog {
        let body = if N > M {
            format!("always @(*) y = {{{}'d0, x}};", N - M)
        } else if N < M {
            // The bits cut off are read into a wire named `unused_*`,
            // which Verilator's lint leaves alone: cutting them is the
            // purpose of this block.
            format!(
                "wire unused_high = |x[{}:{N}];\nalways @(*) y = x[{}:0];",
                M - 1,
                N - 1
            )
        } else {
            "always @(*) y = x;".to_string()
        };
        Verilog::Custom(format!("// Module name: fit_w{M}_w{N}\n{body}"))
    }
}
