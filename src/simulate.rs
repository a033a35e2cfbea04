//! `ptu sim`: scenarios and random differential runs.

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use ptu_arch::PtuConfig;
use ptu_sim::bus::{Memory, Wait};
use ptu_sim::lockstep;
use ptu_sim::scenario::{self, Scenario};
use ptu_sim::stimulus::{RandomCore, RandomCoreConfig};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Where the shipped scenarios are, relative to the repository root.
pub const SCENARIO_DIR: &str = "testbenches/scenarios";

/// A simulator to run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Sim {
    /// rust-hdl's own simulation engine, stepped in one thread (built in).
    RustHdl,
}

impl Sim {
    fn name(self) -> &'static str {
        match self {
            Sim::RustHdl => "rust-hdl",
        }
    }
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
    /// List the scenarios and exit.
    #[arg(long)]
    pub list: bool,
    /// Run a seeded random differential run instead of scenarios.
    #[arg(long)]
    pub random: bool,
    /// Seed of the random run.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Cycles of the random run.
    #[arg(long, default_value_t = 100_000)]
    pub cycles: u64,
    /// Most wait states of the random bus (0: zero-wait).
    #[arg(long, default_value_t = 2)]
    pub max_wait: u32,
    /// Probability that a bus answer is an error.
    #[arg(long, default_value_t = 0.002)]
    pub bus_errors: f64,
    /// Write a VCD of the random run (large for long runs).
    #[arg(long)]
    pub vcd: Option<PathBuf>,
    /// Folder for the waveforms of scenarios.
    #[arg(long, default_value = "waveforms")]
    pub waves: PathBuf,
}

pub fn sim(args: &SimArgs) -> Result<()> {
    if args.random {
        if !args.scenarios.is_empty() || args.all {
            bail!("give either scenarios or --random, not both");
        }
        return random_run(
            args.seed,
            args.cycles,
            args.max_wait,
            args.bus_errors,
            args.vcd.as_deref(),
        );
    }
    let chosen = choose(&args.scenarios, &args.dir)?;
    if args.list {
        for s in &chosen {
            println!("{:<20} {}", s.name, s.about);
        }
        return Ok(());
    }
    run_scenarios(&chosen, args.simulator, &args.waves)
}

/// The scenarios named (by name in `dir`, or by path), or all in `dir`.
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
            if p.extension().is_some_and(|x| x == "scn") || p.is_file() {
                return scenario::load(p);
            }
            let in_dir = dir.join(format!("{n}.scn"));
            if in_dir.is_file() {
                return scenario::load(&in_dir);
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
pub fn run_scenarios(chosen: &[Scenario], sim: Sim, waves: &Path) -> Result<()> {
    let cfg = PtuConfig::default();
    let mut failed = 0;
    for s in chosen {
        let vcd = waves.join(format!("{}-{}.vcd", s.name, sim.name()));
        let result = match sim {
            Sim::RustHdl => s.run_rtl(&cfg, Some(&vcd)),
        };
        match result {
            Ok(sum) => {
                println!(
                    "PASS {:<20} {:<9} {:>4} cycles  {}",
                    s.name,
                    sim.name(),
                    sum.cycles,
                    vcd.display()
                );
                for t in &sum.transitions {
                    println!("       {t}");
                }
            }
            Err(e) => {
                failed += 1;
                println!("FAIL {:<20} {:<9} {e:#}", s.name, sim.name());
            }
        }
    }
    println!(
        "scenarios on {}: {} passed, {} failed",
        sim.name(),
        chosen.len() - failed,
        failed
    );
    if failed > 0 {
        bail!("{failed} scenario(s) failed on {}", sim.name());
    }
    Ok(())
}

pub fn random_run(
    seed: u64,
    cycles: u64,
    max_wait: u32,
    bus_errors: f64,
    vcd: Option<&Path>,
) -> Result<()> {
    if !(0.0..=1.0).contains(&bus_errors) {
        bail!("--bus-errors {bus_errors} is not a probability: give a value from 0 to 1");
    }
    let cfg = PtuConfig::default();
    let mut core = RandomCore::with_config(
        seed,
        RandomCoreConfig {
            reset_prob: 0.0002,
            shutdown_reset_prob: 0.05,
            ..RandomCoreConfig::default()
        },
    );
    let mut mem = Memory::new(seed ^ 0x5eed_5eed);
    mem.wait = if max_wait == 0 {
        Wait::Fixed(0)
    } else {
        Wait::Random { max: max_wait }
    };
    mem.error_prob = bus_errors;
    let start = Instant::now();
    let step = (cycles / 20).max(50_000);
    let report = lockstep::run(
        &cfg,
        |cycle, out| {
            if cycle > 0 && cycle % step == 0 {
                eprint!("\r  {cycle}/{cycles} cycles");
                let _ = std::io::stderr().flush();
            }
            core.next(out)
        },
        &mut mem,
        cycles,
        vcd,
    )
    .with_context(|| {
        format!(
            "random run with seed {seed} failed (replay: ptu sim --random --seed {seed} --cycles {cycles})"
        )
    })?;
    if cycles >= step {
        eprintln!();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "PASS random seed {seed}: {} cycles match the model ({:.0} cycles/s); {} transitions, {} interrupts, {} bus answers, {} cycles in user mode",
        report.cycles,
        report.cycles as f64 / secs,
        report.redirects,
        report.irq_acks,
        report.bus_answers,
        report.user_cycles
    );
    if let Some(p) = report.vcd {
        println!("waveform: {}", p.display());
    }
    Ok(())
}
