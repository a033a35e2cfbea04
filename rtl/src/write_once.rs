//! Glitch-free combinational blocks in the emitted Verilog.
//!
//! rust-hdl writes each module's logic as one `always @(*)` block in the
//! style "default first, then override" (`x = a; if (c) x = b;`). In an
//! event-driven simulator (Icarus) such a block briefly gives `x` the
//! default before the final value; when two modules each glitch a signal
//! that the other one reads, they re-trigger each other forever without
//! time advancing. The unit hit this when a bus error restarts a frame
//! push: the top's `frame_sequencer_start_addr` and the sequencer's
//! `mem_addr` glitched in turn.
//!
//! [`write_once`] rewrites every variable that a block assigns more than
//! once: the block computes it in a block-private `<name>_comb` register
//! and writes the variable once, at the end. The logic is unchanged (a
//! read before the first assignment sees the same value, because the
//! variable and its `_comb` copy are equal whenever the block is idle),
//! Yosys synthesises the same circuit, and no glitch leaves the block.

use anyhow::{bail, Result};
use std::collections::{BTreeMap, BTreeSet};

/// Suffix of the block-private copy of a variable.
const SUFFIX: &str = "_comb";

/// Apply the rewrite to every module of `text` (tidied Verilog).
pub fn write_once(text: &str) -> Result<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if lines[i].starts_with("module ") {
            let end = (i..lines.len())
                .find(|&k| lines[k].starts_with("endmodule"))
                .ok_or_else(|| anyhow::anyhow!("module at line {} has no endmodule", i + 1))?;
            out.extend(rewrite_module(&lines[i..=end])?);
            i = end + 1;
        } else {
            out.push(lines[i].to_string());
            i += 1;
        }
    }
    let mut s = out.join("\n");
    s.push('\n');
    Ok(s)
}

/// A token of a line: an identifier or anything else.
pub(crate) fn tokens(line: &str) -> Vec<(bool, &str)> {
    let b = line.as_bytes();
    let mut toks = vec![];
    let mut k = 0;
    while k < b.len() {
        let start = k;
        let c = b[k];
        if c == b'/' && b.get(k + 1) == Some(&b'/') {
            toks.push((false, &line[k..]));
            break;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while k < b.len() && (b[k].is_ascii_alphanumeric() || b[k] == b'_') {
                k += 1;
            }
            toks.push((true, &line[start..k]));
        } else if c.is_ascii_digit() || c == b'\'' {
            // A number, possibly based: 64'h8, 'h1f, 3'b101.
            while k < b.len() && (b[k].is_ascii_alphanumeric() || b[k] == b'_' || b[k] == b'\'') {
                k += 1;
            }
            toks.push((false, &line[start..k]));
        } else {
            k += 1;
            toks.push((false, &line[start..k]));
        }
    }
    toks
}

/// The variable a statement line assigns with `=` (blocking), if any:
/// the name before the first `=` that is not part of `==`, `<=`, `>=` or
/// `!=`, skipping a part-select (`x[(0)+:(1)] = ...`). Works after a case
/// label (`3'h5: b = 1;`) or a one-line `if (c) x = y;`.
pub(crate) fn assigned(line: &str) -> Option<&str> {
    let toks: Vec<_> = tokens(line)
        .into_iter()
        .filter(|t| !t.1.trim().is_empty() && !t.1.starts_with("//"))
        .collect();
    let mut depth = 0i32;
    let mut eq = None;
    for k in 0..toks.len() {
        match toks[k].1 {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            "=" if depth == 0 => {
                let prev = k.checked_sub(1).map(|j| toks[j].1);
                let next = toks.get(k + 1).map(|t| t.1);
                if !matches!(prev, Some("<" | ">" | "!" | "=")) && next != Some("=") {
                    eq = Some(k);
                    break;
                }
            }
            _ => {}
        }
    }
    let mut k = eq?.checked_sub(1)?;
    if toks[k].1 == "]" {
        let mut depth = 0;
        loop {
            match toks[k].1 {
                "]" => depth += 1,
                "[" => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            k = k.checked_sub(1)?;
        }
        k = k.checked_sub(1)?;
    }
    let (is_ident, name) = toks[k];
    let keyword = matches!(name, "if" | "else" | "begin" | "end" | "case" | "endcase");
    (is_ident && !keyword).then_some(name)
}

/// The `reg` declarations of a module: name → range text (`[63:0] ` or ``).
fn reg_ranges(lines: &[&str]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for l in lines {
        let t = l.trim();
        let rest = match t
            .strip_prefix("output reg")
            .or_else(|| t.strip_prefix("reg"))
        {
            Some(r) if t.ends_with(';') => r.trim().trim_end_matches(';').trim(),
            _ => continue,
        };
        let (range, name) = match rest.strip_prefix('[') {
            Some(r) => match r.split_once(']') {
                Some((range, name)) => (format!("[{range}] "), name.trim()),
                None => continue,
            },
            None => (String::new(), rest),
        };
        if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.insert(name.to_string(), range);
        }
    }
    out
}

fn rewrite_module(lines: &[&str]) -> Result<Vec<String>> {
    // Every combinational block of the module: (start, end) lines.
    let mut blocks = vec![];
    let mut k = 0;
    while k < lines.len() {
        if lines[k].trim() == "always @(*) begin" {
            let end = crate::split_blocks::matching_end(lines, k)?;
            blocks.push((k, end));
            k = end + 1;
        } else {
            k += 1;
        }
    }
    if blocks.is_empty() {
        return Ok(lines.iter().map(|l| l.to_string()).collect());
    }
    let ranges = reg_ranges(lines);
    let names: BTreeSet<&str> = lines
        .iter()
        .flat_map(|l| tokens(l))
        .filter(|t| t.0)
        .map(|t| t.1)
        .collect();
    // Per block, the variables to give a private copy.
    let mut per_block: Vec<BTreeSet<&str>> = vec![];
    for &(start, end) in &blocks {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for l in &lines[start + 1..end] {
            if let Some(v) = assigned(l) {
                *counts.entry(v).or_default() += 1;
            }
        }
        // Only variables that something outside the block reads can carry
        // a glitch out of it: output ports, sub-module connections, other
        // blocks. A variable read only inside the block is already private.
        let read_outside = |v: &str| {
            lines.iter().enumerate().any(|(k, l)| {
                let t = l.trim();
                let outside = k < start || k > end;
                let own_decl = t.starts_with("reg ") && t.ends_with(';');
                outside && !own_decl && tokens(l).iter().any(|tok| tok.0 && tok.1 == v)
            })
        };
        let targets: BTreeSet<&str> = counts
            .iter()
            .filter(|(v, &n)| n > 1 && read_outside(v))
            .map(|(v, _)| *v)
            .collect();
        for t in &targets {
            if !ranges.contains_key(*t) {
                bail!("`{t}` is assigned in an always block but not declared as a reg");
            }
            let copy = format!("{t}{SUFFIX}");
            if names.contains(copy.as_str()) {
                bail!("cannot name the private copy of `{t}`: `{copy}` exists already");
            }
        }
        per_block.push(targets);
    }
    let all: BTreeSet<&str> = per_block.iter().flatten().copied().collect();
    let update = lines[..blocks[0].0]
        .iter()
        .rposition(|l| l.trim() == "// Update code")
        .unwrap_or(blocks[0].0);
    let mut out: Vec<String> = lines[..update].iter().map(|l| l.to_string()).collect();
    if !all.is_empty() {
        out.push(
            "    // Private copies: each is computed, then written once per evaluation.".into(),
        );
        for t in &all {
            out.push(format!("    reg {}{t}{SUFFIX};", ranges[*t]));
        }
        out.push(String::new());
    }
    let mut k = update;
    for (&(start, end), targets) in blocks.iter().zip(&per_block) {
        out.extend(lines[k..=start].iter().map(|l| l.to_string()));
        for l in &lines[start + 1..end] {
            let mut s = String::new();
            for (ident, tok) in tokens(l) {
                s.push_str(tok);
                if ident && targets.contains(tok) {
                    s.push_str(SUFFIX);
                }
            }
            out.push(s);
        }
        for t in targets {
            out.push(format!("        {t} = {t}{SUFFIX};"));
        }
        k = end;
    }
    out.extend(lines[k..].iter().map(|l| l.to_string()));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
module m(a,c,x,y);
    input wire [7:0] a;
    input wire c;
    output reg [7:0] x;
    output reg y;

    // Update code
    always @(*) begin
        y = c;
        x = 8'h0;
        if (c) begin
            x = a;
        end
        x[(0)+:(1)] = y;
    end

endmodule // m
";

    #[test]
    fn multiply_assigned_variables_get_a_private_copy() {
        let out = write_once(SAMPLE).unwrap();
        assert!(out.contains("    reg [7:0] x_comb;\n"), "{out}");
        assert!(!out.contains("y_comb"), "y is assigned once: {out}");
        assert!(out.contains("        x_comb = 8'h0;\n"), "{out}");
        assert!(out.contains("            x_comb = a;\n"), "{out}");
        assert!(out.contains("        x_comb[(0)+:(1)] = y;\n"), "{out}");
        assert!(out.contains("        x = x_comb;\n    end\n"), "{out}");
        // The final write is the only assignment to x.
        assert_eq!(out.matches("\n        x = ").count(), 1, "{out}");
    }

    #[test]
    fn numbers_and_comments_are_left_alone() {
        let toks = tokens("x = 64'hx0 + h1; // x here");
        let idents: Vec<_> = toks.iter().filter(|t| t.0).map(|t| t.1).collect();
        assert_eq!(idents, vec!["x", "h1"]);
    }

    #[test]
    fn a_name_clash_is_an_error() {
        let src = SAMPLE.replace("input wire c;", "input wire c;\n    reg x_comb;");
        let e = write_once(&src).unwrap_err().to_string();
        assert!(e.contains("`x_comb` exists already"), "{e}");
    }

    #[test]
    fn modules_without_a_block_are_unchanged() {
        let src = "module d(q);\n    output reg q;\nendmodule\n";
        assert_eq!(write_once(src).unwrap(), src);
    }
}
