//! `report.json` of a build: area from Yosys's `stat` and nextpnr's
//! utilisation, timing from nextpnr's JSON report (`--report`).

use crate::boards::{Board, Family};
use crate::design::Design;
use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Used and available sites of one kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub used: u64,
    pub available: u64,
}

/// The timing of one clock, from nextpnr.
#[derive(Clone, Debug, PartialEq)]
pub struct ClockTiming {
    /// The clock's net, as the design names it (`clock`).
    pub name: String,
    /// The highest frequency the placed design reaches, MHz.
    pub fmax_mhz: f64,
    /// The target (`--freq` or the pin file), MHz.
    pub target_mhz: f64,
    pub met: bool,
}

/// What a build reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub board: String,
    pub part: String,
    pub top: String,
    /// The build folder.
    pub dir: PathBuf,
    /// LUT4 cells after synthesis (`SB_LUT4` / `LUT4`).
    pub luts: u64,
    /// Flip-flops after synthesis (`SB_DFF*` / `TRELLIS_FF`).
    pub flip_flops: u64,
    /// Carry cells (`SB_CARRY` / `CCU2C`).
    pub carries: u64,
    /// Logic cells placed (iCE40 `ICESTORM_LC`: LUT + FF + carry; ECP5
    /// `TRELLIS_COMB`: LUT or carry half).
    pub logic_cells: Usage,
    /// Block RAMs (`ICESTORM_RAM` / `DP16KD`).
    pub block_rams: Usage,
    /// I/O pins (`SB_IO` / `TRELLIS_IO`).
    pub ios: Usage,
    pub clocks: Vec<ClockTiming>,
    /// Every clock meets its target.
    pub timing_met: bool,
    /// The design's own figures (the demo: `demo_steps`).
    pub figures: Vec<(String, u64)>,
    /// Seconds per stage, and `total`.
    pub seconds: Vec<(String, f64)>,
    /// The bitstream's file name and size.
    pub bitstream: String,
    pub bitstream_bytes: u64,
    /// nextpnr's seed.
    pub seed: u64,
}

/// The design's name of a clock net, without what nextpnr adds:
/// `clock$SB_IO_IN_$glb_clk` and `$glbnet$clock$TRELLIS_IO_IN` -> `clock`.
pub fn clock_name(net: &str) -> String {
    net.split('$')
        .find(|t| {
            !t.is_empty()
                && !["glbnet", "glb_clk"].contains(t)
                && !t.starts_with("SB_")
                && !t.starts_with("TRELLIS_")
        })
        .unwrap_or(net)
        .to_string()
}

/// The cells of the last `stat` in a Yosys log: the whole design's (its
/// `design hierarchy` totals when there are submodules).
pub fn yosys_cells(log: &str) -> Result<BTreeMap<String, u64>> {
    let start = log
        .rfind("Printing statistics.")
        .context("the Yosys log has no cell statistics (`stat`)")?;
    let mut section = &log[start..];
    if let Some(h) = section.find("=== design hierarchy ===") {
        section = &section[h..];
    } else if let Some(h) = section.rfind("=== ") {
        section = &section[h..];
    }
    stat_cells(section).context("the Yosys log has no cell counts in its last `stat`")
}

/// The cells of module `module` (without its submodules) in the last
/// `stat` of a Yosys log.
pub fn module_cells(log: &str, module: &str) -> Option<BTreeMap<String, u64>> {
    let start = log.rfind("Printing statistics.")?;
    let section = &log[start..];
    let head = format!("=== {module} ===");
    let body = &section[section.find(&head)? + head.len()..];
    stat_cells(&body[..body.find("=== ").unwrap_or(body.len())])
}

/// The cell counts in one section of Yosys's `stat`. Reads both the
/// layout of Yosys 0.23 (`Number of cells: N`, then `NAME COUNT` lines)
/// and that of recent Yosys (`N cells`, then `COUNT NAME` lines); Yosys's
/// own `$scopeinfo` entries are left out.
fn stat_cells(section: &str) -> Option<BTreeMap<String, u64>> {
    let mut cells = BTreeMap::new();
    let mut in_cells = false;
    let mut found = false;
    for line in section.lines() {
        let t = line.trim();
        let words: Vec<&str> = t.split_whitespace().collect();
        if t.starts_with("Number of cells:")
            || (words.len() == 2 && words[1] == "cells" && words[0].parse::<u64>().is_ok())
        {
            in_cells = true;
            found = true;
            continue;
        }
        if !in_cells {
            continue;
        }
        let pair = match words.as_slice() {
            [name, n] if n.parse::<u64>().is_ok() && name.parse::<u64>().is_err() => {
                Some((*name, n.parse::<u64>().unwrap_or(0)))
            }
            [n, name] if n.parse::<u64>().is_ok() && *name != "submodules" => {
                Some((*name, n.parse::<u64>().unwrap_or(0)))
            }
            _ => None,
        };
        match pair {
            Some((name, n)) => {
                if !name.starts_with('$') {
                    *cells.entry(name.to_string()).or_insert(0) += n;
                }
            }
            None => in_cells = false,
        }
    }
    found.then_some(cells)
}

/// Reads nextpnr's `--report` JSON: (clocks, utilisation by site type).
pub fn nextpnr_report(text: &str) -> Result<(Vec<ClockTiming>, BTreeMap<String, Usage>)> {
    let v: Value = serde_json::from_str(text).context("nextpnr's report is not JSON")?;
    let mut clocks = Vec::new();
    if let Some(f) = v.get("fmax").and_then(Value::as_object) {
        for (net, t) in f {
            let achieved = t.get("achieved").and_then(Value::as_f64);
            let constraint = t.get("constraint").and_then(Value::as_f64);
            let (Some(a), Some(c)) = (achieved, constraint) else {
                bail!("nextpnr's report has no achieved/constraint frequency for clock {net}");
            };
            clocks.push(ClockTiming {
                name: clock_name(net),
                fmax_mhz: a,
                target_mhz: c,
                // nextpnr's own PASS/FAIL compares with a small tolerance.
                met: a >= c * 0.9999,
            });
        }
    }
    let mut util = BTreeMap::new();
    if let Some(u) = v.get("utilization").and_then(Value::as_object) {
        for (k, x) in u {
            util.insert(
                k.clone(),
                Usage {
                    used: x.get("used").and_then(Value::as_u64).unwrap_or(0),
                    available: x.get("available").and_then(Value::as_u64).unwrap_or(0),
                },
            );
        }
    }
    Ok((clocks, util))
}

fn sum(cells: &BTreeMap<String, u64>, pred: impl Fn(&str) -> bool) -> u64 {
    cells.iter().filter(|(k, _)| pred(k)).map(|(_, n)| n).sum()
}

/// Cell counts by role: (LUTs, flip-flops, carries).
pub fn cell_roles(family: Family, cells: &BTreeMap<String, u64>) -> (u64, u64, u64) {
    match family {
        Family::Ice40 => (
            sum(cells, |k| k == "SB_LUT4"),
            sum(cells, |k| k.starts_with("SB_DFF")),
            sum(cells, |k| k == "SB_CARRY"),
        ),
        Family::Ecp5 => (
            sum(cells, |k| k == "LUT4"),
            sum(cells, |k| k == "TRELLIS_FF"),
            sum(cells, |k| k == "CCU2C"),
        ),
    }
}

/// Site names of (logic cells, block RAMs, I/Os) in nextpnr's utilisation.
pub fn site_names(family: Family) -> (&'static str, &'static str, &'static str) {
    match family {
        Family::Ice40 => ("ICESTORM_LC", "ICESTORM_RAM", "SB_IO"),
        Family::Ecp5 => ("TRELLIS_COMB", "DP16KD", "TRELLIS_IO"),
    }
}

/// Builds the report of the build of `design` in `dir`.
pub fn read(board: &Board, design: &Design, dir: &Path, seconds: &[(&str, f64)]) -> Result<Report> {
    let ylog = dir.join("yosys.log");
    let ytext = std::fs::read_to_string(&ylog)
        .with_context(|| format!("cannot read {}", ylog.display()))?;
    let cells = yosys_cells(&ytext).with_context(|| format!("in {}", ylog.display()))?;
    let (luts, flip_flops, carries) = cell_roles(board.family, &cells);
    let rpath = dir.join("nextpnr-report.json");
    let rtext = std::fs::read_to_string(&rpath)
        .with_context(|| format!("cannot read {}", rpath.display()))?;
    let (mut clocks, util) =
        nextpnr_report(&rtext).with_context(|| format!("in {}", rpath.display()))?;
    if design.clock_hz != board.clock_hz {
        // The PLL's output net takes the name of one of its loads.
        let pll_mhz = design.clock_hz as f64 / 1e6;
        for c in &mut clocks {
            if (c.target_mhz - pll_mhz).abs() < 0.05 {
                c.name = "pll_out".to_string();
            }
        }
    }
    if clocks.is_empty() {
        bail!(
            "nextpnr reported no clock in {}: the design has no clocked logic?",
            rpath.display()
        );
    }
    let (lc, ram, io) = site_names(board.family);
    let bitstream = format!("{}.{}", design.top, board.bitstream_ext);
    let bitstream_bytes = dir
        .join(&bitstream)
        .metadata()
        .map(|m| m.len())
        .unwrap_or(0);
    Ok(Report {
        board: board.name.to_string(),
        part: board.part.to_string(),
        top: design.top.clone(),
        dir: dir.to_path_buf(),
        luts,
        flip_flops,
        carries,
        logic_cells: util.get(lc).copied().unwrap_or_default(),
        block_rams: util.get(ram).copied().unwrap_or_default(),
        ios: util.get(io).copied().unwrap_or_default(),
        timing_met: clocks.iter().all(|c| c.met),
        clocks,
        figures: design.figures.clone(),
        seconds: seconds.iter().map(|(s, t)| (s.to_string(), *t)).collect(),
        bitstream,
        bitstream_bytes,
        seed: 0,
    })
}

impl Report {
    /// The report as `report.json` holds it.
    pub fn to_json(&self) -> String {
        let usage = |u: &Usage| json!({"used": u.used, "available": u.available});
        let mut v = json!({
            "board": self.board,
            "part": self.part,
            "top": self.top,
            "luts": self.luts,
            "flip_flops": self.flip_flops,
            "carries": self.carries,
            "logic_cells": usage(&self.logic_cells),
            "block_rams": usage(&self.block_rams),
            "ios": usage(&self.ios),
            "clocks": self.clocks.iter().map(|c| json!({
                "name": c.name,
                "fmax_mhz": (c.fmax_mhz * 100.0).round() / 100.0,
                "target_mhz": (c.target_mhz * 100.0).round() / 100.0,
                "met": c.met,
            })).collect::<Vec<_>>(),
            "timing_met": self.timing_met,
            "seconds": self.seconds.iter().map(|(k, t)| (k.clone(), json!((t * 10.0).round() / 10.0)))
                .collect::<serde_json::Map<_, _>>(),
            "bitstream": self.bitstream,
            "bitstream_bytes": self.bitstream_bytes,
            "nextpnr_seed": self.seed,
        });
        for (k, n) in &self.figures {
            v[k.as_str()] = json!(n);
        }
        let mut s = serde_json::to_string_pretty(&v).expect("a JSON value serialises");
        s.push('\n');
        s
    }

    /// Lines for the terminal.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} ({}): {} LUT4, {} flip-flops, {} carries; {}/{} logic cells, {}/{} block RAMs, {}/{} I/Os\n",
            self.board,
            self.part,
            self.luts,
            self.flip_flops,
            self.carries,
            self.logic_cells.used,
            self.logic_cells.available,
            self.block_rams.used,
            self.block_rams.available,
            self.ios.used,
            self.ios.available
        );
        for c in &self.clocks {
            s.push_str(&format!(
                "clock {}: Fmax {:.2} MHz, target {:.2} MHz: {}\n",
                c.name,
                c.fmax_mhz,
                c.target_mhz,
                if c.met { "met" } else { "NOT MET" }
            ));
        }
        let total = self
            .seconds
            .iter()
            .find(|(k, _)| k == "total")
            .map(|(_, t)| *t)
            .unwrap_or(0.0);
        s.push_str(&format!(
            "bitstream: {} ({} bytes), built in {:.1} s",
            self.dir.join(&self.bitstream).display(),
            self.bitstream_bytes,
            total
        ));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_names_lose_the_tool_suffixes() {
        assert_eq!(clock_name("clock$SB_IO_IN_$glb_clk"), "clock");
        assert_eq!(clock_name("$glbnet$clock$TRELLIS_IO_IN"), "clock");
        assert_eq!(clock_name("$glbnet$clock"), "clock");
        assert_eq!(clock_name("clk"), "clk");
    }

    #[test]
    fn yosys_stat_of_both_layouts() {
        let old = "3. Printing statistics.\n\n=== a ===\n   Number of cells:  5\n     SB_LUT4  2\n     SB_DFF  3\n\n\
                   === design hierarchy ===\n\n   a  1\n\n   Number of cells:  9\n     SB_DFF   4\n     SB_LUT4  5\n\nEnd of script.\n";
        let c = yosys_cells(old).unwrap();
        assert_eq!((c["SB_LUT4"], c["SB_DFF"], c.len()), (5, 4, 2));
        let new = "4. Printing statistics.\n\n=== top ===\n\n        +----------Local Count, excluding submodules.\n        | \n\
                   914 wires\n     1251 cells\n       58   $scopeinfo\n      725   LUT4\n        1 submodules\n        1   sub\n\n\
                   === design hierarchy ===\n\n        +----------Count including submodules.\n        | \n     4862 top\n     3611 sub\n\n\
                   \x20       +----------Count including submodules.\n        | \n     3011 wires\n     4862 cells\n      103   $scopeinfo\n\
                   \x20     138   CCU2C\n     2794   LUT4\n     1375   TRELLIS_FF\n        1 submodules\n        1   sub\n";
        let c = yosys_cells(new).unwrap();
        assert_eq!(c.len(), 3, "{c:?}");
        assert_eq!((c["LUT4"], c["TRELLIS_FF"], c["CCU2C"]), (2794, 1375, 138));
        assert!(yosys_cells("no stat").is_err());
        let sub = module_cells(new, "sub");
        assert!(sub.is_none(), "{sub:?}");
        let top = module_cells(new, "top").unwrap();
        assert_eq!(top.get("LUT4"), Some(&725));
        let c = module_cells(old, "a").unwrap();
        assert_eq!(c.get("SB_DFF"), Some(&3));
    }

    #[test]
    fn reads_nextpnr_reports() {
        let text = r#"{"fmax": {"clock$SB_IO_IN_$glb_clk": {"achieved": 20.5, "constraint": 12.0},
                        "other": {"achieved": 90.0, "constraint": 100.0}},
                      "utilization": {"ICESTORM_LC": {"available": 5280, "used": 3566}}}"#;
        let (clocks, util) = nextpnr_report(text).unwrap();
        assert_eq!(clocks.len(), 2);
        let c = clocks.iter().find(|c| c.name == "clock").unwrap();
        assert!(c.met && c.fmax_mhz == 20.5);
        assert!(!clocks.iter().find(|c| c.name == "other").unwrap().met);
        assert_eq!(
            util["ICESTORM_LC"],
            Usage {
                used: 3566,
                available: 5280
            }
        );
        assert!(nextpnr_report("not json").is_err());
    }
}
