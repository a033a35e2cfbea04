//! `HexDigit`: the message printer's hex formatter, one nibble of the
//! printed fields as a lower-case ASCII digit.

use rust_hdl::prelude::*;

/// Selects a nibble of the printer's fields and gives it as a lower-case
/// hex digit: `sel[5:4]` picks `a`, `b` or the small fields `c` (cycles,
/// vector, cpl, step, steps, type, laid out as `demo_program::nibble`
/// says), `sel[3:0]` the nibble.
#[derive(LogicBlock, Default)]
pub struct HexDigit<const XLEN: usize = 64> {
    /// Field `a` (`sel[5:4]` = 0): the unit's `rip`.
    pub a: Signal<In, Bits<XLEN>>,
    /// Field `b` (`sel[5:4]` = 1): the unit's `rsp`.
    pub b: Signal<In, Bits<XLEN>>,
    /// Cycles of the transition (small fields, bits 7:0).
    pub cycles: Signal<In, Bits<8>>,
    /// Vector of the event (small fields, bits 15:8).
    pub vector: Signal<In, Bits<8>>,
    /// The unit's `cpl` (small fields, bits 17:16).
    pub cpl: Signal<In, Bits<2>>,
    /// The failing step (small fields, bits 27:20).
    pub step: Signal<In, Bits<8>>,
    /// Steps of the segment (small fields, bits 35:28).
    pub steps: Signal<In, Bits<8>>,
    /// Event type (small fields, bits 38:36).
    pub ty: Signal<In, Bits<3>>,
    /// Which nibble: field in bits 5:4, nibble in bits 3:0.
    pub sel: Signal<In, Bits<6>>,
    /// The nibble as `0`-`9`, `a`-`f`.
    pub ascii: Signal<Out, Bits<8>>,
}

impl<const XLEN: usize> Logic for HexDigit<XLEN> {
    fn update(&mut self) {
        let sel = self.sel.val().to_u64();
        let c = self.cycles.val().to_u64()
            | self.vector.val().to_u64() << 8
            | self.cpl.val().to_u64() << 16
            | self.step.val().to_u64() << 20
            | self.steps.val().to_u64() << 28
            | self.ty.val().to_u64() << 36;
        let word = match sel >> 4 {
            0 => self.a.val().to_u64(),
            1 => self.b.val().to_u64(),
            _ => c,
        };
        let nibble = (word >> ((sel & 15) * 4)) & 15;
        let ascii = if nibble < 10 {
            b'0' as u64 + nibble
        } else {
            b'a' as u64 + nibble - 10
        };
        self.ascii.next = ascii.into();
    }
    fn connect(&mut self) {
        self.ascii.connect();
    }
    fn hdl(&self) -> Verilog {
        // A 32-bit unit's `a` and `b` are read as 64 bits, zero above.
        let (wide, a, b) = if XLEN < 64 {
            (
                format!(
                    "wire [63:0] a64 = {{{pad}'d0, a}};\nwire [63:0] b64 = {{{pad}'d0, b}};\n",
                    pad = 64 - XLEN
                ),
                "a64",
                "b64",
            )
        } else {
            (String::new(), "a", "b")
        };
        Verilog::Custom(format!(
            "{wide}reg [3:0] nibble;\n\
             wire [63:0] c = {{24'd0, 1'b0, ty, steps, step, 2'd0, cpl, vector, cycles}};\n\
             always @(*) begin\n\
             \x20   case (sel[5:4])\n\
             \x20       2'd0: nibble = {a}[{{sel[3:0], 2'b00}} +: 4];\n\
             \x20       2'd1: nibble = {b}[{{sel[3:0], 2'b00}} +: 4];\n\
             \x20       default: nibble = c[{{sel[3:0], 2'b00}} +: 4];\n\
             \x20   endcase\n\
             \x20   if (nibble < 4'd10) ascii = {{4'd3, nibble}};\n\
             \x20   else ascii = {{4'd0, nibble}} + 8'd87;\n\
             end"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_digit_selects_nibbles() {
        let mut h: HexDigit = HexDigit::default();
        h.connect_all();
        h.a.next = 0x0123_4567_89ab_cdefu64.into();
        h.b.next = 0xf0u64.into();
        h.cycles.next = 0x5u64.into();
        for (sel, want) in [(0u64, b'f'), (15, b'0'), (6, b'9'), (17, b'f'), (32, b'5')] {
            h.sel.next = sel.into();
            assert!(simulate(&mut h, 10));
            assert_eq!(h.ascii.val().to_u64(), want as u64, "sel {sel}");
        }
    }
}
