//! The three checks every emitted Verilog file passes: Verilator's lint
//! (the one `ptu-testbenches` runs too, [`ptu_tools::lint`]), Icarus
//! Verilog's compiler, and Yosys's iCE40 synthesis.
//!
//! Logs are written next to the Verilog file (`<stem>.verilator.log`,
//! `<stem>.iverilog.log`) or into the given folder (`<stem>.yosys.log`).

use anyhow::{bail, Result};
use ptu_tools as tools;
use ptu_tools::lint::{check_top, locate};
pub use ptu_tools::lint::{verilator_lint, LintReport, LintWarning};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Runs `iverilog -g2005 -s TOP -o /dev/null V` in the file's folder; an
/// error if it fails or prints any line containing "warning" or "error".
pub fn iverilog_check(v: &Path, top: &str) -> Result<()> {
    check_top(top)?;
    let (abs, dir, stem) = locate(v)?;
    let log = dir.join(format!("{stem}.iverilog.log"));
    let args = [
        PathBuf::from("-g2005"),
        PathBuf::from("-s"),
        PathBuf::from(top),
        PathBuf::from("-o"),
        PathBuf::from("/dev/null"),
        abs.clone(),
    ];
    let run = tools::run("iverilog", &args, &dir, &log)?;
    let problems: Vec<&str> = run
        .output
        .lines()
        .filter(|l| {
            let l = l.to_lowercase();
            l.contains("warning") || l.contains("error")
        })
        .collect();
    if !problems.is_empty() {
        bail!(
            "iverilog reported {} problem(s) in {}, log: {}\n{}",
            problems.len(),
            abs.display(),
            log.display(),
            problems.join("\n")
        );
    }
    if !run.success() {
        return Err(run.failure());
    }
    Ok(())
}

/// Cell counts after `synth_ice40`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynthStats {
    /// `SB_LUT4` cells.
    pub luts: u64,
    /// All `SB_DFF*` cells.
    pub flip_flops: u64,
    /// `SB_CARRY` cells.
    pub carries: u64,
    /// Every cell type and its count.
    pub cells: BTreeMap<String, u64>,
    pub log: PathBuf,
}

/// Reads the cell counts of the last `stat` in a Yosys log (the totals of
/// the design hierarchy when there is one).
fn parse_stat(output: &str) -> Option<BTreeMap<String, u64>> {
    let start = output.rfind("Printing statistics.")?;
    let mut section = &output[start..];
    if let Some(h) = section.find("=== design hierarchy ===") {
        section = &section[h..];
    }
    let mut cells = BTreeMap::new();
    let mut in_cells = false;
    let mut found = false;
    for line in section.lines() {
        let t = line.trim();
        if t.starts_with("Number of cells:") {
            in_cells = true;
            found = true;
            continue;
        }
        if !in_cells {
            continue;
        }
        let mut parts = t.split_whitespace();
        match (
            parts.next(),
            parts.next().and_then(|n| n.parse::<u64>().ok()),
            parts.next(),
        ) {
            (Some(name), Some(n), None) => *cells.entry(name.to_string()).or_insert(0) += n,
            _ => in_cells = false,
        }
    }
    found.then_some(cells)
}

/// Runs `yosys -p "read_verilog V; synth_ice40 -top TOP; stat"` in
/// `log_dir`, logging to `log_dir/<stem>.yosys.log`. An error if Yosys
/// fails or prints any warning (a line starting with `Warning:`; the ABC
/// sub-tool's own `ABC: Warning:` chatter is not Yosys's).
pub fn yosys_synth_ice40(v: &Path, top: &str, log_dir: &Path) -> Result<SynthStats> {
    check_top(top)?;
    let (abs, _, stem) = locate(v)?;
    let path = abs.to_string_lossy();
    if path.contains(['"', ';', '\n']) {
        bail!(
            "yosys cannot read {}: its path contains a quote, `;` or a newline; move the file",
            abs.display()
        );
    }
    std::fs::create_dir_all(log_dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot create the yosys log folder {}: {e}",
            log_dir.display()
        )
    })?;
    let log = log_dir.join(format!("{stem}.yosys.log"));
    let script = format!("read_verilog \"{path}\"; synth_ice40 -top {top}; stat");
    let run = tools::run("yosys", &["-p", script.as_str()], log_dir, &log)?;
    if !run.success() {
        return Err(run.failure());
    }
    let mut warnings: Vec<&str> = Vec::new();
    for l in run.output.lines().filter(|l| l.starts_with("Warning:")) {
        if !warnings.contains(&l) {
            warnings.push(l);
        }
    }
    if !warnings.is_empty() {
        bail!(
            "yosys reported {} warning(s) synthesising {}, log: {}\n{}",
            warnings.len(),
            abs.display(),
            log.display(),
            warnings.join("\n")
        );
    }
    let Some(cells) = parse_stat(&run.output) else {
        bail!("yosys printed no cell statistics, log: {}", log.display());
    };
    let count = |pred: &dyn Fn(&str) -> bool| -> u64 {
        cells.iter().filter(|(k, _)| pred(k)).map(|(_, n)| n).sum()
    };
    Ok(SynthStats {
        luts: count(&|k| k == "SB_LUT4"),
        flip_flops: count(&|k| k.starts_with("SB_DFF")),
        carries: count(&|k| k == "SB_CARRY"),
        cells,
        log,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use ptu_tools::fixtures::{write, COUNTER_V as GOOD};

    fn scratch(name: &str) -> PathBuf {
        ptu_tools::fixtures::scratch("synth-lint", name)
    }

    #[test]
    fn iverilog_passes_a_clean_module() {
        let d = scratch("iv-good");
        let v = write(&d, "counter.v", GOOD);
        iverilog_check(&v, "counter").unwrap();
    }

    #[test]
    fn iverilog_fails_on_warnings_and_errors() {
        let d = scratch("iv-bad");
        let v = write(
            &d,
            "narrow.v",
            "module narrow(a, y);\n    input wire [3:0] a;\n    output wire [7:0] y;\n    \
             sub s(.a(a), .y(y));\nendmodule\nmodule sub(a, y);\n    input wire [7:0] a;\n    \
             output wire [7:0] y;\n    assign y = a;\nendmodule\n",
        );
        let err = iverilog_check(&v, "narrow").unwrap_err().to_string();
        assert!(
            err.starts_with("iverilog reported 1 problem(s) in "),
            "{err}"
        );
        assert!(
            err.contains("warning: Port 1 (a) of sub expects 8 bits, got 4."),
            "{err}"
        );

        let v = write(&d, "counter.v", &GOOD.replace("endmodule", ""));
        let err = iverilog_check(&v, "counter").unwrap_err().to_string();
        assert!(err.starts_with("iverilog reported "), "{err}");
        assert!(err.to_lowercase().contains("error"), "{err}");
    }

    #[test]
    fn yosys_counts_cells() {
        let d = scratch("ys-good");
        let v = write(&d, "counter.v", GOOD);
        let stats = yosys_synth_ice40(&v, "counter", &d.join("logs")).unwrap();
        assert_eq!(stats.flip_flops, 8, "{stats:?}");
        assert!(stats.luts > 0 && stats.carries > 0, "{stats:?}");
        assert!(stats.cells.keys().any(|k| k.starts_with("SB_DFF")));
        assert!(stats.log.ends_with("logs/counter.yosys.log") && stats.log.exists());
    }

    #[test]
    fn yosys_fails_on_warnings() {
        let d = scratch("ys-warn");
        let v = write(
            &d,
            "bad.v",
            "module bad(a, b, y);\n    input wire a;\n    input wire b;\n    output wire y;\n    \
             assign y = a;\n    assign y = b;\nendmodule\n",
        );
        let err = yosys_synth_ice40(&v, "bad", &d).unwrap_err().to_string();
        assert!(
            err.starts_with("yosys reported 1 warning(s) synthesising "),
            "{err}"
        );
        assert!(
            err.contains("Warning: multiple conflicting drivers"),
            "{err}"
        );
    }

    #[test]
    fn yosys_fails_on_errors() {
        let d = scratch("ys-error");
        let v = write(
            &d,
            "counter.v",
            &GOOD.replace("count <= 8'h0;", "count <= ;"),
        );
        let err = yosys_synth_ice40(&v, "counter", &d)
            .unwrap_err()
            .to_string();
        let first = err.lines().next().unwrap();
        assert_eq!(
            first,
            format!(
                "yosys failed (exit 1), log: {}",
                d.join("counter.yosys.log").display()
            )
        );
        assert!(err.contains("ERROR"), "{err}");
    }

    #[test]
    fn stat_totals_use_the_hierarchy_when_there_is_one() {
        let log = "2.1 Printing statistics.\n\n=== a ===\n   Number of cells:  9\n     SB_LUT4  9\n\n\
                   3. Printing statistics.\n\n=== a ===\n\n   Number of cells:  2\n     SB_LUT4  2\n\n\
                   === b ===\n\n   Number of cells:  3\n     SB_DFF   3\n\n=== design hierarchy ===\n\n   \
                   b  1\n\n   Number of cells:  5\n     SB_DFF   3\n     SB_LUT4  2\n\nEnd of script.\n";
        let cells = parse_stat(log).unwrap();
        assert_eq!(cells.get("SB_LUT4"), Some(&2));
        assert_eq!(cells.get("SB_DFF"), Some(&3));
        assert_eq!(cells.len(), 2);
        assert!(parse_stat("no statistics here").is_none());
    }

    #[test]
    fn top_names_are_checked() {
        let d = scratch("top");
        let v = write(&d, "counter.v", GOOD);
        let err = iverilog_check(&v, "x; rm").unwrap_err().to_string();
        assert_eq!(
            err,
            "top module name `x; rm` is not a plain Verilog identifier"
        );
    }
}
