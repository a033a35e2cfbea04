//! Generated self-checking testbenches for the emitted `ptu`.
//!
//! Test vectors (`ptu_sim::vectors`: the inputs of every cycle and the
//! outputs the reference model predicts) are run on an external simulator
//! by a harness generated here from the port table:
//!
//! - [`Simulator::Icarus`]: a Verilog testbench `ptu_vectors_tb`
//!   ([`icarus::testbench`]) compiled with `iverilog -g2005 -Wall` beside
//!   the emitted `ptu.v`, run by `vvp`;
//! - [`Simulator::Verilator`]: a C++ harness ([`verilator::harness`]) built
//!   with `verilator --cc --exe --build -O2 -Wall` and the waivers, cached
//!   by a hash of everything that goes into the build, driving `ptu`
//!   itself (see [`verilator`]);
//! - [`Simulator::PostSynth`]: the same Verilog testbench on the netlist of
//!   Yosys `synth_ice40`, with Yosys's `ice40/cells_sim.v`.
//!
//! Every harness holds `reset` high for one clock edge, then per vector
//! line applies the inputs after the falling edge, compares every output
//! (fifteen; sixteen with `fs_bank`) just before the rising edge, and at the first failing cycle
//! prints `MISMATCH cycle N port P expected X got Y` for each differing
//! port and stops; otherwise it ends with `ptu_vectors_tb: N cycles
//! passed`. [`run_vectors_rust_hdl`] runs the same vectors on rust-hdl's
//! own stepping simulator, and [`bench::bench_throughput`] compares the
//! throughput of all of them on one random run.
//!
//! The harnesses are generated for one configuration of the unit
//! (`ptu_arch::PtuConfig`: [`prepare_for`], [`run_vectors_for`]): its
//! ports, their widths (`xlen`), the option ports (`fs_bank`), and the
//! vectors' columns (`ptu_sim::vectors::Columns::for_config`); the
//! functions without `_for` are the default configuration's.
//!
//! Vectors come from a file or are streamed ([`VectorSource`]): a writer
//! thread records them (e.g. [`VectorSource::random`]) into a FIFO that the
//! simulator reads, so a long random run never lands on disk.
//!
//! ```no_run
//! use ptu_testbenches::{run_vectors, Simulator, VectorSource};
//! use std::path::Path;
//! let report = run_vectors(
//!     Simulator::Verilator,
//!     Path::new("build/ptu.v"),
//!     VectorSource::random(7, 1_000_000, 2, 0.002),
//!     None,
//!     Path::new("build/sim"),
//! )?;
//! report.ensure_passed()?;
//! println!("{} cycles in {:.2} s", report.cycles, report.seconds);
//! # anyhow::Ok(())
//! ```

pub mod bench;
mod cache;
pub mod cli;
pub mod icarus;
mod lint;
pub mod mutants;
mod outcome;
pub mod postsynth;
pub mod rust_hdl;
mod source;
pub mod verilator;

pub use bench::{bench_throughput, BenchOptions, ThroughputReport};
pub use rust_hdl::run_vectors_rust_hdl;
pub use source::{record_random_for, VectorSource};

use anyhow::{bail, Result};
use ptu_arch::PtuConfig;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

/// Name of the generated testbench module, and the prefix of every line
/// the harnesses print about the run as a whole.
pub const TB: &str = "ptu_vectors_tb";

/// An external simulator that runs vectors against a Verilog `ptu`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Simulator {
    /// Icarus Verilog (`iverilog` + `vvp`) on the Verilog as given.
    Icarus,
    /// Verilator, compiled to C++ with a generated harness.
    Verilator,
    /// Icarus on the Yosys `synth_ice40` netlist of the Verilog.
    PostSynth,
}

impl Simulator {
    /// Every simulator, in the order they are usually reported.
    pub const ALL: [Simulator; 3] = [Self::Icarus, Self::Verilator, Self::PostSynth];

    /// `icarus`, `verilator`, `post-synth`: the names [`FromStr`] reads.
    pub fn name(self) -> &'static str {
        match self {
            Self::Icarus => "icarus",
            Self::Verilator => "verilator",
            Self::PostSynth => "post-synth",
        }
    }
}

impl fmt::Display for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Simulator {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "icarus" | "iverilog" => Ok(Self::Icarus),
            "verilator" => Ok(Self::Verilator),
            "post-synth" | "postsynth" | "netlist" => Ok(Self::PostSynth),
            _ => bail!("unknown simulator `{s}`: choose icarus, verilator or post-synth"),
        }
    }
}

/// What one run of vectors on a simulator gave.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// `icarus`, `verilator`, `post-synth` or `rust-hdl`.
    pub simulator: &'static str,
    /// Cycles that matched: all of them when the run passed, else the
    /// number of the failing cycle (the cycles before it matched).
    pub cycles: u64,
    /// Wall time of the simulation itself (with the vector writer, without
    /// compiling or building).
    pub seconds: f64,
    /// Wall time spent compiling, building or synthesising for this run (0
    /// when a cached build was used).
    pub build_seconds: f64,
    /// The harness's `MISMATCH cycle N port P expected X got Y` lines of
    /// the first failing cycle, one per differing port; `None` if all
    /// cycles matched.
    pub mismatch: Option<String>,
    /// The cycle of [`RunReport::mismatch`].
    pub mismatch_cycle: Option<u64>,
    /// The VCD written, if one was asked for.
    pub vcd: Option<PathBuf>,
    /// The simulator's output: `work/runs/<simulator>-passed.log` or
    /// `-failed.log` (each holds the latest such run); empty for rust-hdl,
    /// which runs in this process.
    pub log: PathBuf,
}

impl RunReport {
    /// All cycles matched.
    pub fn passed(&self) -> bool {
        self.mismatch.is_none()
    }

    /// Simulated cycles per second of wall time.
    pub fn cycles_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.cycles as f64 / self.seconds
        } else {
            0.0
        }
    }

    /// An error naming the simulator, the cycle and every differing port
    /// if the run failed.
    pub fn ensure_passed(&self) -> Result<()> {
        match &self.mismatch {
            None => Ok(()),
            Some(m) => {
                let log = if self.log.as_os_str().is_empty() {
                    String::new()
                } else {
                    format!(" (log: {})", self.log.display())
                };
                bail!(
                    "{} differs from the reference model at cycle {}{log}:\n{m}",
                    self.simulator,
                    self.mismatch_cycle.unwrap_or(self.cycles),
                )
            }
        }
    }
}

/// A simulator made ready for one `ptu.v`: the testbench compiled, the
/// Verilator model built or the netlist synthesised. Run it as often as
/// needed with [`Prepared::run`].
#[derive(Clone, Debug)]
pub struct Prepared {
    pub simulator: Simulator,
    /// The configuration of the unit the harness was generated for (its
    /// ports, their widths, the vectors' columns).
    pub config: PtuConfig,
    /// The folder of the build (cached by a hash of its inputs).
    pub dir: PathBuf,
    /// `vvp` file or Verilator executable.
    exe: PathBuf,
    /// Where run folders go.
    work: PathBuf,
    /// Seconds spent preparing (0 if the cache had it).
    pub build_seconds: f64,
    /// Lint warnings of the Verilog, waived for this build (empty when
    /// clean): first the tool and its log, then the tool's lines.
    pub warnings: Vec<String>,
}

/// Compile, build or synthesise `ptu_v` (the default configuration's
/// unit) for `sim` under `work` (reusing an earlier identical build).
pub fn prepare(sim: Simulator, ptu_v: &Path, work: &Path) -> Result<Prepared> {
    prepare_for(sim, &PtuConfig::default(), ptu_v, work)
}

/// [`prepare`] for the unit configured as `cfg`: the harness has `cfg`'s
/// ports and widths and reads vectors of its columns
/// (`ptu_sim::vectors::Columns::for_config`).
pub fn prepare_for(sim: Simulator, cfg: &PtuConfig, ptu_v: &Path, work: &Path) -> Result<Prepared> {
    let text = std::fs::read_to_string(ptu_v)
        .map_err(|e| anyhow::anyhow!("cannot read Verilog file {}: {e}", ptu_v.display()))?;
    prepare_text_for(sim, cfg, &text, work)
}

/// [`prepare`] for Verilog given as text: strict, any lint warning of
/// the simulator is an error.
pub fn prepare_text(sim: Simulator, ptu_v: &str, work: &Path) -> Result<Prepared> {
    prepare_text_for(sim, &PtuConfig::default(), ptu_v, work)
}

/// [`prepare_text`] for the unit configured as `cfg` (see [`prepare_for`]).
pub fn prepare_text_for(
    sim: Simulator,
    cfg: &PtuConfig,
    ptu_v: &str,
    work: &Path,
) -> Result<Prepared> {
    prepare_text_with(sim, cfg, ptu_v, work, true, Box::new(|_| {}))
}

/// [`prepare_text_for`], where lint warnings (Verilator's `-Wall`, Icarus's
/// `-Wall`) are an error only if `strict`; otherwise they are waived for
/// the build and listed in [`Prepared::warnings`]. `on_build` is called
/// (with a line saying what is built where) before anything that was not
/// cached is built, and before waiting for another process building it.
pub fn prepare_text_with(
    sim: Simulator,
    cfg: &PtuConfig,
    ptu_v: &str,
    work: &Path,
    strict: bool,
    on_build: Box<dyn FnMut(&str)>,
) -> Result<Prepared> {
    let start = Instant::now();
    let (dir, exe, built, warnings) = cache::with_notice(on_build, || -> Result<_> {
        Ok(match sim {
            Simulator::Icarus => {
                let (d, e, b) = icarus::prepare(cfg, ptu_v, work)?;
                let w = cache::warnings(&d);
                (d, e, b, w)
            }
            Simulator::Verilator => {
                let lint_dir = lint::verilator_lint(ptu_v, work)?;
                let w = cache::warnings(&lint_dir);
                let text = match &w {
                    Some((_, lines)) if !strict => lint::waive(ptu_v, &lint::rules(lines)),
                    _ => ptu_v.to_string(),
                };
                if let (Some((head, lines)), true) = (&w, strict) {
                    return Err(strict_error(head, lines));
                }
                let (d, e, b) = verilator::prepare(cfg, &text, work)?;
                (d, e, b, w)
            }
            Simulator::PostSynth => {
                let (d, e, b) = postsynth::prepare(cfg, ptu_v, work)?;
                let w = cache::warnings(&d);
                (d, e, b, w)
            }
        })
    })?;
    let warnings = match warnings {
        Some((head, lines)) if strict => return Err(strict_error(&head, &lines)),
        Some((head, lines)) => std::iter::once(head).chain(lines).collect(),
        None => vec![],
    };
    Ok(Prepared {
        simulator: sim,
        config: *cfg,
        dir,
        exe,
        work: work.to_path_buf(),
        build_seconds: if built {
            start.elapsed().as_secs_f64()
        } else {
            0.0
        },
        warnings,
    })
}

/// Lint warnings refused because the caller is strict.
fn strict_error(head: &str, lines: &[String]) -> anyhow::Error {
    anyhow::anyhow!(
        "{} in the Verilog ({head}), and warnings are errors when strict (ptu sim: drop --strict to simulate anyway)\n{}",
        ptu_arch::count(lines.len() as u64, "lint warning", "lint warnings"),
        lines.join("\n")
    )
}

impl Prepared {
    /// Run `vectors`, writing a VCD of the ports and internals of `ptu` to
    /// `vcd` if given.
    pub fn run(&self, vectors: VectorSource, vcd: Option<&Path>) -> Result<RunReport> {
        let run_dir = source::run_dir(&self.work, self.simulator.name())?;
        if let Some(v) = vcd {
            if let Some(d) = v.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(d).map_err(|e| {
                    anyhow::anyhow!("cannot create the VCD folder {}: {e}", d.display())
                })?;
            }
        }
        let vcd_abs = vcd.map(absolute).transpose()?;
        let log = run_dir.join(format!("{}.log", self.simulator.name()));
        let start = Instant::now();
        let (tool, out) = vectors.feed(&run_dir, |path| {
            let path = absolute(path)?;
            match self.simulator {
                Simulator::Icarus | Simulator::PostSynth => {
                    icarus::run(&self.exe, &path, vcd_abs.as_deref(), &run_dir, &log)
                }
                Simulator::Verilator => {
                    verilator::run(&self.exe, &path, vcd_abs.as_deref(), &run_dir, &log)
                }
            }
        })?;
        let seconds = start.elapsed().as_secs_f64();
        let outcome = outcome::parse(&tool, &out)?;
        let report = RunReport {
            simulator: self.simulator.name(),
            cycles: outcome.cycles,
            seconds,
            build_seconds: self.build_seconds,
            mismatch: outcome.mismatch,
            mismatch_cycle: outcome.mismatch_cycle,
            vcd: vcd.map(Path::to_path_buf),
            log: log.clone(),
        };
        // Keep the log as `work/runs/<simulator>-passed.log` or `-failed.log`
        // (the latest run's), and drop the run folder.
        let kept = run_dir.parent().expect("runs folder").join(format!(
            "{}-{}.log",
            self.simulator.name(),
            if report.passed() { "passed" } else { "failed" }
        ));
        if std::fs::rename(&log, &kept).is_ok() {
            let _ = std::fs::remove_dir_all(&run_dir);
            return Ok(RunReport {
                log: kept,
                ..report
            });
        }
        Ok(report)
    }
}

/// Run `vectors` on `sim` against the Verilog in `ptu_v` (top `ptu`), with
/// builds and logs under `work`, and a VCD of `ptu`'s ports and internals
/// written to `vcd` if given. A mismatch is reported in
/// [`RunReport::mismatch`], not as an error; errors are for tools that are
/// missing or fail, and for bad vectors.
pub fn run_vectors(
    sim: Simulator,
    ptu_v: &Path,
    vectors: VectorSource,
    vcd: Option<&Path>,
    work: &Path,
) -> Result<RunReport> {
    prepare(sim, ptu_v, work)?.run(vectors, vcd)
}

/// [`run_vectors`] for the unit configured as `cfg` (its ports, widths and
/// vector columns; see [`prepare_for`]).
pub fn run_vectors_for(
    sim: Simulator,
    cfg: &PtuConfig,
    ptu_v: &Path,
    vectors: VectorSource,
    vcd: Option<&Path>,
    work: &Path,
) -> Result<RunReport> {
    prepare_for(sim, cfg, ptu_v, work)?.run(vectors, vcd)
}

/// `p` made absolute against the current folder (the tools run elsewhere).
fn absolute(p: &Path) -> Result<PathBuf> {
    if p.is_absolute() {
        return Ok(p.to_path_buf());
    }
    let cwd = std::env::current_dir()
        .map_err(|e| anyhow::anyhow!("cannot read the current folder: {e}"))?;
    Ok(cwd.join(p))
}
