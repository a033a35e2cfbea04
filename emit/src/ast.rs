//! The one representation every pass works on: a design is a list of
//! modules; a module is its ports and a list of items (declarations,
//! instances, continuous assignments, `always` and `initial` blocks, and
//! the comments and blank lines between them); statements and expressions
//! are trees.
//!
//! Items and statements keep the column they started at, and a statement
//! whether it started on the line before it (`if (c) x = y;`), so the
//! printer lays the design out as rust-hdl and the custom Verilog of its
//! primitives did. Expressions keep their parentheses.
//!
//! The passes change the tree through the `*_mut` visitors; the read-only
//! helpers (`idents`, `names`, `blocking_targets`) run the same visitors
//! on a copy, which keeps one traversal per node type (the designs are a
//! few thousand lines).

use crate::number::{parse_num, Num};

/// Every module of a file, in order.
#[derive(Clone, Debug, Default)]
pub struct Design {
    pub modules: Vec<Module>,
    /// Comments after the last module.
    pub trailer: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Module {
    pub name: String,
    /// The line of `module`.
    pub line: usize,
    /// Comments before `module`.
    pub prefix: Vec<String>,
    pub ports: Vec<String>,
    pub items: Vec<Item>,
    /// `endmodule // NAME` (the comment is rewritten with the name).
    pub end_comment: bool,
    /// Other modules merged into this one.
    pub merged: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub col: usize,
    pub kind: ItemKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ItemKind {
    /// An empty line.
    Blank,
    /// A comment, as written (`// Module name: word_up`).
    Comment(String),
    Decl(Decl),
    Instance(Instance),
    /// `assign lhs = rhs;`
    Assign(Expr, Expr),
    Always(Sens, Stmt),
    Initial(Stmt),
}

/// `input wire [7:0] a;`, `reg [7:0] mem [0:3];`, `localparam A = 1;`
#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    /// The words before the range: `input wire`, `output reg`, `reg`,
    /// `localparam`, `wire signed`.
    pub words: Vec<String>,
    pub range: Option<Range>,
    pub names: Vec<Declared>,
}

impl Decl {
    pub fn is_param(&self) -> bool {
        matches!(
            self.words.first().map(String::as_str),
            Some("localparam" | "parameter")
        )
    }
}

/// `[hi:lo]`
#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    pub hi: Expr,
    pub lo: Expr,
}

/// One name of a declaration, with its memory dimensions and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Declared {
    pub name: String,
    pub dims: Vec<Range>,
    pub init: Option<Expr>,
}

/// `type #(.P(v)) name (.port(expr), ...);`
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    pub module: String,
    pub params: Vec<(String, Option<Expr>)>,
    pub name: String,
    pub conns: Vec<(String, Option<Expr>)>,
}

/// What an `always` block waits for.
#[derive(Clone, Debug, PartialEq)]
pub enum Sens {
    /// `@(*)`, or `@*` when `parens` is false.
    Star { parens: bool },
    /// `@(posedge clock or b)`: (edge, signal).
    Events(Vec<(Option<String>, Expr)>),
}

impl Sens {
    pub fn is_comb(&self) -> bool {
        matches!(self, Sens::Star { .. })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub col: usize,
    /// Starts on the line of what comes before it (`if (c) x = y;`,
    /// `else begin`).
    pub same_line: bool,
    pub kind: StmtKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    Block(Vec<Stmt>),
    If {
        cond: Expr,
        then: Box<Stmt>,
        els: Option<Box<Stmt>>,
    },
    Case {
        /// `case`, `casez` or `casex`.
        keyword: String,
        expr: Expr,
        items: Vec<CaseItem>,
    },
    Assign {
        lhs: Expr,
        rhs: Expr,
        /// `<=` rather than `=`.
        nonblocking: bool,
    },
    Comment(String),
    /// `;`
    Empty,
}

/// `labels: body`; no labels is `default`.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseItem {
    pub col: usize,
    pub labels: Vec<Expr>,
    pub body: Stmt,
}

/// A number as written, and its value.
#[derive(Clone, Debug)]
pub struct Literal {
    pub text: String,
    pub num: Num,
}

impl PartialEq for Literal {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Literal {
    pub fn new(text: String) -> Literal {
        let num = parse_num(&text);
        Literal { text, num }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Num(Literal),
    Str(String),
    Ident(String),
    Select {
        base: Box<Expr>,
        sel: Sel,
    },
    Unary {
        op: String,
        e: Box<Expr>,
    },
    Binary {
        op: String,
        l: Box<Expr>,
        r: Box<Expr>,
    },
    Ternary {
        c: Box<Expr>,
        t: Box<Expr>,
        f: Box<Expr>,
    },
    Paren(Box<Expr>),
    Concat(Vec<Expr>),
    Repl {
        count: Box<Expr>,
        items: Vec<Expr>,
    },
    /// `$signed(a)`
    Call {
        name: String,
        args: Vec<Expr>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Sel {
    Bit(Box<Expr>),
    /// `[off +: width]` (`up`) or `[off -: width]`.
    Part {
        off: Box<Expr>,
        width: Box<Expr>,
        up: bool,
    },
    Range(Box<Expr>, Box<Expr>),
}

impl Expr {
    pub fn num(text: impl Into<String>) -> Expr {
        Expr::Num(Literal::new(text.into()))
    }

    /// The subexpressions, in the order they are written.
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        match self {
            Expr::Num(_) | Expr::Str(_) | Expr::Ident(_) => vec![],
            Expr::Select { base, sel } => {
                let mut v: Vec<&mut Expr> = vec![base];
                match sel {
                    Sel::Bit(a) => v.push(a),
                    Sel::Part { off, width, .. } => {
                        v.push(off);
                        v.push(width);
                    }
                    Sel::Range(a, b) => {
                        v.push(a);
                        v.push(b);
                    }
                }
                v
            }
            Expr::Unary { e, .. } | Expr::Paren(e) => vec![e],
            Expr::Binary { l, r, .. } => vec![l, r],
            Expr::Ternary { c, t, f } => vec![c, t, f],
            Expr::Concat(items) | Expr::Call { args: items, .. } => items.iter_mut().collect(),
            Expr::Repl { count, items } => {
                let mut v: Vec<&mut Expr> = vec![count];
                v.extend(items.iter_mut());
                v
            }
        }
    }

    /// Calls `f` on every name the expression reads.
    pub fn for_each_ident_mut(&mut self, f: &mut dyn FnMut(&mut String)) {
        if let Expr::Ident(n) = self {
            f(n);
        }
        for c in self.children_mut() {
            c.for_each_ident_mut(f);
        }
    }

    /// Every name in the expression.
    pub fn idents(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.clone()
            .for_each_ident_mut(&mut |n| out.push(n.clone()));
        out
    }

    /// The variable an assignment to this expression writes (`x`,
    /// `x[3:0]`, `x[(0)+:(1)]`).
    pub fn target(&self) -> Option<&str> {
        match self {
            Expr::Ident(n) => Some(n),
            Expr::Select { base, .. } => base.target(),
            _ => None,
        }
    }
}

impl Stmt {
    pub fn new(col: usize, kind: StmtKind) -> Stmt {
        Stmt {
            col,
            same_line: false,
            kind,
        }
    }

    /// The statements directly inside this one.
    pub fn children_mut(&mut self) -> Vec<&mut Stmt> {
        match &mut self.kind {
            StmtKind::Block(v) => v.iter_mut().collect(),
            StmtKind::If { then, els, .. } => {
                let mut v: Vec<&mut Stmt> = vec![then];
                if let Some(e) = els {
                    v.push(e);
                }
                v
            }
            StmtKind::Case { items, .. } => items.iter_mut().map(|i| &mut i.body).collect(),
            _ => vec![],
        }
    }

    /// The expressions of this statement itself (not of the ones inside
    /// it).
    pub fn exprs_mut(&mut self) -> Vec<&mut Expr> {
        match &mut self.kind {
            StmtKind::If { cond, .. } => vec![cond],
            StmtKind::Case { expr, items, .. } => {
                let mut v: Vec<&mut Expr> = vec![expr];
                for i in items {
                    v.extend(i.labels.iter_mut());
                }
                v
            }
            StmtKind::Assign { lhs, rhs, .. } => vec![lhs, rhs],
            _ => vec![],
        }
    }

    /// Calls `f` on this statement and every statement inside it.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Stmt)) {
        f(self);
        for c in self.children_mut() {
            c.walk_mut(f);
        }
    }

    /// Calls `f` on every name in the statement, written or read.
    pub fn for_each_ident_mut(&mut self, f: &mut dyn FnMut(&mut String)) {
        self.walk_mut(&mut |s| {
            for e in s.exprs_mut() {
                e.for_each_ident_mut(f);
            }
        });
    }

    /// Every name in the statement.
    pub fn idents(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.clone()
            .for_each_ident_mut(&mut |n| out.push(n.clone()));
        out
    }

    /// The variables the statement's blocking assignments write, once per
    /// assignment.
    pub fn blocking_targets(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.clone().walk_mut(&mut |s| {
            if let StmtKind::Assign {
                lhs,
                nonblocking: false,
                ..
            } = &s.kind
            {
                out.extend(lhs.target().map(str::to_string));
            }
        });
        out
    }
}

impl Item {
    /// Calls `f` on every name the item holds: declared names, names in
    /// expressions, instance, port and parameter names, module names of
    /// instances (with `true`).
    pub fn for_each_name_mut(&mut self, f: &mut dyn FnMut(&mut String, bool)) {
        let mut g = |n: &mut String| f(n, false);
        match &mut self.kind {
            ItemKind::Blank | ItemKind::Comment(_) => {}
            ItemKind::Decl(d) => {
                if let Some(r) = &mut d.range {
                    r.hi.for_each_ident_mut(&mut g);
                    r.lo.for_each_ident_mut(&mut g);
                }
                for n in &mut d.names {
                    g(&mut n.name);
                    for r in &mut n.dims {
                        r.hi.for_each_ident_mut(&mut g);
                        r.lo.for_each_ident_mut(&mut g);
                    }
                    if let Some(e) = &mut n.init {
                        e.for_each_ident_mut(&mut g);
                    }
                }
            }
            ItemKind::Instance(inst) => {
                f(&mut inst.module, true);
                for (p, e) in inst.params.iter_mut().chain(inst.conns.iter_mut()) {
                    f(p, false);
                    if let Some(e) = e {
                        e.for_each_ident_mut(&mut |n| f(n, false));
                    }
                }
                f(&mut inst.name, false);
            }
            ItemKind::Assign(l, r) => {
                l.for_each_ident_mut(&mut g);
                r.for_each_ident_mut(&mut g);
            }
            ItemKind::Always(sens, body) => {
                if let Sens::Events(evs) = sens {
                    for (_, e) in evs {
                        e.for_each_ident_mut(&mut g);
                    }
                }
                body.for_each_ident_mut(&mut g);
            }
            ItemKind::Initial(body) => body.for_each_ident_mut(&mut g),
        }
    }

    /// Every name the item holds except module names of instances.
    pub fn names(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.clone().for_each_name_mut(&mut |n, module| {
            if !module {
                out.push(n.clone())
            }
        });
        out
    }
}

impl Module {
    /// Every name in the module (ports, declarations, expressions,
    /// instances) except its own and its instances' module names.
    pub fn names(&self) -> Vec<String> {
        let mut out = self.ports.clone();
        for i in &self.items {
            out.extend(i.names());
        }
        out
    }
}
