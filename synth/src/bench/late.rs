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
//! are paths from or to a pin (nextpnr's `<async>`).

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
    /// The pin (nextpnr's name: `CE`, `DI`, `M`, `LSR` on the ECP5, the
    /// logic cell's inputs on the iCE40); empty for an output port.
    pub pin: String,
    /// The latest arrival at each bit, in ns after the clock edge.
    pub ns: Vec<f64>,
}

/// The wrapper's output shift register cells by name, with the bit of
/// `out_sr` each one holds, from the synthesised netlist of `top`
/// (Yosys JSON). nextpnr's iCE40 packer appends `_DFFLC` or `_LC` to a
/// flip-flop's name; [`arrivals`] strips it.
pub fn output_bits(netlist: &Value, top: &str) -> HashMap<String, usize> {
    let mut bits = HashMap::new();
    let Some(m) = netlist.get("modules").and_then(|m| m.get(top)) else {
        return bits;
    };
    let mut index: HashMap<i64, usize> = HashMap::new();
    if let Some(sr) = m
        .get("netnames")
        .and_then(|n| n.get("out_sr"))
        .and_then(|n| n.get("bits"))
        .and_then(Value::as_array)
    {
        for (i, b) in sr.iter().enumerate() {
            if let Some(b) = b.as_i64() {
                index.insert(b, i);
            }
        }
    }
    if let Some(cells) = m.get("cells").and_then(Value::as_object) {
        for (name, c) in cells {
            let q = c
                .get("connections")
                .and_then(|x| x.get("Q"))
                .and_then(Value::as_array)
                .and_then(|q| q.first())
                .and_then(Value::as_i64);
            if let Some(i) = q.and_then(|q| index.get(&q)) {
                bits.insert(name.clone(), *i);
            }
        }
    }
    bits
}

/// The arrivals of a nextpnr report (`--report` with
/// `--detailed-timing-report`), grouped by register and pin, and by the
/// unit's output port for the cells of `out_bits` ([`output_bits`]).
/// Empty if the report has no detailed timing.
pub fn arrivals(report: &Value, out_bits: &HashMap<String, usize>, ports: &Ports) -> Vec<Arrivals> {
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
    let mut groups: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for ((cell, pin), ns) in at {
        let packed = cell
            .strip_suffix("_DFFLC")
            .or_else(|| cell.strip_suffix("_LC"))
            .unwrap_or(&cell);
        let key = match out_bits.get(packed) {
            Some(&i) => match output_port(ports, i) {
                Some(p) => (format!("output {p}"), String::new()),
                None => continue,
            },
            None => {
                let name = cell_name(&cell);
                if !name.starts_with("unit.") {
                    // The wrapper's own shift registers.
                    continue;
                }
                (name, pin)
            }
        };
        groups.entry(key).or_default().push(ns);
    }
    groups
        .into_iter()
        .map(|((name, pin), ns)| Arrivals { name, pin, ns })
        .collect()
}

/// The groups with at least one bit arriving after `period_ns`, latest
/// first, at most `max` of them, as JSON rows: name, pin, how many of its
/// bits are late, of how many, and the latest arrival.
pub fn late_json(groups: &[Arrivals], period_ns: f64, max: usize) -> Vec<Value> {
    late(groups, period_ns)
        .into_iter()
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

/// The groups late for `period_ns` with their count of late bits and
/// latest arrival, latest first.
pub fn late(groups: &[Arrivals], period_ns: f64) -> Vec<(&Arrivals, usize, f64)> {
    let mut v: Vec<(&Arrivals, usize, f64)> = groups
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

/// One line per late group: `unit.rename_bank.kernel_rip CE: 39 of 64
/// bits, up to 7.32 ns`.
pub fn late_lines(groups: &[Arrivals], period_ns: f64, max: usize) -> Vec<String> {
    late(groups, period_ns)
        .into_iter()
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

    fn out_bits() -> HashMap<String, usize> {
        // out_sr bit 200 carries csr_rdata (its bits are 194..257).
        HashMap::from([("out_sr_TRELLIS_FF_Q_7".to_string(), 200)])
    }

    #[test]
    fn arrivals_are_grouped_by_register_and_output_port() {
        let ports = PtuConfig::default().ports();
        let g = arrivals(&report(), &out_bits(), &ports);
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
        let g = arrivals(&report(), &out_bits(), &ports);
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
    fn output_bits_come_from_the_netlist() {
        let netlist: Value = serde_json::from_str(
            r#"{"modules": {"ptu_bench": {
                "netnames": {"out_sr": {"bits": [10, 11, 12]}},
                "cells": {
                  "out_sr_SB_DFF_Q": {"connections": {"Q": [12], "D": [40]}},
                  "in_sr_SB_DFF_Q": {"connections": {"Q": [30]}}}}}}"#,
        )
        .unwrap();
        let b = output_bits(&netlist, "ptu_bench");
        assert_eq!(b, HashMap::from([("out_sr_SB_DFF_Q".to_string(), 2)]));
        // The iCE40 packer's suffix is stripped when matching.
        let ports = PtuConfig::default().ports();
        let report: Value = serde_json::from_str(
            r#"{"detailed_net_timings": [{"net": "x", "event": "posedge clk", "endpoints": [
                {"cell": "out_sr_SB_DFF_Q_DFFLC", "port": "I0", "event": "posedge clk", "delay": [1.0, 3.0]}]}]}"#,
        )
        .unwrap();
        let g = arrivals(&report, &b, &ports);
        // Bit 2 of the outputs is bit 0 of `rip`.
        assert_eq!(g[0].name, "output rip");
    }
}
