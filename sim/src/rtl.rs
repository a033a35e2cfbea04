//! Stepping the rust-hdl design of the unit (`Ptu`, or `PtuFs` with
//! option `fs_bank`) cycle by cycle, in one thread.
//!
//! rust-hdl's `Simulation` runs every testbench in its own thread and is
//! slow for long runs; here the block is stepped directly: set the inputs,
//! settle, raise the clock, settle. A VCD of the whole hierarchy (ports
//! and every internal register) can be streamed to a file while it runs.
//!
//! [`RtlSim`] holds the unit of its configuration (`ptu_rtl::unit::build`:
//! `Ptu` or `PtuFs`, 64 or 32 bits); its inputs and outputs are the
//! width-free `Inputs`/`Outputs`, the XLEN-wide inputs cut to XLEN bits as
//! the reference model cuts them.

use anyhow::{anyhow, Context, Result};
use ptu_arch::{Inputs, Outputs, PtuConfig};
use ptu_rtl::{Mutant, Unit};
use rust_hdl::core::vcd_probe::VCDProbe;
use rust_hdl::prelude::*;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Simulated time of one clock period, in VCD units (picoseconds): 10 ns.
pub const CLOCK_PERIOD_PS: u64 = 10_000;

/// Most delta cycles allowed for the logic to settle.
const SETTLE_ITERATIONS: usize = 200;

/// The rust-hdl unit, stepped one clock at a time.
pub struct RtlSim {
    uut: Box<dyn Unit>,
    cycle: u64,
    vcd: Option<VcdStream>,
}

struct VcdStream {
    probe: Option<VCDProbe<BufWriter<File>>>,
    tmp: PathBuf,
    path: PathBuf,
}

impl RtlSim {
    /// Elaborate and check the design for `cfg`, and reset it.
    pub fn new(cfg: &PtuConfig) -> Result<Self> {
        Self::with_mutant(cfg, None)
    }

    /// [`RtlSim::new`] for the unit with a deliberate error (tests of the
    /// tests).
    pub fn with_mutant(cfg: &PtuConfig, mutant: Option<Mutant>) -> Result<Self> {
        let uut = ptu_rtl::unit::build(cfg, mutant)?;
        let mut sim = Self {
            uut,
            cycle: 0,
            vcd: None,
        };
        // Start from the reset state, as the reference model does: one
        // reset edge before the first traced cycle.
        sim.apply(&Inputs {
            reset: true,
            ..Inputs::default()
        })?;
        sim.tick()?;
        sim.cycle = 0;
        Ok(sim)
    }

    /// Stream a VCD of every signal to `path` (written to a temporary file
    /// and renamed into place by [`RtlSim::finish`]).
    pub fn trace_to(&mut self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create folder {}", dir.display()))?;
        }
        let tmp = ptu_tools::partial_path(path);
        let file =
            File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        let probe = write_vcd_header(BufWriter::new(file), self.uut.block());
        let probe = write_vcd_dump(probe, self.uut.block());
        self.vcd = Some(VcdStream {
            probe: Some(probe),
            tmp,
            path: path.to_path_buf(),
        });
        Ok(())
    }

    /// Number of clock edges so far.
    pub fn cycle(&self) -> u64 {
        self.cycle
    }

    fn settle(&mut self) -> Result<()> {
        if self.uut.settle(SETTLE_ITERATIONS) {
            Ok(())
        } else {
            Err(anyhow!(
                "the design did not settle within {SETTLE_ITERATIONS} iterations at cycle {}",
                self.cycle
            ))
        }
    }

    fn dump(&mut self, time: u64) -> Result<()> {
        if let Some(stream) = &mut self.vcd {
            let mut probe = stream.probe.take().expect("VCD stream in use");
            probe.timestamp(time).context("writing VCD")?;
            stream.probe = Some(write_vcd_change(probe, self.uut.block()));
        }
        Ok(())
    }

    /// Present the inputs of the current cycle (the clock is low) and
    /// settle the combinational logic.
    pub fn apply(&mut self, inp: &Inputs) -> Result<()> {
        self.uut.set_clock(false);
        self.uut.set_inputs(inp);
        self.settle()?;
        self.dump(self.cycle * CLOCK_PERIOD_PS + CLOCK_PERIOD_PS / 2)
    }

    /// The outputs in the current cycle (after [`RtlSim::apply`]).
    pub fn outputs(&self) -> Outputs {
        self.uut.outputs()
    }

    /// A rising clock edge with the inputs last applied.
    pub fn tick(&mut self) -> Result<()> {
        self.uut.set_clock(true);
        self.settle()?;
        self.cycle += 1;
        self.dump(self.cycle * CLOCK_PERIOD_PS)
    }

    /// Flush the VCD and move it into place. Returns its path, if traced.
    pub fn finish(mut self) -> Result<Option<PathBuf>> {
        if let Some(mut stream) = self.vcd.take() {
            // One more half period so the last edge is visible.
            let mut probe = stream.probe.take().expect("VCD stream in use");
            probe
                .timestamp(self.cycle * CLOCK_PERIOD_PS + CLOCK_PERIOD_PS / 2)
                .context("writing VCD")?;
            // Dropping the writer flushes the buffered file.
            drop(probe);
            std::fs::rename(&stream.tmp, &stream.path).with_context(|| {
                format!("cannot move VCD into place at {}", stream.path.display())
            })?;
            // The GTKWave save file beside it (groups, hex, translations).
            ptu_waveforms::write_gtkw(&stream.path)?;
            return Ok(Some(stream.path));
        }
        Ok(None)
    }
}
