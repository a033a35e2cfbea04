//! The rust-hdl SoC's run as the instruction-level model's trace: the
//! adapter the differential tests compare through ([`crate::iss::Trace`],
//! [`crate::iss::compare_traces`]) and the runner the kernel's measurement
//! reads ([`Record`]).
//!
//! # What the trace holds
//!
//! [`run_traced`] steps [`SocSim`] one clock at a time and writes one
//! [`Trace`] entry per retired instruction (run.rs's [`Retired`], with its
//! encoding read from RAM at the commit), per event the unit entered and
//! per ERET it completed, exactly as `iss.rs` ("The retire trace") defines
//! them. Events and ERETs are read off the unit's outputs, edge by edge:
//!
//! * An edge after which `redirect` is high and `busy` was low before it
//!   is an unframed crossing: into the kernel (CPL is 0 after it) an event,
//!   to user (CPL 3) an ERET.
//! * An edge after which `busy` rises starts a frame transfer; its first
//!   word tells a push (`mem_we`: an entry) from a pop (an ERET). The
//!   transfer ends at the edge after which `redirect` is high; a word
//!   answered with `mem_err` turns it into the #DF event it becomes.
//! * An event's `pc` is the unit's `rip` at the accepting edge (the
//!   instruction that faulted or did not run, or the `ecall`); its info and
//!   data are EVENT_INFO and EVENT_DATA once it completed. An ERET's `to`
//!   is `rip` after it.
//!
//! # Cycle stamps
//!
//! Each entry becomes a [`Record`] stamped, from the unit's side of the
//! interface, with the first cycle it owns:
//!
//! * an event or ERET: the cycle of the edge where the core presented it
//!   (`op_syscall`, `op_eret` or `exc_valid`: the core has fetched,
//!   decoded and executed the instruction), or for an interrupt or NMI the
//!   edge the unit took it at (`busy` or `redirect` after it), so that the
//!   next record's stamp minus its own is what the unit took: 1 cycle for
//!   an unframed crossing, 1 plus the frame words' bus cycles for a framed
//!   one;
//! * a retired instruction: the cycle after the previous record's last
//!   edge (the previous instruction's `retire` edge, or the edge that
//!   completed an event or ERET: the `redirect` cycle). Its span to the
//!   next retired instruction is then the core's cycles for it: 5, or 6
//!   with a memory access (one less for the first instruction after a
//!   framed crossing or a fault: the core waited in `Fetch` and fetches in
//!   the `redirect` cycle). The span to a crossing also holds the crossing
//!   instruction's fetch, decode and execute, or the cycles of the
//!   instruction an interrupt abandoned.
//!
//! `mem` counts the frame-bus words (`mem_valid && mem_ready`) of an event
//! or ERET.

use crate::iss::{Store, Trace};
use crate::program::Program;
use crate::run::{Retired, SocSim};
use crate::soc::SocConfig;
use anyhow::Result;

/// Run run.rs's [`Retired`] as the model's [`Trace::Retire`]: `insn` is
/// the instruction's encoding (read by the caller from RAM).
pub fn retire_entry(r: &Retired, insn: u32) -> Trace {
    Trace::Retire {
        pc: r.pc,
        insn,
        rd: r.rd.filter(|(reg, _)| *reg != 0),
        store: r
            .store
            .map(|(addr, size, value)| Store { addr, size, value }),
    }
}

/// Whether `branch` is `bne x<rd>, x0, -4`: the branch of a polling loop
/// whose load wrote `rd` (test.inc's `PUTC`: `1: lbu t1, 0(t0); bnez t1,
/// 1b`).
pub fn is_poll_branch(branch: u32, rd: u8) -> bool {
    branch & 0x7f == 0x63
        && (branch >> 12) & 7 == 1
        && (branch >> 15) & 31 == rd as u32
        && (branch >> 20) & 31 == 0
        && branch & 0xfe000f80 == 0xfe000e80
}

/// The trace without its UART polling loops: every retired load at `P`
/// followed by the retired `bne rd, x0, -4` at `P + 4` ([`is_poll_branch`])
/// goes, with the branch (the loop's last iteration too, which both
/// traces have: it read 0, so the register keeps the same value either
/// way). The model's transmitter is never busy (iss.rs), the RTL's is for
/// 10 bit times after each byte, so the RTL's loops run more times: the
/// traces of a program that prints compare equal only without them.
pub fn without_uart_polls(t: &[Trace]) -> Vec<Trace> {
    let mut out = Vec::with_capacity(t.len());
    let mut i = 0;
    while i < t.len() {
        if let (
            Trace::Retire {
                pc,
                insn,
                rd: Some((rd, _)),
                ..
            },
            Some(Trace::Retire {
                pc: next,
                insn: branch,
                ..
            }),
        ) = (t[i], t.get(i + 1))
        {
            if insn & 0x7f == 0x03 && *next == pc + 4 && is_poll_branch(*branch, rd) {
                i += 2;
                continue;
            }
        }
        out.push(t[i]);
        i += 1;
    }
    out
}

/// How a traced run is driven.
#[derive(Clone, Debug)]
pub struct TraceOptions {
    /// Stop after this many cycles without a `tohost` store.
    pub max_cycles: u64,
    /// Raise `nmi` at these cycles (ascending), held for
    /// [`TraceOptions::nmi_hold`] cycles.
    pub nmi_at: Vec<u64>,
    /// Cycles the `nmi` input stays high (the unit takes its rising edge).
    pub nmi_hold: u64,
}

impl Default for TraceOptions {
    fn default() -> Self {
        TraceOptions {
            max_cycles: 2_000_000,
            nmi_at: Vec::new(),
            nmi_hold: 4,
        }
    }
}

/// A traced run on the rust-hdl SoC.
#[derive(Clone, Debug)]
pub struct RtlRun {
    /// The value stored to `tohost`, if one was.
    pub tohost: Option<u64>,
    /// The unit shut down (triple fault).
    pub shutdown: bool,
    /// Bytes sent to the UART.
    pub uart: Vec<u8>,
    /// Clock cycles after reset.
    pub cycles: u64,
    /// Instructions retired (the core's `instret`).
    pub instret: u64,
    /// The trace, stamped (see the module's comment).
    pub records: Vec<Record>,
}

impl RtlRun {
    /// The trace without its stamps, for [`crate::iss::compare_traces`].
    pub fn trace(&self) -> Vec<Trace> {
        self.records.iter().map(|r| r.entry).collect()
    }

    /// The UART bytes as text (lossy).
    pub fn uart_text(&self) -> String {
        String::from_utf8_lossy(&self.uart).into_owned()
    }

    /// The `tohost` verdict, as the model's [`crate::iss::End`]
    /// (no store: [`crate::iss::End::Limit`]).
    pub fn end(&self) -> crate::iss::End {
        use crate::iss::End;
        match self.tohost {
            _ if self.shutdown => End::Shutdown,
            Some(v) => End::ToHost(crate::map::ToHost::decode(v)),
            None => End::Limit,
        }
    }
}

/// A frame transfer in progress.
struct Transfer {
    /// The accepting edge's cycle.
    start: u64,
    /// `rip` at the accepting edge.
    pc: u64,
    /// A push (an entry), told by its first word; `None` before the first
    /// word.
    push: Option<bool>,
    words: u32,
    error: bool,
}

/// The unit's registered outputs between two edges.
#[derive(Clone, Copy)]
struct Pins {
    cpl: u8,
    rip: u64,
    busy: bool,
    redirect: bool,
    mem_valid: bool,
    mem_ready: bool,
    mem_we: bool,
    mem_err: bool,
    /// The core presents `op_syscall`, `op_eret` or `exc_valid`.
    request: bool,
}

fn pins<const XLEN: usize>(sim: &SocSim<XLEN>) -> Pins {
    let p = &sim.soc().ptu;
    Pins {
        cpl: p.cpl.val().to_u64() as u8,
        // The pc as the core sees it (the low XLEN bits: see
        // iss::UnitPort).
        rip: p.rip.val().to_u64() & xlen_mask(XLEN),
        busy: p.busy.val(),
        redirect: p.redirect.val(),
        mem_valid: p.mem_valid.val(),
        mem_ready: p.mem_ready.val(),
        mem_we: p.mem_we.val(),
        mem_err: p.mem_err.val(),
        request: {
            let cpu = &sim.soc().cpu;
            cpu.op_syscall.val() | cpu.op_eret.val() | cpu.exc_valid.val()
        },
    }
}

/// The low `xlen` bits.
fn xlen_mask(xlen: usize) -> u64 {
    if xlen >= 64 {
        u64::MAX
    } else {
        (1u64 << xlen) - 1
    }
}

/// The 32-bit word of RAM at `pc` as the SoC holds it now.
fn insn_at<const XLEN: usize>(sim: &SocSim<XLEN>, pc: u64) -> u32 {
    let w = sim.soc().ram_word(pc & !7);
    (w >> (8 * (pc & 4))) as u32
}

/// Run `program` on the rust-hdl SoC (the configuration of
/// [`SocConfig::new`]) until it stores to `tohost`, the unit shuts down or
/// `opts.max_cycles` pass, tracing it (see the module's comment).
pub fn run_traced(program: &Program, opts: &TraceOptions) -> Result<RtlRun> {
    run_traced_with(&SocConfig::new(program.image.clone()), opts)
}

/// One entry of a trace, stamped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// The cycle at which this entry's instruction began.
    pub cycle: u64,
    /// Frame-bus words (reads or writes) the unit moved for it.
    pub mem: u32,
    pub entry: Trace,
}

/// [`run_traced`] on a given SoC configuration (its core the one
/// `cfg.cpu.xlen` says).
pub fn run_traced_with(cfg: &SocConfig, opts: &TraceOptions) -> Result<RtlRun> {
    cfg.validate()?;
    match cfg.cpu.xlen {
        32 => traced(SocSim::<32>::with_xlen(cfg)?, opts),
        _ => traced(SocSim::<64>::with_xlen(cfg)?, opts),
    }
}

fn traced<const XLEN: usize>(mut sim: SocSim<XLEN>, opts: &TraceOptions) -> Result<RtlRun> {
    let mut records = Vec::new();
    // The first cycle the next retired instruction owns.
    let mut begin = 0u64;
    let mut transfer: Option<Transfer> = None;
    // The edge where the core last presented an event or ERET: (cycle,
    // rip).
    let mut requested: Option<(u64, u64)> = None;
    let mut tohost = None;
    while sim.cycle() < opts.max_cycles {
        let c = sim.cycle();
        let nmi = opts
            .nmi_at
            .iter()
            .any(|&at| c >= at && c < at + opts.nmi_hold);
        sim.set_nmi(nmi);
        let before = pins(&sim);
        if let Some(t) = transfer.as_mut() {
            if before.mem_valid && before.mem_ready {
                t.push.get_or_insert(before.mem_we);
                t.words += 1;
                t.error |= before.mem_err;
            }
        }
        if before.request && !before.busy {
            requested = Some((c, before.rip));
        }
        let retired = sim.step()?;
        if let Some(r) = retired {
            requested = None;
            let insn = insn_at(&sim, r.pc);
            records.push(Record {
                cycle: begin,
                mem: 0,
                entry: retire_entry(&r, insn),
            });
            // Its retire edge was the one before this (commit) cycle.
            begin = c;
        }
        let after = pins(&sim);
        if !before.busy && after.busy {
            let (start, pc) = requested.take().unwrap_or((c, before.rip));
            transfer = Some(Transfer {
                start,
                pc,
                push: None,
                words: 0,
                error: false,
            });
        } else if after.redirect {
            let (event_info, event_data) = sim.event();
            let (start, pc, entry, words) = match transfer.take() {
                Some(t) => (t.start, t.pc, t.push != Some(false) || t.error, t.words),
                None => {
                    let (start, pc) = requested.take().unwrap_or((c, before.rip));
                    (start, pc, after.cpl == 0, 0)
                }
            };
            let entry = if entry {
                Trace::Event {
                    pc,
                    info: event_info,
                    data: event_data,
                }
            } else {
                Trace::Eret { pc, to: after.rip }
            };
            records.push(Record {
                cycle: start,
                mem: words,
                entry,
            });
            begin = c + 1;
        }
        if let Some(v) = sim.tohost() {
            tohost = Some(v);
            break;
        }
        if sim.shutdown() {
            break;
        }
    }
    let run = RtlRun {
        tohost,
        shutdown: sim.shutdown(),
        uart: sim.uart.clone(),
        cycles: sim.cycle(),
        instret: sim.instret(),
        records,
    };
    sim.finish()?;
    Ok(run)
}

/// What one random program did on both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RandomDiff {
    /// Trace entries compared (equal).
    pub entries: usize,
    /// The RTL's cycles.
    pub cycles: u64,
}

/// Run [`crate::random::random_program`]`(seed, len)` on the model and on
/// the rust-hdl SoC and compare their traces: an error names the seed and
/// the first entry that differs, or the run that did not pass.
pub fn random_diff(seed: u64, len: usize) -> Result<RandomDiff> {
    random_diff_xlen(seed, len, 64)
}

/// [`random_diff`] on the RV32I (`xlen` 32) or RV64I (64) model and SoC.
pub fn random_diff_xlen(seed: u64, len: usize, xlen: usize) -> Result<RandomDiff> {
    use crate::iss::{compare_traces, Config, End, Iss};
    use crate::map::ToHost;
    let p = crate::random::random_program_xlen(seed, len, xlen);
    let mut iss = Iss::with_xlen(&p, Config::default(), xlen)?;
    let out = iss.run();
    if out.end != End::ToHost(ToHost::Pass) {
        anyhow::bail!(
            "seed {seed}: the model ended with {:?}, not a pass",
            out.end
        );
    }
    let mut cfg = SocConfig::new(p.image.clone());
    cfg.cpu.xlen = xlen;
    let r = run_traced_with(&cfg, &TraceOptions::default())?;
    compare_traces(&iss.trace, &r.trace()).map_err(|e| anyhow::anyhow!("seed {seed}: {e}"))?;
    if r.end() != End::ToHost(ToHost::Pass) {
        anyhow::bail!("seed {seed}: the RTL ended with {:?}, not a pass", r.end());
    }
    Ok(RandomDiff {
        entries: iss.trace.len(),
        cycles: r.cycles,
    })
}
