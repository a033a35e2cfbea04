//! Waveforms people can read: a VCD reader for any producer (rust-hdl's
//! simulator, Icarus, Verilator, yosys-smtbmc's counterexamples), a
//! terminal view, SVG and PNG pictures, the privilege transitions found in
//! a waveform (as text or JSON), and GTKWave save files that open zoomed
//! on the trace with markers at the transitions.
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

use anyhow::Result;
use std::path::{Path, PathBuf};

pub use ptu_tools::write_atomic;

/// Draw the whole of `vcd` (at most [`view::DEFAULT_CYCLES`] cycles from
/// its start) with the default groups and transition markers into the SVG
/// file `out`. For callers such as the main job.
pub fn render_svg(vcd: &Path, out: &Path) -> Result<PathBuf> {
    let v = view::View::load(vcd, &view::Choice::default(), Some(view::DEFAULT_CYCLES))?;
    write_atomic(out, svg::render(&v).as_bytes())
}
