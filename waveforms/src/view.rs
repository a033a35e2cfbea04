//! A window of a VCD: the chosen rows, their changes, the clock edges and
//! the transitions found in it. Shared by the terminal and SVG views.

use crate::names::{self, Group, Row};
use crate::reader::{Clock, Trace, Value, Vcd};
use crate::summary::{self, Transition};
use anyhow::{bail, Context, Result};
use std::path::Path;

/// One end of a window: a clock cycle, or a time in femtoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    Cycle(u64),
    TimeFs(u64),
}

impl std::str::FromStr for Bound {
    type Err = String;
    /// `12` is cycle 12; `120ns`, `1.5us`, `300ps` are times.
    fn from_str(s: &str) -> Result<Bound, String> {
        let t = s.trim().replace('_', "");
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let bad = || {
            format!("'{s}' is neither a cycle number (12) nor a time with a unit (120ns, 1.5us)")
        };
        if unit.is_empty() {
            return num.parse().map(Bound::Cycle).map_err(|_| bad());
        }
        let per: f64 = match unit.trim() {
            "fs" => 1.0,
            "ps" => 1e3,
            "ns" => 1e6,
            "us" => 1e9,
            "ms" => 1e12,
            "s" => 1e15,
            _ => return Err(bad()),
        };
        let v: f64 = num.parse().map_err(|_| bad())?;
        Ok(Bound::TimeFs((v * per).round() as u64))
    }
}

/// Most cycles a view draws when no window is given.
pub const DEFAULT_CYCLES: u64 = 200;

/// A window of a VCD, loaded.
pub struct View {
    pub vcd: Vcd,
    /// Scope of the `ptu` instance, if the file has one.
    pub ptu: Option<String>,
    pub clock: Option<Clock>,
    /// Window, in file time units.
    pub start: u64,
    pub end: u64,
    /// Cycles of the window (with a clock).
    pub cycles: Option<(u64, u64)>,
    pub groups: Vec<Group>,
    /// One trace per row, in the order of the groups.
    pub traces: Vec<Trace>,
    pub transitions: Vec<Transition>,
    /// The clock's trace over the window (edges of the picture).
    pub clock_trace: Option<Trace>,
    /// A note for the user (the window was narrowed).
    pub note: Option<String>,
}

/// What to show.
#[derive(Clone, Debug, Default)]
pub struct Choice {
    /// Signal names (default: the groups of the issue).
    pub signals: Vec<String>,
    pub from: Option<Bound>,
    pub to: Option<Bound>,
}

/// Least share of `ptu`'s ports (in percent) a scope must declare to be
/// taken for the unit when no scope declares all of its outputs.
pub const MIN_PORT_SHARE: usize = 60;

/// The scope of the `ptu` instance: the deepest scope declaring `clock`
/// and every output port ([`names::find_ptu`]); else, in files where some
/// ports were optimised away or renamed (a formal counterexample: yosys
/// flattens the unit and yosys-smtbmc dumps only the wires that survive,
/// under a wrapper that drives the same names), the scope declaring
/// `clock` and the most of `ptu`'s ports, at least [`MIN_PORT_SHARE`]
/// percent of them; on a tie the deeper one (the unit, not its wrapper).
pub fn find_unit(vcd: &Vcd) -> Option<String> {
    if let Some(p) = names::find_ptu(vcd) {
        return Some(p);
    }
    let mut count: std::collections::HashMap<&str, (usize, bool)> = Default::default();
    for v in &vcd.vars {
        if let Some((name, _, width)) = ptu_arch::PORTS.iter().find(|(n, _, _)| *n == v.name) {
            if *width as u32 == v.width {
                let e = count.entry(v.scope.as_str()).or_default();
                e.0 += 1;
                e.1 |= *name == "clock";
            }
        }
    }
    let depth = |s: &str| s.matches('.').count() + !s.is_empty() as usize;
    count
        .into_iter()
        .filter(|(_, (n, clock))| *clock && n * 100 >= ptu_arch::PORTS.len() * MIN_PORT_SHARE)
        .max_by_key(|(s, (n, _))| (*n, depth(s), std::cmp::Reverse(*s)))
        .map(|(s, _)| s.to_string())
}

/// The `ptu` instance ([`find_unit`]) and clock of an open file.
pub fn ptu_and_clock(vcd: &Vcd) -> Result<(Option<String>, Option<Clock>)> {
    let ptu = find_unit(vcd);
    let clock = match names::clock_var(vcd, ptu.as_deref()) {
        Some(c) => Some(vcd.clock(c)?),
        None => None,
    };
    Ok((ptu, clock))
}

/// A window resolved against a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    /// Start and end, in file time units.
    pub start: u64,
    pub end: u64,
    /// First and last cycle (with a clock).
    pub cycles: Option<(u64, u64)>,
    /// Said to the user when the window was narrowed.
    pub note: Option<String>,
}

/// The window `[from, to]`; without `to`, at most `max_default` cycles.
pub fn window(
    vcd: &Vcd,
    clock: Option<&Clock>,
    from: Option<Bound>,
    to: Option<Bound>,
    max_default: Option<u64>,
) -> Result<Window> {
    let file = vcd.path.display();
    let units = |fs: u64| fs / vcd.unit_fs;
    let show = |b: Option<Bound>| match b {
        Some(Bound::Cycle(c)) => format!("cycle {c}"),
        Some(Bound::TimeFs(t)) => format!("{} {}", units(t), "time units"),
        None => "the end".into(),
    };
    let Some(clock) = clock.filter(|c| c.count() > 0) else {
        if matches!(from, Some(Bound::Cycle(_))) || matches!(to, Some(Bound::Cycle(_))) {
            bail!("{file} has no clock to count cycles by: give --from/--to as times (e.g. 120ns)");
        }
        let start = from
            .map(|b| {
                if let Bound::TimeFs(t) = b {
                    units(t)
                } else {
                    0
                }
            })
            .unwrap_or(0);
        let end = to
            .map(|b| {
                if let Bound::TimeFs(t) = b {
                    units(t)
                } else {
                    0
                }
            })
            .unwrap_or(vcd.end_time)
            .min(vcd.end_time);
        if end <= start {
            bail!(
                "empty time window: from {start} to {end} (file time units; {file} ends at {})",
                vcd.end_time
            );
        }
        return Ok(Window {
            start,
            end,
            cycles: None,
            note: None,
        });
    };
    let n = clock.count();
    let last_cycle = n - 1;
    let first = match from {
        None => 0,
        Some(Bound::Cycle(c)) => c,
        Some(Bound::TimeFs(t)) => clock.cycle_at(units(t)).unwrap_or(0),
    };
    let mut note = None;
    let last = match to {
        Some(Bound::Cycle(c)) => c.min(last_cycle),
        Some(Bound::TimeFs(t)) => match clock.cycle_at(units(t)) {
            Some(c) => c.min(last_cycle),
            None => bail!(
                "empty time window: {} is before the first clock edge of {file}",
                show(to)
            ),
        },
        None => {
            let want = max_default
                .map(|m| first.saturating_add(m - 1))
                .unwrap_or(last_cycle);
            if want < last_cycle {
                note = Some(format!(
                    "showing cycles {first}..{want} of 0..{last_cycle}; choose others with --from/--to"
                ));
            }
            want.min(last_cycle)
        }
    };
    if first > last_cycle {
        bail!(
            "empty time window: {file} has cycles 0..{last_cycle}, and the window starts at {}",
            show(from)
        );
    }
    if last < first {
        bail!("empty time window: {} comes after {}", show(from), show(to));
    }
    let start = clock
        .edge(first)
        .context("no clock edge at the window start")?;
    let end = clock.edge(last + 1).unwrap_or(vcd.end_time).max(start);
    if end == start {
        bail!("empty time window: cycle {first} is the last edge of {file} and lasts no time");
    }
    Ok(Window {
        start,
        end,
        cycles: Some((first, last)),
        note,
    })
}

impl View {
    /// Open `path` and load the window and rows of `choice`.
    pub fn load(path: &Path, choice: &Choice, max_default: Option<u64>) -> Result<View> {
        let vcd = Vcd::open(path)?;
        let (ptu, clock) = ptu_and_clock(&vcd)?;
        let groups = if choice.signals.is_empty() {
            names::default_groups(&vcd, ptu.as_deref())
        } else {
            let mut rows = Vec::new();
            for s in &choice.signals {
                let var = names::resolve(&vcd, ptu.as_deref(), s)?;
                let v = &vcd.vars[var];
                rows.push(Row {
                    label: s.trim().to_string(),
                    var,
                    format: names::guess_format(&v.name, v.width),
                });
            }
            vec![Group { name: "", rows }]
        };
        let Window {
            start,
            end,
            cycles,
            note,
        } = window(&vcd, clock.as_ref(), choice.from, choice.to, max_default)?;
        let mut vars: Vec<usize> = groups
            .iter()
            .flat_map(|g| g.rows.iter().map(|r| r.var))
            .collect();
        let n_rows = vars.len();
        let clock_var = names::clock_var(&vcd, ptu.as_deref());
        if let Some(c) = clock_var {
            vars.push(c);
        }
        // The summary's ports, read in the same pass.
        let ports = match (&ptu, cycles) {
            (Some(p), Some(_)) => summary::port_vars(&vcd, p),
            _ => None,
        };
        let n_ports = ports.as_ref().map(|p| p.len()).unwrap_or(0);
        vars.extend(ports.iter().flatten());
        // Transitions in progress at the window start are read from their
        // start, and those ending in its last cycle complete one edge later.
        let (scan_from, load_start, load_end) = match (&clock, cycles, &ptu) {
            (Some(c), Some((a, b)), Some(p)) if ports.is_some() => {
                let from = summary::scan_start(&vcd, p, c, a)?;
                let t0 = c.edge(from).unwrap_or(start).min(start);
                (from, t0, c.edge(b + 2).unwrap_or(vcd.end_time).max(end))
            }
            _ => (0, start, end),
        };
        let mut traces = vcd.load(&vars, load_start, load_end)?;
        let port_traces = traces.split_off(traces.len() - n_ports);
        let clock_trace = clock_var.map(|_| traces.pop().expect("clock trace"));
        debug_assert_eq!(traces.len(), n_rows);
        let transitions = match (&clock, cycles) {
            (Some(c), Some((a, b))) if n_ports > 0 => {
                summary::from_traces(&port_traces, c, scan_from, a, b, vcd.end_time)
            }
            _ => Vec::new(),
        };
        Ok(View {
            vcd,
            ptu,
            clock,
            start,
            end,
            cycles,
            groups,
            traces,
            transitions,
            clock_trace,
            note,
        })
    }

    /// Rows with their traces, group by group.
    pub fn rows(&self) -> Vec<(&Group, Vec<(&Row, &Trace)>)> {
        let mut i = 0;
        self.groups
            .iter()
            .map(|g| {
                let rows = g
                    .rows
                    .iter()
                    .map(|r| {
                        let t = &self.traces[i];
                        i += 1;
                        (r, t)
                    })
                    .collect();
                (g, rows)
            })
            .collect()
    }

    /// Position of time `t` in cycles from the window start (fractional),
    /// or in clockless files in units of the window / 100.
    pub fn pos(&self, t: u64) -> f64 {
        match (&self.clock, self.cycles) {
            (Some(c), Some((first, _))) => {
                let n = c.cycle_at(t).unwrap_or(first);
                let e0 = c.edge(n).unwrap_or(self.start);
                let e1 = c.edge(n + 1).unwrap_or(self.end.max(e0 + 1));
                let frac = if e1 > e0 {
                    (t.saturating_sub(e0)) as f64 / (e1 - e0) as f64
                } else {
                    0.0
                };
                n as f64 - first as f64 + frac.min(1.0)
            }
            _ => (t - self.start) as f64 * 100.0 / (self.end - self.start).max(1) as f64,
        }
    }

    /// Width of the window in the units of [`View::pos`].
    pub fn span(&self) -> f64 {
        match self.cycles {
            Some((a, b)) => (b - a + 1) as f64,
            None => 100.0,
        }
    }

    /// The value of a trace during cycle `c` (just before its closing
    /// edge), or at the end of the window.
    pub fn sample<'a>(&self, trace: &'a Trace, c: u64) -> &'a Value {
        match self.clock.as_ref().and_then(|k| k.edge(c + 1)) {
            Some(t) if t <= self.end => trace.before(t),
            _ => trace.at(self.end),
        }
    }

    /// One line saying what is shown.
    pub fn title(&self) -> String {
        let file = self
            .vcd
            .path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let inst = self
            .ptu
            .as_ref()
            .map(|p| format!(", ptu instance `{p}`"))
            .unwrap_or_default();
        match self.cycles {
            Some((a, b)) => format!("{file}: cycles {a}..{b}{inst}"),
            None => format!("{file}: time {}..{}{inst}", self.start, self.end),
        }
    }
}
