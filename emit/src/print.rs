//! The printer: the [`ast`](crate::ast) back into Verilog text.
//!
//! It writes what rust-hdl writes: one item or statement per line at the
//! column it was read at, `begin` on the line of its `if`, `else` or
//! `always`, `end` and `else` under the line that opened them, single
//! spaces around binary operators, and the comments and blank lines
//! between items (at most one blank line in a row, none right after a
//! comment).

use crate::ast::*;

/// The whole file: `header`, the list of renamed keywords, then the
/// modules separated by blank lines.
pub fn print_design(design: &Design, header: &str, renamed: &[(String, String)]) -> String {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if !renamed.is_empty() {
        let list: Vec<String> = renamed.iter().map(|(a, b)| format!("{a} -> {b}")).collect();
        out.push_str(&format!(
            "// Names that are Verilog keywords were renamed: {}\n",
            list.join(", ")
        ));
    }
    let mut parts = Vec::new();
    for m in &design.modules {
        let mut part = String::new();
        for c in &m.prefix {
            part.push_str(c);
            part.push('\n');
        }
        if !m.merged.is_empty() {
            part.push_str(&format!("// Shared by: {}\n", m.merged.join(", ")));
        }
        part.push_str(&print_module(m, &m.name));
        parts.push(part);
    }
    if !design.trailer.is_empty() {
        parts.push(design.trailer.join("\n"));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&parts.join("\n\n"));
    out.push('\n');
    out
}

/// One module, named `name`, from `module` to `endmodule` (no newline
/// after it).
pub fn print_module(m: &Module, name: &str) -> String {
    let mut w = Writer::default();
    w.start(0);
    w.put(&format!("module {name}({});", m.ports.join(",")));
    for item in &m.items {
        print_item(&mut w, item);
    }
    w.start(0);
    w.put("endmodule");
    if m.end_comment {
        w.put(&format!(" // {name}"));
    }
    w.finish()
}

/// Lines being written.
#[derive(Default)]
struct Writer {
    lines: Vec<String>,
    /// The indentation of the last line.
    indent: usize,
}

impl Writer {
    fn start(&mut self, col: usize) {
        self.lines.push(" ".repeat(col));
        self.indent = col;
    }
    fn put(&mut self, s: &str) {
        self.lines
            .last_mut()
            .expect("a line was started")
            .push_str(s);
    }
    fn blank(&mut self) {
        let last = self.lines.last().map(|l| l.trim_start());
        if !last.is_some_and(|l| l.is_empty() || l.starts_with("//")) {
            self.lines.push(String::new());
        }
    }
    fn finish(self) -> String {
        self.lines.join("\n")
    }
}

fn print_item(w: &mut Writer, item: &Item) {
    if item.kind == ItemKind::Blank {
        w.blank();
        return;
    }
    w.start(item.col);
    match &item.kind {
        ItemKind::Blank => {}
        ItemKind::Comment(c) => w.put(c),
        ItemKind::Decl(d) => w.put(&decl(d)),
        ItemKind::Instance(inst) => instance(w, inst, item.col),
        ItemKind::Assign(l, r) => w.put(&format!("assign {} = {};", expr(l), expr(r))),
        ItemKind::Always(sens, body) => {
            w.put(&format!("always {}", sensitivity(sens)));
            child(w, body);
        }
        ItemKind::Initial(body) => {
            w.put("initial");
            child(w, body);
        }
    }
}

fn range(r: &Range) -> String {
    format!("[{}:{}]", expr(&r.hi), expr(&r.lo))
}

/// A declaration, on one line.
pub fn decl(d: &Decl) -> String {
    let mut s = d.words.join(" ");
    if let Some(r) = &d.range {
        s.push(' ');
        s.push_str(&range(r));
    }
    let names: Vec<String> = d
        .names
        .iter()
        .map(|n| {
            let mut t = n.name.clone();
            for r in &n.dims {
                t.push(' ');
                t.push_str(&range(r));
            }
            if let Some(e) = &n.init {
                t.push_str(" = ");
                t.push_str(&expr(e));
            }
            t
        })
        .collect();
    format!("{s} {};", names.join(", "))
}

fn named_list(w: &mut Writer, list: &[(String, Option<Expr>)], col: usize) {
    for (k, (name, e)) in list.iter().enumerate() {
        w.start(col + 4);
        let value = e.as_ref().map(expr).unwrap_or_default();
        let comma = if k + 1 < list.len() { "," } else { "" };
        w.put(&format!(".{name}({value}){comma}"));
    }
    w.start(col);
}

fn instance(w: &mut Writer, inst: &Instance, col: usize) {
    w.put(&inst.module);
    if !inst.params.is_empty() {
        w.put(" #(");
        named_list(w, &inst.params, col);
        w.put(")");
    }
    w.put(&format!(" {}(", inst.name));
    named_list(w, &inst.conns, col);
    w.put(");");
}

fn sensitivity(s: &Sens) -> String {
    match s {
        Sens::Star { parens: true } => "@(*)".to_string(),
        Sens::Star { parens: false } => "@*".to_string(),
        Sens::Events(evs) => {
            let evs: Vec<String> = evs
                .iter()
                .map(|(edge, e)| match edge {
                    Some(edge) => format!("{edge} {}", expr(e)),
                    None => expr(e),
                })
                .collect();
            format!("@({})", evs.join(" or "))
        }
    }
}

/// A statement after `always`, `if (...)`, `else` or a case label: on
/// that line if it was written there, else on its own line.
fn child(w: &mut Writer, s: &Stmt) {
    if s.same_line {
        w.put(" ");
    } else {
        w.start(s.col);
    }
    statement(w, s);
}

fn statement(w: &mut Writer, s: &Stmt) {
    let indent = w.indent;
    match &s.kind {
        StmtKind::Block(body) => {
            w.put("begin");
            for st in body {
                w.start(st.col);
                statement(w, st);
            }
            w.start(indent);
            w.put("end");
        }
        StmtKind::If { cond, then, els } => {
            w.put(&format!("if ({})", expr(cond)));
            child(w, then);
            if let Some(e) = els {
                w.start(indent);
                w.put("else");
                child(w, e);
            }
        }
        StmtKind::Case {
            keyword,
            expr: e,
            items,
        } => {
            w.put(&format!("{keyword} ({})", expr(e)));
            for item in items {
                w.start(item.col);
                if item.labels.is_empty() {
                    w.put("default:");
                } else {
                    let labels: Vec<String> = item.labels.iter().map(expr).collect();
                    w.put(&format!("{}:", labels.join(", ")));
                }
                child(w, &item.body);
            }
            w.start(indent);
            w.put("endcase");
        }
        StmtKind::Assign {
            lhs,
            rhs,
            nonblocking,
        } => {
            let op = if *nonblocking { "<=" } else { "=" };
            w.put(&format!("{} {op} {};", expr(lhs), expr(rhs)));
        }
        StmtKind::Comment(c) => w.put(c),
        StmtKind::Empty => w.put(";"),
    }
}

fn list(items: &[Expr]) -> String {
    items.iter().map(expr).collect::<Vec<_>>().join(", ")
}

/// An expression, as rust-hdl spaces it.
pub fn expr(e: &Expr) -> String {
    match e {
        Expr::Num(l) => l.text.clone(),
        Expr::Str(s) | Expr::Ident(s) => s.clone(),
        Expr::Select { base, sel } => {
            let sel = match sel {
                Sel::Bit(a) => expr(a),
                Sel::Part { off, width, up } => {
                    let op = if *up { "+:" } else { "-:" };
                    format!("{}{op}{}", expr(off), expr(width))
                }
                Sel::Range(h, l) => format!("{}:{}", expr(h), expr(l)),
            };
            format!("{}[{sel}]", expr(base))
        }
        Expr::Unary { op, e } => format!("{op}{}", expr(e)),
        Expr::Binary { op, l, r } => format!("{} {op} {}", expr(l), expr(r)),
        Expr::Ternary { c, t, f } => format!("{} ? {} : {}", expr(c), expr(t), expr(f)),
        Expr::Paren(e) => format!("({})", expr(e)),
        Expr::Concat(items) => format!("{{{}}}", list(items)),
        Expr::Repl { count, items } => format!("{{{}{{{}}}}}", expr(count), list(items)),
        Expr::Call { name, args } => format!("{name}({})", list(args)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    /// Text in rust-hdl's layout prints back as it was.
    #[test]
    fn rust_hdl_layout_round_trips() {
        let src = "module m(a,b,y);\n\n    // Module arguments\n    input wire [7:0] a;\n    \
                   input wire b;\n    output reg [7:0] y;\n    reg [7:0] mem [0:3];\n    \
                   wire [7:0] w = {a[3:0], 4'd0};\n\n    // Sub module instances\n    \
                   t_x x(\n        .a(a),\n        .y(w)\n    );\n\n    // Update code\n    \
                   always @(*) begin\n        y = ~a & (a + 8'h1);\n        \
                   if (b) begin\n            y = a[(0)+:(1)] ? a : {2{a[3:0]}};\n        end\n        \
                   else if (a == 8'h0) begin\n            y = 8'h0;\n        end\n        \
                   case (a)\n            0:\n                begin\n                    y = 1;\n                \
                   end\n            1, 2: y = 2;\n            default:\n                begin\n                \
                   end\n        endcase\n    end\n    always @(posedge b) begin\n       y <= a;\n    end\n    \
                   always @* y = ~|a;\n\nendmodule // m";
        let d = parse(src).unwrap();
        assert_eq!(print_module(&d.modules[0], "m"), src);
    }
}
