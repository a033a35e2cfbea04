//! The three checks every emitted Verilog file passes: Verilator's lint,
//! Icarus Verilog's compiler, and Yosys's iCE40 synthesis.
//!
//! Logs are written next to the Verilog file (`<stem>.verilator.log`,
//! `<stem>.iverilog.log`) or into the given folder (`<stem>.yosys.log`).

use anyhow::{bail, Result};
use ptu_tools as tools;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One `%Warning-CODE: file:line:col: message` line from Verilator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LintWarning {
    /// `WIDTH`, `UNUSEDSIGNAL`, ...
    pub code: String,
    /// `file:line:col`, or empty when Verilator gives none.
    pub location: String,
    pub message: String,
}

impl fmt::Display for LintWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "%Warning-{}: {}", self.code, self.message)
        } else {
            write!(
                f,
                "%Warning-{}: {}: {}",
                self.code, self.location, self.message
            )
        }
    }
}

/// What `verilator --lint-only -Wall` said about a file without errors.
#[derive(Debug)]
pub struct LintReport {
    pub warnings: Vec<LintWarning>,
    pub log: PathBuf,
}

impl LintReport {
    pub fn is_clean(&self) -> bool {
        self.warnings.is_empty()
    }

    /// An error listing the warnings, if there are any.
    pub fn ensure_clean(&self) -> Result<()> {
        if self.is_clean() {
            return Ok(());
        }
        let lines: Vec<String> = self.warnings.iter().map(|w| w.to_string()).collect();
        bail!(
            "verilator reported {} warning(s), log: {}\n{}",
            self.warnings.len(),
            self.log.display(),
            lines.join("\n")
        )
    }
}

fn check_top(top: &str) -> Result<()> {
    let mut chars = top.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok {
        bail!("top module name `{top}` is not a plain Verilog identifier");
    }
    Ok(())
}

/// The absolute path of an existing file, its folder and its stem.
fn locate(v: &Path) -> Result<(PathBuf, PathBuf, String)> {
    let abs = v
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("cannot read Verilog file {}: {e}", v.display()))?;
    let dir = abs
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/"));
    let stem = abs
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "design".to_string());
    Ok((abs, dir, stem))
}

/// Parses Verilator's output: the warnings, and the error lines.
fn parse_verilator(output: &str) -> (Vec<LintWarning>, Vec<String>) {
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for line in output.lines() {
        if let Some(rest) = line.strip_prefix("%Warning-") {
            let (code, rest) = rest.split_once(':').unwrap_or((rest, ""));
            let rest = rest.trim_start();
            let (location, message) = match rest.split_once(": ") {
                Some((loc, msg)) if loc.contains(':') && !loc.contains(' ') => (loc, msg),
                _ => ("", rest),
            };
            warnings.push(LintWarning {
                code: code.to_string(),
                location: location.to_string(),
                message: message.to_string(),
            });
        } else if line.starts_with("%Error") {
            errors.push(line.to_string());
        }
    }
    (warnings, errors)
}

/// Runs `verilator --lint-only -Wall -Wno-fatal --top-module TOP [WAIVERS] V`
/// in the file's folder. The waiver file (`.vlt`) comes before the Verilog
/// on the command line, because Verilator applies a waiver only to files
/// read after it. Returns the warnings; any `%Error` is an error.
pub fn verilator_lint(v: &Path, top: &str, waivers: Option<&Path>) -> Result<LintReport> {
    check_top(top)?;
    let (abs, dir, stem) = locate(v)?;
    let mut args: Vec<PathBuf> = ["--lint-only", "-Wall", "-Wno-fatal", "--top-module", top]
        .iter()
        .map(PathBuf::from)
        .collect();
    if let Some(w) = waivers {
        let w = w
            .canonicalize()
            .map_err(|e| anyhow::anyhow!("cannot read waiver file {}: {e}", w.display()))?;
        args.push(w);
    }
    args.push(abs.clone());
    let log = dir.join(format!("{stem}.verilator.log"));
    let run = tools::run("verilator", &args, &dir, &log)?;
    let (warnings, errors) = parse_verilator(&run.output);
    if !errors.is_empty() {
        bail!(
            "verilator found errors in {}, log: {}\n{}",
            abs.display(),
            log.display(),
            errors.join("\n")
        );
    }
    if !run.success() {
        return Err(run.failure());
    }
    Ok(LintReport { warnings, log })
}

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

    /// An 8-bit counter with a synchronous reset: clean in all three tools.
    const GOOD: &str = "\
module counter(clock, reset, count);
    input wire clock;
    input wire reset;
    output reg [7:0] count;
    always @(posedge clock) begin
        if (reset) begin
            count <= 8'h0;
        end
        else begin
            count <= count + 8'h1;
        end
    end
endmodule
";

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ptu-synth-lint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn write(dir: &Path, file: &str, text: &str) -> PathBuf {
        let p = dir.join(file);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn verilator_passes_a_clean_module() {
        let d = scratch("vl-good");
        let v = write(&d, "counter.v", GOOD);
        let report = verilator_lint(&v, "counter", None).unwrap();
        assert!(report.is_clean(), "{:?}", report.warnings);
        report.ensure_clean().unwrap();
        assert!(report.log.ends_with("counter.verilator.log") && report.log.exists());
    }

    #[test]
    fn verilator_reports_width_warnings() {
        let d = scratch("vl-width");
        let v = write(
            &d,
            "counter.v",
            &GOOD.replace("count + 8'h1", "count + 32'h1"),
        );
        let report = verilator_lint(&v, "counter", None).unwrap();
        // The 32-bit literal widens the addition, which is then truncated.
        assert_eq!(report.warnings.len(), 2, "{:?}", report.warnings);
        assert!(report.warnings.iter().all(|w| w.code.starts_with("WIDTH")));
        let w = &report.warnings[0];
        assert!(w.location.ends_with("counter.v:10:28"), "{w}");
        assert!(w.message.contains("32 bits"), "{w}");
        let err = report.ensure_clean().unwrap_err().to_string();
        assert!(
            err.starts_with("verilator reported 2 warning(s), log: "),
            "{err}"
        );
        assert_eq!(err.lines().count(), 3, "{err}");
    }

    #[test]
    fn verilator_waivers_apply() {
        let d = scratch("vl-waiver");
        let two = format!("{GOOD}module other(a, y);\n    input wire a;\n    output wire y;\n    assign y = a;\nendmodule\n");
        let v = write(&d, "counter.v", &two);
        let report = verilator_lint(&v, "counter", None).unwrap();
        assert_eq!(
            report
                .warnings
                .iter()
                .map(|w| w.code.as_str())
                .collect::<Vec<_>>(),
            ["DECLFILENAME"]
        );
        let vlt = write(
            &d,
            "counter.vlt",
            "`verilator_config\nlint_off -rule DECLFILENAME -file \"*/counter.v\"\n",
        );
        assert!(verilator_lint(&v, "counter", Some(&vlt))
            .unwrap()
            .is_clean());
    }

    #[test]
    fn verilator_errors_are_errors() {
        let d = scratch("vl-error");
        let v = write(
            &d,
            "counter.v",
            &GOOD.replace("count <= 8'h0;", "count <= ;"),
        );
        let err = verilator_lint(&v, "counter", None).unwrap_err().to_string();
        assert!(err.starts_with("verilator found errors in "), "{err}");
        assert!(err.lines().nth(1).unwrap().starts_with("%Error"), "{err}");
        let err = verilator_lint(&d.join("missing.v"), "counter", None)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("cannot read Verilog file "), "{err}");
    }

    #[test]
    fn verilator_warning_lines_parse() {
        let (w, e) = parse_verilator(
            "%Warning-UNUSEDSIGNAL: /a/b.v:5:16: Signal is not used: 'b'\n\
             %Warning-DEPRECATED: Option --foo is deprecated\n\
             %Error: Exiting due to 2 warning(s)\n",
        );
        assert_eq!(w[0].code, "UNUSEDSIGNAL");
        assert_eq!(w[0].location, "/a/b.v:5:16");
        assert_eq!(w[0].message, "Signal is not used: 'b'");
        assert_eq!(w[1].location, "");
        assert_eq!(
            w[1].to_string(),
            "%Warning-DEPRECATED: Option --foo is deprecated"
        );
        assert_eq!(e.len(), 1);
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
