//! Duplicate modules. rust-hdl writes one module per instance, so the
//! unit's Verilog would hold dozens of identical flip-flops and copies of
//! each primitive.
//!
//! Modules that print the same apart from their name are merged into one:
//! a flip-flop becomes `<top>_dff_w<WIDTH>` (`_dff_s<WIDTH>` when signed),
//! a leaf primitive whose custom Verilog has a `// Module name: NAME`
//! comment becomes `<top>_NAME`, any other group keeps the name of its
//! first member; a merged module lists the instances it replaced (a
//! `// Shared by:` comment). Instances are rewritten. This repeats until
//! nothing changes, since blocks become identical once their flip-flops
//! are merged. Then the top comes first, the other blocks in rust-hdl's
//! order, the flip-flops last by width.

use crate::ast::*;
use crate::print::{decl, print_module};
use std::collections::{BTreeMap, BTreeSet};

/// If `m` is rust-hdl's `DFF` (after its `initial` block is gone), its
/// width and signedness.
pub fn dff_shape(m: &Module) -> Option<(u32, bool)> {
    if m.ports != ["d", "q", "clock"] {
        return None;
    }
    let code: Vec<&Item> = m
        .items
        .iter()
        .filter(|i| !matches!(i.kind, ItemKind::Blank | ItemKind::Comment(_)))
        .collect();
    let [d, q, clock, always] = code.as_slice() else {
        return None;
    };
    let (ItemKind::Decl(d), ItemKind::Decl(q), ItemKind::Decl(clock)) =
        (&d.kind, &q.kind, &clock.kind)
    else {
        return None;
    };
    let signed = d.words.iter().any(|w| w == "signed");
    let width = match &d.range {
        None => 1,
        Some(r) => match (&r.hi, &r.lo) {
            (Expr::Num(h), Expr::Num(l)) if l.text == "0" => h.text.parse::<u32>().ok()? + 1,
            _ => return None,
        },
    };
    let range = if width == 1 {
        String::new()
    } else {
        format!("[{}:0] ", width - 1)
    };
    let s = if signed { "signed " } else { "" };
    let decls_match = decl(d) == format!("input wire {s}{range}d;")
        && decl(q) == format!("output reg {s}{range}q;")
        && decl(clock) == "input wire clock;";
    (decls_match && is_flop_update(&always.kind)).then_some((width, signed))
}

/// `always @(posedge clock) begin q <= d; end`
fn is_flop_update(item: &ItemKind) -> bool {
    let ItemKind::Always(Sens::Events(evs), body) = item else {
        return false;
    };
    let clocked = matches!(evs.as_slice(), [(Some(edge), Expr::Ident(c))] if edge == "posedge" && c == "clock");
    let StmtKind::Block(stmts) = &body.kind else {
        return false;
    };
    let update = matches!(stmts.as_slice(), [Stmt { kind: StmtKind::Assign { lhs: Expr::Ident(q), rhs: Expr::Ident(d), nonblocking: true }, .. }] if q == "q" && d == "d");
    clocked && update
}

/// The name a module gives itself with a `// Module name: NAME` comment:
/// in a leaf primitive's custom Verilog (a module item), or as a
/// statement of its logic (a block that inserts the comment into its
/// rust-hdl code, such as a register pair).
pub fn own_name(m: &Module) -> Option<String> {
    m.items.iter().find_map(|i| match &i.kind {
        ItemKind::Comment(c) => module_name(c),
        ItemKind::Always(_, body) => match &body.kind {
            StmtKind::Block(stmts) => stmts.iter().find_map(|s| match &s.kind {
                StmtKind::Comment(c) => module_name(c),
                _ => None,
            }),
            _ => None,
        },
        _ => None,
    })
}

/// `NAME` of a `// Module name: NAME` comment, if it is a plain name.
fn module_name(comment: &str) -> Option<String> {
    let n = comment.strip_prefix("// Module name: ")?.trim();
    (!n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| n.to_string())
}

/// Groups of modules that print the same, in order of their first member.
fn identical_groups(design: &Design) -> Vec<Vec<usize>> {
    const SELF: &str = "\u{1}self";
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (i, m) in design.modules.iter().enumerate() {
        let key = print_module(m, SELF);
        match index.get(&key) {
            Some(&g) => groups[g].push(i),
            None => {
                index.insert(key, groups.len());
                groups.push(vec![i]);
            }
        }
    }
    groups
}

/// The name a group of identical modules gets, if it changes.
fn group_name(first: &Module, size: usize, top_name: &str) -> Option<String> {
    Some(match (dff_shape(first), own_name(first)) {
        (Some((w, false)), _) => format!("{top_name}_dff_w{w}"),
        (Some((w, true)), _) => format!("{top_name}_dff_s{w}"),
        (None, Some(n)) => format!("{top_name}_{n}"),
        (None, None) if size > 1 => first.name.clone(),
        (None, None) => return None,
    })
}

/// Merges identical modules until none are left, then orders the modules.
pub fn merge_duplicates(design: &mut Design, top_name: &str) {
    for _round in 0..64 {
        if !merge_round(design, top_name) {
            break;
        }
    }
    design
        .modules
        .sort_by_key(|m| dff_shape(m).map_or((0, false, 0), |(w, s)| (1, s, w)));
}

/// One round of merging; whether anything changed.
fn merge_round(design: &mut Design, top_name: &str) -> bool {
    let groups = identical_groups(design);
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    let mut remove = BTreeSet::new();
    for g in &groups {
        let Some(name) = group_name(&design.modules[g[0]], g.len(), top_name) else {
            continue;
        };
        for &i in g {
            if design.modules[i].name != name {
                map.insert(design.modules[i].name.clone(), name.clone());
            }
        }
        remove.extend(g[1..].iter().copied());
    }
    if map.is_empty() && remove.is_empty() {
        return false;
    }
    for g in &groups {
        let mut merged: Vec<String> = Vec::new();
        for &i in g {
            merged.push(design.modules[i].name.clone());
            merged.append(&mut design.modules[i].merged);
        }
        let is_flop = dff_shape(&design.modules[g[0]]).is_some();
        let first = &mut design.modules[g[0]];
        if let Some(new) = map.get(&first.name) {
            first.name = new.clone();
        }
        merged.retain(|n| *n != first.name);
        merged.sort();
        merged.dedup();
        if is_flop {
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
        for item in &mut m.items {
            if let ItemKind::Instance(inst) = &mut item.kind {
                if let Some(new) = map.get(&inst.module) {
                    inst.module = new.clone();
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::test_util::*;
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

    #[test]
    fn a_name_comment_in_a_block_of_logic_names_the_module_too() {
        let pair = |name: &str| {
            format!(
                "\n\nmodule {name}(x,y);\n    input wire [7:0] x;\n    output reg [7:0] y;\n    \
                 always @(*) begin\n        // Module name: pass_on\n        y = x;\n    end\n\
                 endmodule // {name}\n"
            )
        };
        let src = format!(
            "module top(a,b,c,d);\n    input wire [7:0] a;\n    output wire [7:0] b;\n    \
             input wire [7:0] c;\n    output wire [7:0] d;\n    top$p p(\n        .x(a),\n        .y(b)\n    );\n    \
             top$q q(\n        .x(c),\n        .y(d)\n    );\nendmodule // top\n{}{}",
            pair("top$p"),
            pair("top$q"),
        );
        let out = tidied(&src);
        assert!(out.contains("ptu_pass_on p("), "{out}");
        assert!(out.contains("ptu_pass_on q("), "{out}");
        assert!(!out.contains("ptu_p("), "{out}");
    }
}
