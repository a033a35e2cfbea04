//! Literal widths. rust-hdl writes every integer literal as `32'h…`, which
//! `verilator -Wall` reports wherever the context is narrower or wider.
//!
//! Each literal is sized from its context as Verilog-2005 (§5.4) defines
//! it, leaving the literal itself out: in `x - 32'h8` with a 64-bit `x` it
//! becomes `64'h8`, in `sel == 32'h4` with a 3-bit `sel` `3'h4`, on the
//! right of `r = 32'h0` the width of `r`. Literals in self-determined
//! places (bit and part-select offsets, shift amounts, conditions) become
//! plain decimals. A literal whose value does not fit its context is left
//! as it is, so the lint still reports it. Rust-style case labels (`0x3`)
//! become Verilog.
//!
//! `bit_cast` (`((e) & W'hff…)`) becomes a zero-extension `{N'h0, (e)}`, a
//! part-select `e[W-1:0]`, or just `(e)`; `replace_bit`'s `(v) << i` gets
//! the same zero-extension. Declarations' initial values and instance
//! connections are left alone.
//!
//! The zero-extension is the one rewrite that can change the logic of
//! rust-hdl's text: where `e` is widened by its context before the mask
//! (`((~a) & 10'h3ff)` in a 32-bit expression inverts a's zero-extension,
//! setting bits 8 and 9), rust-hdl's Verilog disagrees with rust-hdl's own
//! simulation, which casts the 8-bit `~a`. The emitted `{2'h0, (~a)}`
//! follows the simulation (the board demo's UART stop bit depends on it),
//! and [`equiv`](crate::equiv) reports such a place as unproven.

use crate::ast::*;
use crate::number::{unsized_literal, Big};
use std::collections::BTreeMap;

/// The width of an expression as far as the emitter knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Width {
    Known(u32),
    /// A literal (or unsized parameter) that takes the width of its context.
    Flex,
    Unknown,
}

fn wmax(a: Width, b: Width) -> Width {
    match (a, b) {
        (Width::Unknown, _) | (_, Width::Unknown) => Width::Unknown,
        (Width::Known(x), Width::Known(y)) => Width::Known(x.max(y)),
        (Width::Known(x), Width::Flex) | (Width::Flex, Width::Known(x)) => Width::Known(x),
        (Width::Flex, Width::Flex) => Width::Flex,
    }
}

fn is_arith_or_bitwise(op: &str) -> bool {
    matches!(
        op,
        "+" | "-" | "*" | "/" | "%" | "&" | "|" | "^" | "~^" | "^~"
    )
}
fn is_comparison(op: &str) -> bool {
    matches!(op, "==" | "!=" | "===" | "!==" | "<" | "<=" | ">" | ">=")
}
fn is_shift(op: &str) -> bool {
    matches!(op, "<<" | ">>" | "<<<" | ">>>" | "**")
}

fn const_int(e: &Expr) -> Option<u64> {
    match e {
        Expr::Num(l) => l.num.value.as_ref().and_then(Big::to_u64),
        Expr::Paren(e) => const_int(e),
        _ => None,
    }
}

fn range_width(r: &Range) -> Width {
    match (const_int(&r.hi), const_int(&r.lo)) {
        (Some(h), Some(l)) => Width::Known((h.abs_diff(l) + 1) as u32),
        _ => Width::Unknown,
    }
}

/// The widths of the names a module declares.
fn declared_widths(m: &Module) -> BTreeMap<String, Width> {
    let mut out = BTreeMap::new();
    for item in &m.items {
        let ItemKind::Decl(d) = &item.kind else {
            continue;
        };
        let base = match &d.range {
            Some(r) => range_width(r),
            None if d.words.iter().any(|w| w == "integer") => Width::Known(32),
            None => Width::Known(1),
        };
        for n in &d.names {
            let w = if !n.dims.is_empty() {
                // A memory: its uses are left alone.
                Width::Unknown
            } else if d.is_param() && d.range.is_none() {
                match &n.init {
                    Some(Expr::Num(l)) => l.num.size.map_or(Width::Flex, Width::Known),
                    _ => Width::Unknown,
                }
            } else {
                base
            };
            out.insert(n.name.clone(), w);
        }
    }
    out
}

/// Sizes the literals of every statement and continuous assignment of `m`.
pub fn fix_widths(m: &mut Module) {
    let s = Sizer {
        widths: declared_widths(m),
    };
    for item in &mut m.items {
        match &mut item.kind {
            ItemKind::Assign(lhs, rhs) => s.assignment(lhs, rhs),
            ItemKind::Always(_, body) | ItemKind::Initial(body) => s.statement(body),
            _ => {}
        }
    }
}

/// `((e) & W'hff…)`: rust-hdl's `bit_cast` to width `W`; gives `e` and `W`.
fn as_bit_cast(e: &Expr) -> Option<(&Expr, u32)> {
    let Expr::Paren(e) = e else { return None };
    let Expr::Binary { op, l, r } = e.as_ref() else {
        return None;
    };
    let (Expr::Paren(inner), Expr::Num(mask)) = (l.as_ref(), r.as_ref()) else {
        return None;
    };
    let width = mask.num.size?;
    (op == "&" && mask.num.value.as_ref()?.is_all_ones(width)).then_some((inner, width))
}

/// The `e` of the bit cast `((e) & mask)`.
fn bit_cast_inner_mut(cast: &mut Expr) -> &mut Expr {
    const NOT: &str = "a bit cast is ((e) & mask)";
    let Expr::Paren(b) = cast else {
        panic!("{NOT}")
    };
    let Expr::Binary { l, .. } = b.as_mut() else {
        panic!("{NOT}")
    };
    let Expr::Paren(inner) = l.as_mut() else {
        panic!("{NOT}")
    };
    inner
}

fn can_truncate(e: &Expr) -> bool {
    match e {
        Expr::Ident(_) => true,
        Expr::Select {
            sel: Sel::Part { width, .. },
            ..
        } => literal_in(width).is_some(),
        _ => false,
    }
}

/// The literal of a number, possibly in parentheses.
fn literal_in(e: &Expr) -> Option<&Literal> {
    match e {
        Expr::Num(l) => Some(l),
        Expr::Paren(e) => literal_in(e),
        _ => None,
    }
}

/// The number of `e`, possibly in parentheses.
fn number_mut(e: &mut Expr) -> Option<&mut Expr> {
    match e {
        Expr::Num(_) => Some(e),
        Expr::Paren(e) => number_mut(e),
        _ => None,
    }
}

struct Sizer {
    widths: BTreeMap<String, Width>,
}

impl Sizer {
    fn assignment(&self, lhs: &mut Expr, rhs: &mut Expr) {
        let ctx = wmax(self.width(lhs), self.width(rhs));
        self.self_determined(lhs);
        self.context(rhs, ctx);
    }

    fn statement(&self, s: &mut Stmt) {
        match &mut s.kind {
            StmtKind::Assign { lhs, rhs, .. } => self.assignment(lhs, rhs),
            StmtKind::If { cond, .. } => self.self_determined(cond),
            StmtKind::Case { expr, items, .. } => {
                let labels = items.iter().flat_map(|i| i.labels.iter());
                let ctx = labels.fold(self.width(expr), |w, l| wmax(w, self.width(l)));
                self.context(expr, ctx);
                for l in items.iter_mut().flat_map(|i| i.labels.iter_mut()) {
                    self.context(l, ctx);
                }
            }
            _ => {}
        }
        for c in s.children_mut() {
            self.statement(c);
        }
    }

    /// The width `e` determines by itself (Verilog-2005 table 5-22), after
    /// the rewrites this pass makes.
    fn width(&self, e: &Expr) -> Width {
        match e {
            Expr::Num(_) => Width::Flex,
            Expr::Str(_) => Width::Unknown,
            Expr::Ident(n) => self.widths.get(n).copied().unwrap_or(Width::Unknown),
            Expr::Select { base, .. } if self.width(base) == Width::Unknown => Width::Unknown,
            Expr::Select { sel, .. } => match sel {
                Sel::Bit(_) => Width::Known(1),
                Sel::Part { width, .. } => {
                    const_int(width).map_or(Width::Unknown, |w| Width::Known(w as u32))
                }
                Sel::Range(h, l) => match (const_int(h), const_int(l)) {
                    (Some(h), Some(l)) => Width::Known((h.abs_diff(l) + 1) as u32),
                    _ => Width::Unknown,
                },
            },
            Expr::Unary { op, e } if matches!(op.as_str(), "-" | "~" | "+") => self.width(e),
            Expr::Unary { .. } => Width::Known(1),
            Expr::Binary { op, l, r } if is_arith_or_bitwise(op) => {
                wmax(self.width(l), self.width(r))
            }
            Expr::Binary { op, l, .. } if is_shift(op) => self.width(l),
            Expr::Binary { .. } => Width::Known(1),
            Expr::Ternary { t, f, .. } => wmax(self.width(t), self.width(f)),
            Expr::Paren(inner) => match as_bit_cast(e) {
                Some((inner, w)) => match self.width(inner) {
                    Width::Known(x) if x > w && !can_truncate(inner) => Width::Known(x),
                    Width::Known(_) => Width::Known(w),
                    _ => Width::Unknown,
                },
                None => self.width(inner),
            },
            Expr::Concat(items) => self.concat_width(items),
            Expr::Repl { count, items } => match (const_int(count), self.concat_width(items)) {
                (Some(n), Width::Known(w)) => Width::Known(n as u32 * w),
                _ => Width::Unknown,
            },
            Expr::Call { name, args } => match (name.as_str(), args.as_slice()) {
                ("$signed" | "$unsigned", [a]) => self.width(a),
                _ => Width::Unknown,
            },
        }
    }

    fn concat_width(&self, items: &[Expr]) -> Width {
        let mut sum = 0;
        for item in items {
            let w = match item {
                Expr::Num(l) => l.num.size.map_or(Width::Unknown, Width::Known),
                other => self.width(other),
            };
            match w {
                Width::Known(x) => sum += x,
                _ => return Width::Unknown,
            }
        }
        Width::Known(sum)
    }

    fn self_determined(&self, e: &mut Expr) {
        let w = self.width(e);
        self.context(e, w);
    }

    /// Visits `e`, evaluated in a context of width `ctx`.
    fn context(&self, e: &mut Expr, ctx: Width) {
        if as_bit_cast(e).is_some() {
            return self.bit_cast(e, ctx);
        }
        match e {
            Expr::Num(l) => size_literal(l, ctx),
            Expr::Str(_) | Expr::Ident(_) => {}
            Expr::Select { .. } | Expr::Call { .. } => {
                for c in e.children_mut() {
                    self.self_determined(c);
                }
            }
            Expr::Unary { op, e } if matches!(op.as_str(), "-" | "~" | "+") => self.context(e, ctx),
            Expr::Unary { e, .. } => self.self_determined(e),
            Expr::Binary { op, l, r } if is_arith_or_bitwise(op) => {
                self.context(l, ctx);
                self.context(r, ctx);
            }
            Expr::Binary { op, l, r } if is_comparison(op) => {
                let c = wmax(self.width(l), self.width(r));
                self.context(l, c);
                self.context(r, c);
            }
            Expr::Binary { op, l, r } if is_shift(op) => {
                self.zero_extend_shifted(l, ctx);
                self.self_determined(r);
            }
            Expr::Binary { l, r, .. } => {
                self.self_determined(l);
                self.self_determined(r);
            }
            Expr::Ternary { c, t, f } => {
                self.self_determined(c);
                self.context(t, ctx);
                self.context(f, ctx);
            }
            Expr::Paren(inner) => self.context(inner, ctx),
            Expr::Concat(items) | Expr::Repl { items, .. } => {
                for item in items {
                    // Unsized literals are not allowed in a concatenation.
                    if !matches!(item, Expr::Num(_)) {
                        self.self_determined(item);
                    }
                }
            }
        }
    }

    /// The left operand of a shift is context-determined; rust-hdl's
    /// `replace_bit` shifts a 1-bit value in a wide context: zero-extend it.
    fn zero_extend_shifted(&self, l: &mut Expr, ctx: Width) {
        if let (Expr::Paren(inner), Width::Known(c)) = (&*l, ctx) {
            if !matches!(inner.as_ref(), Expr::Num(_)) && as_bit_cast(l).is_none() {
                if let Width::Known(w) = self.width(inner) {
                    if w < c {
                        let mut paren = std::mem::replace(l, Expr::num("0"));
                        if let Expr::Paren(inner) = &mut paren {
                            self.self_determined(inner);
                        }
                        *l = Expr::Concat(vec![Expr::num(format!("{}'h0", c - w)), paren]);
                        return;
                    }
                }
            }
        }
        self.context(l, ctx);
    }

    /// Rewrites `e`, a bit cast to width `w`, in a context of width `ctx`.
    fn bit_cast(&self, e: &mut Expr, ctx: Width) {
        let (inner, w) = as_bit_cast(e).expect("a bit cast");
        let inner_width = match self.width(inner) {
            Width::Known(x) if x <= w || can_truncate(inner) => x,
            // Verilog-2005 cannot part-select a wider expression: leave it.
            _ => return self.self_determined(bit_cast_inner_mut(e)),
        };
        let mut inner = std::mem::replace(bit_cast_inner_mut(e), Expr::num("0"));
        let paren = |e: Expr| Expr::Paren(Box::new(e));
        *e = if inner_width == w {
            self.context(&mut inner, ctx);
            paren(paren(inner))
        } else if inner_width < w {
            self.self_determined(&mut inner);
            let ext = Expr::num(format!("{}'h0", w - inner_width));
            paren(Expr::Concat(vec![ext, paren(inner)]))
        } else {
            paren(paren(self.truncate(inner, w)))
        };
    }

    /// `x` or `x[(o)+:(n)]` narrowed to its low `w` bits.
    fn truncate(&self, e: Expr, w: u32) -> Expr {
        match e {
            Expr::Ident(_) => {
                let sel = if w == 1 {
                    Sel::Bit(Box::new(Expr::num("0")))
                } else {
                    Sel::Range(
                        Box::new(Expr::num((w - 1).to_string())),
                        Box::new(Expr::num("0")),
                    )
                };
                Expr::Select {
                    base: Box::new(e),
                    sel,
                }
            }
            Expr::Select {
                mut base,
                sel:
                    Sel::Part {
                        mut off,
                        mut width,
                        up,
                    },
            } => {
                if let Some(n) = number_mut(&mut width) {
                    *n = Expr::num(w.to_string());
                }
                self.self_determined(&mut base);
                self.self_determined(&mut off);
                Expr::Select {
                    base,
                    sel: Sel::Part { off, width, up },
                }
            }
            other => other,
        }
    }
}

/// Rewrites a literal for a context of width `ctx`.
fn size_literal(l: &mut Literal, ctx: Width) {
    let Some(v) = &l.num.value else { return };
    let text = match ctx {
        Width::Known(n) if v.bits() <= n => format!("{n}'h{}", v.hex()),
        // Does not fit: leave it for the lint to report, but valid.
        Width::Known(_) if l.num.rust_style => unsized_literal(v),
        Width::Known(_) => return,
        Width::Flex | Width::Unknown
            if l.num.size.is_none() || l.num.size == Some(32) || l.num.rust_style =>
        {
            unsized_literal(v)
        }
        Width::Flex | Width::Unknown => return,
    };
    *l = Literal::new(text);
}

#[cfg(test)]
mod tests {
    use crate::test_util::*;
    #[test]
    fn literals_take_the_width_of_their_context() {
        let out = tidied(&comb(
            "    reg [63:0] x;\n    reg [2:0] sel;\n    reg [7:0] a;\n    reg b;\n    reg [63:0] y;",
            "        y = 32'h0;\n        y = x - 32'h8;\n        b = sel == 32'h4;\n        \
             if (a == 32'hff) b = 1;\n        a = a + 1;\n        y = 64'h5;\n        b = 1'b1;",
        ));
        for want in [
            "y = 64'h0;",
            "y = x - 64'h8;",
            "b = sel == 3'h4;",
            "if (a == 8'hff) b = 1'h1;",
            "a = a + 8'h1;",
            "y = 64'h5;",
            "b = 1'h1;",
        ] {
            assert!(out.contains(want), "missing `{want}` in\n{out}");
        }
    }

    #[test]
    fn self_determined_literals_become_plain_decimals() {
        let out = tidied(&comb(
            "    reg [7:0] a;\n    reg [2:0] s;\n    reg b;\n    reg [7:0] y;",
            "        s = a[(32'h0)+:(3)];\n        b = a[32'h3];\n        y = a << 32'h2;\n        \
             if (32'h1) b = 0;\n        b = !32'h0;",
        ));
        for want in [
            "s = a[(0)+:(3)];",
            "b = a[3];",
            "y = a << 2;",
            "if (1) b = 1'h0;",
            "b = !0;",
        ] {
            assert!(out.contains(want), "missing `{want}` in\n{out}");
        }
    }

    #[test]
    fn case_labels_are_sized_and_rust_forms_become_verilog() {
        let out = tidied(&comb(
            "    reg [2:0] sel;\n    reg b;\n    reg [1:0] st;\n    localparam S$A = 0;",
            "        case (sel)\n            0:\n                begin\n                    b = 0;\n                \
             end\n            0x3:\n                begin\n                    b = 1;\n                end\n            \
             5u32: b = 1;\n            default:\n                begin\n                end\n        endcase\n        \
             case (st)\n            S$A: b = 0;\n            default: b = 1;\n        endcase",
        ));
        for want in [
            "3'h0:",
            "3'h3:",
            "3'h5: b = 1'h1;",
            "S_A: b = 1'h0;",
            "localparam S_A = 0;",
        ] {
            assert!(out.contains(want), "missing `{want}` in\n{out}");
        }
        assert!(!out.contains("0x3") && !out.contains("u32"), "{out}");
    }

    #[test]
    fn literals_that_do_not_fit_are_left_for_the_lint() {
        let out = tidied(&comb(
            "    reg [2:0] sel;\n    reg b;",
            "        b = sel == 32'h9;\n        case (sel)\n            0x10: b = 1;\n            \
             default: b = 0;\n        endcase",
        ));
        assert!(out.contains("b = sel == 32'h9;"), "{out}");
        assert!(out.contains("16: b = 1'h1;"), "{out}");
    }

    #[test]
    fn bit_casts_become_extensions_selects_or_nothing() {
        let out = tidied(&comb(
            "    reg [7:0] a;\n    reg [15:0] w;\n    reg [3:0] n;\n    reg [63:0] y;\n    reg [7:0] same;",
            "        w = ((a) & 16'hffff) + 32'h1;\n        y = ((a) & 64'hffffffffffffffff) << 32'h8;\n        \
             n = ((w) & 4'hf);\n        n = ((w[(32'h4)+:(8)]) & 4'hf);\n        same = ((a) & 8'hff);\n        \
             n = ((a + w) & 4'hf);",
        ));
        for want in [
            "w = ({8'h0, (a)}) + 16'h1;",
            "y = ({56'h0, (a)}) << 8;",
            "n = ((w[3:0]));",
            "n = ((w[(4)+:(4)]));",
            "same = ((a));",
            // A wider expression cannot be part-selected in Verilog-2005: left as it is.
            "n = ((a + w) & 4'hf);",
        ] {
            assert!(out.contains(want), "missing `{want}` in\n{out}");
        }
    }

    #[test]
    fn replace_bit_value_is_zero_extended() {
        let out = tidied(&comb(
            "    reg [63:0] r;\n    reg f;",
            "        r = (r & ~(1 << (32'h5)) | ((f) << (32'h5)));",
        ));
        assert!(
            out.contains("r = (r & ~(64'h1 << (5)) | ({63'h0, (f)} << (5)));"),
            "{out}"
        );
    }
}
