//! Which register inputs settle late in a placed run: the unit's
//! registers, and its output ports, whose values arrive after a period.
//!
//! nextpnr's `--detailed-timing-report` lists, for every register input
//! (an *endpoint*: a flip-flop's data, enable or reset pin), the time
//! after the clock edge at which its value arrives (the latest over every
//! path into it, without the capturing register's setup time). Grouped by
//! register (a 64-bit register is 64 endpoints of one group) this says
//! where a design misses a clock, all of it at once, where the critical
//! path says only its worst path. The wrapper's output shift register
//! (`out_sr`) stands for the unit's output ports: its bit `i` loads output
//! bit `i`, so its late bits are named by the port they carry. The
//! wrapper's input shift register and serial output are left out, and so
//! are paths from or to a pin (nextpnr's `<async>`). On the iCE40 an
//! endpoint is a logic cell named after its LUT; the synthesised netlist
//! says which flip-flop that LUT feeds ([`Cells`]).

use super::{cell_name, output_port, Ports};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// The arrival times at the inputs of one register (one pin of each of
/// its bits) or at one output port of the unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrivals {
    /// `unit.<block>.<register>`, as nextpnr names the register's cells,
    /// or `output <port>` for an output port of the unit.
    pub name: String,
    /// The pin: nextpnr's name on the ECP5 (`CE`, `DI`, `M`, `LSR`); on
    /// the iCE40 `D` for a logic cell's LUT inputs, `CE`, `SR`; empty for
    /// an output port.
    pub pin: String,
    /// The latest arrival at each bit, in ns after the clock edge.
    pub ns: Vec<f64>,
}

/// What the synthesised netlist (Yosys JSON) says of the cells nextpnr
/// names: which flip-flops are the wrapper's output register (by bit),
/// and which flip-flop each LUT feeds. nextpnr's iCE40 packer puts a LUT
/// and the flip-flop it feeds into one logic cell named after the LUT
/// (`<lut>_LC`; a flip-flop alone `<ff>_DFFLC`), so there an endpoint is
/// found through its LUT.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cells {
    /// The cells of the wrapper's `out_sr`, with the bit each one holds.
    pub out_bits: HashMap<String, usize>,
    /// LUT cell -> the flip-flop whose data input it drives (cell names
    /// as nextpnr has them: an instance's cells prefixed `instance.`).
    pub feeds: HashMap<String, String>,
}

impl Cells {
    /// The cells of `top` and of the modules it instantiates.
    pub fn from_netlist(netlist: &Value, top: &str) -> Cells {
        let mut w = Walk::default();
        w.module(netlist, top, "", &HashMap::new(), true);
        let mut cells = Cells {
            out_bits: w.out_bits,
            feeds: HashMap::new(),
        };
        for (lut, o) in w.lut_out {
            if let Some(ff) = w.ff_by_d.get(&o) {
                cells.feeds.insert(lut, ff.clone());
            }
        }
        cells
    }
}

/// The netlist read across its hierarchy: every net bit as one number for
/// the whole design (a module's port bits are its instance's nets).
#[derive(Default)]
struct Walk {
    out_bits: HashMap<String, usize>,
    /// Flip-flops by the net on their data input.
    ff_by_d: HashMap<i64, String>,
    /// LUTs and the net on their output.
    lut_out: Vec<(String, i64)>,
    /// Numbers given to nets inside instances so far.
    next: i64,
}

impl Walk {
    /// Walks `module` (its cells named `prefix<cell>`), whose port bits
    /// are the design's nets `ports` (empty for the top).
    fn module(
        &mut self,
        netlist: &Value,
        module: &str,
        prefix: &str,
        ports: &HashMap<i64, i64>,
        top: bool,
    ) {
        let Some(m) = netlist.get("modules").and_then(|m| m.get(module)) else {
            return;
        };
        // Inside an instance, a net that is not a port gets a new number.
        let base = if top { 0 } else { 1 << 40 };
        let offset = self.next;
        self.next += 1 << 24;
        let global = |b: i64| -> i64 {
            match ports.get(&b) {
                Some(g) => *g,
                None if top => b,
                None => base + offset + b,
            }
        };
        let bits_of = |c: &Value, port: &str| -> Vec<i64> {
            net_bits(c.get("connections").and_then(|x| x.get(port)))
        };
        let mut out_sr: HashMap<i64, usize> = HashMap::new();
        if top {
            let bits = m
                .get("netnames")
                .and_then(|n| n.get("out_sr"))
                .and_then(|n| n.get("bits"))
                .and_then(Value::as_array);
            for (i, b) in bits.into_iter().flatten().enumerate() {
                if let Some(b) = b.as_i64() {
                    out_sr.insert(b, i);
                }
            }
        }
        let Some(list) = m.get("cells").and_then(Value::as_object) else {
            return;
        };
        for (name, c) in list {
            let ty = c.get("type").and_then(Value::as_str).unwrap_or("");
            let full = format!("{prefix}{name}");
            if ty.starts_with("SB_DFF") || ty == "TRELLIS_FF" {
                if let Some(i) = bits_of(c, "Q").first().and_then(|q| out_sr.get(q)) {
                    self.out_bits.insert(full.clone(), *i);
                }
                let d = bits_of(c, "D");
                let d = if d.is_empty() { bits_of(c, "DI") } else { d };
                if let Some(&d) = d.first() {
                    self.ff_by_d.insert(global(d), full);
                }
            } else if ty == "SB_LUT4" {
                if let Some(&o) = bits_of(c, "O").first() {
                    self.lut_out.push((full, global(o)));
                }
            } else if let Some(child) = netlist.get("modules").and_then(|m| m.get(ty)) {
                // The child's port bits are this instance's nets.
                let mut map = HashMap::new();
                let child_ports = child.get("ports").and_then(Value::as_object);
                for (port, p) in child_ports.into_iter().flatten() {
                    let inner = net_bits(p.get("bits"));
                    for (a, b) in inner.iter().zip(bits_of(c, port)) {
                        map.insert(*a, global(b));
                    }
                }
                self.module(netlist, ty, &format!("{full}."), &map, false);
            }
        }
    }
}

/// The net numbers of a Yosys JSON bit list (`[12, 13, "0"]`: constants
/// are left out).
fn net_bits(list: Option<&Value>) -> Vec<i64> {
    list.and_then(Value::as_array)
        .map(|v| v.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

/// nextpnr's name of an endpoint's pin, as one name per register input:
/// an iCE40 logic cell's LUT inputs are its flip-flop's data.
fn pin_name(pin: &str, through_lut: bool) -> String {
    match pin {
        "I0" | "I1" | "I2" | "I3" if through_lut => "D".into(),
        "CEN" => "CE".into(),
        p => p.into(),
    }
}

/// The arrivals of a nextpnr report (`--report` with
/// `--detailed-timing-report`), grouped by register and pin, and by the
/// unit's output port for the wrapper's output register ([`Cells`]).
/// Empty if the report has no detailed timing.
pub fn arrivals(report: &Value, cells: &Cells, ports: &Ports) -> Vec<Arrivals> {
    // Latest arrival per endpoint (cell, pin): an endpoint is listed once
    // per clock pair.
    let mut at: BTreeMap<(String, String), f64> = BTreeMap::new();
    let nets = report
        .get("detailed_net_timings")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for net in nets {
        let launch = net.get("event").and_then(Value::as_str).unwrap_or("");
        if launch.contains("async") {
            continue;
        }
        for e in net
            .get("endpoints")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let field = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            if field("event").contains("async") {
                continue;
            }
            let ns = match e.get("delay") {
                Some(Value::Array(d)) => {
                    d.iter().filter_map(Value::as_f64).fold(f64::NAN, f64::max)
                }
                Some(d) => d.as_f64().unwrap_or(f64::NAN),
                None => f64::NAN,
            };
            if ns.is_nan() {
                continue;
            }
            let slot = at.entry((field("cell"), field("port"))).or_insert(ns);
            *slot = slot.max(ns);
        }
    }
    // Latest arrival per register bit and input: an iCE40 logic cell's
    // LUT inputs are one data input of its flip-flop.
    let mut bits: BTreeMap<((String, String), String), f64> = BTreeMap::new();
    for ((cell, pin), ns) in at {
        let packed = cell
            .strip_suffix("_DFFLC")
            .or_else(|| cell.strip_suffix("_LC"))
            .unwrap_or(&cell);
        let (ff, through_lut) = match cells.feeds.get(packed) {
            Some(ff) => (ff.as_str(), true),
            None => (packed, false),
        };
        let key = match cells.out_bits.get(ff) {
            Some(&i) => match output_port(ports, i) {
                Some(p) => (format!("output {p}"), String::new()),
                None => continue,
            },
            None => {
                let name = cell_name(ff);
                if !name.starts_with("unit.") {
                    // The wrapper's own shift registers.
                    continue;
                }
                (name, pin_name(&pin, through_lut))
            }
        };
        let slot = bits.entry((key, ff.to_string())).or_insert(ns);
        *slot = slot.max(ns);
    }
    let mut groups: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for ((key, _), ns) in bits {
        groups.entry(key).or_default().push(ns);
    }
    groups
        .into_iter()
        .map(|((name, pin), ns)| Arrivals { name, pin, ns })
        .collect()
}

/// A late group: the group, how many of its bits are late, its latest
/// arrival.
pub type Late<'a> = (&'a Arrivals, usize, f64);

/// The groups late for `period_ns` with their count of late bits and
/// latest arrival, latest first.
pub fn late(groups: &[Arrivals], period_ns: f64) -> Vec<Late<'_>> {
    let mut v: Vec<Late<'_>> = groups
        .iter()
        .filter_map(|g| {
            let n = g.ns.iter().filter(|&&t| t > period_ns).count();
            let worst = g.ns.iter().copied().fold(f64::MIN, f64::max);
            (n > 0).then_some((g, n, worst))
        })
        .collect();
    v.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.name.cmp(&b.0.name)));
    v
}

/// The first `max` of `late` ([`late`]) as JSON rows: name, pin, how
/// many of its bits are late, of how many, and the latest arrival.
pub fn rows_json(late: &[Late<'_>], max: usize) -> Vec<Value> {
    late.iter()
        .take(max)
        .map(|(g, n, worst)| {
            json!({
                "register": g.name,
                "pin": g.pin,
                "bits_late": n,
                "bits": g.ns.len(),
                "latest_ns": (worst * 100.0).round() / 100.0,
            })
        })
        .collect()
}

/// The first `max` of `late` as lines: `unit.rename_bank.kernel_rip CE:
/// 39 of 64 bits, up to 7.32 ns`.
pub fn rows_text(late: &[Late<'_>], max: usize) -> Vec<String> {
    late.iter()
        .take(max)
        .map(|(g, n, worst)| {
            let pin = if g.pin.is_empty() {
                String::new()
            } else {
                format!(" {}", g.pin)
            };
            format!(
                "{}{pin}: {n} of {} bits, up to {worst:.2} ns",
                g.name,
                g.ns.len()
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptu_arch::PtuConfig;

    /// The groups late for `period_ns`, at most `max`, as JSON rows
    /// ([`rows_json`]).
    fn late_json(groups: &[Arrivals], period_ns: f64, max: usize) -> Vec<Value> {
        rows_json(&late(groups, period_ns), max)
    }

    /// The groups late for `period_ns`, at most `max`, as lines
    /// ([`rows_text`]).
    fn late_lines(groups: &[Arrivals], period_ns: f64, max: usize) -> Vec<String> {
        rows_text(&late(groups, period_ns), max)
    }

    /// A report in nextpnr's shape: two bits of the kernel RIP's enable,
    /// one output bit, an input-shift-register bit and a path from a pin.
    fn report() -> Value {
        serde_json::from_str(
            r#"{"detailed_net_timings": [
              {"net": "en", "event": "posedge clk", "endpoints": [
                {"cell": "unit.rename_bank.kernel_rip_TRELLIS_FF_Q", "port": "CE", "event": "posedge clk", "delay": [1.0, 7.3]},
                {"cell": "unit.rename_bank.kernel_rip_TRELLIS_FF_Q_1", "port": "CE", "event": "posedge clk", "delay": [1.0, 6.1]},
                {"cell": "unit.rename_bank.kernel_rip_TRELLIS_FF_Q", "port": "CE", "event": "posedge clk", "delay": [1.0, 7.0]}]},
              {"net": "rd", "event": "posedge clk", "endpoints": [
                {"cell": "out_sr_TRELLIS_FF_Q_7", "port": "DI", "event": "posedge clk", "delay": [2.0, 7.9]},
                {"cell": "in_sr_TRELLIS_FF_Q_3", "port": "M", "event": "posedge clk", "delay": [0.5, 9.0]}]},
              {"net": "load$TRELLIS_IO_IN", "event": "<async>", "endpoints": [
                {"cell": "out_sr_TRELLIS_FF_Q_7", "port": "DI", "event": "posedge clk", "delay": [4.0, 9.5]}]}
            ]}"#,
        )
        .unwrap()
    }

    fn cells() -> Cells {
        // out_sr bit 200 carries csr_rdata (its bits are 194..257).
        Cells {
            out_bits: HashMap::from([("out_sr_TRELLIS_FF_Q_7".to_string(), 200)]),
            feeds: HashMap::new(),
        }
    }

    #[test]
    fn arrivals_are_grouped_by_register_and_output_port() {
        let ports = PtuConfig::default().ports();
        let g = arrivals(&report(), &cells(), &ports);
        assert_eq!(g.len(), 2, "{g:?}");
        let rip = g
            .iter()
            .find(|a| a.name == "unit.rename_bank.kernel_rip")
            .unwrap();
        assert_eq!(rip.pin, "CE");
        // The latest of an endpoint's entries, one per endpoint.
        let mut ns = rip.ns.clone();
        ns.sort_by(f64::total_cmp);
        assert_eq!(ns, vec![6.1, 7.3]);
        let out = g.iter().find(|a| a.name == "output csr_rdata").unwrap();
        // The path from the `load` pin is not counted.
        assert_eq!(out.ns, vec![7.9]);
    }

    #[test]
    fn late_groups_are_those_past_the_period_latest_first() {
        let ports = PtuConfig::default().ports();
        let g = arrivals(&report(), &cells(), &ports);
        assert_eq!(
            late_lines(&g, 6.67, 10),
            vec![
                "output csr_rdata: 1 of 1 bits, up to 7.90 ns",
                "unit.rename_bank.kernel_rip CE: 1 of 2 bits, up to 7.30 ns"
            ]
        );
        assert_eq!(late_lines(&g, 7.5, 10).len(), 1);
        assert!(late_lines(&g, 8.0, 10).is_empty());
        let j = late_json(&g, 6.67, 1);
        assert_eq!(j.len(), 1);
        assert_eq!(j[0]["register"], "output csr_rdata");
        assert_eq!(j[0]["bits_late"], 1);
    }

    #[test]
    fn the_netlist_names_the_output_register_and_what_each_lut_feeds() {
        // An iCE40 netlist: out_sr bit 2 is loaded through a LUT; the
        // unit's register `unit.acc` through another.
        let netlist: Value = serde_json::from_str(
            r#"{"modules": {
              "ptu_bench": {
                "netnames": {"out_sr": {"bits": [10, 11, 12]}},
                "cells": {
                  "out_sr_SB_DFF_Q": {"type": "SB_DFF", "connections": {"Q": [12], "D": [40]}},
                  "out_sr_SB_DFF_Q_D_SB_LUT4_O": {"type": "SB_LUT4", "connections": {"O": [40]}},
                  "in_sr_SB_DFF_Q": {"type": "SB_DFF", "connections": {"Q": [30], "D": [31]}},
                  "unit": {"type": "ptu", "connections": {}}}},
              "ptu": {
                "netnames": {},
                "cells": {
                  "acc_SB_DFFE_Q": {"type": "SB_DFFE", "connections": {"Q": [5], "D": [6]}},
                  "acc_SB_DFFE_Q_D_SB_LUT4_O": {"type": "SB_LUT4", "connections": {"O": [6]}}}}}}"#,
        )
        .unwrap();
        let c = Cells::from_netlist(&netlist, "ptu_bench");
        assert_eq!(
            c.out_bits,
            HashMap::from([("out_sr_SB_DFF_Q".to_string(), 2)])
        );
        assert_eq!(
            c.feeds
                .get("unit.acc_SB_DFFE_Q_D_SB_LUT4_O")
                .map(String::as_str),
            Some("unit.acc_SB_DFFE_Q")
        );
        // nextpnr's logic cells, named after their LUT (or their lone
        // flip-flop), are found through it.
        let ports = PtuConfig::default().ports();
        let report: Value = serde_json::from_str(
            r#"{"detailed_net_timings": [{"net": "x", "event": "posedge clk", "endpoints": [
                {"cell": "out_sr_SB_DFF_Q_D_SB_LUT4_O_LC", "port": "I2", "event": "posedge clk", "delay": [1.0, 3.0]},
                {"cell": "unit.acc_SB_DFFE_Q_D_SB_LUT4_O_LC", "port": "I0", "event": "posedge clk", "delay": [1.0, 4.0]},
                {"cell": "unit.acc_SB_DFFE_Q_1_DFFLC", "port": "CEN", "event": "posedge clk", "delay": [1.0, 5.0]}]}]}"#,
        )
        .unwrap();
        let g = arrivals(&report, &c, &ports);
        let got: Vec<(&str, &str, usize)> = g
            .iter()
            .map(|a| (a.name.as_str(), a.pin.as_str(), a.ns.len()))
            .collect();
        // Bit 2 of the outputs is bit 0 of `rip`.
        assert_eq!(
            got,
            vec![
                ("output rip", "", 1),
                ("unit.acc", "CE", 1),
                ("unit.acc", "D", 1)
            ]
        );
    }
}
