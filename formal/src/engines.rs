//! Running the tools: Yosys builds the models, ABC's `pdr` proves or
//! refutes on the AIGER model, yosys-smtbmc with z3 runs k-induction and
//! BMC on the SMT2 model and turns every counterexample into a VCD.
//!
//! Both models are written by one Yosys run from the same bit-level
//! netlist (`abc -g AND`), so a witness of ABC's (`write_cex -a`) replays
//! in yosys-smtbmc (`--aig model.aim:trace.aiw`) signal for signal. The
//! bit-level SMT2 also matters for speed: z3 4.8 takes minutes just to
//! read the word-level SMT2 of this design, and a second for this one.

use anyhow::{anyhow, bail, Context, Result};
use ptu_tools as tools;
use std::path::{Path, PathBuf};

/// The external tools of a proof.
pub const TOOLS: [&str; 4] = ["yosys", "yosys-abc", "yosys-smtbmc", "z3"];

/// An error unless every tool of [`TOOLS`] is on `PATH`, naming how to
/// install the first one missing.
pub fn check_tools() -> Result<()> {
    for tool in TOOLS {
        tools::find_tool(tool)?;
    }
    Ok(())
}

/// The models of one property, in its folder.
#[derive(Clone, Debug)]
pub struct Model {
    /// The property's folder: `model.ys`, the models, every log.
    pub dir: PathBuf,
}

impl Model {
    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// The file beside `ptu_formal.v` with the Yosys commands that connect
/// the wrapper's `obs_*` wires for its configuration
/// (`wrapper::connect_commands_for`), written by `prove::write_design`.
pub const CONNECT_SCRIPT: &str = "connect.ys";

/// The Yosys script that builds the models of property `id` from
/// `../ptu.v`, `../ptu_formal.v` and `../connect.ys` (relative to the
/// property's folder).
pub fn model_script(id: &str) -> String {
    let mut s = vec![
        "read_verilog -formal ../ptu.v".to_string(),
        format!("read_verilog -formal -DCHECK_{id} ../ptu_formal.v"),
        format!("hierarchy -check -top {}", crate::wrapper::TOP),
        "proc".into(),
        "flatten".into(),
    ];
    s.push(format!("script ../{CONNECT_SCRIPT}"));
    s.extend(
        [
            "prep -top ptu_formal",
            // Undriven or multiply driven wires would make the proof meaningless.
            "check -assert",
            "setattr -unset keep",
            "dffunmap",
            "opt -full",
            "techmap",
            "opt -fast",
            "dffunmap",
            "abc -g AND -fast",
            "opt_clean",
            "stat",
            "write_smt2 -wires model.smt2",
            "write_aiger -I -B -zinit -map model.aim model.aig",
        ]
        .map(String::from),
    );
    s.join("\n") + "\n"
}

/// Builds the models of property `id` in `dir` (a subfolder of the folder
/// holding `ptu.v` and `ptu_formal.v`).
pub fn build_model(dir: &Path, id: &str) -> Result<Model> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the proof folder {}", dir.display()))?;
    let ys = dir.join("model.ys");
    std::fs::write(&ys, model_script(id))
        .with_context(|| format!("cannot write {}", ys.display()))?;
    let log = dir.join("model.yosys.log");
    let run = tools::run("yosys", &["model.ys"], dir, &log)?;
    if !run.success() {
        return Err(run.failure()).context(format!("building the models of {id}"));
    }
    let m = Model {
        dir: dir.to_path_buf(),
    };
    for f in ["model.aig", "model.aim", "model.smt2"] {
        if !m.file(f).is_file() {
            bail!("yosys wrote no {} for {id}, log: {}", f, log.display());
        }
    }
    Ok(m)
}

/// What an engine concluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// Holds in every reachable state.
    Proven,
    /// No counterexample of up to this many cycles.
    Bounded(u32),
    /// Fails; the cycle (0 = the first, reset cycle) where an assertion fails.
    Cex(u32),
    /// The engine gave up (time limit, or induction too weak); the reason.
    Unknown(String),
}

/// ABC's `pdr` with a time limit. On a counterexample `trace.aiw` is left
/// in the model folder for [`replay`].
pub fn pdr(m: &Model, timeout_s: u32) -> Result<Finding> {
    let trace = m.file("trace.aiw");
    let _ = std::fs::remove_file(&trace);
    let script =
        format!("read_aiger model.aig; fold; strash; pdr -T {timeout_s}; write_cex -a trace.aiw");
    let log = m.file("pdr.log");
    let run = tools::run_ok("yosys-abc", &["-c", script.as_str()], &m.dir, &log)?;
    parse_pdr(&run.output, trace.is_file()).map_err(|e| anyhow!("{e}, log: {}", log.display()))
}

/// ABC's verdict from its output.
pub fn parse_pdr(output: &str, have_trace: bool) -> Result<Finding> {
    if output.lines().any(|l| l.starts_with("Property proved.")) {
        return Ok(Finding::Proven);
    }
    for l in output.lines() {
        if let Some(rest) = l.split(" was asserted in frame ").nth(1) {
            let frame: u32 = rest
                .trim_end_matches(|c: char| !c.is_ascii_digit())
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap_or("")
                .parse()
                .map_err(|_| anyhow!("cannot read the frame in ABC's line `{l}`"))?;
            if !have_trace {
                bail!("ABC found a counterexample but wrote no trace");
            }
            return Ok(Finding::Cex(frame));
        }
    }
    let why = output
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no output")
        .trim()
        .to_string();
    Ok(Finding::Unknown(format!("pdr gave no verdict: {why}")))
}

/// One run of yosys-smtbmc (z3) on the SMT2 model.
fn smtbmc(m: &Model, args: &[String], log: &str) -> Result<tools::Run> {
    let mut all: Vec<String> = ["-s", "z3", "--noprogress", "--timeout", "600"]
        .map(String::from)
        .to_vec();
    all.extend(args.iter().cloned());
    all.push("model.smt2".into());
    tools::run("yosys-smtbmc", &all, &m.dir, &m.file(log))
}

fn smtbmc_status(run: &tools::Run) -> Result<bool> {
    if run.output.contains("Status: PASSED") {
        Ok(true)
    } else if run.output.contains("Status: FAILED") {
        Ok(false)
    } else {
        Err(run.failure())
    }
}

/// The step of the last "Checking assertions in step N" line.
fn last_step(output: &str) -> u32 {
    output
        .lines()
        .rev()
        .filter_map(|l| l.split("Checking assertions in step ").nth(1))
        .find_map(|r| r.trim_end_matches('.').trim().parse().ok())
        .unwrap_or(0)
}

/// Wrapper locations (`ptu_formal.v:LINE`) of the assertions that failed.
pub fn failed_asserts(output: &str) -> Vec<String> {
    let mut v: Vec<String> = output
        .lines()
        .filter_map(|l| l.split("Assert failed in ptu_formal: ").nth(1))
        .map(|r| {
            let loc = r.split_whitespace().next().unwrap_or(r);
            // ptu_formal.v:288.52-288.99 -> ptu_formal.v:288
            match loc.split_once(':') {
                Some((f, pos)) => format!(
                    "{}:{}",
                    f.rsplit('/').next().unwrap_or(f),
                    pos.split('.').next().unwrap_or(pos)
                ),
                None => loc.to_string(),
            }
        })
        .collect();
    v.dedup();
    v
}

/// Temporal induction of depth `k`, then the base case (BMC of `k`
/// cycles, which writes `vcd` if it fails).
pub fn k_induction(m: &Model, k: u32, vcd: &Path) -> Result<(Finding, Vec<String>)> {
    let step = smtbmc(m, &["-i".into(), "-t".into(), k.to_string()], "kind.log")?;
    if !smtbmc_status(&step)? {
        return Ok((
            Finding::Unknown(format!(
                "induction of depth {k} fails (the property may still hold)"
            )),
            vec![],
        ));
    }
    let (f, asserts) = bmc(m, k, vcd)?;
    Ok((
        match f {
            Finding::Bounded(_) => Finding::Proven,
            other => other,
        },
        asserts,
    ))
}

/// A bounded model check of `depth` cycles; a counterexample goes to `vcd`.
pub fn bmc(m: &Model, depth: u32, vcd: &Path) -> Result<(Finding, Vec<String>)> {
    let _ = std::fs::remove_file(vcd);
    let run = smtbmc(
        m,
        &[
            "-t".into(),
            depth.to_string(),
            "--dump-vcd".into(),
            vcd.display().to_string(),
        ],
        "bmc.log",
    )?;
    if smtbmc_status(&run)? {
        Ok((Finding::Bounded(depth), vec![]))
    } else {
        check_vcd(vcd, &run)?;
        Ok((
            Finding::Cex(last_step(&run.output)),
            failed_asserts(&run.output),
        ))
    }
}

/// Replays ABC's `trace.aiw` in yosys-smtbmc and writes it as `vcd`;
/// returns the assertions that fail at its end.
pub fn replay(m: &Model, vcd: &Path) -> Result<Vec<String>> {
    let _ = std::fs::remove_file(vcd);
    let run = smtbmc(
        m,
        &[
            "--aig".into(),
            "model.aim:trace.aiw".into(),
            "--aig-noheader".into(),
            "--dump-vcd".into(),
            vcd.display().to_string(),
        ],
        "replay.log",
    )?;
    if smtbmc_status(&run)? {
        bail!(
            "yosys-smtbmc did not reproduce ABC's counterexample, log: {}",
            run.log.display()
        );
    }
    check_vcd(vcd, &run)?;
    Ok(failed_asserts(&run.output))
}

fn check_vcd(vcd: &Path, run: &tools::Run) -> Result<()> {
    let ok = std::fs::metadata(vcd)
        .map(|md| md.len() > 0)
        .unwrap_or(false);
    if !ok {
        bail!(
            "yosys-smtbmc wrote no VCD to {}, log: {}",
            vcd.display(),
            run.log.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_abc_verdicts() {
        let proved = "Invariant F[7] : 780 clauses\nProperty proved.  Time =     1.21 sec\n";
        assert_eq!(parse_pdr(proved, false).unwrap(), Finding::Proven);
        let cex = "Output 2 of miter \"P1\" was asserted in frame 14.  Time =     0.10 sec\n";
        assert_eq!(parse_pdr(cex, true).unwrap(), Finding::Cex(14));
        assert!(parse_pdr(cex, false).is_err());
        let timeout = "Reached timeout (150 seconds).\n";
        assert_eq!(
            parse_pdr(timeout, false).unwrap(),
            Finding::Unknown("pdr gave no verdict: Reached timeout (150 seconds).".into())
        );
    }

    #[test]
    fn reads_smtbmc_failures() {
        let out = "##   0:00:01  Checking assertions in step 2..\n\
                   ##   0:00:01  Checking assertions in step 3..\n\
                   ##   0:00:01  BMC failed!\n\
                   ##   0:00:02  Assert failed in ptu_formal: ptu_formal.v:288.52-288.99 ($assert$ptu_formal.v:288$388)\n\
                   ##   0:00:02  Assert failed in ptu_formal: ptu_formal.v:290.24-290.77 ($assert$ptu_formal.v:290$390)\n";
        assert_eq!(last_step(out), 3);
        assert_eq!(
            failed_asserts(out),
            ["ptu_formal.v:288", "ptu_formal.v:290"]
        );
    }

    #[test]
    fn the_script_reads_both_files_and_connects_every_observation() {
        let s = model_script("P7");
        assert!(s.starts_with(
            "read_verilog -formal ../ptu.v\nread_verilog -formal -DCHECK_P7 ../ptu_formal.v\n"
        ));
        let flatten = s.find("flatten\n").unwrap();
        let connect = s.find("script ../connect.ys\n").unwrap();
        let prep = s.find("prep -top ptu_formal").unwrap();
        assert!(flatten < connect && connect < prep);
        // The connections themselves, per configuration.
        let c = crate::wrapper::connect_commands_for(&ptu_arch::PtuConfig::default()).unwrap();
        assert!(c.contains(&format!(
            "connect -nounset -set obs_krip dut.{}",
            ptu_arch::internal::get("kernel_rip").path
        )));
        assert!(s.contains("write_aiger -I -B -zinit -map model.aim model.aig"));
    }
}
