//! `ptu bench synth`: the area and Fmax of the `ptu` unit alone, out of
//! context, on iCE40UP5K, iCE40HX8K and ECP5-85F.
//!
//! The unit has about 600 I/O bits, more than any package, so it sits in
//! a thin registered wrapper (`ptu_bench`): every input comes from a long
//! shift register fed by one pin, every output goes to a parallel-load
//! shift register read out on one pin (its `load` pin registered first).
//! All of the unit's paths are then register to register, none starts at a
//! pin, and the wrapper adds no logic between them but a 2:1 multiplexer
//! per output bit. Yosys keeps `ptu` as its own module, so
//! its cell counts are the unit's alone; nextpnr's Fmax is the whole
//! design's, which the unit's paths dominate. Each part is placed and
//! routed with several seeds; the median is reported, and the critical
//! path of the median run is described from nextpnr's timing report,
//! with every register input and output port that settles later than the
//! yardstick's period ([`late`]).
//!
//! Beside the unit's total, a second synthesis of `ptu` alone keeps each
//! of its five blocks as its own module (`keep_hierarchy`) and counts the
//! cells of each block and of the top's own glue ([`Breakdown`]). Kept
//! blocks are not optimised across their ports, so their sum is a little
//! more than the unit's flattened total, which is what is placed.

use crate::boards::Family;
use crate::flow::{self, Tool};
use crate::report::{self, clock_name};
use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand};
use ptu_arch::cli::ConfigArgs;
use ptu_arch::{Dir, PtuConfig};
use ptu_tools as tools;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

mod late;
mod whole;
use whole::run_whole_cli;
pub use whole::{measure_whole, whole_json, WholeDesign, WholeResult};

/// What `ptu bench` measures here.
#[derive(Subcommand, Debug, Clone)]
pub enum BenchWhat {
    /// Area (in total and by block) and Fmax of the unit alone (out of
    /// context, in a thin registered wrapper) on iCE40UP5K, iCE40HX8K and
    /// ECP5-85F, median over nextpnr seeds. Slow (minutes): a benchmark,
    /// not a test; --area-only takes seconds.
    #[command(after_help = HELP)]
    Synth(BenchSynthArgs),
}

/// `ptu bench synth`.
#[derive(Args, Debug, Clone)]
pub struct BenchSynthArgs {
    /// nextpnr seeds per part (the median is reported).
    #[arg(long, default_value_t = 5)]
    pub seeds: u64,
    /// Parts to measure (default all): up5k, hx8k, ecp5-85k.
    #[arg(long, value_delimiter = ',')]
    pub parts: Vec<String>,
    /// Folder for the results: DIR/results.json (DIR/area.json with
    /// --area-only); default build/bench, build/bench-NAME for a
    /// configuration NAME other than x86_64-default. The default keeps the
    /// committed figures as they are: refresh them on purpose with `--out
    /// synth/bench`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Synthesis only: the unit's area and its per-block breakdown, no
    /// place and route (seconds instead of minutes).
    #[arg(long)]
    pub area_only: bool,
    /// Print the results as JSON on stdout (the same document as the
    /// results file), and nothing else there.
    #[arg(long)]
    pub json: bool,
    /// What to measure: the unit alone (`unit`), or the SoC's board top
    /// with its kernel (`soc`: the whole top, its core and its unit, and
    /// where it fits, its Fmax; results in DIR/soc.json).
    #[arg(long, default_value = "unit", value_parser = ["unit", "soc"])]
    pub design: String,
    /// The unit's configuration: --config FILE or --preset NAME; only one
    /// the RTL is generated for (others are refused with one line). With
    /// --design soc, only x86_64-default (the SoC's unit).
    #[command(flatten)]
    pub cfg: ConfigArgs,
    /// Every preset the RTL is generated for, one after the other: one
    /// row per preset and part, in DIR/results.json (DIR/area.json with
    /// --area-only); default DIR build/bench-presets.
    #[arg(long, conflicts_with_all = ["preset", "config"])]
    pub all_presets: bool,
}

impl BenchSynthArgs {
    /// The results folder for `cfg`: `--out`, or [`DEFAULT_OUT`] with
    /// `-NAME` for a configuration other than the default.
    pub fn out_dir(&self, cfg: &PtuConfig) -> PathBuf {
        self.out
            .clone()
            .unwrap_or_else(|| cfg.out_folder(Path::new(DEFAULT_OUT)))
    }
}

/// Where `ptu bench synth --all-presets` writes by default.
pub const PRESETS_OUT: &str = "build/bench-presets";

/// The `--help` examples of `ptu bench synth` and its JSON's shape.
pub const HELP: &str = r#"Examples:
  ptu bench synth                          every part, results in build/bench/results.json
  ptu bench synth --parts up5k --seeds 3   one part, three nextpnr seeds
  ptu bench synth --area-only              area by block only (synthesis), build/bench/area.json
  ptu bench synth --out synth/bench        refresh the committed figures (on purpose)
  ptu bench synth --json > results.json    results for a script
  ptu bench synth --preset x86_64-default --area-only   a configuration (others: build/bench-NAME/)
  ptu bench synth --all-presets --seeds 3  every generated preset, a row per preset and part
                                           (build/bench-presets/results.json)

The results (the file, and stdout with --json) are one JSON document:
  {"what": "...", "configuration": "x86_64-default (xlen=64 ...)",
   "command": "ptu bench synth --seeds 5",
   "parts": [{"part": "up5k", "title": "iCE40UP5K-SG48", "luts": 1234,
              "flip_flops": 567, "carries": 89, "blocks": {"by_block": [...],
              "sum": {...}}, "target_mhz": 40, "median_fmax_mhz": 31.2,
              "fmax_mhz_by_seed": [{"seed": 1, "fmax_mhz": 30.9,
                                    "logic_cells": 1500, "seconds": 41}],
              "critical_path": "...",
              "late_inputs": {"seed": 3, "period_ns": 16.64, "groups_late": 2,
                  "registers": [{"register": "unit.rename_bank.kernel_rip",
                                 "pin": "CE", "bits_late": 33, "bits": 64,
                                 "latest_ns": 17.15}, ...]},
              "yardstick": {"median_fmax_mhz": 60.1, "fmax_mhz_by_seed": [...]},
              "unit_over_yardstick": 0.52}]}
  "late_inputs" lists the unit's registers (by pin) and output ports
  ("output csr_rdata") whose inputs arrive after the yardstick's median
  clock period in the median run: what stands between the unit and
  unit / yardstick = 1 (the printout shows the latest six).
  With --area-only, each part has only "part", "title", "luts",
  "flip_flops", "carries" and "blocks".

With --all-presets the document has one row per preset and part:
  {"what": "...", "command": "ptu bench synth --all-presets --seeds 5",
   "presets": ["x86_64-default", "ice40-small-32", ...],
   "rows": [{"preset": "ice40-small-32", "configuration": "ice40-small-32 (xlen=32 ...)",
             "part": "up5k", "title": "iCE40UP5K-SG48", "luts": ..., ...}, ...]}
  each row the fields of a part above (with --area-only, those of
  --area-only), and "preset" and "configuration"."#;

/// Where `ptu bench synth` writes by default: a build folder, never the
/// committed figures (`synth/bench/results.json`).
pub const DEFAULT_OUT: &str = "build/bench";

/// The results file in the folder `out`: `results.json`, or `area.json`
/// for `--area-only` (which never replaces a full run's figures). A
/// `.json` path is refused: `--out` names a folder.
pub fn results_file(out: &Path, area_only: bool) -> Result<PathBuf> {
    let name = if area_only {
        "area.json"
    } else {
        "results.json"
    };
    if out.extension().is_some_and(|e| e == "json") {
        bail!(
            "--out takes a folder, not a file: give --out {} to write {}",
            out.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .display(),
            out.with_file_name(name).display()
        );
    }
    Ok(out.join(name))
}

/// What a measurement says while it runs.
pub enum Event<'a> {
    /// A line about what it does now.
    Note(&'a str),
    /// One step (a synthesis, a place and route run) is done.
    Step,
}

/// The steps of measuring `parts` with `seeds` seeds: a synthesis per
/// family, and a place and route run per part, seed and design (the unit
/// and the yardstick); without place and route with `area_only`.
pub fn steps(parts: &[Part], seeds: u64, area_only: bool) -> u64 {
    let mut families: Vec<Family> = parts.iter().map(|p| p.family).collect();
    families.dedup();
    let pnr = if area_only {
        0
    } else {
        parts.len() as u64 * seeds * 2
    };
    families.len() as u64 + pnr
}

/// `ptu bench ...`.
pub fn run(what: &BenchWhat) -> Result<()> {
    run_with(what, None)
}

/// `ptu bench ...`, with the source of `--design soc` (the SoC lives in a
/// crate above this one): its board top for a family.
pub fn run_with(
    what: &BenchWhat,
    soc: Option<&dyn Fn(Family) -> Result<WholeDesign>>,
) -> Result<()> {
    match what {
        BenchWhat::Synth(a) if a.design == "soc" => match soc {
            _ if !a.cfg.config()?.is_default() => bail!(
                "--design soc measures the SoC, whose unit is x86_64-default: drop --config and --preset"
            ),
            Some(source) => run_whole_cli(a, source),
            None => bail!("--design soc needs the ptu command line (ptu bench synth --design soc)"),
        },
        BenchWhat::Synth(a) => run_cli(a),
    }
}

/// A part of the benchmark.
#[derive(Clone, Debug)]
pub struct Part {
    /// Name on the command line.
    pub name: &'static str,
    pub title: &'static str,
    pub family: Family,
    pub device_arg: &'static str,
    pub package: &'static str,
    /// The `--freq` target (above what the unit reaches, so that nextpnr
    /// tries hard; `--timing-allow-fail` keeps the run going).
    pub target_mhz: u32,
}

/// The parts measured.
pub fn parts() -> [Part; 3] {
    [
        Part {
            name: "up5k",
            title: "iCE40UP5K-SG48",
            family: Family::Ice40,
            device_arg: "--up5k",
            package: "sg48",
            target_mhz: 40,
        },
        Part {
            name: "hx8k",
            title: "iCE40HX8K-CT256",
            family: Family::Ice40,
            device_arg: "--hx8k",
            package: "ct256",
            target_mhz: 80,
        },
        Part {
            name: "ecp5-85k",
            title: "ECP5 LFE5U-85F-6 CABGA381",
            family: Family::Ecp5,
            device_arg: "--85k",
            package: "CABGA381",
            target_mhz: 150,
        },
    ]
}

/// A design out of context with pins `clock`, `din`, `load`, `dout`:
/// `in_bits` input bits come from the shift register `in_sr` fed by
/// `din`; `body` (Verilog) computes the `out_bits` wire `outs` from them,
/// which is loaded (with `load`, through a register) into a shift
/// register read out on `dout`. Every path of `body` is then register to
/// register, and the wrapper adds only a 2:1 multiplexer per output bit.
/// `load` is registered so that no path into the output register starts
/// at a pin: nextpnr times pin paths apart from the clock's, and its
/// per-input arrivals ([`late`]) would mix them with the unit's.
fn registered_wrapper(
    top: &str,
    about: &str,
    in_bits: usize,
    out_bits: usize,
    body: &str,
) -> String {
    format!(
        "// {top}: {about}, for `ptu bench synth`.\n\
         // Its {in_bits} input bits come from a shift register fed by `din`; its\n\
         // {out_bits} output bits are loaded (with `load`, registered first) into a\n\
         // shift register read out on `dout`. Every path inside is register to\n\
         // register.\n\
         module {top}(clock, din, load, dout);\n\
         \x20   input wire clock;\n\
         \x20   input wire din;\n\
         \x20   input wire load;\n\
         \x20   output wire dout;\n\
         \x20   reg [{im}:0] in_sr;\n\
         \x20   reg [{om}:0] out_sr;\n\
         \x20   wire [{om}:0] outs;\n\
         \x20   always @(posedge clock) in_sr <= {{in_sr[{im2}:0], din}};\n\
         \x20   reg load_q;\n\
         \x20   always @(posedge clock) load_q <= load;\n\
         \x20   always @(posedge clock) out_sr <= load_q ? outs : {{1'b0, out_sr[{om}:1]}};\n\
         \x20   assign dout = out_sr[0];\n\
         {body}\
         endmodule\n",
        im = in_bits - 1,
        im2 = in_bits - 2,
        om = out_bits - 1,
    )
}

/// The wrapper `ptu_bench` of the default unit (see [`registered_wrapper`]).
pub fn wrapper() -> String {
    wrapper_for(&PtuConfig::default())
}

/// The wrapper `ptu_bench` of the unit configured as `cfg`: its ports
/// (`PtuConfig::ports`: the option ports, the widths of `xlen`).
pub fn wrapper_for(cfg: &PtuConfig) -> String {
    let ports = cfg.ports();
    let ins: Vec<_> = ports
        .iter()
        .filter(|(n, d, _)| *d == Dir::In && *n != "clock")
        .collect();
    let outs: Vec<_> = ports.iter().filter(|(_, d, _)| *d == Dir::Out).collect();
    let in_bits: usize = ins.iter().map(|p| p.2).sum();
    let out_bits: usize = outs.iter().map(|p| p.2).sum();
    let mut conns = vec![".clock(clock)".to_string()];
    let mut at = 0;
    for (n, _, w) in &ins {
        conns.push(format!(".{n}(in_sr[{}:{}])", at + w - 1, at));
        at += w;
    }
    at = 0;
    for (n, _, w) in &outs {
        conns.push(format!(".{n}(outs[{}:{}])", at + w - 1, at));
        at += w;
    }
    let body = format!(
        "\x20   ptu unit(\n\
         \x20       {}\n\
         \x20   );\n",
        conns.join(",\n        ")
    );
    registered_wrapper(
        "ptu_bench",
        "the unit `ptu` out of context",
        in_bits,
        out_bits,
        &body,
    )
}

/// Width of the yardstick's data path.
pub const YARDSTICK_BITS: usize = 64;

/// The yardstick `alu64_bench`: the execute stage of a minimal 64-bit
/// core in the same registered wrapper as the unit. Two operands and an
/// operation come from the input shift register; the result of add,
/// subtract, and or xor goes to the output shift register. Every 64-bit
/// core has at least this path in one cycle (a real one adds operand
/// forwarding and result selection to it), so a unit at least as fast as
/// the yardstick does not limit the clock of a 64-bit core on the same
/// part.
pub fn yardstick() -> String {
    let n = YARDSTICK_BITS;
    let body = format!(
        "\x20   wire [{m}:0] a = in_sr[{m}:0];\n\
         \x20   wire [{m}:0] b = in_sr[{bm}:{n}];\n\
         \x20   wire [1:0] op = in_sr[{im}:{opl}];\n\
         \x20   assign outs = op == 2'd0 ? a + b : op == 2'd1 ? a - b : op == 2'd2 ? a & b : a ^ b;\n",
        m = n - 1,
        bm = 2 * n - 1,
        opl = 2 * n,
        im = 2 * n + 1,
    );
    registered_wrapper(
        "alu64_bench",
        "the yardstick, a 64-bit ALU (add, subtract, and, xor) between registers",
        2 * n + 2,
        n,
        &body,
    )
}

/// One nextpnr run.
#[derive(Clone, Debug)]
pub struct Run {
    pub seed: u64,
    pub fmax_mhz: f64,
    pub logic_cells: u64,
    /// One sentence about the critical path.
    pub critical_path: String,
    pub seconds: f64,
    /// When the inputs of each register (and each output port of the
    /// unit) settle ([`late::arrivals`]).
    pub arrivals: Vec<late::Arrivals>,
}

fn cell_name(c: &str) -> String {
    // Yosys/nextpnr names such as `unit.entry_unit.event_info_q.q_SB_DFFESR_Q_E`:
    // keep the register's path, drop the techmap suffix.
    let c = c.trim_start_matches("$auto$").trim_start_matches('\\');
    let cut = [
        "_SB_",
        "_TRELLIS_",
        "$",
        "_LUT4",
        "_DFF",
        "_CCU2",
        "_CARRY",
        "_PFUMX",
        "_L6MUX",
    ]
    .iter()
    .filter_map(|s| c.find(s))
    .min()
    .unwrap_or(c.len());
    c[..cut].to_string()
}

/// The ports of a unit: name, direction, width (`PtuConfig::ports`).
type Ports = [(&'static str, Dir, usize)];

/// The unit's port behind bit `n` of the wrapper's `outs` bus, for a unit
/// with `ports`.
fn output_port(ports: &Ports, n: usize) -> Option<&'static str> {
    let mut at = 0;
    for (name, dir, w) in ports.iter() {
        if *dir == Dir::Out {
            if n < at + w {
                return Some(name);
            }
            at += w;
        }
    }
    None
}

/// A net of the wrapper named by the unit's port: `outs[260]` ->
/// `unit.busy` (nextpnr names a register's output net after any of its
/// aliases).
fn port_net(ports: &Ports, net: &str) -> String {
    let index = net
        .strip_suffix(']')
        .and_then(|n| n.rsplit_once('['))
        .and_then(|(base, i)| Some((base, i.parse::<usize>().ok()?)));
    match index {
        Some((base, i)) if base == "outs" || base.starts_with("unit_") => {
            match output_port(ports, i) {
                Some(p) => format!("unit.{p}"),
                None => net.to_string(),
            }
        }
        _ => net.to_string(),
    }
}

/// One sentence describing the critical path of a nextpnr `--report`:
/// its length, the signal it starts from (the net the source flip-flop
/// drives), the flip-flop it ends in, its LUT levels and carry bits, and
/// the unit's signals it passes (the default unit's ports name the bits of
/// the wrapper's buses: [`critical_path_for`] for another configuration).
pub fn critical_path(report: &Value) -> Option<String> {
    critical_path_for(report, &PtuConfig::default().ports())
}

/// [`critical_path`] for a unit with `ports` (`PtuConfig::ports`).
pub fn critical_path_for(report: &Value, ports: &Ports) -> Option<String> {
    let paths = report.get("critical_paths")?.as_array()?;
    let p = paths
        .iter()
        .find(|p| p.get("from").and_then(Value::as_str) == p.get("to").and_then(Value::as_str))
        .or_else(|| paths.first())?;
    let segs = p.get("path")?.as_array()?;
    let field = |v: &Value, a: &str, b: &str| {
        v.get(a)
            .and_then(|x| x.get(b))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (mut logic, mut routing) = (0.0, 0.0);
    let (mut luts, mut carries) = (0, 0);
    let mut nets: Vec<String> = Vec::new();
    for s in segs {
        let d = s.get("delay").and_then(Value::as_f64).unwrap_or(0.0);
        match s.get("type").and_then(Value::as_str) {
            Some("routing") => {
                routing += d;
                if let Some(n) = s.get("net").and_then(Value::as_str) {
                    let n = port_net(ports, &cell_name(n));
                    if !n.is_empty() && !nets.contains(&n) {
                        nets.push(n);
                    }
                }
            }
            Some("logic") => {
                logic += d;
                if ["CIN", "FCI"].contains(&field(s, "from", "port").as_str()) {
                    carries += 1;
                } else {
                    luts += 1;
                }
            }
            _ => logic += d,
        }
    }
    let first = segs.first()?;
    let from = nets
        .first()
        .cloned()
        .unwrap_or_else(|| cell_name(&field(first, "from", "cell")));
    let to = cell_name(&field(segs.last()?, "to", "cell"));
    let via: Vec<&String> = nets
        .iter()
        .skip(1)
        .filter(|n| n.starts_with("unit.") && !n.contains("nextpnr"))
        .take(5)
        .collect();
    Some(format!(
        "{:.1} ns ({:.1} logic, {:.1} routing) from {from} to {to}: {luts} LUT levels and {carries} carry steps{}",
        logic + routing,
        logic,
        routing,
        if via.is_empty() {
            String::new()
        } else {
            format!(", through {}", via.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
        }
    ))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn tools_for(family: Family) -> Result<(PathBuf, PathBuf)> {
    let board = crate::boards::all()
        .into_iter()
        .find(|b| b.family == family)
        .expect("a board per family");
    let t: Vec<(Tool, PathBuf)> = flow::check_tools(&board)?;
    Ok((t[0].1.clone(), t[1].1.clone()))
}

/// What is placed: the unit's wrapper, or the yardstick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Design {
    Unit,
    Yardstick,
}

impl Design {
    /// Top module, also the stem of its files.
    fn top(self) -> &'static str {
        match self {
            Design::Unit => "ptu_bench",
            Design::Yardstick => "alu64_bench",
        }
    }
}

/// Runs the Yosys script `script` as `<stem>.ys` in `dir`; its log.
fn run_yosys(family: Family, yosys: &Path, dir: &Path, stem: &str, script: &str) -> Result<String> {
    std::fs::write(dir.join(format!("{stem}.ys")), script)?;
    let cache = flow::yowasp_cache();
    let env: Vec<(&str, &std::ffi::OsStr)> = match family {
        Family::Ecp5 => vec![("YOWASP_CACHE_DIR", cache.as_os_str())],
        Family::Ice40 => vec![],
    };
    let run = tools::run_watched(
        yosys.to_str().unwrap_or("yosys"),
        &[
            "-q",
            "-l",
            &format!("yosys-{stem}.log"),
            "-s",
            &format!("{stem}.ys"),
        ],
        dir,
        &dir.join(format!("yosys-{stem}.console.log")),
        &env,
        std::time::Duration::from_millis(500),
        &mut |_| None,
    )?;
    let log_path = dir.join(format!("yosys-{stem}.log"));
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    if !run.success() {
        bail!(
            "yosys failed ({}), log: {}\n{}",
            run.status_text(),
            log_path.display(),
            log.lines()
                .rev()
                .take(20)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    Ok(log)
}

fn synth_command(family: Family) -> &'static str {
    match family {
        Family::Ice40 => "synth_ice40",
        Family::Ecp5 => "synth_ecp5",
    }
}

/// Synthesises `design` for `family` in `dir`: the cells of the unit (or
/// of the whole yardstick).
fn synthesise(
    design: Design,
    family: Family,
    yosys: &Path,
    dir: &Path,
) -> Result<BTreeMap<String, u64>> {
    let synth = synth_command(family);
    let top = design.top();
    let (files, keep, module) = match design {
        Design::Unit => (
            "ptu.v ptu_bench.v",
            "setattr -mod -set keep_hierarchy 1 ptu\n",
            "ptu",
        ),
        Design::Yardstick => ("alu64_bench.v", "", "alu64_bench"),
    };
    let script = format!(
        "read_verilog {files}\n\
         hierarchy -check -top {top}\n\
         {keep}\
         {synth} -top {top} -json {top}.json\n\
         stat\n"
    );
    let log = run_yosys(family, yosys, dir, top, &script)?;
    report::module_cells(&log, module).ok_or_else(|| {
        anyhow!(
            "no statistics of module {module} in {}",
            dir.join(format!("yosys-{top}.log")).display()
        )
    })
}

/// The unit's blocks, each kept as its own module for [`Breakdown`]:
/// (instance in `ptu`, module).
pub const BLOCKS: [(&str, &str); 5] = [
    ("rename_bank", "ptu_rename_bank"),
    ("entry_unit", "ptu_entry_unit"),
    ("return_path", "ptu_return_path"),
    ("frame_sequencer", "ptu_frame_sequencer"),
    ("csr_file", "ptu_csr_file"),
];

/// The blocks of the options, kept and counted like [`BLOCKS`] when the
/// unit has them (`fs_bank`: the FS bank).
pub const OPTION_BLOCKS: [(&str, &str); 1] = [("fs_bank", "ptu_fs_bank")];

/// The row of the top's own cells (outside every block) in a [`Breakdown`].
pub const GLUE: &str = "ptu (own glue)";

/// Cells by role.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Area {
    pub luts: u64,
    pub flip_flops: u64,
    pub carries: u64,
}

impl Area {
    fn of(family: Family, cells: &BTreeMap<String, u64>) -> Area {
        let (luts, flip_flops, carries) = report::cell_roles(family, cells);
        Area {
            luts,
            flip_flops,
            carries,
        }
    }

    fn add(self, o: Area) -> Area {
        Area {
            luts: self.luts + o.luts,
            flip_flops: self.flip_flops + o.flip_flops,
            carries: self.carries + o.carries,
        }
    }

    fn to_json(self) -> Value {
        json!({"luts": self.luts, "flip_flops": self.flip_flops, "carries": self.carries})
    }
}

/// The unit's area by block: `ptu` synthesised with its [`BLOCKS`] (and
/// those of [`OPTION_BLOCKS`] it has) kept as
/// modules, each counted alone (the registers and adders inside a block
/// are flattened into it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breakdown {
    /// Each block in [`BLOCKS`] order, then those of [`OPTION_BLOCKS`] the
    /// unit has, then [`GLUE`].
    pub rows: Vec<(String, Area)>,
    /// Yosys's own total over the hierarchy (`=== design hierarchy ===`).
    pub total: Area,
}

impl Breakdown {
    /// Reads the last `stat` of a Yosys log of that synthesis.
    pub fn from_log(family: Family, log: &str) -> Result<Breakdown> {
        let mut rows = Vec::new();
        let options = OPTION_BLOCKS
            .iter()
            .filter(|(_, m)| report::module_cells(log, m).is_some());
        for (name, module) in BLOCKS.iter().chain(options).chain([&("", "ptu")]) {
            let cells = report::module_cells(log, module).ok_or_else(|| {
                anyhow!("the Yosys log has no statistics of module {module} (was it kept?)")
            })?;
            let name = if name.is_empty() { GLUE } else { name };
            rows.push((name.to_string(), Area::of(family, &cells)));
        }
        let total = Area::of(family, &report::yosys_cells(log)?);
        Ok(Breakdown { rows, total })
    }

    /// The sum of the rows.
    pub fn sum(&self) -> Area {
        self.rows
            .iter()
            .fold(Area::default(), |a, (_, b)| a.add(*b))
    }
}

/// Synthesises `ptu` alone (in `dir`, holding `ptu.v`) with its blocks
/// kept; the breakdown, checked to sum to Yosys's total.
pub fn synthesise_blocks(family: Family, yosys: &Path, dir: &Path) -> Result<Breakdown> {
    let stem = "ptu_blocks";
    let text = std::fs::read_to_string(dir.join("ptu.v"))
        .with_context(|| format!("cannot read {}", dir.join("ptu.v").display()))?;
    let modules: Vec<&str> = BLOCKS
        .iter()
        .chain(
            OPTION_BLOCKS
                .iter()
                .filter(|(_, m)| text.contains(&format!("module {m}("))),
        )
        .map(|b| b.1)
        .collect();
    let script = format!(
        "read_verilog ptu.v\n\
         hierarchy -check -top ptu\n\
         setattr -mod -set keep_hierarchy 1 {}\n\
         {} -top ptu\n\
         stat\n",
        modules.join(" "),
        synth_command(family)
    );
    let log = run_yosys(family, yosys, dir, stem, &script)?;
    let b = Breakdown::from_log(family, &log)
        .with_context(|| format!("in {}", dir.join(format!("yosys-{stem}.log")).display()))?;
    if b.sum() != b.total {
        bail!(
            "the blocks of ptu sum to {:?}, Yosys's total is {:?}: a module is not counted (log: {})",
            b.sum(),
            b.total,
            dir.join(format!("yosys-{stem}.log")).display()
        );
    }
    Ok(b)
}

fn place(
    design: Design,
    ports: &Ports,
    part: &Part,
    nextpnr: &Path,
    dir: &Path,
    seed: u64,
    cells: Option<&late::Cells>,
) -> Result<Run> {
    place_top(design.top(), ports, part, nextpnr, dir, seed, cells)?
        .map_err(|failed| failed.failure())
}

/// The cells of the synthesised `top.json` in `dir` that [`late::arrivals`]
/// names (read once for all of a part's seeds).
fn netlist_cells(dir: &Path, top: &str) -> Result<late::Cells> {
    let file = dir.join(format!("{top}.json"));
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let netlist: Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))?;
    Ok(late::Cells::from_netlist(&netlist, top))
}

/// Places `top.json` (in `dir`) on `part` with `seed`: the run, or
/// nextpnr's own failed run (the design does not fit, or does not route)
/// for the caller to report; `Err` for anything else. With `cells` (the
/// unit's wrapper), the run's arrivals are read from the report.
fn place_top(
    top: &str,
    ports: &Ports,
    part: &Part,
    nextpnr: &Path,
    dir: &Path,
    seed: u64,
    cells: Option<&late::Cells>,
) -> Result<std::result::Result<Run, tools::Run>> {
    let t = Instant::now();
    let report = format!("report-{top}-{}-{seed}.json", part.name);
    let log = dir.join(format!("nextpnr-{top}-{}-{seed}.log", part.name));
    let json_file = format!("{top}.json");
    let mut args: Vec<String> = [
        part.device_arg,
        "--package",
        part.package,
        "--json",
        &json_file,
        "--freq",
        &part.target_mhz.to_string(),
        "--timing-allow-fail",
        "--seed",
        &seed.to_string(),
        "--report",
        &report,
        "--detailed-timing-report",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    match part.family {
        Family::Ice40 => args.push("--pcf-allow-unconstrained".into()),
        Family::Ecp5 => args.push("--lpf-allow-unconstrained".into()),
    }
    let cache = flow::yowasp_cache();
    let env: Vec<(&str, &std::ffi::OsStr)> = match part.family {
        Family::Ecp5 => vec![("YOWASP_CACHE_DIR", cache.as_os_str())],
        Family::Ice40 => vec![],
    };
    let run = tools::run_watched(
        nextpnr.to_str().unwrap_or("nextpnr"),
        &args,
        dir,
        &log,
        &env,
        std::time::Duration::from_secs(2),
        &mut |l| flow::router_stalled(l, flow::ROUTER_STALL_SECONDS),
    )?;
    if !run.success() {
        return Ok(Err(run));
    }
    let text = std::fs::read_to_string(dir.join(&report))
        .with_context(|| format!("nextpnr wrote no {}", dir.join(&report).display()))?;
    let v: Value = serde_json::from_str(&text).context("nextpnr's report is not JSON")?;
    let (clocks, util) = report::nextpnr_report(&text)?;
    let clock = clocks
        .iter()
        .find(|c| clock_name(&c.name) == "clock")
        .or_else(|| clocks.first())
        .ok_or_else(|| anyhow!("nextpnr reported no clock, log: {}", log.display()))?;
    let (lc, _, _) = report::site_names(part.family);
    Ok(Ok(Run {
        seed,
        fmax_mhz: clock.fmax_mhz,
        logic_cells: util.get(lc).map(|u| u.used).unwrap_or(0),
        critical_path: critical_path_for(&v, ports).unwrap_or_else(|| "not reported".into()),
        seconds: t.elapsed().as_secs_f64(),
        arrivals: cells
            .map(|c| late::arrivals(&v, c, ports))
            .unwrap_or_default(),
    }))
}

/// The result for one part.
#[derive(Clone, Debug)]
pub struct PartResult {
    pub part: Part,
    /// The unit's area (flattened: what is placed) and by block.
    pub area: PartArea,
    pub runs: Vec<Run>,
    pub median_fmax_mhz: f64,
    /// The yardstick's runs (same seeds) and median Fmax.
    pub yardstick_runs: Vec<Run>,
    pub yardstick_fmax_mhz: f64,
}

/// Places and routes `design` with seeds `1..=seeds`, leaving out seeds
/// whose router stalls; the runs and their median Fmax.
fn place_seeds(
    design: Design,
    ports: &Ports,
    part: &Part,
    nextpnr: &Path,
    dir: &Path,
    seeds: u64,
    progress: &mut dyn FnMut(Event),
) -> Result<(Vec<Run>, f64)> {
    let what = match design {
        Design::Unit => "",
        Design::Yardstick => " (yardstick: 64-bit ALU)",
    };
    // Only the unit's runs are read for late inputs: the wrapper's outputs
    // are named by the unit's ports.
    let cells = match design {
        Design::Unit => Some(netlist_cells(dir, design.top())?),
        Design::Yardstick => None,
    };
    let mut runs = Vec::new();
    for seed in 1..=seeds {
        progress(Event::Note(&format!(
            "pnr {}{what} seed {seed}/{seeds}: nextpnr --freq {} ...",
            part.name, part.target_mhz
        )));
        match place(design, ports, part, nextpnr, dir, seed, cells.as_ref()) {
            Ok(r) => {
                progress(Event::Note(&format!(
                    "  Fmax {:.2} MHz, {} logic cells, {:.0} s",
                    r.fmax_mhz, r.logic_cells, r.seconds
                )));
                runs.push(r);
            }
            // nextpnr-ice40 0.4's router can stall for one placement.
            Err(e) if e.to_string().contains(" stopped: ") => progress(Event::Note(&format!(
                "  seed {seed} left out: {}",
                e.to_string().lines().next().unwrap_or("")
            ))),
            Err(e) => return Err(e),
        }
        progress(Event::Step);
    }
    if runs.is_empty() {
        bail!("no seed of {}{what} placed and routed", part.name);
    }
    let mut f: Vec<f64> = runs.iter().map(|r| r.fmax_mhz).collect();
    let m = median(&mut f);
    Ok((runs, m))
}

/// The area of the unit on one part.
#[derive(Clone, Debug)]
pub struct PartArea {
    pub part: Part,
    /// The unit's cells, blocks flattened into it (what is placed).
    pub flat: Area,
    /// By block, blocks kept as modules.
    pub blocks: Breakdown,
}

/// The synthesis folder of `family` in `work`.
fn family_dir(work: &Path, family: Family) -> PathBuf {
    work.join(match family {
        Family::Ice40 => "ice40",
        Family::Ecp5 => "ecp5",
    })
}

/// Synthesises the unit (flattened, and with its blocks kept) and the
/// yardstick for every family of `parts`, once per family, in `work`.
pub fn measure_area(
    cfg: &PtuConfig,
    parts: &[Part],
    work: &Path,
    progress: &mut dyn FnMut(Event),
) -> Result<Vec<PartArea>> {
    std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
    // Every part's tools first: a missing one fails before minutes of work.
    let tools: Vec<(PathBuf, PathBuf)> = parts
        .iter()
        .map(|p| tools_for(p.family))
        .collect::<Result<_>>()?;
    let mut done: Vec<(Family, Area, Breakdown)> = Vec::new();
    let mut areas = Vec::new();
    for (part, (yosys, _)) in parts.iter().zip(tools) {
        if !done.iter().any(|d| d.0 == part.family) {
            let dir = family_dir(work, part.family);
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join("ptu.v"), ptu_rtl::verilog::emit(cfg)?)?;
            std::fs::write(dir.join("ptu_bench.v"), wrapper_for(cfg))?;
            std::fs::write(dir.join("alu64_bench.v"), yardstick())?;
            progress(Event::Note(&format!(
                "synth {}: yosys (logs: {})",
                dir.file_name().and_then(|n| n.to_str()).unwrap_or(""),
                dir.join("yosys-*.log").display()
            )));
            let cells = synthesise(Design::Unit, part.family, &yosys, &dir)?;
            synthesise(Design::Yardstick, part.family, &yosys, &dir)?;
            let blocks = synthesise_blocks(part.family, &yosys, &dir)?;
            progress(Event::Step);
            done.push((part.family, Area::of(part.family, &cells), blocks));
        }
        let (_, flat, blocks) = done
            .iter()
            .find(|d| d.0 == part.family)
            .expect("synthesised above");
        areas.push(PartArea {
            part: part.clone(),
            flat: *flat,
            blocks: blocks.clone(),
        });
    }
    Ok(areas)
}

/// Measures `parts` with `seeds` seeds each, in `work`.
pub fn measure(
    cfg: &PtuConfig,
    parts: &[Part],
    seeds: u64,
    work: &Path,
    progress: &mut dyn FnMut(Event),
) -> Result<Vec<PartResult>> {
    if seeds == 0 {
        bail!("--seeds must be at least 1");
    }
    let areas = measure_area(cfg, parts, work, progress)?;
    let mut results = Vec::new();
    for area in areas {
        let part = area.part.clone();
        let (_, nextpnr) = tools_for(part.family)?;
        let dir = family_dir(work, part.family);
        let ports = cfg.ports();
        let (runs, median_fmax_mhz) =
            place_seeds(Design::Unit, &ports, &part, &nextpnr, &dir, seeds, progress)?;
        let (yardstick_runs, yardstick_fmax_mhz) = place_seeds(
            Design::Yardstick,
            &ports,
            &part,
            &nextpnr,
            &dir,
            seeds,
            progress,
        )?;
        results.push(PartResult {
            part,
            area,
            runs,
            median_fmax_mhz,
            yardstick_runs,
            yardstick_fmax_mhz,
        });
    }
    Ok(results)
}

/// The median run (the one closest to the median Fmax).
pub fn median_run(r: &PartResult) -> &Run {
    r.runs
        .iter()
        .min_by(|a, b| {
            (a.fmax_mhz - r.median_fmax_mhz)
                .abs()
                .total_cmp(&(b.fmax_mhz - r.median_fmax_mhz).abs())
        })
        .expect("at least one run")
}

/// The results as JSON.
pub fn to_json(cfg: &PtuConfig, results: &[PartResult], seeds: u64) -> String {
    let v = json!({
        "what": "ptu alone, out of context in the registered wrapper ptu_bench (synth/src/bench/mod.rs)",
        "configuration": cfg.describe(),
        "command": format!("ptu bench synth --seeds {seeds}"),
        "parts": results.iter().map(part_json).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON serialises");
    s.push('\n');
    s
}

/// One part's results as JSON (a row of [`to_json`]).
fn part_json(r: &PartResult) -> Value {
    json!({
            "part": r.part.name,
            "title": r.part.title,
            "luts": r.area.flat.luts,
            "flip_flops": r.area.flat.flip_flops,
            "carries": r.area.flat.carries,
            "blocks": blocks_json(&r.area),
            "target_mhz": r.part.target_mhz,
            "median_fmax_mhz": (r.median_fmax_mhz * 100.0).round() / 100.0,
            "fmax_mhz_by_seed": r.runs.iter().map(|x| json!({
                "seed": x.seed,
                "fmax_mhz": (x.fmax_mhz * 100.0).round() / 100.0,
                "logic_cells": x.logic_cells,
                "seconds": x.seconds.round(),
            })).collect::<Vec<_>>(),
            "critical_path": median_run(r).critical_path,
            "late_inputs": late_inputs_json(r),
            "yardstick": {
                "what": "64-bit ALU (add, subtract, and, xor) between registers: alu64_bench",
                "median_fmax_mhz": (r.yardstick_fmax_mhz * 100.0).round() / 100.0,
                "fmax_mhz_by_seed": r.yardstick_runs.iter().map(|x| json!({
                    "seed": x.seed,
                    "fmax_mhz": (x.fmax_mhz * 100.0).round() / 100.0,
                })).collect::<Vec<_>>(),
            },
            "unit_over_yardstick": (r.median_fmax_mhz / r.yardstick_fmax_mhz * 100.0).round() / 100.0,
    })
}

/// How many late groups of a part the results keep, and print.
const LATE_KEPT: usize = 12;
const LATE_PRINTED: usize = 6;

/// The yardstick's median clock period on a part: what the unit's paths
/// must fit in for unit / yardstick to reach 1.
fn yardstick_period_ns(r: &PartResult) -> f64 {
    1000.0 / r.yardstick_fmax_mhz
}

/// A part's median run, the yardstick's period, and what is late in that
/// run against it ([`late::late`]).
fn median_late(r: &PartResult) -> (&Run, f64, Vec<late::Late<'_>>) {
    let m = median_run(r);
    let period = yardstick_period_ns(r);
    (m, period, late::late(&m.arrivals, period))
}

/// The late inputs of a part's median run as JSON ([`late`]).
fn late_inputs_json(r: &PartResult) -> Value {
    let (m, period, late) = median_late(r);
    json!({
        "what": "the unit's registers (by pin) and output ports whose inputs arrive later than the yardstick's median \
                 clock period, in the median run (nextpnr --detailed-timing-report, arrival after the clock edge \
                 without setup time), latest first",
        "seed": m.seed,
        "period_ns": (period * 100.0).round() / 100.0,
        "groups_late": late.len(),
        "registers": late::rows_json(&late, LATE_KEPT),
    })
}

/// What is late on each part against its yardstick, a few lines each.
pub fn late_report(results: &[PartResult]) -> String {
    let mut s = String::new();
    for r in results {
        let (m, period, late) = median_late(r);
        let all = late.len();
        let lines = late::rows_text(&late, LATE_PRINTED);
        s.push_str(&format!(
            "late against the yardstick's {period:.2} ns on {} (seed {}): {}\n",
            r.part.title,
            m.seed,
            match all {
                0 => "nothing".to_string(),
                n if n > lines.len() =>
                    format!("{n} registers or outputs, the latest {}:", lines.len()),
                n => format!("{n} registers or outputs:"),
            }
        ));
        for l in lines {
            s.push_str(&format!("  {l}\n"));
        }
    }
    s
}

/// The breakdown of one part as JSON.
fn blocks_json(a: &PartArea) -> Value {
    json!({
        "what": "ptu synthesised alone with its blocks kept as modules (keep_hierarchy), each counted alone; \
                 not optimised across the blocks' ports, so the sum exceeds the flattened total above",
        "by_block": a.blocks.rows.iter().map(|(name, x)| {
            let mut v = x.to_json();
            v["block"] = json!(name);
            v
        }).collect::<Vec<_>>(),
        "sum": a.blocks.sum().to_json(),
    })
}

/// The parts' titles, grouped by the synthesis they share (one per family).
fn by_family(areas: &[&PartArea]) -> Vec<(String, Family, PartArea)> {
    let mut groups: Vec<(String, Family, PartArea)> = Vec::new();
    for a in areas {
        match groups.iter_mut().find(|g| g.1 == a.part.family) {
            Some(g) => g.0 = format!("{}, {}", g.0, a.part.title),
            None => groups.push((a.part.title.to_string(), a.part.family, (*a).clone())),
        }
    }
    groups
}

/// A Markdown table of the unit's area by block: for each synthesis (one
/// per family), LUT4, flip-flops and carries of each block, of the top's
/// own glue, their sum, and the unit flattened.
pub fn blocks_table(areas: &[&PartArea]) -> String {
    let groups = by_family(areas);
    let mut s = String::from("| block |");
    let mut rule = String::from("|---|");
    for (titles, family, _) in &groups {
        let carry = match family {
            Family::Ice40 => "SB_CARRY",
            Family::Ecp5 => "CCU2C",
        };
        s.push_str(&format!(" {titles}: LUT4 | flip-flops | {carry} |"));
        rule.push_str("---|---|---|");
    }
    s.push('\n');
    s.push_str(&rule);
    s.push('\n');
    let cells = |x: &Area| format!(" {} | {} | {} |", x.luts, x.flip_flops, x.carries);
    for (k, (name, _)) in groups[0].2.blocks.rows.iter().enumerate() {
        s.push_str(&format!("| {name} |"));
        for g in &groups {
            s.push_str(&cells(&g.2.blocks.rows[k].1));
        }
        s.push('\n');
    }
    s.push_str("| sum, blocks kept |");
    for g in &groups {
        s.push_str(&cells(&g.2.blocks.sum()));
    }
    s.push_str("\n| unit, flattened (placed) |");
    for g in &groups {
        s.push_str(&cells(&g.2.flat));
    }
    s.push('\n');
    s
}

/// A Markdown table of the results.
pub fn table(results: &[PartResult]) -> String {
    let mut s = String::from(
        "| part | LUT4 | flip-flops | carries | Fmax, median (MHz) | Fmax by seed (MHz) | 64-bit ALU yardstick, median (MHz) | unit / yardstick |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for r in results {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {:.1} | {} | {:.1} | {:.2} |\n",
            r.part.title,
            r.area.flat.luts,
            r.area.flat.flip_flops,
            r.area.flat.carries,
            r.median_fmax_mhz,
            r.runs
                .iter()
                .map(|x| format!("{:.1}", x.fmax_mhz))
                .collect::<Vec<_>>()
                .join(", "),
            r.yardstick_fmax_mhz,
            r.median_fmax_mhz / r.yardstick_fmax_mhz
        ));
    }
    s
}

/// The area-only results as JSON.
pub fn area_json(cfg: &PtuConfig, areas: &[PartArea]) -> String {
    let v = json!({
        "what": "ptu alone: synthesis only (ptu bench synth --area-only), no place and route",
        "configuration": cfg.describe(),
        "parts": areas.iter().map(area_part_json).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&v).expect("JSON serialises");
    text.push('\n');
    text
}

/// One part's area as JSON (a row of [`area_json`]).
fn area_part_json(r: &PartArea) -> Value {
    json!({
        "part": r.part.name,
        "title": r.part.title,
        "luts": r.flat.luts,
        "flip_flops": r.flat.flip_flops,
        "carries": r.flat.carries,
        "blocks": blocks_json(r),
    })
}

/// The presets the RTL is generated for ([`PtuConfig::require_generated`]),
/// in `ptu_arch::PRESETS` order: what `--all-presets` measures.
pub fn generated_presets() -> Vec<PtuConfig> {
    ptu_arch::PRESETS
        .iter()
        .map(|p| p.config())
        .filter(|c| c.require_generated("").is_ok())
        .collect()
}

/// The rows of `--all-presets`: each part's JSON (`row`) with the preset
/// and its configuration in front.
fn preset_rows<T>(results: &[(PtuConfig, Vec<T>)], row: fn(&T) -> Value) -> Vec<Value> {
    let mut rows = Vec::new();
    for (cfg, parts) in results {
        for p in parts {
            let mut v = json!({"preset": cfg.name.to_string(), "configuration": cfg.describe()});
            if let (Some(o), Value::Object(fields)) = (v.as_object_mut(), row(p)) {
                o.extend(fields);
            }
            rows.push(v);
        }
    }
    rows
}

/// The results of `--all-presets` as JSON: a row per preset and part.
pub fn presets_json(results: &[(PtuConfig, Vec<PartResult>)], seeds: u64) -> String {
    let v = json!({
        "what": "ptu alone for every generated preset, out of context in the registered wrapper ptu_bench (synth/src/bench/mod.rs); the yardstick is the 64-bit ALU for every preset",
        "command": format!("ptu bench synth --all-presets --seeds {seeds}"),
        "presets": results.iter().map(|(c, _)| c.name.to_string()).collect::<Vec<_>>(),
        "rows": preset_rows(results, part_json),
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON serialises");
    s.push('\n');
    s
}

/// The area-only results of `--all-presets` as JSON: a row per preset and
/// part.
pub fn presets_area_json(results: &[(PtuConfig, Vec<PartArea>)]) -> String {
    let v = json!({
        "what": "ptu alone for every generated preset: synthesis only (ptu bench synth --all-presets --area-only), no place and route",
        "command": "ptu bench synth --all-presets --area-only",
        "presets": results.iter().map(|(c, _)| c.name.to_string()).collect::<Vec<_>>(),
        "rows": preset_rows(results, area_part_json),
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON serialises");
    s.push('\n');
    s
}

/// A Markdown table of `--all-presets`: a row per preset and part.
pub fn presets_table(results: &[(PtuConfig, Vec<PartResult>)]) -> String {
    let mut s = String::from(
        "| preset | part | LUT4 | flip-flops | carries | Fmax, median (MHz) | 64-bit ALU yardstick, median (MHz) | unit / yardstick |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for (cfg, parts) in results {
        for r in parts {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} | {:.1} | {:.1} | {:.2} |\n",
                cfg.name,
                r.part.title,
                r.area.flat.luts,
                r.area.flat.flip_flops,
                r.area.flat.carries,
                r.median_fmax_mhz,
                r.yardstick_fmax_mhz,
                r.median_fmax_mhz / r.yardstick_fmax_mhz
            ));
        }
    }
    s
}

/// A Markdown table of `--all-presets --area-only`: a row per preset and
/// part.
pub fn presets_area_table(results: &[(PtuConfig, Vec<PartArea>)]) -> String {
    let mut s =
        String::from("| preset | part | LUT4 | flip-flops | carries |\n|---|---|---|---|---|\n");
    for (cfg, parts) in results {
        for a in parts {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                cfg.name, a.part.title, a.flat.luts, a.flat.flip_flops, a.flat.carries
            ));
        }
    }
    s
}

/// The parts named by `--parts` (all if none).
fn chosen_parts(names: &[String]) -> Result<Vec<Part>> {
    if names.is_empty() {
        return Ok(parts().to_vec());
    }
    names
        .iter()
        .map(|n| {
            parts()
                .into_iter()
                .find(|p| p.name == n)
                .ok_or_else(|| anyhow!("unknown part `{n}`: choose from up5k, hx8k, ecp5-85k"))
        })
        .collect()
}

/// What `ptu bench synth` does with the measurement's events: each step
/// moves `bar` on, and each note becomes a line on stdout above it (when
/// `notes`; with --json, none). Dropping the result clears the bar.
fn progress_events(mut bar: tools::progress::Progress, notes: bool) -> impl FnMut(Event) {
    let mut done = 0;
    move |e: Event| match e {
        Event::Note(line) if notes => {
            bar.clear();
            println!("{line}");
            bar.set(done);
        }
        Event::Note(_) => {}
        Event::Step => {
            done += 1;
            bar.set(done);
        }
    }
}

/// `ptu bench synth`.
pub fn run_cli(a: &BenchSynthArgs) -> Result<()> {
    if a.all_presets {
        return run_presets_cli(a);
    }
    // The configuration first: a refused one writes nothing.
    let cfg = a.cfg.generated("")?;
    let chosen = chosen_parts(&a.parts)?;
    let out = results_file(&a.out_dir(&cfg), a.area_only)?;
    let work = cfg.out_folder(
        &flow::project_root()
            .join("synth")
            .join("build")
            .join("bench"),
    );
    let t = Instant::now();
    // Notes on stdout and a progress line on stderr (a terminal only);
    // with --json, neither.
    let mut say = progress_events(
        tools::progress::Progress::new(
            "bench synth",
            steps(&chosen, a.seeds, a.area_only),
            "steps",
            !a.json,
        ),
        !a.json,
    );
    if a.area_only {
        let areas = measure_area(&cfg, &chosen, &work, &mut say)?;
        drop(say);
        let text = area_json(&cfg, &areas);
        tools::write_atomic(&out, text.as_bytes())?;
        if a.json {
            print!("{text}");
            return Ok(());
        }
        println!("\n{}", blocks_table(&areas.iter().collect::<Vec<_>>()));
        println!(
            "results: {} ({:.0} s; logs in {})",
            out.display(),
            t.elapsed().as_secs_f64(),
            work.display()
        );
        return Ok(());
    }
    let results = measure(&cfg, &chosen, a.seeds, &work, &mut say)?;
    drop(say);
    let text = to_json(&cfg, &results, a.seeds);
    tools::write_atomic(&out, text.as_bytes())?;
    if a.json {
        print!("{text}");
        return Ok(());
    }
    println!("\n{}", table(&results));
    println!(
        "{}",
        blocks_table(&results.iter().map(|r| &r.area).collect::<Vec<_>>())
    );
    for r in &results {
        println!(
            "critical path on {}: {}",
            r.part.title,
            median_run(r).critical_path
        );
    }
    print!("{}", late_report(&results));
    println!(
        "results: {} ({:.0} s; logs in {})",
        out.display(),
        t.elapsed().as_secs_f64(),
        work.display()
    );
    Ok(())
}

/// `ptu bench synth --all-presets`: every generated preset one after the
/// other (each in its own work folder, `synth/build/bench-NAME`), the
/// results written once, at the end.
fn run_presets_cli(a: &BenchSynthArgs) -> Result<()> {
    let chosen = chosen_parts(&a.parts)?;
    if a.seeds == 0 && !a.area_only {
        bail!("--seeds must be at least 1");
    }
    let out = results_file(
        &a.out.clone().unwrap_or_else(|| PathBuf::from(PRESETS_OUT)),
        a.area_only,
    )?;
    let presets = generated_presets();
    let t = Instant::now();
    let steps_each = steps(&chosen, a.seeds, a.area_only);
    let mut say = progress_events(
        tools::progress::Progress::new(
            "bench synth --all-presets",
            steps_each * presets.len() as u64,
            "steps",
            !a.json,
        ),
        !a.json,
    );
    let root = flow::project_root()
        .join("synth")
        .join("build")
        .join("bench");
    let mut failed: Vec<String> = Vec::new();
    let (text, table) = if a.area_only {
        let mut results = Vec::new();
        for cfg in &presets {
            say(Event::Note(&format!("preset {}", cfg.describe())));
            let areas = measure_area(cfg, &chosen, &cfg.out_folder(&root), &mut say)?;
            results.push((*cfg, areas));
        }
        (presets_area_json(&results), presets_area_table(&results))
    } else {
        let mut results = Vec::new();
        for cfg in &presets {
            say(Event::Note(&format!("preset {}", cfg.describe())));
            // A preset that does not place and route on a part (the router
            // gives up) is reported, and the others are still measured.
            match measure(cfg, &chosen, a.seeds, &cfg.out_folder(&root), &mut say) {
                Ok(r) => results.push((*cfg, r)),
                Err(e) => {
                    let line = format!("{}: {e:#}", cfg.name);
                    say(Event::Note(&format!("  left out: {line}")));
                    failed.push(line);
                }
            }
        }
        (presets_json(&results, a.seeds), presets_table(&results))
    };
    drop(say);
    tools::write_atomic(&out, text.as_bytes())?;
    if !failed.is_empty() {
        bail!(
            "{} of {} presets not measured (the others are in {}): {}",
            failed.len(),
            presets.len(),
            out.display(),
            failed.join("; ")
        );
    }
    if a.json {
        print!("{text}");
        return Ok(());
    }
    println!("\n{table}");
    println!(
        "results: {} ({:.0} s; logs in {}*)",
        out.display(),
        t.elapsed().as_secs_f64(),
        root.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_go_to_a_build_folder_unless_told_otherwise() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            args: BenchSynthArgs,
        }
        let a = Cli::try_parse_from(["synth"]).unwrap().args;
        let d = PtuConfig::default();
        assert_eq!(
            results_file(&a.out_dir(&d), false).unwrap(),
            Path::new("build/bench/results.json")
        );
        assert_eq!(
            results_file(&a.out_dir(&d), true).unwrap(),
            Path::new("build/bench/area.json")
        );
        let a = Cli::try_parse_from(["synth", "--out", "synth/bench"])
            .unwrap()
            .args;
        assert_eq!(
            results_file(&a.out_dir(&d), false).unwrap(),
            Path::new("synth/bench/results.json")
        );
        let e = results_file(Path::new("synth/bench/results.json"), false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--out takes a folder, not a file: give --out synth/bench to write synth/bench/results.json"
        );
    }

    #[test]
    fn steps_count_a_synthesis_per_family_and_two_runs_per_part_and_seed() {
        let all = parts();
        assert_eq!(steps(&all, 5, false), 2 + 3 * 5 * 2);
        assert_eq!(steps(&all, 5, true), 2);
        assert_eq!(steps(&all[..1], 3, false), 1 + 3 * 2);
    }

    #[test]
    fn wrapper_connects_every_port() {
        let w = wrapper();
        for (n, _, _) in ptu_arch::PORTS {
            assert!(w.contains(&format!(".{n}(")), "{n} not connected");
        }
        assert!(
            w.contains("reg [595:0] in_sr;") || w.contains("reg ["),
            "{w}"
        );
    }

    /// A small unit placed for real: nextpnr's detailed report, read back
    /// as arrivals, names its register and its output port.
    #[test]
    fn a_placed_unit_names_its_late_registers_and_outputs() {
        let dir = std::env::temp_dir().join(format!("ptu-late-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ports: &Ports = &[("a", Dir::In, 16), ("q", Dir::Out, 16)];
        std::fs::write(
            dir.join("ptu.v"),
            "module ptu(clock, a, q);\n\
             \x20   input wire clock;\n\
             \x20   input wire [15:0] a;\n\
             \x20   output wire [15:0] q;\n\
             \x20   reg [15:0] acc;\n\
             \x20   always @(posedge clock) acc <= acc + (a ^ {acc[7:0], acc[15:8]});\n\
             \x20   assign q = acc + a;\n\
             endmodule\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("ptu_bench.v"),
            registered_wrapper(
                "ptu_bench",
                "a small unit",
                16,
                16,
                "    ptu unit(.clock(clock), .a(in_sr[15:0]), .q(outs));\n",
            ),
        )
        .unwrap();
        let (yosys, nextpnr) = tools_for(Family::Ice40).unwrap();
        synthesise(Design::Unit, Family::Ice40, &yosys, &dir).unwrap();
        let cells = netlist_cells(&dir, "ptu_bench").unwrap();
        let run = place_top(
            "ptu_bench",
            ports,
            &parts()[0],
            &nextpnr,
            &dir,
            1,
            Some(&cells),
        )
        .unwrap()
        .unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let names: Vec<&str> = run.arrivals.iter().map(|a| a.name.as_str()).collect();
        assert!(names.contains(&"output q"), "{names:?}");
        let q = run.arrivals.iter().find(|a| a.name == "output q").unwrap();
        assert_eq!(q.ns.len(), 16, "{q:?}");
        assert!(names.iter().any(|n| n.starts_with("unit.acc")), "{names:?}");
        // Each logic cell's LUT inputs are named as its flip-flop's data.
        assert!(
            run.arrivals
                .iter()
                .all(|a| ["", "D", "CE", "SR"].contains(&a.pin.as_str())),
            "{:?}",
            run.arrivals
        );
        // Only the unit's registers and outputs: not the wrapper's own.
        assert!(
            names
                .iter()
                .all(|n| n.starts_with("unit.") || n.starts_with("output ")),
            "{names:?}"
        );
        // Every arrival is after the clock edge, and within the run's
        // period or close to it (the critical path ends at one of them).
        let latest = run
            .arrivals
            .iter()
            .flat_map(|a| a.ns.iter())
            .fold(0.0, |m: f64, &t| m.max(t));
        let period = 1000.0 / run.fmax_mhz;
        assert!(
            latest > 0.5 * period && latest <= period * 1.05,
            "{latest} {period}"
        );
        assert!(!late::late(&run.arrivals, latest / 2.0).is_empty());
        assert!(late::late(&run.arrivals, latest).is_empty());
    }

    #[test]
    fn the_yardstick_lints_cleanly_and_synthesises() {
        let dir = std::env::temp_dir().join(format!("ptu-yardstick-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let v = dir.join("alu64_bench.v");
        std::fs::write(&v, yardstick()).unwrap();
        crate::lint::verilator_lint(&v, "alu64_bench", None)
            .unwrap()
            .ensure_clean()
            .unwrap();
        let stats = crate::lint::yosys_synth_ice40(&v, "alu64_bench", &dir).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        // 2 x 64 operand bits + 2 op bits in, 64 result bits out, and the
        // registered `load`.
        assert_eq!(stats.flip_flops, 130 + 64 + 1, "{stats:?}");
        // One carry chain per add and subtract at least.
        assert!(stats.carries >= 2 * 62, "{stats:?}");
    }

    #[test]
    fn critical_paths_are_described() {
        let r: Value = serde_json::from_str(
            r#"{"critical_paths": [{"from": "posedge clk", "to": "posedge clk", "path": [
                {"type": "clk-to-q", "delay": 1.0, "from": {"cell": "a_LC", "port": "CLK"}, "to": {"cell": "a_LC", "port": "O"}},
                {"type": "routing", "delay": 2.0, "net": "unit.busy", "from": {"cell": "a_LC", "port": "O"}, "to": {"cell": "b_LC", "port": "I2"}},
                {"type": "logic", "delay": 1.0, "from": {"cell": "b_LC", "port": "I2"}, "to": {"cell": "b_LC", "port": "O"}},
                {"type": "routing", "delay": 1.5, "net": "unit.entry_unit.take_nmi", "from": {"cell": "b_LC", "port": "O"}, "to": {"cell": "c_LC", "port": "CIN"}},
                {"type": "logic", "delay": 0.5, "from": {"cell": "c_LC", "port": "CIN"}, "to": {"cell": "c_LC", "port": "COUT"}},
                {"type": "setup", "delay": 0.5, "from": {"cell": "unit.frame_sequencer.addr.q_SB_DFFESR_Q_D_SB_LUT4_O_LC", "port": "I3"},
                 "to": {"cell": "unit.frame_sequencer.addr.q_SB_DFFESR_Q_D_SB_LUT4_O_LC", "port": "I3"}}]}]}"#,
        )
        .unwrap();
        assert_eq!(
            critical_path(&r).unwrap(),
            "6.5 ns (3.0 logic, 3.5 routing) from unit.busy to unit.frame_sequencer.addr.q: \
             1 LUT levels and 1 carry steps, through unit.entry_unit.take_nmi"
        );
    }

    #[test]
    fn wrapper_nets_are_named_by_port() {
        let ports = PtuConfig::default().ports();
        assert_eq!(port_net(&ports, "outs[260]"), "unit.busy");
        assert_eq!(port_net(&ports, "unit_shutdown[519]"), "unit.shutdown");
        assert_eq!(port_net(&ports, "outs[0]"), "unit.cpl");
        assert_eq!(port_net(&ports, "unit.irq"), "unit.irq");
        // The 32-bit unit's outputs are narrower: bit 2 is rip, bit 34 rsp.
        let small = ptu_arch::config::preset("ice40-small-32").unwrap().config();
        let ports = small.ports();
        assert_eq!(port_net(&ports, "outs[2]"), "unit.rip");
        assert_eq!(port_net(&ports, "outs[34]"), "unit.rsp");
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn cell_names_lose_techmap_suffixes() {
        assert_eq!(
            cell_name("unit.entry_unit.event_info_q.q_SB_DFFESR_Q_E"),
            "unit.entry_unit.event_info_q.q"
        );
    }

    /// The `stat` of `synth_ice40` of the emitted unit with its blocks kept.
    const ICE40_BLOCKS_STAT: &str = include_str!("../../bench/testdata/ice40-blocks-stat.log");

    fn area(luts: u64, flip_flops: u64, carries: u64) -> Area {
        Area {
            luts,
            flip_flops,
            carries,
        }
    }

    #[test]
    fn a_saved_yosys_stat_reads_as_a_breakdown_and_prints_as_a_table() {
        let b = Breakdown::from_log(Family::Ice40, ICE40_BLOCKS_STAT).unwrap();
        let rows: Vec<(&str, Area)> = b.rows.iter().map(|(n, a)| (n.as_str(), *a)).collect();
        assert_eq!(
            rows,
            [
                ("rename_bank", area(520, 385, 0)),
                ("entry_unit", area(770, 310, 106)),
                ("return_path", area(9, 178, 0)),
                ("frame_sequencer", area(600, 69, 107)),
                ("csr_file", area(452, 197, 0)),
                (GLUE, area(204, 1, 0)),
            ]
        );
        assert_eq!(b.total, area(2555, 1140, 213));
        assert_eq!(b.sum(), b.total);
        let ice = PartArea {
            part: parts()[0].clone(),
            flat: area(2438, 1121, 213),
            blocks: b.clone(),
        };
        let hx = PartArea {
            part: parts()[1].clone(),
            ..ice.clone()
        };
        let mut ecp = PartArea {
            part: parts()[2].clone(),
            flat: area(2515, 1121, 124),
            blocks: b,
        };
        ecp.blocks.rows[0].1.luts = 500;
        assert_eq!(
            blocks_table(&[&ice, &hx, &ecp]),
            "| block | iCE40UP5K-SG48, iCE40HX8K-CT256: LUT4 | flip-flops | SB_CARRY | \
             ECP5 LFE5U-85F-6 CABGA381: LUT4 | flip-flops | CCU2C |\n\
             |---|---|---|---|---|---|---|\n\
             | rename_bank | 520 | 385 | 0 | 500 | 385 | 0 |\n\
             | entry_unit | 770 | 310 | 106 | 770 | 310 | 106 |\n\
             | return_path | 9 | 178 | 0 | 9 | 178 | 0 |\n\
             | frame_sequencer | 600 | 69 | 107 | 600 | 69 | 107 |\n\
             | csr_file | 452 | 197 | 0 | 452 | 197 | 0 |\n\
             | ptu (own glue) | 204 | 1 | 0 | 204 | 1 | 0 |\n\
             | sum, blocks kept | 2555 | 1140 | 213 | 2535 | 1140 | 213 |\n\
             | unit, flattened (placed) | 2438 | 1121 | 213 | 2515 | 1121 | 124 |\n"
        );
        let v = blocks_json(&ice);
        assert_eq!(v["by_block"][1]["block"], "entry_unit");
        assert_eq!(v["by_block"][1]["luts"], 770);
        assert_eq!(v["sum"]["flip_flops"], 1140);
    }

    #[test]
    fn every_preset_gets_a_row_per_part_in_the_table_and_the_json() {
        let b = Breakdown::from_log(Family::Ice40, ICE40_BLOCKS_STAT).unwrap();
        let run = |seed, fmax_mhz| Run {
            seed,
            fmax_mhz,
            logic_cells: 2500,
            critical_path: format!("path of seed {seed}"),
            seconds: 40.0,
            // Against the 60 MHz yardstick (16.67 ns), one bit is late.
            arrivals: vec![late::Arrivals {
                name: "unit.rename_bank.kernel_rip".into(),
                pin: "CE".into(),
                ns: vec![20.0, 10.0],
            }],
        };
        let result = |k: usize, flat: Area, fmax: f64| PartResult {
            part: parts()[k].clone(),
            area: PartArea {
                part: parts()[k].clone(),
                flat,
                blocks: b.clone(),
            },
            runs: vec![run(1, fmax - 1.0), run(2, fmax), run(3, fmax + 2.0)],
            median_fmax_mhz: fmax,
            yardstick_runs: vec![run(1, 60.0)],
            yardstick_fmax_mhz: 60.0,
        };
        let d = PtuConfig::default();
        let small = ptu_arch::config::preset("ice40-small-32").unwrap().config();
        let results = vec![
            (
                d,
                vec![
                    result(0, area(2438, 1121, 213), 30.0),
                    result(2, area(2515, 1121, 124), 45.0),
                ],
            ),
            (
                small,
                vec![
                    result(0, area(1300, 600, 110), 36.0),
                    result(2, area(1350, 600, 70), 51.0),
                ],
            ),
        ];
        assert_eq!(
            presets_table(&results),
            "| preset | part | LUT4 | flip-flops | carries | Fmax, median (MHz) | 64-bit ALU yardstick, median (MHz) | unit / yardstick |\n\
             |---|---|---|---|---|---|---|---|\n\
             | x86_64-default | iCE40UP5K-SG48 | 2438 | 1121 | 213 | 30.0 | 60.0 | 0.50 |\n\
             | x86_64-default | ECP5 LFE5U-85F-6 CABGA381 | 2515 | 1121 | 124 | 45.0 | 60.0 | 0.75 |\n\
             | ice40-small-32 | iCE40UP5K-SG48 | 1300 | 600 | 110 | 36.0 | 60.0 | 0.60 |\n\
             | ice40-small-32 | ECP5 LFE5U-85F-6 CABGA381 | 1350 | 600 | 70 | 51.0 | 60.0 | 0.85 |\n"
        );
        let v: Value = serde_json::from_str(&presets_json(&results, 3)).unwrap();
        assert_eq!(v["command"], "ptu bench synth --all-presets --seeds 3");
        assert_eq!(v["presets"], json!(["x86_64-default", "ice40-small-32"]));
        let rows = v["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[2]["preset"], "ice40-small-32");
        assert_eq!(rows[2]["configuration"], small.describe());
        assert_eq!(rows[2]["part"], "up5k");
        assert_eq!(rows[2]["luts"], 1300);
        assert_eq!(rows[2]["median_fmax_mhz"], 36.0);
        assert_eq!(rows[2]["critical_path"], "path of seed 2");
        assert_eq!(rows[3]["part"], "ecp5-85k");
        assert_eq!(rows[3]["unit_over_yardstick"], 0.85);
        assert_eq!(rows[3]["late_inputs"]["seed"], 2);
        assert_eq!(rows[3]["late_inputs"]["period_ns"], 16.67);
        assert_eq!(rows[3]["late_inputs"]["registers"][0]["bits_late"], 1);
        assert_eq!(rows[3]["late_inputs"]["registers"][0]["latest_ns"], 20.0);
        assert_eq!(
            late_report(&results[0].1).lines().nth(1),
            Some("  unit.rename_bank.kernel_rip CE: 1 of 2 bits, up to 20.00 ns")
        );
        // Every row has the fields of a part of a single configuration's run.
        let single: Value = serde_json::from_str(&to_json(&d, &results[0].1, 3)).unwrap();
        let keys = |o: &Value| -> Vec<String> {
            let mut k: Vec<String> = o.as_object().unwrap().keys().cloned().collect();
            k.retain(|k| k != "preset" && k != "configuration");
            k.sort();
            k
        };
        for r in rows {
            assert_eq!(keys(r), keys(&single["parts"][0]));
        }
        // Area only: the same rows without place and route.
        let areas: Vec<(PtuConfig, Vec<PartArea>)> = results
            .iter()
            .map(|(c, r)| (*c, r.iter().map(|x| x.area.clone()).collect()))
            .collect();
        let v: Value = serde_json::from_str(&presets_area_json(&areas)).unwrap();
        assert_eq!(v["rows"].as_array().unwrap().len(), 4);
        assert_eq!(v["rows"][1]["carries"], 124);
        assert!(v["rows"][1].get("median_fmax_mhz").is_none());
        assert_eq!(
            presets_area_table(&areas).lines().nth(5),
            Some("| ice40-small-32 | ECP5 LFE5U-85F-6 CABGA381 | 1350 | 600 | 70 |")
        );
    }

    #[test]
    fn all_presets_are_the_generated_ones_and_exclude_a_single_configuration() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            args: BenchSynthArgs,
        }
        let g = generated_presets();
        assert_eq!(g[0], PtuConfig::default());
        for c in &g {
            c.require_generated("").unwrap();
        }
        for p in ptu_arch::PRESETS {
            let c = p.config();
            assert_eq!(
                g.contains(&c),
                c.require_generated("").is_ok(),
                "{}",
                p.name
            );
        }
        assert!(
            Cli::try_parse_from(["synth", "--all-presets"])
                .unwrap()
                .args
                .all_presets
        );
        assert!(
            Cli::try_parse_from(["synth", "--all-presets", "--preset", "x86_64-default"]).is_err()
        );
        assert!(Cli::try_parse_from(["synth", "--all-presets", "--config", "a.toml"]).is_err());
    }

    #[test]
    fn the_wrapper_follows_the_configuration() {
        let small = ptu_arch::config::preset("ice40-small-32").unwrap().config();
        let w = wrapper_for(&small);
        let bits = |ports: &[(&str, Dir, usize)], dir| -> usize {
            ports
                .iter()
                .filter(|p| p.1 == dir && p.0 != "clock")
                .map(|p| p.2)
                .sum()
        };
        let p = small.ports();
        assert!(
            w.contains(&format!("reg [{}:0] in_sr;", bits(&p, Dir::In) - 1)),
            "{w}"
        );
        assert!(w.contains(&format!("reg [{}:0] out_sr;", bits(&p, Dir::Out) - 1)));
        assert!(w.contains(".next_rip(in_sr[33:2])"), "{w}");
        let full = ptu_arch::config::preset("x86_64-full").unwrap().config();
        let w = wrapper_for(&full);
        for port in ["fs_we", "fs_wdata", "fs_base"] {
            assert!(w.contains(&format!(".{port}(")), "{port}");
        }
        assert_eq!(wrapper(), wrapper_for(&PtuConfig::default()));
    }

    #[test]
    fn a_stat_without_a_kept_block_is_an_error_naming_it() {
        let log = ICE40_BLOCKS_STAT.replace("=== ptu_return_path ===", "=== other ===");
        let e = Breakdown::from_log(Family::Ice40, &log).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the Yosys log has no statistics of module ptu_return_path (was it kept?)"
        );
    }

    #[test]
    fn the_ice40_breakdown_of_the_emitted_unit_sums_to_its_total() {
        let dir = std::env::temp_dir().join(format!("ptu-bench-blocks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("ptu.v"),
            ptu_rtl::verilog::emit(&PtuConfig::default()).unwrap(),
        )
        .unwrap();
        std::fs::write(dir.join("ptu_bench.v"), wrapper()).unwrap();
        let (yosys, _) = tools_for(Family::Ice40).unwrap();
        let b = synthesise_blocks(Family::Ice40, &yosys, &dir).unwrap();
        let flat = Area::of(
            Family::Ice40,
            &synthesise(Design::Unit, Family::Ice40, &yosys, &dir).unwrap(),
        );
        let _ = std::fs::remove_dir_all(&dir);
        // Every block and nothing else: the rows add up to Yosys's total.
        let names: Vec<&str> = b.rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(names[..5], BLOCKS.map(|b| b.0));
        assert_eq!(b.sum(), b.total, "{b:?}");
        for (name, a) in &b.rows[..5] {
            assert!(a.luts > 0 && a.flip_flops > 0, "{name}: {a:?}");
        }
        // The flattened unit only loses what crosses the blocks' ports
        // (duplicate registers, logic of constant or unused ports).
        let s = b.sum();
        assert!(flat.flip_flops <= s.flip_flops, "{flat:?} {s:?}");
        assert!(flat.flip_flops * 21 >= s.flip_flops * 20, "{flat:?} {s:?}");
        assert!(
            flat.luts * 10 >= s.luts * 9 && flat.luts <= s.luts * 11 / 10,
            "{flat:?} {s:?}"
        );
        assert_eq!(flat.carries, s.carries, "{flat:?} {s:?}");
    }
}
