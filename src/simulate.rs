//! `ptu sim`: scenarios and random differential runs.

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use ptu_arch::cli::ConfigArgs;
use ptu_arch::PtuConfig;
use ptu_sim::rtl::RtlSim;
use ptu_sim::scenario::{self, Scenario};
use ptu_sim::vectors::VectorWriter;
use ptu_sim::{shrink, vectors};
use ptu_testbenches::bench::random_source;
use ptu_testbenches::{Prepared, Simulator, VectorSource};
use ptu_tools::progress::Progress;
use ptu_tools::write_atomic;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Where the shipped scenarios are, relative to the repository root.
pub const SCENARIO_DIR: &str = "testbenches/scenarios";

/// A simulator to run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Sim {
    /// rust-hdl's own simulation engine, stepped in one thread (built in).
    RustHdl,
    /// Icarus Verilog on the emitted ptu.v, with a generated testbench.
    Icarus,
    /// Verilator on the emitted ptu.v, with a generated C++ harness.
    Verilator,
    /// Icarus on the Yosys synth_ice40 netlist of ptu.v (with cells_sim.v).
    PostSynth,
}

impl Sim {
    fn name(self) -> &'static str {
        match self {
            Sim::RustHdl => "rust-hdl",
            Sim::Icarus => "icarus",
            Sim::Verilator => "verilator",
            Sim::PostSynth => "post-synth",
        }
    }

    fn external(self) -> Option<Simulator> {
        match self {
            Sim::RustHdl => None,
            Sim::Icarus => Some(Simulator::Icarus),
            Sim::Verilator => Some(Simulator::Verilator),
            Sim::PostSynth => Some(Simulator::PostSynth),
        }
    }
}

/// Where generated testbenches and their builds go.
pub const SIM_BUILD: &str = "build/sim";

/// Run a scenario on an external simulator: the model's vectors of the
/// scenario, the generated harness, and the first mismatch mapped back to
/// the scenario's line.
/// The outer error is a tool that could not run (bad input or a missing
/// tool: it stops `ptu sim`); the inner one is the scenario's FAIL.
fn run_external(
    cfg: &PtuConfig,
    s: &Scenario,
    prepared: &Prepared,
    vcd: &Path,
) -> Result<Result<scenario::Summary>> {
    let mut w = VectorWriter::for_config(Vec::new(), cfg)?;
    let mut origins = vec![];
    let sum = s.run(cfg, |_, inp, out, origin| {
        origins.push(origin.clone());
        Ok(w.cycle(inp, out)?)
    });
    // Even when the scenario stops (an `expect` the model does not meet),
    // the cycles before it run, so that the FAIL has a waveform.
    let text = String::from_utf8(w.finish()?)?;
    let r = prepared.run(VectorSource::text(text), Some(vcd))?;
    if let Some(m) = &r.mismatch {
        let at = r
            .mismatch_cycle
            .and_then(|c| origins.get(c as usize))
            .map(|o| format!("{}:{}: (`{}`) ", s.path.display(), o.line, o.text))
            .unwrap_or_default();
        return Ok(Err(anyhow::anyhow!("{at}{}", m.replace('\n', "; "))));
    }
    Ok(sum)
}

#[derive(Args)]
pub struct SimArgs {
    /// Scenarios to run: names from the scenario folder or paths to .scn
    /// files (default: all of them). `--list` shows them.
    pub scenarios: Vec<String>,
    /// Run every scenario in the scenario folder.
    #[arg(long)]
    pub all: bool,
    /// The simulator.
    #[arg(long = "sim", value_enum, default_value = "rust-hdl")]
    pub simulator: Sim,
    /// The scenario folder.
    #[arg(long, default_value = SCENARIO_DIR)]
    pub dir: PathBuf,
    /// For icarus, verilator and post-synth: simulate this Verilog file
    /// (top module `ptu`) instead of the freshly emitted unit.
    #[arg(long)]
    pub verilog: Option<PathBuf>,
    /// With --verilog: a lint warning of the simulator (Verilator or
    /// Icarus `-Wall`) is an error. Without it, warnings are printed and
    /// the design is simulated anyway.
    #[arg(long)]
    pub strict: bool,
    /// Print the results as JSON on stdout, and nothing else there (shape:
    /// see `ptu sim --help`).
    #[arg(long)]
    pub json: bool,
    /// Print only failures (FAIL lines and how to look at them), the count
    /// line and errors.
    #[arg(long)]
    pub quiet: bool,
    /// List the scenarios and exit.
    #[arg(long)]
    pub list: bool,
    /// Run a seeded random differential run instead of scenarios.
    #[arg(long)]
    pub random: bool,
    /// Seed of the random run (with --random; default 1).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Cycles of the random run, at least 1 (with --random; default 100000).
    #[arg(long, value_parser = parse_cycles, allow_negative_numbers = true)]
    pub cycles: Option<u64>,
    /// Most wait states of the random bus, 0 for zero-wait (with --random;
    /// default 2).
    #[arg(long)]
    pub max_wait: Option<u32>,
    /// Probability that a bus answer is an error (with --random; default
    /// 0.002).
    #[arg(long)]
    pub bus_errors: Option<f64>,
    /// Write a VCD of the random run (with --random; large for long runs).
    #[arg(long)]
    pub vcd: Option<PathBuf>,
    /// Folder for the waveforms of scenarios (default: waveforms).
    #[arg(long)]
    pub waves: Option<PathBuf>,
    /// Run the scenarios on the reference model only (no RTL, no
    /// waveform): for the configurations the RTL is not generated for yet.
    /// Scenarios that do not fit the configuration are skipped with the
    /// reason.
    #[arg(long)]
    pub model_only: bool,
    /// The configuration: --config FILE or --preset NAME. On the RTL,
    /// any configuration the RTL is generated for (`ptu generate
    /// --list-presets` says which presets are); with --model-only, any.
    #[command(flatten)]
    pub cfg: ConfigArgs,
}

/// Where the scenarios of the generator's options are, inside the
/// scenario folder.
pub const OPTION_SCENARIO_DIR: &str = "options";

/// The random run's settings, with their defaults.
struct RandomArgs {
    seed: u64,
    cycles: u64,
    max_wait: u32,
    bus_errors: f64,
}

impl SimArgs {
    /// The flags only a random run reads that were given.
    fn random_flags(&self) -> Vec<&'static str> {
        let mut given = vec![];
        for (flag, set) in [
            ("--seed", self.seed.is_some()),
            ("--cycles", self.cycles.is_some()),
            ("--max-wait", self.max_wait.is_some()),
            ("--bus-errors", self.bus_errors.is_some()),
            ("--vcd", self.vcd.is_some()),
        ] {
            if set {
                given.push(flag);
            }
        }
        given
    }

    fn random(&self) -> RandomArgs {
        RandomArgs {
            seed: self.seed.unwrap_or(1),
            cycles: self.cycles.unwrap_or(100_000),
            max_wait: self.max_wait.unwrap_or(2),
            bus_errors: self.bus_errors.unwrap_or(0.002),
        }
    }

    /// The folder for the scenarios' waveforms.
    pub fn waves(&self) -> PathBuf {
        self.waves
            .clone()
            .unwrap_or_else(|| PathBuf::from("waveforms"))
    }
}

/// `--cycles N`: a whole number of at least 1.
pub fn parse_cycles(s: &str) -> Result<u64, String> {
    if s.trim_start().starts_with('-') {
        return Err(format!(
            "'{s}' is negative: a run has at least 1 cycle, e.g. --cycles 10000"
        ));
    }
    let n = ptu_arch::parse_u64(s)?;
    if n == 0 {
        return Err("a run needs at least 1 cycle: give 1 or more, e.g. --cycles 10000".into());
    }
    Ok(n)
}

pub fn sim(args: &SimArgs) -> Result<()> {
    let cfg = args.cfg.config()?;
    if args.model_only {
        return sim_model_only(args, &cfg);
    }
    // The RTL, the random stimulus, the model and the harnesses follow the
    // configuration; one the RTL is not generated for is refused before
    // anything is written.
    args.cfg.in_file(
        cfg.require_generated(", or add --model-only to run the scenarios on its reference model"),
    )?;
    if args.random {
        if !args.scenarios.is_empty() || args.all {
            bail!("give either scenarios or --random, not both");
        }
        if args.waves.is_some() {
            bail!("--waves is for scenarios: a random run writes its waveform with --vcd FILE");
        }
        let r = args.random();
        let print = Print {
            json: args.json,
            quiet: args.quiet,
        };
        if let Some(ext) = args.simulator.external() {
            return random_external(args, &cfg, &r, ext, print);
        }
        if args.verilog.is_some() {
            bail!(
                "--verilog needs an external simulator: add --sim icarus, verilator or post-synth"
            );
        }
        return random_run(
            &cfg,
            r.seed,
            r.cycles,
            r.max_wait,
            r.bus_errors,
            args.vcd.as_deref(),
            print,
        );
    }
    if let Some(flag) = args.random_flags().first() {
        bail!(
            "{flag} is for random runs and would be ignored with scenarios: add --random (ptu sim --random {flag} ...), or drop {flag}"
        );
    }
    let mut chosen = choose(&args.scenarios, &args.dir)?;
    // A configuration with options also runs the scenarios of its options
    // (those that do not fit are skipped with the reason).
    let options = args.dir.join(OPTION_SCENARIO_DIR);
    if args.scenarios.is_empty() && has_options(&cfg) && options.is_dir() {
        chosen.extend(scenario::load_dir(&options)?);
    }
    if args.list {
        for s in &chosen {
            println!("{:<20} {}", s.name, s.about);
        }
        return Ok(());
    }
    run_scenarios(
        &cfg,
        &chosen,
        args.simulator,
        &args.waves(),
        args.verilog.as_deref(),
        args.strict,
        Print {
            json: args.json,
            quiet: args.quiet,
        },
    )
}

/// Whether `cfg` differs from the default unit in an option that changes
/// its ports or behaviour (`xlen`, `irq_entry`, `fs_bank`): then `ptu sim`
/// on the RTL also runs the scenarios of the `options/` folder.
fn has_options(cfg: &PtuConfig) -> bool {
    let d = PtuConfig::default();
    cfg.xlen != d.xlen || cfg.irq_entry != d.irq_entry || cfg.fs_bank != d.fs_bank
}

/// `ptu sim --model-only`: the chosen scenarios (default: every one in
/// the folder and in its `options/` folder) on the reference model for
/// `cfg`, each PASS, FAIL or SKIP with the reason.
fn sim_model_only(args: &SimArgs, cfg: &PtuConfig) -> Result<()> {
    let refuse = |flag: &str| -> Result<()> {
        bail!("{flag} does not go with --model-only, which runs scenarios on the reference model and writes no waveform: drop {flag}")
    };
    if args.random {
        refuse("--random")?;
    }
    if args.simulator != Sim::RustHdl {
        refuse("--sim")?;
    }
    if args.verilog.is_some() {
        refuse("--verilog")?;
    }
    if args.waves.is_some() {
        refuse("--waves")?;
    }
    if let Some(flag) = args.random_flags().first() {
        refuse(flag)?;
    }
    let mut chosen = choose(&args.scenarios, &args.dir)?;
    let options = args.dir.join(OPTION_SCENARIO_DIR);
    if args.scenarios.is_empty() && options.is_dir() {
        chosen.extend(scenario::load_dir(&options)?);
    }
    if args.list {
        for s in &chosen {
            println!("{:<20} {}", s.name, s.about);
        }
        return Ok(());
    }
    run_on_model(
        &chosen,
        cfg,
        Print {
            json: args.json,
            quiet: args.quiet,
        },
    )
}

/// Run scenarios on the reference model for `cfg`, printing PASS, FAIL
/// or SKIP (with the reason) for each.
pub fn run_on_model(chosen: &[Scenario], cfg: &PtuConfig, print: Print) -> Result<()> {
    let (mut passed, mut failed, mut skipped) = (0usize, 0usize, 0usize);
    let mut results = vec![];
    for s in chosen {
        if let Some(why) = s.skip_reason(cfg) {
            skipped += 1;
            if print.human() {
                println!("SKIP {:<20} {:<10} {why}", s.name, "model");
            }
            results.push(serde_json::json!({
                "name": s.name, "simulator": "model", "pass": null, "skipped": why,
            }));
            continue;
        }
        match s.run(cfg, |_, _, _, _| Ok(())) {
            Ok(sum) => {
                passed += 1;
                if print.human() && !print.quiet {
                    println!(
                        "{} {:<20} {:<10} {:>4} cycles",
                        paint("PASS"),
                        s.name,
                        "model",
                        sum.cycles
                    );
                    for t in &sum.transitions {
                        println!("       {t}");
                    }
                }
                results.push(serde_json::json!({
                    "name": s.name, "simulator": "model", "pass": true, "cycles": sum.cycles,
                    "transitions": sum.transitions.iter().map(transition_json).collect::<Vec<_>>(),
                    "error": null,
                }));
            }
            Err(e) => {
                failed += 1;
                let text = format!("{e:#}");
                if print.human() {
                    println!("{} {:<20} {:<10} {text}", paint("FAIL"), s.name, "model");
                }
                results.push(serde_json::json!({
                    "name": s.name, "simulator": "model", "pass": false,
                    "cycles": failure_cycle(&text), "transitions": [], "error": text,
                }));
            }
        }
    }
    if print.json {
        let doc = serde_json::json!({
            "simulator": "model",
            "configuration": cfg.describe(),
            "passed": passed,
            "failed": failed,
            "skipped": skipped,
            "scenarios": results,
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!(
            "scenarios on the model of {}: {passed} passed, {failed} failed, {skipped} skipped",
            cfg.describe()
        );
    }
    if failed > 0 {
        ptu_tools::check_failed!(
            "{} failed on the model of {}",
            ptu_arch::count(failed as u64, "scenario", "scenarios"),
            cfg.name
        );
    }
    Ok(())
}

/// The scenarios named (by name in `dir` or its `options/` folder, or by
/// path), or all in `dir`.
pub fn choose(names: &[String], dir: &Path) -> Result<Vec<Scenario>> {
    if names.is_empty() {
        if !dir.is_dir() {
            bail!(
                "no scenario folder {}: run ptu from the repository root, or pass --dir DIR",
                dir.display()
            );
        }
        return scenario::load_dir(dir);
    }
    names
        .iter()
        .map(|n| {
            let p = Path::new(n);
            if p.is_dir() {
                bail!(
                    "'{n}' is a folder, not a scenario: run every scenario in it with --dir {n}, or name one .scn file in it"
                );
            }
            if p.extension().is_some_and(|x| x == "scn") || p.is_file() {
                return scenario::load(p);
            }
            let in_dir = dir.join(format!("{n}.scn"));
            if in_dir.is_file() {
                return scenario::load(&in_dir);
            }
            let in_options = dir.join(OPTION_SCENARIO_DIR).join(format!("{n}.scn"));
            if in_options.is_file() {
                return scenario::load(&in_options);
            }
            let known: Vec<String> = scenario::load_dir(dir)
                .map(|all| all.into_iter().map(|s| s.name).collect())
                .unwrap_or_default();
            bail!(
                "unknown scenario '{n}': choose one of {} (in {}), or give a path to a .scn file",
                known.join(", "),
                dir.display()
            )
        })
        .collect()
}

/// Run scenarios on a simulator, printing PASS/FAIL and the transitions.
pub fn run_scenarios(
    cfg: &PtuConfig,
    chosen: &[Scenario],
    sim: Sim,
    waves: &Path,
    verilog: Option<&Path>,
    strict: bool,
    print: Print,
) -> Result<()> {
    let prepared = match sim.external() {
        Some(ext) => Some(prepare(
            cfg,
            ext,
            verilog,
            strict,
            print.quiet || print.json,
        )?),
        None if verilog.is_some() => {
            bail!(
                "--verilog needs an external simulator: add --sim icarus, verilator or post-synth"
            )
        }
        None => None,
    };
    let mut failed = 0;
    let mut skipped = 0;
    let mut results = vec![];
    for s in chosen {
        if let Some(why) = s.skip_reason(cfg) {
            skipped += 1;
            if print.human() {
                println!("SKIP {:<20} {:<10} {why}", s.name, sim.name());
            }
            results.push(serde_json::json!({
                "name": s.name, "simulator": sim.name(), "pass": null, "skipped": why,
            }));
            continue;
        }
        let vcd = waves.join(format!("{}-{}.vcd", s.name, sim.name()));
        // A FAIL points at this file: never at one from an earlier run.
        let _ = std::fs::remove_file(&vcd);
        let result = match &prepared {
            None => s.run_rtl(cfg, Some(&vcd)),
            Some(p) => run_external(cfg, s, p, &vcd)?.and_then(|sum| {
                ptu_waveforms::write_gtkw(&vcd)?;
                Ok(sum)
            }),
        };
        let vcd_written = vcd.is_file().then(|| vcd.display().to_string());
        match result {
            Ok(sum) => {
                if print.human() && !print.quiet {
                    println!("{}", pass_line(&s.name, sim, sum.cycles, &vcd));
                    for t in &sum.transitions {
                        println!("       {t}");
                    }
                }
                results.push(serde_json::json!({
                    "name": s.name,
                    "simulator": sim.name(),
                    "pass": true,
                    "cycles": sum.cycles,
                    "transitions": sum.transitions.iter().map(transition_json).collect::<Vec<_>>(),
                    "vcd": vcd_written,
                    "error": null,
                }));
            }
            Err(e) => {
                failed += 1;
                let text = format!("{e:#}");
                let at = failure_cycle(&text);
                if print.human() {
                    println!("{} {:<20} {:<10} {text}", paint("FAIL"), s.name, sim.name());
                    match at {
                        Some(n) if vcd.is_file() => {
                            println!("       look: {}", ptu_tools::wave_command(&vcd, n))
                        }
                        _ => println!("       (no waveform was written)"),
                    }
                }
                results.push(serde_json::json!({
                    "name": s.name,
                    "simulator": sim.name(),
                    "pass": false,
                    "cycles": at,
                    "transitions": [],
                    "vcd": vcd_written,
                    "error": text,
                }));
            }
        }
    }
    if print.json {
        let doc = serde_json::json!({
            "simulator": sim.name(),
            "configuration": cfg.describe(),
            "passed": chosen.len() - failed - skipped,
            "failed": failed,
            "skipped": skipped,
            "scenarios": results,
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        let skips = if skipped > 0 {
            format!(", {skipped} skipped")
        } else {
            String::new()
        };
        let of = if cfg.is_default() {
            String::new()
        } else {
            format!(" (configuration {})", cfg.name)
        };
        println!(
            "scenarios on {}{of}: {} passed, {} failed{skips}",
            sim.name(),
            chosen.len() - failed - skipped,
            failed
        );
    }
    if failed > 0 {
        ptu_tools::check_failed!(
            "{} failed on {}",
            ptu_arch::count(failed as u64, "scenario", "scenarios"),
            sim.name()
        );
    }
    Ok(())
}

pub fn random_run(
    cfg: &PtuConfig,
    seed: u64,
    cycles: u64,
    max_wait: u32,
    bus_errors: f64,
    vcd: Option<&Path>,
    print: Print,
) -> Result<()> {
    check_probability(bus_errors)?;
    let mut rtl = RtlSim::new(cfg)?;
    if let Some(p) = vcd {
        rtl.trace_to(p)?;
    }
    let start = Instant::now();
    let mut progress = Progress::new("random run on rust-hdl", cycles, "cycles", print.progress());
    let (mut done, mut redirects, mut irq_acks, mut answers) = (0u64, 0u64, 0u64, 0u64);
    let mut failure: Option<anyhow::Error> = None;
    vectors::random_cycles_for(
        cfg,
        seed,
        cycles,
        max_wait,
        bus_errors,
        |cycle, inp, want| {
            if cycle % 1024 == 0 {
                progress.set(cycle);
            }
            let r = rtl.apply(inp).and_then(|_| {
                let got = rtl.outputs();
                rtl.tick()?;
                if &got != want {
                    bail!("cycle {cycle}: {}", got.describe_diff(want));
                }
                Ok(())
            });
            match r {
                Ok(()) => {
                    done += 1;
                    redirects += want.redirect as u64;
                    irq_acks += want.irq_ack as u64;
                    answers += (want.mem_valid && inp.mem_ready) as u64;
                    true
                }
                Err(e) => {
                    failure = Some(e);
                    false
                }
            }
        },
    );
    progress.clear();
    let vcd = rtl.finish()?;
    let secs = start.elapsed().as_secs_f64();
    let mut doc = RandomJson {
        simulator: Sim::RustHdl,
        configuration: cfg.describe(),
        seed,
        cycles,
        max_wait,
        bus_errors,
        matched: done,
        seconds: secs,
        vcd: vcd.clone(),
        error: None,
        failing_cycle: None,
        shrunk: None,
        counts: Some((redirects, irq_acks, answers)),
    };
    if let Some(e) = failure {
        if print.human() {
            println!("{} random seed {seed}: {e}", paint("FAIL"));
            if let Some(p) = &vcd {
                println!("       look: {}", ptu_tools::wave_command(p, done));
            }
        }
        let path = shrink_failure(cfg, seed, done, max_wait, bus_errors, print)?;
        if print.human() {
            println!(
                "       waveform of the shrunk run: ptu sim {}{} (writes waveforms/{}-rust-hdl.vcd)",
                path.display(),
                config_flag(cfg),
                path.file_stem().unwrap_or_default().to_string_lossy()
            );
        } else {
            doc.error = Some(format!("{e:#}"));
            doc.failing_cycle = Some(done);
            doc.shrunk = Some(path.clone());
            doc.print()?;
        }
        ptu_tools::check_failed!(
            "random run with seed {seed} differs from the model at cycle {done} (replay: ptu sim \
             --random --seed {seed} --cycles {}{}; shrunk to {})",
            done + 1,
            config_flag(cfg),
            path.display()
        );
    }
    if print.json {
        return doc.print();
    }
    println!(
        "{} random seed {seed}: {done} cycles match the model ({:.0} cycles/s); {redirects} \
         transitions, {irq_acks} interrupts, {answers} bus answers",
        paint("PASS"),
        done as f64 / secs
    );
    if let Some(p) = vcd {
        println!("waveform: {}", p.display());
    }
    Ok(())
}

/// The document `ptu sim --random --json` prints (see [`JSON_SHAPE`]).
struct RandomJson {
    simulator: Sim,
    /// The configuration simulated ([`PtuConfig::describe`]).
    configuration: String,
    seed: u64,
    cycles: u64,
    max_wait: u32,
    bus_errors: f64,
    /// Cycles that matched the model.
    matched: u64,
    seconds: f64,
    vcd: Option<PathBuf>,
    /// The FAIL text.
    error: Option<String>,
    failing_cycle: Option<u64>,
    /// The shrunk scenario (rust-hdl).
    shrunk: Option<PathBuf>,
    /// Transitions, interrupts and bus answers (rust-hdl counts them).
    counts: Option<(u64, u64, u64)>,
}

impl RandomJson {
    fn value(&self) -> serde_json::Value {
        let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
        let cps = if self.seconds > 0.0 {
            (self.matched as f64 / self.seconds).round() as u64
        } else {
            0
        };
        serde_json::json!({
            "simulator": self.simulator.name(),
            "configuration": self.configuration,
            "seed": self.seed,
            "cycles": self.cycles,
            "max_wait": self.max_wait,
            "bus_errors": self.bus_errors,
            "pass": self.error.is_none(),
            "matched": self.matched,
            "seconds": (self.seconds * 1000.0).round() / 1000.0,
            "cycles_per_second": cps,
            "transitions": self.counts.map(|c| c.0),
            "interrupts": self.counts.map(|c| c.1),
            "bus_answers": self.counts.map(|c| c.2),
            "vcd": path(&self.vcd),
            "failing_cycle": self.failing_cycle,
            "error": self.error,
            "shrunk": path(&self.shrunk),
        })
    }

    fn print(&self) -> Result<()> {
        println!("{}", serde_json::to_string_pretty(&self.value())?);
        Ok(())
    }
}

/// Shrink the inputs of a failing random run (failing at cycle `at`) to
/// a short scenario in testbenches/generated/.
fn shrink_failure(
    cfg: &PtuConfig,
    seed: u64,
    at: u64,
    max_wait: u32,
    bus_errors: f64,
    print: Print,
) -> Result<PathBuf> {
    let mut inputs = vec![];
    vectors::random_cycles_for(cfg, seed, at + 1, max_wait, bus_errors, |_, inp, _| {
        inputs.push(*inp);
        true
    });
    if print.progress() {
        eprintln!("shrinking {} cycles...", inputs.len());
    }
    // At most 2000 replays and about a minute: a shorter failing run is
    // still a result when time runs out.
    let started = Instant::now();
    let small = shrink::shrink(inputs, 2000, |xs| {
        started.elapsed().as_secs() < 60 && matches!(shrink::rtl_mismatch(cfg, xs), Ok(Some(_)))
    });
    let text = shrink::to_scenario(
        &small,
        &format!("Shrunk from random seed {seed} (cycle {at}): the design differs from the model."),
    );
    let path = PathBuf::from(format!("testbenches/generated/shrunk-seed-{seed}.scn"));
    write_atomic(&path, text.as_bytes())?;
    if print.human() {
        println!("shrunk to {} cycles: {}", small.len(), path.display());
    }
    Ok(path)
}

/// A random run on an external simulator: the model's vectors streamed
/// into the generated harness; the seed replays a failure. (Shrinking to
/// a scenario runs on the rust-hdl design: `--sim rust-hdl`.)
fn random_external(
    args: &SimArgs,
    cfg: &PtuConfig,
    ra: &RandomArgs,
    ext: Simulator,
    print: Print,
) -> Result<()> {
    check_probability(ra.bus_errors)?;
    let prepared = prepare(
        cfg,
        ext,
        args.verilog.as_deref(),
        args.strict,
        print.quiet || print.json,
    )?;
    let progress = Progress::new(
        format!("random run on {}", args.simulator.name()),
        ra.cycles,
        "cycles",
        print.progress(),
    );
    let r = prepared.run(
        random_source(
            cfg,
            ra.seed,
            ra.cycles,
            ra.max_wait,
            ra.bus_errors,
            progress,
        ),
        args.vcd.as_deref(),
    )?;
    let gtkw = match (&r.vcd, r.mismatch.is_none()) {
        // The GTKWave save file beside it, as every VCD of the project has.
        (Some(p), true) => Some(ptu_waveforms::write_gtkw(p)?),
        _ => None,
    };
    if print.json {
        RandomJson {
            simulator: args.simulator,
            configuration: cfg.describe(),
            seed: ra.seed,
            cycles: ra.cycles,
            max_wait: ra.max_wait,
            bus_errors: ra.bus_errors,
            matched: if r.passed() {
                r.cycles
            } else {
                r.mismatch_cycle.unwrap_or(r.cycles)
            },
            seconds: r.seconds,
            vcd: r.vcd.clone(),
            error: r.mismatch.as_ref().map(|m| m.replace('\n', "; ")),
            failing_cycle: r
                .mismatch
                .as_ref()
                .map(|_| r.mismatch_cycle.unwrap_or(r.cycles)),
            shrunk: None,
            counts: None,
        }
        .print()?;
    }
    if let Some(m) = r.mismatch.as_ref().filter(|_| print.human()) {
        println!(
            "{} random seed {} on {}: {}",
            paint("FAIL"),
            ra.seed,
            args.simulator.name(),
            m.replace('\n', "; ")
        );
        let at = r.mismatch_cycle.unwrap_or(r.cycles);
        match &r.vcd {
            Some(p) => println!("       look: {}", ptu_tools::wave_command(p, at)),
            None => println!(
                "       a waveform: the same command with --vcd FILE (the first {} cycles are the same)",
                at + 1
            ),
        }
        let flags = replay_flags(cfg, ra);
        match args.verilog {
            None => println!(
                "       to shrink it to a short scenario, replay it on rust-hdl: ptu sim --random --seed {} --cycles {}{flags}",
                ra.seed,
                at + 1
            ),
            Some(_) => println!(
                "       (rust-hdl, which shrinks failures, runs the built-in unit, not --verilog: \
                 it can replay this only if the unit itself fails: ptu sim --random --seed {} --cycles {}{flags})",
                ra.seed,
                at + 1
            ),
        }
    }
    if r.mismatch.is_some() {
        ptu_tools::check_failed!(
            "random run with seed {} differs from the model on {} (replay: ptu sim --random --sim {} --seed {} --cycles {}{})",
            ra.seed,
            args.simulator.name(),
            args.simulator.name(),
            ra.seed,
            ra.cycles,
            replay_flags(cfg, ra)
        );
    }
    if print.json {
        return Ok(());
    }
    println!(
        "{} random seed {} on {}: {} cycles match the model ({:.0} cycles/s)",
        paint("PASS"),
        ra.seed,
        args.simulator.name(),
        r.cycles,
        r.cycles_per_second()
    );
    if let (Some(p), Some(g)) = (&r.vcd, gtkw) {
        println!("waveform: {} (GTKWave: {})", p.display(), g.display());
    }
    Ok(())
}

/// The harness of `ext` for the unit (or `--verilog FILE`), built or
/// taken from the cache, saying which; lint warnings printed (an error
/// if `strict`).
fn prepare(
    cfg: &PtuConfig,
    ext: Simulator,
    verilog: Option<&Path>,
    strict: bool,
    quiet: bool,
) -> Result<Prepared> {
    let text = unit_verilog(cfg, verilog)?;
    let mut told = false;
    let p = ptu_testbenches::prepare_text_with(
        ext,
        cfg,
        &text,
        Path::new(SIM_BUILD),
        strict,
        Box::new(move |_| {
            if !told && !quiet {
                eprintln!("building the {ext} testbench (once for this Verilog)...");
                told = true;
            }
        }),
    )?;
    if quiet {
    } else if p.build_seconds > 0.0 {
        eprintln!("built: {} ({:.1} s)", p.dir.display(), p.build_seconds);
    } else {
        eprintln!("cached: {ext} testbench in {}", p.dir.display());
    }
    if let Some((head, lines)) = p.warnings.split_first() {
        eprintln!(
            "warning: {} in the Verilog, simulated anyway (--strict makes them errors): {head}",
            ptu_arch::count(lines.len() as u64, "lint warning", "lint warnings")
        );
        for l in lines {
            eprintln!("warning: {l}");
        }
    }
    Ok(p)
}

/// `word` (PASS or FAIL) in green or red when stdout is a terminal and
/// `NO_COLOR` is unset or empty.
fn paint(word: &str) -> String {
    use std::io::IsTerminal;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if no_color || !std::io::stdout().is_terminal() {
        return word.to_string();
    }
    let code = if word == "PASS" { 32 } else { 31 };
    format!("\x1b[1;{code}m{word}\x1b[0m")
}

/// What `ptu sim` prints on stdout.
#[derive(Clone, Copy, Debug, Default)]
pub struct Print {
    /// Only the JSON document (see [`JSON_SHAPE`]).
    pub json: bool,
    /// Only failures.
    pub quiet: bool,
}

impl Print {
    fn human(self) -> bool {
        !self.json
    }

    /// Progress lines may be drawn (on a terminal only).
    fn progress(self) -> bool {
        !self.json && !self.quiet
    }
}

/// The shape of `ptu sim --json`, as `ptu sim --help` shows it.
pub const JSON_SHAPE: &str = r#"Examples:
  ptu sim                                    every scenario on rust-hdl
  ptu sim syscall-roundtrip nested-fault     chosen scenarios (--list names them)
  ptu sim --sim verilator                    on icarus, verilator or post-synth
  ptu sim --sim icarus --verilog my/ptu.v    your own Verilog (--strict: lint warnings fail)
  ptu sim --random --seed 7 --cycles 100000  a random run against the model
  ptu sim --json > results.json              results for a script
  ptu sim --random --sim verilator --json    a random run's figures for a script
  ptu sim --model-only --preset ice40-small-32   scenarios on the reference model of a preset

--config FILE / --preset NAME: on the RTL (rust-hdl, icarus, verilator,
post-synth) only a configuration the RTL is generated for is simulated;
any other is refused with one line before anything is written. With
--model-only, any configuration.

With --json, stdout is one JSON document:
  {"simulator": "rust-hdl",
   "configuration": "x86_64-default (xlen=64 reset_rip=0x0 irq_entry=false fs_bank=false)",
   "passed": 8, "failed": 1,
   "scenarios": [{"name": "syscall-roundtrip", "simulator": "rust-hdl",
                  "pass": true, "cycles": 14,
                  "transitions": [{"what": "SYSCALL", "cycle": 8, "cycles": 1,
                                   "accesses": 0, "to": "kernel"}],
                  "vcd": "waveforms/syscall-roundtrip-rust-hdl.vcd",
                  "error": null}]}
  A failed scenario has "pass": false, "cycles": the failing cycle (or
  null), "transitions": [] and "error": the FAIL text; "vcd" is null when
  no waveform was written. A scenario that does not fit the configuration
  has "pass": null and "skipped": the reason; "skipped" counts them.
  With --model-only, "simulator" is "model" and there is no "vcd".

With --random --json, stdout is one JSON document:
  {"simulator": "rust-hdl", "configuration": "x86_64-default (...)",
   "seed": 1, "cycles": 100000, "max_wait": 2,
   "bus_errors": 0.002, "pass": true, "matched": 100000, "seconds": 1.52,
   "cycles_per_second": 65789, "transitions": 6270, "interrupts": 812,
   "bus_answers": 12744, "vcd": null, "failing_cycle": null,
   "error": null, "shrunk": null}
  "matched": the cycles that matched the model; a failed run has "pass":
  false, "failing_cycle", "error" (the FAIL text) and, on rust-hdl,
  "shrunk" (the shrunk scenario). "transitions", "interrupts" and
  "bus_answers" are counted on rust-hdl only (null elsewhere).

Progress (percent, time left) is drawn on stderr when it is a terminal,
never with --quiet or --json."#;

fn transition_json(t: &scenario::Transition) -> serde_json::Value {
    serde_json::json!({
        "what": t.what,
        "cycle": t.cycle,
        "cycles": t.cycles,
        "accesses": t.accesses,
        "to": if t.to_user { "user" } else { "kernel" },
    })
}

/// ` --preset NAME` when `cfg` is a preset other than the default, for a
/// replay command (empty for the default, and for a configuration file,
/// whose `--config FILE` the user gave).
fn config_flag(cfg: &PtuConfig) -> String {
    match ptu_arch::PRESETS.iter().find(|p| p.config() == *cfg) {
        Some(p) if !cfg.is_default() => format!(" --preset {}", p.name),
        _ => String::new(),
    }
}

/// The bus flags of a random run that differ from the defaults, for a
/// replay command.
fn replay_flags(cfg: &PtuConfig, ra: &RandomArgs) -> String {
    let mut f = config_flag(cfg);
    if ra.max_wait != 2 {
        f += &format!(" --max-wait {}", ra.max_wait);
    }
    if ra.bus_errors != 0.002 {
        f += &format!(" --bus-errors {}", ra.bus_errors);
    }
    f
}

/// The cycle a failure names (`cycle N` or `MISMATCH cycle N`).
fn failure_cycle(text: &str) -> Option<u64> {
    text.split("cycle ").skip(1).find_map(|rest| {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    })
}

/// A scenario's PASS line; the columns line up for every simulator name
/// (`post-synth` is the longest).
fn pass_line(name: &str, sim: Sim, cycles: u64, vcd: &Path) -> String {
    format!(
        "{} {name:<20} {:<10} {:>4} cycles  {}",
        paint("PASS"),
        sim.name(),
        cycles,
        vcd.display()
    )
}

/// `--bus-errors` must be a probability.
fn check_probability(bus_errors: f64) -> Result<()> {
    if !(0.0..=1.0).contains(&bus_errors) {
        bail!("--bus-errors {bus_errors} is not a probability: give a value from 0 to 1");
    }
    Ok(())
}

/// The Verilog an external simulator runs: `--verilog FILE`, or the unit
/// emitted for `cfg`.
fn unit_verilog(cfg: &PtuConfig, verilog: Option<&Path>) -> Result<String> {
    match verilog {
        Some(p) => std::fs::read_to_string(p)
            .with_context(|| format!("cannot read --verilog {}", p.display())),
        None => ptu_rtl::verilog::emit(cfg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failing_cycle_is_read_from_the_error() {
        assert_eq!(failure_cycle("x.scn:4: at cycle 3: cpl is 0x0"), Some(3));
        assert_eq!(
            failure_cycle("x.scn:14: (`retire`) MISMATCH cycle 7 port gs_base"),
            Some(7)
        );
        assert_eq!(failure_cycle("a cycle of nothing"), None);
    }

    #[test]
    fn pass_lines_line_up_for_every_simulator() {
        let at: Vec<usize> = [Sim::RustHdl, Sim::Icarus, Sim::Verilator, Sim::PostSynth]
            .into_iter()
            .map(|sim| {
                pass_line("nested-fault", sim, 24, Path::new("w.vcd"))
                    .find("  24 cycles")
                    .unwrap()
            })
            .collect();
        assert!(at.iter().all(|&k| k == at[0]), "{at:?}");
    }
}
