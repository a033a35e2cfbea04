//! The proof that emission changes no logic: Yosys reads rust-hdl's raw
//! text (gold) and the emitted text (gate), flattens each, pairs their
//! signals (`equiv_make`) and proves every pair equal, first by
//! simulation of two cycles (`equiv_simple -seq 2`), then by induction
//! (`equiv_induct -seq 2`). rust-hdl's `$` names, keyword names and
//! `initial` blocks are fine for Yosys.
//!
//! The report counts the proven and unproven points; a design is
//! equivalent when none is unproven. Memories are turned into logic first
//! (`memory`, when there are any), and cells a design uses without defining them (an iCE40
//! PLL) can be read as blackboxes
//! ([`check_equivalence_with_libs`]).

use crate::ast::ItemKind;
use anyhow::{anyhow, bail, Result};
use ptu_tools::{run_ok, write_atomic};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The outcome of [`check_equivalence`].
#[derive(Clone, Debug)]
pub struct EquivReport {
    /// Pairs of signals (`$equiv` cells) Yosys compared.
    pub points: usize,
    pub proven: usize,
    pub unproven: usize,
    /// Wall time of the Yosys run.
    pub seconds: f64,
    /// Yosys' log.
    pub log: PathBuf,
}

/// One line: points, proven, unproven, seconds, the log.
impl std::fmt::Display for EquivReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} points, {} proven, {} unproven, {:.1} s, log {}",
            self.points,
            self.proven,
            self.unproven,
            self.seconds,
            self.log.display()
        )
    }
}

impl EquivReport {
    pub fn is_equivalent(&self) -> bool {
        self.unproven == 0 && self.points > 0
    }

    /// An error unless every point is proven.
    pub fn ensure(&self) -> Result<()> {
        if !self.is_equivalent() {
            bail!(
                "yosys: the emitted Verilog is not proven equivalent to rust-hdl's: {} of {} \
                 points unproven, log: {}",
                self.unproven,
                self.points,
                self.log.display()
            );
        }
        Ok(())
    }
}

/// Whether `text` declares a memory (`reg [7:0] mem [0:3];`). Text the
/// parser cannot read counts as having one.
fn has_memories(text: &str) -> bool {
    crate::parse::parse(text).map_or(true, |d| {
        d.modules.iter().flat_map(|m| &m.items).any(
            |i| matches!(&i.kind, ItemKind::Decl(d) if d.names.iter().any(|n| !n.dims.is_empty())),
        )
    })
}

/// The Yosys script: gold from `raw.v`, gate from `emitted.v`, each after
/// the blackbox libraries `libs`; `memory` turns ROMs and RAMs into logic
/// that `equiv_make` can pair (only when there are any: on the unit it
/// makes `equiv_simple` leave half the points to a slower induction).
fn script(raw_top: &str, emitted_top: &str, libs: &[&str], memories: bool) -> String {
    let libs: String = libs
        .iter()
        .map(|l| format!("read_verilog -lib {l}\n"))
        .collect();
    let memory = if memories { "memory\n" } else { "" };
    let side = |file: &str, top: &str, name: &str| {
        format!(
            "{libs}read_verilog {file}\nhierarchy -top {top}\nproc\n{memory}flatten\n\
             opt_clean\nrename {top} {name}\ndesign -stash {name}\n"
        )
    };
    format!(
        "{}{}design -copy-from gold -as gold gold\ndesign -copy-from gate -as gate gate\n\
         equiv_make gold gate equiv\nhierarchy -top equiv\nequiv_simple -seq 2\n\
         equiv_induct -seq 2\nequiv_status\n",
        side("raw.v", raw_top, "gold"),
        side("emitted.v", emitted_top, "gate"),
    )
}

/// `(points, unproven)` from `equiv_status`'s lines `Found N $equiv cells`
/// and `Of those cells P are proven and U are unproven.`
fn parse_status(log: &str) -> Option<(usize, usize)> {
    let found = log.lines().rev().find_map(|l| {
        let rest = l.trim().strip_prefix("Found ")?;
        rest.split_whitespace().next()?.parse().ok()
    })?;
    let unproven = log
        .lines()
        .rev()
        .find_map(|l| {
            let rest = l.trim().strip_prefix("Of those cells ")?;
            let words: Vec<&str> = rest.split_whitespace().collect();
            words.get(4)?.parse().ok()
        })
        .or_else(|| {
            log.contains("Equivalence successfully proven!")
                .then_some(0)
        })?;
    Some((found, unproven))
}

/// Proves `emitted` (top module `emitted_top`) equivalent to `raw`, the
/// rust-hdl text it came from (top `raw_top`, `top` for rust-hdl), with
/// Yosys in `dir` (created; it receives `raw.v`, `emitted.v`, `equiv.ys`
/// and `equiv.log`).
pub fn check_equivalence(
    raw: &str,
    emitted: &str,
    raw_top: &str,
    emitted_top: &str,
    dir: &Path,
) -> Result<EquivReport> {
    check_equivalence_with_libs(raw, emitted, raw_top, emitted_top, &[], dir)
}

/// [`check_equivalence`] for a design that instantiates cells it does not
/// define (an iCE40 PLL): `libs` are Verilog files Yosys reads as
/// blackboxes first, e.g. `+/ice40/cells_sim.v`.
pub fn check_equivalence_with_libs(
    raw: &str,
    emitted: &str,
    raw_top: &str,
    emitted_top: &str,
    libs: &[&str],
    dir: &Path,
) -> Result<EquivReport> {
    std::fs::create_dir_all(dir).map_err(|e| anyhow!("cannot create {}: {e}", dir.display()))?;
    write_atomic(&dir.join("raw.v"), raw.as_bytes())?;
    write_atomic(&dir.join("emitted.v"), emitted.as_bytes())?;
    write_atomic(
        &dir.join("equiv.ys"),
        script(
            raw_top,
            emitted_top,
            libs,
            has_memories(raw) || has_memories(emitted),
        )
        .as_bytes(),
    )?;
    let log = dir.join("equiv.log");
    let start = Instant::now();
    let run = run_ok("yosys", &["-s", "equiv.ys"], dir, &log)?;
    let seconds = start.elapsed().as_secs_f64();
    let (points, unproven) = parse_status(&run.output)
        .ok_or_else(|| anyhow!("yosys: no equiv_status result in the log {}", log.display()))?;
    Ok(EquivReport {
        points,
        proven: points - unproven,
        unproven,
        seconds,
        log,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_are_read() {
        let log = "Found 12 $equiv cells in equiv:\n  Of those cells 9 are proven and 3 are \
                   unproven.\n";
        assert_eq!(parse_status(log), Some((12, 3)));
        let log = "Found 5 $equiv cells in equiv:\nEquivalence successfully proven!\n";
        assert_eq!(parse_status(log), Some((5, 0)));
        assert_eq!(parse_status("nothing"), None);
    }

    fn scratch(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("ptu-emit-equiv-{name}-{}", std::process::id()))
    }

    const RAW: &str =
        "module top(clock,a,y);\n    input wire clock;\n    input wire [3:0] a;\n    \
                       output reg [3:0] y;\n    reg [3:0] r$q;\n    initial begin\n        \
                       r$q = 4'h0;\n    end\n    always @(posedge clock) r$q <= a + 32'h1;\n    \
                       always @(*) y = r$q;\nendmodule\n";

    #[test]
    fn tidied_text_is_proven_and_a_changed_one_is_not() {
        let emitted = crate::tidy(RAW, "tiny", "").unwrap();
        let r = check_equivalence(RAW, &emitted, "top", "tiny", &scratch("ok")).unwrap();
        assert!(r.is_equivalent(), "{r:?}");
        r.ensure().unwrap();
        let changed = emitted.replace("a + 4'h1", "a + 4'h2");
        assert_ne!(changed, emitted, "{emitted}");
        let r = check_equivalence(RAW, &changed, "top", "tiny", &scratch("bad")).unwrap();
        assert!(r.unproven > 0, "{r:?}");
        let err = r.ensure().unwrap_err().to_string();
        assert!(
            err.starts_with("yosys: the emitted Verilog is not proven"),
            "{err}"
        );
    }

    #[test]
    fn a_bit_cast_that_rust_hdls_verilog_widens_is_reported() {
        // rust-hdl's `bit_cast::<10, 8>(!a) << 1 | 1`: its Verilog inverts
        // a 32-bit extension of `a`, its simulation an 8-bit `a`.
        let raw = "module top(a,y);\n    input wire [7:0] a;\n    output reg [9:0] y;\n    \
                   always @(*) begin\n        y = ((~a) & 10'h3ff) << 32'h1 | 32'h1;\n    end\n\
                   endmodule\n";
        let emitted = crate::tidy(raw, "tiny", "").unwrap();
        assert!(
            emitted.contains("y = ({2'h0, (~a)}) << 1 | 10'h1;"),
            "{emitted}"
        );
        let r = check_equivalence(raw, &emitted, "top", "tiny", &scratch("cast")).unwrap();
        assert_eq!(r.unproven, 1, "{r:?}");
        let log = std::fs::read_to_string(&r.log).unwrap();
        assert!(log.contains("Unproven $equiv"), "{log}");
        assert!(log.contains("y_gold [9]"), "{log}");
    }

    #[test]
    fn memories_are_found_by_the_parser() {
        assert!(has_memories(
            "module top();\n    reg [7:0] mem [0:3];\nendmodule\n"
        ));
        assert!(!has_memories(RAW));
        assert!(script("top", "x", &[], true).contains("\nmemory\n"));
        assert!(!script("top", "x", &[], false).contains("memory"));
    }
}
