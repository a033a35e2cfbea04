//! `ptu`: generate, simulate and check the privilege-transition unit.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use ptu_arch::PtuConfig;
use ptu_sim::bus::{Memory, Wait};
use ptu_sim::stimulus::{RandomCore, RandomCoreConfig};
use ptu_sim::{lockstep, scenarios};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The privilege-transition unit: a front end that renames RIP, RSP and
/// GS base by privilege level, with one kernel entry point.
#[derive(Parser)]
#[command(name = "ptu", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the unit as Verilog: DIR/ptu.v, top module `ptu`.
    Generate {
        /// Output folder (created if missing).
        #[arg(long, default_value = "build")]
        out: PathBuf,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Simulate: built-in scenarios, or a seeded random run, on the rust-hdl
    /// design checked against the reference model every cycle.
    Sim(SimArgs),
    /// The main job: generate the Verilog, lint it, run every scenario and a
    /// random run, and say where the outputs are.
    Run {
        /// Folder for the generated Verilog.
        #[arg(long, default_value = "build")]
        out: PathBuf,
        /// Folder for the waveforms.
        #[arg(long, default_value = "waveforms")]
        waves: PathBuf,
        /// Cycles of the random run.
        #[arg(long, default_value_t = 200_000)]
        cycles: u64,
    },
}

#[derive(Args, Clone)]
struct ConfigArgs {
    /// Kernel RIP after reset (decimal or 0x hex).
    #[arg(long, value_parser = parse_u64, default_value = "0")]
    reset_rip: u64,
}

impl ConfigArgs {
    fn config(&self) -> Result<PtuConfig> {
        let cfg = PtuConfig {
            reset_rip: self.reset_rip,
            ..PtuConfig::default()
        };
        cfg.validate()?;
        Ok(cfg)
    }
}

#[derive(Args)]
struct SimArgs {
    /// Scenarios to run (default: all). `--list` shows them.
    scenarios: Vec<String>,
    /// List the built-in scenarios and exit.
    #[arg(long)]
    list: bool,
    /// Run a seeded random differential run instead of scenarios.
    #[arg(long)]
    random: bool,
    /// Seed of the random run.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Cycles of the random run.
    #[arg(long, default_value_t = 100_000)]
    cycles: u64,
    /// Most wait states of the random bus (0: zero-wait).
    #[arg(long, default_value_t = 2)]
    max_wait: u32,
    /// Probability that a bus answer is an error.
    #[arg(long, default_value_t = 0.002)]
    bus_errors: f64,
    /// Write a VCD of the random run (large for long runs).
    #[arg(long)]
    vcd: Option<PathBuf>,
    /// Folder for scenario waveforms.
    #[arg(long, default_value = "waveforms")]
    waves: PathBuf,
}

fn parse_u64(s: &str) -> Result<u64, String> {
    let t = s.replace('_', "");
    let r = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => t.parse(),
    };
    r.map_err(|_| format!("'{s}' is not a number: write it in decimal or as 0x hex"))
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = dispatch(cli) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Generate { out, config } => {
            let path = generate(&out, &config.config()?)?;
            println!(
                "wrote {} (and its Verilator waivers, ptu.vlt)",
                path.display()
            );
            Ok(())
        }
        Command::Sim(args) => sim(&args),
        Command::Run { out, waves, cycles } => run(&out, &waves, cycles),
    }
}

/// Write `out/ptu.v` and its Verilator waivers `out/ptu.vlt`, each
/// through a temporary file.
fn generate(out: &Path, cfg: &PtuConfig) -> Result<PathBuf> {
    let text = ptu_rtl::verilog::emit(cfg)?;
    write_atomic(&out.join("ptu.vlt"), ptu_rtl::verilog::WAIVERS.as_bytes())?;
    write_atomic(&out.join("ptu.v"), text.as_bytes())
}

/// Lint the emitted file with Verilator (-Wall), Icarus and Yosys.
fn lint(v: &Path, out: &Path) -> Result<()> {
    let top = ptu_rtl::verilog::TOP;
    let report = ptu_synth::lint::verilator_lint(v, top, Some(&out.join("ptu.vlt")))?;
    report.ensure_clean()?;
    println!("verilator --lint-only -Wall: clean");
    ptu_synth::lint::iverilog_check(v, top)?;
    println!("iverilog -g2005: clean");
    let stats = ptu_synth::lint::yosys_synth_ice40(v, top, out)?;
    println!(
        "yosys synth_ice40: clean; {} LUTs, {} flip-flops, {} carries (log: {})",
        stats.luts,
        stats.flip_flops,
        stats.carries,
        stats.log.display()
    );
    Ok(())
}

/// Write a file via a temporary sibling and a rename, so that a failure
/// never leaves a half-written output.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create folder {}", dir.display()))?;
    }
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path.to_path_buf())
}

fn sim(args: &SimArgs) -> Result<()> {
    if args.list {
        for s in scenarios::all() {
            println!("{:<20} {}", s.name, s.about);
        }
        return Ok(());
    }
    if args.random {
        if !args.scenarios.is_empty() {
            bail!("give either scenario names or --random, not both");
        }
        return random_run(
            args.seed,
            args.cycles,
            args.max_wait,
            args.bus_errors,
            args.vcd.as_deref(),
        );
    }
    let chosen = if args.scenarios.is_empty() {
        scenarios::all()
    } else {
        args.scenarios
            .iter()
            .map(|n| scenarios::find(n))
            .collect::<Result<Vec<_>>>()?
    };
    run_scenarios(&chosen, &args.waves)
}

fn run_scenarios(chosen: &[scenarios::Scenario], waves: &Path) -> Result<()> {
    let mut failed = 0;
    for s in chosen {
        match s.run(waves) {
            Ok(o) => println!(
                "PASS {:<20} {:>4} cycles, {} transitions, {} bus accesses  {}",
                s.name,
                o.cycles,
                o.redirects,
                o.bus_accesses,
                o.vcd.map(|p| p.display().to_string()).unwrap_or_default()
            ),
            Err(e) => {
                failed += 1;
                println!("FAIL {:<20} {e:#}", s.name);
            }
        }
    }
    println!(
        "scenarios: {} passed, {} failed",
        chosen.len() - failed,
        failed
    );
    if failed > 0 {
        bail!("{failed} scenario(s) failed");
    }
    Ok(())
}

fn random_run(
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
    .with_context(|| format!("random run with seed {seed} failed (replay: ptu sim --random --seed {seed} --cycles {cycles})"))?;
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

fn run(out: &Path, waves: &Path, cycles: u64) -> Result<()> {
    let cfg = PtuConfig::default();
    println!("== generate");
    let v = generate(out, &cfg)?;
    println!("wrote {}", v.display());
    println!("== lint");
    lint(&v, out)?;
    println!("== scenarios (rust-hdl design vs reference model)");
    run_scenarios(&scenarios::all(), waves)?;
    println!("== random differential run");
    random_run(1, cycles, 2, 0.002, None)?;
    println!("== outputs");
    println!("Verilog:   {}", v.display());
    println!("waveforms: {}/*.vcd (open with gtkwave)", waves.display());
    Ok(())
}
