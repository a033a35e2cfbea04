//! GTKWave save files (`.gtkw`) written next to a VCD: the signals of the
//! `ptu` instance grouped as a CPU designer reads them, buses in hex,
//! EVENT_INFO split into its fields, and translate filter files so that
//! `cpl` reads kernel/user, event types and vectors their names, and CSR
//! addresses the CSR names.
//!
//! The filter files are shipped in `waveforms/filters/` and generated from
//! `ptu_arch` ([`filter_files`]); a test keeps the shipped copies current.

use crate::names::{self, Format};
use crate::reader::{Var, Vcd};
use crate::summary;
use crate::view::Bound;
use anyhow::{Context, Result};
use ptu_arch::{csr, event_info, event_type, CPL_KERNEL, CPL_USER};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// GTKWave trace flags (gtkwave's `TR_*`).
const TR_HEX: u32 = 0x2;
const TR_BIN: u32 = 0x8;
const TR_RJUSTIFY: u32 = 0x20;
const TR_BLANK: u32 = 0x200;
const TR_FTRANSLATED: u32 = 0x2000;
const TR_GRP_BEGIN: u32 = 0x80_0000;
const TR_GRP_END: u32 = 0x100_0000;

/// The translate filter files: file name and contents.
pub fn filter_files() -> Vec<(&'static str, String)> {
    let head = |what: &str| {
        format!(
            "# GTKWave translate filter: {what}.\n# Generated from ptu_arch by ptu-waveforms; a test keeps it current.\n"
        )
    };
    let mut cpl = head("cpl as kernel / user");
    let _ = writeln!(cpl, "{:x} kernel", CPL_KERNEL);
    let _ = writeln!(cpl, "{:x} user", CPL_USER);
    let mut ty = head("event types (EVENT_INFO bits 2:0), FRED's numbering");
    for t in 0..=event_info::TYPE_MASK as u8 {
        let n = event_type::name(t);
        if n != "?" {
            let _ = writeln!(ty, "{t:x} {n}");
        }
    }
    let mut c = head("CSR addresses (csr_addr), with those of the options");
    let mut all: Vec<&csr::Csr> = csr::TABLE
        .iter()
        .chain(ptu_arch::config::OPTION_CSRS.iter())
        .collect();
    all.sort_by_key(|r| r.addr);
    for r in all {
        let _ = writeln!(c, "{:02x} {}", r.addr, r.name);
    }
    let mut v = head("x86 vectors of the events the unit raises or latches");
    for n in 0..=255u8 {
        if let Some(name) = names::vector_name(n) {
            let _ = writeln!(v, "{n:02x} {name}");
        }
    }
    vec![
        ("cpl.txt", cpl),
        ("event_type.txt", ty),
        ("csr.txt", c),
        ("vector.txt", v),
    ]
}

/// The folder of the shipped filter files.
pub fn shipped_filters() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("filters")
}

/// A folder holding current filter files: the shipped one if it is
/// current, else `filters/` beside the VCD (written if needed).
fn filters_for(vcd: &Path) -> Result<PathBuf> {
    let current = |dir: &Path| {
        filter_files()
            .iter()
            .all(|(n, text)| std::fs::read_to_string(dir.join(n)).ok().as_deref() == Some(text))
    };
    let shipped = shipped_filters();
    if current(&shipped) {
        return Ok(shipped);
    }
    let dir = vcd.parent().unwrap_or(Path::new(".")).join("filters");
    if !current(&dir) {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        for (n, text) in filter_files() {
            crate::write_atomic(&dir.join(n), text.as_bytes())?;
        }
    }
    Ok(dir)
}

/// Bits `lsb..lsb+width` of `v` as a GTKWave vector made of single bits:
/// `#{name} (k)vec ...`, most significant first.
fn slice(v: &Var, name: &str, lsb: u32, width: u32) -> String {
    let full = v.gtkwave_name();
    let mut s = format!("#{{{name}[{}:0]}}", width - 1);
    for bit in (lsb..lsb + width).rev() {
        // GTKWave numbers the bits of a vector from its left end.
        let k = v.width - 1 - bit;
        let _ = write!(s, " ({k}){full}");
    }
    s
}

/// The window GTKWave is asked for: `[size]`, and the widths of the
/// hierarchy and signal panes beside the waves.
pub const SIZE: (u32, u32) = (1400, 900);
const SST_WIDTH: u32 = 240;
const SIGNALS_WIDTH: u32 = 260;
/// Pixels of the wave area in that window (less scroll bars and borders;
/// GTKWave 3.3 under Xvfb, measured: 837): the zoom makes the focus fill
/// them.
pub const WAVE_PX: f64 = (SIZE.0 - SST_WIDTH - SIGNALS_WIDTH - 64) as f64;
/// GTKWave's zoom counts time units per "frame" of this many pixels
/// (`pixelsperframe`): at zoom `z` a pixel is 2^-z / 200 time units.
pub const PIXELS_PER_FRAME: f64 = 200.0;

/// The time span GTKWave shows across [`WAVE_PX`] at zoom `zoom`.
pub fn span_shown(zoom: f64) -> f64 {
    2f64.powf(-zoom) / PIXELS_PER_FRAME * WAVE_PX
}
/// Most named markers GTKWave has (A to Z).
const NAMED_MARKERS: usize = 26;
/// Most cycles whose transitions are looked for to place markers.
const MAX_MARKED_CYCLES: u64 = 100_000;

/// What a save file opens on: a time span, in file units, and named
/// markers (time and name) at the transitions in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Focus {
    pub start: u64,
    pub end: u64,
    pub markers: Vec<(u64, String)>,
}

impl Focus {
    /// GTKWave's zoom for the span ([`span_shown`] of it is the span).
    pub fn zoom(&self) -> f64 {
        let span = self.end.saturating_sub(self.start).max(1) as f64;
        -(span * PIXELS_PER_FRAME / WAVE_PX).log2()
    }
}

/// The focus of a window of `vcd` ([`crate::view::window`]): without
/// `from`/`to` the whole file from time 0 when it has at most
/// [`crate::view::DEFAULT_CYCLES`] cycles, else its first ones; markers
/// at the edges where the transitions of the unit complete.
pub fn focus(vcd: &Vcd, from: Option<Bound>, to: Option<Bound>) -> Result<Focus> {
    let (ptu, clock) = crate::view::ptu_and_clock(vcd)?;
    let w = crate::view::window(
        vcd,
        clock.as_ref(),
        from,
        to,
        Some(crate::view::DEFAULT_CYCLES),
    )?;
    let mut f = Focus {
        start: w.start,
        end: w.end,
        markers: Vec::new(),
    };
    if from.is_none() && to.is_none() && w.note.is_none() {
        (f.start, f.end) = (0, vcd.end_time);
    }
    if let (Some(p), Some(c), Some((a, b))) = (&ptu, &clock, w.cycles) {
        if summary::port_vars(vcd, p).is_some() && b - a < MAX_MARKED_CYCLES {
            for t in summary::transitions(vcd, p, c, a, b)? {
                if t.kind == summary::Kind::Reset || f.markers.len() == NAMED_MARKERS {
                    continue;
                }
                if let Some(at) = c.edge(t.completed) {
                    f.markers.push((at, t.marker()));
                }
            }
        }
    }
    Ok(f)
}

/// Write `<vcd>.gtkw` (same folder and stem), opening on the whole file
/// (or its first cycles) with markers at the transitions; return its path.
pub fn write_gtkw(vcd: &Path) -> Result<PathBuf> {
    write_gtkw_window(vcd, None, None)
}

/// [`write_gtkw`] opening on the window `from`..`to`.
pub fn write_gtkw_window(vcd: &Path, from: Option<Bound>, to: Option<Bound>) -> Result<PathBuf> {
    let file = Vcd::open(vcd)?;
    let f = focus(&file, from, to)?;
    let text = gtkw_text(&file, &f)?;
    let out = vcd.with_extension("gtkw");
    crate::write_atomic(&out, text.as_bytes())?;
    Ok(out)
}

/// A save file for `vcd` that opens zoomed to fit the whole file (with
/// markers at the transitions), showing `extra` groups (say, a core's
/// state beside the unit it drives) before the unit's groups.
pub fn write_gtkw_with(vcd: &Path, extra: &[names::Group]) -> Result<PathBuf> {
    let file = Vcd::open(vcd)?;
    let f = focus(
        &file,
        Some(Bound::TimeFs(0)),
        Some(Bound::TimeFs(file.end_time.saturating_mul(file.unit_fs))),
    )?;
    let text = gtkw_text_with(&file, &f, extra)?;
    let out = vcd.with_extension("gtkw");
    crate::write_atomic(&out, text.as_bytes())?;
    Ok(out)
}

/// The `*` line: zoom, primary marker (none), the 26 named markers.
fn zoom_line(f: &Focus) -> String {
    let mut s = format!("*{:.6} -1", f.zoom());
    for i in 0..NAMED_MARKERS {
        match f.markers.get(i) {
            Some((t, _)) => {
                let _ = write!(s, " {t}");
            }
            None => s.push_str(" -1"),
        }
    }
    s
}

/// The contents of the save file for `vcd`, opening on `focus`.
pub fn gtkw_text(vcd: &Vcd, focus: &Focus) -> Result<String> {
    gtkw_text_with(vcd, focus, &[])
}

/// [`gtkw_text`] with `extra` groups before the default ones.
pub fn gtkw_text_with(vcd: &Vcd, focus: &Focus, extra: &[names::Group]) -> Result<String> {
    let abs = std::path::absolute(&vcd.path)?;
    let filters = std::path::absolute(filters_for(&abs)?)?;
    let ptu = crate::view::find_unit(vcd);
    let mut groups = extra.to_vec();
    groups.extend(names::default_groups(vcd, ptu.as_deref()));
    let mut s = String::new();
    let _ = writeln!(
        s,
        "[*] GTKWave save file written by ptu-waveforms {} (`ptu wave FILE --gtkwave`)",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(s, "[dumpfile] \"{}\"", abs.display());
    let _ = writeln!(s, "[savefile] \"{}\"", abs.with_extension("gtkw").display());
    let _ = writeln!(s, "[timestart] {}", focus.start);
    let _ = writeln!(s, "[size] {} {}", SIZE.0, SIZE.1);
    let _ = writeln!(s, "[pos] -1 -1");
    let _ = writeln!(s, "{}", zoom_line(focus));
    for (i, (_, name)) in focus.markers.iter().enumerate() {
        let letter = (b'A' + i as u8) as char;
        let _ = writeln!(s, "[markername_long] {letter} {name}");
    }
    if let Some(p) = &ptu {
        let mut open = String::new();
        for part in p.split('.') {
            open.push_str(part);
            open.push('.');
            let _ = writeln!(s, "[treeopen] {open}");
        }
    }
    let _ = writeln!(s, "[sst_width] {SST_WIDTH}");
    let _ = writeln!(s, "[signals_width] {SIGNALS_WIDTH}");
    let _ = writeln!(s, "[sst_expanded] 1");
    let _ = writeln!(s, "[sst_vpaned_height] 260");
    let filter_ids = ["cpl.txt", "event_type.txt", "csr.txt", "vector.txt"];
    let filter = |s: &mut String, name: &str| {
        let id = filter_ids.iter().position(|f| *f == name).unwrap_or(0) + 1;
        let _ = writeln!(s, "^{id} {}", filters.join(name).display());
    };
    let hex = TR_HEX | TR_RJUSTIFY;
    for g in &groups {
        let _ = writeln!(s, "@{:x}", TR_GRP_BEGIN | TR_BLANK);
        let _ = writeln!(s, "-{}", g.name);
        for row in &g.rows {
            let v = &vcd.vars[row.var];
            // Rows named otherwise than their signal (the bank copies,
            // `...kernel_rip_q.q`) get the row's name as an alias.
            let name = if row.label != v.name {
                format!("+{{{}}} {}", row.label.replace(' ', "_"), v.gtkwave_name())
            } else {
                v.gtkwave_name()
            };
            match row.format {
                Format::Bit => {
                    let _ = writeln!(s, "@{:x}\n{name}", TR_BIN | TR_RJUSTIFY);
                }
                Format::Hex | Format::EventType => {
                    let _ = writeln!(s, "@{hex:x}\n{name}");
                }
                Format::Cpl => {
                    filter(&mut s, "cpl.txt");
                    let _ = writeln!(s, "@{:x}\n{name}", hex | TR_FTRANSLATED);
                }
                Format::Csr => {
                    filter(&mut s, "csr.txt");
                    let _ = writeln!(s, "@{:x}\n{name}", hex | TR_FTRANSLATED);
                }
                Format::Vector => {
                    filter(&mut s, "vector.txt");
                    let _ = writeln!(s, "@{:x}\n{name}", hex | TR_FTRANSLATED);
                }
                Format::EventInfo => {
                    let _ = writeln!(s, "@{hex:x}\n{name}");
                    if v.width == 64 {
                        let base = format!("{}_", v.path);
                        filter(&mut s, "event_type.txt");
                        let _ = writeln!(
                            s,
                            "@{:x}\n{}",
                            hex | TR_FTRANSLATED,
                            slice(v, &format!("{base}type"), event_info::TYPE_LSB, 3)
                        );
                        // The vector's meaning depends on the type (SYSCALL
                        // has vector 0, which is also #DE): plain hex.
                        let _ = writeln!(
                            s,
                            "@{hex:x}\n{}",
                            slice(v, &format!("{base}vector"), event_info::VECTOR_LSB, 8)
                        );
                        let _ = writeln!(
                            s,
                            "@{hex:x}\n{}",
                            slice(v, &format!("{base}error"), event_info::ERROR_LSB, 32)
                        );
                        let _ = writeln!(
                            s,
                            "@{:x}\n{}",
                            TR_BIN | TR_RJUSTIFY,
                            slice(v, &format!("{base}from_user"), event_info::FROM_USER, 1)
                        );
                        let _ = writeln!(
                            s,
                            "@{:x}\n{}",
                            TR_BIN | TR_RJUSTIFY,
                            slice(v, &format!("{base}error_valid"), event_info::ERROR_VALID, 1)
                        );
                    }
                }
            }
        }
        let _ = writeln!(s, "@{:x}", TR_GRP_END | TR_BLANK);
        let _ = writeln!(s, "-{}", g.name);
    }
    let _ = writeln!(s, "[pattern_trace] 1");
    let _ = writeln!(s, "[pattern_trace] 0");
    Ok(s)
}
