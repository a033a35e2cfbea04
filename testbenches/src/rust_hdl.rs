//! The same vectors on rust-hdl's own simulator: the `Ptu` block stepped
//! in one thread by `ptu_sim::rtl::RtlSim` (apply inputs, read outputs,
//! tick), with the same checks and messages as the external harnesses.

use crate::outcome::Outcome;
use crate::{source, RunReport, VectorSource};
use anyhow::{anyhow, bail, Context, Result};
use ptu_arch::{Inputs, PtuConfig};
use ptu_sim::rtl::RtlSim;
use ptu_sim::vectors::{Columns, INPUTS, OUTPUTS};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Instant;

/// Fields of a vector line.
pub const FIELDS: usize = INPUTS.len() + OUTPUTS.len();

/// The fields of one vector line (hex, whitespace-separated), or an error
/// saying what is wrong with it.
pub fn parse_line(line: &str) -> Result<[u64; FIELDS]> {
    let v = parse_fields(line, FIELDS)?;
    let mut a = [0u64; FIELDS];
    a.copy_from_slice(&v);
    Ok(a)
}

/// The `fields` fields of one vector line of any configuration (hex,
/// whitespace-separated), or an error saying what is wrong with it.
pub fn parse_fields(line: &str, fields: usize) -> Result<Vec<u64>> {
    let mut v = Vec::with_capacity(fields);
    for field in line.split_whitespace() {
        if v.len() == fields {
            bail!("more than {fields} fields");
        }
        v.push(
            u64::from_str_radix(field, 16).map_err(|_| {
                anyhow!("field {} `{field}` is not a 64-bit hex number", v.len() + 1)
            })?,
        );
    }
    if v.len() != fields {
        bail!("{} fields, want {fields}", v.len());
    }
    Ok(v)
}

/// The inputs of a vector line of `cols`' configuration (`v` holds at
/// least its inputs, in column order). Values wider than their port are
/// truncated, as a simulator would.
pub fn inputs_of(cols: &Columns, v: &[u64]) -> Inputs {
    let mut i = Inputs::default();
    for ((name, width), &x) in cols.inputs.iter().zip(v) {
        let x = if *width >= 64 {
            x
        } else {
            x & ((1u64 << width) - 1)
        };
        let b = x & 1 != 0;
        match *name {
            "reset" => i.reset = b,
            "retire" => i.retire = b,
            "next_rip" => i.next_rip = x,
            "rsp_we" => i.rsp_we = b,
            "rsp_wdata" => i.rsp_wdata = x,
            "gs_we" => i.gs_we = b,
            "gs_wdata" => i.gs_wdata = x,
            "fs_we" => i.fs_we = b,
            "fs_wdata" => i.fs_wdata = x,
            "op_syscall" => i.op_syscall = b,
            "op_eret" => i.op_eret = b,
            "csr_re" => i.csr_re = b,
            "csr_we" => i.csr_we = b,
            "csr_addr" => i.csr_addr = x as u8,
            "csr_wdata" => i.csr_wdata = x,
            "exc_valid" => i.exc_valid = b,
            "exc_vector" => i.exc_vector = x as u8,
            "exc_error" => i.exc_error = x as u32,
            "exc_error_valid" => i.exc_error_valid = b,
            "exc_data" => i.exc_data = x,
            "irq" => i.irq = b,
            "irq_vector" => i.irq_vector = x as u8,
            "nmi" => i.nmi = b,
            "mce" => i.mce = b,
            "mem_ready" => i.mem_ready = b,
            "mem_rdata" => i.mem_rdata = x,
            "mem_err" => i.mem_err = b,
            other => panic!("no input port {other} in ptu_arch::Inputs"),
        }
    }
    i
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
    let cols = Columns::for_config(cfg);
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
        let out = step(&mut sim, &cols, BufReader::with_capacity(1 << 20, file));
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

fn step(sim: &mut RtlSim, cols: &Columns, mut rd: impl BufRead) -> Result<Outcome> {
    let n_in = cols.inputs.len();
    let fields = n_in + cols.outputs.len();
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
        let v = parse_fields(text, fields).map_err(|e| {
            anyhow!("rust-hdl: bad vector line {line_no}: {e} (format: sim/src/vectors.rs)")
        })?;
        sim.apply(&inputs_of(cols, &v))?;
        let got = cols.values(&Inputs::default(), &sim.outputs());
        let (got, want) = (&got[n_in..], &v[n_in..]);
        let diffs: Vec<String> = cols
            .outputs
            .iter()
            .map(|(p, _)| p)
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
    use ptu_arch::PtuConfig;
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
        assert_eq!(
            inputs_of(&Columns::for_config(&PtuConfig::default()), &v),
            inp
        );
        assert_eq!(v[..25], input_values(&inp));
        // A configuration with the FS ports: its columns read back too.
        let fs = ptu_arch::config::preset("x86_64-fs-bank").unwrap().config();
        let inp = Inputs {
            fs_we: true,
            fs_wdata: 0xf5f5,
            ..inp
        };
        let mut w = VectorWriter::for_config(Vec::new(), &fs).unwrap();
        w.cycle(&inp, &ptu_arch::Outputs::default()).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        let line = text.lines().find(|l| !l.starts_with('#')).unwrap();
        let cols = Columns::for_config(&fs);
        let v = parse_fields(line, cols.inputs.len() + cols.outputs.len()).unwrap();
        assert_eq!(inputs_of(&cols, &v), inp);
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
