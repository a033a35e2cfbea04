//! Test vectors: the inputs of every cycle and the outputs the reference
//! model predicts for it, as text that any simulator's harness can read.
//!
//! One line per cycle, whitespace-separated lowercase hex fields without
//! prefix: first every input of `ptu` in [`INPUTS`] order, then every
//! output in [`OUTPUTS`] order. Lines starting with `#` are comments.
//!
//! ```text
//! # ptu vectors v1: 25 inputs then 15 outputs, hex
//! 0 1 404 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1000 8000 ...
//! ```
//!
//! The harnesses (Icarus, Verilator) apply the inputs after the falling
//! edge, compare every output just before the rising edge, and report
//! each differing port of the first failing cycle.
//!
//! Another configuration of the unit ([`Columns::for_config`]) has the
//! columns of its own ports, in the order of `PtuConfig::ports`: with
//! `fs_bank` `fs_we` and `fs_wdata` after `gs_wdata` and `fs_base` after
//! `gs_base`; with `xlen = 32` the same columns, 32 bits wide. Its header
//! counts them, and a second comment line names the configuration. The
//! default configuration's vectors are exactly the format above.

use ptu_arch::{Dir, Inputs, Outputs, PtuConfig, PORTS};
use std::io::{self, Write};

/// First line of a vector file.
pub const HEADER: &str = "# ptu vectors v1: 25 inputs then 15 outputs, hex";

/// Input ports in vector order (SPEC's order, without `clock`).
pub const INPUTS: [&str; 25] = [
    "reset",
    "retire",
    "next_rip",
    "rsp_we",
    "rsp_wdata",
    "gs_we",
    "gs_wdata",
    "op_syscall",
    "op_eret",
    "csr_re",
    "csr_we",
    "csr_addr",
    "csr_wdata",
    "exc_valid",
    "exc_vector",
    "exc_error",
    "exc_error_valid",
    "exc_data",
    "irq",
    "irq_vector",
    "nmi",
    "mce",
    "mem_ready",
    "mem_rdata",
    "mem_err",
];

/// Output ports in vector order (SPEC's order).
pub const OUTPUTS: [&str; 15] = [
    "cpl",
    "rip",
    "rsp",
    "gs_base",
    "csr_rdata",
    "irq_ack",
    "redirect",
    "busy",
    "event_info",
    "event_data",
    "mem_valid",
    "mem_we",
    "mem_addr",
    "mem_wdata",
    "shutdown",
];

/// Width of a port of `ptu`.
pub fn width(port: &str) -> usize {
    PORTS
        .iter()
        .find(|(n, _, _)| *n == port)
        .map(|(_, _, w)| *w)
        .unwrap_or_else(|| panic!("no port {port}"))
}

/// The inputs of a cycle in [`INPUTS`] order.
pub fn input_values(i: &Inputs) -> [u64; 25] {
    [
        i.reset as u64,
        i.retire as u64,
        i.next_rip,
        i.rsp_we as u64,
        i.rsp_wdata,
        i.gs_we as u64,
        i.gs_wdata,
        i.op_syscall as u64,
        i.op_eret as u64,
        i.csr_re as u64,
        i.csr_we as u64,
        i.csr_addr as u64,
        i.csr_wdata,
        i.exc_valid as u64,
        i.exc_vector as u64,
        i.exc_error as u64,
        i.exc_error_valid as u64,
        i.exc_data,
        i.irq as u64,
        i.irq_vector as u64,
        i.nmi as u64,
        i.mce as u64,
        i.mem_ready as u64,
        i.mem_rdata,
        i.mem_err as u64,
    ]
}

/// The outputs of a cycle in [`OUTPUTS`] order.
pub fn output_values(o: &Outputs) -> [u64; 15] {
    let p = o.ports();
    let mut v = [0; 15];
    for (k, name) in OUTPUTS.iter().enumerate() {
        debug_assert_eq!(p[k].0, *name);
        v[k] = p[k].1;
    }
    v
}

/// Append `v` in lowercase hex without leading zeros (as `{v:x}`, but
/// without the formatting machinery: vectors are written by the million).
fn push_hex(s: &mut String, v: u64) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut buf = [0u8; 16];
    let mut n = 16;
    let mut x = v;
    loop {
        n -= 1;
        buf[n] = DIGITS[(x & 0xf) as usize];
        x >>= 4;
        if x == 0 {
            break;
        }
    }
    s.push_str(std::str::from_utf8(&buf[n..]).expect("hex digits are ASCII"));
}

/// The value of input port `name` in `i`.
fn input_value(i: &Inputs, name: &str) -> u64 {
    match name {
        "reset" => i.reset as u64,
        "retire" => i.retire as u64,
        "next_rip" => i.next_rip,
        "rsp_we" => i.rsp_we as u64,
        "rsp_wdata" => i.rsp_wdata,
        "gs_we" => i.gs_we as u64,
        "gs_wdata" => i.gs_wdata,
        "fs_we" => i.fs_we as u64,
        "fs_wdata" => i.fs_wdata,
        "op_syscall" => i.op_syscall as u64,
        "op_eret" => i.op_eret as u64,
        "csr_re" => i.csr_re as u64,
        "csr_we" => i.csr_we as u64,
        "csr_addr" => i.csr_addr as u64,
        "csr_wdata" => i.csr_wdata,
        "exc_valid" => i.exc_valid as u64,
        "exc_vector" => i.exc_vector as u64,
        "exc_error" => i.exc_error as u64,
        "exc_error_valid" => i.exc_error_valid as u64,
        "exc_data" => i.exc_data,
        "irq" => i.irq as u64,
        "irq_vector" => i.irq_vector as u64,
        "nmi" => i.nmi as u64,
        "mce" => i.mce as u64,
        "mem_ready" => i.mem_ready as u64,
        "mem_rdata" => i.mem_rdata,
        "mem_err" => i.mem_err as u64,
        _ => panic!("no input port {name}"),
    }
}

/// The value of output port `name` in `o`.
fn output_value(o: &Outputs, name: &str) -> u64 {
    if name == "fs_base" {
        return o.fs_base;
    }
    o.ports()
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("no output port {name}"))
}

/// The columns of the vectors of one configuration: its ports (without
/// `clock`), inputs then outputs, each with its width.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    pub inputs: Vec<(&'static str, usize)>,
    pub outputs: Vec<(&'static str, usize)>,
    /// The header lines (the default's is [`HEADER`] alone).
    pub header: String,
}

impl Columns {
    /// The columns of `cfg`'s ports.
    pub fn for_config(cfg: &PtuConfig) -> Self {
        let ports = cfg.ports();
        let pick = |dir: Dir| -> Vec<(&'static str, usize)> {
            ports
                .iter()
                .filter(|(n, d, _)| *d == dir && *n != "clock")
                .map(|(n, _, w)| (*n, *w))
                .collect()
        };
        let (inputs, outputs) = (pick(Dir::In), pick(Dir::Out));
        let header = if cfg.ports() == PORTS.to_vec() {
            HEADER.to_string()
        } else {
            format!(
                "# ptu vectors v1: {} inputs then {} outputs, hex\n# configuration {}",
                inputs.len(),
                outputs.len(),
                cfg.describe()
            )
        };
        Columns {
            inputs,
            outputs,
            header,
        }
    }

    /// The width of a port of this configuration.
    pub fn width(&self, port: &str) -> usize {
        self.inputs
            .iter()
            .chain(self.outputs.iter())
            .find(|(n, _)| *n == port)
            .map(|(_, w)| *w)
            .unwrap_or_else(|| panic!("no port {port}"))
    }

    /// One line's values: the inputs, then the outputs, in column order.
    pub fn values(&self, inp: &Inputs, out: &Outputs) -> Vec<u64> {
        self.inputs
            .iter()
            .map(|(n, _)| input_value(inp, n))
            .chain(self.outputs.iter().map(|(n, _)| output_value(out, n)))
            .collect()
    }
}

/// Writes vectors to any sink (a file, or a pipe into a simulator).
pub struct VectorWriter<W: Write> {
    out: W,
    line: String,
    /// The columns of a configuration other than the default's.
    columns: Option<Columns>,
}

impl<W: Write> VectorWriter<W> {
    /// Start a vector stream (writes the header).
    pub fn new(mut out: W) -> io::Result<Self> {
        writeln!(out, "{HEADER}")?;
        Ok(Self {
            out,
            line: String::with_capacity(512),
            columns: None,
        })
    }

    /// Start a vector stream of the configuration `cfg` (its columns,
    /// [`Columns::for_config`]); the default's is [`VectorWriter::new`]'s.
    pub fn for_config(mut out: W, cfg: &PtuConfig) -> io::Result<Self> {
        let c = Columns::for_config(cfg);
        writeln!(out, "{}", c.header)?;
        Ok(Self {
            out,
            line: String::with_capacity(512),
            columns: (c.header != HEADER).then_some(c),
        })
    }

    /// One cycle: its inputs and the outputs the model predicts.
    pub fn cycle(&mut self, inp: &Inputs, expected: &Outputs) -> io::Result<()> {
        self.line.clear();
        if let Some(c) = &self.columns {
            for v in c.values(inp, expected) {
                push_hex(&mut self.line, v);
                self.line.push(' ');
            }
            self.line.pop();
            self.line.push('\n');
            return self.out.write_all(self.line.as_bytes());
        }
        for v in input_values(inp)
            .iter()
            .chain(output_values(expected).iter())
        {
            push_hex(&mut self.line, *v);
            self.line.push(' ');
        }
        self.line.pop();
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())
    }

    /// Flush and return the sink.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The random legal stimulus of `ptu sim --random`: a random core (rare
/// resets) and a bus with up to `max_wait` wait states and errors with
/// probability `bus_errors`, run against the reference model from reset.
/// Calls `f` with each cycle's inputs and the model's outputs; stops
/// early when `f` returns `false`.
pub fn random_cycles(
    seed: u64,
    cycles: u64,
    max_wait: u32,
    bus_errors: f64,
    f: impl FnMut(u64, &Inputs, &Outputs) -> bool,
) {
    random_cycles_for(&PtuConfig::default(), seed, cycles, max_wait, bus_errors, f)
}

/// [`random_cycles`] for the unit configured as `cfg`: the random core
/// and the model of that configuration. For the default, the same cycles.
pub fn random_cycles_for(
    cfg: &PtuConfig,
    seed: u64,
    cycles: u64,
    max_wait: u32,
    bus_errors: f64,
    mut f: impl FnMut(u64, &Inputs, &Outputs) -> bool,
) {
    use crate::bus::{Memory, Wait};
    use crate::model::Model;
    use crate::stimulus::{RandomCore, RandomCoreConfig};
    let mut core = RandomCore::for_unit(
        seed,
        RandomCoreConfig {
            reset_prob: 0.0002,
            shutdown_reset_prob: 0.05,
            ..RandomCoreConfig::default()
        },
        cfg,
    );
    let mut mem = Memory::new(seed ^ 0x5eed_5eed);
    mem.wait = if max_wait == 0 {
        Wait::Fixed(0)
    } else {
        Wait::Random { max: max_wait }
    };
    mem.error_prob = bus_errors;
    let mut model = Model::new(cfg);
    let mask = cfg.xlen_mask();
    for cycle in 0..cycles {
        let state = model.outputs(&Inputs::default());
        let mut inp = core.next(&state);
        let (ready, rdata, err) = mem.respond(&state);
        inp.mem_ready = ready;
        // The memory holds what the unit wrote; a word it never wrote is
        // 0. Cut to the port's width all the same.
        inp.mem_rdata = rdata & mask;
        inp.mem_err = err;
        if !f(cycle, &inp, &model.outputs(&inp)) {
            return;
        }
        model.step(&inp);
        mem.clock(&state, ready, err);
    }
}

/// Record [`random_cycles`] as vectors. Returns the number of cycles
/// written.
pub fn record_random<W: Write>(
    seed: u64,
    cycles: u64,
    max_wait: u32,
    bus_errors: f64,
    w: &mut VectorWriter<W>,
) -> io::Result<u64> {
    record_random_for(&PtuConfig::default(), seed, cycles, max_wait, bus_errors, w)
}

/// [`record_random`] for the unit configured as `cfg`
/// ([`random_cycles_for`]).
pub fn record_random_for<W: Write>(
    cfg: &PtuConfig,
    seed: u64,
    cycles: u64,
    max_wait: u32,
    bus_errors: f64,
    w: &mut VectorWriter<W>,
) -> io::Result<u64> {
    let mut result = Ok(());
    let mut n = 0;
    random_cycles_for(cfg, seed, cycles, max_wait, bus_errors, |_, inp, out| {
        result = w.cycle(inp, out);
        n += 1;
        result.is_ok()
    });
    result.map(|_| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vector_order_is_specs_port_order() {
        let ins: Vec<_> = PORTS
            .iter()
            .filter(|(n, d, _)| *d == ptu_arch::Dir::In && *n != "clock")
            .map(|(n, _, _)| *n)
            .collect();
        assert_eq!(ins, INPUTS);
        let outs: Vec<_> = PORTS
            .iter()
            .filter(|(_, d, _)| *d == ptu_arch::Dir::Out)
            .map(|(n, _, _)| *n)
            .collect();
        assert_eq!(outs, OUTPUTS);
    }

    #[test]
    fn hex_matches_the_standard_formatter() {
        for v in [0u64, 1, 0xf, 0x10, 0xdead_beef, u64::MAX, 1 << 63] {
            let mut s = String::new();
            push_hex(&mut s, v);
            assert_eq!(s, format!("{v:x}"));
        }
    }

    #[test]
    fn a_cycle_is_one_line_of_hex_fields() {
        let mut w = VectorWriter::new(Vec::new()).unwrap();
        let inp = Inputs::csr_write(0x10, 0xdead);
        let out = Outputs {
            cpl: 3,
            rip: 0x40_1000,
            ..Outputs::default()
        };
        w.cycle(&inp, &out).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(HEADER));
        // The default configuration's writer writes the same.
        let mut d = VectorWriter::for_config(Vec::new(), &PtuConfig::default()).unwrap();
        d.cycle(&inp, &out).unwrap();
        assert_eq!(String::from_utf8(d.finish().unwrap()).unwrap(), text);
        let fields: Vec<_> = lines.next().unwrap().split(' ').collect();
        assert_eq!(fields.len(), 40);
        assert_eq!(fields[10], "1", "csr_we");
        assert_eq!(fields[11], "10", "csr_addr");
        assert_eq!(fields[12], "dead", "csr_wdata");
        assert_eq!(fields[25], "3", "cpl");
        assert_eq!(fields[26], "401000", "rip");
    }

    #[test]
    fn an_option_configuration_has_its_ports_as_columns() {
        let d = Columns::for_config(&PtuConfig::default());
        assert_eq!(d.header, HEADER);
        assert_eq!(d.inputs.iter().map(|c| c.0).collect::<Vec<_>>(), INPUTS);
        assert_eq!(d.outputs.iter().map(|c| c.0).collect::<Vec<_>>(), OUTPUTS);
        let fs = ptu_arch::config::preset("x86_64-fs-bank").unwrap().config();
        let c = Columns::for_config(&fs);
        assert_eq!((c.inputs.len(), c.outputs.len()), (27, 16));
        assert!(c.header.starts_with(
            "# ptu vectors v1: 27 inputs then 16 outputs, hex\n# configuration x86_64-fs-bank"
        ));
        let at = |n: &str| c.inputs.iter().position(|x| x.0 == n).unwrap();
        assert_eq!(
            (at("fs_we"), at("fs_wdata")),
            (at("gs_wdata") + 1, at("gs_wdata") + 2)
        );
        let inp = Inputs {
            fs_we: true,
            fs_wdata: 0xf5,
            ..Inputs::default()
        };
        let out = Outputs {
            fs_base: 0xf6,
            ..Outputs::default()
        };
        let v = c.values(&inp, &out);
        assert_eq!((v[at("fs_we")], v[at("fs_wdata")]), (1, 0xf5));
        let base = 27 + c.outputs.iter().position(|x| x.0 == "fs_base").unwrap();
        assert_eq!(v[base], 0xf6);
        let small = ptu_arch::config::preset("ice40-small-32").unwrap().config();
        let c = Columns::for_config(&small);
        assert_eq!((c.width("mem_addr"), c.width("event_info")), (32, 64));
        // A random run of the small unit: every value fits its column.
        random_cycles_for(&small, 3, 20_000, 2, 0.01, |_, i, o| {
            for ((n, w), v) in c.inputs.iter().chain(c.outputs.iter()).zip(c.values(i, o)) {
                assert!(*w == 64 || v >> w == 0, "{n} = 0x{v:x} wider than {w} bits");
            }
            true
        });
    }
}
