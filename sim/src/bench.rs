//! A directed-test bench for `Ptu`: the rust-hdl design and the reference
//! model stepped together (every output compared every cycle), a memory
//! answering the frame bus, and a VCD of the design in `waveforms/`.
//!
//! Tests drive it cycle by cycle with [`Bench::cycle`] and check SPEC's
//! numbers on the returned outputs; any disagreement between design and
//! model fails at once with the cycle and the ports.

use crate::bus::Memory;
use crate::lockstep::Mismatch;
use crate::model::Model;
use crate::rtl::RtlSim;
use anyhow::{bail, Result};
use ptu_arch::{Inputs, Outputs, PtuConfig};
use std::path::{Path, PathBuf};

/// The folder where VCDs go: `$PTU_WAVEFORMS`, else `waveforms/` at the
/// root of the workspace.
pub fn waveforms_dir() -> PathBuf {
    match std::env::var_os("PTU_WAVEFORMS") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../waveforms"),
    }
}

/// Design + model + memory, in lockstep.
pub struct Bench {
    rtl: Option<RtlSim>,
    model: Model,
    /// The memory on the frame bus.
    pub mem: Memory,
    cycle: u64,
}

impl Bench {
    /// A bench for the default configuration whose VCD is
    /// `waveforms/<name>.vcd`.
    pub fn new(name: &str) -> Result<Self> {
        Self::with_config(name, &PtuConfig::default())
    }

    /// A bench for `cfg` whose VCD is `waveforms/<name>.vcd`.
    pub fn with_config(name: &str, cfg: &PtuConfig) -> Result<Self> {
        Self::traced(&waveforms_dir().join(format!("{name}.vcd")), cfg)
    }

    /// A bench for `cfg` whose VCD is `vcd`.
    pub fn traced(vcd: &Path, cfg: &PtuConfig) -> Result<Self> {
        let mut rtl = RtlSim::new(cfg)?;
        rtl.trace_to(vcd)?;
        Ok(Self {
            rtl: Some(rtl),
            model: Model::new(cfg),
            mem: Memory::new(0),
            cycle: 0,
        })
    }

    fn rtl(&mut self) -> &mut RtlSim {
        self.rtl.as_mut().expect("bench already finished")
    }

    /// Edges so far.
    pub fn cycles(&self) -> u64 {
        self.cycle
    }

    /// Present `inp` for one cycle (the memory fills the bus inputs),
    /// compare design and model, and apply the edge. Returns the outputs
    /// seen during that cycle, before the edge.
    pub fn cycle(&mut self, mut inp: Inputs) -> Result<Outputs> {
        let state = self.model.outputs(&Inputs::default());
        let (ready, rdata, err) = self.mem.respond(&state);
        inp.mem_ready = ready;
        inp.mem_rdata = rdata;
        inp.mem_err = err;
        self.rtl().apply(&inp)?;
        let got = self.rtl().outputs();
        let want = self.model.outputs(&inp);
        if got != want {
            let m = Mismatch {
                cycle: self.cycle,
                inputs: inp,
                diffs: got.diff(&want),
            };
            self.rtl().tick()?;
            let _ = self.rtl.take().map(|r| r.finish());
            bail!("{m}");
        }
        self.rtl().tick()?;
        self.model.step(&inp);
        self.mem.clock(&state, ready, err);
        self.cycle += 1;
        Ok(got)
    }

    /// The outputs at the start of the current cycle (those that depend on
    /// state only; `csr_rdata` is 0), checked against the model.
    pub fn now(&mut self) -> Result<Outputs> {
        let idle = Inputs::default();
        self.rtl().apply(&idle)?;
        let got = self.rtl().outputs();
        let want = self.model.outputs(&idle);
        if got != want {
            bail!(
                "{}",
                Mismatch {
                    cycle: self.cycle,
                    inputs: idle,
                    diffs: got.diff(&want),
                }
            );
        }
        Ok(got)
    }

    /// Run idle cycles until `done(outputs)` holds at the start of a cycle,
    /// at most `limit` cycles. Returns the number of cycles run.
    pub fn run_until(&mut self, limit: u64, done: impl Fn(&Outputs) -> bool) -> Result<u64> {
        for n in 0..=limit {
            if done(&self.now()?) {
                return Ok(n);
            }
            self.cycle(Inputs::default())?;
        }
        bail!(
            "condition not reached within {limit} cycles (at cycle {})",
            self.cycle
        )
    }

    /// The reference model, for checks of internal state.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Write the VCD into place.
    pub fn finish(mut self) -> Result<Option<PathBuf>> {
        match self.rtl.take() {
            Some(r) => r.finish(),
            None => Ok(None),
        }
    }
}
