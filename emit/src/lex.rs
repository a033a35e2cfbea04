//! The lexer: Verilog text into tokens, for the subset rust-hdl 0.46
//! writes and the custom Verilog of its primitives.
//!
//! Whitespace is not a token. Each token carries where it starts (line and
//! column), whether an empty line comes before it, and the comments before
//! it (its leading trivia), so the parser can keep the comments that
//! matter (`// Module name: NAME`, the section comments rust-hdl writes)
//! and the blank lines between sections. The lexer also holds the table
//! of Verilog keywords.

use anyhow::{anyhow, bail, Context, Result};

/// What a token is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// A name or a keyword (`event` is both; the parser decides).
    Ident,
    /// A system name such as `$signed`.
    System,
    Number,
    Str,
    Punct,
    /// The end of the text; carries the comments after the last token.
    Eof,
}

/// A comment, with where it starts.
#[derive(Clone, Debug)]
pub struct Comment {
    pub text: String,
    pub line: usize,
    pub col: usize,
    /// An empty line separates it from what comes before.
    pub blank_before: bool,
}

/// One token.
#[derive(Clone, Debug)]
pub struct Tok {
    pub kind: Kind,
    pub text: String,
    /// 1-based line; 0-based column.
    pub line: usize,
    pub col: usize,
    /// An empty line separates it from what comes before (its last
    /// comment, or else the previous token).
    pub blank_before: bool,
    /// Comments between the previous token and this one.
    pub comments: Vec<Comment>,
}

impl Tok {
    pub fn is(&self, s: &str) -> bool {
        self.kind != Kind::Eof && self.text == s
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

/// The end of the number starting at `i` (a digit): decimal, sized based
/// (`8'hff`, `8 'hff`), or a Rust form in a case label (`0x3`, `5u32`).
fn number_end(b: &[u8], mut i: usize) -> usize {
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
        return end;
    }
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
        i += 1;
    }
    i
}

/// The end of the string literal starting at `i` (a `"`).
fn string_end(b: &[u8], mut i: usize) -> Result<usize> {
    i += 1;
    while i < b.len() && b[i] != b'"' {
        i += if b[i] == b'\\' { 2 } else { 1 };
    }
    if i >= b.len() {
        bail!("unterminated string");
    }
    Ok(i + 1)
}

/// The kind and end of the token starting at `i` (not whitespace, not a
/// comment).
fn token_at(src: &str, i: usize) -> Result<(Kind, usize)> {
    let b = src.as_bytes();
    let c = b[i];
    let run = |mut j: usize, f: fn(u8) -> bool| {
        while j < b.len() && f(b[j]) {
            j += 1;
        }
        j
    };
    Ok(if c.is_ascii_alphabetic() || c == b'_' {
        (Kind::Ident, run(i, ident_byte))
    } else if c == b'\\' {
        (Kind::Ident, run(i, |c| !c.is_ascii_whitespace()))
    } else if c == b'$' {
        (Kind::System, run(i + 1, ident_byte))
    } else if c.is_ascii_digit() {
        (Kind::Number, number_end(b, i))
    } else if let Some(end) = (c == b'\'').then(|| based_literal_end(b, i)).flatten() {
        (Kind::Number, end)
    } else if c == b'"' {
        (Kind::Str, string_end(b, i)?)
    } else if c == b'`' {
        (Kind::Punct, run(i + 1, ident_byte))
    } else if let Some(p) = PUNCTS.iter().find(|p| src[i..].starts_with(**p)) {
        (Kind::Punct, i + p.len())
    } else {
        let len = src[i..].chars().next().map_or(1, char::len_utf8);
        (Kind::Punct, i + len)
    })
}

/// Splits `src` into tokens; the last one is [`Kind::Eof`].
pub fn lex(src: &str) -> Result<Vec<Tok>> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut line, mut line_start) = (0, 1, 0);
    let mut comments = Vec::new();
    let mut newlines = 0;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            if b[i] == b'\n' {
                newlines += 1;
                line += 1;
                line_start = i + 1;
            }
            i += 1;
        }
        let col = i - line_start;
        if i >= b.len() {
            out.push(Tok {
                kind: Kind::Eof,
                text: String::new(),
                line,
                col,
                blank_before: newlines >= 2,
                comments,
            });
            return Ok(out);
        }
        let start = i;
        if b[i] == b'/' && matches!(b.get(i + 1), Some(b'/') | Some(b'*')) {
            if b[i + 1] == b'/' {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            } else {
                let end = src[i + 2..]
                    .find("*/")
                    .with_context(|| format!("unterminated /* comment at line {line}"))?;
                i += 2 + end + 2;
            }
            comments.push(Comment {
                text: src[start..i].trim_end().to_string(),
                line,
                col,
                blank_before: newlines >= 2,
            });
            line += src[start..i].matches('\n').count();
            if let Some(k) = src[start..i].rfind('\n') {
                line_start = start + k + 1;
            }
            newlines = 0;
            continue;
        }
        let (kind, end) = token_at(src, i).map_err(|e| anyhow!("{e} at line {line}"))?;
        out.push(Tok {
            kind,
            text: src[start..end].to_string(),
            line,
            col,
            blank_before: newlines >= 2,
            comments: std::mem::take(&mut comments),
        });
        i = end;
        newlines = 0;
    }
}

// ------------------------------------------------------------- keywords --

/// Keywords that rust-hdl writes as keywords: a name equal to one of them
/// cannot be told apart on the text.
pub const STRUCTURAL_KEYWORDS: [&str; 20] = [
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

/// A Verilog or SystemVerilog keyword.
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

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

    #[test]
    fn tokens_carry_position_comments_and_blank_lines() {
        let toks = lex("module a;\n    \n    // c1\n    x = 8 'hff + 3'b1 + 0x3;\n").unwrap();
        let x = toks.iter().find(|t| t.text == "x").unwrap();
        assert_eq!((x.line, x.col, x.blank_before), (4, 4, false));
        assert_eq!(x.comments.len(), 1);
        assert_eq!(x.comments[0].text, "// c1");
        assert!(x.comments[0].blank_before);
        let nums: Vec<&str> = toks
            .iter()
            .filter(|t| t.kind == Kind::Number)
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(nums, ["8 'hff", "3'b1", "0x3"]);
        assert_eq!(toks.last().unwrap().kind, Kind::Eof);
        assert_eq!(
            lex("/* open").unwrap_err().to_string(),
            "unterminated /* comment at line 1"
        );
        assert_eq!(
            lex("x;\n\"open").unwrap_err().to_string(),
            "unterminated string at line 2"
        );
    }

    #[test]
    fn numbers_and_comments_are_not_names() {
        let toks = lex("x = 64'hx0 + h1; // x here").unwrap();
        let idents: Vec<&str> = toks
            .iter()
            .filter(|t| t.kind == Kind::Ident)
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(idents, ["x", "h1"]);
        assert!(toks
            .iter()
            .any(|t| t.kind == Kind::Number && t.text == "64'hx0"));
        assert_eq!(toks.last().unwrap().comments[0].text, "// x here");
    }
}
