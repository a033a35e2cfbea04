//! The data of the board demo ([`crate::board_demo`]), as plain Rust: the
//! replayed cycles ([`DemoStep`]) and the segments they form
//! ([`DemoProgram`]), how they are packed into ROM words ([`encode`]), and
//! the texts the demo prints ([`messages`]).
//!
//! The demo replays a fixed sequence of cycles on `Ptu`: in every cycle
//! the unit's inputs come from ROM and every output is compared with the
//! value the reference model predicted for that cycle. The steps are
//! recorded from the model by [`crate::sequence`] and handed to the demo's
//! constructor as data.
//!
//! ## ROM words
//!
//! A step is one [`STEP_BITS`]-bit word (bit offsets below). The 64-bit
//! values do not fit: each 64-bit port has a dictionary of at most
//! [`DICT_SIZE`] distinct values and the word holds an index into it. All
//! six 64-bit inputs share one dictionary and one index: a cycle presents
//! the same value on `next_rip`, `rsp_wdata`, `gs_wdata`, `csr_wdata`,
//! `exc_data` and `mem_rdata`. That is harmless because the expected
//! outputs are computed by the model from exactly these inputs.
//!
//! ## Segments
//!
//! The step ROM holds three segments, one after the other, each ending
//! with a step marked `last` ([`DemoProgram`]): the main sequence (from
//! reset; its first step is the only unchecked one), the NMI segment and
//! the IRQ segment. The main sequence ends with the unit at a *rest state*
//! (the kernel's idle loop, CPL 0, STATUS.if = 1), and each inject segment
//! starts from that state and returns the unit to exactly that state, so
//! the demo can replay either segment after any run that passed, any
//! number of times and in any order. The caller makes sure of that with
//! the model ([`crate::sequence::builtin`]); [`encode`] checks what it can
//! see here: the layout, that segment steps are checked and never reset.
//!
//! | bits | field |
//! |---|---|
//! | 0 | `check`: compare the outputs in this cycle |
//! | 1 | `start`: a transition starts here (cycles are counted from it) |
//! | 2 | `print`: after this cycle, pause and print the transition |
//! | 3 | `last`: the last step of its segment |
//! | 4..19 | input flags, [`INPUT_FLAGS`] order |
//! | 19..27, 27..35, 35..43 | `csr_addr`, `exc_vector`, `irq_vector` |
//! | 43..48, 48..53 | dictionary index of the 64-bit inputs, of `exc_error` |
//! | 53..55 | expected `cpl` |
//! | 55..61 | expected 1-bit outputs, [`FLAG_OUTPUTS`] order |
//! | 61..101 | dictionary indices of the expected 64-bit outputs, [`WIDE_OUTPUTS`] order |
//!
//! ## The configuration
//!
//! The program is recorded for one configuration of the unit
//! ([`DemoProgram::config`]) and the demo is built for the same one. The
//! XLEN-bit ports of a 32-bit unit hold their values cut to 32 bits (as the
//! model cuts them), and their dictionaries are 32 bits wide. With option
//! `fs_bank` the FS ports take part: `fs_wdata` carries the shared value of
//! the 64-bit inputs (one of seven then), and a second, [`FS_STEP_BITS`]-bit
//! word per step ([`DemoImage::fs_steps`]: `fs_we` in bit 0, the index of
//! the expected `fs_base` in its dictionary above it) drives `fs_we` and
//! holds the expected `fs_base`, the sixteenth output compared. Without
//! `fs_bank` the step words and the demo are those of the unit without
//! options.

use anyhow::{bail, Context, Result};
use ptu_arch::{Inputs, Outputs, PtuConfig};

/// Address bits of the step ROM: at most [`MAX_STEPS`] steps, all
/// segments together.
pub const STEP_ADDR_BITS: usize = 8;
/// Most steps a demo can replay.
pub const MAX_STEPS: usize = 1 << STEP_ADDR_BITS;
/// Index bits of a dictionary.
pub const DICT_BITS: usize = 5;
/// Most distinct values one dictionary holds.
pub const DICT_SIZE: usize = 1 << DICT_BITS;
/// Bits of one step word.
pub const STEP_BITS: usize = 101;
/// Address bits of the message ROM.
pub const MSG_ADDR_BITS: usize = 10;
/// Bits of a step's FS word (option `fs_bank`): `fs_we` in bit 0, the
/// dictionary index of the expected `fs_base` above it.
pub const FS_STEP_BITS: usize = 1 + DICT_BITS;

/// Offsets of the fields of a step word (see the module documentation).
pub mod field {
    pub const CHECK: usize = 0;
    pub const START: usize = 1;
    pub const PRINT: usize = 2;
    pub const LAST: usize = 3;
    pub const FLAGS: usize = 4;
    pub const CSR_ADDR: usize = 19;
    pub const EXC_VECTOR: usize = 27;
    pub const IRQ_VECTOR: usize = 35;
    pub const DATA_INDEX: usize = 43;
    pub const ERROR_INDEX: usize = 48;
    pub const CPL: usize = 53;
    pub const OUT_FLAGS: usize = 55;
    pub const WIDE: usize = 61;
}

/// The 1-bit inputs held in a step, in bit order.
pub const INPUT_FLAGS: [&str; 15] = [
    "reset",
    "retire",
    "rsp_we",
    "gs_we",
    "op_syscall",
    "op_eret",
    "csr_re",
    "csr_we",
    "exc_valid",
    "exc_error_valid",
    "irq",
    "nmi",
    "mce",
    "mem_ready",
    "mem_err",
];

/// The 1-bit outputs held in a step, in bit order.
pub const FLAG_OUTPUTS: [&str; 6] = [
    "irq_ack",
    "redirect",
    "busy",
    "mem_valid",
    "mem_we",
    "shutdown",
];

/// The 64-bit outputs compared through dictionaries, in index order.
pub const WIDE_OUTPUTS: [&str; 8] = [
    "rip",
    "rsp",
    "gs_base",
    "csr_rdata",
    "event_info",
    "event_data",
    "mem_addr",
    "mem_wdata",
];

/// One replayed cycle: what the unit is given and what it must show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoStep {
    /// The unit's inputs in this cycle. The six 64-bit inputs must be
    /// equal (see the module documentation): use [`DemoStep::data`].
    pub inputs: Inputs,
    /// Every output of the unit in this cycle, as the model predicts.
    pub expect: Outputs,
    /// Compare the outputs in this cycle (off for the first, reset, step:
    /// the unit's state before it is unknown).
    pub check: bool,
    /// A transition starts in this cycle: its cycle count starts here.
    pub start: bool,
    /// After this cycle the demo pauses and prints the transition. The
    /// unit must be quiescent: idle inputs leave its state unchanged.
    pub print: bool,
}

impl DemoStep {
    /// The shared value of the six 64-bit inputs.
    pub fn data(&self) -> u64 {
        self.inputs.next_rip
    }
}

/// Presents `value` on all six 64-bit inputs of `inp` (and on `fs_wdata`,
/// which a unit with option `fs_bank` has as a seventh).
pub fn with_data(mut inp: Inputs, value: u64) -> Inputs {
    inp.fs_wdata = value;
    inp.next_rip = value;
    inp.rsp_wdata = value;
    inp.gs_wdata = value;
    inp.csr_wdata = value;
    inp.exc_data = value;
    inp.mem_rdata = value;
    inp
}

/// The segments of the step ROM (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    /// From reset to the rest state; the run button replays it.
    Main,
    /// An NMI taken at the rest state, its handler and framed ERET.
    Nmi,
    /// An interrupt taken at the rest state, its handler and framed ERET.
    Irq,
}

impl Segment {
    /// Every segment, in ROM order.
    pub const ALL: [Segment; 3] = [Segment::Main, Segment::Nmi, Segment::Irq];

    /// The segment's name, for listings and messages.
    pub fn name(self) -> &'static str {
        match self {
            Segment::Main => "main sequence",
            Segment::Nmi => "NMI segment",
            Segment::Irq => "IRQ segment",
        }
    }
}

/// Everything the demo replays: the steps of all segments, in ROM order,
/// and where the inject segments start. Step indices (as the demo prints
/// them in `FAIL at step 0xNN`, and as [`Corruption::step`] counts them)
/// are indices into `steps`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoProgram {
    /// The configuration of the unit the steps were recorded for (the
    /// demo is built for it).
    pub config: PtuConfig,
    /// The main sequence, then the NMI segment, then the IRQ segment.
    pub steps: Vec<DemoStep>,
    /// Index of the first step of the NMI segment (the end of the main
    /// sequence).
    pub nmi_start: usize,
    /// Index of the first step of the IRQ segment (the end of the NMI
    /// segment).
    pub irq_start: usize,
}

impl DemoProgram {
    /// The steps of `seg`, as a range of indices into `steps`.
    pub fn range(&self, seg: Segment) -> std::ops::Range<usize> {
        match seg {
            Segment::Main => 0..self.nmi_start,
            Segment::Nmi => self.nmi_start..self.irq_start,
            Segment::Irq => self.irq_start..self.steps.len(),
        }
    }

    /// The steps of `seg`.
    pub fn segment(&self, seg: Segment) -> &[DemoStep] {
        &self.steps[self.range(seg)]
    }
}

/// An expected value deliberately made wrong, to show that the demo
/// notices: the value of `port` at step `step` gets its lowest bit
/// flipped (`cpl` becomes the other level).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Corruption {
    /// Step index (0-based, as the demo prints it).
    pub step: usize,
    /// Output port name, as in SPEC's table (`rip`, `busy`, ...).
    pub port: String,
}

impl Corruption {
    /// `STEP:PORT` as `ptu build --corrupt` takes it, STEP in decimal or
    /// 0x hex (`0x21:rip`).
    pub fn parse(s: &str) -> Result<Self> {
        let Some((step, port)) = s.split_once(':') else {
            bail!("--corrupt {s}: write STEP:PORT, e.g. 0x21:rip (steps as in demo_steps.txt)");
        };
        let step = match step.strip_prefix("0x") {
            Some(h) => usize::from_str_radix(h, 16),
            None => step.parse(),
        }
        .with_context(|| format!("--corrupt {s}: `{step}` is not a step number"))?;
        Ok(Corruption {
            step,
            port: port.to_string(),
        })
    }
}

/// The port names in the order of the demo's mismatch mask for `cfg`:
/// SPEC's order (as `Outputs::ports`), then `fs_base` with option
/// `fs_bank`.
pub fn port_names(cfg: &PtuConfig) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Outputs::default().ports().map(|(n, _)| n).to_vec();
    if cfg.fs_bank {
        v.push("fs_base");
    }
    v
}

/// The ROM contents of a demo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoImage {
    /// One word per step (the low [`STEP_BITS`] bits are used).
    pub steps: Vec<u128>,
    /// Values of the shared 64-bit inputs.
    pub data_dict: Vec<u64>,
    /// Values of `exc_error`.
    pub error_dict: Vec<u64>,
    /// Values of each 64-bit output, [`WIDE_OUTPUTS`] order.
    pub wide_dicts: [Vec<u64>; 8],
    /// One FS word per step (option `fs_bank`, else empty): `fs_we` in
    /// bit 0, the index into `fs_dict` of the expected `fs_base` above it.
    pub fs_steps: Vec<u64>,
    /// Values of `fs_base` (option `fs_bank`, else empty).
    pub fs_dict: Vec<u64>,
}

fn dict_index(dict: &mut Vec<u64>, value: u64, what: &str) -> Result<u128> {
    if let Some(i) = dict.iter().position(|&v| v == value) {
        return Ok(i as u128);
    }
    if dict.len() == DICT_SIZE {
        bail!(
            "the demo sequence uses more than {DICT_SIZE} distinct values of {what}: \
             shorten the sequence or raise DICT_BITS in demo/src/demo_program.rs"
        );
    }
    dict.push(value);
    Ok(dict.len() as u128 - 1)
}

fn wide_value(o: &Outputs, i: usize) -> u64 {
    [
        o.rip,
        o.rsp,
        o.gs_base,
        o.csr_rdata,
        o.event_info,
        o.event_data,
        o.mem_addr,
        o.mem_wdata,
    ][i]
}

/// Applies `c` to the expectation of `steps` (of a unit with `cfg`).
fn corrupt(cfg: &PtuConfig, steps: &mut [DemoStep], c: &Corruption) -> Result<()> {
    let n = steps.len();
    let Some(s) = steps.get_mut(c.step) else {
        bail!(
            "cannot corrupt step {}: the sequence has {n} steps (0 to {})",
            c.step,
            n.saturating_sub(1)
        );
    };
    if !s.check {
        bail!(
            "cannot corrupt step {}: its outputs are not checked (the reset step)",
            c.step
        );
    }
    let e = &mut s.expect;
    match c.port.as_str() {
        "cpl" => e.cpl = if e.cpl == 0 { 3 } else { 0 },
        "rip" => e.rip ^= 1,
        "rsp" => e.rsp ^= 1,
        "gs_base" => e.gs_base ^= 1,
        "csr_rdata" => e.csr_rdata ^= 1,
        "irq_ack" => e.irq_ack ^= true,
        "redirect" => e.redirect ^= true,
        "busy" => e.busy ^= true,
        "event_info" => e.event_info ^= 1,
        "event_data" => e.event_data ^= 1,
        "mem_valid" => e.mem_valid ^= true,
        "mem_we" => e.mem_we ^= true,
        "mem_addr" => e.mem_addr ^= 1,
        "mem_wdata" => e.mem_wdata ^= 1,
        "shutdown" => e.shutdown ^= true,
        "fs_base" if cfg.fs_bank => e.fs_base ^= 1,
        other => bail!(
            "cannot corrupt port `{other}`: it is not an output of ptu in configuration {} \
             (choose one of {})",
            cfg.name,
            port_names(cfg).join(", ")
        ),
    }
    Ok(())
}

/// Checks the layout of `program`: segments in order and not empty, all
/// steps in the ROM, each segment at most 255 steps (its length is printed
/// in two hex digits), the main sequence starting with an unchecked reset
/// step, every step of the inject segments checked (the state before them
/// is known) and none of them a reset, and no
/// segment ending in a `print` step (the step after a transition's pause
/// shows the state the demo prints).
fn check_layout(program: &DemoProgram) -> Result<()> {
    let steps = &program.steps;
    let (n, i) = (program.nmi_start, program.irq_start);
    if !(0 < n && n < i && i < steps.len()) {
        bail!(
            "the demo program's segments must be in order and not empty: main 0..{n}, \
             NMI {n}..{i}, IRQ {i}..{}",
            steps.len()
        );
    }
    if steps.len() > MAX_STEPS {
        bail!(
            "the demo program has {} steps (main {}, NMI {}, IRQ {}); the step ROM holds \
             {MAX_STEPS}: shorten a segment or raise STEP_ADDR_BITS in demo/src/demo_program.rs",
            steps.len(),
            n,
            i - n,
            steps.len() - i
        );
    }
    if !steps[0].inputs.reset || steps[0].check {
        bail!("the demo sequence must start with an unchecked reset step");
    }
    for seg in Segment::ALL {
        let r = program.range(seg);
        if r.len() > 255 {
            bail!(
                "the {} has {} steps; a segment has at most 255 (its length is printed in two hex digits)",
                seg.name(),
                r.len()
            );
        }
        if steps[r.end - 1].print {
            bail!(
                "the {} ends with a transition's pause (step {}): end it with an idle step",
                seg.name(),
                r.end - 1
            );
        }
    }
    if let Some(k) = (n..steps.len()).find(|&k| !steps[k].check) {
        bail!("step {k} is not checked: the inject segments start at the rest state, so every step of them is checked");
    }
    if let Some(k) = (n..steps.len()).find(|&k| steps[k].inputs.reset) {
        bail!(
            "step {k} resets the unit: the inject segments start and end at the rest state \
             and never reset"
        );
    }
    Ok(())
}

/// Checks `program` and packs its steps into ROM words, with `corruption`
/// applied to the expected values first. The XLEN-bit values are cut to
/// the configuration's XLEN (`event_info` is 64 bits wide in every
/// configuration).
pub fn encode(program: &DemoProgram, corruption: Option<&Corruption>) -> Result<DemoImage> {
    check_layout(program)?;
    let cfg = &program.config;
    let mask = cfg.xlen_mask();
    let last: Vec<usize> = Segment::ALL
        .iter()
        .map(|&s| program.range(s).end - 1)
        .collect();
    let mut steps = program.steps.clone();
    if let Some(c) = corruption {
        corrupt(cfg, &mut steps, c)?;
    }
    let mut image = DemoImage {
        steps: Vec::with_capacity(steps.len()),
        data_dict: Vec::new(),
        error_dict: Vec::new(),
        wide_dicts: Default::default(),
        fs_steps: Vec::new(),
        fs_dict: Vec::new(),
    };
    for (n, s) in steps.iter().enumerate() {
        let i = &s.inputs;
        let d = i.next_rip & mask;
        let mut shared = vec![
            i.rsp_wdata,
            i.gs_wdata,
            i.csr_wdata,
            i.exc_data,
            i.mem_rdata,
        ];
        if cfg.fs_bank {
            shared.push(i.fs_wdata);
        }
        if shared.iter().any(|&v| v & mask != d) {
            bail!(
                "step {n}: the {} 64-bit inputs must carry one value (use demo_program::with_data)",
                if cfg.fs_bank { "seven" } else { "six" }
            );
        }
        if i.fs_we && !s.check {
            bail!("step {n}: fs_we is set on an unchecked step (the FS word applies to checked steps only)");
        }
        if i.fs_we && !cfg.fs_bank {
            bail!(
                "step {n}: fs_we is set, but configuration {} has no FS ports (fs_bank = false)",
                cfg.name
            );
        }
        let e = &s.expect;
        if e.cpl != 0 && e.cpl != 3 {
            bail!("step {n}: expected cpl {} is neither 0 nor 3", e.cpl);
        }
        let flags = [
            i.reset,
            i.retire,
            i.rsp_we,
            i.gs_we,
            i.op_syscall,
            i.op_eret,
            i.csr_re,
            i.csr_we,
            i.exc_valid,
            i.exc_error_valid,
            i.irq,
            i.nmi,
            i.mce,
            i.mem_ready,
            i.mem_err,
        ];
        let out_flags = [
            e.irq_ack,
            e.redirect,
            e.busy,
            e.mem_valid,
            e.mem_we,
            e.shutdown,
        ];
        let mut w: u128 = 0;
        w |= (s.check as u128) << field::CHECK;
        w |= (s.start as u128) << field::START;
        w |= (s.print as u128) << field::PRINT;
        w |= (last.contains(&n) as u128) << field::LAST;
        for (k, f) in flags.iter().enumerate() {
            w |= (*f as u128) << (field::FLAGS + k);
        }
        w |= (i.csr_addr as u128) << field::CSR_ADDR;
        w |= (i.exc_vector as u128) << field::EXC_VECTOR;
        w |= (i.irq_vector as u128) << field::IRQ_VECTOR;
        w |= dict_index(&mut image.data_dict, d, "the 64-bit inputs")
            .with_context(|| format!("step {n}"))?
            << field::DATA_INDEX;
        w |= dict_index(&mut image.error_dict, i.exc_error as u64, "exc_error")
            .with_context(|| format!("step {n}"))?
            << field::ERROR_INDEX;
        w |= (e.cpl as u128) << field::CPL;
        for (k, f) in out_flags.iter().enumerate() {
            w |= (*f as u128) << (field::OUT_FLAGS + k);
        }
        for (k, name) in WIDE_OUTPUTS.iter().enumerate() {
            // EVENT_INFO is 64 bits wide whatever the XLEN.
            let m = if *name == "event_info" {
                u64::MAX
            } else {
                mask
            };
            w |= dict_index(&mut image.wide_dicts[k], wide_value(e, k) & m, name)
                .with_context(|| format!("step {n}"))?
                << (field::WIDE + DICT_BITS * k);
        }
        debug_assert!(w >> STEP_BITS == 0);
        image.steps.push(w);
        if cfg.fs_bank {
            let fs = dict_index(&mut image.fs_dict, e.fs_base & mask, "fs_base")
                .with_context(|| format!("step {n}"))?;
            image.fs_steps.push(i.fs_we as u64 | (fs as u64) << 1);
        }
    }
    Ok(image)
}

// ------------------------------------------------------------- messages --

/// Message ROM tokens.
pub mod token {
    /// End of the message.
    pub const END: u8 = 0x00;
    /// `NIBBLE | n`: hex digit of nibble `n` of the printer's fields.
    pub const NIBBLE: u8 = 0x80;
    /// `COND | k`: print what follows, up to [`END_COND`], only if
    /// condition `k` holds.
    pub const COND: u8 = 0xc0;
    /// Ends a conditional part.
    pub const END_COND: u8 = 0xe0;
}

/// Nibble offsets of the printer's fields (each field's least significant
/// nibble), and their widths in nibbles (`rip` and `rsp`: of a 64-bit
/// unit; a 32-bit unit's are printed in 8 digits).
pub mod nibble {
    pub const RIP: (u8, u8) = (0, 16);
    pub const RSP: (u8, u8) = (16, 16);
    pub const CYCLES: (u8, u8) = (32, 2);
    pub const VECTOR: (u8, u8) = (34, 2);
    pub const CPL: (u8, u8) = (36, 1);
    pub const STEP: (u8, u8) = (37, 2);
    pub const STEPS: (u8, u8) = (39, 2);
    pub const TYPE: (u8, u8) = (41, 1);
    /// Nibbles in all.
    pub const COUNT: usize = 48;
}

/// Printer conditions: 0..16 a mismatch on that port ([`port_names`]
/// order: 15 ports, and `fs_base` 16th with option `fs_bank`), then the
/// kind of the transition.
pub mod cond {
    pub const PORT0: u8 = 0;
    pub const ERET: u8 = 16;
    pub const SYSCALL: u8 = 17;
    pub const IRQ: u8 = 18;
    pub const NMI: u8 = 19;
    pub const EXC: u8 = 20;
    pub const ENTRY: u8 = 21;
}

/// The message ROM and where each message starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Messages {
    /// The message ROM's tokens.
    pub rom: Vec<u8>,
    /// First line after (re)start.
    pub banner: usize,
    /// First line of a replay of the NMI segment (the NMI button).
    pub nmi_banner: usize,
    /// First line of a replay of the IRQ segment (the IRQ button).
    pub irq_banner: usize,
    /// An inject button pressed when the last run did not pass.
    pub hint: usize,
    /// One line per transition.
    pub transition: usize,
    /// The last line of a run where everything matched.
    pub pass: usize,
    /// The last line of a run with a mismatch.
    pub fail: usize,
}

/// Appends the tokens of `template` to `rom`: text, `{field}` for a hex
/// field of [`nibble`] (`rip`, `rsp`, `cycles`, `vector`, `cpl`, `step`,
/// `steps`, `type`), `{if:name}` ... `{end}` for a conditional part
/// (`eret`, `syscall`, `irq`, `nmi`, `exc`, `entry`, or a port name for
/// its mismatch), then [`token::END`]. `rip` and `rsp` get `cfg`'s XLEN
/// in hex digits, and the ports are `cfg`'s.
fn assemble(rom: &mut Vec<u8>, cfg: &PtuConfig, template: &str) -> Result<usize> {
    let start = rom.len();
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        if c == '{' {
            let close = rest
                .find('}')
                .with_context(|| format!("unclosed {{ in message template `{template}`"))?;
            let name = &rest[1..close];
            rest = &rest[close + 1..];
            if let Some(k) = name.strip_prefix("if:") {
                let bit = match k {
                    "eret" => cond::ERET,
                    "syscall" => cond::SYSCALL,
                    "irq" => cond::IRQ,
                    "nmi" => cond::NMI,
                    "exc" => cond::EXC,
                    "entry" => cond::ENTRY,
                    port => match port_names(cfg).iter().position(|p| *p == port) {
                        Some(i) => cond::PORT0 + i as u8,
                        None => bail!("unknown condition `{k}` in message template"),
                    },
                };
                rom.push(token::COND | bit);
                continue;
            }
            if name == "end" {
                rom.push(token::END_COND);
                continue;
            }
            let xlen_digits = (cfg.xlen / 4) as u8;
            let (lsb, width) = match name {
                "rip" => (nibble::RIP.0, xlen_digits),
                "rsp" => (nibble::RSP.0, xlen_digits),
                "cycles" => nibble::CYCLES,
                "vector" => nibble::VECTOR,
                "cpl" => nibble::CPL,
                "step" => nibble::STEP,
                "steps" => nibble::STEPS,
                "type" => nibble::TYPE,
                _ => bail!("unknown field `{name}` in message template"),
            };
            for k in (0..width).rev() {
                rom.push(token::NIBBLE | (lsb + k));
            }
        } else {
            if !(c == '\r' || c == '\n' || (' '..='~').contains(&c)) {
                bail!("message templates are printable ASCII: {c:?} is not");
            }
            rom.push(c as u8);
            rest = &rest[c.len_utf8()..];
        }
    }
    rom.push(token::END);
    Ok(start)
}

/// The demo's messages, for a unit with configuration `cfg`.
pub fn messages(cfg: &PtuConfig) -> Result<Messages> {
    let mut rom = Vec::new();
    let ports = port_names(cfg);
    let banner = assemble(
        &mut rom,
        cfg,
        "\r\nptu board demo: replaying 0x{steps} cycles (syscall, fault, interrupt, \
         nested fault, NMI, ERET), every output checked\r\n",
    )?;
    let nmi_banner = assemble(
        &mut rom,
        cfg,
        "NMI button: an NMI while the kernel idles, 0x{steps} cycles\r\n",
    )?;
    let irq_banner = assemble(
        &mut rom,
        cfg,
        "IRQ button: an interrupt while the kernel idles, 0x{steps} cycles\r\n",
    )?;
    let hint = assemble(
        &mut rom,
        cfg,
        "The last run did not pass: press the run button first\r\n",
    )?;
    let transition = assemble(
        &mut rom,
        cfg,
        "{if:eret}  ERET               {end}\
         {if:syscall}  SYSCALL{end}{if:irq}  IRQ    {end}{if:nmi}  NMI    {end}{if:exc}  EXC    {end}\
         {if:entry} vector 0x{vector}  {end}\
         -> cpl {cpl}  rip 0x{rip}  rsp 0x{rsp}  0x{cycles} cycles\r\n",
    )?;
    let pass = assemble(
        &mut rom,
        cfg,
        &format!(
            "PASS: 0x{{steps}} cycles, all {} outputs of ptu matched the reference model\r\n",
            ports.len()
        ),
    )?;
    let mut fail = String::from("FAIL at step 0x{step}: mismatch on");
    for p in &ports {
        fail.push_str(&format!("{{if:{p}}} {p}{{end}}"));
    }
    fail.push_str("\r\n");
    let fail = assemble(&mut rom, cfg, &fail)?;
    if rom.len() > 1 << MSG_ADDR_BITS {
        bail!(
            "the demo's messages take {} bytes; the message ROM holds {}",
            rom.len(),
            1 << MSG_ADDR_BITS
        );
    }
    Ok(Messages {
        rom,
        banner,
        nmi_banner,
        irq_banner,
        hint,
        transition,
        pass,
        fail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corruptions_parse() {
        let c = Corruption::parse("0x21:rip").unwrap();
        assert_eq!((c.step, c.port.as_str()), (0x21, "rip"));
        assert_eq!(Corruption::parse("7:busy").unwrap().step, 7);
        assert!(Corruption::parse("rip")
            .unwrap_err()
            .to_string()
            .contains("write STEP:PORT"));
        assert!(Corruption::parse("x:rip").is_err());
    }

    fn reset_step() -> DemoStep {
        DemoStep {
            inputs: Inputs::reset(),
            expect: Outputs::default(),
            check: false,
            start: false,
            print: false,
        }
    }

    fn idle_step() -> DemoStep {
        DemoStep {
            inputs: Inputs::default(),
            check: true,
            ..reset_step()
        }
    }

    /// A program of `main`, then a one-step NMI and a one-step IRQ segment.
    fn program(main: Vec<DemoStep>) -> DemoProgram {
        let nmi_start = main.len();
        let mut steps = main;
        steps.push(idle_step());
        steps.push(idle_step());
        DemoProgram {
            config: PtuConfig::default(),
            steps,
            nmi_start,
            irq_start: nmi_start + 1,
        }
    }

    #[test]
    fn fields_tile_the_word() {
        assert_eq!(field::FLAGS + INPUT_FLAGS.len(), field::CSR_ADDR);
        assert_eq!(field::DATA_INDEX + DICT_BITS, field::ERROR_INDEX);
        assert_eq!(field::ERROR_INDEX + DICT_BITS, field::CPL);
        assert_eq!(field::OUT_FLAGS + FLAG_OUTPUTS.len(), field::WIDE);
        assert_eq!(field::WIDE + DICT_BITS * WIDE_OUTPUTS.len(), STEP_BITS);
    }

    #[test]
    fn encodes_flags_and_indices() {
        let mut s = DemoStep {
            inputs: with_data(Inputs::syscall(0x1234), 0x1234),
            expect: Outputs {
                cpl: 3,
                rip: 7,
                busy: true,
                ..Outputs::default()
            },
            check: true,
            start: true,
            print: false,
        };
        s.inputs.irq_vector = 0x21;
        let img = encode(&program(vec![reset_step(), s]), None).unwrap();
        let w = img.steps[1];
        assert_eq!(w & 0xf, 0b1011); // check, start, last
        assert_eq!((w >> (field::FLAGS + 4)) & 1, 1); // op_syscall
        assert_eq!((w >> field::IRQ_VECTOR) & 0xff, 0x21);
        assert_eq!(
            img.data_dict[((w >> field::DATA_INDEX) & 31) as usize],
            0x1234
        );
        assert_eq!((w >> field::CPL) & 3, 3);
        assert_eq!((w >> (field::OUT_FLAGS + 2)) & 1, 1); // busy
        assert_eq!(img.wide_dicts[0][((w >> field::WIDE) & 31) as usize], 7);
        // Each segment's last step is marked `last`, and only those.
        let last: Vec<bool> = img
            .steps
            .iter()
            .map(|w| (w >> field::LAST) & 1 == 1)
            .collect();
        assert_eq!(last, [false, true, true, true]);
    }

    #[test]
    fn segments_are_ranges_of_the_steps() {
        let p = program(vec![reset_step(), idle_step(), idle_step()]);
        assert_eq!(p.range(Segment::Main), 0..3);
        assert_eq!(p.range(Segment::Nmi), 3..4);
        assert_eq!(p.range(Segment::Irq), 4..5);
        assert_eq!(p.segment(Segment::Irq).len(), 1);
    }

    fn encode_err(p: &DemoProgram, c: Option<&Corruption>) -> String {
        encode(p, c).unwrap_err().to_string()
    }

    #[test]
    fn rejects_bad_sequences_and_corruptions() {
        let ok = idle_step();
        let err = encode_err(&program(vec![ok]), None);
        assert!(
            err.contains("must start with an unchecked reset step"),
            "{err}"
        );
        let mut split = ok;
        split.inputs.rsp_wdata = 5;
        let err = encode_err(&program(vec![reset_step(), split]), None);
        assert!(err.contains("step 1: the six 64-bit inputs"), "{err}");
        let c = Corruption {
            step: 1,
            port: "pc".into(),
        };
        let err = encode_err(&program(vec![reset_step(), ok]), Some(&c));
        assert!(err.starts_with("cannot corrupt port `pc`"), "{err}");
        let c = Corruption {
            step: 0,
            port: "rip".into(),
        };
        let err = encode_err(&program(vec![reset_step(), ok]), Some(&c));
        assert!(err.contains("not checked"), "{err}");
        // A corruption inside an inject segment is fine.
        let c = Corruption {
            step: 3,
            port: "busy".into(),
        };
        let img = encode(&program(vec![reset_step(), ok]), Some(&c)).unwrap();
        assert_eq!((img.steps[3] >> (field::OUT_FLAGS + 2)) & 1, 1);
    }

    #[test]
    fn rejects_bad_layouts() {
        let mut p = program(vec![reset_step(), idle_step()]);
        p.irq_start = p.steps.len();
        assert!(encode_err(&p, None).contains("in order and not empty"));
        let mut p = program(vec![reset_step(), idle_step()]);
        p.steps[2].check = false;
        let err = encode_err(&p, None);
        assert!(err.contains("step 2 is not checked"), "{err}");
        let mut p = program(vec![reset_step(), idle_step()]);
        p.steps[3].inputs.reset = true;
        let err = encode_err(&p, None);
        assert!(err.contains("step 3 resets the unit"), "{err}");
        let mut p = program(vec![reset_step(), idle_step()]);
        p.steps[1].print = true;
        let err = encode_err(&p, None);
        assert!(
            err.contains("the main sequence ends with a transition's pause"),
            "{err}"
        );
        let mut main = vec![reset_step()];
        main.extend(std::iter::repeat_n(idle_step(), MAX_STEPS));
        let err = encode_err(&program(main), None);
        assert!(err.contains("the step ROM holds 256"), "{err}");
        // A value too many for a dictionary.
        let mut main = vec![reset_step()];
        for k in 0..=DICT_SIZE as u64 {
            main.push(DemoStep {
                inputs: with_data(Inputs::retire(k), k),
                ..idle_step()
            });
        }
        let err = format!("{:#}", encode(&program(main), None).unwrap_err());
        assert!(
            err.contains("more than 32 distinct values of the 64-bit inputs"),
            "{err}"
        );
    }

    /// With `fs_bank` each step has an FS word; a 32-bit configuration's
    /// values are cut to 32 bits (EVENT_INFO's are not).
    #[test]
    fn fs_words_and_cut_values_follow_the_configuration() {
        let fs = ptu_arch::config::preset("x86_64-fs-bank").unwrap().config();
        let mut p = program(vec![reset_step(), idle_step()]);
        p.config = fs;
        let write = Inputs {
            fs_we: true,
            ..Inputs::default()
        };
        p.steps[1].inputs = with_data(write, 0x55);
        p.steps[1].expect.fs_base = 0x77;
        let img = encode(&p, None).unwrap();
        assert_eq!(img.fs_steps.len(), p.steps.len());
        assert_eq!(img.fs_steps[1] & 1, 1);
        assert_eq!(img.fs_steps[2] & 1, 0);
        assert_eq!(img.fs_dict[(img.fs_steps[1] >> 1) as usize], 0x77);
        assert_eq!(img.fs_dict[(img.fs_steps[2] >> 1) as usize], 0);
        // fs_wdata must carry the shared value too.
        p.steps[1].inputs.fs_wdata = 0x56;
        let err = encode_err(&p, None);
        assert!(err.contains("step 1: the seven 64-bit inputs"), "{err}");
        // Not on the unchecked reset step, nor without FS ports.
        let mut q = p.clone();
        q.steps[1].inputs.fs_wdata = 0x55;
        q.steps[0].inputs.fs_we = true;
        let err = encode_err(&q, None);
        assert!(
            err.contains("step 0: fs_we is set on an unchecked step"),
            "{err}"
        );
        p.steps[1].inputs.fs_wdata = 0x55;
        let c = Corruption {
            step: 1,
            port: "fs_base".into(),
        };
        let img = encode(&p, Some(&c)).unwrap();
        assert_eq!(img.fs_dict[(img.fs_steps[1] >> 1) as usize], 0x76);
        p.config = PtuConfig::default();
        let err = encode_err(&p, None);
        assert!(
            err.contains("step 1: fs_we is set, but configuration x86_64-default"),
            "{err}"
        );
        // 32 bits.
        let mut p = program(vec![reset_step(), idle_step()]);
        p.config = ptu_arch::config::preset("ice40-small-32").unwrap().config();
        p.steps[1].inputs = with_data(Inputs::retire(0x1_2345_6789), 0x1_2345_6789);
        p.steps[1].expect.rip = 0x1_0000_0007;
        p.steps[1].expect.event_info = 0x1_0000_0000;
        let img = encode(&p, None).unwrap();
        assert!(img.data_dict.contains(&0x2345_6789), "{:x?}", img.data_dict);
        assert!(img.wide_dicts[0].contains(&7));
        assert!(img.wide_dicts[4].contains(&0x1_0000_0000));
        assert!(img.fs_steps.is_empty() && img.fs_dict.is_empty());
        let m = messages(&p.config).unwrap();
        let nibbles = m.rom[m.transition..]
            .iter()
            .filter(|&&t| t & 0xc0 == token::NIBBLE && t & 0x3f < 16)
            .count();
        assert_eq!(nibbles, 8, "RIP in 8 digits");
    }

    #[test]
    fn messages_assemble() {
        let m = messages(&PtuConfig::default()).unwrap();
        assert_eq!(m.banner, 0);
        assert_eq!(m.rom[m.transition - 1], token::END);
        for start in [m.nmi_banner, m.irq_banner, m.hint] {
            assert_eq!(m.rom[start - 1], token::END);
        }
        assert!(m.rom[m.nmi_banner..].starts_with(b"NMI button: "));
        assert!(m.rom[m.irq_banner..].starts_with(b"IRQ button: "));
        let fail = &m.rom[m.fail..];
        assert!(fail.starts_with(b"FAIL at step 0x"));
        assert!(fail.contains(&(token::COND | 14)));
        assert!(assemble(&mut Vec::new(), &PtuConfig::default(), "{nope}").is_err());
    }
}
