//! Scenario files: what a kernel and a core do, one line per step, from
//! which the reference model derives the inputs and expected outputs of
//! every cycle. The format is documented in `testbenches/scenarios/README.md`.
//!
//! ```text
//! # A user task makes a system call and returns.
//! let KSTACK = 0x8000
//! reset
//! csr write ENTRY = 0x1000
//! retire next=0x500 + rsp = KSTACK
//! eret
//! expect cpl=user rip=URIP
//! syscall next=0x401006
//! expect cpl=kernel rip=ENTRY rsp=KSTACK event.type=SYSCALL
//! ```
//!
//! A line is either a *cycle* (one or more parts joined by ` + `: `retire`,
//! `rsp = V`, `gs = V`, `csr read|write|swap NAME [= V] [expect=V]`,
//! `syscall`, `eret`, `fault`, `nmi`, `mce`, `idle`, `reset`) or a
//! *directive* that takes no cycle of its own (`let`, `irq on|off`,
//! `mem`, `expect`, `requires`) or idles (`wait N`, `wait until COND`).
//!
//! A scenario may need a configuration: `requires xlen = 32`,
//! `requires irq_entry`, `requires fs_bank = false`, ...; naming a CSR or
//! port of an option (ENTRY_IRQ, UFS, EVENT_INFO_H, `fs = V`, `fs_base`)
//! needs that option too. [`Scenario::skip_reason`] says why a scenario
//! does not fit a configuration; [`Scenario::run`] refuses to run it.

use crate::bus::{Memory, Wait};
use crate::model::{Decision, Model};
use anyhow::{anyhow, bail, Context, Result};
use ptu_arch::config::{ENTRY_IRQ, EVENT_INFO_H, OPTION_CSRS, UFS};
use ptu_arch::{csr, event_info, event_type, vector, Inputs, Outputs, PtuConfig, CPL_USER};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A parsed scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The file name without extension.
    pub name: String,
    /// Where it came from.
    pub path: PathBuf,
    /// The first comment lines: what the scenario shows.
    pub about: String,
    steps: Vec<Step>,
    /// What it needs of the configuration, in the order written.
    pub requires: Vec<Requirement>,
}

/// One thing a scenario needs of the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub need: Need,
    /// The line that asks for it.
    pub line: usize,
    /// How: `` `requires xlen = 64` ``, or `names CSR UFS`, ...
    pub why: String,
}

/// An option value a scenario needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    Xlen(usize),
    IrqEntry(bool),
    FsBank(bool),
}

impl Need {
    /// Does `cfg` have it?
    pub fn met(self, cfg: &PtuConfig) -> bool {
        match self {
            Need::Xlen(x) => cfg.xlen == x,
            Need::IrqEntry(b) => cfg.irq_entry == b,
            Need::FsBank(b) => cfg.fs_bank == b,
        }
    }

    /// `cfg`'s value of this option, as `key = value`.
    fn has(self, cfg: &PtuConfig) -> String {
        match self {
            Need::Xlen(_) => format!("xlen = {}", cfg.xlen),
            Need::IrqEntry(_) => format!("irq_entry = {}", cfg.irq_entry),
            Need::FsBank(_) => format!("fs_bank = {}", cfg.fs_bank),
        }
    }
}

impl std::fmt::Display for Need {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Need::Xlen(x) => write!(f, "xlen = {x}"),
            Need::IrqEntry(b) => write!(f, "irq_entry = {b}"),
            Need::FsBank(b) => write!(f, "fs_bank = {b}"),
        }
    }
}

/// The option an option CSR belongs to.
fn csr_need(addr: u8) -> Option<Need> {
    match addr {
        EVENT_INFO_H => Some(Need::Xlen(32)),
        ENTRY_IRQ => Some(Need::IrqEntry(true)),
        UFS => Some(Need::FsBank(true)),
        _ => None,
    }
}

/// Every CSR a scenario may name: the default unit's and the options'.
fn all_csrs() -> impl Iterator<Item = &'static csr::Csr> {
    csr::TABLE.iter().chain(OPTION_CSRS.iter())
}

#[derive(Clone, Debug)]
struct Step {
    line: usize,
    text: String,
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Kind {
    Cycle(Cycle),
    Wait(u64),
    WaitUntil(Cond, u64),
    Expect(Vec<(String, Value)>),
    Irq(Option<u8>),
    MemWait(Wait),
    MemError(u64),
    /// `mem off`: the bus answers only where a cycle has an `answer` part.
    MemOff,
}

#[derive(Clone, Debug, Default)]
struct Cycle {
    inputs: Inputs,
    rdata: Option<Value>,
    /// 64-bit inputs given as a CSR name: read from the model when the
    /// cycle runs.
    late: Vec<(Field, Value)>,
    /// An `answer` part: the bus inputs of this cycle, given by hand.
    answer: bool,
}

#[derive(Clone, Copy, Debug)]
enum Field {
    NextRip,
    RspWdata,
    GsWdata,
    CsrWdata,
    ExcData,
    FsWdata,
}

impl Field {
    fn set(self, i: &mut Inputs, v: u64) {
        match self {
            Field::NextRip => i.next_rip = v,
            Field::RspWdata => i.rsp_wdata = v,
            Field::GsWdata => i.gs_wdata = v,
            Field::CsrWdata => i.csr_wdata = v,
            Field::ExcData => i.exc_data = v,
            Field::FsWdata => i.fs_wdata = v,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Cond {
    Idle,
    Busy,
    User,
    Kernel,
    Redirect,
    Shutdown,
}

/// A value: a number, or a name (a `let` constant or a CSR, whose value
/// is read from the model when the step runs) plus an offset.
#[derive(Clone, Debug)]
enum Value {
    Num(u64),
    Csr(u8, i64),
}

/// Where a cycle of a scenario came from, for messages.
#[derive(Clone, Debug)]
pub struct Origin {
    pub line: usize,
    pub text: String,
}

/// A transition seen while running: an entry or an ERET.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    /// Cycle whose inputs were accepted.
    pub cycle: u64,
    /// `SYSCALL`, `#PF`, `IRQ 40`, `NMI`, `#MC`, `#DF`, `ERET`...
    pub what: String,
    /// Cycles from the accepting cycle to the one with `redirect`.
    pub cycles: u64,
    /// Bus answers during it.
    pub accesses: u64,
    /// Whether it ended in user mode.
    pub to_user: bool,
}

impl std::fmt::Display for Transition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let accesses = match self.accesses {
            0 => "no memory access".to_string(),
            n => ptu_arch::count(n, "memory access", "memory accesses"),
        };
        write!(
            f,
            "{} at cycle {}: {}, {accesses}, to {}",
            self.what,
            self.cycle,
            ptu_arch::count(self.cycles, "cycle", "cycles"),
            if self.to_user { "user" } else { "kernel" }
        )
    }
}

/// Cycles `wait until` waits at most unless told otherwise.
const DEFAULT_WAIT_LIMIT: u64 = 1000;

fn parse_num(s: &str) -> Option<u64> {
    ptu_arch::parse_u64(s).ok()
}

/// Why `s`, which looks like a number, is not one: too large for 64 bits,
/// or not a number at all.
fn not_a_number(s: &str) -> String {
    match ptu_arch::parse_u64(s) {
        Err(e) => e,
        Ok(_) => format!("'{s}' is not a number: write it in decimal or as 0x hex"),
    }
}

fn vector_by_name(s: &str) -> Option<u8> {
    Some(match s.trim_start_matches('#') {
        "DE" => vector::DE,
        "NMI" => vector::NMI,
        "UD" => vector::UD,
        "DF" => vector::DF,
        "GP" => vector::GP,
        "PF" => vector::PF,
        "MC" => vector::MC,
        _ => return None,
    })
}

fn vector_name(v: u8) -> String {
    match v {
        vector::DE => "#DE".into(),
        vector::UD => "#UD".into(),
        vector::DF => "#DF".into(),
        vector::GP => "#GP".into(),
        vector::PF => "#PF".into(),
        vector::MC => "#MC".into(),
        _ => format!("vector {v}"),
    }
}

struct Parser<'a> {
    file: &'a str,
    line: usize,
    lets: BTreeMap<String, u64>,
    /// Requirements found so far (written and implied).
    requires: RefCell<Vec<Requirement>>,
}

impl Parser<'_> {
    fn err(&self, msg: impl std::fmt::Display) -> anyhow::Error {
        anyhow!("{}:{}: {msg}", self.file, self.line)
    }

    /// Note that this line needs `need`.
    fn need(&self, need: Need, why: String) {
        self.requires.borrow_mut().push(Requirement {
            need,
            line: self.line,
            why,
        });
    }

    /// The CSR called `name` (the default unit's or an option's; naming
    /// an option's needs that option).
    fn csr_named(&self, name: &str) -> Option<u8> {
        let c = all_csrs().find(|c| c.name == name)?;
        if let Some(n) = csr_need(c.addr) {
            self.need(n, format!("names CSR {}", c.name));
        }
        Some(c.addr)
    }

    /// A `requires` line: items separated by `,`, each `xlen = 32|64`,
    /// `irq_entry [= true|false]` or `fs_bank [= true|false]`.
    fn requires(&self, rest: &str) -> Result<()> {
        let allowed = "expected `requires xlen = 32`, `xlen = 64`, `irq_entry`, `fs_bank` or                        `irq_entry = false`, `fs_bank = false` (several separated by `,`)";
        if rest.trim().is_empty() {
            bail!(self.err(allowed));
        }
        for item in rest.split(',') {
            let t: String = item.chars().filter(|c| !c.is_whitespace()).collect();
            let need = match t.as_str() {
                "xlen=32" => Need::Xlen(32),
                "xlen=64" => Need::Xlen(64),
                "irq_entry" | "irq_entry=true" => Need::IrqEntry(true),
                "irq_entry=false" => Need::IrqEntry(false),
                "fs_bank" | "fs_bank=true" => Need::FsBank(true),
                "fs_bank=false" => Need::FsBank(false),
                _ => bail!(self.err(format!("'{}' in `requires`: {allowed}", item.trim()))),
            };
            self.need(need, format!("`requires {}`", rest.trim()));
        }
        Ok(())
    }

    fn value(&self, s: &str) -> Result<Value> {
        if let Some(n) = parse_num(s) {
            return Ok(Value::Num(n));
        }
        let (name, off) = match s.find(['+', '-']) {
            Some(k) => {
                let n =
                    parse_num(&s[k + 1..]).ok_or_else(|| self.err(not_a_number(&s[k + 1..])))?;
                let n =
                    i64::try_from(n).map_err(|_| self.err(format!("offset '{s}' is too large")))?;
                (&s[..k], if &s[k..k + 1] == "-" { -n } else { n })
            }
            None => (s, 0),
        };
        if let Some(v) = parse_num(name) {
            return Ok(Value::Num(v.wrapping_add_signed(off)));
        }
        if let Some(v) = self.lets.get(name) {
            return Ok(Value::Num(v.wrapping_add_signed(off)));
        }
        if let Some(a) = self.csr_named(name) {
            return Ok(Value::Csr(a, off));
        }
        if name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            bail!(self.err(not_a_number(name)));
        }
        bail!(self.err(format!(
            "unknown name '{name}': define it with `let {name} = VALUE` or use a CSR name"
        )))
    }

    fn num(&self, s: &str) -> Result<u64> {
        match self.value(s)? {
            Value::Num(n) => Ok(n),
            Value::Csr(..) => Err(self.err(format!(
                "'{s}' names a CSR; here a number is needed (a `let` constant works)"
            ))),
        }
    }

    fn small(&self, s: &str, bits: u32, what: &str) -> Result<u64> {
        let n = self.num(s)?;
        if n >> bits != 0 {
            bail!(self.err(format!("{what} {s} does not fit in {bits} bits")));
        }
        Ok(n)
    }

    /// `key=value` options of a part: each key once, all keys known.
    fn options<'w>(
        &self,
        words: &[&'w str],
        known: &[&str],
        part: &str,
    ) -> Result<BTreeMap<&'w str, &'w str>> {
        let mut out = BTreeMap::new();
        for w in words {
            let (k, v) = w.split_once('=').ok_or_else(|| {
                self.err(format!(
                    "'{w}' in `{part}`: expected KEY=VALUE ({})",
                    known.join(", ")
                ))
            })?;
            if !known.contains(&k) {
                bail!(self.err(format!(
                    "unknown option '{k}' for `{part}`: expected {}",
                    known.join(", ")
                )));
            }
            if out.insert(k, v).is_some() {
                bail!(self.err(format!("option '{k}' given twice")));
            }
        }
        Ok(out)
    }

    fn csr_addr(&self, s: &str) -> Result<u8> {
        if let Some(a) = self.csr_named(s) {
            return Ok(a);
        }
        match parse_num(s) {
            Some(n) if n < 256 => Ok(n as u8),
            _ => Err(self.err(format!(
                "unknown CSR '{s}': use a name ({}) or an address 0x00..0xff",
                all_csrs().map(|c| c.name).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    /// Set a 64-bit input from `s`: a number now, or a CSR value later.
    fn wide(&self, c: &mut Cycle, f: Field, s: &str) -> Result<()> {
        match self.value(s)? {
            Value::Num(n) => f.set(&mut c.inputs, n),
            v => c.late.push((f, v)),
        }
        Ok(())
    }

    /// One part of a cycle line, added to `c`.
    fn part(&self, c: &mut Cycle, part: &str, seen: &mut Vec<&'static str>) -> Result<()> {
        let words: Vec<&str> = part.split_whitespace().collect();
        let Some((&head, rest)) = words.split_first() else {
            bail!(self.err("empty part between '+' signs"));
        };
        let instruction = |seen: &mut Vec<&'static str>, name: &'static str| -> Result<()> {
            if let Some(other) = seen.first() {
                bail!(self.err(format!(
                    "two instructions in one cycle ({other} + {name}): SPEC allows at most one of \
                     SYSCALL, ERET, a CSR access and a fault per cycle; put them on two lines"
                )));
            }
            seen.push(name);
            Ok(())
        };
        match head {
            "reset" | "idle" | "nmi" | "mce" | "eret" if !rest.is_empty() => {
                bail!(self.err(format!(
                    "`{head}` takes no arguments, got '{}'",
                    rest.join(" ")
                )))
            }
            "reset" => c.inputs.reset = true,
            "idle" => {}
            "nmi" => c.inputs.nmi = true,
            "mce" => c.inputs.mce = true,
            "eret" => {
                instruction(seen, "eret")?;
                c.inputs.op_eret = true;
            }
            "retire" | "syscall" => {
                let o = self.options(rest, &["next"], head)?;
                let next = o.get("next").ok_or_else(|| {
                    self.err(format!(
                        "`{head}` needs next=ADDR (the address of the next instruction)"
                    ))
                })?;
                if head == "retire" {
                    c.inputs.retire = true;
                } else {
                    instruction(seen, "syscall")?;
                    c.inputs.op_syscall = true;
                }
                self.wide(c, Field::NextRip, next)?;
            }
            "rsp" | "gs" | "fs" => {
                let v = match rest {
                    ["=", v] => *v,
                    _ => bail!(self.err(format!("expected `{head} = VALUE`"))),
                };
                if head == "rsp" {
                    c.inputs.rsp_we = true;
                    self.wide(c, Field::RspWdata, v)?;
                } else if head == "fs" {
                    self.need(Need::FsBank(true), "writes the FS base (`fs = V`)".into());
                    c.inputs.fs_we = true;
                    self.wide(c, Field::FsWdata, v)?;
                } else {
                    c.inputs.gs_we = true;
                    self.wide(c, Field::GsWdata, v)?;
                }
            }
            "csr" => {
                instruction(seen, "csr")?;
                let (op, name, tail) = match rest {
                    [op, name, tail @ ..] => (*op, *name, tail),
                    _ => bail!(self.err(
                        "expected `csr read NAME`, `csr write NAME = V` or `csr swap NAME = V`"
                    )),
                };
                c.inputs.csr_addr = self.csr_addr(name)?;
                let (value, opts) = match (op, tail) {
                    ("read", opts) => (None, opts),
                    ("write" | "swap", ["=", v, opts @ ..]) => (Some(*v), opts),
                    ("write" | "swap", _) => {
                        bail!(self.err(format!("expected `csr {op} {name} = VALUE`")))
                    }
                    _ => bail!(self.err(format!(
                        "unknown CSR operation '{op}': expected read, write or swap"
                    ))),
                };
                c.inputs.csr_re = op != "write";
                c.inputs.csr_we = op != "read";
                if let Some(v) = value {
                    self.wide(c, Field::CsrWdata, v)?;
                }
                let o = self.options(opts, &["expect"], "csr")?;
                if let Some(v) = o.get("expect") {
                    if !c.inputs.csr_re {
                        bail!(self.err("expect= on a CSR write: only a read returns a value"));
                    }
                    c.rdata = Some(self.value(v)?);
                }
            }
            "irq" => {
                let o = self.options(rest, &["vector"], "irq")?;
                let v = o
                    .get("vector")
                    .ok_or_else(|| self.err("`irq` needs vector=N"))?;
                c.inputs.irq = true;
                c.inputs.irq_vector = self.small(v, 8, "vector")? as u8;
            }
            "answer" => {
                let (flags, opts): (Vec<&str>, Vec<&str>) =
                    rest.iter().partition(|w| !w.contains('='));
                let o = self.options(&opts, &["data"], "answer")?;
                match flags.as_slice() {
                    [] => {}
                    ["error"] => c.inputs.mem_err = true,
                    _ => bail!(self.err("expected `answer [data=V] [error]`")),
                }
                c.answer = true;
                c.inputs.mem_ready = true;
                if let Some(d) = o.get("data") {
                    c.inputs.mem_rdata = self.num(d)?;
                }
            }
            "fault" => {
                instruction(seen, "fault")?;
                let o = self.options(rest, &["vector", "error", "data"], "fault")?;
                let v = o.get("vector").ok_or_else(|| {
                    self.err("`fault` needs vector=N (or a name: PF, GP, UD, DE...)")
                })?;
                c.inputs.exc_valid = true;
                c.inputs.exc_vector = match vector_by_name(v) {
                    Some(n) => n,
                    None => self.small(v, 8, "vector")? as u8,
                };
                if let Some(e) = o.get("error") {
                    c.inputs.exc_error = self.small(e, 32, "error code")? as u32;
                    c.inputs.exc_error_valid = true;
                }
                if let Some(d) = o.get("data") {
                    self.wide(c, Field::ExcData, d)?;
                }
            }
            _ => bail!(self.err(format!(
                "unknown step '{head}': expected a cycle (reset, idle, retire, rsp, gs, fs, csr, \
                 syscall, eret, fault, nmi, mce, irq, answer) or a directive (let, irq, mem, wait, \
                 expect, requires)"
            ))),
        }
        let i = &c.inputs;
        if i.retire && (i.op_syscall || i.op_eret || i.exc_valid) {
            bail!(self.err(
                "retire cannot come with syscall, eret or fault: SPEC says those come without retire"
            ));
        }
        Ok(())
    }
}

/// Parse the text of a scenario; `file` names it in messages.
pub fn parse(text: &str, file: &str) -> Result<Scenario> {
    let mut p = Parser {
        file,
        line: 0,
        lets: BTreeMap::new(),
        requires: RefCell::new(vec![]),
    };
    let mut steps = vec![];
    let mut about = String::new();
    let mut in_header = true;
    for (n, raw) in text.lines().enumerate() {
        p.line = n + 1;
        let code = raw.split('#').next().unwrap_or("").trim();
        if code.is_empty() {
            if in_header {
                if let Some(c) = raw.trim().strip_prefix('#') {
                    if !about.is_empty() {
                        about.push(' ');
                    }
                    about.push_str(c.trim());
                }
            }
            continue;
        }
        in_header = false;
        let words: Vec<&str> = code.split_whitespace().collect();
        let kind = match words[0] {
            "requires" => {
                p.requires(code["requires".len()..].trim())?;
                continue;
            }
            "let" => match words.as_slice() {
                [_, name, "=", v] => {
                    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        || name.chars().next().is_some_and(|c| c.is_ascii_digit())
                    {
                        bail!(p.err(format!("'{name}' is not a name: use letters, digits and _")));
                    }
                    let v = p.num(v)?;
                    p.lets.insert(name.to_string(), v);
                    continue;
                }
                _ => bail!(p.err("expected `let NAME = VALUE`")),
            },
            "irq" if words.get(1).is_some_and(|w| *w == "on" || *w == "off") => match words.as_slice() {
                [_, "off"] => Kind::Irq(None),
                [_, "on", v] if v.starts_with("vector=") => {
                    Kind::Irq(Some(p.small(&v["vector=".len()..], 8, "vector")? as u8))
                }
                _ => bail!(p.err("expected `irq on vector=N` or `irq off`")),
            },
            "mem" => match words.as_slice() {
                [_, w] if w.starts_with("wait=") => {
                    Kind::MemWait(Wait::Fixed(p.small(&w[5..], 16, "wait")? as u32))
                }
                [_, "wait=random", m] if m.starts_with("max=") => {
                    Kind::MemWait(Wait::Random {
                        max: p.small(&m[4..], 16, "max")? as u32,
                    })
                }
                [_, "off"] => Kind::MemOff,
                [_, "error", "next"] => Kind::MemError(0),
                [_, "error", a] if a.starts_with("after=") => Kind::MemError(p.num(&a[6..])?),
                _ => bail!(p.err(
                    "expected `mem wait=N`, `mem wait=random max=N`, `mem error next`, `mem error after=N` or `mem off`"
                )),
            },
            "wait" => match words.as_slice() {
                [_, n] => Kind::Wait(p.num(n)?),
                [_, "until", c, rest @ ..] => {
                    let cond = match *c {
                        "idle" => Cond::Idle,
                        "busy" => Cond::Busy,
                        "user" => Cond::User,
                        "kernel" => Cond::Kernel,
                        "redirect" => Cond::Redirect,
                        "shutdown" => Cond::Shutdown,
                        _ => bail!(p.err(format!(
                            "unknown condition '{c}': expected idle, busy, user, kernel, redirect or shutdown"
                        ))),
                    };
                    let o = p.options(rest, &["max"], "wait until")?;
                    let max = match o.get("max") {
                        Some(m) => p.num(m)?,
                        None => DEFAULT_WAIT_LIMIT,
                    };
                    Kind::WaitUntil(cond, max)
                }
                _ => bail!(p.err("expected `wait N` or `wait until COND [max=N]`")),
            },
            "expect" => {
                if words.len() < 2 {
                    bail!(p.err("`expect` needs at least one PORT=VALUE"));
                }
                let mut checks = vec![];
                for w in &words[1..] {
                    let (k, v) = w
                        .split_once('=')
                        .ok_or_else(|| p.err(format!("'{w}': expected PORT=VALUE")))?;
                    let value = match (k, v) {
                        ("cpl", "user") => Value::Num(CPL_USER as u64),
                        ("cpl", "kernel") => Value::Num(0),
                        ("event.type", t) => Value::Num(match t {
                            "IRQ" => event_type::EXTERNAL_INTERRUPT as u64,
                            "NMI" => event_type::NMI as u64,
                            "EXCEPTION" => event_type::HARDWARE_EXCEPTION as u64,
                            "SYSCALL" => event_type::OTHER as u64,
                            _ => p.small(t, 3, "event type")?,
                        }),
                        ("event.vector", v) => Value::Num(match vector_by_name(v) {
                            Some(n) => n as u64,
                            None => p.small(v, 8, "vector")?,
                        }),
                        (_, v) => p.value(v)?,
                    };
                    if !expect_keys().contains(&k) {
                        bail!(p.err(format!(
                            "unknown port '{k}' in expect: expected one of {}",
                            expect_keys().join(", ")
                        )));
                    }
                    if k == "fs_base" {
                        p.need(Need::FsBank(true), "expects port fs_base".into());
                    }
                    checks.push((k.to_string(), value));
                }
                Kind::Expect(checks)
            }
            _ => {
                let mut c = Cycle::default();
                let mut seen = vec![];
                for part in code.split(" + ") {
                    p.part(&mut c, part, &mut seen)?;
                }
                Kind::Cycle(c)
            }
        };
        steps.push(Step {
            line: p.line,
            text: code.to_string(),
            kind,
        });
    }
    if steps.is_empty() {
        bail!("{file}: no steps: a scenario needs at least one line that is not a comment");
    }
    let name = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file)
        .to_string();
    Ok(Scenario {
        name,
        path: PathBuf::from(file),
        about,
        steps,
        requires: p.requires.into_inner(),
    })
}

/// `expect` keys besides the output ports: fields of EVENT_INFO.
const EVENT_KEYS: [&str; 5] = [
    "event.type",
    "event.vector",
    "event.error",
    "event.from_user",
    "event.error_valid",
];

/// Every key an `expect` line may check.
fn expect_keys() -> Vec<&'static str> {
    crate::vectors::OUTPUTS
        .iter()
        .chain(["fs_base"].iter())
        .chain(EVENT_KEYS.iter())
        .copied()
        .collect()
}

/// Read and parse a scenario file.
pub fn load(path: &Path) -> Result<Scenario> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read scenario {}", path.display()))?;
    parse(&text, &path.display().to_string())
}

/// Every `*.scn` file in `dir`, sorted by name.
pub fn load_dir(dir: &Path) -> Result<Vec<Scenario>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the scenario folder {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "scn"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        bail!("no *.scn scenario files in {}", dir.display());
    }
    paths.iter().map(|p| load(p)).collect()
}

/// The field of the outputs that an `expect` key names.
fn observe(o: &Outputs, key: &str) -> u64 {
    let f = event_info::unpack(o.event_info);
    match key {
        "event.type" => f.ty as u64,
        "event.vector" => f.vector as u64,
        "event.error" => f.error as u64,
        "event.from_user" => f.from_user as u64,
        "event.error_valid" => f.error_valid as u64,
        "fs_base" => o.fs_base,
        _ => o
            .ports()
            .iter()
            .find(|(n, _)| *n == key)
            .map(|(_, v)| *v)
            .expect("known key"),
    }
}

/// What a run of a scenario produced, besides the cycles themselves.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub cycles: u64,
    pub transitions: Vec<Transition>,
}

/// Follows the outputs to find entries and ERETs and their cost.
#[derive(Default)]
struct Tracker {
    open: Option<(u64, String)>,
    accesses: u64,
    done: Vec<Transition>,
}

impl Tracker {
    fn cycle(&mut self, cycle: u64, decision: Option<Decision>, inp: &Inputs, out: &Outputs) {
        if out.redirect {
            if let Some((start, what)) = self.open.take() {
                let what = if what == "entry" {
                    let f = event_info::unpack(out.event_info);
                    match f.ty {
                        event_type::OTHER => "SYSCALL".to_string(),
                        event_type::NMI => "NMI".to_string(),
                        event_type::EXTERNAL_INTERRUPT => format!("IRQ {}", f.vector),
                        _ => vector_name(f.vector),
                    }
                } else {
                    what
                };
                self.done.push(Transition {
                    cycle: start,
                    what,
                    cycles: cycle - start,
                    accesses: self.accesses,
                    to_user: out.cpl == CPL_USER,
                });
            }
        }
        if out.mem_valid && inp.mem_ready {
            self.accesses += 1;
        }
        if out.shutdown {
            self.open = None;
        }
        match decision {
            Some(Decision::Enter(_)) => {
                self.open = Some((cycle, "entry".into()));
                self.accesses = 0;
            }
            Some(Decision::Eret) => {
                self.open = Some((cycle, "ERET".into()));
                self.accesses = 0;
            }
            _ => {}
        }
    }
}

impl Scenario {
    /// Why this scenario does not fit `cfg`, in one line naming the file
    /// and line of the first requirement `cfg` does not meet; `None` when
    /// it fits.
    pub fn skip_reason(&self, cfg: &PtuConfig) -> Option<String> {
        let r = self.requires.iter().find(|r| !r.need.met(cfg))?;
        Some(format!(
            "{}:{}: needs {} ({}), but configuration {} has {}",
            self.path.display(),
            r.line,
            r.need,
            r.why,
            cfg.name,
            r.need.has(cfg)
        ))
    }

    /// Run on the reference model, calling `sink` with the inputs of
    /// every cycle, the outputs the model predicts, and the step the cycle
    /// came from. Explicit expectations are checked against the model (a
    /// failure names the file and line).
    pub fn run(
        &self,
        cfg: &PtuConfig,
        sink: impl FnMut(u64, &Inputs, &Outputs, &Origin) -> Result<()>,
    ) -> Result<Summary> {
        if let Some(why) = self.skip_reason(cfg) {
            bail!("the scenario does not fit the configuration: {why}");
        }
        self.run_model(Model::new(cfg), sink)
    }

    /// [`Scenario::run`] from a given model (after reset; a mutant, say),
    /// without checking the scenario's requirements against it.
    pub fn run_model(
        &self,
        mut model: Model,
        mut sink: impl FnMut(u64, &Inputs, &Outputs, &Origin) -> Result<()>,
    ) -> Result<Summary> {
        let mut mem = Memory::new(0);
        let mut irq: Option<u8> = None;
        let mut cycle = 0u64;
        let mut tracker = Tracker::default();
        let file = self.path.display().to_string();
        let resolve = |model: &Model, v: &Value| -> u64 {
            match v {
                Value::Num(n) => *n,
                Value::Csr(a, off) => model.csr_value(*a).unwrap_or(0).wrapping_add_signed(*off),
            }
        };
        let mut manual = false;
        let mut one = |model: &mut Model,
                       mem: &mut Memory,
                       mut inp: Inputs,
                       irq: Option<u8>,
                       manual: bool,
                       origin: &Origin,
                       cycle: &mut u64|
         -> Result<Outputs> {
            if let Some(v) = irq {
                inp.irq = true;
                inp.irq_vector = v;
            }
            let state = model.outputs(&Inputs::default());
            let (ready, rdata, err) = if manual {
                (inp.mem_ready, inp.mem_rdata, inp.mem_err)
            } else {
                mem.respond(&state)
            };
            inp.mem_ready = ready;
            inp.mem_rdata = rdata;
            inp.mem_err = err;
            let out = model.outputs(&inp);
            let decision =
                (!state.busy && !state.shutdown && !inp.reset).then(|| model.decide(&inp));
            tracker.cycle(*cycle, decision, &inp, &out);
            sink(*cycle, &inp, &out, origin)?;
            model.step(&inp);
            mem.clock(&state, ready, err);
            *cycle += 1;
            Ok(out)
        };
        for step in &self.steps {
            let origin = Origin {
                line: step.line,
                text: step.text.clone(),
            };
            let at = |msg: String| anyhow!("{file}:{}: {msg}", step.line);
            match &step.kind {
                Kind::Cycle(c) => {
                    if c.answer && !manual {
                        bail!(at(
                            "`answer` needs `mem off` first: the memory model answers the bus otherwise"
                                .into()
                        ));
                    }
                    let expected_rdata = c.rdata.as_ref().map(|v| resolve(&model, v));
                    let mut inputs = c.inputs;
                    for (f, v) in &c.late {
                        f.set(&mut inputs, resolve(&model, v));
                    }
                    let out = one(
                        &mut model, &mut mem, inputs, irq, manual, &origin, &mut cycle,
                    )?;
                    if let Some(want) = expected_rdata {
                        if out.csr_rdata != want {
                            bail!(at(format!(
                                "csr_rdata is 0x{:x}, expected 0x{want:x} (`{}`)",
                                out.csr_rdata, step.text
                            )));
                        }
                    }
                }
                Kind::Wait(n) => {
                    for _ in 0..*n {
                        one(
                            &mut model,
                            &mut mem,
                            Inputs::default(),
                            irq,
                            manual,
                            &origin,
                            &mut cycle,
                        )?;
                    }
                }
                Kind::WaitUntil(cond, max) => {
                    let mut n = 0;
                    loop {
                        let o = model.outputs(&Inputs::default());
                        let met = match cond {
                            Cond::Idle => !o.busy,
                            Cond::Busy => o.busy,
                            Cond::User => o.cpl == CPL_USER,
                            Cond::Kernel => o.cpl != CPL_USER,
                            Cond::Redirect => o.redirect,
                            Cond::Shutdown => o.shutdown,
                        };
                        if met {
                            break;
                        }
                        if n == *max {
                            bail!(at(format!(
                                "`{}` not reached within {max} cycles",
                                step.text
                            )));
                        }
                        one(
                            &mut model,
                            &mut mem,
                            Inputs::default(),
                            irq,
                            manual,
                            &origin,
                            &mut cycle,
                        )?;
                        n += 1;
                    }
                }
                Kind::Expect(checks) => {
                    let o = model.outputs(&Inputs::default());
                    let mut bad = String::new();
                    for (k, v) in checks {
                        let want = resolve(&model, v);
                        let got = observe(&o, k);
                        if got != want {
                            let _ = write!(bad, " {k} is 0x{got:x}, expected 0x{want:x};");
                        }
                    }
                    if !bad.is_empty() {
                        bail!(at(format!("at cycle {cycle}:{bad} (`{}`)", step.text)));
                    }
                }
                Kind::Irq(v) => irq = *v,
                Kind::MemWait(w) => mem.wait = *w,
                Kind::MemError(after) => mem.error_at.push(mem.answers + after),
                Kind::MemOff => manual = true,
            }
        }
        // One more idle cycle, so that every simulator compares the state
        // the last step's edge left (and its redirect pulse is seen).
        let end = Origin {
            line: self.steps.last().map_or(0, |s| s.line),
            text: "(end of scenario)".into(),
        };
        one(
            &mut model,
            &mut mem,
            Inputs::default(),
            irq,
            manual,
            &end,
            &mut cycle,
        )?;
        Ok(Summary {
            cycles: cycle,
            transitions: tracker.done,
        })
    }
}

impl Scenario {
    /// Run on the rust-hdl design, stepped in one thread, checking every
    /// output of every cycle against the model; the VCD goes to `vcd`.
    pub fn run_rtl(&self, cfg: &PtuConfig, vcd: Option<&Path>) -> Result<Summary> {
        let mut rtl = crate::rtl::RtlSim::new(cfg)?;
        if let Some(p) = vcd {
            rtl.trace_to(p)?;
        }
        let file = self.path.display().to_string();
        let result = self.run(cfg, |cycle, inp, want, origin| {
            rtl.apply(inp)?;
            let got = rtl.outputs();
            rtl.tick()?;
            if &got != want {
                bail!(
                    "{file}:{}: cycle {cycle} (`{}`): the design differs from the model: {};",
                    origin.line,
                    origin.text,
                    got.describe_diff(want)
                );
            }
            Ok(())
        });
        rtl.finish()?;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text, "t.scn").unwrap_err().to_string()
    }

    #[test]
    fn bad_lines_name_file_line_and_fix() {
        assert_eq!(
            err("reset\nfrobnicate\n"),
            "t.scn:2: unknown step 'frobnicate': expected a cycle (reset, idle, retire, rsp, gs, \
             fs, csr, syscall, eret, fault, nmi, mce, irq, answer) or a directive (let, irq, mem, \
             wait, expect, requires)"
        );
        assert!(err("retire next=12zz")
            .starts_with("t.scn:1: '12zz' is not a number: write it in decimal or as 0x hex"));
        assert_eq!(
            err("retire next=0x1_0000_0000_0000_0000"),
            "t.scn:1: '0x1_0000_0000_0000_0000' is too large for 64 bits: the largest value is \
             0xffff_ffff_ffff_ffff"
        );
        assert_eq!(
            err("retire next=UCODE+36893488147419103232"),
            "t.scn:1: '36893488147419103232' is too large for 64 bits: the largest value is \
             0xffff_ffff_ffff_ffff"
        );
        assert_eq!(
            err("syscall"),
            "t.scn:1: `syscall` needs next=ADDR (the address of the next instruction)"
        );
        assert!(err("syscall next=4 + eret").starts_with(
            "t.scn:1: two instructions in one cycle (syscall + eret): SPEC allows at most one"
        ));
        assert!(
            err("retire next=4 + fault vector=PF").starts_with("t.scn:1: two instructions")
                || err("retire next=4 + fault vector=PF").contains("retire cannot come with")
        );
        assert!(err("csr read BOGUS").starts_with("t.scn:1: unknown CSR 'BOGUS'"));
        assert!(err("expect pc=4").starts_with("t.scn:1: unknown port 'pc' in expect"));
        assert!(err("fault vector=300").contains("vector 300 does not fit in 8 bits"));
        assert!(err("# only a comment\n").contains("no steps"));
    }

    #[test]
    fn a_scenario_runs_and_checks_its_expectations() {
        let text = "\
# demo
let K = 0x8000
reset
csr write ENTRY = 0x1000
retire next=0x500 + rsp = K
eret
expect cpl=user
syscall next=0x404
expect cpl=kernel rip=ENTRY rsp=K event.type=SYSCALL event.from_user=1
csr read URIP expect=0x404
eret
expect cpl=user rip=0x404
";
        let s = parse(text, "demo.scn").unwrap();
        assert_eq!(s.about, "demo");
        let mut n = 0;
        let sum = s
            .run(&PtuConfig::default(), |_, _, _, _| {
                n += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(sum.cycles, 8, "seven steps and the final idle cycle");
        assert_eq!(n, 8);
        let t: Vec<_> = sum
            .transitions
            .iter()
            .map(|t| (t.what.as_str(), t.cycles, t.accesses))
            .collect();
        assert_eq!(t, vec![("ERET", 1, 0), ("SYSCALL", 1, 0), ("ERET", 1, 0)]);
        // A wrong expectation fails with the line.
        let bad = text.replace("rip=ENTRY", "rip=0x2000");
        let e = parse(&bad, "demo.scn")
            .unwrap()
            .run(&PtuConfig::default(), |_, _, _, _| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("demo.scn:9: at cycle 5: rip is 0x1000, expected 0x2000;"),
            "{e}"
        );
    }
}
