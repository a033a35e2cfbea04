//! Stepping the rust-hdl design of `Ptu` cycle by cycle, in one thread.
//!
//! rust-hdl's `Simulation` runs every testbench in its own thread and is
//! slow for long runs; here the block is stepped directly: set the inputs,
//! settle, raise the clock, settle. A VCD of the whole hierarchy (ports
//! and every internal register) can be streamed to a file while it runs.
//!
//! [`RtlSim`] holds the unit of its configuration's width, `Ptu<64>` or
//! `Ptu<32>`; its inputs and outputs are the width-free
//! `Inputs`/`Outputs`, the XLEN-wide inputs cut to XLEN bits as the
//! reference model cuts them.

use anyhow::{anyhow, Context, Result};
use ptu_arch::{Inputs, Outputs, PtuConfig};
use ptu_rtl::Ptu;
use rust_hdl::core::vcd_probe::VCDProbe;
use rust_hdl::prelude::*;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Simulated time of one clock period, in VCD units (picoseconds): 10 ns.
pub const CLOCK_PERIOD_PS: u64 = 10_000;

/// Most delta cycles allowed for the logic to settle.
const SETTLE_ITERATIONS: usize = 200;

/// The rust-hdl `Ptu` of one configuration, stepped one clock at a time.
pub struct RtlSim {
    uut: Unit,
    /// The values an XLEN-wide input can carry.
    mask: u64,
    cycle: u64,
    vcd: Option<VcdStream>,
}

/// The unit of either width.
enum Unit {
    W64(Box<Ptu<64>>),
    W32(Box<Ptu<32>>),
}

/// `$body` with `$u` bound to the unit (`&mut Ptu<XLEN>`) whatever its width.
macro_rules! on_unit {
    ($unit:expr, $u:ident => $body:expr) => {
        match $unit {
            Unit::W64($u) => $body,
            Unit::W32($u) => $body,
        }
    };
}

/// Elaborate and check the unit for `cfg`.
fn elaborate<const XLEN: usize>(cfg: &PtuConfig) -> Result<Box<Ptu<XLEN>>> {
    let mut uut = Box::new(Ptu::<XLEN>::for_config(cfg)?);
    uut.connect_all();
    check_all(&*uut).map_err(|e| anyhow!("rust-hdl design check failed: {e:?}"))?;
    Ok(uut)
}

struct VcdStream {
    probe: Option<VCDProbe<BufWriter<File>>>,
    tmp: PathBuf,
    path: PathBuf,
}

impl RtlSim {
    /// Elaborate and check the design for `cfg`, and reset it.
    pub fn new(cfg: &PtuConfig) -> Result<Self> {
        let uut = match cfg.xlen {
            64 => Unit::W64(elaborate::<64>(cfg)?),
            32 => Unit::W32(elaborate::<32>(cfg)?),
            x => return Err(anyhow!("xlen = {x} is not allowed: write 32 or 64")),
        };
        let mut sim = Self {
            uut,
            mask: cfg.xlen_mask(),
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
        let tmp = path.with_extension("vcd.partial");
        let file =
            File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        let probe = on_unit!(&self.uut, u => {
            let probe = write_vcd_header(BufWriter::new(file), &**u);
            write_vcd_dump(probe, &**u)
        });
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
        if on_unit!(&mut self.uut, u => simulate(&mut **u, SETTLE_ITERATIONS)) {
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
            stream.probe = Some(on_unit!(&self.uut, u => write_vcd_change(probe, &**u)));
        }
        Ok(())
    }

    /// Present the inputs of the current cycle (the clock is low) and
    /// settle the combinational logic.
    pub fn apply(&mut self, inp: &Inputs) -> Result<()> {
        let mask = self.mask;
        on_unit!(&mut self.uut, u => set_inputs(u, inp, mask));
        self.settle()?;
        self.dump(self.cycle * CLOCK_PERIOD_PS + CLOCK_PERIOD_PS / 2)
    }

    /// The outputs in the current cycle (after [`RtlSim::apply`]).
    pub fn outputs(&self) -> Outputs {
        on_unit!(&self.uut, u => outputs_of(u))
    }

    /// A rising clock edge with the inputs last applied.
    pub fn tick(&mut self) -> Result<()> {
        on_unit!(&mut self.uut, u => u.clock.next = Clock::from(true));
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

/// Present `inp` to the unit with the clock low, XLEN-wide values cut by
/// `mask`.
fn set_inputs<const XLEN: usize>(u: &mut Ptu<XLEN>, inp: &Inputs, mask: u64) {
    u.clock.next = Clock::from(false);
    u.reset.next = inp.reset;
    u.retire.next = inp.retire;
    u.next_rip.next = (inp.next_rip & mask).into();
    u.rsp_we.next = inp.rsp_we;
    u.rsp_wdata.next = (inp.rsp_wdata & mask).into();
    u.gs_we.next = inp.gs_we;
    u.gs_wdata.next = (inp.gs_wdata & mask).into();
    u.op_syscall.next = inp.op_syscall;
    u.op_eret.next = inp.op_eret;
    u.csr_re.next = inp.csr_re;
    u.csr_we.next = inp.csr_we;
    u.csr_addr.next = (inp.csr_addr as u64).into();
    u.csr_wdata.next = (inp.csr_wdata & mask).into();
    u.exc_valid.next = inp.exc_valid;
    u.exc_vector.next = (inp.exc_vector as u64).into();
    u.exc_error.next = (inp.exc_error as u64).into();
    u.exc_error_valid.next = inp.exc_error_valid;
    u.exc_data.next = (inp.exc_data & mask).into();
    u.irq.next = inp.irq;
    u.irq_vector.next = (inp.irq_vector as u64).into();
    u.nmi.next = inp.nmi;
    u.mce.next = inp.mce;
    u.mem_ready.next = inp.mem_ready;
    u.mem_rdata.next = (inp.mem_rdata & mask).into();
    u.mem_err.next = inp.mem_err;
}

/// The unit's outputs in the current cycle.
fn outputs_of<const XLEN: usize>(u: &Ptu<XLEN>) -> Outputs {
    Outputs {
        cpl: u.cpl.val().to_u64() as u8,
        rip: u.rip.val().to_u64(),
        rsp: u.rsp.val().to_u64(),
        gs_base: u.gs_base.val().to_u64(),
        csr_rdata: u.csr_rdata.val().to_u64(),
        irq_ack: u.irq_ack.val(),
        redirect: u.redirect.val(),
        busy: u.busy.val(),
        event_info: u.event_info.val().to_u64(),
        event_data: u.event_data.val().to_u64(),
        mem_valid: u.mem_valid.val(),
        mem_we: u.mem_we.val(),
        mem_addr: u.mem_addr.val().to_u64(),
        mem_wdata: u.mem_wdata.val().to_u64(),
        shutdown: u.shutdown.val(),
        // The generated unit has no `fs_bank` yet.
        fs_base: 0,
    }
}
