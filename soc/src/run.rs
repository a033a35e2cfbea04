//! Running a program image on the rust-hdl SoC, one clock at a time (a
//! stepping loop: rust-hdl's threaded `Simulation` is too slow for
//! programs), until it stores to `tohost` or `max_cycles` pass.
//!
//! The outcome has the `tohost` verdict, the bytes the UART sent, the
//! cycles, the instructions retired and, for differential tests, one
//! [`Retired`] record per instruction the unit accepted with `retire`.

use crate::map::ToHost;
use crate::soc::{Soc, SocConfig};
use anyhow::{anyhow, bail, Context, Result};
use rust_hdl::core::vcd_probe::VCDProbe;
use rust_hdl::prelude::*;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Simulated time of one clock period in the VCD (picoseconds): 10 ns.
pub const CLOCK_PERIOD_PS: u64 = 10_000;

/// Most delta cycles allowed for the logic to settle.
const SETTLE_ITERATIONS: usize = 400;

/// One instruction that retired (the unit accepted its `retire`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retired {
    /// The cycle of its commit.
    pub cycle: u64,
    /// Its pc.
    pub pc: u64,
    /// The register it wrote (x2 and x4 included: the unit's rsp and
    /// gs_base) and the value, if it wrote one.
    pub rd: Option<(u8, u64)>,
    /// Its store: byte address, width in bytes, value (truncated to the
    /// width).
    pub store: Option<(u64, u8, u64)>,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The value stored to `tohost`, or `None` if `max_cycles` passed first.
    pub tohost: Option<u64>,
    /// The bytes the program sent to the UART.
    pub uart: Vec<u8>,
    /// Clock cycles simulated (after reset).
    pub cycles: u64,
    /// The unit shut down (a triple fault): nothing runs any more, so the
    /// run stopped there.
    pub shutdown: bool,
    /// Instructions retired (the core's `instret`).
    pub instret: u64,
    /// Instructions the core presented with `retire` whose edge the unit
    /// gave to an interrupt or NMI instead (they ran again later).
    pub dropped: u64,
    /// Every retired instruction, in order (if asked for).
    pub trace: Vec<Retired>,
}

impl Outcome {
    /// The verdict of the `tohost` store, if there was one.
    pub fn verdict(&self) -> Option<ToHost> {
        self.tohost.map(ToHost::decode)
    }

    /// The UART bytes as text (lossy).
    pub fn uart_text(&self) -> String {
        String::from_utf8_lossy(&self.uart).into_owned()
    }
}

/// How to run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Stop after this many cycles without a `tohost` store.
    pub max_cycles: u64,
    /// Raise the SoC's `nmi` input at these cycles (held high for 4).
    pub nmi_at: Vec<u64>,
    /// Record one [`Retired`] per retired instruction.
    pub trace: bool,
    /// Stream a VCD of every signal to this file.
    pub vcd: Option<PathBuf>,
}

/// The SoC, stepped one clock at a time (`SocSim<32>`: the RV32I SoC).
pub struct SocSim<const XLEN: usize = 64> {
    soc: Soc<XLEN>,
    cycle: u64,
    vcd: Option<(VCDProbe<BufWriter<File>>, PathBuf, PathBuf)>,
    /// Bytes sent to the UART so far.
    pub uart: Vec<u8>,
    /// Edges where `retire` was presented and the unit took an event.
    pub dropped: u64,
}

impl SocSim {
    /// Elaborate, check and reset the RV64I SoC for `cfg`.
    pub fn new(cfg: &SocConfig) -> Result<Self> {
        Self::with_xlen(cfg)
    }
}

impl<const XLEN: usize> SocSim<XLEN> {
    /// Elaborate, check and reset the SoC for `cfg`, whose `cpu.xlen`
    /// must be `XLEN`.
    pub fn with_xlen(cfg: &SocConfig) -> Result<Self> {
        let mut soc = Soc::<XLEN>::with_xlen(cfg)?;
        soc.connect_all();
        check_all(&soc).map_err(|e| anyhow!("rust-hdl design check of the SoC failed: {e:?}"))?;
        let mut sim = Self {
            soc,
            cycle: 0,
            vcd: None,
            uart: Vec::new(),
            dropped: 0,
        };
        sim.soc.reset.next = true;
        sim.half_cycle()?;
        sim.rise()?;
        sim.soc.reset.next = false;
        sim.cycle = 0;
        Ok(sim)
    }

    /// Stream a VCD of every signal to `path` (written beside it and moved
    /// into place by [`SocSim::finish`]).
    pub fn trace_to(&mut self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create folder {}", dir.display()))?;
        }
        let tmp = ptu_tools::partial_path(path);
        let file =
            File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        let probe = write_vcd_header(BufWriter::new(file), &self.soc);
        let probe = write_vcd_dump(probe, &self.soc);
        self.vcd = Some((probe, tmp, path.to_path_buf()));
        Ok(())
    }

    fn settle(&mut self) -> Result<()> {
        if simulate(&mut self.soc, SETTLE_ITERATIONS) {
            Ok(())
        } else {
            Err(anyhow!(
                "the SoC did not settle within {SETTLE_ITERATIONS} iterations at cycle {}",
                self.cycle
            ))
        }
    }

    fn dump(&mut self, time: u64) -> Result<()> {
        if let Some((probe, tmp, path)) = self.vcd.take() {
            let mut probe = probe;
            probe.timestamp(time).context("writing VCD")?;
            let probe = write_vcd_change(probe, &self.soc);
            self.vcd = Some((probe, tmp, path));
        }
        Ok(())
    }

    fn half_cycle(&mut self) -> Result<()> {
        self.soc.clock.next = Clock::from(false);
        self.settle()?;
        self.dump(self.cycle * CLOCK_PERIOD_PS + CLOCK_PERIOD_PS / 2)
    }

    fn rise(&mut self) -> Result<()> {
        self.soc.clock.next = Clock::from(true);
        self.settle()?;
        self.cycle += 1;
        self.dump(self.cycle * CLOCK_PERIOD_PS)
    }

    /// Set the `nmi` input for the next edges.
    pub fn set_nmi(&mut self, high: bool) {
        self.soc.nmi.next = high;
    }

    /// One clock: settle with the clock low, record what commits at this
    /// edge, raise the clock. Returns the retired instruction, if any.
    pub fn step(&mut self) -> Result<Option<Retired>> {
        self.half_cycle()?;
        let cpu = &self.soc.cpu;
        let retired = if cpu.commit.val() && !cpu.op_is_event() {
            let (rd, we, value) = cpu.trace_rd();
            Some(Retired {
                cycle: self.cycle,
                pc: cpu.trace_pc(),
                rd: we.then_some((rd, value)),
                store: cpu.trace_store(),
            })
        } else {
            None
        };
        if self.soc.uart.send.val() && !self.soc.uart.busy.val() {
            self.uart.push(self.soc.uart.data.val().to_u64() as u8);
        }
        let presented = self.soc.ptu.retire.val();
        self.rise()?;
        if presented && (self.soc.ptu.redirect.val() || self.soc.ptu.busy.val()) {
            self.dropped += 1;
        }
        Ok(retired)
    }

    /// Clock edges since reset.
    pub fn cycle(&self) -> u64 {
        self.cycle
    }

    /// The value stored to `tohost`, once there was a store.
    pub fn tohost(&self) -> Option<u64> {
        self.soc
            .tohost_valid
            .val()
            .then(|| self.soc.tohost.val().to_u64())
    }

    /// The unit is shut down (triple fault).
    pub fn shutdown(&self) -> bool {
        self.soc.ptu.shutdown.val()
    }

    /// Instructions retired.
    pub fn instret(&self) -> u64 {
        self.soc.cpu.instret()
    }

    /// The SoC (its unit's outputs, RAM, ...).
    pub fn soc(&self) -> &Soc<XLEN> {
        &self.soc
    }

    /// The unit's current level, rip, rsp and gs_base.
    pub fn unit(&self) -> (u8, u64, u64, u64) {
        let p = &self.soc.ptu;
        (
            p.cpl.val().to_u64() as u8,
            p.rip.val().to_u64(),
            p.rsp.val().to_u64(),
            p.gs_base.val().to_u64(),
        )
    }

    /// The unit's EVENT_INFO and EVENT_DATA.
    pub fn event(&self) -> (u64, u64) {
        let p = &self.soc.ptu;
        (p.event_info.val().to_u64(), p.event_data.val().to_u64())
    }

    /// Flush the VCD and move it into place. Returns its path, if traced.
    pub fn finish(mut self) -> Result<Option<PathBuf>> {
        if let Some((mut probe, tmp, path)) = self.vcd.take() {
            probe
                .timestamp(self.cycle * CLOCK_PERIOD_PS + CLOCK_PERIOD_PS / 2)
                .context("writing VCD")?;
            drop(probe);
            std::fs::rename(&tmp, &path)
                .with_context(|| format!("cannot move VCD into place at {}", path.display()))?;
            return Ok(Some(path));
        }
        Ok(None)
    }
}

/// Run `cfg`'s image until it stores to `tohost` or `opts.max_cycles`
/// pass (then the outcome's `tohost` is `None`).
/// The core is the one `cfg.cpu.xlen` says.
pub fn run(cfg: &SocConfig, opts: &RunOptions) -> Result<Outcome> {
    if opts.max_cycles == 0 {
        bail!("--max-cycles must be at least 1");
    }
    cfg.validate()?;
    match cfg.cpu.xlen {
        32 => run_on(SocSim::<32>::with_xlen(cfg)?, opts),
        _ => run_on(SocSim::<64>::with_xlen(cfg)?, opts),
    }
}

fn run_on<const XLEN: usize>(mut sim: SocSim<XLEN>, opts: &RunOptions) -> Result<Outcome> {
    if let Some(vcd) = &opts.vcd {
        sim.trace_to(vcd)?;
    }
    let mut trace = Vec::new();
    let mut tohost = None;
    while sim.cycle() < opts.max_cycles {
        let c = sim.cycle();
        let nmi = opts.nmi_at.iter().any(|&at| c >= at && c < at + 4);
        sim.set_nmi(nmi);
        let r = sim.step()?;
        if opts.trace {
            trace.extend(r);
        }
        if let Some(v) = sim.tohost() {
            tohost = Some(v);
            break;
        }
        if sim.shutdown() {
            break;
        }
    }
    let outcome = Outcome {
        tohost,
        uart: sim.uart.clone(),
        cycles: sim.cycle(),
        shutdown: sim.shutdown(),
        instret: sim.instret(),
        dropped: sim.dropped,
        trace,
    };
    sim.finish()?;
    Ok(outcome)
}
