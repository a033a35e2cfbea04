//! The privilege transitions of a waveform, found from the ports of `ptu`
//! alone (so any producer's VCD gives the same summary): entries and
//! ERETs, with their cycle counts and frame accesses, bus errors, resets
//! and shutdown.
//!
//! Each port is sampled once per cycle, just before the rising edge that
//! ends the cycle. A transition completes at the edge after which
//! `redirect` is high; it was accepted at that same edge when no frame
//! moved, else at the edge after which `busy` rose (SPEC, Timing: 1 cycle,
//! or 1 + 5 on a zero-wait bus).

use crate::names::{at, cpl_name, event_info_text};
use crate::reader::{Clock, Trace, Vcd};
use anyhow::{bail, Result};
use std::fmt;

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An event entered the kernel.
    Entry,
    /// ERET returned from a handler.
    Eret,
    /// A frame push or pop ended in `mem_err` (it commits nothing).
    BusError,
    /// `reset` was high.
    Reset,
    /// `shutdown` rose (triple fault).
    Shutdown,
}

/// One transition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    pub kind: Kind,
    /// The edge that accepted it (cycle numbers count rising edges).
    pub accepted: u64,
    /// The edge at which it completed; `redirect` is high in this cycle.
    pub completed: u64,
    /// A frame was pushed or popped.
    pub framed: bool,
    /// Frame words read and written (bus answers).
    pub reads: u32,
    pub writes: u32,
    /// Lowest and highest frame address accessed.
    pub frame: Option<(u64, u64)>,
    /// `cpl` before and after.
    pub cpl_before: u64,
    pub cpl_after: u64,
    /// `event_info`, `rip` and `rsp` after.
    pub event_info: u64,
    pub rip: u64,
    pub rsp: u64,
}

impl Transition {
    /// Cycles from the accepting edge to completion, both counted.
    pub fn cycles(&self) -> u64 {
        self.completed - self.accepted + 1
    }

    /// The cycles it spans: from the cycle whose closing edge accepted it
    /// (where the instruction or event was presented) to the cycle whose
    /// closing edge completed it.
    pub fn cycle_range(&self) -> (u64, u64) {
        (
            self.accepted.saturating_sub(1),
            self.completed.saturating_sub(1),
        )
    }

    /// A short name for markers: `entry SYSCALL`, `entry #PF: push 1+5`,
    /// `ERET: pop 1+5`, ...
    pub fn marker(&self) -> String {
        let frame = |what: &str| format!("{what} 1+{}", self.cycles() - 1);
        match self.kind {
            Kind::Entry => {
                let f = ptu_arch::event_info::unpack(self.event_info);
                let ev = match crate::names::vector_name(f.vector) {
                    Some(v) if f.ty == ptu_arch::event_type::HARDWARE_EXCEPTION => v.to_string(),
                    _ if f.ty == ptu_arch::event_type::EXTERNAL_INTERRUPT => {
                        format!("IRQ {}", f.vector)
                    }
                    _ => ptu_arch::event_type::name(f.ty).to_string(),
                };
                if self.framed {
                    format!("entry {ev}: {}", frame("push"))
                } else {
                    format!("entry {ev}")
                }
            }
            Kind::Eret if self.framed => format!("ERET: {}", frame("pop")),
            Kind::Eret => "ERET".into(),
            Kind::BusError if self.writes > 0 => "push: bus error".into(),
            Kind::BusError => "pop: bus error".into(),
            Kind::Reset => "reset".into(),
            Kind::Shutdown => "shutdown".into(),
        }
    }
}

fn level(v: u64) -> String {
    cpl_name(v)
        .map(str::to_string)
        .unwrap_or_else(|| format!("cpl {v}"))
}

impl fmt::Display for Transition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = self.cycle_range();
        let when = if a == b {
            format!("cycle {a:>5}")
        } else {
            format!("cycles {a:>4}..{b}")
        };
        let words = |n: u32, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let mem = match (self.reads, self.writes) {
            (0, 0) => "no memory access".to_string(),
            (r, 0) => words(r, "read"),
            (0, w) => words(w, "write"),
            (r, w) => format!("{}, {}", words(r, "read"), words(w, "write")),
        };
        let frame = self
            .frame
            .map(|(lo, hi)| format!(" at {lo:x}..{hi:x}"))
            .unwrap_or_default();
        let cycles = if self.framed {
            format!("{} cycles (1 + {})", self.cycles(), self.cycles() - 1)
        } else {
            format!(
                "{} cycle{}",
                self.cycles(),
                if self.cycles() == 1 { "" } else { "s" }
            )
        };
        match self.kind {
            Kind::Entry => write!(
                f,
                "{when:<16} entry  {:<34} {} -> kernel, {}, {mem}{frame}; rip {:x} rsp {:x}",
                event_info_text(self.event_info),
                level(self.cpl_before),
                if self.framed {
                    format!("framed, {cycles}")
                } else {
                    cycles
                },
                self.rip,
                self.rsp
            ),
            Kind::Eret => {
                write!(
                f,
                "{when:<16} ERET   {:<34} kernel -> {}, {cycles}, {mem}{frame}; rip {:x} rsp {:x}",
                if self.framed { "framed (pop)" } else { "unframed" },
                level(self.cpl_after),
                self.rip,
                self.rsp
            )
            }
            Kind::BusError => write!(
                f,
                "{when:<16} bus error while {} the frame after {mem}{frame}: nothing committed",
                if self.writes > 0 {
                    "pushing"
                } else {
                    "popping"
                }
            ),
            Kind::Reset => write!(f, "{when:<16} reset"),
            Kind::Shutdown => write!(f, "{when:<16} shutdown (triple fault)"),
        }
    }
}

/// Port signals the summary reads, relative to the `ptu` instance.
pub const PORTS: [&str; 13] = [
    "reset",
    "cpl",
    "redirect",
    "busy",
    "shutdown",
    "event_info",
    "rip",
    "rsp",
    "mem_valid",
    "mem_we",
    "mem_addr",
    "mem_ready",
    "mem_err",
];

/// The transitions in cycles `first..=last` of `vcd`, whose `ptu` instance
/// is `ptu`, with `clock` its clock.
pub fn transitions(
    vcd: &Vcd,
    ptu: &str,
    clock: &Clock,
    first: u64,
    last: u64,
) -> Result<Vec<Transition>> {
    let mut vars = Vec::new();
    for p in PORTS {
        match at(vcd, ptu, p) {
            Some(v) => vars.push(v),
            None => bail!(
                "{}: the `ptu` instance {ptu} has no `{p}`: the summary needs its ports",
                vcd.path.display()
            ),
        }
    }
    // One cycle of context before the window, to see what changed.
    let from = first.saturating_sub(1);
    let (Some(t0), end) = (clock.edge(from), clock.edge(last + 1)) else {
        bail!("{}: no clock edge {from}", vcd.path.display());
    };
    let t1 = end.unwrap_or(vcd.end_time);
    let traces = vcd.load(&vars, t0, t1)?;
    Ok(from_traces(&traces, clock, first, last, vcd.end_time))
}

/// The port variables of [`PORTS`] of the `ptu` instance, if it has all.
pub fn port_vars(vcd: &Vcd, ptu: &str) -> Option<Vec<usize>> {
    PORTS.iter().map(|p| at(vcd, ptu, p)).collect()
}

/// The transitions in cycles `first..=last` from traces of [`PORTS`] (in
/// that order) that start at least one cycle before `first`.
pub fn from_traces(
    traces: &[Trace],
    clock: &Clock,
    first: u64,
    last: u64,
    end_time: u64,
) -> Vec<Transition> {
    let from = first.saturating_sub(1);
    let sample = |i: usize, c: u64| -> Option<u64> {
        let t = clock.edge(c + 1);
        match t {
            Some(t) => traces[i].before(t).as_u64(),
            None => traces[i].at(end_time).as_u64(),
        }
    };
    let bit = |i: usize, c: u64| sample(i, c).unwrap_or(0) & 1 == 1;
    let (reset, cpl, redirect, busy, shutdown, info, rip, rsp) = (0, 1, 2, 3, 4, 5, 6, 7);
    let (mem_valid, mem_we, mem_addr, mem_ready, mem_err) = (8, 9, 10, 11, 12);

    let mut out = Vec::new();
    let mut seg_start: Option<u64> = None;
    let (mut reads, mut writes) = (0u32, 0u32);
    let mut frame: Option<(u64, u64)> = None;
    let mut in_reset: Option<u64> = None;
    for c in from..=last {
        let prev = c.saturating_sub(1);
        if bit(reset, c) {
            in_reset.get_or_insert(c + 1);
            seg_start = None;
            (reads, writes, frame) = (0, 0, None);
            continue;
        }
        if let Some(r) = in_reset.take() {
            if c >= first {
                out.push(Transition {
                    kind: Kind::Reset,
                    accepted: r.max(first),
                    completed: c,
                    framed: false,
                    reads: 0,
                    writes: 0,
                    frame: None,
                    cpl_before: sample(cpl, prev).unwrap_or(0),
                    cpl_after: sample(cpl, c).unwrap_or(0),
                    event_info: sample(info, c).unwrap_or(0),
                    rip: sample(rip, c).unwrap_or(0),
                    rsp: sample(rsp, c).unwrap_or(0),
                });
            }
        }
        if c > from && bit(shutdown, c) && !bit(shutdown, prev) {
            out.push(Transition {
                kind: Kind::Shutdown,
                accepted: c,
                completed: c,
                framed: false,
                reads,
                writes,
                frame,
                cpl_before: sample(cpl, prev).unwrap_or(0),
                cpl_after: sample(cpl, c).unwrap_or(0),
                event_info: sample(info, c).unwrap_or(0),
                rip: sample(rip, c).unwrap_or(0),
                rsp: sample(rsp, c).unwrap_or(0),
            });
        }
        if bit(redirect, c) && c >= first {
            let framed = seg_start.is_some() && bit(busy, prev);
            let accepted = if framed { seg_start.unwrap_or(c) } else { c };
            let before = sample(cpl, accepted.saturating_sub(1)).unwrap_or(0);
            let after = sample(cpl, c).unwrap_or(0);
            let kind = if framed {
                if writes > 0 {
                    Kind::Entry
                } else {
                    Kind::Eret
                }
            } else if after == ptu_arch::CPL_KERNEL as u64 {
                Kind::Entry
            } else {
                Kind::Eret
            };
            out.push(Transition {
                kind,
                accepted,
                completed: c,
                framed,
                reads: if framed { reads } else { 0 },
                writes: if framed { writes } else { 0 },
                frame: if framed { frame } else { None },
                cpl_before: before,
                cpl_after: after,
                event_info: sample(info, c).unwrap_or(0),
                rip: sample(rip, c).unwrap_or(0),
                rsp: sample(rsp, c).unwrap_or(0),
            });
            seg_start = None;
            (reads, writes, frame) = (0, 0, None);
        }
        if bit(busy, c) {
            let start = *seg_start.get_or_insert(c);
            if bit(mem_valid, c) && bit(mem_ready, c) {
                if bit(mem_we, c) {
                    writes += 1;
                } else {
                    reads += 1;
                }
                let a = sample(mem_addr, c).unwrap_or(0);
                frame = Some(frame.map_or((a, a), |(lo, hi)| (lo.min(a), hi.max(a))));
                if bit(mem_err, c) {
                    if c + 1 >= first {
                        out.push(Transition {
                            kind: Kind::BusError,
                            accepted: start,
                            completed: c + 1,
                            framed: true,
                            reads,
                            writes,
                            frame,
                            cpl_before: sample(cpl, start.saturating_sub(1)).unwrap_or(0),
                            cpl_after: sample(cpl, c).unwrap_or(0),
                            event_info: sample(info, c).unwrap_or(0),
                            rip: sample(rip, c).unwrap_or(0),
                            rsp: sample(rsp, c).unwrap_or(0),
                        });
                    }
                    // What follows (a #DF push) starts at the next edge.
                    seg_start = Some(c + 1);
                    (reads, writes, frame) = (0, 0, None);
                }
            }
        } else {
            seg_start = None;
            (reads, writes, frame) = (0, 0, None);
        }
    }
    out
}
