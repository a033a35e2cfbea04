//! Finding signals by name in a VCD of any producer, the `ptu` instance in
//! it, and the groups a CPU designer reads a waveform by.
//!
//! Producers name scopes differently (`uut` for rust-hdl's simulator, a
//! `ptu` instance inside a testbench scope for Icarus and Verilator), so
//! the `ptu` instance is the deepest scope that declares every output port
//! of SPEC's port table, and its signals are found by leaf name or by a
//! path relative to it. Signals inside it (the bank copies, the CSRs) are
//! named by `ptu_arch::internal`, whose paths hold for every producer;
//! the CSR group has one row per CSR of `ptu_arch::csr::TABLE`.

use crate::reader::{Value, Vcd};
use anyhow::{bail, Result};
use ptu_arch::csr::{self, Access};
use ptu_arch::{event_info, event_type, internal, vector, Dir, CPL_KERNEL, CPL_USER, PORTS};
use Source::{Internal, Port};

/// How a signal's value reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A single bit, drawn as a wave.
    Bit,
    /// A bus, in hexadecimal.
    Hex,
    /// `cpl`: kernel / user.
    Cpl,
    /// EVENT_INFO decoded: type, vector, error, from_user.
    EventInfo,
    /// An event type (EVENT_INFO bits 2:0).
    EventType,
    /// An x86 vector number.
    Vector,
    /// A CSR address.
    Csr,
}

/// One row of a view: a signal (or a field of one) and how it reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// What the row is called in views.
    pub label: String,
    /// Index into [`Vcd::vars`].
    pub var: usize,
    /// How its value reads.
    pub format: Format,
}

/// A named group of rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub name: &'static str,
    pub rows: Vec<Row>,
}

/// Where a row of the default groups finds its signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A port of `ptu`, by SPEC's name.
    Port(&'static str),
    /// A signal inside `ptu`, by its key in `ptu_arch::internal::TABLE`.
    Internal(&'static str),
}

impl Source {
    /// The path relative to the `ptu` instance.
    pub fn path(self) -> &'static str {
        match self {
            Port(p) => p,
            Internal(key) => internal::get(key).path,
        }
    }

    /// [`Source::path`], or `None` for an internal name that
    /// `ptu_arch::internal::TABLE` does not have (yet): a row of an
    /// option's state.
    pub fn lookup_path(self) -> Option<&'static str> {
        match self {
            Port(p) => Some(p),
            Internal(key) => internal::lookup(key).map(|e| e.path),
        }
    }
}

/// A row of the default groups: label, where its signal is, format.
type Spec = (&'static str, Source, Format);

const PRIVILEGE: &[Spec] = &[
    ("clock", Port("clock"), Format::Bit),
    ("reset", Port("reset"), Format::Bit),
    ("cpl", Port("cpl"), Format::Cpl),
    ("redirect", Port("redirect"), Format::Bit),
    ("busy", Port("busy"), Format::Bit),
    ("shutdown", Port("shutdown"), Format::Bit),
];
// Rows of an option's ports and state (`fs_*` of `fs_bank`) appear when
// the file has them: a row whose signal the file lacks is left out.
const RENAMED: &[Spec] = &[
    ("rip", Port("rip"), Format::Hex),
    ("rsp", Port("rsp"), Format::Hex),
    ("gs_base", Port("gs_base"), Format::Hex),
    ("fs_base", Port("fs_base"), Format::Hex),
    ("fs_we", Port("fs_we"), Format::Bit),
    ("fs_wdata", Port("fs_wdata"), Format::Hex),
];
const BANKS: &[Spec] = &[
    ("kernel rip", Internal("kernel_rip"), Format::Hex),
    ("kernel rsp", Internal("kernel_rsp"), Format::Hex),
    ("kernel gs", Internal("kernel_gs"), Format::Hex),
    ("kernel fs", Internal("kernel_fs"), Format::Hex),
    ("user rip", Internal("urip"), Format::Hex),
    ("user rsp", Internal("ursp"), Format::Hex),
    ("user gs", Internal("ugs"), Format::Hex),
    ("user fs", Internal("ufs"), Format::Hex),
];
const EVENTS: &[Spec] = &[
    ("op_syscall", Port("op_syscall"), Format::Bit),
    ("op_eret", Port("op_eret"), Format::Bit),
    ("exc_valid", Port("exc_valid"), Format::Bit),
    ("exc_vector", Port("exc_vector"), Format::Vector),
    ("irq", Port("irq"), Format::Bit),
    ("irq_vector", Port("irq_vector"), Format::Hex),
    ("irq_ack", Port("irq_ack"), Format::Bit),
    ("nmi", Port("nmi"), Format::Bit),
    ("mce", Port("mce"), Format::Bit),
    ("csr_we", Port("csr_we"), Format::Bit),
    ("csr_addr", Port("csr_addr"), Format::Csr),
    ("event_info", Port("event_info"), Format::EventInfo),
    ("event_data", Port("event_data"), Format::Hex),
    ("nmi pending", Internal("nmi_pending"), Format::Bit),
    ("mce pending", Internal("mce_pending"), Format::Bit),
    (
        "in-flight event",
        Internal("inflight_info"),
        Format::EventInfo,
    ),
];
const MEMORY: &[Spec] = &[
    ("mem_valid", Port("mem_valid"), Format::Bit),
    ("mem_we", Port("mem_we"), Format::Bit),
    ("mem_addr", Port("mem_addr"), Format::Hex),
    ("mem_wdata", Port("mem_wdata"), Format::Hex),
    ("mem_rdata", Port("mem_rdata"), Format::Hex),
    ("mem_ready", Port("mem_ready"), Format::Bit),
    ("mem_err", Port("mem_err"), Format::Bit),
    ("frame word", Internal("frame_word"), Format::Hex),
    ("frame address", Internal("frame_addr"), Format::Hex),
];

/// The groups of the issue, in order: name and rows; the CSR group
/// ([`CSR_GROUP`], rows from [`csr_rows`]) follows the banks.
pub const GROUPS: [(&str, &[Spec]); 5] = [
    ("privilege", PRIVILEGE),
    ("renamed registers", RENAMED),
    ("banks (internal copies)", BANKS),
    ("events", EVENTS),
    ("memory port", MEMORY),
];

/// Name of the group of CSR registers.
pub const CSR_GROUP: &str = "CSRs (internal registers)";

/// The rows of [`CSR_GROUP`]: every CSR of `csr::TABLE` but the user
/// copies (the banks group shows them), labelled with its name, read from
/// its register (`ptu_arch::internal`, keyed by the name in lower case).
pub fn csr_rows() -> Vec<(String, &'static str, Format)> {
    csr::TABLE
        .iter()
        .filter(|c| c.access != Access::UserCopy)
        .map(|c| {
            let key = c.name.to_ascii_lowercase();
            let format = if c.addr == csr::EVENT_INFO {
                Format::EventInfo
            } else {
                Format::Hex
            };
            (c.name.to_string(), internal::get(&key).path, format)
        })
        .collect()
}

/// The rows the options add to [`CSR_GROUP`]: their CSRs that have a
/// register of their own (ENTRY_IRQ; not UFS, a user copy the banks group
/// shows, nor EVENT_INFO_H, the high half of EVENT_INFO), for the internal
/// names `ptu_arch::internal` has. A file without them shows none.
pub fn option_csr_rows() -> Vec<(String, &'static str, Format)> {
    ptu_arch::config::OPTION_CSRS
        .iter()
        .filter(|c| c.access != Access::UserCopy && c.addr != ptu_arch::config::EVENT_INFO_H)
        .filter_map(|c| {
            let key = c.name.to_ascii_lowercase();
            internal::lookup(&key).map(|e| (c.name.to_string(), e.path, Format::Hex))
        })
        .collect()
}

/// The name of the CSR at `addr` in any configuration: the default
/// unit's ([`csr::name`]), or an option's (EVENT_INFO_H, ENTRY_IRQ, UFS).
pub fn csr_name(addr: u8) -> Option<&'static str> {
    csr::name(addr).or_else(|| {
        ptu_arch::config::OPTION_CSRS
            .iter()
            .find(|c| c.addr == addr)
            .map(|c| c.name)
    })
}

/// The scope of the `ptu` instance: of the scopes that declare `clock`
/// and every output port of `ptu`, the one with the most of its ports
/// (a checker beside the unit, as in the board demo, takes the outputs
/// but not the inputs), then the deepest.
pub fn find_ptu(vcd: &Vcd) -> Option<String> {
    let needed: Vec<&str> = PORTS
        .iter()
        .filter(|(n, d, _)| *d == Dir::Out || *n == "clock")
        .map(|(n, _, _)| *n)
        .collect();
    let mut scopes: Vec<&str> = vcd.scopes.iter().map(|s| s.as_str()).collect();
    scopes.push("");
    let depth = |s: &str| s.matches('.').count() + !s.is_empty() as usize;
    let mut best: Option<(usize, usize, &str)> = None;
    for scope in scopes {
        let has = |n: &str| vcd.vars.iter().any(|v| v.scope == scope && v.name == n);
        if needed.iter().all(|n| has(n)) {
            let ports = PORTS.iter().filter(|(n, _, _)| has(n)).count();
            let rank = (ports, depth(scope), scope);
            if best.is_none_or(|b| (rank.0, rank.1) > (b.0, b.1)) {
                best = Some(rank);
            }
        }
    }
    best.map(|b| b.2.to_string())
}

fn join(scope: &str, rel: &str) -> String {
    if scope.is_empty() {
        rel.to_string()
    } else {
        format!("{scope}.{rel}")
    }
}

/// The variable at `rel` inside `scope`, if any.
pub fn at(vcd: &Vcd, scope: &str, rel: &str) -> Option<usize> {
    let full = join(scope, rel);
    vcd.vars.iter().position(|v| v.path == full)
}

/// The clock: `clock` of the `ptu` instance, else the shallowest variable
/// called `clock`, `clk` or `clk_i`.
pub fn clock_var(vcd: &Vcd, ptu: Option<&str>) -> Option<usize> {
    if let Some(p) = ptu {
        if let Some(v) = at(vcd, p, "clock") {
            return Some(v);
        }
    }
    vcd.vars
        .iter()
        .enumerate()
        .filter(|(_, v)| matches!(v.name.as_str(), "clock" | "clk" | "clk_i") && v.width == 1)
        .min_by_key(|(_, v)| v.path.matches('.').count())
        .map(|(i, _)| i)
}

/// Find a signal by full path, by path relative to the `ptu` instance, or
/// by a unique path suffix (a leaf name: the shallowest match wins).
pub fn resolve(vcd: &Vcd, ptu: Option<&str>, name: &str) -> Result<usize> {
    let name = name.trim();
    let bare = name.split('[').next().unwrap_or(name);
    if let Some(i) = vcd
        .vars
        .iter()
        .position(|v| v.path == bare || v.gtkwave_name() == name)
    {
        return Ok(i);
    }
    if let Some(p) = ptu {
        if let Some(i) = at(vcd, p, bare) {
            return Ok(i);
        }
    }
    let suffix = format!(".{bare}");
    let matches: Vec<usize> = vcd
        .vars
        .iter()
        .enumerate()
        .filter(|(_, v)| v.path.ends_with(&suffix))
        .map(|(i, _)| i)
        .collect();
    if let Some(min) = matches
        .iter()
        .map(|&i| vcd.vars[i].path.matches('.').count())
        .min()
    {
        let best: Vec<usize> = matches
            .iter()
            .copied()
            .filter(|&i| vcd.vars[i].path.matches('.').count() == min)
            .collect();
        if best.len() == 1 {
            return Ok(best[0]);
        }
        let names: Vec<&str> = best
            .iter()
            .take(6)
            .map(|&i| vcd.vars[i].path.as_str())
            .collect();
        bail!(
            "signal '{name}' is ambiguous in {}: it could be {}; give more of its path",
            vcd.path.display(),
            names.join(", ")
        );
    }
    let close = close_names(vcd, bare);
    if close.is_empty() {
        bail!(
            "no signal '{name}' in {} (`ptu wave {} --list` shows them all)",
            vcd.path.display(),
            vcd.path.display()
        );
    }
    bail!(
        "no signal '{name}' in {}; close names: {} (`--list` shows them all)",
        vcd.path.display(),
        close.join(", ")
    )
}

/// Up to five names of `vcd` close to `name` (by edit distance of the leaf
/// name, or containing it).
pub fn close_names(vcd: &Vcd, name: &str) -> Vec<String> {
    let leaf = name.rsplit('.').next().unwrap_or(name).to_lowercase();
    let mut scored: Vec<(usize, usize, &str)> = vcd
        .vars
        .iter()
        .filter_map(|v| {
            let d = levenshtein(&leaf, &v.name.to_lowercase());
            let contains =
                v.name.to_lowercase().contains(&leaf) || leaf.contains(&v.name.to_lowercase());
            let limit = (leaf.len() / 3).max(2);
            (d <= limit || (contains && leaf.len() >= 2))
                .then(|| (d, v.path.matches('.').count(), v.path.as_str()))
        })
        .collect();
    scored.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, _, p) in scored {
        if !out.iter().any(|o| o == p) {
            out.push(p.to_string());
        }
        if out.len() == 5 {
            break;
        }
    }
    out
}

/// Edit distance counting a swap of two neighbours as one edit (optimal
/// string alignment), so `rpi` is one edit from `rip`.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = (a[i - 1] != b[j - 1]) as usize;
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// The default groups: the groups for a `ptu` instance (rows whose
/// signal the file lacks are left out), else one group per scope of the
/// top-level scope's variables.
pub fn default_groups(vcd: &Vcd, ptu: Option<&str>) -> Vec<Group> {
    if let Some(p) = ptu {
        let row = |label: String, rel: &str, format: Format| {
            at(vcd, p, rel).map(|var| Row { label, var, format })
        };
        let mut groups: Vec<Group> = GROUPS
            .iter()
            .map(|(name, specs)| Group {
                name,
                rows: specs
                    .iter()
                    .filter_map(|(label, src, format)| {
                        row(label.to_string(), src.lookup_path()?, *format)
                    })
                    .collect(),
            })
            .collect();
        let csrs = Group {
            name: CSR_GROUP,
            rows: csr_rows()
                .into_iter()
                .chain(option_csr_rows())
                .filter_map(|(label, rel, format)| row(label, rel, format))
                .collect(),
        };
        groups.insert(3, csrs);
        return groups.into_iter().filter(|g| !g.rows.is_empty()).collect();
    }
    let top = vcd.vars[0].scope.clone();
    vec![Group {
        name: "signals",
        rows: vcd
            .vars
            .iter()
            .enumerate()
            .filter(|(_, v)| v.scope == top)
            .take(40)
            .map(|(i, v)| Row {
                label: v.name.clone(),
                var: i,
                format: guess_format(&v.name, v.width),
            })
            .collect(),
    }]
}

/// The format of a signal chosen by name: bits as waves, buses in hex,
/// and the translations of `cpl`, `event_info`, `csr_addr`, vectors.
pub fn guess_format(name: &str, width: u32) -> Format {
    let leaf = name.rsplit('.').next().unwrap_or(name);
    match leaf {
        "cpl" if width == 2 => Format::Cpl,
        "event_info" | "event_info_q" if width == 64 => Format::EventInfo,
        "csr_addr" if width == 8 => Format::Csr,
        "exc_vector" if width == 8 => Format::Vector,
        _ if width == 1 => Format::Bit,
        _ => Format::Hex,
    }
}

/// Name of an x86 vector the unit knows, from `ptu_arch::vector`.
pub fn vector_name(v: u8) -> Option<&'static str> {
    match v {
        vector::DE => Some("#DE"),
        vector::NMI => Some("NMI"),
        vector::UD => Some("#UD"),
        vector::DF => Some("#DF"),
        vector::GP => Some("#GP"),
        vector::PF => Some("#PF"),
        vector::MC => Some("#MC"),
        _ => None,
    }
}

/// The name of `cpl`.
pub fn cpl_name(v: u64) -> Option<&'static str> {
    if v == CPL_KERNEL as u64 {
        Some("kernel")
    } else if v == CPL_USER as u64 {
        Some("user")
    } else {
        None
    }
}

/// EVENT_INFO in words: `SYSCALL`, `EXCEPTION #PF err 0x2 user`, ...
pub fn event_info_text(v: u64) -> String {
    let f = event_info::unpack(v);
    let mut s = event_type::name(f.ty).to_string();
    if f.ty == event_type::HARDWARE_EXCEPTION || f.ty == event_type::EXTERNAL_INTERRUPT {
        match vector_name(f.vector) {
            Some(n) if f.ty == event_type::HARDWARE_EXCEPTION => s = format!("{s} {n}"),
            _ => s = format!("{s} {:#x}", f.vector),
        }
    }
    if f.error_valid {
        s = format!("{s} err {:#x}", f.error);
    }
    if f.from_user {
        s.push_str(" from user");
    }
    s
}

/// A value as its row reads it.
pub fn text(format: Format, value: &Value) -> String {
    let Some(n) = value.as_u64() else {
        return value.hex();
    };
    match format {
        Format::Bit | Format::Hex => value.hex(),
        Format::Cpl => cpl_name(n)
            .map(str::to_string)
            .unwrap_or_else(|| value.hex()),
        Format::EventInfo => {
            if n == 0 {
                "0".into()
            } else {
                event_info_text(n)
            }
        }
        Format::EventType => event_type::name((n & event_info::TYPE_MASK) as u8).to_string(),
        Format::Vector => vector_name(n as u8)
            .map(str::to_string)
            .unwrap_or_else(|| value.hex()),
        Format::Csr => csr_name(n as u8)
            .map(str::to_string)
            .unwrap_or_else(|| value.hex()),
    }
}
