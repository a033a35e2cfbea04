//! The passes over the AST between parsing and printing, in the order
//! [`tidy`](crate::tidy) runs them:
//!
//! - [`remove_flop_initials`]: rust-hdl's `DFF` starts with
//!   `initial begin q = 0; end`; iCE40 flip-flops ignore it and designs
//!   reset explicitly, so it goes (memory contents stay).
//! - [`remove_unused_enum_params`]: rust-hdl copies every enum's
//!   `localparam`s into each module that uses the type, even a `DFF`.
//! - [`rename`]: the top `top` becomes `<top_name>`, a child `top$a$b`
//!   `<top_name>_a_b`, every other `x$y` `x_y` (Icarus and Verilator read
//!   no `$` in names), and a name that is a Verilog keyword (`event`) gets
//!   a `_` suffix.
//! - [`split_blocks`]: one combinational block per group of variables,
//!   which removes Verilator's false combinational loops.
//! - [`write_once`]: a variable a combinational block assigns more than
//!   once is computed in a private copy and written once, which removes
//!   Icarus' zero-delay glitch loops.

use crate::ast::*;
use crate::lex::{is_keyword, STRUCTURAL_KEYWORDS};
use anyhow::{bail, Result};
use std::collections::{BTreeMap, BTreeSet};

/// The name rust-hdl gives the top module.
pub const RUST_HDL_TOP: &str = "top";

// ------------------------------------------------- initials and enums --

/// `q = <number>;`
fn is_constant_assign(s: &Stmt) -> bool {
    matches!(
        &s.kind,
        StmtKind::Assign {
            lhs: Expr::Ident(_),
            rhs: Expr::Num(_),
            nonblocking: false
        }
    )
}

/// Removes `initial begin q = <number>; end` (and `initial q = <number>;`),
/// which every rust-hdl `DFF` writes: iCE40 flip-flops ignore initial
/// values, so a design that relied on them would work in simulation only;
/// the designs reset explicitly. `initial` blocks that fill a memory stay.
pub fn remove_flop_initials(m: &mut Module) {
    m.items.retain(|i| {
        let ItemKind::Initial(body) = &i.kind else {
            return true;
        };
        let flop_init = match &body.kind {
            StmtKind::Block(stmts) => !stmts.is_empty() && stmts.iter().all(is_constant_assign),
            _ => is_constant_assign(body),
        };
        !flop_init
    });
}

/// `localparam NAME = <decimal>;`: the name.
fn enum_param(item: &Item) -> Option<&str> {
    let ItemKind::Decl(d) = &item.kind else {
        return None;
    };
    match d.names.as_slice() {
        [Declared {
            name,
            dims,
            init: Some(Expr::Num(l)),
        }] if d.words == ["localparam"]
            && d.range.is_none()
            && dims.is_empty()
            && l.text.bytes().all(|c| c.is_ascii_digit()) =>
        {
            Some(name)
        }
        _ => None,
    }
}

/// Removes rust-hdl's enum encodings (`localparam NAME = <decimal>;`) that
/// the module never reads, and a `// Enums` comment left with nothing:
/// rust-hdl copies them into every module that holds the type (each
/// `DFF` of a state), where Verilator reports them as unused.
pub fn remove_unused_enum_params(m: &mut Module) {
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    for n in m.names() {
        *uses.entry(n).or_default() += 1;
    }
    m.items
        .retain(|i| enum_param(i).is_none_or(|n| uses.get(n) != Some(&1)));
    let mut k = 0;
    while k < m.items.len() {
        let is_enums = m.items[k].kind == ItemKind::Comment("// Enums".into());
        let next = m.items[k + 1..].iter().find(|i| i.kind != ItemKind::Blank);
        let params_follow = next.is_some_and(|i| {
            matches!(&i.kind, ItemKind::Decl(d) if d.words.first().is_some_and(|w| w == "localparam"))
        });
        if is_enums && !params_follow {
            m.items.remove(k);
        } else {
            k += 1;
        }
    }
}

// ---------------------------------------------------------------- names --

/// The new names of the modules; an error if two become one.
fn module_names(design: &Design, top_name: &str) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
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
        map.insert(m.name.clone(), new);
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
    Ok(map)
}

/// Names a module declares: ports, signals, parameters, instances.
fn declared_names(m: &Module) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = m.ports.iter().cloned().collect();
    for i in &m.items {
        match &i.kind {
            ItemKind::Decl(d) => out.extend(d.names.iter().map(|n| n.name.clone())),
            ItemKind::Instance(inst) => {
                out.insert(inst.name.clone());
            }
            _ => {}
        }
    }
    out
}

/// Declared names that are keywords; an error for those that rust-hdl
/// itself writes as keywords.
fn keyword_names(design: &Design) -> Result<BTreeSet<String>> {
    let mut names = BTreeSet::new();
    for m in &design.modules {
        names.extend(declared_names(m).into_iter().filter(|n| is_keyword(n)));
    }
    let structural: Vec<String> = names
        .iter()
        .filter(|n| STRUCTURAL_KEYWORDS.contains(&n.as_str()))
        .map(|s| format!("`{s}`"))
        .collect();
    if !structural.is_empty() {
        bail!(
            "names that are Verilog keywords rust-hdl itself writes cannot be renamed safely: {}; \
             rename them in the Rust source",
            structural.join(", ")
        );
    }
    Ok(names)
}

/// Renames modules and names: `$` is not allowed in names by Icarus and
/// Verilator, and a keyword used as a name (`event`) passes Yosys but
/// breaks both. Modules become `<top_name>` and `<top_name>_a_b`; names
/// become `x_y`, keywords `event_`. Two names that become one are an
/// error naming both. Returns the keywords renamed, old and new.
pub fn rename(design: &mut Design, top_name: &str) -> Result<Vec<(String, String)>> {
    let module_map = module_names(design, top_name)?;
    let keywords = keyword_names(design)?;
    let new_ident = |old: &str| {
        let s = old.replace('$', "_");
        if keywords.contains(old) {
            format!("{s}_")
        } else {
            s
        }
    };
    for m in &mut design.modules {
        let new_name = module_map[&m.name].clone();
        let old_name = std::mem::replace(&mut m.name, new_name);
        let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut rename_one = |n: &mut String, is_module: bool| {
            if is_module {
                if let Some(new) = module_map.get(n.as_str()) {
                    *n = new.clone();
                }
                return;
            }
            let new = new_ident(n);
            seen.entry(new.clone()).or_default().insert(n.clone());
            *n = new;
        };
        for p in &mut m.ports {
            rename_one(p, false);
        }
        for item in &mut m.items {
            if let ItemKind::Comment(c) = &mut item.kind {
                *c = c.replace('$', "_");
            }
            item.for_each_name_mut(&mut rename_one);
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
                "names collide after renaming in module `{old_name}`: {}; rename one of \
                 them in the Rust source",
                clashes.join("; ")
            );
        }
    }
    Ok(keywords.iter().map(|k| (k.clone(), new_ident(k))).collect())
}

// --------------------------------------------------------- split blocks --

/// A block `split_blocks` and `write_once` work on: `always @(*)` whose
/// body is `begin ... end`.
fn comb_block(item: &Item) -> Option<&Vec<Stmt>> {
    match &item.kind {
        ItemKind::Always(
            sens,
            Stmt {
                kind: StmtKind::Block(stmts),
                ..
            },
        ) if sens.is_comb() => Some(stmts),
        _ => None,
    }
}

/// One combinational block per group of variables.
///
/// rust-hdl writes all of a module's logic as a single `always @(*)`
/// block. A parent's block both drives a sub-block's inputs and reads its
/// outputs, so a simulator that orders whole blocks (Verilator) sees a
/// loop through the sub-block even where the signals form none; Verilator
/// 5.006 reports these as UNOPTFLAT and, at `-O2`, evaluated the unit
/// wrongly through them when inputs changed.
///
/// Each block is cut into the smallest groups of top-level statements that
/// write disjoint sets of variables (statements that write a common
/// variable, such as a default and its overrides, stay together, in their
/// order). Each group becomes its own `always @(*)` block. For
/// combinational logic without latches (rust-hdl assigns every variable
/// before reading it) this is the same logic; the real signal graph has no
/// loop, so no false loop remains.
pub fn split_blocks(m: &mut Module) {
    let params: BTreeSet<String> = m
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ItemKind::Decl(d) if d.is_param() => Some(d.names.iter().map(|n| n.name.clone())),
            _ => None,
        })
        .flatten()
        .collect();
    let mut items = Vec::with_capacity(m.items.len());
    for item in std::mem::take(&mut m.items) {
        let Some(stmts) = comb_block(&item) else {
            items.push(item);
            continue;
        };
        let ItemKind::Always(sens, body) = &item.kind else {
            unreachable!()
        };
        for (k, group) in groups(stmts, &params).into_iter().enumerate() {
            if k > 0 {
                items.push(Item {
                    col: 0,
                    kind: ItemKind::Blank,
                });
            }
            let stmts = group.iter().map(|&n| stmts[n].clone()).collect();
            let body = Stmt {
                kind: StmtKind::Block(stmts),
                ..body.clone()
            };
            items.push(Item {
                col: item.col,
                kind: ItemKind::Always(sens.clone(), body),
            });
        }
    }
    m.items = items;
}

/// The groups of `stmts` (indices, in order) that write disjoint sets of
/// variables; a group that reads no variable joins another (see
/// [`join_constant_groups`]).
fn groups(stmts: &[Stmt], params: &BTreeSet<String>) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..stmts.len()).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut writer: BTreeMap<String, usize> = BTreeMap::new();
    for (n, s) in stmts.iter().enumerate() {
        for v in s.blocking_targets() {
            match writer.get(&v) {
                Some(&m) => {
                    let (x, y) = (root(&mut parent, m), root(&mut parent, n));
                    parent[x.max(y)] = x.min(y);
                }
                None => {
                    writer.insert(v, n);
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
    let groups = groups.into_iter().map(|(_, m)| m).collect();
    join_constant_groups(stmts, groups, params)
}

/// A group that reads no variable (only constants) would never run:
/// `always @(*)` is sensitive to variables only. Such groups join a group
/// that reads nothing but `clock`, which runs at every edge and can form
/// no loop; failing that, the first group that reads something.
fn join_constant_groups(
    stmts: &[Stmt],
    mut groups: Vec<Vec<usize>>,
    params: &BTreeSet<String>,
) -> Vec<Vec<usize>> {
    let reads = |members: &[usize]| -> BTreeSet<String> {
        let mut written = BTreeSet::new();
        let mut read = BTreeSet::new();
        for &n in members {
            written.extend(stmts[n].blocking_targets());
            read.extend(
                stmts[n]
                    .idents()
                    .into_iter()
                    .filter(|i| !params.contains(i)),
            );
        }
        read.difference(&written).cloned().collect()
    };
    let sets: Vec<BTreeSet<String>> = groups.iter().map(|m| reads(m)).collect();
    let clock_only = sets
        .iter()
        .position(|r| r.len() == 1 && r.contains("clock"));
    let Some(host) = clock_only.or_else(|| sets.iter().position(|r| !r.is_empty())) else {
        return groups;
    };
    for g in 0..groups.len() {
        if sets[g].is_empty() {
            let moved = std::mem::take(&mut groups[g]);
            groups[host].extend(moved);
        }
    }
    groups.retain(|m| !m.is_empty());
    for m in &mut groups {
        m.sort_unstable();
    }
    groups
}

// ----------------------------------------------------------- write once --

/// Suffix of the block-private copy of a variable.
const SUFFIX: &str = "_comb";

/// Glitch-free combinational blocks.
///
/// rust-hdl writes logic in the style "default first, then override"
/// (`x = a; if (c) x = b;`). In an event-driven simulator (Icarus) such a
/// block briefly gives `x` the default before the final value; when two
/// modules each glitch a signal that the other one reads, they re-trigger
/// each other forever without time advancing. The unit hit this when a
/// bus error restarts a frame push: the top's `frame_sequencer_start_addr`
/// and the sequencer's `mem_addr` glitched in turn.
///
/// Every variable that a block assigns more than once and that something
/// outside the block reads is computed in a block-private `<name>_comb`
/// register and written once, at the end of the block. The logic is
/// unchanged (a read before the first assignment sees the same value,
/// because the variable and its copy are equal whenever the block is
/// idle), Yosys synthesises the same circuit, and no glitch leaves the
/// block.
pub fn write_once(m: &mut Module) -> Result<()> {
    let blocks: Vec<usize> = (0..m.items.len())
        .filter(|&k| comb_block(&m.items[k]).is_some())
        .collect();
    let Some(&first) = blocks.first() else {
        return Ok(());
    };
    let ranges = reg_ranges(m);
    let names: BTreeSet<String> = m.names().into_iter().collect();
    let mut all = BTreeSet::new();
    let item_names: Vec<Vec<String>> = m.items.iter().map(names_outside).collect();
    for &k in &blocks {
        let targets = block_targets(m, k, &item_names);
        for t in &targets {
            if !ranges.contains_key(t) {
                bail!(
                    "`{t}` is assigned in an always block but not declared as a reg (module `{}`)",
                    m.name
                );
            }
            if names.contains(&format!("{t}{SUFFIX}")) {
                bail!("cannot name the private copy of `{t}`: `{t}{SUFFIX}` exists already");
            }
        }
        rewrite_block(&mut m.items[k], &targets);
        all.extend(targets);
    }
    if !all.is_empty() {
        insert_copies(m, first, &all, &ranges);
    }
    Ok(())
}

/// The names an item shows to the blocks of its module: all of them,
/// with instances' module names, but none for a plain `reg` declaration
/// (declaring a variable does not read it).
fn names_outside(item: &Item) -> Vec<String> {
    match &item.kind {
        ItemKind::Decl(d) if d.words == ["reg"] => vec![],
        ItemKind::Instance(inst) => {
            let mut names = item.names();
            names.push(inst.module.clone());
            names
        }
        _ => item.names(),
    }
}

/// The variables block `k` must give a private copy: assigned more than
/// once in it, and read outside it (`item_names`: [`names_outside`] of
/// each item).
fn block_targets(m: &Module, k: usize, item_names: &[Vec<String>]) -> BTreeSet<String> {
    let stmts = comb_block(&m.items[k]).expect("a combinational block");
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for s in stmts {
        for v in s.blocking_targets() {
            *counts.entry(v).or_default() += 1;
        }
    }
    // Only variables that something outside the block reads can carry a
    // glitch out of it: output ports, sub-module connections, other
    // blocks. A variable used only inside the block is already private.
    let mut outside: BTreeSet<&str> = m.ports.iter().map(String::as_str).collect();
    for (j, names) in item_names.iter().enumerate() {
        if j != k {
            outside.extend(names.iter().map(String::as_str));
        }
    }
    counts
        .into_iter()
        .filter(|(v, n)| *n > 1 && outside.contains(v.as_str()))
        .map(|(v, _)| v)
        .collect()
}

/// The `reg` declarations (`reg` or `output reg`, one plain name) and
/// their ranges.
fn reg_ranges(m: &Module) -> BTreeMap<String, Option<Range>> {
    let mut out = BTreeMap::new();
    for item in &m.items {
        let ItemKind::Decl(d) = &item.kind else {
            continue;
        };
        let is_reg = d.words == ["reg"] || d.words == ["output", "reg"];
        if let [n] = d.names.as_slice() {
            if is_reg && n.dims.is_empty() && n.init.is_none() {
                out.insert(n.name.clone(), d.range.clone());
            }
        }
    }
    out
}

/// Renames the targets inside the block to their copies and writes each
/// once at the end.
fn rewrite_block(item: &mut Item, targets: &BTreeSet<String>) {
    let col = item.col + 4;
    let ItemKind::Always(_, body) = &mut item.kind else {
        return;
    };
    body.for_each_ident_mut(&mut |n| {
        if targets.contains(n.as_str()) {
            n.push_str(SUFFIX);
        }
    });
    let StmtKind::Block(stmts) = &mut body.kind else {
        return;
    };
    for t in targets {
        stmts.push(Stmt::new(
            col,
            StmtKind::Assign {
                lhs: Expr::Ident(t.clone()),
                rhs: Expr::Ident(format!("{t}{SUFFIX}")),
                nonblocking: false,
            },
        ));
    }
}

/// Declares the copies before the `// Update code` comment that precedes
/// the first block (or before the block).
fn insert_copies(
    m: &mut Module,
    first: usize,
    all: &BTreeSet<String>,
    ranges: &BTreeMap<String, Option<Range>>,
) {
    let at = m.items[..first]
        .iter()
        .rposition(|i| i.kind == ItemKind::Comment("// Update code".into()))
        .unwrap_or(first);
    let col = m.items[first].col;
    let mut new = vec![Item {
        col,
        kind: ItemKind::Comment(
            "// Private copies: each is computed, then written once per evaluation.".into(),
        ),
    }];
    for t in all {
        new.push(Item {
            col,
            kind: ItemKind::Decl(Decl {
                words: vec!["reg".into()],
                range: ranges[t].clone(),
                names: vec![Declared {
                    name: format!("{t}{SUFFIX}"),
                    dims: vec![],
                    init: None,
                }],
            }),
        });
    }
    new.push(Item {
        col: 0,
        kind: ItemKind::Blank,
    });
    m.items.splice(at..at, new);
}

#[cfg(test)]
mod tests {
    use crate::test_util::*;
    use crate::tidy;
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

    /// Parses `src`, runs `pass` on every module, prints it back.
    fn run(src: &str, pass: fn(&mut crate::ast::Module)) -> String {
        let mut d = crate::parse::parse(src).unwrap();
        d.modules.iter_mut().for_each(pass);
        crate::print::print_design(&d, "", &[])
    }

    const SPLIT_SAMPLE: &str = "\
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
        let out = run(SPLIT_SAMPLE, super::split_blocks);
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
        let out = run(src, super::split_blocks);
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
        // Unbalanced blocks no longer reach a pass: the parser refuses them.
        let bad = SPLIT_SAMPLE.replace("        endcase\n", "");
        let err = crate::parse::parse(&bad).unwrap_err().to_string();
        assert!(err.starts_with("cannot parse module `m` at line"), "{err}");
    }

    const ONCE_SAMPLE: &str = "\
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

    fn write_once(m: &mut crate::ast::Module) {
        super::write_once(m).unwrap()
    }

    #[test]
    fn multiply_assigned_variables_get_a_private_copy() {
        let out = run(ONCE_SAMPLE, write_once);
        assert!(out.contains("    reg [7:0] x_comb;\n"), "{out}");
        assert!(!out.contains("y_comb"), "y is assigned once: {out}");
        assert!(out.contains("        x_comb = 8'h0;\n"), "{out}");
        assert!(out.contains("            x_comb = a;\n"), "{out}");
        assert!(out.contains("        x_comb[(0)+:(1)] = y;\n"), "{out}");
        assert!(out.contains("        x = x_comb;\n    end\n"), "{out}");
        // The final write is the only assignment to x.
        assert_eq!(out.matches("\n        x = ").count(), 1, "{out}");
        // The copies are declared before the `// Update code` comment.
        assert!(
            out.contains(
                "    // Private copies: each is computed, then written once per \
                          evaluation.\n    reg [7:0] x_comb;\n\n    // Update code\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn a_name_clash_is_an_error() {
        let src = ONCE_SAMPLE.replace("input wire c;", "input wire c;\n    reg x_comb;");
        let mut d = crate::parse::parse(&src).unwrap();
        let e = super::write_once(&mut d.modules[0])
            .unwrap_err()
            .to_string();
        assert!(e.contains("`x_comb` exists already"), "{e}");
    }

    #[test]
    fn modules_without_a_block_are_unchanged() {
        let src = "module d(q);\n    output reg q;\nendmodule\n";
        assert_eq!(run(src, write_once), src);
    }
}
