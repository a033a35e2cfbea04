//! Verilator's lint of the Verilog under simulation, before the Verilator
//! harness is built: `-Wall` turns every lint warning into a failed build,
//! so a user's own or third-party `ptu.v` with an unused signal could not
//! be simulated at all. The warnings are found here first (cached like
//! every build), reported, and waived for the build with one
//! `/* verilator lint_off RULE */` line per rule at the top of the file,
//! unless the caller is strict.

use crate::cache;
use anyhow::Result;
use ptu_tools::Fnv;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// [`ptu_tools::lint::verilator_lint`] of `ptu_v` with ptu's waivers
/// (cached). Returns the build folder, where [`cache::WARNINGS`] holds
/// any warnings; an error in the Verilog is an error here.
pub(crate) fn verilator_lint(ptu_v: &str, work: &Path) -> Result<PathBuf> {
    let vlt = ptu_rtl::verilog::WAIVERS;
    let key = Fnv::new()
        .part("verilator-lint")
        .part(ptu_v)
        .part(vlt)
        .part(cache::tool_version("verilator", "--version")?);
    let (dir, _) = cache::cached(work, "verilator-lint", key, |d| {
        std::fs::write(d.join("ptu.v"), ptu_v)?;
        std::fs::write(d.join("ptu.vlt"), vlt)?;
        let report = ptu_tools::lint::verilator_lint(
            &d.join("ptu.v"),
            ptu_rtl::verilog::TOP,
            Some(&d.join("ptu.vlt")),
        )?;
        let lines: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        cache::keep_warnings(
            d,
            "verilator --lint-only -Wall on ptu.v",
            &report.log,
            &lines,
        )
    })?;
    Ok(dir)
}

/// The rules named by `%Warning-RULE:` lines.
pub(crate) fn rules(warnings: &[String]) -> BTreeSet<String> {
    warnings
        .iter()
        .filter_map(|l| l.strip_prefix("%Warning-"))
        .filter_map(|l| l.split(':').next())
        .map(str::to_string)
        .collect()
}

/// `ptu_v` with a `lint_off` line for each rule in front.
pub(crate) fn waive(ptu_v: &str, rules: &BTreeSet<String>) -> String {
    let mut text = String::new();
    for r in rules {
        text.push_str(&format!(
            "/* verilator lint_off {r} */ // waived by ptu sim: reported, not fatal without --strict\n"
        ));
    }
    text + ptu_v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_read_from_warning_lines() {
        let w = vec![
            "%Warning-UNUSEDSIGNAL: ptu.v:869:16: Signal is not used: 'x'".to_string(),
            "%Warning-WIDTH: ptu.v:3:1: ...".to_string(),
            "%Warning-UNUSEDSIGNAL: ptu.v:870:16: Signal is not used: 'y'".to_string(),
        ];
        let r = rules(&w);
        assert_eq!(
            r.iter().map(String::as_str).collect::<Vec<_>>(),
            ["UNUSEDSIGNAL", "WIDTH"]
        );
        assert!(waive("module ptu;", &r).starts_with("/* verilator lint_off UNUSEDSIGNAL */"));
    }
}
