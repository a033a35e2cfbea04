//! Lockstep: the rust-hdl design and the reference model, driven by the
//! same stimulus, compared on every output port in every cycle.

use crate::bus::Memory;
use crate::model::Model;
use crate::rtl::RtlSim;
use anyhow::{bail, Result};
use ptu_arch::{Inputs, Outputs, PtuConfig};
use std::fmt;
use std::path::{Path, PathBuf};

/// The first cycle where the design and the model disagree.
#[derive(Clone, Debug)]
pub struct Mismatch {
    /// Cycle number (edges since the start).
    pub cycle: u64,
    /// Inputs presented in that cycle.
    pub inputs: Inputs,
    /// Every differing port: (name, design, model).
    pub diffs: Vec<(&'static str, u64, u64)>,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mismatch at cycle {}:", self.cycle)?;
        for (port, rtl, model) in &self.diffs {
            write!(f, " {port} is 0x{rtl:x}, expected 0x{model:x};")?;
        }
        write!(f, " inputs {:?}", self.inputs)
    }
}

/// What a lockstep run saw.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Cycles compared.
    pub cycles: u64,
    /// Cycles with `redirect` high (completed entries and ERETs).
    pub redirects: u64,
    /// Cycles with `busy` high.
    pub busy_cycles: u64,
    /// Interrupts acknowledged.
    pub irq_acks: u64,
    /// Bus answers.
    pub bus_answers: u64,
    /// Cycles spent in user mode.
    pub user_cycles: u64,
    /// Cycles in shutdown.
    pub shutdown_cycles: u64,
    /// The VCD written, if any.
    pub vcd: Option<PathBuf>,
}

/// Drive both with `core` (which sees the outputs of the current cycle and
/// returns the instruction and event inputs) and `mem` (which answers the
/// bus) for `cycles` cycles. Fails at the first mismatch.
pub fn run<F>(
    cfg: &PtuConfig,
    mut core: F,
    mem: &mut Memory,
    cycles: u64,
    vcd: Option<&Path>,
) -> Result<Report>
where
    F: FnMut(u64, &Outputs) -> Inputs,
{
    let mut rtl = RtlSim::new(cfg)?;
    if let Some(path) = vcd {
        rtl.trace_to(path)?;
    }
    let mut model = Model::new(cfg);
    let mut report = Report::default();
    for cycle in 0..cycles {
        // Outputs other than csr_rdata depend only on state.
        let state_out = model.outputs(&Inputs::default());
        let mut inp = core(cycle, &state_out);
        let (ready, rdata, err) = mem.respond(&state_out);
        inp.mem_ready = ready;
        inp.mem_rdata = rdata;
        inp.mem_err = err;
        rtl.apply(&inp)?;
        let got = rtl.outputs();
        let want = model.outputs(&inp);
        if got != want {
            let m = Mismatch {
                cycle,
                inputs: inp,
                diffs: got.diff(&want),
            };
            // Keep the waveform up to the failing cycle.
            rtl.tick()?;
            let path = rtl.finish()?;
            match path {
                Some(p) => bail!("{m} (waveform: {})", p.display()),
                None => bail!("{m}"),
            }
        }
        report.cycles += 1;
        report.redirects += want.redirect as u64;
        report.busy_cycles += want.busy as u64;
        report.irq_acks += want.irq_ack as u64;
        report.bus_answers += (want.mem_valid && ready) as u64;
        report.user_cycles += (want.cpl == ptu_arch::CPL_USER) as u64;
        report.shutdown_cycles += want.shutdown as u64;
        rtl.tick()?;
        model.step(&inp);
        mem.clock(&state_out, ready, err);
    }
    report.vcd = rtl.finish()?;
    Ok(report)
}
