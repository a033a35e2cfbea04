//! Shrinking a failing run to a short scenario.
//!
//! A failing random run is first replayed as a fixed list of per-cycle
//! inputs (bus answers included). [`shrink`] removes cycles while the
//! failure persists (delta debugging: halves, quarters, ... single
//! cycles), and [`to_scenario`] writes what is left as a scenario file
//! that replays the same inputs exactly (`mem off` and `answer` parts).

use crate::model::Model;
use crate::rtl::RtlSim;
use anyhow::Result;
use ptu_arch::{csr, Inputs, PtuConfig};
use std::fmt::Write as _;

/// Remove cycles from `inputs` while `fails` still holds; `fails` must
/// hold for `inputs` itself. At most `budget` calls of `fails`.
pub fn shrink(
    mut inputs: Vec<Inputs>,
    budget: usize,
    mut fails: impl FnMut(&[Inputs]) -> bool,
) -> Vec<Inputs> {
    let mut calls = 0;
    let mut chunk = inputs.len().div_ceil(2).max(1);
    loop {
        let mut removed_any = false;
        let mut start = 0;
        while start < inputs.len() && calls < budget {
            let end = (start + chunk).min(inputs.len());
            let mut candidate = Vec::with_capacity(inputs.len() - (end - start));
            candidate.extend_from_slice(&inputs[..start]);
            candidate.extend_from_slice(&inputs[end..]);
            calls += 1;
            if !candidate.is_empty() && fails(&candidate) {
                inputs = candidate;
                removed_any = true;
            } else {
                start = end;
            }
        }
        if calls >= budget || (chunk == 1 && !removed_any) {
            return inputs;
        }
        if !removed_any {
            chunk = (chunk / 2).max(1);
        }
    }
}

/// Does the rust-hdl design differ from the model on these inputs?
/// Returns the first differing cycle.
pub fn rtl_mismatch(cfg: &PtuConfig, inputs: &[Inputs]) -> Result<Option<u64>> {
    let mut rtl = RtlSim::new(cfg)?;
    let mut model = Model::new(cfg);
    for (cycle, inp) in inputs.iter().enumerate() {
        rtl.apply(inp)?;
        if rtl.outputs() != model.outputs(inp) {
            return Ok(Some(cycle as u64));
        }
        rtl.tick()?;
        model.step(inp);
    }
    Ok(None)
}

fn csr_name(addr: u8) -> String {
    match csr::name(addr) {
        Some(n) => n.to_string(),
        None => format!("0x{addr:02x}"),
    }
}

/// One cycle of inputs as a scenario line.
pub fn cycle_line(i: &Inputs) -> String {
    let mut parts: Vec<String> = vec![];
    if i.reset {
        parts.push("reset".into());
    }
    if i.retire {
        parts.push(format!("retire next=0x{:x}", i.next_rip));
    }
    if i.rsp_we {
        parts.push(format!("rsp = 0x{:x}", i.rsp_wdata));
    }
    if i.gs_we {
        parts.push(format!("gs = 0x{:x}", i.gs_wdata));
    }
    if i.csr_re || i.csr_we {
        let name = csr_name(i.csr_addr);
        parts.push(match (i.csr_re, i.csr_we) {
            (true, false) => format!("csr read {name}"),
            (false, true) => format!("csr write {name} = 0x{:x}", i.csr_wdata),
            _ => format!("csr swap {name} = 0x{:x}", i.csr_wdata),
        });
    }
    if i.op_syscall {
        parts.push(format!("syscall next=0x{:x}", i.next_rip));
    }
    if i.op_eret {
        parts.push("eret".into());
    }
    if i.exc_valid {
        let mut f = format!("fault vector={}", i.exc_vector);
        if i.exc_error_valid {
            let _ = write!(f, " error=0x{:x}", i.exc_error);
        }
        if i.exc_data != 0 {
            let _ = write!(f, " data=0x{:x}", i.exc_data);
        }
        parts.push(f);
    }
    if i.irq {
        parts.push(format!("irq vector={}", i.irq_vector));
    }
    if i.nmi {
        parts.push("nmi".into());
    }
    if i.mce {
        parts.push("mce".into());
    }
    if i.mem_ready {
        let mut a = "answer".to_string();
        if i.mem_rdata != 0 {
            let _ = write!(a, " data=0x{:x}", i.mem_rdata);
        }
        if i.mem_err {
            a.push_str(" error");
        }
        parts.push(a);
    }
    if parts.is_empty() {
        "idle".into()
    } else {
        parts.join(" + ")
    }
}

/// The inputs as a scenario file that replays them exactly. Inputs that
/// a scenario line cannot carry (`next_rip` without retire or SYSCALL,
/// write data without a write, fault fields without a fault, `mem_rdata`
/// without `mem_ready`) are dropped: the unit ignores them.
pub fn to_scenario(inputs: &[Inputs], about: &str) -> String {
    let mut s = String::new();
    for line in about.lines() {
        let _ = writeln!(s, "# {line}");
    }
    s.push_str("mem off\n");
    for i in inputs {
        s.push_str(&cycle_line(i));
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;
    use crate::vectors::{record_random, VectorWriter};

    /// Inputs of a random run, read back from its vectors.
    fn random_inputs(seed: u64, cycles: u64) -> Vec<Inputs> {
        let mut w = VectorWriter::new(Vec::new()).unwrap();
        record_random(seed, cycles, 2, 0.01, &mut w).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                let v: Vec<u64> = l
                    .split(' ')
                    .map(|f| u64::from_str_radix(f, 16).unwrap())
                    .collect();
                Inputs {
                    reset: v[0] == 1,
                    retire: v[1] == 1,
                    next_rip: v[2],
                    rsp_we: v[3] == 1,
                    rsp_wdata: v[4],
                    gs_we: v[5] == 1,
                    gs_wdata: v[6],
                    op_syscall: v[7] == 1,
                    op_eret: v[8] == 1,
                    csr_re: v[9] == 1,
                    csr_we: v[10] == 1,
                    csr_addr: v[11] as u8,
                    csr_wdata: v[12],
                    exc_valid: v[13] == 1,
                    exc_vector: v[14] as u8,
                    exc_error: v[15] as u32,
                    exc_error_valid: v[16] == 1,
                    exc_data: v[17],
                    irq: v[18] == 1,
                    irq_vector: v[19] as u8,
                    nmi: v[20] == 1,
                    mce: v[21] == 1,
                    mem_ready: v[22] == 1,
                    mem_rdata: v[23],
                    mem_err: v[24] == 1,
                    ..Inputs::default()
                }
            })
            .collect()
    }

    #[test]
    fn a_written_scenario_replays_the_same_outputs() {
        let inputs = random_inputs(11, 3000);
        let text = to_scenario(&inputs, "round trip");
        let s = scenario::parse(&text, "rt.scn").unwrap();
        let cfg = PtuConfig::default();
        let mut model = Model::new(&cfg);
        let mut k = 0;
        s.run(&cfg, |_, inp, out, _| {
            if k < inputs.len() {
                // Same outputs as the original inputs give, cycle by cycle.
                assert_eq!(out, &model.outputs(&inputs[k]), "cycle {k}");
                model.step(&inputs[k]);
                assert_eq!(inp.mem_ready, inputs[k].mem_ready);
            }
            k += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(k, inputs.len() + 1, "every cycle and the final idle one");
    }

    #[test]
    fn shrinking_keeps_the_failure_and_drops_the_rest() {
        // A stand-in for a failing design: it "fails" whenever a SYSCALL
        // is followed, later, by an NMI.
        let inputs = random_inputs(3, 4000);
        let fails = |xs: &[Inputs]| {
            xs.iter()
                .position(|i| i.op_syscall)
                .is_some_and(|k| xs[k..].iter().any(|i| i.nmi))
        };
        assert!(fails(&inputs), "the random run has the pattern");
        let small = shrink(inputs, 10_000, fails);
        assert!(fails(&small));
        assert_eq!(small.len(), 2, "{small:?}");
        assert!(small[0].op_syscall && small[1].nmi);
    }

    #[test]
    fn the_design_matches_the_model_on_a_replayed_run() {
        let inputs = random_inputs(5, 2000);
        assert_eq!(rtl_mismatch(&PtuConfig::default(), &inputs).unwrap(), None);
    }
}
