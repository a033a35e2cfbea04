//! Emission: turn the text that rust-hdl 0.46's `generate_verilog` writes
//! into the Verilog file the project ships.
//!
//! rust-hdl's output has problems that Verilator, Icarus and Yosys notice
//! (see `STYLE.md`, "rust-hdl 0.46 pitfalls"). [`tidy`] fixes them on the
//! text, with a small Verilog lexer and an expression parser for the subset
//! rust-hdl writes:
//!
//! 1. **Names.** The top module `top` becomes `<top_name>`, a child module
//!    `top$a$b` becomes `<top_name>_a_b`, and every other `x$y` becomes
//!    `x_y`. Two names that become one are an error naming both.
//! 2. **Flip-flop `initial` blocks** (`initial begin q = 0; end`, written by
//!    every `DFF`) are removed: iCE40 flip-flops ignore them and the design
//!    has an explicit synchronous reset. Enum `localparam`s that a module
//!    never reads are removed too (rust-hdl copies them into every `DFF`).
//! 3. **Duplicate modules.** rust-hdl writes one module per instance. Modules
//!    whose bodies are the same after renaming are merged into one: a
//!    flip-flop becomes `<top_name>_dff_w<WIDTH>`, a leaf primitive whose
//!    custom Verilog has a `// Module name: NAME` line becomes
//!    `<top_name>_NAME`, any other group keeps the name of its first member;
//!    a merged module gets a comment naming the instances it replaced.
//!    Instantiations are rewritten. This repeats until nothing changes.
//! 4. **Literal widths.** rust-hdl writes every integer literal as `32'h…`.
//!    Each literal is sized from its context as Verilog-2005 (§5.4) defines
//!    it, leaving the literal itself out: in `x - 32'h8` with a 64-bit `x`
//!    it becomes `64'h8`, in `sel == 32'h4` with a 3-bit `sel` `3'h4`, on
//!    the right of `r = 32'h0` the width of `r`. Literals in self-determined
//!    places (bit and part-select offsets, shift amounts, conditions) become
//!    plain decimals. A literal whose value does not fit its context is left
//!    as it is, so the lint still reports it. Rust-style case labels
//!    (`0x3`) become Verilog. `bit_cast` (`((e) & W'hff…)`) becomes a
//!    zero-extension `{N'h0, (e)}`, a part-select `e[W-1:0]`, or just `(e)`;
//!    `replace_bit`'s `(v) << i` gets the same zero-extension.
//! 5. **Keywords.** A name that is a Verilog or SystemVerilog keyword
//!    (`event`) gets a `_` suffix (`event_`); the header says which.
//!
//! The result starts with `header` (`//` comment lines), contains no `$`
//! anywhere (an error otherwise, e.g. for `$signed`), ends with a newline,
//! and depends only on the input.

use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};

/// The name rust-hdl gives the top module.
const RUST_HDL_TOP: &str = "top";

/// Tidies `raw`, the output of `rust_hdl::prelude::generate_verilog`, into a
/// file whose top module is `top_name`, starting with `header` (lines that
/// are empty or start with `//`). See the module documentation for what
/// changes.
pub fn tidy(raw: &str, top_name: &str, header: &str) -> Result<String> {
    check_top_name(top_name)?;
    check_header(header)?;
    let toks = lex(raw).context("cannot read the Verilog rust-hdl wrote")?;
    let mut design = split_modules(toks)?;
    if !design.modules.iter().any(|m| m.name == RUST_HDL_TOP) {
        bail!(
            "no module `{RUST_HDL_TOP}` in the input: expected the output of rust-hdl's \
             generate_verilog"
        );
    }
    for m in &mut design.modules {
        remove_flop_initials(m);
        remove_unused_enum_params(m);
    }
    let renamed = rename(&mut design, top_name)?;
    for m in &mut design.modules {
        fix_widths(m);
    }
    merge_duplicates(&mut design, top_name);
    // The top first, then the other blocks as rust-hdl ordered them, then
    // the flip-flops by width.
    design
        .modules
        .sort_by_key(|m| dff_shape(m).map_or((0, false, 0), |(w, s)| (1, s, w)));
    let mut seen = BTreeSet::new();
    for m in &design.modules {
        if !seen.insert(m.name.clone()) {
            bail!(
                "two modules are named `{}` after renaming and merging",
                m.name
            );
        }
    }
    let text = render(&design, header, &renamed);
    let text = crate::split_blocks::split_blocks(&text)?;
    let text = crate::write_once::write_once(&text)?;
    if let Some((n, line)) = text.lines().enumerate().find(|(_, l)| l.contains('$')) {
        bail!(
            "the emitted Verilog would contain `$` at line {}: `{}` (system functions such as \
             $signed are not allowed; change the Rust source)",
            n + 1,
            line.trim()
        );
    }
    Ok(text)
}

fn check_top_name(top_name: &str) -> Result<()> {
    let mut chars = top_name.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok || is_keyword(top_name) {
        bail!("top module name `{top_name}` is not a plain Verilog identifier");
    }
    Ok(())
}

fn check_header(header: &str) -> Result<()> {
    for (n, line) in header.lines().enumerate() {
        let t = line.trim();
        if !t.is_empty() && !t.starts_with("//") {
            bail!("header line {} is not a `//` comment: `{}`", n + 1, line);
        }
        if t.contains('$') {
            bail!("header line {} contains `$`: `{}`", n + 1, line);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- lexer --

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Ws,
    Comment,
    Ident,
    System,
    Number,
    Str,
    Punct,
    /// A token removed by a transformation; renders as nothing.
    Gone,
}

#[derive(Clone, Debug)]
struct Tok {
    kind: Kind,
    text: String,
}

impl Tok {
    fn is(&self, s: &str) -> bool {
        self.kind != Kind::Gone && self.text == s
    }
    fn significant(&self) -> bool {
        !matches!(self.kind, Kind::Ws | Kind::Comment | Kind::Gone)
    }
}

const PUNCTS: [&str; 19] = [
    "<<<", ">>>", "===", "!==", "==", "!=", "<=", ">=", "<<", ">>", "&&", "||", "+:", "-:", "~&",
    "~|", "~^", "^~", "**",
];

fn ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$'
}

fn base_byte(c: u8) -> bool {
    matches!(c, b'b' | b'B' | b'o' | b'O' | b'd' | b'D' | b'h' | b'H')
}

/// If `b[k]` is the `'` of a based literal, returns the end of the literal.
fn based_literal_end(b: &[u8], k: usize) -> Option<usize> {
    let mut i = k + 1;
    if i < b.len() && (b[i] == b's' || b[i] == b'S') {
        i += 1;
    }
    if i >= b.len() || !base_byte(b[i]) {
        return None;
    }
    i += 1;
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    let start = i;
    while i < b.len() && (b[i].is_ascii_hexdigit() || b"xXzZ?_".contains(&b[i])) {
        i += 1;
    }
    (i > start).then_some(i)
}

fn lex(src: &str) -> Result<Vec<Tok>> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let c = b[i];
        let next = b.get(i + 1).copied();
        let kind = if c.is_ascii_whitespace() {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            Kind::Ws
        } else if c == b'/' && next == Some(b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            Kind::Comment
        } else if c == b'/' && next == Some(b'*') {
            let end = src[i + 2..].find("*/").context("unterminated /* comment")?;
            i += 2 + end + 2;
            Kind::Comment
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && ident_byte(b[i]) {
                i += 1;
            }
            Kind::Ident
        } else if c == b'\\' {
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            Kind::Ident
        } else if c == b'$' {
            i += 1;
            while i < b.len() && ident_byte(b[i]) {
                i += 1;
            }
            Kind::System
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
                i += 1;
            }
            let mut k = i;
            while k < b.len() && (b[k] == b' ' || b[k] == b'\t') {
                k += 1;
            }
            if let Some(end) = (k < b.len() && b[k] == b'\'')
                .then(|| based_literal_end(b, k))
                .flatten()
            {
                i = end;
            } else {
                // Rust-style forms in case labels: 0x3, 5u32.
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
            }
            Kind::Number
        } else if let Some(end) = (c == b'\'').then(|| based_literal_end(b, i)).flatten() {
            i = end;
            Kind::Number
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            if i >= b.len() {
                bail!("unterminated string");
            }
            i += 1;
            Kind::Str
        } else if c == b'`' {
            i += 1;
            while i < b.len() && ident_byte(b[i]) {
                i += 1;
            }
            Kind::Punct
        } else if let Some(p) = PUNCTS.iter().find(|p| src[i..].starts_with(**p)) {
            i += p.len();
            Kind::Punct
        } else {
            i += src[i..].chars().next().map_or(1, char::len_utf8);
            Kind::Punct
        };
        out.push(Tok {
            kind,
            text: src[start..i].to_string(),
        });
    }
    Ok(out)
}

// -------------------------------------------------------------- numbers --

/// A non-negative integer of any width, little-endian 32-bit limbs, no
/// leading zero limbs (zero is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn parse(digits: &str, radix: u32) -> Option<Big> {
        let mut limbs: Vec<u32> = Vec::new();
        let mut any = false;
        for ch in digits.chars().filter(|&c| c != '_') {
            let d = ch.to_digit(radix)?;
            any = true;
            let mut carry = u64::from(d);
            for l in limbs.iter_mut() {
                let v = u64::from(*l) * u64::from(radix) + carry;
                *l = v as u32;
                carry = v >> 32;
            }
            if carry != 0 {
                limbs.push(carry as u32);
            }
        }
        any.then_some(Big(limbs))
    }
    /// Bits needed to hold the value (0 for zero).
    fn bits(&self) -> u32 {
        self.0.last().map_or(0, |t| {
            (self.0.len() as u32 - 1) * 32 + (32 - t.leading_zeros())
        })
    }
    fn is_all_ones(&self, width: u32) -> bool {
        width > 0
            && self.bits() == width
            && self.0.iter().map(|l| l.count_ones()).sum::<u32>() == width
    }
    fn hex(&self) -> String {
        match self.0.split_last() {
            None => "0".to_string(),
            Some((top, rest)) => {
                let mut s = format!("{top:x}");
                for l in rest.iter().rev() {
                    s.push_str(&format!("{l:08x}"));
                }
                s
            }
        }
    }
    fn to_u64(&self) -> Option<u64> {
        match self.0.as_slice() {
            [] => Some(0),
            [a] => Some(u64::from(*a)),
            [a, b] => Some(u64::from(*a) | u64::from(*b) << 32),
            _ => None,
        }
    }
}

/// A parsed number token.
#[derive(Clone, Debug)]
struct Num {
    /// Width from `W'…`; `None` for unsized and plain decimals.
    size: Option<u32>,
    /// `None` when it has x/z digits.
    value: Option<Big>,
    /// Written the Rust way (`0x3`, `5u32`): not valid Verilog as it is.
    rust_style: bool,
}

const RUST_SUFFIXES: [&str; 12] = [
    "u128", "i128", "usize", "isize", "u64", "i64", "u32", "i32", "u16", "i16", "u8", "i8",
];

fn parse_num(text: &str) -> Num {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(q) = compact.find('\'') {
        let size = compact[..q].replace('_', "").parse().ok();
        let mut rest = &compact[q + 1..];
        if rest.starts_with(['s', 'S']) {
            rest = &rest[1..];
        }
        let radix = match rest.chars().next().map(|c| c.to_ascii_lowercase()) {
            Some('b') => 2,
            Some('o') => 8,
            Some('d') => 10,
            _ => 16,
        };
        return Num {
            size,
            value: Big::parse(&rest[1..], radix),
            rust_style: false,
        };
    }
    let mut t = compact.replace('_', "");
    let rust_style = t.chars().any(|c| c.is_ascii_alphabetic());
    if let Some(s) = RUST_SUFFIXES.iter().find(|s| t.ends_with(**s)) {
        t.truncate(t.len() - s.len());
    }
    let (digits, radix) = match t.get(..2) {
        Some("0x") | Some("0X") => (&t[2..], 16),
        Some("0o") => (&t[2..], 8),
        Some("0b") => (&t[2..], 2),
        _ => (&t[..], 10),
    };
    Num {
        size: None,
        value: Big::parse(digits, radix),
        rust_style,
    }
}

// -------------------------------------------------------------- modules --

struct Module {
    name: String,
    /// Comments and directives before `module`.
    prefix: Vec<Tok>,
    /// From `module` to `endmodule` (and its `// name` comment).
    toks: Vec<Tok>,
    name_tok: usize,
    /// The `// name` comment after `endmodule`, rewritten with the name.
    end_comment: Option<usize>,
    /// Tokens naming the type of an instance.
    inst_types: Vec<usize>,
    /// Other modules merged into this one.
    merged: Vec<String>,
}

impl Module {
    fn sig(&self) -> Vec<usize> {
        (0..self.toks.len())
            .filter(|&i| self.toks[i].significant())
            .collect()
    }
    /// Removes tokens `from..=to`, and the line they were on if they were
    /// all of it.
    fn blank(&mut self, from: usize, to: usize) {
        for t in &mut self.toks[from..=to] {
            t.kind = Kind::Gone;
            t.text.clear();
        }
        let before = (0..from).rev().find(|&i| self.toks[i].kind != Kind::Gone);
        let after = (to + 1..self.toks.len()).find(|&i| self.toks[i].kind != Kind::Gone);
        if let (Some(b), Some(a)) = (before, after) {
            let starts_line = self.toks[b].kind == Kind::Ws && self.toks[b].text.contains('\n');
            let ends_line = self.toks[a].kind == Kind::Ws
                && self.toks[a]
                    .text
                    .trim_start_matches([' ', '\t'])
                    .starts_with('\n');
            if starts_line && ends_line {
                let t = &mut self.toks[b].text;
                if let Some(k) = t.rfind('\n') {
                    t.truncate(k);
                }
            }
        }
    }
}

struct Design {
    modules: Vec<Module>,
    trailer: Vec<Tok>,
}

fn split_modules(toks: Vec<Tok>) -> Result<Design> {
    let mut modules = Vec::new();
    let mut pending: Vec<Tok> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if !(t.kind == Kind::Ident && (t.text == "module" || t.text == "macromodule")) {
            pending.push(t.clone());
            i += 1;
            continue;
        }
        let end = (i..toks.len())
            .find(|&k| toks[k].is("endmodule"))
            .context("a module has no endmodule")?;
        let mut last = end;
        let mut k = end + 1;
        if k < toks.len() && toks[k].kind == Kind::Ws && !toks[k].text.contains('\n') {
            k += 1;
        }
        let mut end_comment = None;
        if k < toks.len() && toks[k].kind == Kind::Comment && toks[k].text.starts_with("//") {
            last = k;
            end_comment = Some(k - i);
        }
        let body: Vec<Tok> = toks[i..=last].to_vec();
        let name_tok = (1..body.len())
            .find(|&k| body[k].significant())
            .filter(|&k| body[k].kind == Kind::Ident)
            .context("a module has no name")?;
        let name = body[name_tok].text.clone();
        if let Some(c) = end_comment {
            if body[c].text.trim_start_matches('/').trim() != name {
                end_comment = None;
            }
        }
        let mut m = Module {
            name,
            prefix: trim_ws(std::mem::take(&mut pending)),
            toks: body,
            name_tok,
            end_comment,
            inst_types: Vec::new(),
            merged: Vec::new(),
        };
        m.inst_types = find_instance_types(&m);
        modules.push(m);
        i = last + 1;
    }
    Ok(Design {
        modules,
        trailer: trim_ws(pending),
    })
}

fn trim_ws(mut toks: Vec<Tok>) -> Vec<Tok> {
    while toks.first().is_some_and(|t| t.kind == Kind::Ws) {
        toks.remove(0);
    }
    while toks.last().is_some_and(|t| t.kind == Kind::Ws) {
        toks.pop();
    }
    toks
}

/// `type name (` or `type #(`: the positions of `type`.
fn find_instance_types(m: &Module) -> Vec<usize> {
    let sig = m.sig();
    let mut out = Vec::new();
    for w in sig.windows(3) {
        let (a, b, c) = (&m.toks[w[0]], &m.toks[w[1]], &m.toks[w[2]]);
        if w[0] == m.name_tok || a.kind != Kind::Ident || is_keyword(&a.text) {
            continue;
        }
        if (b.kind == Kind::Ident && c.is("(")) || b.is("#") {
            out.push(w[0]);
        }
    }
    out
}

/// Names declared in a module: ports, signals, parameters, instances.
fn declared_names(m: &Module) -> BTreeSet<String> {
    const DECL_START: [&str; 9] = [
        "input",
        "output",
        "inout",
        "reg",
        "wire",
        "localparam",
        "parameter",
        "integer",
        "genvar",
    ];
    let sig = m.sig();
    let mut out = BTreeSet::new();
    let mut k = 0;
    while k < sig.len() {
        let t = &m.toks[sig[k]];
        if sig[k] == m.name_tok && sig.get(k + 1).is_some_and(|&j| m.toks[j].is("(")) {
            k += 2;
            while k < sig.len() && !m.toks[sig[k]].is(")") {
                if m.toks[sig[k]].kind == Kind::Ident {
                    out.insert(m.toks[sig[k]].text.clone());
                }
                k += 1;
            }
        } else if t.kind == Kind::Ident && DECL_START.contains(&t.text.as_str()) {
            let (mut depth, mut in_value) = (0i32, false);
            k += 1;
            while k < sig.len() && !m.toks[sig[k]].is(";") {
                let u = &m.toks[sig[k]];
                match u.text.as_str() {
                    "[" | "(" | "{" => depth += 1,
                    "]" | ")" | "}" => depth -= 1,
                    "=" if depth == 0 => in_value = true,
                    "," if depth == 0 => in_value = false,
                    _ => {
                        let decl_word = DECL_START.contains(&u.text.as_str())
                            || matches!(u.text.as_str(), "signed" | "unsigned");
                        if depth == 0 && !in_value && u.kind == Kind::Ident && !decl_word {
                            out.insert(u.text.clone());
                        }
                    }
                }
                k += 1;
            }
        } else if m.inst_types.contains(&sig[k]) {
            if let Some(&j) = sig.get(k + 1) {
                if m.toks[j].kind == Kind::Ident {
                    out.insert(m.toks[j].text.clone());
                }
            }
        }
        k += 1;
    }
    out
}

// ------------------------------------------------- initials and enums --

/// Removes `initial begin q = <number>; end` (and `initial q = <number>;`).
fn remove_flop_initials(m: &mut Module) {
    let sig = m.sig();
    let mut k = 0;
    while k < sig.len() {
        if !m.toks[sig[k]].is("initial") {
            k += 1;
            continue;
        }
        let is_assign = |j: usize| {
            j + 3 < sig.len()
                && m.toks[sig[j]].kind == Kind::Ident
                && m.toks[sig[j + 1]].is("=")
                && m.toks[sig[j + 2]].kind == Kind::Number
                && m.toks[sig[j + 3]].is(";")
        };
        let mut end = None;
        if sig.get(k + 1).is_some_and(|&j| m.toks[j].is("begin")) {
            let mut j = k + 2;
            while is_assign(j) {
                j += 4;
            }
            if j > k + 2 && sig.get(j).is_some_and(|&e| m.toks[e].is("end")) {
                end = Some(j);
            }
        } else if is_assign(k + 1) {
            end = Some(k + 4);
        }
        match end {
            Some(e) => {
                m.blank(sig[k], sig[e]);
                k = e + 1;
            }
            None => k += 1,
        }
    }
}

/// Removes `localparam NAME = <decimal>;` (rust-hdl's enum encodings) that
/// the module never reads, and a `// Enums` comment left with nothing.
fn remove_unused_enum_params(m: &mut Module) {
    let sig = m.sig();
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in &sig {
        if m.toks[i].kind == Kind::Ident {
            *uses.entry(m.toks[i].text.as_str()).or_default() += 1;
        }
    }
    let mut drop = Vec::new();
    for w in sig.windows(5) {
        let t = |j: usize| &m.toks[w[j]];
        if t(0).is("localparam")
            && t(1).kind == Kind::Ident
            && t(2).is("=")
            && t(3).kind == Kind::Number
            && t(3).text.bytes().all(|c| c.is_ascii_digit())
            && t(4).is(";")
            && uses.get(t(1).text.as_str()) == Some(&1)
        {
            drop.push((w[0], w[4]));
        }
    }
    for (a, b) in drop {
        m.blank(a, b);
    }
    for i in 0..m.toks.len() {
        if m.toks[i].kind == Kind::Comment && m.toks[i].text.trim() == "// Enums" {
            let next = (i + 1..m.toks.len())
                .find(|&j| m.toks[j].significant() || m.toks[j].kind == Kind::Comment);
            if !next.is_some_and(|j| m.toks[j].is("localparam")) {
                m.blank(i, i);
            }
        }
    }
}

// ---------------------------------------------------------------- names --

fn rename(design: &mut Design, top_name: &str) -> Result<Vec<(String, String)>> {
    // Module names.
    let mut module_map: BTreeMap<String, String> = BTreeMap::new();
    let mut by_new: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in &design.modules {
        let new = if m.name == RUST_HDL_TOP {
            top_name.to_string()
        } else if let Some(rest) = m.name.strip_prefix("top$") {
            format!("{top_name}_{}", rest.replace('$', "_"))
        } else {
            m.name.replace('$', "_")
        };
        by_new.entry(new.clone()).or_default().push(m.name.clone());
        module_map.insert(m.name.clone(), new);
    }
    let clashes: Vec<String> = by_new
        .iter()
        .filter(|(_, olds)| olds.len() > 1)
        .map(|(new, olds)| format!("{} -> {new}", olds.join(", ")))
        .collect();
    if !clashes.is_empty() {
        bail!(
            "module names collide after renaming: {}",
            clashes.join("; ")
        );
    }

    // Keywords used as names.
    let mut keyword_names = BTreeSet::new();
    for m in &design.modules {
        keyword_names.extend(declared_names(m).into_iter().filter(|n| is_keyword(n)));
    }
    let structural: Vec<&String> = keyword_names
        .iter()
        .filter(|n| STRUCTURAL_KEYWORDS.contains(&n.as_str()))
        .collect();
    if !structural.is_empty() {
        bail!(
            "names that are Verilog keywords rust-hdl itself writes cannot be renamed safely: {}; \
             rename them in the Rust source",
            structural
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let new_ident = |old: &str| {
        let s = old.replace('$', "_");
        if keyword_names.contains(old) {
            format!("{s}_")
        } else {
            s
        }
    };

    for m in &mut design.modules {
        let old_module_name = m.name.clone();
        m.name = module_map[&m.name].clone();
        let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for i in 0..m.toks.len() {
            let t = &mut m.toks[i];
            if t.kind == Kind::Comment {
                t.text = t.text.replace('$', "_");
                continue;
            }
            if t.kind != Kind::Ident {
                continue;
            }
            if i == m.name_tok {
                t.text = m.name.clone();
            } else if m.inst_types.contains(&i) {
                if let Some(new) = module_map.get(&t.text) {
                    t.text = new.clone();
                }
            } else {
                let new = new_ident(&t.text);
                seen.entry(new.clone()).or_default().insert(t.text.clone());
                t.text = new;
            }
        }
        let clashes: Vec<String> = seen
            .iter()
            .filter(|(_, olds)| olds.len() > 1)
            .map(|(new, olds)| {
                let olds: Vec<String> = olds.iter().map(|o| format!("`{o}`")).collect();
                format!("{} all become `{new}`", olds.join(" and "))
            })
            .collect();
        if !clashes.is_empty() {
            bail!(
                "names collide after renaming in module `{old_module_name}`: {}; rename one of \
                 them in the Rust source",
                clashes.join("; ")
            );
        }
    }
    Ok(keyword_names
        .iter()
        .map(|k| (k.clone(), new_ident(k)))
        .collect())
}

// -------------------------------------------------------- expressions --

#[derive(Clone, Debug)]
enum Expr {
    Num {
        tok: usize,
        num: Num,
    },
    Ident {
        tok: usize,
    },
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
    Paren {
        open: usize,
        e: Box<Expr>,
        close: usize,
    },
    Concat {
        items: Vec<Expr>,
    },
    Repl {
        count: Box<Expr>,
        items: Vec<Expr>,
    },
    Call {
        name: String,
        args: Vec<Expr>,
    },
}

#[derive(Clone, Debug)]
enum Sel {
    Bit(Box<Expr>),
    /// `[off +: width]` or `[off -: width]`.
    Part(Box<Expr>, Box<Expr>),
    Range(Box<Expr>, Box<Expr>),
}

/// Work found while parsing, analysed once the declarations are known.
enum Work {
    Assign(Expr, Expr),
    SelfDetermined(Expr),
    Case(Expr, Vec<Expr>),
}

struct Parser<'a> {
    toks: &'a [Tok],
    sig: Vec<usize>,
    pos: usize,
    work: Vec<Work>,
    widths: BTreeMap<String, Width>,
}

type PResult<T> = std::result::Result<T, ()>;

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

impl<'a> Parser<'a> {
    fn new(toks: &'a [Tok]) -> Self {
        let sig = (0..toks.len()).filter(|&i| toks[i].significant()).collect();
        Parser {
            toks,
            sig,
            pos: 0,
            work: Vec::new(),
            widths: BTreeMap::new(),
        }
    }
    fn tok(&self) -> Option<&'a Tok> {
        self.sig.get(self.pos).map(|&i| &self.toks[i])
    }
    fn peek(&self) -> &'a str {
        self.tok().map_or("", |t| t.text.as_str())
    }
    fn peek_at(&self, k: usize) -> &'a str {
        self.sig
            .get(self.pos + k)
            .map_or("", |&i| self.toks[i].text.as_str())
    }
    fn bump(&mut self) -> PResult<usize> {
        let i = *self.sig.get(self.pos).ok_or(())?;
        self.pos += 1;
        Ok(i)
    }
    fn expect(&mut self, s: &str) -> PResult<usize> {
        if self.peek() == s {
            self.bump()
        } else {
            Err(())
        }
    }
    /// Skips a balanced `(…)`, `[…]` or `{…}` starting at the current token.
    fn skip_balanced(&mut self) -> PResult<()> {
        let mut depth = 0i32;
        loop {
            match self.peek() {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth -= 1,
                "" => return Err(()),
                _ => {}
            }
            self.bump()?;
            if depth == 0 {
                return Ok(());
            }
        }
    }

    fn module(&mut self) -> PResult<()> {
        self.expect("module")?;
        self.bump()?;
        if self.peek() == "#" {
            return Err(());
        }
        if self.peek() == "(" {
            self.skip_balanced()?;
        }
        self.expect(";")?;
        loop {
            match self.peek() {
                "endmodule" => return Ok(()),
                "input" | "output" | "inout" | "reg" | "wire" | "integer" | "localparam" => {
                    self.declaration()?
                }
                "always" => {
                    self.bump()?;
                    if self.peek() == "@" {
                        self.bump()?;
                        if self.peek() == "*" {
                            self.bump()?;
                        } else {
                            self.skip_balanced()?;
                        }
                    }
                    self.statement()?;
                }
                "initial" => {
                    self.bump()?;
                    self.statement()?;
                }
                "assign" => {
                    self.bump()?;
                    let lhs = self.primary()?;
                    self.expect("=")?;
                    let rhs = self.expr()?;
                    self.expect(";")?;
                    self.work.push(Work::Assign(lhs, rhs));
                }
                _ => {
                    let is_instance = self.tok().is_some_and(|t| t.kind == Kind::Ident)
                        && (self.peek_at(2) == "(" || self.peek_at(1) == "#");
                    if !is_instance {
                        return Err(());
                    }
                    self.bump()?;
                    if self.peek() == "#" {
                        self.bump()?;
                        self.skip_balanced()?;
                    }
                    self.bump()?;
                    self.skip_balanced()?;
                    self.expect(";")?;
                }
            }
        }
    }

    fn const_int(&self, e: &Expr) -> Option<u64> {
        match e {
            Expr::Num { num, .. } => num.value.as_ref().and_then(Big::to_u64),
            Expr::Paren { e, .. } => self.const_int(e),
            _ => None,
        }
    }

    fn declaration(&mut self) -> PResult<()> {
        let is_param = self.peek() == "localparam";
        let mut width = if self.peek() == "integer" {
            Width::Known(32)
        } else {
            Width::Known(1)
        };
        let mut ranged = false;
        self.bump()?;
        while matches!(
            self.peek(),
            "wire" | "reg" | "signed" | "unsigned" | "integer"
        ) {
            if self.peek() == "integer" {
                width = Width::Known(32);
            }
            self.bump()?;
        }
        if self.peek() == "[" {
            self.bump()?;
            let hi = self.expr()?;
            self.expect(":")?;
            let lo = self.expr()?;
            self.expect("]")?;
            ranged = true;
            width = match (self.const_int(&hi), self.const_int(&lo)) {
                (Some(h), Some(l)) => Width::Known((h.abs_diff(l) + 1) as u32),
                _ => Width::Unknown,
            };
        }
        loop {
            let name = self.tok().filter(|t| t.kind == Kind::Ident).ok_or(())?;
            self.bump()?;
            let mut w = width;
            if self.peek() == "[" {
                // A memory: leave its uses alone.
                self.skip_balanced()?;
                w = Width::Unknown;
            }
            if self.peek() == "=" {
                self.bump()?;
                let value = self.expr()?;
                if is_param && !ranged {
                    w = match &value {
                        Expr::Num { num, .. } => num.size.map_or(Width::Flex, Width::Known),
                        _ => Width::Unknown,
                    };
                }
            }
            self.widths.insert(name.text.clone(), w);
            if self.peek() == "," {
                self.bump()?;
            } else {
                break;
            }
        }
        self.expect(";")?;
        Ok(())
    }

    fn statement(&mut self) -> PResult<()> {
        match self.peek() {
            "begin" => {
                self.bump()?;
                if self.peek() == ":" {
                    self.bump()?;
                    self.bump()?;
                }
                while self.peek() != "end" {
                    self.statement()?;
                }
                self.bump()?;
            }
            "if" => {
                self.bump()?;
                self.expect("(")?;
                let c = self.expr()?;
                self.expect(")")?;
                self.work.push(Work::SelfDetermined(c));
                self.statement()?;
                if self.peek() == "else" {
                    self.bump()?;
                    self.statement()?;
                }
            }
            "case" | "casez" | "casex" => {
                self.bump()?;
                self.expect("(")?;
                let e = self.expr()?;
                self.expect(")")?;
                let mut labels = Vec::new();
                while self.peek() != "endcase" {
                    if self.peek() == "default" {
                        self.bump()?;
                        if self.peek() == ":" {
                            self.bump()?;
                        }
                    } else {
                        loop {
                            labels.push(self.expr()?);
                            if self.peek() != "," {
                                break;
                            }
                            self.bump()?;
                        }
                        self.expect(":")?;
                    }
                    self.statement()?;
                }
                self.bump()?;
                self.work.push(Work::Case(e, labels));
            }
            ";" => {
                self.bump()?;
            }
            _ => {
                let lhs = self.primary()?;
                if !matches!(
                    lhs,
                    Expr::Ident { .. } | Expr::Select { .. } | Expr::Concat { .. }
                ) {
                    return Err(());
                }
                if self.peek() != "=" && self.peek() != "<=" {
                    return Err(());
                }
                self.bump()?;
                let rhs = self.expr()?;
                self.expect(";")?;
                self.work.push(Work::Assign(lhs, rhs));
            }
        }
        Ok(())
    }

    fn expr(&mut self) -> PResult<Expr> {
        let c = self.binary(1)?;
        if self.peek() == "?" {
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

    fn binary(&mut self, min: u8) -> PResult<Expr> {
        let mut l = self.unary()?;
        while let Some(p) = self
            .tok()
            .filter(|t| t.kind == Kind::Punct)
            .and_then(|t| binary_precedence(&t.text))
        {
            if p < min {
                break;
            }
            let op = self.peek().to_string();
            self.bump()?;
            let r = self.binary(p + 1)?;
            l = Expr::Binary {
                op,
                l: Box::new(l),
                r: Box::new(r),
            };
        }
        Ok(l)
    }

    fn unary(&mut self) -> PResult<Expr> {
        if self.tok().is_some_and(|t| t.kind == Kind::Punct)
            && matches!(
                self.peek(),
                "+" | "-" | "!" | "~" | "&" | "|" | "^" | "~&" | "~|" | "~^" | "^~"
            )
        {
            let op = self.peek().to_string();
            self.bump()?;
            let e = self.unary()?;
            return Ok(Expr::Unary { op, e: Box::new(e) });
        }
        self.primary()
    }

    fn primary(&mut self) -> PResult<Expr> {
        let t = self.tok().ok_or(())?;
        match t.kind {
            Kind::Number => {
                let tok = self.bump()?;
                Ok(Expr::Num {
                    tok,
                    num: parse_num(&self.toks[tok].text),
                })
            }
            Kind::Ident if !is_keyword(&t.text) => {
                let tok = self.bump()?;
                let mut e = Expr::Ident { tok };
                if self.peek() == "(" {
                    return Err(());
                }
                while self.peek() == "[" {
                    self.bump()?;
                    let a = self.expr()?;
                    let sel = match self.peek() {
                        "+:" | "-:" => {
                            self.bump()?;
                            Sel::Part(Box::new(a), Box::new(self.expr()?))
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
            Kind::System => {
                let name = t.text.clone();
                self.bump()?;
                let mut args = Vec::new();
                if self.peek() == "(" {
                    self.bump()?;
                    while self.peek() != ")" {
                        args.push(self.expr()?);
                        if self.peek() == "," {
                            self.bump()?;
                        }
                    }
                    self.bump()?;
                }
                Ok(Expr::Call { name, args })
            }
            Kind::Punct if t.text == "(" => {
                let open = self.bump()?;
                let e = self.expr()?;
                let close = self.expect(")")?;
                Ok(Expr::Paren {
                    open,
                    e: Box::new(e),
                    close,
                })
            }
            Kind::Punct if t.text == "{" => {
                self.bump()?;
                let first = self.expr()?;
                if self.peek() == "{" {
                    self.bump()?;
                    let mut items = vec![self.expr()?];
                    while self.peek() == "," {
                        self.bump()?;
                        items.push(self.expr()?);
                    }
                    self.expect("}")?;
                    self.expect("}")?;
                    return Ok(Expr::Repl {
                        count: Box::new(first),
                        items,
                    });
                }
                let mut items = vec![first];
                while self.peek() == "," {
                    self.bump()?;
                    items.push(self.expr()?);
                }
                self.expect("}")?;
                Ok(Expr::Concat { items })
            }
            _ => Err(()),
        }
    }
}

// --------------------------------------------------------------- widths --

/// The width of an expression as far as the tidier knows it.
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

/// `((e) & W'hff…)`: rust-hdl's `bit_cast` to width `W`.
struct BitCast<'e> {
    inner: &'e Expr,
    inner_open: usize,
    inner_close: usize,
    mask: usize,
    width: u32,
}

fn as_bit_cast(e: &Expr) -> Option<BitCast<'_>> {
    let Expr::Paren { e, .. } = e else {
        return None;
    };
    let Expr::Binary { op, l, r } = e.as_ref() else {
        return None;
    };
    let (
        Expr::Paren {
            open,
            e: inner,
            close,
        },
        Expr::Num { tok, num },
    ) = (l.as_ref(), r.as_ref())
    else {
        return None;
    };
    let width = num.size?;
    (op == "&" && num.value.as_ref()?.is_all_ones(width)).then_some(BitCast {
        inner,
        inner_open: *open,
        inner_close: *close,
        mask: *tok,
        width,
    })
}

struct Analysis<'a> {
    toks: &'a [Tok],
    widths: &'a BTreeMap<String, Width>,
    /// Token index → new text ("" removes the token).
    edits: BTreeMap<usize, String>,
}

impl Analysis<'_> {
    fn edit(&mut self, tok: usize, text: String) {
        self.edits.insert(tok, text);
    }
    fn blank(&mut self, from: usize, to: usize) {
        for i in from..=to {
            self.edits.insert(i, String::new());
        }
    }

    fn const_int(e: &Expr) -> Option<u64> {
        match e {
            Expr::Num { num, .. } => num.value.as_ref().and_then(Big::to_u64),
            Expr::Paren { e, .. } => Self::const_int(e),
            _ => None,
        }
    }

    /// The width `e` determines by itself (Verilog-2005 table 5-22), after
    /// the rewrites this pass makes.
    fn width(&self, e: &Expr) -> Width {
        match e {
            Expr::Num { .. } => Width::Flex,
            Expr::Ident { tok } => self
                .widths
                .get(&self.toks[*tok].text)
                .copied()
                .unwrap_or(Width::Unknown),
            Expr::Select { base, .. } if self.width(base) == Width::Unknown => Width::Unknown,
            Expr::Select { sel, .. } => match sel {
                Sel::Bit(_) => Width::Known(1),
                Sel::Part(_, w) => {
                    Self::const_int(w).map_or(Width::Unknown, |w| Width::Known(w as u32))
                }
                Sel::Range(h, l) => match (Self::const_int(h), Self::const_int(l)) {
                    (Some(h), Some(l)) => Width::Known((h.abs_diff(l) + 1) as u32),
                    _ => Width::Unknown,
                },
            },
            Expr::Unary { op, e } => {
                if matches!(op.as_str(), "-" | "~" | "+") {
                    self.width(e)
                } else {
                    Width::Known(1)
                }
            }
            Expr::Binary { op, l, r } => {
                if is_arith_or_bitwise(op) {
                    wmax(self.width(l), self.width(r))
                } else if is_shift(op) {
                    self.width(l)
                } else {
                    Width::Known(1)
                }
            }
            Expr::Ternary { t, f, .. } => wmax(self.width(t), self.width(f)),
            Expr::Paren { e: inner, .. } => match as_bit_cast(e) {
                Some(bc) => {
                    let w = self.width(bc.inner);
                    match w {
                        Width::Known(x) if x > bc.width && !Self::can_truncate(bc.inner) => {
                            Width::Known(x)
                        }
                        Width::Known(_) => Width::Known(bc.width),
                        _ => Width::Unknown,
                    }
                }
                None => self.width(inner),
            },
            Expr::Concat { items } => self.concat_width(items),
            Expr::Repl { count, items } => match (Self::const_int(count), self.concat_width(items))
            {
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
                Expr::Num { num, .. } => num.size.map_or(Width::Unknown, Width::Known),
                other => self.width(other),
            };
            match w {
                Width::Known(x) => sum += x,
                _ => return Width::Unknown,
            }
        }
        Width::Known(sum)
    }

    fn can_truncate(e: &Expr) -> bool {
        match e {
            Expr::Ident { .. } => true,
            Expr::Select {
                sel: Sel::Part(_, w),
                ..
            } => num_token(w).is_some(),
            _ => false,
        }
    }

    fn self_determined(&mut self, e: &Expr) {
        let w = self.width(e);
        self.context(e, w);
    }

    /// Visits `e`, evaluated in a context of width `ctx`.
    fn context(&mut self, e: &Expr, ctx: Width) {
        match e {
            Expr::Num { tok, num } => self.size_literal(*tok, num, ctx),
            Expr::Ident { .. } => {}
            Expr::Select { base, sel } => {
                self.self_determined(base);
                match sel {
                    Sel::Bit(a) => self.self_determined(a),
                    Sel::Part(a, b) | Sel::Range(a, b) => {
                        self.self_determined(a);
                        self.self_determined(b);
                    }
                }
            }
            Expr::Unary { op, e } => {
                if matches!(op.as_str(), "-" | "~" | "+") {
                    self.context(e, ctx);
                } else {
                    self.self_determined(e);
                }
            }
            Expr::Binary { op, l, r } => {
                if is_arith_or_bitwise(op) {
                    self.context(l, ctx);
                    self.context(r, ctx);
                } else if is_comparison(op) {
                    let c = wmax(self.width(l), self.width(r));
                    self.context(l, c);
                    self.context(r, c);
                } else if is_shift(op) {
                    self.zero_extend_shifted(l, ctx);
                    self.self_determined(r);
                } else {
                    self.self_determined(l);
                    self.self_determined(r);
                }
            }
            Expr::Ternary { c, t, f } => {
                self.self_determined(c);
                self.context(t, ctx);
                self.context(f, ctx);
            }
            Expr::Paren { e: inner, .. } => match as_bit_cast(e) {
                Some(bc) => self.bit_cast(&bc, ctx),
                None => self.context(inner, ctx),
            },
            Expr::Concat { items } | Expr::Repl { items, .. } => {
                for item in items {
                    // Unsized literals are not allowed in a concatenation.
                    if !matches!(item, Expr::Num { .. }) {
                        self.self_determined(item);
                    }
                }
            }
            Expr::Call { args, .. } => {
                for a in args {
                    self.self_determined(a);
                }
            }
        }
    }

    /// The left operand of a shift is context-determined; rust-hdl's
    /// `replace_bit` shifts a 1-bit value in a wide context: zero-extend it.
    fn zero_extend_shifted(&mut self, l: &Expr, ctx: Width) {
        if let (Expr::Paren { open, e, close }, Width::Known(c)) = (l, ctx) {
            if !matches!(e.as_ref(), Expr::Num { .. }) && as_bit_cast(l).is_none() {
                if let Width::Known(w) = self.width(e) {
                    if w < c {
                        self.edit(*open, format!("{{{}'h0, (", c - w));
                        self.edit(*close, ")}".to_string());
                        self.self_determined(e);
                        return;
                    }
                }
            }
        }
        self.context(l, ctx);
    }

    fn bit_cast(&mut self, bc: &BitCast<'_>, ctx: Width) {
        let w = bc.width;
        match self.width(bc.inner) {
            Width::Known(x) if x == w => {
                self.blank(bc.inner_close + 1, bc.mask - 1);
                self.edit(bc.mask, String::new());
                self.context(bc.inner, ctx);
            }
            Width::Known(x) if x < w => {
                self.edit(bc.inner_open, format!("{{{}'h0, (", w - x));
                self.blank(bc.inner_close + 1, bc.mask - 1);
                self.edit(bc.mask, "}".to_string());
                self.self_determined(bc.inner);
            }
            Width::Known(_) if Self::can_truncate(bc.inner) => {
                match bc.inner {
                    Expr::Ident { tok } => {
                        let sel = if w == 1 {
                            "[0]".to_string()
                        } else {
                            format!("[{}:0]", w - 1)
                        };
                        self.edit(*tok, format!("{}{sel}", self.toks[*tok].text));
                    }
                    Expr::Select {
                        base,
                        sel: Sel::Part(off, width),
                    } => {
                        if let Some(tok) = num_token(width) {
                            self.edit(tok, w.to_string());
                        }
                        self.self_determined(base);
                        self.self_determined(off);
                    }
                    _ => {}
                }
                self.blank(bc.inner_close + 1, bc.mask - 1);
                self.edit(bc.mask, String::new());
            }
            _ => self.self_determined(bc.inner),
        }
    }

    /// Rewrites a literal for a context of width `ctx`.
    fn size_literal(&mut self, tok: usize, num: &Num, ctx: Width) {
        let Some(v) = &num.value else { return };
        match ctx {
            Width::Known(n) if v.bits() <= n => self.edit(tok, format!("{n}'h{}", v.hex())),
            Width::Known(_) => {
                // Does not fit: leave it for the lint to report, but valid.
                if num.rust_style {
                    self.edit(tok, unsized_literal(v));
                }
            }
            Width::Flex | Width::Unknown => {
                if num.size.is_none() || num.size == Some(32) || num.rust_style {
                    self.edit(tok, unsized_literal(v));
                }
            }
        }
    }
}

/// The token of a number, possibly in parentheses.
fn num_token(e: &Expr) -> Option<usize> {
    match e {
        Expr::Num { tok, .. } => Some(*tok),
        Expr::Paren { e, .. } => num_token(e),
        _ => None,
    }
}

fn unsized_literal(v: &Big) -> String {
    match v.to_u64() {
        Some(x) if x < 1 << 31 => x.to_string(),
        _ if v.bits() <= 32 => format!("'h{}", v.hex()),
        _ => format!("{}'h{}", v.bits(), v.hex()),
    }
}

/// Sizes the literals of one module (see the module documentation). A
/// module the parser does not understand (hand-written Verilog) is left as
/// it is.
fn fix_widths(m: &mut Module) {
    let mut p = Parser::new(&m.toks);
    if p.module().is_err() {
        return;
    }
    let mut a = Analysis {
        toks: &m.toks,
        widths: &p.widths,
        edits: BTreeMap::new(),
    };
    for w in &p.work {
        match w {
            Work::Assign(lhs, rhs) => {
                a.self_determined(lhs);
                let ctx = wmax(a.width(lhs), a.width(rhs));
                a.context(rhs, ctx);
            }
            Work::SelfDetermined(e) => a.self_determined(e),
            Work::Case(e, labels) => {
                let ctx = labels.iter().fold(a.width(e), |w, l| wmax(w, a.width(l)));
                a.context(e, ctx);
                for l in labels {
                    a.context(l, ctx);
                }
            }
        }
    }
    let edits = a.edits;
    for (i, text) in edits {
        if text.is_empty() {
            m.toks[i].kind = Kind::Gone;
        }
        m.toks[i].text = text;
    }
}

// -------------------------------------------------------------- merging --

/// If `m` is rust-hdl's `DFF` (after its `initial` block is gone), its
/// width and signedness.
fn dff_shape(m: &Module) -> Option<(u32, bool)> {
    let sig = m.sig();
    let words: Vec<&str> = sig
        .iter()
        .filter(|&&i| i != m.name_tok)
        .map(|&i| m.toks[i].text.as_str())
        .collect();
    let signed = words.contains(&"signed");
    let mut width = 1;
    if let Some(k) = words.iter().position(|w| *w == "[") {
        let hi: u32 = words.get(k + 1)?.parse().ok()?;
        width = hi + 1;
    }
    let range = if width == 1 {
        String::new()
    } else {
        format!("[ {} : 0 ] ", width - 1)
    };
    let s = if signed { "signed " } else { "" };
    let expected = format!(
        "module ( d , q , clock ) ; input wire {s}{range}d ; output reg {s}{range}q ; \
         input wire clock ; always @ ( posedge clock ) begin q <= d ; end endmodule"
    );
    (words.join(" ") == expected).then_some((width, signed))
}

/// The name a leaf primitive gives its module with a `// Module name: NAME`
/// comment in its custom Verilog.
fn own_name(m: &Module) -> Option<String> {
    m.toks.iter().find_map(|t| {
        let n = t.text.strip_prefix("// Module name: ")?.trim();
        (t.kind == Kind::Comment
            && !n.is_empty()
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| n.to_string())
    })
}

fn merge_duplicates(design: &mut Design, top_name: &str) {
    const SELF: &str = "\u{1}self";
    for _round in 0..64 {
        let keys: Vec<String> = design
            .modules
            .iter()
            .map(|m| render_module(m, SELF))
            .collect();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut index: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, k) in keys.iter().enumerate() {
            match index.get(k.as_str()) {
                Some(&g) => groups[g].push(i),
                None => {
                    index.insert(k, groups.len());
                    groups.push(vec![i]);
                }
            }
        }
        let mut map: BTreeMap<String, String> = BTreeMap::new();
        let mut remove = BTreeSet::new();
        let mut flops = BTreeSet::new();
        for g in &groups {
            let first = &design.modules[g[0]];
            if dff_shape(first).is_some() {
                flops.insert(g[0]);
            }
            let name = match (dff_shape(first), own_name(first)) {
                (Some((w, false)), _) => format!("{top_name}_dff_w{w}"),
                (Some((w, true)), _) => format!("{top_name}_dff_s{w}"),
                (None, Some(n)) => format!("{top_name}_{n}"),
                (None, None) if g.len() > 1 => first.name.clone(),
                (None, None) => continue,
            };
            for &i in g {
                if design.modules[i].name != name {
                    map.insert(design.modules[i].name.clone(), name.clone());
                }
            }
            for &i in &g[1..] {
                remove.insert(i);
            }
        }
        if map.is_empty() && remove.is_empty() {
            return;
        }
        for g in &groups {
            let mut merged: Vec<String> = Vec::new();
            for &i in g {
                merged.push(design.modules[i].name.clone());
                merged.append(&mut design.modules[i].merged);
            }
            let first = &mut design.modules[g[0]];
            if let Some(new) = map.get(&first.name) {
                first.name = new.clone();
            }
            merged.retain(|n| *n != first.name);
            merged.sort();
            merged.dedup();
            if flops.contains(&g[0]) {
                // The name says what it is; the list would be every register.
                merged.clear();
            }
            first.merged = merged;
        }
        let mut i = 0;
        design.modules.retain(|_| {
            i += 1;
            !remove.contains(&(i - 1))
        });
        for m in &mut design.modules {
            for &t in &m.inst_types {
                if let Some(new) = map.get(&m.toks[t].text) {
                    m.toks[t].text = new.clone();
                }
            }
        }
    }
}

// ------------------------------------------------------------ rendering --

/// One module as normalised text: inner whitespace runs become one space,
/// trailing spaces go, blank lines collapse to one.
fn render_module(m: &Module, name: &str) -> String {
    let mut s = String::new();
    for (i, t) in m.toks.iter().enumerate() {
        match t.kind {
            Kind::Gone => {}
            Kind::Ws => {
                if let Some(last) = t.text.rfind('\n') {
                    let n = t.text.matches('\n').count();
                    s.push_str(&"\n".repeat(n));
                    s.push_str(&t.text[last + 1..]);
                } else {
                    s.push(' ');
                }
            }
            _ if i == m.name_tok => s.push_str(name),
            _ if Some(i) == m.end_comment => {
                s.push_str("// ");
                s.push_str(name);
            }
            _ => s.push_str(&t.text),
        }
    }
    normalise_lines(&s)
}

fn normalise_lines(s: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in s.lines() {
        let indent = line.len() - line.trim_start().len();
        let body = line.trim();
        let (code, comment) = match body.find("//") {
            Some(k) => (&body[..k], &body[k..]),
            None => (body, ""),
        };
        let code = code.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut l = String::new();
        if !code.is_empty() || !comment.is_empty() {
            l.push_str(&line[..indent]);
            l.push_str(&code);
            if !code.is_empty() && !comment.is_empty() {
                l.push(' ');
            }
            l.push_str(comment);
        }
        // No blank line at the start, after another, or after a comment
        // line (where rust-hdl's text was removed).
        if l.is_empty()
            && out
                .last()
                .is_none_or(|p| p.is_empty() || p.trim_start().starts_with("//"))
        {
            continue;
        }
        out.push(l);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

fn render_tokens(toks: &[Tok]) -> String {
    toks.iter().map(|t| t.text.as_str()).collect()
}

fn render(design: &Design, header: &str, renamed: &[(String, String)]) -> String {
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
        if !m.prefix.is_empty() {
            part.push_str(&normalise_lines(&render_tokens(&m.prefix)));
            part.push('\n');
        }
        if !m.merged.is_empty() {
            part.push_str(&format!("// Shared by: {}\n", m.merged.join(", ")));
        }
        part.push_str(&render_module(m, &m.name));
        parts.push(part);
    }
    if !design.trailer.is_empty() {
        parts.push(normalise_lines(&render_tokens(&design.trailer)));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&parts.join("\n\n"));
    out.push('\n');
    out
}

// ------------------------------------------------------------- keywords --

/// Keywords that rust-hdl writes as keywords: a name equal to one of them
/// cannot be told apart on the text.
const STRUCTURAL_KEYWORDS: [&str; 20] = [
    "module",
    "endmodule",
    "input",
    "output",
    "inout",
    "wire",
    "reg",
    "localparam",
    "signed",
    "always",
    "initial",
    "begin",
    "end",
    "if",
    "else",
    "case",
    "endcase",
    "default",
    "posedge",
    "assign",
];

/// IEEE 1800-2017 Annex B (which contains every IEEE 1364-2005 keyword).
#[rustfmt::skip]
const KEYWORDS: [&str; 248] = [
    "accept_on", "alias", "always", "always_comb", "always_ff", "always_latch", "and", "assert",
    "assign", "assume", "automatic", "before", "begin", "bind", "bins", "binsof", "bit", "break",
    "buf", "bufif0", "bufif1", "byte", "case", "casex", "casez", "cell", "chandle", "checker",
    "class", "clocking", "cmos", "config", "const", "constraint", "context", "continue", "cover",
    "covergroup", "coverpoint", "cross", "deassign", "default", "defparam", "design", "disable",
    "dist", "do", "edge", "else", "end", "endcase", "endchecker", "endclass", "endclocking",
    "endconfig", "endfunction", "endgenerate", "endgroup", "endinterface", "endmodule",
    "endpackage", "endprimitive", "endprogram", "endproperty", "endspecify", "endsequence",
    "endtable", "endtask", "enum", "event", "eventually", "expect", "export", "extends", "extern",
    "final", "first_match", "for", "force", "foreach", "forever", "fork", "forkjoin", "function",
    "generate", "genvar", "global", "highz0", "highz1", "if", "iff", "ifnone", "ignore_bins",
    "illegal_bins", "implements", "implies", "import", "incdir", "include", "initial", "inout",
    "input", "inside", "instance", "int", "integer", "interconnect", "interface", "intersect",
    "join", "join_any", "join_none", "large", "let", "liblist", "library", "local", "localparam",
    "logic", "longint", "macromodule", "matches", "medium", "modport", "module", "nand", "negedge",
    "nettype", "new", "nexttime", "nmos", "nor", "noshowcancelled", "not", "notif0", "notif1",
    "null", "or", "output", "package", "packed", "parameter", "pmos", "posedge", "primitive",
    "priority", "program", "property", "protected", "pull0", "pull1", "pulldown", "pullup",
    "pulsestyle_ondetect", "pulsestyle_onevent", "pure", "rand", "randc", "randcase",
    "randsequence", "rcmos", "real", "realtime", "ref", "reg", "reject_on", "release", "repeat",
    "restrict", "return", "rnmos", "rpmos", "rtran", "rtranif0", "rtranif1", "s_always",
    "s_eventually", "s_nexttime", "s_until", "s_until_with", "scalared", "sequence", "shortint",
    "shortreal", "showcancelled", "signed", "small", "soft", "solve", "specify", "specparam",
    "static", "string", "strong", "strong0", "strong1", "struct", "super", "supply0", "supply1",
    "sync_accept_on", "sync_reject_on", "table", "tagged", "task", "this", "throughout", "time",
    "timeprecision", "timeunit", "tran", "tranif0", "tranif1", "tri", "tri0", "tri1", "triand",
    "trior", "trireg", "type", "typedef", "union", "unique", "unique0", "unsigned", "until",
    "until_with", "untyped", "use", "uwire", "var", "vectored", "virtual", "void", "wait",
    "wait_order", "wand", "weak", "weak0", "weak1", "while", "wildcard", "wire", "with", "within",
    "wor", "xnor", "xor",
];

fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    fn tidied(src: &str) -> String {
        tidy(src, "ptu", "").unwrap()
    }

    /// A flip-flop module exactly as rust-hdl writes it.
    fn dff(name: &str, width: u32, init: &str) -> String {
        let range = if width == 1 {
            String::new()
        } else {
            format!("[{}:0] ", width - 1)
        };
        format!(
            "\n\nmodule {name}(d,q,clock);\n    \n    // Module arguments\n    input wire  {range}d;\n    \
             output reg  {range}q;\n    input wire  clock;\n    \n    // Update code (custom)\n    \
             initial begin\n       q = {init};\n    end\n    \n    always @(posedge clock) begin\n       \
             q <= d;\n    end\n          \nendmodule // {name}\n"
        )
    }

    #[test]
    fn renames_modules_and_dollar_names() {
        let src = "module top(a,y);\n    input wire a;\n    output reg y;\n    reg inner$a;\n    \
                   wire inner$y;\n    top$inner inner(\n        .a(inner$a),\n        .y(inner$y)\n    );\n    \
                   always @(*) begin\n        inner$a = a;\n        y = inner$y;\n    end\nendmodule // top\n\n\
                   module top$inner(a,y);\n    input wire a;\n    output reg y;\n    always @(*) begin\n        \
                   y = ~a;\n    end\nendmodule // top$inner\n";
        let out = tidied(src);
        assert!(out.starts_with("module ptu(a,y);\n"), "{out}");
        assert!(out.contains("module ptu_inner(a,y);"), "{out}");
        assert!(out.contains("ptu_inner inner("), "{out}");
        assert!(out.contains(".a(inner_a)"), "{out}");
        assert!(out.contains("inner_a = a;"), "{out}");
        assert!(out.contains("endmodule // ptu\n"), "{out}");
        assert!(out.contains("endmodule // ptu_inner\n"), "{out}");
        assert!(!out.contains('$'), "{out}");
    }

    #[test]
    fn name_collisions_are_errors_naming_both() {
        let src = "module top(a$b,a_b);\n    input wire a$b;\n    output reg a_b;\n    \
                   always @(*) a_b = a$b;\nendmodule // top\n";
        let err = tidy(src, "ptu", "").unwrap_err().to_string();
        assert!(err.contains("`a$b` and `a_b` all become `a_b`"), "{err}");
        assert!(err.contains("module `top`"), "{err}");

        let src = "module top();\nendmodule\nmodule top$x$y();\nendmodule\nmodule top$x_y();\nendmodule\n";
        let err = tidy(src, "ptu", "").unwrap_err().to_string();
        assert_eq!(
            err,
            "module names collide after renaming: top$x$y, top$x_y -> ptu_x_y"
        );
    }

    #[test]
    fn input_without_top_is_an_error() {
        let err = tidy("module foo();\nendmodule\n", "ptu", "").unwrap_err();
        assert!(
            err.to_string().starts_with("no module `top` in the input"),
            "{err}"
        );
        assert!(tidy("module top();\nendmodule\n", "event", "").is_err());
        assert!(tidy("module top();\nendmodule\n", "a$b", "").is_err());
    }

    #[test]
    fn flop_initial_blocks_are_removed_and_others_kept() {
        let out = tidied(&format!(
            "module top();\nendmodule\n{}",
            dff("top$r", 8, "8'h0")
        ));
        assert!(!out.contains("initial"), "{out}");
        assert!(
            out.contains("always @(posedge clock) begin\n       q <= d;\n    end"),
            "{out}"
        );

        let src = "module top(q);\n    output reg [7:0] q;\n    reg [7:0] mem [0:1];\n    \
                   initial begin\n        mem[0] = 8'h1;\n    end\n    always @(*) q = mem[0];\nendmodule\n";
        let out = tidied(src);
        assert!(
            out.contains("initial begin\n        mem[0] = 8'h1;\n    end"),
            "{out}"
        );
    }

    #[test]
    fn flops_merge_into_one_module_per_width() {
        let src = format!(
            "module top(clock);\n    input wire clock;\n    reg [63:0] a$d;\n    wire [63:0] a$q;\n    \
             reg [63:0] b$d;\n    wire [63:0] b$q;\n    reg c$d;\n    wire c$q;\n    \
             top$a a(\n        .d(a$d),\n        .q(a$q),\n        .clock(clock)\n    );\n    \
             top$b b(\n        .d(b$d),\n        .q(b$q),\n        .clock(clock)\n    );\n    \
             top$c c(\n        .d(c$d),\n        .q(c$q),\n        .clock(clock)\n    );\n    \
             always @(*) begin\n        a$d = b$q;\n        b$d = a$q;\n        c$d = c$q;\n    end\n\
             endmodule // top\n{}{}{}",
            dff("top$a", 64, "64'h0"),
            dff("top$b", 64, "64'h5"),
            dff("top$c", 1, "1'h0")
        );
        let out = tidied(&src);
        assert!(out.contains("ptu_dff_w64 a("), "{out}");
        assert!(out.contains("ptu_dff_w64 b("), "{out}");
        assert!(out.contains("ptu_dff_w1 c("), "{out}");
        assert_eq!(
            out.matches("module ptu_dff_w64(d,q,clock);").count(),
            1,
            "{out}"
        );
        assert_eq!(
            out.matches("module ptu_dff_w1(d,q,clock);").count(),
            1,
            "{out}"
        );
        assert!(!out.contains("ptu_a") && !out.contains("ptu_b") && !out.contains("ptu_c"));
        // Flip-flops come last, narrowest first.
        let w1 = out.find("module ptu_dff_w1(").unwrap();
        let w64 = out.find("module ptu_dff_w64(").unwrap();
        assert!(out.find("module ptu(").unwrap() < w1 && w1 < w64, "{out}");
    }

    #[test]
    fn identical_blocks_merge_after_their_flops_do() {
        let block = |name: &str, reg: &str| {
            format!(
                "\n\nmodule {name}(clock,q);\n    input wire clock;\n    output reg [7:0] q;\n    \
                 reg [7:0] r$d;\n    wire [7:0] r$q;\n    {reg} r(\n        .d(r$d),\n        \
                 .q(r$q),\n        .clock(clock)\n    );\n    always @(*) begin\n        \
                 r$d = r$q + 32'h1;\n        q = r$q;\n    end\nendmodule // {name}\n"
            )
        };
        let src = format!(
            "module top(clock,x,y);\n    input wire clock;\n    output wire [7:0] x;\n    \
             output wire [7:0] y;\n    top$ka ka(\n        .clock(clock),\n        .q(x)\n    );\n    \
             top$kb kb(\n        .clock(clock),\n        .q(y)\n    );\nendmodule // top\n{}{}{}{}",
            block("top$ka", "top$ka$r"),
            dff("top$ka$r", 8, "8'h0"),
            block("top$kb", "top$kb$r"),
            dff("top$kb$r", 8, "8'h0")
        );
        let out = tidied(&src);
        assert!(out.contains("ptu_ka ka("), "{out}");
        assert!(out.contains("ptu_ka kb("), "{out}");
        assert!(
            out.contains("// Shared by: ptu_kb\nmodule ptu_ka(clock,q);"),
            "{out}"
        );
        assert!(!out.contains("module ptu_kb"), "{out}");
        assert_eq!(out.matches("module ptu_dff_w8(").count(), 1, "{out}");
        assert!(out.contains("r_d = r_q + 8'h1;"), "{out}");
    }

    #[test]
    fn primitives_named_in_their_verilog_take_that_name() {
        let leaf = |name: &str, marker: &str| {
            format!(
                "\n\nmodule {name}(x,y);\n    input wire [7:0] x;\n    output reg [7:0] y;\n    \
                 {marker}\n    always @(*) y = x + 8'd1;\nendmodule // {name}\n"
            )
        };
        let src = format!(
            "module top(a,b,c,d);\n    input wire [7:0] a;\n    output wire [7:0] b;\n    \
             input wire [7:0] c;\n    output wire [7:0] d;\n    top$p p(\n        .x(a),\n        .y(b)\n    );\n    \
             top$q q(\n        .x(c),\n        .y(d)\n    );\nendmodule // top\n{}{}",
            leaf("top$p", "// Module name: add_one"),
            leaf("top$q", "// Module name: add_one"),
        );
        let out = tidied(&src);
        assert!(out.contains("ptu_add_one p("), "{out}");
        assert!(out.contains("ptu_add_one q("), "{out}");
        assert!(
            out.contains("// Shared by: ptu_p, ptu_q\nmodule ptu_add_one(x,y);"),
            "{out}"
        );
        assert!(out.contains("endmodule // ptu_add_one"), "{out}");
        // One instance alone is renamed too; a malformed name is ignored.
        let out = tidied(&src.replace("top$q q(", "top$p q("));
        assert!(out.contains("module ptu_add_one(x,y);"), "{out}");
        let out = tidied(&src.replace("add_one", "add one"));
        assert!(out.contains("module ptu_p(x,y);"), "{out}");
    }

    /// A module with the given declarations and combinational statements.
    fn comb(decls: &str, stmts: &str) -> String {
        format!(
            "module top();\n{decls}\n    always @(*) begin\n{stmts}\n    end\nendmodule // top\n"
        )
    }

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

    #[test]
    fn keywords_used_as_names_get_an_underscore() {
        let src = "module top(event,small);\n    input wire event;\n    output reg small;\n    \
                   always @(*) begin\n        small = event;\n    end\nendmodule // top\n";
        let out = tidy(src, "ptu", "// h").unwrap();
        assert!(out.contains("module ptu(event_,small_);"), "{out}");
        assert!(out.contains("small_ = event_;"), "{out}");
        assert!(out.contains(
            "// Names that are Verilog keywords were renamed: event -> event_, small -> small_\n"
        ));

        let src = "module top(begin);\n    input wire begin;\nendmodule // top\n";
        let err = tidy(src, "ptu", "").unwrap_err().to_string();
        assert!(err.contains("`begin`"), "{err}");
    }

    #[test]
    fn system_functions_are_an_error_because_no_dollar_may_remain() {
        let err = tidy(
            &comb(
                "    reg [7:0] a;\n    reg b;",
                "        b = $signed(a) < 0;",
            ),
            "ptu",
            "",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("the emitted Verilog would contain `$` at line"),
            "{err}"
        );
        assert!(err.contains("$signed"), "{err}");
    }

    #[test]
    fn unused_enum_params_are_removed() {
        let out = tidied(&comb(
            "    // Enums\n    localparam St$A = 0;\n    localparam St$B = 1;\n    reg [1:0] s;",
            "        s = St$A;",
        ));
        assert!(
            out.contains("// Enums\n    localparam St_A = 0;\n    reg [1:0] s;"),
            "{out}"
        );
        assert!(!out.contains("St_B"), "{out}");
        let out = tidied(&comb(
            "    // Enums\n    localparam St$B = 1;\n    reg s;",
            "        s = 0;",
        ));
        assert!(!out.contains("Enums") && !out.contains("St_B"), "{out}");
    }

    #[test]
    fn header_first_newline_last_and_deterministic() {
        let src = format!(
            "module top();\nendmodule // top\n{}",
            dff("top$r", 2, "2'h0")
        );
        let a = tidy(
            &src,
            "ptu",
            "// generated by ptu 0.1.0\n// config: default\n",
        )
        .unwrap();
        let b = tidy(
            &src,
            "ptu",
            "// generated by ptu 0.1.0\n// config: default\n",
        )
        .unwrap();
        assert_eq!(a, b);
        assert!(
            a.starts_with("// generated by ptu 0.1.0\n// config: default\n\nmodule ptu();\n"),
            "{a}"
        );
        assert!(a.ends_with("endmodule // ptu_dff_w2\n"), "{a}");
        assert!(!a.ends_with("\n\n"));
        let err = tidy(&src, "ptu", "// ok\nnot a comment")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "header line 2 is not a `//` comment: `not a comment`");
    }

    #[test]
    fn numbers_of_any_width() {
        let n = parse_num("128'hffffffffffffffffffffffffffffffff");
        assert_eq!(n.size, Some(128));
        assert!(n.value.as_ref().unwrap().is_all_ones(128));
        assert_eq!(n.value.unwrap().hex(), "ffffffffffffffffffffffffffffffff");
        assert_eq!(parse_num("3'b100").value.unwrap().hex(), "4");
        assert_eq!(parse_num("1_000_000").value.unwrap().hex(), "f4240");
        assert_eq!(parse_num("0x1_0000_0000u64").value.unwrap().bits(), 33);
        assert!(parse_num("8'hxz").value.is_none());
        assert_eq!(Big(vec![]).bits(), 0);
        assert_eq!(unsized_literal(&Big(vec![0x8000_0000])), "'h80000000");
        assert_eq!(unsized_literal(&Big(vec![0, 1])), "33'h100000000");
    }

    #[test]
    fn keyword_table_is_complete_and_unique() {
        let set: BTreeSet<&str> = KEYWORDS.iter().copied().collect();
        assert_eq!(set.len(), KEYWORDS.len());
        for k in STRUCTURAL_KEYWORDS {
            assert!(is_keyword(k), "{k}");
        }
        for k in ["event", "logic", "bit", "int", "small", "type", "final"] {
            assert!(is_keyword(k), "{k}");
        }
    }

    // --------------------------------------- a design made by rust-hdl --

    mod sample {
        use rust_hdl::prelude::*;

        #[derive(Copy, Clone, PartialEq, Debug, LogicState)]
        pub enum Phase {
            Idle,
            Run,
            Done,
        }

        /// A register with a synchronous reset to a constant.
        #[derive(LogicBlock)]
        pub struct Reg16 {
            pub clock: Signal<In, Clock>,
            pub reset: Signal<In, Bit>,
            pub we: Signal<In, Bit>,
            pub wdata: Signal<In, Bits<16>>,
            pub q: Signal<Out, Bits<16>>,
            init: Constant<Bits<16>>,
            r: DFF<Bits<16>>,
        }

        impl Default for Reg16 {
            fn default() -> Self {
                Self {
                    clock: Default::default(),
                    reset: Default::default(),
                    we: Default::default(),
                    wdata: Default::default(),
                    q: Default::default(),
                    init: Constant::new(0x1234.into()),
                    r: Default::default(),
                }
            }
        }

        impl Logic for Reg16 {
            #[hdl_gen]
            fn update(&mut self) {
                dff_setup!(self, clock, r);
                self.q.next = self.r.q.val();
                if self.reset.val() {
                    self.r.d.next = self.init.val();
                } else if self.we.val() {
                    self.r.d.next = self.wdata.val();
                }
            }
        }

        #[derive(LogicBlock)]
        pub struct Inner {
            pub clock: Signal<In, Clock>,
            pub reset: Signal<In, Bit>,
            pub a: Signal<In, Bits<8>>,
            pub sel: Signal<In, Bits<3>>,
            pub y: Signal<Out, Bits<64>>,
            pub event: Signal<Out, Bit>,
            pub nibble: Signal<Out, Bits<4>>,
            wide: Signal<Local, Bits<64>>,
            eight: Constant<Bits<64>>,
            four: Constant<Bits<3>>,
            r: DFF<Bits<64>>,
            phase: DFF<Phase>,
            flag: DFF<Bit>,
            ra: Reg16,
            rb: Reg16,
        }

        impl Default for Inner {
            fn default() -> Self {
                Self {
                    clock: Default::default(),
                    reset: Default::default(),
                    a: Default::default(),
                    sel: Default::default(),
                    y: Default::default(),
                    event: Default::default(),
                    nibble: Default::default(),
                    wide: Default::default(),
                    eight: Constant::new(8.into()),
                    four: Constant::new(4.into()),
                    r: Default::default(),
                    phase: Default::default(),
                    flag: Default::default(),
                    ra: Default::default(),
                    rb: Default::default(),
                }
            }
        }

        impl Logic for Inner {
            #[hdl_gen]
            fn update(&mut self) {
                dff_setup!(self, clock, r, phase, flag);
                self.ra.clock.next = self.clock.val();
                self.rb.clock.next = self.clock.val();
                self.ra.reset.next = self.reset.val();
                self.rb.reset.next = self.reset.val();
                self.ra.we.next = self.flag.q.val();
                self.rb.we.next = !self.flag.q.val();
                self.ra.wdata.next = bit_cast::<16, 8>(self.a.val()) + 1;
                self.rb.wdata.next = self.ra.q.val() + self.rb.q.val();
                self.wide.next = bit_cast::<64, 8>(self.a.val()) << self.eight.val();
                self.y.next = self.r.q.val();
                self.nibble.next = bit_cast::<4, 16>(self.rb.q.val());
                self.event.next = self.sel.val() == self.four.val();
                self.flag.d.next = self.a.val().get_bit(3) ^ self.flag.q.val();
                if self.reset.val() {
                    self.r.d.next = 0.into();
                    self.phase.d.next = Phase::Idle;
                    self.flag.d.next = false;
                } else if self.sel.val() == 4 {
                    self.r.d.next = self.wide.val() | (self.r.q.val() - 8);
                }
                match self.phase.q.val() {
                    Phase::Idle => self.phase.d.next = Phase::Run,
                    Phase::Run => {
                        if self.a.val() == 0xff {
                            self.phase.d.next = Phase::Done;
                        } else {
                            self.phase.d.next = Phase::Run;
                        }
                    }
                    _ => {}
                }
                match self.sel.val().index() {
                    0 => self.r.d.next = self.eight.val(),
                    0x3 => self.r.d.next = self.r.q.val().replace_bit(5, self.flag.q.val()),
                    _ => {}
                }
            }
        }

        #[derive(LogicBlock, Default)]
        pub struct Top {
            /// clock
            pub clock: Signal<In, Clock>,
            /// synchronous reset
            pub reset: Signal<In, Bit>,
            /// data in
            pub a: Signal<In, Bits<8>>,
            /// wide result
            pub y: Signal<Out, Bits<64>>,
            /// the inner block's `event`
            pub e: Signal<Out, Bit>,
            /// a narrowed value
            pub s: Signal<Out, Bits<4>>,
            inner: Inner,
        }

        impl Logic for Top {
            #[hdl_gen]
            fn update(&mut self) {
                self.inner.clock.next = self.clock.val();
                self.inner.reset.next = self.reset.val();
                self.inner.a.next = self.a.val();
                self.inner.sel.next = self.a.val().get_bits::<3>(0);
                self.y.next = self.inner.y.val();
                self.e.next = self.inner.event.val();
                self.s.next = self.inner.nibble.val();
            }
        }
    }

    fn package_of(tool: &str) -> &'static str {
        match tool {
            "verilator" => "verilator",
            "iverilog" => "iverilog",
            _ => "yosys",
        }
    }

    /// Runs `tool` in `dir`; its exit status and its stdout and stderr.
    fn run(tool: &str, args: &[&str], dir: &Path) -> (bool, String) {
        let out = Command::new(tool)
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "{tool} could not be run ({e}): run ./setup.sh (installs Debian package {})",
                    package_of(tool)
                )
            });
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    fn scratch_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ptu-emit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn rust_hdl_sample_is_clean_in_verilator_icarus_and_yosys() {
        use rust_hdl::prelude::*;
        let mut top = sample::Top::default();
        top.connect_all();
        check_all(&top).unwrap();
        let raw = generate_verilog(&top);
        // The problems this module exists for are all in the raw text.
        for problem in [
            "module top(",
            "top$inner",
            "inner$clock",
            "initial begin",
            "32'h",
            ".event(",
        ] {
            assert!(
                raw.contains(problem),
                "rust-hdl no longer writes `{problem}`"
            );
        }

        let v = tidy(&raw, "demo", "// tidy test\n").unwrap();
        assert_eq!(v, tidy(&raw, "demo", "// tidy test\n").unwrap());
        assert!(
            !v.contains('$') && !v.contains("initial") && !v.contains("32'h"),
            "{v}"
        );
        for want in [
            "module demo(clock,reset,a,y,e,s);",
            "demo_inner inner(",
            ".event_(inner_event)",
            "demo_inner_ra ra(",
            "demo_inner_ra rb(",
            "demo_dff_w64 r(",
            "demo_dff_w2 phase(",
            "demo_dff_w1 flag(",
            "demo_dff_w16 r(",
        ] {
            assert!(v.contains(want), "missing `{want}` in\n{v}");
        }

        let dir = scratch_dir("sample");
        std::fs::write(dir.join("demo.v"), &v).unwrap();
        // One file holds every module of the design, by design.
        std::fs::write(
            dir.join("demo.vlt"),
            "`verilator_config\nlint_off -rule DECLFILENAME -file \"*/demo.v\"\n",
        )
        .unwrap();
        let d = dir.to_str().unwrap();
        let (ok, out) = run(
            "verilator",
            &[
                "--lint-only",
                "-Wall",
                "-Wno-fatal",
                "--top-module",
                "demo",
                &format!("{d}/demo.vlt"),
                &format!("{d}/demo.v"),
            ],
            &dir,
        );
        assert!(
            ok && !out.contains("%Warning") && !out.contains("%Error"),
            "verilator:\n{out}\n{v}"
        );
        let (ok, out) = run(
            "iverilog",
            &["-g2005", "-s", "demo", "-o", "/dev/null", "demo.v"],
            &dir,
        );
        let lower = out.to_lowercase();
        assert!(
            ok && !lower.contains("warning") && !lower.contains("error"),
            "iverilog:\n{out}"
        );
        let (ok, out) = run(
            "yosys",
            &["-p", "read_verilog demo.v; synth_ice40 -top demo; stat"],
            &dir,
        );
        let warnings: Vec<&str> = out.lines().filter(|l| l.starts_with("Warning:")).collect();
        assert!(
            ok && warnings.is_empty(),
            "yosys: {warnings:?}\n{}",
            &out[out.len().saturating_sub(3000)..]
        );
        assert!(out.contains("SB_DFF"), "no flip-flops after synthesis");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
