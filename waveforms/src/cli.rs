//! `ptu wave FILE.vcd`: list, look at, summarise, draw, or open a VCD in
//! GTKWave. The `ptu` binary only forwards its arguments here.

use crate::reader::Vcd;
use crate::view::{self, Bound, Choice, View};
use crate::{summary, svg, term, write_atomic};
use anyhow::{bail, Context, Result};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Most cycles an SVG picture may span.
pub const MAX_SVG_CYCLES: u64 = 5_000;

/// Arguments of `ptu wave`.
#[derive(Args, Clone, Debug)]
pub struct WaveArgs {
    /// The VCD file (from rust-hdl's simulator, Icarus, Verilator, or a
    /// counterexample of `ptu prove`).
    pub file: PathBuf,
    /// List the scopes and signals and exit.
    #[arg(long)]
    pub list: bool,
    /// List the privilege transitions found (entries, ERETs, frame pushes
    /// and pops) with their cycle counts and memory accesses.
    #[arg(long)]
    pub summary: bool,
    /// With --summary: print it as one JSON object (its shape is documented
    /// at `ptu_waveforms::summary::JsonSummary`).
    #[arg(long, requires = "summary")]
    pub json: bool,
    /// Draw the window into an SVG picture.
    #[arg(long, value_name = "OUT.svg")]
    pub svg: Option<PathBuf>,
    /// Draw the window into a PNG picture (the SVG, rasterised in process).
    #[arg(long, value_name = "OUT.png")]
    pub png: Option<PathBuf>,
    /// Pixels per SVG unit of the PNG.
    #[arg(long, default_value_t = 1.5, value_name = "SCALE")]
    pub png_scale: f32,
    /// Write the GTKWave save file next to the VCD and open GTKWave with it
    /// (on --from/--to if given, else on the whole file).
    #[arg(long)]
    pub gtkwave: bool,
    /// Write the GTKWave save file next to the VCD (without opening GTKWave),
    /// zoomed to --from/--to if given, with markers at the transitions.
    #[arg(long)]
    pub write_gtkw: bool,
    /// Signals to show, by name or path, comma-separated (default: the
    /// privilege, register, bank, event and memory groups).
    #[arg(long, value_delimiter = ',')]
    pub signals: Vec<String>,
    /// First cycle to show (`12`), or a time (`120ns`).
    #[arg(long)]
    pub from: Option<Bound>,
    /// Last cycle to show (`40`), or a time (`400ns`).
    #[arg(long)]
    pub to: Option<Bound>,
    /// Width of the terminal view (default: the terminal's).
    #[arg(long)]
    pub width: Option<usize>,
}

/// Run `ptu wave`.
pub fn run(args: &WaveArgs) -> Result<()> {
    if args.list {
        return list(&args.file);
    }
    let choice = Choice {
        signals: args.signals.clone(),
        from: args.from,
        to: args.to,
    };
    let mut did = false;
    if args.gtkwave || args.write_gtkw {
        let g = crate::gtkw::write_gtkw_window(&args.file, args.from, args.to)?;
        println!("wrote {}", g.display());
        if args.gtkwave {
            launch_gtkwave(&args.file, &g)?;
        }
        did = true;
    }
    if args.summary && args.json {
        let s = summary_json(&args.file, args.from, args.to)?;
        out(&(serde_json::to_string_pretty(&s)? + "\n"))?;
        did = true;
    } else if args.summary {
        out(&summary_text(&args.file, args.from, args.to)?)?;
        did = true;
    }
    if args.svg.is_some() || args.png.is_some() {
        if !(0.25..=8.0).contains(&args.png_scale) {
            bail!(
                "--png-scale {} is out of range: give a value from 0.25 to 8",
                args.png_scale
            );
        }
        let view = View::load(&args.file, &choice, Some(view::DEFAULT_CYCLES))?;
        if let Some((a, b)) = view.cycles {
            if b - a + 1 > MAX_SVG_CYCLES {
                bail!(
                    "the window has {} cycles: a picture shows at most {MAX_SVG_CYCLES}; narrow it with --from/--to",
                    b - a + 1
                );
            }
        }
        let picture = svg::render(&view);
        if let Some(out) = &args.svg {
            let made = new_folder(out);
            write_atomic(out, picture.as_bytes())?;
            println!("wrote {} ({}){made}", out.display(), view.title());
        }
        if let Some(out) = &args.png {
            let made = new_folder(out);
            write_atomic(out, &svg::to_png(&picture, args.png_scale)?)?;
            println!("wrote {} ({}){made}", out.display(), view.title());
        }
        if let Some(n) = &view.note {
            println!("({n})");
        }
        did = true;
    }
    if !did {
        let view = View::load(&args.file, &choice, Some(view::DEFAULT_CYCLES))?;
        let width = args.width.unwrap_or_else(term::terminal_width);
        out(&term::render(&view, width))?;
    }
    Ok(())
}

/// `; created the folder DIR` when writing `out` will create its folder
/// (as every output of ptu does), so that a mistyped folder is seen.
fn new_folder(out: &std::path::Path) -> String {
    match out.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) if !d.exists() => format!("; created the folder {}", d.display()),
        _ => String::new(),
    }
}

/// Print `text`; a closed pipe (`| head`) ends quietly.
fn out(text: &str) -> Result<()> {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    match o.write_all(text.as_bytes()).and_then(|_| o.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.context("cannot write to standard output"),
    }
}

/// The transitions of a file in a window, as JSON.
pub fn summary_json(
    file: &Path,
    from: Option<Bound>,
    to: Option<Bound>,
) -> Result<summary::JsonSummary> {
    let (ptu, a, b, ts) = window_transitions(file, from, to)?;
    Ok(summary::JsonSummary::new(
        &file.display().to_string(),
        &ptu,
        a,
        b,
        &ts,
    ))
}

/// The `ptu` instance, the window's cycles and its transitions.
fn window_transitions(
    file: &Path,
    from: Option<Bound>,
    to: Option<Bound>,
) -> Result<(String, u64, u64, Vec<summary::Transition>)> {
    let vcd = Vcd::open(file)?;
    let (ptu, clock) = view::ptu_and_clock(&vcd)?;
    let Some(ptu) = ptu else {
        bail!(
            "{}: no `ptu` instance (a scope with `clock` and most ports of ptu): the summary reads its ports; `--list` shows the scopes",
            file.display()
        );
    };
    let Some(clock) = clock else {
        bail!("{}: the `ptu` instance has no clock", file.display());
    };
    let w = view::window(&vcd, Some(&clock), from, to, None)?;
    let (a, b) = w.cycles.context("no cycles in the window")?;
    let ts = summary::transitions(&vcd, &ptu, &clock, a, b)?;
    Ok((ptu, a, b, ts))
}

/// The transitions of a file in a window, as text (one line each).
pub fn summary_text(file: &Path, from: Option<Bound>, to: Option<Bound>) -> Result<String> {
    let (ptu, a, b, ts) = window_transitions(file, from, to)?;
    let mut s = format!(
        "{}: ptu instance `{ptu}`, cycles {a}..{b}\n",
        file.display()
    );
    for t in &ts {
        s.push_str(&format!("{t}\n"));
    }
    s.push_str(&summary::totals(&ts));
    s.push('\n');
    Ok(s)
}

fn list(file: &Path) -> Result<()> {
    let vcd = Vcd::open(file)?;
    let (ptu, clock) = view::ptu_and_clock(&vcd)?;
    let unit = match vcd.unit_fs {
        u if u % 1_000_000_000 == 0 => format!("{} us", u / 1_000_000_000),
        u if u % 1_000_000 == 0 => format!("{} ns", u / 1_000_000),
        u if u % 1_000 == 0 => format!("{} ps", u / 1_000),
        u => format!("{u} fs"),
    };
    println!(
        "{}: {} signals in {} scopes; time unit {unit}; time 0..{}",
        file.display(),
        vcd.vars.len(),
        vcd.scopes.len(),
        vcd.end_time
    );
    if let Some(c) = &clock {
        println!(
            "clock: {} rising edges (cycles 0..{})",
            c.count(),
            c.count().saturating_sub(1)
        );
    }
    match &ptu {
        Some(p) => println!("ptu instance: {p}"),
        None => println!("ptu instance: none found"),
    }
    let mut text = String::new();
    let mut scope: Option<&str> = None;
    for v in &vcd.vars {
        if scope != Some(v.scope.as_str()) {
            text.push_str(if v.scope.is_empty() {
                "(top)"
            } else {
                &v.scope
            });
            text.push('\n');
            scope = Some(&v.scope);
        }
        text.push_str(&format!(
            "  {:<28} {:>3} bit{}\n",
            v.name,
            v.width,
            if v.width == 1 { "" } else { "s" }
        ));
    }
    out(&text)
}

fn launch_gtkwave(vcd: &Path, gtkw: &Path) -> Result<()> {
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        bail!(
            "no display to open GTKWave on (DISPLAY is not set); the save file is {}",
            gtkw.display()
        );
    }
    let mut child = Command::new("gtkwave")
        .arg(vcd)
        .arg(gtkw)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                anyhow::anyhow!(
                    "gtkwave not found: run ./setup.sh (it installs the Debian package gtkwave)"
                )
            } else {
                anyhow::anyhow!("cannot start gtkwave: {e}")
            }
        })?;
    std::thread::sleep(Duration::from_millis(700));
    if let Some(status) = child.try_wait()? {
        if !status.success() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            let line = err
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            bail!("gtkwave exited with {status}: {line}");
        }
    }
    println!(
        "opened GTKWave on {} with {}",
        vcd.display(),
        gtkw.display()
    );
    Ok(())
}
