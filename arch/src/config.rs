//! The generator's configuration: one struct, [`PtuConfig`], its named
//! [`PRESETS`], and its TOML form (`ptu generate --config FILE`).
//!
//! Every option is specified in `docs/spec.md`, section "Options"; the keys
//! of the TOML form are listed in `docs/config.md`. Two kinds of check:
//!
//! * [`PtuConfig::check`] (and the TOML reader): the values a configuration
//!   may have at all, as the specification allows them (`xlen` 32 or 64, a
//!   `reset_rip` that fits `xlen`). A bad value is refused with one line
//!   naming the file, the line and the allowed values.
//! * [`PtuConfig::validate`]: `check`, and what the RTL builds today. The
//!   options specified but not yet generated (`xlen = 32`) are refused
//!   here with a line that says so.

use crate::csr::{self, Access, Csr};
use crate::{Dir, PORTS, XLEN};
use anyhow::{bail, Result};
use std::path::Path;

/// Generation parameters of the unit. One struct, with [`PRESETS`],
/// checked by [`PtuConfig::validate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PtuConfig {
    /// What this configuration is called: a preset's name, or the `name`
    /// key of a configuration file (its file stem when the key is absent).
    /// Only the headers of the generated files show it.
    pub name: ConfigName,
    /// Width of RIP, RSP, GS base, the CSRs and the memory port: 32 or 64.
    /// Only 64 is generated today.
    pub xlen: usize,
    /// Kernel RIP after reset; must fit in `xlen` bits.
    pub reset_rip: u64,
    /// A third entry point for external interrupts, CSR ENTRY_IRQ
    /// ([`ENTRY_IRQ`]).
    pub irq_entry: bool,
    /// A banked FS base beside the GS base: ports `fs_base`, `fs_we`,
    /// `fs_wdata` and CSR UFS ([`UFS`]).
    pub fs_bank: bool,
}

/// CSR address of ENTRY_IRQ (option `irq_entry`): the entry point of
/// external interrupts. Not in `csr::TABLE`, which is the default unit's.
pub const ENTRY_IRQ: u8 = 0x08;
/// CSR address of UFS (option `fs_bank`): the user copy of the FS base.
pub const UFS: u8 = 0x13;
/// CSR address of EVENT_INFO_H (`xlen = 32`): EVENT_INFO bits 63:32, read
/// only; EVENT_INFO (0x04) then reads bits 31:0.
pub const EVENT_INFO_H: u8 = 0x06;

/// The CSRs the options add (docs/spec.md, section 14), in address order.
/// A configuration has those of its options ([`PtuConfig::csrs`]); they
/// stay out of `csr::TABLE`, which is the default unit's.
pub const OPTION_CSRS: [Csr; 3] = [
    Csr {
        addr: EVENT_INFO_H,
        name: "EVENT_INFO_H",
        access: Access::ReadOnly,
        reset: 0,
        doc: "EVENT_INFO bits 63:32 (xlen = 32; EVENT_INFO then reads bits 31:0).",
    },
    Csr {
        addr: ENTRY_IRQ,
        name: "ENTRY_IRQ",
        access: Access::ReadWrite,
        reset: 0,
        doc: "The entry point of external interrupts (irq_entry).",
    },
    Csr {
        addr: UFS,
        name: "UFS",
        access: Access::UserCopy,
        reset: 0,
        doc: "The user copy of FS base (fs_bank).",
    },
];

/// The ports whose width is `xlen` (all others have a fixed width:
/// `event_info` is 64 bits whatever `xlen` is).
pub const XLEN_PORTS: [&str; 13] = [
    "rip",
    "rsp",
    "gs_base",
    "next_rip",
    "rsp_wdata",
    "gs_wdata",
    "csr_wdata",
    "csr_rdata",
    "exc_data",
    "event_data",
    "mem_addr",
    "mem_wdata",
    "mem_rdata",
];

/// A named configuration, for `ptu generate --preset NAME`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// Its name, as `--preset` takes it.
    pub name: &'static str,
    /// What it is for, in one line.
    pub purpose: &'static str,
    pub xlen: usize,
    pub reset_rip: u64,
    pub irq_entry: bool,
    pub fs_bank: bool,
}

impl Preset {
    /// The configuration this preset names.
    pub fn config(&self) -> PtuConfig {
        PtuConfig {
            name: ConfigName::new(self.name).expect("a preset's name is a name"),
            xlen: self.xlen,
            reset_rip: self.reset_rip,
            irq_entry: self.irq_entry,
            fs_bank: self.fs_bank,
        }
    }
}

/// Every preset, the default first. `ptu generate --list-presets` prints
/// them with [`list_presets`].
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "x86_64-default",
        purpose: "today's unit for an x86-64-like core, no options (rtl/generated/ptu.v)",
        xlen: 64,
        reset_rip: 0,
        irq_entry: false,
        fs_bank: false,
    },
    Preset {
        name: "x86_64-irq-entry",
        purpose: "x86-64, with a separate entry point for external interrupts (CSR ENTRY_IRQ)",
        xlen: 64,
        reset_rip: 0,
        irq_entry: true,
        fs_bank: false,
    },
    Preset {
        name: "x86_64-fs-bank",
        purpose: "x86-64, with a banked FS base beside the GS base (ports fs_*, CSR UFS)",
        xlen: 64,
        reset_rip: 0,
        irq_entry: false,
        fs_bank: true,
    },
    Preset {
        name: "x86_64-full",
        purpose: "x86-64 with both options: interrupt entry point and banked FS base",
        xlen: 64,
        reset_rip: 0,
        irq_entry: true,
        fs_bank: true,
    },
    Preset {
        name: "ice40-small-32",
        purpose: "the small 32-bit unit for iCE40 boards (32-bit registers, bus and frame)",
        xlen: 32,
        reset_rip: 0,
        irq_entry: false,
        fs_bank: false,
    },
];

/// The preset called `name`, or an error that lists them all.
pub fn preset(name: &str) -> Result<&'static Preset> {
    match PRESETS.iter().find(|p| p.name == name) {
        Some(p) => Ok(p),
        None => bail!(
            "no preset called `{name}`: choose one of {} (`ptu generate --list-presets` says what each is for)",
            preset_names()
        ),
    }
}

/// The presets' names, comma-separated.
fn preset_names() -> String {
    PRESETS
        .iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What `ptu generate --list-presets` prints: one line per preset, whether
/// it is generated today, its values, what it is for.
pub fn list_presets() -> String {
    let mut s = String::new();
    for p in PRESETS {
        let cfg = p.config();
        let state = if cfg.validate().is_ok() {
            "generated"
        } else {
            "specified, not yet generated"
        };
        s.push_str(&format!(
            "{:<18} {:<28} {}\n{:<18} {}\n",
            p.name,
            state,
            cfg.values(),
            "",
            p.purpose
        ));
    }
    s
}

impl Default for PtuConfig {
    fn default() -> Self {
        Self::x86_64()
    }
}

/// The keys of the TOML form, in the order [`PtuConfig::to_toml`] writes
/// them (`preset` is read, never written).
pub const KEYS: [&str; 6] = [
    "preset",
    "name",
    "xlen",
    "reset_rip",
    "irq_entry",
    "fs_bank",
];

impl PtuConfig {
    /// The default configuration, preset `x86_64-default`: XLEN 64, kernel
    /// RIP 0 after reset, no options; `rtl/generated/ptu.v` is its Verilog.
    pub fn x86_64() -> Self {
        PRESETS[0].config()
    }

    /// The values a configuration may have at all (docs/spec.md, Options).
    pub fn check(&self) -> Result<()> {
        if self.xlen != 32 && self.xlen != 64 {
            bail!("xlen = {} is not allowed: write 32 or 64", self.xlen);
        }
        if self.xlen == 32 && self.reset_rip > u32::MAX as u64 {
            bail!(
                "reset_rip = 0x{:x} does not fit xlen = 32: write at most 0xffff_ffff",
                self.reset_rip
            );
        }
        Ok(())
    }

    /// [`check`](Self::check), and what the RTL generates today: xlen 64,
    /// with or without `irq_entry` and `fs_bank`. `xlen = 32` is specified
    /// in docs/spec.md and refused here until the hardware is built.
    pub fn validate(&self) -> Result<()> {
        self.check()?;
        let later = "is specified in docs/spec.md (Options) but not yet generated";
        if self.xlen != XLEN {
            bail!(
                "xlen = {} {later}: only xlen = 64 is implemented today",
                self.xlen
            );
        }
        Ok(())
    }

    /// The option values in one line: `xlen=64 reset_rip=0x0 irq_entry=false
    /// fs_bank=false`.
    pub fn values(&self) -> String {
        format!(
            "xlen={} reset_rip=0x{:x} irq_entry={} fs_bank={}",
            self.xlen, self.reset_rip, self.irq_entry, self.fs_bank
        )
    }

    /// Name and values in one line, used in generated file headers.
    pub fn describe(&self) -> String {
        format!("{} ({})", self.name, self.values())
    }

    /// The ports of module `ptu` in this configuration: [`PORTS`] with
    /// the `xlen`-wide ones ([`XLEN_PORTS`]) at `xlen`, and with `fs_bank`
    /// the FS ports after the GS ones (`fs_base` after `gs_base`, `fs_we`
    /// and `fs_wdata` after `gs_wdata`).
    pub fn ports(&self) -> Vec<(&'static str, Dir, usize)> {
        let mut v = Vec::new();
        for &(name, dir, width) in PORTS.iter() {
            let w = if XLEN_PORTS.contains(&name) {
                self.xlen
            } else {
                width
            };
            v.push((name, dir, w));
            if self.fs_bank && name == "gs_base" {
                v.push(("fs_base", Dir::Out, self.xlen));
            }
            if self.fs_bank && name == "gs_wdata" {
                v.push(("fs_we", Dir::In, 1));
                v.push(("fs_wdata", Dir::In, self.xlen));
            }
        }
        v
    }

    /// The values an `xlen`-wide register can hold: `u64::MAX` or
    /// `0xffff_ffff`.
    pub fn xlen_mask(&self) -> u64 {
        if self.xlen >= 64 {
            u64::MAX
        } else {
            (1u64 << self.xlen) - 1
        }
    }

    /// Whether this configuration has the option CSR at `addr` (one of
    /// [`OPTION_CSRS`]).
    fn has_option_csr(&self, addr: u8) -> bool {
        match addr {
            EVENT_INFO_H => self.xlen == 32,
            ENTRY_IRQ => self.irq_entry,
            UFS => self.fs_bank,
            _ => false,
        }
    }

    /// Every CSR of this configuration, in address order: `csr::TABLE`
    /// and the options' ([`OPTION_CSRS`]).
    pub fn csrs(&self) -> Vec<Csr> {
        let mut v: Vec<Csr> = csr::TABLE.to_vec();
        v.extend(OPTION_CSRS.iter().filter(|c| self.has_option_csr(c.addr)));
        v.sort_by_key(|c| c.addr);
        v
    }

    /// The CSR at `addr` in this configuration, or `None`.
    pub fn csr(&self, addr: u8) -> Option<Csr> {
        csr::lookup(addr).copied().or_else(|| {
            OPTION_CSRS
                .iter()
                .find(|c| c.addr == addr && self.has_option_csr(addr))
                .copied()
        })
    }

    /// The CSR called `name` (any case) in this configuration.
    pub fn csr_by_name(&self, name: &str) -> Option<Csr> {
        self.csrs()
            .into_iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// Does a kernel-mode access to `addr` raise #GP in this configuration
    /// (an address it lacks, or a write to a read-only CSR)?
    pub fn csr_faults(&self, addr: u8, write: bool) -> bool {
        match self.csr(addr) {
            None => true,
            Some(c) => write && !c.access.writable(),
        }
    }

    /// The frame this configuration pushes (docs/spec.md, "Frames" and
    /// "Options").
    pub fn frame(&self) -> FrameLayout {
        FrameLayout::for_xlen(self.xlen)
    }

    /// The configuration as a TOML file that [`PtuConfig::from_toml`]
    /// reads back equal.
    pub fn to_toml(&self) -> String {
        format!(
            "# ptu generate --config: docs/config.md lists the keys.\n\
             name = \"{}\"\n\
             xlen = {}\n\
             reset_rip = 0x{:x}\n\
             irq_entry = {}\n\
             fs_bank = {}\n",
            self.name, self.xlen, self.reset_rip, self.irq_entry, self.fs_bank
        )
    }

    /// Read a configuration file. Errors are one line:
    /// `FILE:LINE: what is wrong: what to write`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "config".into());
        Self::from_toml(&text, &path.display().to_string(), &stem)
    }

    /// Parse the TOML form (docs/config.md). `file` names the source in
    /// errors; `stem` is the name when the text has no `name` key. Every
    /// key is optional; `preset` gives the starting values (default
    /// `x86_64-default`) and the other keys override them.
    pub fn from_toml(text: &str, file: &str, stem: &str) -> Result<Self> {
        use toml::de::{DeTable, DeValue};
        let line = |offset: usize| 1 + text[..offset.min(text.len())].matches('\n').count();
        let table = DeTable::parse(text).map_err(|e| {
            let at = e.span().map(|s| line(s.start)).unwrap_or(1);
            let msg = e.message().trim().replace('\n', "; ");
            anyhow::anyhow!("{file}:{at}: {msg}")
        })?;
        let table = table.into_inner();
        // What the user wrote for key `k` (its value as text) and where.
        let written = |span: std::ops::Range<usize>| text[span].trim().to_string();

        let mut cfg = PRESETS[0].config();
        let mut name = None;
        // `preset` first: the other keys override its values.
        for (k, v) in table.iter() {
            if k.get_ref().as_ref() != "preset" {
                continue;
            }
            let at = line(k.span().start);
            let p = match v.get_ref() {
                DeValue::String(s) => PRESETS.iter().find(|p| p.name == s.as_ref()),
                _ => None,
            };
            match p {
                Some(p) => {
                    cfg = p.config();
                    name = ConfigName::new(p.name);
                }
                None => bail!(
                    "{file}:{at}: preset = {} is not allowed: write one of {}",
                    written(v.span()),
                    preset_names()
                ),
            }
        }
        for (k, v) in table.iter() {
            let key = k.get_ref().as_ref();
            let at = line(k.span().start);
            let bad = |allowed: &str| {
                anyhow::anyhow!(
                    "{file}:{at}: {key} = {} is not allowed: {allowed}",
                    written(v.span())
                )
            };
            match (key, v.get_ref()) {
                ("preset", _) => {}
                ("name", DeValue::String(s)) if ConfigName::new(s).is_some() => {
                    name = ConfigName::new(s)
                }
                ("name", _) => {
                    return Err(bad(
                        "write a quoted name of letters, digits, `-`, `_` and `.`",
                    ))
                }
                ("xlen", DeValue::Integer(i))
                    if i.radix() == 10 && ["32", "64"].contains(&i.as_str()) =>
                {
                    cfg.xlen = i.as_str().parse().expect("32 or 64");
                }
                ("xlen", _) => return Err(bad("write 32 or 64")),
                ("reset_rip", DeValue::Integer(i)) => {
                    cfg.reset_rip = u64::from_str_radix(i.as_str(), i.radix())
                        .map_err(|_| bad("write a number from 0 to 0xffff_ffff_ffff_ffff"))?;
                }
                ("reset_rip", DeValue::String(s)) => {
                    cfg.reset_rip = crate::parse_u64(s)
                        .map_err(|_| bad("write a number from 0 to 0xffff_ffff_ffff_ffff"))?;
                }
                ("reset_rip", _) => {
                    return Err(bad("write a number from 0 to 0xffff_ffff_ffff_ffff"))
                }
                ("irq_entry", DeValue::Boolean(b)) => cfg.irq_entry = *b,
                ("fs_bank", DeValue::Boolean(b)) => cfg.fs_bank = *b,
                ("irq_entry" | "fs_bank", _) => return Err(bad("write true or false")),
                _ => bail!(
                    "{file}:{at}: unknown key `{key}`: the keys are {} (docs/config.md)",
                    KEYS.join(", ")
                ),
            }
        }
        cfg.name = name.unwrap_or_else(|| ConfigName::from_stem(stem));
        // Values that are each allowed but not together (reset_rip wider
        // than xlen): the line of the key that does not fit.
        if let Err(e) = cfg.check() {
            let at = table
                .iter()
                .find(|(k, _)| k.get_ref().as_ref() == "reset_rip")
                .map(|(k, _)| line(k.span().start))
                .unwrap_or(1);
            bail!("{file}:{at}: {e}");
        }
        Ok(cfg)
    }
}

/// A configuration's name: 1 to 64 letters, digits, `-`, `_` and `.`, so
/// that a generated header may print it as it is. Held inline, so that
/// [`PtuConfig`] stays `Copy`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ConfigName {
    len: u8,
    bytes: [u8; ConfigName::MAX],
}

impl ConfigName {
    /// The longest name.
    pub const MAX: usize = 64;

    /// `s` as a name, or `None` when it is not one.
    pub fn new(s: &str) -> Option<Self> {
        let ok = !s.is_empty()
            && s.len() <= Self::MAX
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        ok.then(|| {
            let mut bytes = [0; Self::MAX];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            ConfigName {
                len: s.len() as u8,
                bytes,
            }
        })
    }

    /// A file stem as a name: characters a name cannot hold become `_`,
    /// cut to [`ConfigName::MAX`]; `config` when nothing is left.
    pub fn from_stem(stem: &str) -> Self {
        let s: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .take(Self::MAX)
            .collect();
        Self::new(&s).unwrap_or_else(|| Self::new("config").expect("a name"))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len as usize]).expect("ASCII")
    }
}

impl std::fmt::Display for ConfigName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for ConfigName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl PartialEq<&str> for ConfigName {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Where each value sits in a frame, for one `xlen` (docs/spec.md,
/// "Frames"). With `xlen = 64` it is [`crate::frame`]'s five 8-byte words;
/// with `xlen = 32` six 4-byte words, EVENT_INFO as two of them (bits
/// 31:0 at the lower address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameLayout {
    /// Bytes per word (`xlen / 8`).
    pub word_bytes: u64,
    /// Words in a frame: five, or six with `xlen = 32`.
    pub words: u64,
    /// Bytes of a frame; the new kernel RSP is the stack top minus this.
    pub bytes: u64,
    /// Offsets from the lowest word (the new kernel RSP), in bytes.
    pub off_event_data: u64,
    /// EVENT_INFO (bits 31:0 of it with `xlen = 32`).
    pub off_event_info: u64,
    /// EVENT_INFO bits 63:32 with `xlen = 32`; `None` with `xlen = 64`,
    /// where one word holds it all.
    pub off_event_info_hi: Option<u64>,
    pub off_status: u64,
    pub off_rsp: u64,
    pub off_rip: u64,
}

impl FrameLayout {
    /// The layout for `xlen` (32 or 64).
    pub fn for_xlen(xlen: usize) -> Self {
        let w = (xlen / 8) as u64;
        let split = xlen < 64;
        let words = if split { 6 } else { 5 };
        let hi = split.then_some(2 * w);
        let status = if split { 3 * w } else { 2 * w };
        FrameLayout {
            word_bytes: w,
            words,
            bytes: words * w,
            off_event_data: 0,
            off_event_info: w,
            off_event_info_hi: hi,
            off_status: status,
            off_rsp: status + w,
            off_rip: status + 2 * w,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{csr, frame};

    fn parse(text: &str) -> Result<PtuConfig> {
        PtuConfig::from_toml(text, "ptu.toml", "ptu")
    }

    fn error(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn the_default_is_todays_unit() {
        let d = PtuConfig::default();
        assert_eq!(d.name, "x86_64-default");
        assert_eq!(
            (d.xlen, d.reset_rip, d.irq_entry, d.fs_bank),
            (64, 0, false, false)
        );
        assert_eq!(d, preset("x86_64-default").unwrap().config());
        d.validate().unwrap();
        // Its ports are SPEC's table exactly.
        assert_eq!(d.ports(), PORTS.to_vec());
        assert_eq!(
            d.describe(),
            "x86_64-default (xlen=64 reset_rip=0x0 irq_entry=false fs_bank=false)"
        );
        // An empty file is the default, named after the file.
        let e = parse("").unwrap();
        assert_eq!(
            e,
            PtuConfig {
                name: ConfigName::new("ptu").unwrap(),
                ..d
            }
        );
        assert_eq!(ConfigName::from_stem("my soc (v2)").as_str(), "my_soc__v2_");
    }

    #[test]
    fn presets_round_trip_through_toml() {
        for p in PRESETS {
            let c = p.config();
            c.check().unwrap();
            let back = parse(&c.to_toml()).unwrap();
            assert_eq!(back, c, "{}", c.to_toml());
        }
        let odd = PtuConfig {
            name: ConfigName::new("big-rip").unwrap(),
            reset_rip: 0xffff_8000_0000_1000,
            ..PtuConfig::default()
        };
        assert_eq!(parse(&odd.to_toml()).unwrap(), odd);
    }

    #[test]
    fn preset_names_are_unique_and_listed() {
        for (i, a) in PRESETS.iter().enumerate() {
            assert!(
                PRESETS[i + 1..].iter().all(|b| b.name != a.name),
                "{}",
                a.name
            );
            assert!(ConfigName::new(a.name).is_some(), "{}", a.name);
        }
        let l = list_presets();
        assert!(l.starts_with("x86_64-default     generated "), "{l}");
        assert!(
            l.contains("ice40-small-32     specified, not yet generated"),
            "{l}"
        );
        assert!(preset("x86_64").unwrap_err().to_string().starts_with(
            "no preset called `x86_64`: choose one of x86_64-default, x86_64-irq-entry,"
        ));
    }

    #[test]
    fn a_preset_key_starts_from_that_preset() {
        let c = parse("reset_rip = 0x1000\npreset = \"ice40-small-32\"\n").unwrap();
        assert_eq!((c.xlen, c.reset_rip), (32, 0x1000));
        assert_eq!(c.name, "ice40-small-32");
        let c = parse("preset = \"x86_64-full\"\nname = \"soc-a\"\nfs_bank = false\n").unwrap();
        assert_eq!(
            (c.name.as_str(), c.irq_entry, c.fs_bank),
            ("soc-a", true, false)
        );
        let long = "n".repeat(65);
        assert!(error(&format!("name = \"{long}\"")).contains("is not allowed"));
    }

    #[test]
    fn reset_rip_takes_all_64_bits_as_integer_or_string() {
        let c = parse("reset_rip = 0xffff_8000_0000_0000").unwrap();
        assert_eq!(c.reset_rip, 0xffff_8000_0000_0000);
        let c = parse("reset_rip = \"0xffff_8000_0000_0000\"").unwrap();
        assert_eq!(c.reset_rip, 0xffff_8000_0000_0000);
        assert_eq!(parse("reset_rip = 4096").unwrap().reset_rip, 4096);
    }

    #[test]
    fn bad_values_are_one_line_with_file_line_and_the_allowed_values() {
        assert_eq!(
            error("name = \"a\"\n\nxlen = 48\n"),
            "ptu.toml:3: xlen = 48 is not allowed: write 32 or 64"
        );
        assert_eq!(
            error("xlen = \"64\""),
            "ptu.toml:1: xlen = \"64\" is not allowed: write 32 or 64"
        );
        assert_eq!(
            error("# c\nirq_entry = 1"),
            "ptu.toml:2: irq_entry = 1 is not allowed: write true or false"
        );
        assert_eq!(
            error("fs_bank = \"yes\""),
            "ptu.toml:1: fs_bank = \"yes\" is not allowed: write true or false"
        );
        assert_eq!(
            error("reset_rip = 0x1_0000_0000_0000_0000"),
            "ptu.toml:1: reset_rip = 0x1_0000_0000_0000_0000 is not allowed: write a number from 0 to 0xffff_ffff_ffff_ffff"
        );
        assert_eq!(
            error("reset_rip = -4"),
            "ptu.toml:1: reset_rip = -4 is not allowed: write a number from 0 to 0xffff_ffff_ffff_ffff"
        );
        assert_eq!(
            error("xlen = 32\nreset_rip = 0x1_0000_0000\n"),
            "ptu.toml:2: reset_rip = 0x100000000 does not fit xlen = 32: write at most 0xffff_ffff"
        );
        assert_eq!(
            error("\npreset = \"x86\""),
            "ptu.toml:2: preset = \"x86\" is not allowed: write one of x86_64-default, x86_64-irq-entry, x86_64-fs-bank, x86_64-full, ice40-small-32"
        );
        assert_eq!(
            error("name = \"a b\""),
            "ptu.toml:1: name = \"a b\" is not allowed: write a quoted name of letters, digits, `-`, `_` and `.`"
        );
    }

    #[test]
    fn unknown_keys_and_syntax_errors_are_one_line() {
        assert_eq!(
            error("xlen = 64\nirq_entri = true\n"),
            "ptu.toml:2: unknown key `irq_entri`: the keys are preset, name, xlen, reset_rip, irq_entry, fs_bank (docs/config.md)"
        );
        assert_eq!(
            error("[ptu]\nxlen = 64\n"),
            "ptu.toml:1: unknown key `ptu`: the keys are preset, name, xlen, reset_rip, irq_entry, fs_bank (docs/config.md)"
        );
        let e = error("xlen = 64\nxlen 32\n");
        assert!(e.starts_with("ptu.toml:2: "), "{e}");
        assert_eq!(e.lines().count(), 1, "{e}");
        let e = error("xlen = 64\nxlen = 32\n");
        assert!(e.starts_with("ptu.toml:2: "), "{e}");
    }

    #[test]
    fn validate_refuses_what_is_specified_but_not_generated() {
        let e = |c: PtuConfig| c.validate().unwrap_err().to_string();
        let d = PtuConfig::default();
        assert_eq!(
            e(PtuConfig { xlen: 32, ..d }),
            "xlen = 32 is specified in docs/spec.md (Options) but not yet generated: only xlen = 64 is implemented today"
        );
        // The options are generated, alone and together.
        for (irq_entry, fs_bank) in [(true, false), (false, true), (true, true)] {
            PtuConfig {
                irq_entry,
                fs_bank,
                ..d
            }
            .validate()
            .unwrap();
        }
        assert_eq!(
            e(PtuConfig { xlen: 48, ..d }),
            "xlen = 48 is not allowed: write 32 or 64"
        );
        for p in PRESETS {
            let ok = p.xlen == 64;
            assert_eq!(p.config().validate().is_ok(), ok, "{}", p.name);
        }
    }

    #[test]
    fn the_64_bit_frame_is_the_arch_frame_and_the_32_bit_frame_is_six_words() {
        let f = FrameLayout::for_xlen(64);
        assert_eq!(
            (f.words, f.word_bytes, f.bytes),
            (frame::WORDS, frame::WORD_BYTES, frame::BYTES)
        );
        assert_eq!(
            [
                f.off_event_data,
                f.off_event_info,
                f.off_status,
                f.off_rsp,
                f.off_rip
            ],
            [
                frame::OFF_EVENT_DATA,
                frame::OFF_EVENT_INFO,
                frame::OFF_STATUS,
                frame::OFF_RSP,
                frame::OFF_RIP
            ]
        );
        assert_eq!(f.off_event_info_hi, None);
        let f = FrameLayout::for_xlen(32);
        assert_eq!((f.words, f.word_bytes, f.bytes), (6, 4, 24));
        assert_eq!(
            [
                f.off_event_data,
                f.off_event_info,
                f.off_status,
                f.off_rsp,
                f.off_rip
            ],
            [0, 4, 12, 16, 20]
        );
        assert_eq!(f.off_event_info_hi, Some(8));
    }

    #[test]
    fn option_ports_and_csrs() {
        // Every 64-bit port of SPEC's table is xlen-wide but event_info.
        for (name, _, w) in PORTS {
            if w == 64 {
                assert_eq!(XLEN_PORTS.contains(&name), name != "event_info", "{name}");
            }
        }
        let small = preset("ice40-small-32").unwrap().config();
        let p = small.ports();
        assert_eq!(p.len(), PORTS.len());
        assert!(
            p.contains(&("mem_addr", Dir::Out, 32)) && p.contains(&("event_info", Dir::Out, 64))
        );
        let fs = preset("x86_64-fs-bank").unwrap().config().ports();
        let names: Vec<_> = fs.iter().map(|p| p.0).collect();
        let at = |n: &str| names.iter().position(|x| *x == n).unwrap();
        assert_eq!(fs.len(), PORTS.len() + 3);
        assert_eq!(
            (at("fs_base"), at("fs_we"), at("fs_wdata")),
            (at("gs_base") + 1, at("gs_wdata") + 1, at("gs_wdata") + 2)
        );
        // The options' CSRs are free addresses of the default unit, and
        // each configuration has exactly those of its options.
        for a in [ENTRY_IRQ, UFS, EVENT_INFO_H] {
            assert!(!csr::exists(a), "0x{a:02x}");
        }
        let d = PtuConfig::default();
        assert_eq!(d.csrs(), csr::TABLE.to_vec());
        for p in PRESETS {
            let c = p.config();
            let has = |a| c.csr(a).is_some();
            assert_eq!(has(EVENT_INFO_H), c.xlen == 32, "{}", p.name);
            assert_eq!(has(ENTRY_IRQ), c.irq_entry, "{}", p.name);
            assert_eq!(has(UFS), c.fs_bank, "{}", p.name);
            assert_eq!(
                c.csrs().len(),
                csr::TABLE.len()
                    + [c.xlen == 32, c.irq_entry, c.fs_bank]
                        .iter()
                        .filter(|b| **b)
                        .count()
            );
            assert!(c.csr_faults(EVENT_INFO_H, true));
            assert_eq!(c.csr_faults(ENTRY_IRQ, true), !c.irq_entry);
            assert_eq!(c.csr_faults(UFS, false), !c.fs_bank);
        }
        let full = preset("x86_64-full").unwrap().config();
        assert_eq!(full.csr_by_name("ufs").map(|c| c.addr), Some(UFS));
        assert_eq!(d.csr_by_name("UFS"), None);
        assert_eq!(small.xlen_mask(), 0xffff_ffff);
        assert_eq!(d.xlen_mask(), u64::MAX);
    }
}
