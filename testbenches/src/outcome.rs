//! Reading what a harness printed.
//!
//! Every harness prints, for the first failing cycle, one line per
//! differing port, then a closing line:
//!
//! ```text
//! MISMATCH cycle 1234 port gs_base expected 0 got 7f00
//! ptu_vectors_tb: FAILED at cycle 1234
//! ```
//!
//! or, when every cycle matched, `ptu_vectors_tb: 20000 cycles passed`;
//! and `ptu_vectors_tb: ERROR <what>` when it could not run (unreadable
//! or malformed vectors).

use anyhow::{bail, Result};
use ptu_tools::Run;

/// The result line and mismatch lines of a harness run.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub cycles: u64,
    pub mismatch: Option<String>,
    pub mismatch_cycle: Option<u64>,
}

/// The prefix of a mismatch line.
pub(crate) const MISMATCH: &str = "MISMATCH cycle ";

/// Read the harness's output; an error (with the end of the log) when it
/// reported an error, printed no result, or the tool failed.
pub(crate) fn parse(tool: &str, run: &Run) -> Result<Outcome> {
    let prefix = format!("{}: ", crate::TB);
    let mut mismatches = Vec::new();
    for line in run.output.lines() {
        if line.starts_with(MISMATCH) {
            mismatches.push(line.trim_end().to_string());
            continue;
        }
        let Some(rest) = line.strip_prefix(&prefix) else {
            continue;
        };
        if let Some(err) = rest.strip_prefix("ERROR ") {
            bail!("{tool}: {err} (log: {})", run.log.display());
        }
        if let Some(n) = rest
            .strip_suffix(" cycles passed")
            .and_then(|n| n.trim().parse::<u64>().ok())
        {
            if mismatches.is_empty() && run.success() {
                return Ok(Outcome {
                    cycles: n,
                    mismatch: None,
                    mismatch_cycle: None,
                });
            }
        }
        if let Some(n) = rest
            .strip_prefix("FAILED at cycle ")
            .and_then(|n| n.trim().parse::<u64>().ok())
        {
            if !mismatches.is_empty() {
                return Ok(Outcome {
                    cycles: n,
                    mismatch: Some(mismatches.join("\n")),
                    mismatch_cycle: Some(n),
                });
            }
        }
    }
    if !run.success() {
        return Err(run.failure());
    }
    bail!(
        "{tool} ended without a result line (`{}: N cycles passed` or `FAILED at cycle N`), log: {}\n{}",
        crate::TB,
        run.log.display(),
        run.tail(20)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn run(output: &str, code: i32) -> Run {
        use std::os::unix::process::ExitStatusExt;
        Run {
            tool: "vvp".into(),
            status: std::process::ExitStatus::from_raw(code << 8),
            log: PathBuf::from("/tmp/x.log"),
            output: output.into(),
        }
    }

    #[test]
    fn passes_and_mismatches_parse() {
        let o = parse(
            "vvp",
            &run("VCD info: x\nptu_vectors_tb: 20000 cycles passed\n", 0),
        )
        .unwrap();
        assert_eq!(o.cycles, 20000);
        assert!(o.mismatch.is_none());
        let o = parse(
            "vvp",
            &run(
                "MISMATCH cycle 7 port rsp expected 10 got 11\n\
                 MISMATCH cycle 7 port gs_base expected 0 got x\n\
                 ptu_vectors_tb: FAILED at cycle 7\n",
                0,
            ),
        )
        .unwrap();
        assert_eq!(o.cycles, 7);
        assert_eq!(o.mismatch_cycle, Some(7));
        assert_eq!(
            o.mismatch.unwrap(),
            "MISMATCH cycle 7 port rsp expected 10 got 11\nMISMATCH cycle 7 port gs_base expected 0 got x"
        );
    }

    #[test]
    fn errors_and_silence_are_errors() {
        let e = parse("vvp", &run("ptu_vectors_tb: ERROR bad vector line 3\n", 0))
            .unwrap_err()
            .to_string();
        assert_eq!(e, "vvp: bad vector line 3 (log: /tmp/x.log)");
        let e = parse("vvp", &run("something else\n", 0))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("vvp ended without a result line"), "{e}");
        let e = parse("vvp", &run("ptu_vectors_tb: 3 cycles passed\n", 1))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("vvp failed (exit 1), log: /tmp/x.log"), "{e}");
    }
}
