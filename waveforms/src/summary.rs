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
    /// Frame words read and written: bus answers without `mem_err`.
    pub reads: u32,
    pub writes: u32,
    /// Lowest and highest frame address read or written.
    pub frame: Option<(u64, u64)>,
    /// A bus error: the address of the access that failed and whether it
    /// was a write (it is not counted in `reads`/`writes`).
    pub failed_at: Option<(u64, bool)>,
    /// It began before the window asked for (its first cycle is earlier);
    /// its counts still cover the whole transition.
    pub begun_before_window: bool,
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
                        // In hex, as the irq_vector row reads it.
                        format!("IRQ {:#x}", f.vector)
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
            Kind::BusError if self.failed_at.is_some_and(|(_, w)| w) => "push: bus error".into(),
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
            Kind::BusError => {
                let (addr, write) = self.failed_at.unwrap_or((0, self.writes > 0));
                let (doing, what) = if write {
                    ("pushing", "write")
                } else {
                    ("popping", "read")
                };
                let before = if self.reads + self.writes == 0 {
                    format!("the first {what}")
                } else {
                    format!("the {what} after {mem}{frame}")
                };
                write!(
                    f,
                    "{when:<16} bus error while {doing} the frame: {before} failed at {addr:x}; nothing committed"
                )
            }
            Kind::Reset => write!(f, "{when:<16} reset"),
            Kind::Shutdown => write!(f, "{when:<16} shutdown (triple fault)"),
        }?;
        if self.begun_before_window {
            write!(f, " (begun before the window)")?;
        }
        Ok(())
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

/// Most cycles looked back for the start of a transition that is in
/// progress when the window opens; one that began earlier still is
/// marked [`Transition::begun_before_window`], with what was seen of it.
pub const MAX_LOOKBACK: u64 = 1 << 16;

/// The cycle from which the ports must be read so that every transition
/// ending in the window starting at cycle `first` is seen whole: the last
/// cycle before `first` in which the unit was idle (neither `busy` nor in
/// `reset`). `busy` and `reset` are read backwards in growing steps, so a
/// window in a large file costs little more than the window.
pub fn scan_start(vcd: &Vcd, ptu: &str, clock: &Clock, first: u64) -> Result<u64> {
    let (Some(busy), Some(reset)) = (at(vcd, ptu, "busy"), at(vcd, ptu, "reset")) else {
        return Ok(first.saturating_sub(1));
    };
    let Some(t_first) = clock.edge(first) else {
        return Ok(first.saturating_sub(1));
    };
    let mut back = 8u64;
    loop {
        let from = first.saturating_sub(back);
        let t0 = clock.edge(from).unwrap_or(0);
        let traces = vcd.load(&[busy, reset], t0, t_first)?;
        for c in (from..first).rev() {
            let t = clock.edge(c + 1).unwrap_or(t_first);
            let high = |i: usize| traces[i].before(t).bit() == Some(true);
            if !high(0) && !high(1) {
                return Ok(c);
            }
        }
        if from == 0 || back >= MAX_LOOKBACK {
            return Ok(from);
        }
        back *= 8;
    }
}

/// The transitions whose cycles end in `first..=last` of `vcd`, whose
/// `ptu` instance is `ptu`, with `clock` its clock. One that began before
/// `first` is read from its start and marked
/// [`Transition::begun_before_window`].
pub fn transitions(
    vcd: &Vcd,
    ptu: &str,
    clock: &Clock,
    first: u64,
    last: u64,
) -> Result<Vec<Transition>> {
    let Some(vars) = port_vars(vcd, ptu) else {
        let missing = PORTS.iter().find(|p| at(vcd, ptu, p).is_none());
        bail!(
            "{}: the `ptu` instance {ptu} has no `{}` (optimised away?): the summary needs it; the terminal view, --svg and --write-gtkw show the signals that are there",
            vcd.path.display(),
            missing.unwrap_or(&"?")
        );
    };
    let from = scan_start(vcd, ptu, clock, first)?;
    let Some(t0) = clock.edge(from) else {
        bail!("{}: no clock edge {from}", vcd.path.display());
    };
    let t1 = clock.edge(last + 2).unwrap_or(vcd.end_time);
    let traces = vcd.load(&vars, t0, t1)?;
    Ok(from_traces(&traces, clock, from, first, last, vcd.end_time))
}

/// The port variables of [`PORTS`] of the `ptu` instance, if it has all.
pub fn port_vars(vcd: &Vcd, ptu: &str) -> Option<Vec<usize>> {
    PORTS.iter().map(|p| at(vcd, ptu, p)).collect()
}

/// The transitions whose cycles end in `first..=last`, from traces of
/// [`PORTS`] (in that order) that start at clock edge `from` (an idle
/// cycle at or before `first`, see [`scan_start`]) and end at least two
/// edges after `last`.
pub fn from_traces(
    traces: &[Trace],
    clock: &Clock,
    from: u64,
    first: u64,
    last: u64,
    end_time: u64,
) -> Vec<Transition> {
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
    let state = |kind: Kind, accepted: u64, completed: u64, c: u64| Transition {
        kind,
        accepted,
        completed,
        framed: false,
        reads: 0,
        writes: 0,
        frame: None,
        failed_at: None,
        begun_before_window: false,
        cpl_before: sample(cpl, accepted.saturating_sub(1)).unwrap_or(0),
        cpl_after: sample(cpl, c).unwrap_or(0),
        event_info: sample(info, c).unwrap_or(0),
        rip: sample(rip, c).unwrap_or(0),
        rsp: sample(rsp, c).unwrap_or(0),
    };

    let mut out = Vec::new();
    let mut seg_start: Option<u64> = None;
    let (mut reads, mut writes) = (0u32, 0u32);
    let mut frame: Option<(u64, u64)> = None;
    let mut in_reset: Option<u64> = None;
    // A transition ending in cycle `last` completes at edge `last + 1`;
    // the last edge of the file ends no cycle.
    let end = (last + 1).min(clock.count().saturating_sub(1)).max(from);
    for c in from..=end {
        let prev = c.saturating_sub(1);
        if bit(reset, c) {
            in_reset.get_or_insert(c + 1);
            seg_start = None;
            (reads, writes, frame) = (0, 0, None);
            continue;
        }
        if let Some(r) = in_reset.take() {
            let mut t = state(Kind::Reset, r, c, c);
            t.cpl_before = sample(cpl, prev).unwrap_or(0);
            out.push(t);
        }
        if c > from && bit(shutdown, c) && !bit(shutdown, prev) {
            let mut t = state(Kind::Shutdown, c, c, c);
            t.cpl_before = sample(cpl, prev).unwrap_or(0);
            (t.reads, t.writes, t.frame) = (reads, writes, frame);
            out.push(t);
        }
        if bit(redirect, c) {
            let framed = seg_start.is_some() && bit(busy, prev);
            let accepted = if framed { seg_start.unwrap_or(c) } else { c };
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
            let mut t = state(kind, accepted, c, c);
            if framed {
                (t.framed, t.reads, t.writes, t.frame) = (true, reads, writes, frame);
            }
            out.push(t);
            seg_start = None;
            (reads, writes, frame) = (0, 0, None);
        }
        if bit(busy, c) {
            let start = *seg_start.get_or_insert(c);
            if bit(mem_valid, c) && bit(mem_ready, c) {
                let a = sample(mem_addr, c).unwrap_or(0);
                if bit(mem_err, c) {
                    // The failed access moved nothing: it is not a read
                    // or write of the frame.
                    let mut t = state(Kind::BusError, start, c + 1, c);
                    (t.framed, t.reads, t.writes, t.frame) = (true, reads, writes, frame);
                    t.failed_at = Some((a, bit(mem_we, c)));
                    out.push(t);
                    // What follows (a #DF push) starts at the next edge.
                    seg_start = Some(c + 1);
                    (reads, writes, frame) = (0, 0, None);
                } else {
                    if bit(mem_we, c) {
                        writes += 1;
                    } else {
                        reads += 1;
                    }
                    frame = Some(frame.map_or((a, a), |(lo, hi)| (lo.min(a), hi.max(a))));
                }
            }
        } else {
            seg_start = None;
            (reads, writes, frame) = (0, 0, None);
        }
    }
    out.retain_mut(|t| {
        let (a, b) = t.cycle_range();
        t.begun_before_window = a < first;
        (first..=last).contains(&b)
    });
    out
}

/// The totals line of a summary: `2 entries (1 framed), 1 ERET (1
/// framed), 0 bus errors, 1 reset, 0 shutdowns`.
pub fn totals(ts: &[Transition]) -> String {
    let n = |k: Kind| ts.iter().filter(|t| t.kind == k).count();
    let framed = |k: Kind| ts.iter().filter(|t| t.kind == k && t.framed).count();
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{} ({} framed), {} ({} framed), {}, {}, {}",
        count(n(Kind::Entry), "entry", "entries"),
        framed(Kind::Entry),
        count(n(Kind::Eret), "ERET", "ERETs"),
        framed(Kind::Eret),
        count(n(Kind::BusError), "bus error", "bus errors"),
        count(n(Kind::Reset), "reset", "resets"),
        count(n(Kind::Shutdown), "shutdown", "shutdowns"),
    )
}

/// `ptu wave FILE --summary --json`: the transitions of a window as one
/// JSON object (read back by the same types):
///
/// ```text
/// { "file": "waveforms/nested-fault-rust-hdl.vcd", "ptu": "uut",
///   "first_cycle": 12, "last_cycle": 20,
///   "transitions": [
///     { "kind": "entry", "event": "EXCEPTION #UD", "start_cycle": 7,
///       "end_cycle": 12, "cycles": 6, "framed": true, "reads": 0,
///       "writes": 5, "frame": ["0x7fd8", "0x7ff8"], "failed_at": null,
///       "begun_before_window": true, "cpl_before": "kernel",
///       "cpl_after": "kernel", "rip": "0x1000", "rsp": "0x7fd8" }, ...],
///   "totals": { "entries": 1, "entries_framed": 1, "erets": 1,
///               "erets_framed": 1, "bus_errors": 0, "resets": 0,
///               "shutdowns": 0 } }
/// ```
///
/// `kind` is `entry`, `eret`, `bus_error`, `reset` or `shutdown`; `event`
/// is EVENT_INFO in words for entries and null otherwise; cycles are
/// numbered as in the text summary (`start_cycle` is the cycle whose
/// closing edge accepted it); addresses and register values are hex
/// strings (64-bit values do not fit a JSON number).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JsonSummary {
    pub file: String,
    pub ptu: String,
    pub first_cycle: u64,
    pub last_cycle: u64,
    pub transitions: Vec<JsonTransition>,
    pub totals: JsonTotals,
}

/// One transition of [`JsonSummary`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JsonTransition {
    pub kind: String,
    pub event: Option<String>,
    pub start_cycle: u64,
    pub end_cycle: u64,
    pub cycles: u64,
    pub framed: bool,
    pub reads: u32,
    pub writes: u32,
    pub frame: Option<(String, String)>,
    pub failed_at: Option<String>,
    pub begun_before_window: bool,
    pub cpl_before: String,
    pub cpl_after: String,
    pub rip: String,
    pub rsp: String,
}

/// The counts of [`JsonSummary`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JsonTotals {
    pub entries: usize,
    pub entries_framed: usize,
    pub erets: usize,
    pub erets_framed: usize,
    pub bus_errors: usize,
    pub resets: usize,
    pub shutdowns: usize,
}

impl Kind {
    /// The name of the kind in JSON.
    pub fn json_name(self) -> &'static str {
        match self {
            Kind::Entry => "entry",
            Kind::Eret => "eret",
            Kind::BusError => "bus_error",
            Kind::Reset => "reset",
            Kind::Shutdown => "shutdown",
        }
    }
}

impl From<&Transition> for JsonTransition {
    fn from(t: &Transition) -> Self {
        let (start_cycle, end_cycle) = t.cycle_range();
        let hex = |v: u64| format!("{v:#x}");
        JsonTransition {
            kind: t.kind.json_name().into(),
            event: (t.kind == Kind::Entry).then(|| event_info_text(t.event_info)),
            start_cycle,
            end_cycle,
            cycles: t.cycles(),
            framed: t.framed,
            reads: t.reads,
            writes: t.writes,
            frame: t.frame.map(|(lo, hi)| (hex(lo), hex(hi))),
            failed_at: t.failed_at.map(|(a, _)| hex(a)),
            begun_before_window: t.begun_before_window,
            cpl_before: level(t.cpl_before),
            cpl_after: level(t.cpl_after),
            rip: hex(t.rip),
            rsp: hex(t.rsp),
        }
    }
}

impl JsonSummary {
    /// The summary of `ts`, found in cycles `first..=last` of `file`.
    pub fn new(file: &str, ptu: &str, first: u64, last: u64, ts: &[Transition]) -> Self {
        let n = |k: Kind| ts.iter().filter(|t| t.kind == k).count();
        let framed = |k: Kind| ts.iter().filter(|t| t.kind == k && t.framed).count();
        JsonSummary {
            file: file.into(),
            ptu: ptu.into(),
            first_cycle: first,
            last_cycle: last,
            transitions: ts.iter().map(JsonTransition::from).collect(),
            totals: JsonTotals {
                entries: n(Kind::Entry),
                entries_framed: framed(Kind::Entry),
                erets: n(Kind::Eret),
                erets_framed: framed(Kind::Eret),
                bus_errors: n(Kind::BusError),
                resets: n(Kind::Reset),
                shutdowns: n(Kind::Shutdown),
            },
        }
    }
}
