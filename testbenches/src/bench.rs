//! Simulator throughput, side by side in one run: the same seeded random
//! run (`record_random`, streamed through a FIFO from a writer thread) on
//! rust-hdl's stepping simulator, Icarus and Verilator, each checking
//! every output every cycle. A slow simulator runs a shorter prefix of
//! the same run. The time counts simulating and checking, not compiling
//! or building (which happen before).

use crate::source::record_random_for;
use crate::{prepare_for, run_vectors_rust_hdl, RunReport, Simulator, VectorSource};
use anyhow::{Context, Result};
use ptu_arch::PtuConfig;
use ptu_sim::vectors::VectorWriter;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Where `ptu bench sim` writes by default: a build folder, never the
/// committed figures (`testbenches/bench/`, refreshed on purpose with
/// `--out testbenches/bench`).
pub const DEFAULT_OUT: &str = "build/bench";
/// The results' file name in the output folder.
pub const RESULTS_FILE: &str = "throughput.json";

/// A seeded random run of the unit configured as `cfg`
/// ([`VectorSource::random_for`]) whose progress (cycles handed to the
/// simulator) is drawn on stderr if `progress` is drawn.
pub fn random_source(
    cfg: &PtuConfig,
    seed: u64,
    cycles: u64,
    max_wait: u32,
    bus_errors: f64,
    progress: ptu_tools::progress::Progress,
) -> VectorSource {
    if !progress.shown() {
        return VectorSource::random_for(cfg, seed, cycles, max_wait, bus_errors);
    }
    let cfg = *cfg;
    VectorSource::stream(move |w| {
        // The header lines are not cycles.
        let header = ptu_sim::vectors::Columns::for_config(&cfg)
            .header
            .lines()
            .count() as u64;
        let counted = ptu_tools::progress::CountLines::new(w, header, progress);
        let mut vw = VectorWriter::for_config(counted, &cfg)?;
        record_random_for(&cfg, seed, cycles, max_wait, bus_errors, &mut vw)?;
        vw.finish().map(|_| ())
    })
}

/// What to measure.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// The configuration measured (named in the results): its unit, its
    /// random core and reference model, its harnesses.
    pub config: PtuConfig,
    /// Seed of the random run.
    pub seed: u64,
    /// Most bus wait states.
    pub max_wait: u32,
    /// Probability of a bus error per answer.
    pub bus_errors: f64,
    /// Cycles on rust-hdl's stepping simulator.
    pub rust_hdl_cycles: u64,
    /// Cycles on Icarus.
    pub icarus_cycles: u64,
    /// Cycles on Verilator.
    pub verilator_cycles: u64,
    /// The Verilog to simulate (the unit configured as `config`); `None`:
    /// emit it for `config` into `work/bench/ptu.v` (the rust-hdl run
    /// always simulates the rust-hdl design of `config`).
    pub ptu_v: Option<PathBuf>,
    /// Builds and run folders.
    pub work: PathBuf,
    /// Where to write the results as JSON, if anywhere.
    pub out: Option<PathBuf>,
    /// Draw each run's progress on stderr (only if it is a terminal).
    pub progress: bool,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self {
            config: PtuConfig::default(),
            seed: 1,
            max_wait: 2,
            bus_errors: 0.002,
            rust_hdl_cycles: 200_000,
            icarus_cycles: 50_000,
            verilator_cycles: 10_000_000,
            ptu_v: None,
            work: PathBuf::from("build/sim"),
            out: Some(PathBuf::from(DEFAULT_OUT).join(RESULTS_FILE)),
            progress: false,
        }
    }
}

/// One measured simulator.
#[derive(Clone, Debug)]
pub struct Measured {
    /// `rust-hdl`, `icarus`, `verilator`, or `vector writer` (the model and
    /// random core writing vectors to nowhere: the most any streamed run
    /// can reach).
    pub name: &'static str,
    pub cycles: u64,
    /// Wall time of the run, vector writer included.
    pub seconds: f64,
    /// CPU time of the simulator alone: the simulator process (user and
    /// system), or the stepping thread for rust-hdl; the vector writer's
    /// thread is not counted.
    pub cpu_seconds: f64,
    /// Seconds spent building before the run (0 if cached).
    pub build_seconds: f64,
}

impl Measured {
    /// Cycles per second of wall time.
    pub fn cycles_per_second(&self) -> f64 {
        per_second(self.cycles, self.seconds)
    }

    /// Cycles per second of the simulator's own CPU time.
    pub fn cycles_per_cpu_second(&self) -> f64 {
        per_second(self.cycles, self.cpu_seconds)
    }
}

fn per_second(cycles: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        cycles as f64 / seconds
    } else {
        0.0
    }
}

/// CPU seconds (user + system) of this process's finished children.
fn children_cpu() -> f64 {
    // SAFETY: getrusage fills the struct it is given.
    unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut u);
        tv(u.ru_utime) + tv(u.ru_stime)
    }
}

fn tv(t: libc::timeval) -> f64 {
    t.tv_sec as f64 + t.tv_usec as f64 * 1e-6
}

/// CPU seconds of the calling thread.
fn thread_cpu() -> f64 {
    // SAFETY: clock_gettime fills the struct it is given.
    unsafe {
        let mut t: libc::timespec = std::mem::zeroed();
        libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t);
        t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
    }
}

/// The results of [`bench_throughput`].
#[derive(Clone, Debug)]
pub struct ThroughputReport {
    pub options: BenchOptions,
    /// rust-hdl, icarus, verilator, vector writer.
    pub results: Vec<Measured>,
}

impl ThroughputReport {
    /// The measurement called `name`.
    pub fn get(&self, name: &str) -> Option<&Measured> {
        self.results.iter().find(|m| m.name == name)
    }

    /// A table: cycles, wall seconds and cycles/s, the simulator's CPU
    /// seconds and cycles per CPU second, and the ratio to Verilator (by
    /// wall time).
    pub fn table(&self) -> String {
        let vl = self
            .get("verilator")
            .map(Measured::cycles_per_second)
            .unwrap_or(0.0);
        let mut t = format!(
            "{:<14} {:>10} {:>8} {:>12} {:>8} {:>12} {:>13}\n",
            "simulator", "cycles", "wall s", "cycles/s", "cpu s", "cycles/cpu-s", "vs verilator"
        );
        for m in &self.results {
            let cps = m.cycles_per_second();
            let ratio = if m.name == "vector writer" || cps <= 0.0 || vl <= 0.0 {
                "-".to_string()
            } else if cps >= vl {
                format!("{:.2}x", cps / vl)
            } else {
                format!("1/{:.0}", vl / cps)
            };
            let _ = writeln!(
                t,
                "{:<14} {:>10} {:>8.2} {:>12.0} {:>8.2} {:>12.0} {:>13}",
                m.name,
                m.cycles,
                m.seconds,
                cps,
                m.cpu_seconds,
                m.cycles_per_cpu_second(),
                ratio
            );
        }
        t
    }

    /// The results as JSON.
    pub fn json(&self) -> String {
        let o = &self.options;
        let mut j = String::from("{\n");
        let _ = writeln!(
            j,
            "  \"what\": \"cycles per second of one seeded random run (sim/src/vectors.rs record_random; each simulator runs a prefix of it), streamed through a FIFO from a writer thread and checked on every output every cycle; seconds: wall time with the writer; cpu_seconds: the simulator alone; build time excluded\","
        );
        let _ = writeln!(
            j,
            "  \"configuration\": \"{}\",\n  \"seed\": {},\n  \"max_wait\": {},\n  \"bus_errors\": {},",
            o.config.describe(),
            o.seed,
            o.max_wait,
            o.bus_errors
        );
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        let _ = writeln!(j, "  \"cores\": {cores},\n  \"results\": [");
        for (k, m) in self.results.iter().enumerate() {
            let sep = if k + 1 == self.results.len() { "" } else { "," };
            let _ = writeln!(
                j,
                "    {{\"simulator\": \"{}\", \"cycles\": {}, \"seconds\": {:.3}, \"cycles_per_second\": {:.0}, \"cpu_seconds\": {:.3}, \"cycles_per_cpu_second\": {:.0}, \"build_seconds\": {:.1}}}{sep}",
                m.name,
                m.cycles,
                m.seconds,
                m.cycles_per_second(),
                m.cpu_seconds,
                m.cycles_per_cpu_second(),
                m.build_seconds
            );
        }
        j.push_str("  ]\n}\n");
        j
    }
}

fn measured(r: &RunReport, cpu_seconds: f64) -> Result<Measured> {
    r.ensure_passed()?;
    Ok(Measured {
        name: r.simulator,
        cycles: r.cycles,
        seconds: r.seconds,
        cpu_seconds,
        build_seconds: r.build_seconds,
    })
}

/// Measure every simulator on the same random run (see the module docs),
/// write the JSON to `opts.out` and return the results. Any mismatch is an
/// error.
pub fn bench_throughput(opts: &BenchOptions) -> Result<ThroughputReport> {
    let work = &opts.work;
    let ptu_v = match &opts.ptu_v {
        Some(p) => p.clone(),
        None => {
            let p = work.join("bench").join("ptu.v");
            std::fs::create_dir_all(p.parent().expect("has a parent"))
                .with_context(|| format!("cannot create {}", work.display()))?;
            std::fs::write(&p, ptu_rtl::verilog::emit(&opts.config)?)
                .with_context(|| format!("cannot write {}", p.display()))?;
            p
        }
    };
    let random = |name: &str, cycles| {
        let p = ptu_tools::progress::Progress::new(
            format!("bench sim: {name}"),
            cycles,
            "cycles",
            opts.progress,
        );
        random_source(
            &opts.config,
            opts.seed,
            cycles,
            opts.max_wait,
            opts.bus_errors,
            p,
        )
    };
    // Build first, so that building is not measured.
    let icarus = prepare_for(Simulator::Icarus, &opts.config, &ptu_v, work)?;
    let verilator = prepare_for(Simulator::Verilator, &opts.config, &ptu_v, work)?;

    let mut results = Vec::new();
    let cpu = thread_cpu();
    let r = run_vectors_rust_hdl(
        &opts.config,
        random("rust-hdl", opts.rust_hdl_cycles),
        None,
        work,
    )?;
    results.push(measured(&r, thread_cpu() - cpu)?);
    for (prepared, cycles) in [
        (&icarus, opts.icarus_cycles),
        (&verilator, opts.verilator_cycles),
    ] {
        let cpu = children_cpu();
        let r = prepared.run(random(prepared.simulator.name(), cycles), None)?;
        results.push(measured(&r, children_cpu() - cpu)?);
    }

    // The writer alone, for the largest run.
    let start = Instant::now();
    let cpu = thread_cpu();
    let mut w = VectorWriter::for_config(std::io::sink(), &opts.config)?;
    record_random_for(
        &opts.config,
        opts.seed,
        opts.verilator_cycles,
        opts.max_wait,
        opts.bus_errors,
        &mut w,
    )?;
    results.push(Measured {
        name: "vector writer",
        cycles: opts.verilator_cycles,
        seconds: start.elapsed().as_secs_f64(),
        cpu_seconds: thread_cpu() - cpu,
        build_seconds: 0.0,
    });

    let report = ThroughputReport {
        options: opts.clone(),
        results,
    };
    if let Some(out) = &opts.out {
        write_file(out, &report.json())?;
    }
    Ok(report)
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    ptu_tools::write_atomic(path, text.as_bytes()).map(|_| ())
}
