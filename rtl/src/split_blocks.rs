//! One combinational block per group of variables in the emitted Verilog.
//!
//! rust-hdl writes all of a module's logic as a single `always @(*)`
//! block. A parent's block both drives a sub-block's inputs and reads its
//! outputs, so a simulator that orders whole blocks (Verilator) sees a
//! loop through the sub-block even where the signals form none; Verilator
//! 5.006 reports these as UNOPTFLAT and, at `-O2`, evaluated the unit
//! wrongly through them when inputs changed.
//!
//! [`split_blocks`] cuts each block into the smallest groups of top-level
//! statements that write disjoint sets of variables (statements that write
//! a common variable, such as a default and its overrides, stay together,
//! in their order). Each group becomes its own `always @(*)` block. For
//! combinational logic without latches (rust-hdl assigns every variable
//! before reading it) this is the same logic; the real signal graph has no
//! loop, so no false loop remains.

use crate::write_once::{assigned, tokens};
use anyhow::{bail, Result};
use std::collections::BTreeSet;

/// Apply the split to every module of `text` (tidied Verilog).
pub fn split_blocks(text: &str) -> Result<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut params = BTreeSet::new();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        if t.starts_with("module ") {
            params.clear();
        }
        if let Some(rest) = t.strip_prefix("localparam") {
            if let Some((name, _)) = rest.split_once('=') {
                params.insert(name.trim().to_string());
            }
        }
        if t == "always @(*) begin" {
            let end = matching_end(&lines, i)?;
            out.extend(split(&lines[i + 1..end], &params)?);
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

/// Change of `begin`/`case` nesting over one line.
fn depth_change(line: &str) -> i32 {
    tokens(line)
        .iter()
        .filter(|t| t.0)
        .map(|t| match t.1 {
            "begin" | "case" => 1,
            "end" | "endcase" => -1,
            _ => 0,
        })
        .sum()
}

/// The line of the `end` that closes the `begin` on line `start`.
pub(crate) fn matching_end(lines: &[&str], start: usize) -> Result<usize> {
    let mut depth = 0;
    for (k, l) in lines.iter().enumerate().skip(start) {
        depth += depth_change(l);
        if depth == 0 {
            return Ok(k);
        }
    }
    bail!("unbalanced begin/end after `{}`", lines[start].trim())
}

/// The top-level statements of a block body, as line ranges.
fn statements(body: &[&str]) -> Result<Vec<(usize, usize)>> {
    let mut out = vec![];
    let mut k = 0;
    while k < body.len() {
        if body[k].trim().is_empty() {
            k += 1;
            continue;
        }
        let start = k;
        let mut depth = 0;
        loop {
            if k >= body.len() {
                bail!("unbalanced statement starting `{}`", body[start].trim());
            }
            depth += depth_change(body[k]);
            k += 1;
            if depth == 0 {
                // An `else` continues the statement.
                let next = body[k..].iter().position(|l| !l.trim().is_empty());
                match next {
                    Some(n) if body[k + n].trim_start().starts_with("else") => k += n,
                    _ => break,
                }
            }
        }
        out.push((start, k));
    }
    Ok(out)
}

fn split(body: &[&str], params: &BTreeSet<String>) -> Result<Vec<String>> {
    let stmts = statements(body)?;
    // Union-find over statements, joined by the variables they write.
    let mut parent: Vec<usize> = (0..stmts.len()).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut writer: std::collections::BTreeMap<String, usize> = Default::default();
    for (n, &(a, b)) in stmts.iter().enumerate() {
        for l in &body[a..b] {
            if let Some(v) = assigned(l) {
                match writer.get(v) {
                    Some(&m) => {
                        let (x, y) = (root(&mut parent, m), root(&mut parent, n));
                        parent[x.max(y)] = x.min(y);
                    }
                    None => {
                        writer.insert(v.to_string(), n);
                    }
                }
            }
        }
    }
    let mut groups: Vec<(usize, Vec<usize>)> = vec![];
    for n in 0..stmts.len() {
        let r = root(&mut parent, n);
        match groups.iter_mut().find(|(g, _)| *g == r) {
            Some((_, members)) => members.push(n),
            None => groups.push((r, vec![n])),
        }
    }
    // A group that reads no variable (only constants) would never run:
    // `always @(*)` is sensitive to variables only. Such groups join a
    // group that reads nothing but `clock`, which runs at every edge and
    // can form no loop; failing that, the first group.
    let reads = |members: &[usize]| -> BTreeSet<String> {
        let mut written = BTreeSet::new();
        let mut read = BTreeSet::new();
        for &n in members {
            let (a, b) = stmts[n];
            for l in &body[a..b] {
                if let Some(v) = assigned(l) {
                    written.insert(v.to_string());
                }
                for (ident, t) in tokens(l) {
                    let keyword = matches!(
                        t,
                        "if" | "else" | "begin" | "end" | "case" | "endcase" | "default"
                    );
                    if ident && !keyword && !params.contains(t) {
                        read.insert(t.to_string());
                    }
                }
            }
        }
        read.difference(&written).cloned().collect()
    };
    let sets: Vec<BTreeSet<String>> = groups.iter().map(|(_, m)| reads(m)).collect();
    let clock_only = sets
        .iter()
        .position(|r| r.len() == 1 && r.contains("clock"));
    let host = clock_only.or_else(|| sets.iter().position(|r| !r.is_empty()));
    if let Some(h) = host {
        for g in 0..groups.len() {
            if sets[g].is_empty() {
                let moved = std::mem::take(&mut groups[g].1);
                groups[h].1.extend(moved);
            }
        }
        groups.retain(|(_, m)| !m.is_empty());
        for (_, m) in &mut groups {
            m.sort_unstable();
        }
    }
    let indent = "    ";
    let mut out = vec![];
    for (k, (_, members)) in groups.iter().enumerate() {
        if k > 0 {
            out.push(String::new());
        }
        out.push(format!("{indent}always @(*) begin"));
        for &n in members {
            let (a, b) = stmts[n];
            out.extend(body[a..b].iter().map(|l| l.to_string()));
        }
        out.push(format!("{indent}end"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
module m(a,c,x,y,z);
    // Update code
    always @(*) begin
        y = c;
        x = 8'h0;
        if (c) begin
            x = a;
        end
        else begin
            x = 8'h1;
        end
        z = y;
        case (a)
            0:
                begin
                    x = 8'h2;
                end
            default:
                begin
                end
        endcase
    end

endmodule // m
";

    #[test]
    fn statements_writing_one_variable_stay_together() {
        let out = split_blocks(SAMPLE).unwrap();
        assert_eq!(out.matches("always @(*) begin").count(), 3, "{out}");
        // x's default, its if/else and its case are one block, in order.
        let x_block = out.split("always @(*) begin").nth(2).unwrap();
        let order: Vec<usize> = ["x = 8'h0;", "x = a;", "x = 8'h1;", "x = 8'h2;"]
            .iter()
            .map(|s| x_block.find(s).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{x_block}");
        assert!(
            out.contains("    always @(*) begin\n        z = y;\n    end"),
            "{out}"
        );
    }

    #[test]
    fn constant_only_groups_join_the_clock_group() {
        let src = "\
module m(clock,a,x,y,k);
    localparam one = 1'h1;
    // Update code
    always @(*) begin
        r_clock = clock;
        x = a;
        y = 1'h0;
        k = one;
    end
endmodule
";
        let out = split_blocks(src).unwrap();
        assert!(
            out.contains("always @(*) begin\n        r_clock = clock;\n        y = 1'h0;\n        k = one;\n    end"),
            "{out}"
        );
        assert!(
            out.contains("always @(*) begin\n        x = a;\n    end"),
            "{out}"
        );
    }

    #[test]
    fn unbalanced_input_is_an_error() {
        let bad = SAMPLE.replace("        endcase\n", "");
        assert!(split_blocks(&bad).is_err());
    }
}
