//! The parser: tokens into the [`ast`](crate::ast), for the Verilog-2005
//! subset rust-hdl 0.46 writes and the custom Verilog of its primitives
//! (declarations with ranges, memories and initial values, `localparam`,
//! instances with named connections and `#(...)` parameters, `assign`,
//! `always` with `@(*)`, `@*` or edges, `initial`, `begin`/`end`,
//! `if`/`else`, `case`, blocking and nonblocking assignments, and
//! expressions with Verilog's precedence).
//!
//! Anything else is an error naming the module and the line: a module
//! the emitter cannot read is never passed through unchanged.

use crate::ast::*;
use crate::lex::{lex, Kind, Tok, STRUCTURAL_KEYWORDS};
use anyhow::{anyhow, Result};

/// Parses a whole file.
pub fn parse(src: &str) -> Result<Design> {
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        module: String::new(),
    };
    p.design()
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    /// The module being parsed, for errors.
    module: String,
}

fn binary_precedence(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "|" => 3,
        "^" | "~^" | "^~" => 4,
        "&" => 5,
        "==" | "!=" | "===" | "!==" => 6,
        "<" | "<=" | ">" | ">=" => 7,
        "<<" | ">>" | "<<<" | ">>>" => 8,
        "+" | "-" => 9,
        "*" | "/" | "%" => 10,
        "**" => 11,
        _ => return None,
    })
}

const UNARY: [&str; 11] = ["+", "-", "!", "~", "&", "|", "^", "~&", "~|", "~^", "^~"];

impl Parser {
    fn tok(&self) -> &Tok {
        &self.toks[self.pos]
    }
    fn peek(&self) -> &str {
        &self.toks[self.pos].text
    }
    fn peek_at(&self, k: usize) -> &str {
        self.toks.get(self.pos + k).map_or("", |t| t.text.as_str())
    }
    fn bump(&mut self) -> Result<Tok> {
        let t = self.toks[self.pos].clone();
        if t.kind == Kind::Eof {
            return Err(self.error("unexpected end of text"));
        }
        self.pos += 1;
        Ok(t)
    }
    fn error(&self, what: &str) -> anyhow::Error {
        let t = self.tok();
        let found = if t.kind == Kind::Eof {
            "the end of the text".to_string()
        } else {
            format!("`{}`", t.text)
        };
        if self.module.is_empty() {
            anyhow!(
                "cannot parse the Verilog at line {}: {what}, found {found}",
                t.line
            )
        } else {
            anyhow!(
                "cannot parse module `{}` at line {}: {what}, found {found}",
                self.module,
                t.line
            )
        }
    }
    fn expect(&mut self, s: &str) -> Result<Tok> {
        if self.tok().is(s) {
            self.bump()
        } else {
            Err(self.error(&format!("expected `{s}`")))
        }
    }
    fn ident(&mut self, what: &str) -> Result<String> {
        if self.tok().kind == Kind::Ident {
            Ok(self.bump()?.text)
        } else {
            Err(self.error(&format!("expected {what}")))
        }
    }
    /// The comments before the current token, and a blank line where one
    /// was, as items or statements.
    fn trivia(&mut self) -> Vec<(usize, Option<String>)> {
        let t = &mut self.toks[self.pos];
        let mut out = Vec::new();
        for c in std::mem::take(&mut t.comments) {
            if c.blank_before {
                out.push((c.col, None));
            }
            out.push((c.col, Some(c.text)));
        }
        if std::mem::take(&mut t.blank_before) {
            out.push((t.col, None));
        }
        out
    }

    // ------------------------------------------------------------ design --

    fn design(&mut self) -> Result<Design> {
        let mut design = Design::default();
        let mut prefix = Vec::new();
        let mut last_end_line = None;
        loop {
            let t = &mut self.toks[self.pos];
            for c in std::mem::take(&mut t.comments) {
                let end_comment = Some(c.line) == last_end_line;
                if end_comment {
                    let m: &mut Module = design.modules.last_mut().expect("a module ended");
                    m.end_comment = c.text.trim_start_matches('/').trim() == m.name;
                } else {
                    prefix.push(c.text);
                }
            }
            match self.tok().kind {
                Kind::Eof => {
                    design.trailer = prefix;
                    return Ok(design);
                }
                _ if self.tok().is("module") || self.tok().is("macromodule") => {
                    let mut m = self.module()?;
                    m.prefix = std::mem::take(&mut prefix);
                    last_end_line = Some(self.toks[self.pos - 1].line);
                    design.modules.push(m);
                }
                _ => return Err(self.error("expected `module`")),
            }
        }
    }

    fn module(&mut self) -> Result<Module> {
        let line = self.bump()?.line;
        self.module = String::new();
        let name = self.ident("a module name")?;
        self.module = name.clone();
        if self.tok().is("#") {
            return Err(self.error("module parameters are not supported"));
        }
        let mut ports = Vec::new();
        if self.tok().is("(") {
            self.bump()?;
            while !self.tok().is(")") {
                ports.push(self.ident("a port name")?);
                if !self.tok().is(")") {
                    self.expect(",")?;
                }
            }
            self.bump()?;
        }
        self.expect(";")?;
        let mut items = Vec::new();
        loop {
            for (col, c) in self.trivia() {
                items.push(Item {
                    col,
                    kind: c.map_or(ItemKind::Blank, ItemKind::Comment),
                });
            }
            if self.tok().is("endmodule") {
                self.bump()?;
                break;
            }
            let col = self.tok().col;
            let kind = self.item()?;
            items.push(Item { col, kind });
        }
        Ok(Module {
            name,
            line,
            prefix: Vec::new(),
            ports,
            items,
            end_comment: false,
            merged: Vec::new(),
        })
    }

    fn item(&mut self) -> Result<ItemKind> {
        Ok(match self.peek() {
            "input" | "output" | "inout" | "reg" | "wire" | "integer" | "localparam" => {
                ItemKind::Decl(self.declaration()?)
            }
            "assign" => {
                self.bump()?;
                let lhs = self.primary()?;
                self.expect("=")?;
                let rhs = self.expr()?;
                self.expect(";")?;
                ItemKind::Assign(lhs, rhs)
            }
            "always" => {
                self.bump()?;
                let sens = self.sensitivity()?;
                let body = self.statement()?;
                ItemKind::Always(sens, body)
            }
            "initial" => {
                self.bump()?;
                ItemKind::Initial(self.statement()?)
            }
            _ if self.tok().kind == Kind::Ident
                && (self.peek_at(1) == "#" || self.peek_at(2) == "(") =>
            {
                ItemKind::Instance(self.instance()?)
            }
            _ => return Err(self.error("expected a declaration, instance, assign or always")),
        })
    }

    fn range(&mut self) -> Result<Range> {
        self.expect("[")?;
        let hi = self.expr()?;
        self.expect(":")?;
        let lo = self.expr()?;
        self.expect("]")?;
        Ok(Range { hi, lo })
    }

    fn declaration(&mut self) -> Result<Decl> {
        let mut words = vec![self.bump()?.text];
        while matches!(
            self.peek(),
            "wire" | "reg" | "signed" | "unsigned" | "integer"
        ) {
            words.push(self.bump()?.text);
        }
        let range = if self.tok().is("[") {
            Some(self.range()?)
        } else {
            None
        };
        let mut names = Vec::new();
        loop {
            let name = self.ident("a name")?;
            let mut dims = Vec::new();
            while self.tok().is("[") {
                dims.push(self.range()?);
            }
            let init = if self.tok().is("=") {
                self.bump()?;
                Some(self.expr()?)
            } else {
                None
            };
            names.push(Declared { name, dims, init });
            if !self.tok().is(",") {
                break;
            }
            self.bump()?;
        }
        self.expect(";")?;
        Ok(Decl {
            words,
            range,
            names,
        })
    }

    /// `(.name(expr), ...)`
    fn named_list(&mut self) -> Result<Vec<(String, Option<Expr>)>> {
        self.expect("(")?;
        let mut out = Vec::new();
        while !self.tok().is(")") {
            self.expect(".")?;
            let name = self.ident("a port or parameter name")?;
            self.expect("(")?;
            let e = if self.tok().is(")") {
                None
            } else {
                Some(self.expr()?)
            };
            self.expect(")")?;
            out.push((name, e));
            if !self.tok().is(")") {
                self.expect(",")?;
            }
        }
        self.bump()?;
        Ok(out)
    }

    fn instance(&mut self) -> Result<Instance> {
        let module = self.ident("a module name")?;
        let params = if self.tok().is("#") {
            self.bump()?;
            self.named_list()?
        } else {
            Vec::new()
        };
        let name = self.ident("an instance name")?;
        let conns = self.named_list()?;
        self.expect(";")?;
        Ok(Instance {
            module,
            params,
            name,
            conns,
        })
    }

    fn sensitivity(&mut self) -> Result<Sens> {
        self.expect("@")?;
        if self.tok().is("*") {
            self.bump()?;
            return Ok(Sens::Star { parens: false });
        }
        self.expect("(")?;
        if self.tok().is("*") {
            self.bump()?;
            self.expect(")")?;
            return Ok(Sens::Star { parens: true });
        }
        let mut events = Vec::new();
        loop {
            let edge = if matches!(self.peek(), "posedge" | "negedge") {
                Some(self.bump()?.text)
            } else {
                None
            };
            events.push((edge, self.expr()?));
            if !(self.tok().is("or") || self.tok().is(",")) {
                break;
            }
            self.bump()?;
        }
        self.expect(")")?;
        Ok(Sens::Events(events))
    }

    // -------------------------------------------------------- statements --

    fn statement(&mut self) -> Result<Stmt> {
        let prev_line = self.toks[self.pos - 1].line;
        let (col, line) = (self.tok().col, self.tok().line);
        let kind = self.statement_kind()?;
        Ok(Stmt {
            col,
            same_line: line == prev_line,
            kind,
        })
    }

    fn statement_kind(&mut self) -> Result<StmtKind> {
        Ok(match self.peek() {
            "begin" => {
                self.bump()?;
                if self.tok().is(":") {
                    return Err(self.error("named blocks are not supported"));
                }
                let mut body = Vec::new();
                loop {
                    for (col, c) in self.trivia() {
                        if let Some(c) = c {
                            body.push(Stmt::new(col, StmtKind::Comment(c)));
                        }
                    }
                    if self.tok().is("end") {
                        break;
                    }
                    body.push(self.statement()?);
                }
                self.bump()?;
                StmtKind::Block(body)
            }
            "if" => {
                self.bump()?;
                self.expect("(")?;
                let cond = self.expr()?;
                self.expect(")")?;
                let then = Box::new(self.statement()?);
                let els = if self.tok().is("else") {
                    self.bump()?;
                    Some(Box::new(self.statement()?))
                } else {
                    None
                };
                StmtKind::If { cond, then, els }
            }
            "case" | "casez" | "casex" => self.case()?,
            ";" => {
                self.bump()?;
                StmtKind::Empty
            }
            _ => {
                let lhs = self.primary()?;
                if !matches!(lhs, Expr::Ident(_) | Expr::Select { .. } | Expr::Concat(_)) {
                    return Err(self.error("expected a statement"));
                }
                let nonblocking = match self.peek() {
                    "=" => false,
                    "<=" => true,
                    _ => return Err(self.error("expected `=` or `<=`")),
                };
                self.bump()?;
                let rhs = self.expr()?;
                self.expect(";")?;
                StmtKind::Assign {
                    lhs,
                    rhs,
                    nonblocking,
                }
            }
        })
    }

    fn case(&mut self) -> Result<StmtKind> {
        let keyword = self.bump()?.text;
        self.expect("(")?;
        let expr = self.expr()?;
        self.expect(")")?;
        let mut items = Vec::new();
        while !self.tok().is("endcase") {
            let _ = self.trivia();
            let col = self.tok().col;
            let mut labels = Vec::new();
            if self.tok().is("default") {
                self.bump()?;
                if self.tok().is(":") {
                    self.bump()?;
                }
            } else {
                loop {
                    labels.push(self.expr()?);
                    if !self.tok().is(",") {
                        break;
                    }
                    self.bump()?;
                }
                self.expect(":")?;
            }
            let body = self.statement()?;
            items.push(CaseItem { col, labels, body });
        }
        self.bump()?;
        Ok(StmtKind::Case {
            keyword,
            expr,
            items,
        })
    }

    // ------------------------------------------------------- expressions --

    fn expr(&mut self) -> Result<Expr> {
        let c = self.binary(1)?;
        if self.tok().is("?") {
            self.bump()?;
            let t = self.expr()?;
            self.expect(":")?;
            let f = self.expr()?;
            return Ok(Expr::Ternary {
                c: Box::new(c),
                t: Box::new(t),
                f: Box::new(f),
            });
        }
        Ok(c)
    }

    fn binary(&mut self, min: u8) -> Result<Expr> {
        let mut l = self.unary()?;
        while let Some(p) = Some(self.tok())
            .filter(|t| t.kind == Kind::Punct)
            .and_then(|t| binary_precedence(&t.text))
        {
            if p < min {
                break;
            }
            let op = self.bump()?.text;
            let r = self.binary(p + 1)?;
            l = Expr::Binary {
                op,
                l: Box::new(l),
                r: Box::new(r),
            };
        }
        Ok(l)
    }

    fn unary(&mut self) -> Result<Expr> {
        if self.tok().kind == Kind::Punct && UNARY.contains(&self.peek()) {
            let op = self.bump()?.text;
            let e = self.unary()?;
            return Ok(Expr::Unary { op, e: Box::new(e) });
        }
        self.primary()
    }

    fn list(&mut self, close: &str) -> Result<Vec<Expr>> {
        let mut items = vec![self.expr()?];
        while self.tok().is(",") {
            self.bump()?;
            items.push(self.expr()?);
        }
        self.expect(close)?;
        Ok(items)
    }

    fn primary(&mut self) -> Result<Expr> {
        let t = self.tok().clone();
        match t.kind {
            Kind::Number => {
                self.bump()?;
                Ok(Expr::Num(Literal::new(t.text)))
            }
            Kind::Str => {
                self.bump()?;
                Ok(Expr::Str(t.text))
            }
            Kind::Ident if !STRUCTURAL_KEYWORDS.contains(&t.text.as_str()) => {
                self.bump()?;
                if self.tok().is("(") {
                    return Err(self.error("function calls are not supported"));
                }
                self.selects(Expr::Ident(t.text))
            }
            Kind::System => {
                self.bump()?;
                let mut args = Vec::new();
                if self.tok().is("(") {
                    self.bump()?;
                    args = self.list(")")?;
                }
                Ok(Expr::Call { name: t.text, args })
            }
            Kind::Punct if t.text == "(" => {
                self.bump()?;
                let e = self.expr()?;
                self.expect(")")?;
                Ok(Expr::Paren(Box::new(e)))
            }
            Kind::Punct if t.text == "{" => {
                self.bump()?;
                let first = self.expr()?;
                if self.tok().is("{") {
                    self.bump()?;
                    let items = self.list("}")?;
                    self.expect("}")?;
                    return Ok(Expr::Repl {
                        count: Box::new(first),
                        items,
                    });
                }
                let mut items = vec![first];
                if self.tok().is(",") {
                    self.bump()?;
                    items.extend(self.list("}")?);
                } else {
                    self.expect("}")?;
                }
                Ok(Expr::Concat(items))
            }
            _ => Err(self.error("expected an expression")),
        }
    }

    /// `base[...]...`
    fn selects(&mut self, mut e: Expr) -> Result<Expr> {
        while self.tok().is("[") {
            self.bump()?;
            let a = self.expr()?;
            let sel = match self.peek() {
                "+:" | "-:" => {
                    let up = self.bump()?.text == "+:";
                    Sel::Part {
                        off: Box::new(a),
                        width: Box::new(self.expr()?),
                        up,
                    }
                }
                ":" => {
                    self.bump()?;
                    Sel::Range(Box::new(a), Box::new(self.expr()?))
                }
                _ => Sel::Bit(Box::new(a)),
            };
            self.expect("]")?;
            e = Expr::Select {
                base: Box::new(e),
                sel,
            };
        }
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_it_cannot_read_is_an_error_naming_module_and_line() {
        let src = "module top();\nendmodule\nmodule odd(a);\n    input wire a;\n    \
                   always @(*) begin\n        #5 a = 0;\n    end\nendmodule\n";
        let err = parse(src).unwrap_err().to_string();
        assert!(
            err.starts_with("cannot parse module `odd` at line 6:"),
            "{err}"
        );
        assert!(err.contains("`#`"), "{err}");
        let err = parse("module top();\n    wire x\nendmodule\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("module `top` at line 3: expected `;`"),
            "{err}"
        );
        assert!(parse("wire x;").is_err());
    }

    #[test]
    fn statements_keep_their_layout_and_comments() {
        let src = "module m(a,y);\n    \n    // Update code\n    always @(*) begin\n        \
                   if (a) y = 1;\n        else begin\n            y = 0;\n        end\n    end\n\
                   endmodule // m\n";
        let d = parse(src).unwrap();
        let m = &d.modules[0];
        assert!(m.end_comment);
        assert_eq!(m.ports, ["a", "y"]);
        assert_eq!(m.items[0].kind, ItemKind::Blank);
        assert_eq!(m.items[1].kind, ItemKind::Comment("// Update code".into()));
        let ItemKind::Always(Sens::Star { parens: true }, body) = &m.items[2].kind else {
            panic!("{:?}", m.items[2]);
        };
        assert!(body.same_line);
        let StmtKind::Block(stmts) = &body.kind else {
            panic!()
        };
        let StmtKind::If { then, els, .. } = &stmts[0].kind else {
            panic!()
        };
        assert!(then.same_line && els.as_ref().unwrap().same_line);
        assert_eq!(stmts[0].col, 8);
    }
}
