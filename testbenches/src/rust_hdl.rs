//! The same vectors on rust-hdl's own simulator: the `Ptu` block stepped
//! in one thread by `ptu_sim::rtl::RtlSim` (apply inputs, read outputs,
//! tick), with the same checks and messages as the external harnesses.

use crate::outcome::Outcome;
use crate::{source, RunReport, VectorSource};
use anyhow::{anyhow, bail, Context, Result};
use ptu_arch::{Inputs, PtuConfig};
use ptu_sim::rtl::RtlSim;
use ptu_sim::vectors::{output_values, INPUTS, OUTPUTS};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Instant;

/// Fields of a vector line.
pub const FIELDS: usize = INPUTS.len() + OUTPUTS.len();

/// The fields of one vector line (hex, whitespace-separated), or an error
/// saying what is wrong with it.
pub fn parse_line(line: &str) -> Result<[u64; FIELDS]> {
    let mut v = [0u64; FIELDS];
    let mut n = 0;
    for field in line.split_whitespace() {
        if n == FIELDS {
            bail!("more than {FIELDS} fields");
        }
        v[n] = u64::from_str_radix(field, 16)
            .map_err(|_| anyhow!("field {} `{field}` is not a 64-bit hex number", n + 1))?;
        n += 1;
    }
    if n != FIELDS {
        bail!("{n} fields, want {FIELDS}");
    }
    Ok(v)
}

/// The inputs of a vector line ([`INPUTS`] order; `v` has at least 25
/// values). Values wider than their port are truncated, as a simulator
/// would.
pub fn inputs_from(v: &[u64]) -> Inputs {
    let b = |k: usize| v[k] & 1 != 0;
    Inputs {
        reset: b(0),
        retire: b(1),
        next_rip: v[2],
        rsp_we: b(3),
        rsp_wdata: v[4],
        gs_we: b(5),
        gs_wdata: v[6],
        op_syscall: b(7),
        op_eret: b(8),
        csr_re: b(9),
        csr_we: b(10),
        csr_addr: v[11] as u8,
        csr_wdata: v[12],
        exc_valid: b(13),
        exc_vector: v[14] as u8,
        exc_error: v[15] as u32,
        exc_error_valid: b(16),
        exc_data: v[17],
        irq: b(18),
        irq_vector: v[19] as u8,
        nmi: b(20),
        mce: b(21),
        mem_ready: b(22),
        mem_rdata: v[23],
        mem_err: b(24),
        // Vector format v1 has no `fs_bank` ports.
        ..Inputs::default()
    }
}

/// Run `vectors` on the rust-hdl `Ptu` for `cfg` (stepped by [`RtlSim`],
/// which resets it first), optionally streaming a VCD of the whole
/// hierarchy to `vcd`. Run folders (for a FIFO) go under `work`. The
/// report has the same meaning as [`crate::run_vectors`]'s;
/// [`RunReport::seconds`] counts the stepping, not the elaboration.
pub fn run_vectors_rust_hdl(
    cfg: &PtuConfig,
    vectors: VectorSource,
    vcd: Option<&Path>,
    work: &Path,
) -> Result<RunReport> {
    let run_dir = source::run_dir(work, "rust-hdl")?;
    let build = Instant::now();
    let mut sim = RtlSim::new(cfg)?;
    if let Some(v) = vcd {
        sim.trace_to(v)?;
    }
    let build_seconds = build.elapsed().as_secs_f64();
    let mut seconds = 0.0;
    let outcome = vectors.feed(&run_dir, |path| {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot open vector file {}", path.display()))?;
        let start = Instant::now();
        let out = step(&mut sim, BufReader::with_capacity(1 << 20, file));
        seconds = start.elapsed().as_secs_f64();
        out
    });
    let vcd_written = sim.finish()?;
    let _ = std::fs::remove_dir_all(&run_dir);
    let outcome = outcome?;
    Ok(RunReport {
        simulator: "rust-hdl",
        cycles: outcome.cycles,
        seconds,
        build_seconds,
        mismatch: outcome.mismatch,
        mismatch_cycle: outcome.mismatch_cycle,
        vcd: vcd_written,
        log: std::path::PathBuf::new(),
    })
}

fn step(sim: &mut RtlSim, mut rd: impl BufRead) -> Result<Outcome> {
    let mut line = String::with_capacity(1024);
    let mut line_no = 0u64;
    let mut cycle = 0u64;
    loop {
        line.clear();
        if rd.read_line(&mut line).context("reading vectors")? == 0 {
            break;
        }
        line_no += 1;
        let text = line.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let v = parse_line(text).map_err(|e| {
            anyhow!("rust-hdl: bad vector line {line_no}: {e} (format: sim/src/vectors.rs)")
        })?;
        sim.apply(&inputs_from(&v))?;
        let got = output_values(&sim.outputs());
        let want = &v[INPUTS.len()..];
        let diffs: Vec<String> = OUTPUTS
            .iter()
            .enumerate()
            .filter(|(k, _)| got[*k] != want[*k])
            .map(|(k, p)| {
                format!(
                    "{}{cycle} port {p} expected {:x} got {:x}",
                    crate::outcome::MISMATCH,
                    want[k],
                    got[k]
                )
            })
            .collect();
        // The edge of the failing cycle too, so the waveform shows it.
        sim.tick()?;
        if !diffs.is_empty() {
            return Ok(Outcome {
                cycles: cycle,
                mismatch: Some(diffs.join("\n")),
                mismatch_cycle: Some(cycle),
            });
        }
        cycle += 1;
    }
    Ok(Outcome {
        cycles: cycle,
        mismatch: None,
        mismatch_cycle: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptu_sim::vectors::{input_values, VectorWriter};

    #[test]
    fn a_written_line_reads_back() {
        let inp = Inputs {
            exc_valid: true,
            exc_vector: 14,
            exc_error: 0xdead_beef,
            exc_data: u64::MAX,
            ..Inputs::default()
        };
        let mut w = VectorWriter::new(Vec::new()).unwrap();
        w.cycle(&inp, &ptu_arch::Outputs::default()).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        let v = parse_line(text.lines().nth(1).unwrap()).unwrap();
        assert_eq!(inputs_from(&v), inp);
        assert_eq!(v[..25], input_values(&inp));
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        assert_eq!(
            parse_line("1 2 3").unwrap_err().to_string(),
            "3 fields, want 40"
        );
        let mut l = vec!["0"; 40];
        l[4] = "zz";
        assert_eq!(
            parse_line(&l.join(" ")).unwrap_err().to_string(),
            "field 5 `zz` is not a 64-bit hex number"
        );
    }
}
