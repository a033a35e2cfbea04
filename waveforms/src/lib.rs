//! Waveforms people can read: a VCD reader for any producer (rust-hdl's
//! simulator, Icarus, Verilator), a terminal view, SVG pictures, the
//! privilege transitions found in a waveform, and GTKWave save files.
//!
//! `ptu wave FILE.vcd` is [`cli::run`]; [`write_gtkw`] writes the `.gtkw`
//! next to a VCD and is called by every writer of VCDs in the workspace.

pub mod cli;
pub mod gtkw;
pub mod names;
pub mod reader;
pub mod summary;
pub mod svg;
pub mod term;
pub mod view;

pub use gtkw::write_gtkw;

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Write `bytes` to `path` through a temporary sibling and a rename, so
/// that a failure never leaves a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create folder {}", dir.display()))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".partial-{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}", path.display())
    })?;
    Ok(path.to_path_buf())
}

/// Draw the whole of `vcd` (at most [`view::DEFAULT_CYCLES`] cycles from
/// its start) with the default groups and transition markers into the SVG
/// file `out`. For callers such as the main job.
pub fn render_svg(vcd: &Path, out: &Path) -> Result<PathBuf> {
    let v = view::View::load(vcd, &view::Choice::default(), Some(view::DEFAULT_CYCLES))?;
    write_atomic(out, svg::render(&v).as_bytes())
}
