//! Verilator's lint (`--lint-only -Wall`) of a Verilog file, read into
//! its warnings: the one lint that `ptu-synth` (every emitted file must be
//! clean) and `ptu-testbenches` (a user's `ptu.v` is linted before its
//! Verilator build, its warnings reported and waived) both run.
//!
//! The log is written next to the Verilog file (`<stem>.verilator.log`).

use crate::run;
use anyhow::{bail, Result};
use std::fmt;
use std::path::{Path, PathBuf};

/// One `%Warning-CODE: file:line:col: message` line from Verilator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LintWarning {
    /// `WIDTH`, `UNUSEDSIGNAL`, ...
    pub code: String,
    /// `file:line:col` (a file in the linted file's folder by its name
    /// alone), or empty when Verilator gives none.
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

/// An error unless `top` is a plain Verilog identifier (it goes on a
/// tool's command line and into scripts).
pub fn check_top(top: &str) -> Result<()> {
    let mut chars = top.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok {
        bail!("top module name `{top}` is not a plain Verilog identifier");
    }
    Ok(())
}

/// The absolute path of an existing Verilog file, its folder and its stem.
pub fn locate(v: &Path) -> Result<(PathBuf, PathBuf, String)> {
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
/// in the file's folder, with both files by their absolute paths (which
/// `-file` patterns of waivers match); the warnings name a file in that
/// folder by its name alone (`ptu.v:12:5`), which stays true when the
/// folder is moved. The waiver file
/// (`.vlt`) comes before the Verilog on the command line, because
/// Verilator applies a waiver only to files read after it. Returns the
/// warnings; any `%Error` is an error.
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
    let run = run::run("verilator", &args, &dir, &log)?;
    let (mut warnings, errors) = parse_verilator(&run.output);
    let prefix = format!("{}/", dir.display());
    for w in &mut warnings {
        if let Some(rest) = w.location.strip_prefix(&prefix) {
            w.location = rest.to_string();
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    use crate::fixtures::{write, COUNTER_V as GOOD};

    fn scratch(name: &str) -> PathBuf {
        crate::fixtures::scratch("tools-lint", name)
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
        // Named from the file's folder.
        assert_eq!(w.location, "counter.v:10:28", "{w}");
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
        // The waiver matches `*/counter.v`: Verilator reads the file by
        // its absolute path.
        assert!(verilator_lint(&v, "counter", Some(&vlt))
            .unwrap()
            .is_clean());
        // A waiver file in another folder is named by its path.
        let other = scratch("vl-waiver-elsewhere");
        let vlt = write(
            &other,
            "w.vlt",
            "`verilator_config\nlint_off -rule DECLFILENAME\n",
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
        let err = verilator_lint(&v, "x; rm", None).unwrap_err().to_string();
        assert_eq!(
            err,
            "top module name `x; rm` is not a plain Verilog identifier"
        );
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
}
