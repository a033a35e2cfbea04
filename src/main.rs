//! `ptu`: generate, simulate and check the privilege-transition unit.

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use ptu_arch::PtuConfig;
use std::path::{Path, PathBuf};

mod board;
mod generate;
mod simulate;
mod soc;
mod soc_diff;

/// The privilege-transition unit: a front end that renames RIP, RSP and
/// GS base by privilege level, with one kernel entry point.
#[derive(Parser)]
#[command(name = "ptu", version, about, long_about = None, after_help = EXIT_STATUS)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the unit as Verilog for one configuration (DIR/ptu.v, top module
    /// `ptu`; DIR/NAME.v, module NAME with --top NAME), with its waivers,
    /// encodings header, instantiation template and FuseSoC core file.
    #[command(after_help = generate::EXAMPLES)]
    Generate(generate::GenerateArgs),
    /// Simulate scenarios (testbenches/scenarios/*.scn) or a seeded random
    /// run; every output of every cycle is checked against the reference model.
    #[command(after_help = simulate::JSON_SHAPE)]
    Sim(simulate::SimArgs),
    /// The main job: generate the Verilog, lint it, run every scenario and a
    /// random run, and say where the outputs are.
    #[command(
        after_help = "Examples:\n  ptu run                               everything, outputs in build/ and waveforms/\n  ptu run --cycles 1000000              a longer random run"
    )]
    Run {
        /// Folder for the generated Verilog.
        #[arg(long, default_value = "build")]
        out: PathBuf,
        /// Folder for the waveforms.
        #[arg(long, default_value = "waveforms")]
        waves: PathBuf,
        /// Cycles of the random run (at least 1).
        #[arg(long, default_value_t = 200_000, value_parser = simulate::parse_cycles, allow_negative_numbers = true)]
        cycles: u64,
    },
    /// Look at a VCD (any producer): terminal view, --summary of the
    /// privilege transitions, --svg picture, --list, --gtkwave.
    #[command(
        after_help = "Examples:\n  ptu wave waveforms/nested-fault-rust-hdl.vcd                 text waves in the terminal\n  ptu wave FILE.vcd --summary                                  the privilege transitions\n  ptu wave FILE.vcd --from 10 --to 30 --svg out/window.svg     a picture of cycles 10..30\n  ptu wave FILE.vcd --gtkwave                                  open GTKWave with the save file"
    )]
    Wave(ptu_waveforms::cli::WaveArgs),
    /// Build the board demo into a bitstream with the open FPGA tools:
    /// synth/build/<board>/ with every log, build.sh and report.json.
    #[command(
        after_help = "Examples:\n  ptu build                             the iCEBreaker bitstream in synth/build/icebreaker/\n  ptu build --board ulx3s --seed 3\n  ptu build --corrupt 0x21:rip          a demo that prints FAIL on the board\n  ptu build --board ulx3s --design soc  the SoC with its kernel (docs/soc-boards.md)"
    )]
    Build(board::BuildArgs),
    /// Load the built bitstream onto a board (iceprog / openFPGALoader).
    #[command(
        after_help = "Examples:\n  ptu program                           load synth/build/icebreaker/ptu_demo.bin\n  ptu program --board ulx3s --bitstream my.bit"
    )]
    Program(board::ProgramArgs),
    /// Benchmarks (not tests): `ptu bench synth` measures the unit alone,
    /// `ptu bench sim` the simulators' throughput.
    #[command(
        after_help = "Examples:\n  ptu bench synth                       area and Fmax of the unit on three parts\n  ptu bench sim                         simulator throughput, side by side"
    )]
    Bench(BenchArgs),
    /// Prove the isolation properties of the emitted Verilog (Yosys, ABC
    /// PDR, yosys-smtbmc + z3); counterexamples as VCDs in waveforms/.
    #[command(after_help = ptu_formal::cli::help())]
    Prove(ptu_formal::cli::ProveArgs),
    /// The SoC: a RISC-V core whose pc, sp and tp are the unit's
    /// (docs/soc.md). `ptu soc run --program FILE` runs a program on it.
    Soc(soc::SocArgs),
}

/// `ptu bench`: the synthesis benchmarks and `sim`.
#[derive(Args)]
struct BenchArgs {
    #[command(subcommand)]
    what: BenchWhat,
}

#[derive(Subcommand)]
enum BenchWhat {
    #[command(flatten)]
    Synth(ptu_synth::bench::BenchWhat),
    /// Cycles per second of one seeded random run on rust-hdl's stepping
    /// simulator, Icarus and Verilator, side by side (every output checked
    /// every cycle); results in build/bench/throughput.json.
    #[command(after_help = ptu_testbenches::cli::HELP)]
    Sim(ptu_testbenches::cli::BenchSimArgs),
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => usage_error(e),
    };
    if let Err(e) = dispatch(cli) {
        eprintln!("error: {e:#}");
        std::process::exit(exit_code(&e));
    }
}

/// 1 when a check failed, 2 for bad input or a missing tool (see
/// [`EXIT_STATUS`]).
fn exit_code(e: &anyhow::Error) -> i32 {
    if e.chain().any(|c| c.is::<ptu_tools::CheckFailed>()) {
        1
    } else {
        2
    }
}

/// The exit status, as `ptu --help` shows it.
const EXIT_STATUS: &str = "\
Exit status:
  0  done, and every check passed
  1  a check failed: a scenario or random run differs from the reference
     model (FAIL), a property is not proven, timing is not met
  2  bad input or a missing tool: the error line names it and the fix";

/// A command line clap refused. A value our own parser refused is one
/// line (clap would add a usage hint and `--help` advice that say nothing
/// more); everything else as clap prints it.
fn usage_error(e: clap::Error) -> ! {
    use clap::error::ErrorKind;
    if e.kind() == ErrorKind::ValueValidation {
        let text = e.render().to_string();
        eprintln!("{}", text.lines().next().unwrap_or_default());
        std::process::exit(2);
    }
    e.exit()
}

fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Generate(args) => generate::run(&args),
        Command::Sim(args) => simulate::sim(&args),
        Command::Run { out, waves, cycles } => run(&out, &waves, cycles),
        Command::Wave(args) => ptu_waveforms::cli::run(&args),
        Command::Build(args) => board::build(&args),
        Command::Program(args) => board::program(&args),
        Command::Bench(args) => match args.what {
            BenchWhat::Synth(what) => {
                ptu_synth::bench::run_with(&what, Some(&board::soc_bench_design))
            }
            BenchWhat::Sim(a) => ptu_testbenches::cli::bench_sim(&a),
        },
        Command::Prove(args) => ptu_formal::cli::run(&args, Some(ptu_waveforms::write_gtkw)),
        Command::Soc(args) => soc::soc(&args),
    }
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

fn run(out: &Path, waves: &Path, cycles: u64) -> Result<()> {
    let cfg = PtuConfig::default();
    println!("== generate");
    let v = generate::write(out, &cfg)?;
    println!("wrote {}", v.display());
    println!("== lint");
    lint(&v, out)?;
    println!("== scenarios (rust-hdl design vs reference model)");
    let all = simulate::choose(&[], Path::new(simulate::SCENARIO_DIR))?;
    simulate::run_scenarios(
        &cfg,
        &all,
        simulate::Sim::RustHdl,
        waves,
        None,
        true,
        simulate::Print::default(),
    )?;
    println!("== pictures");
    let mut pictures = vec![];
    for name in ["syscall-roundtrip", "nested-fault"] {
        let vcd = waves.join(format!("{name}-rust-hdl.vcd"));
        let svg = ptu_waveforms::render_svg(&vcd, &waves.join(format!("{name}.svg")))?;
        println!("wrote {}", svg.display());
        pictures.push(svg);
    }
    println!("== random differential run");
    simulate::random_run(&cfg, 1, cycles, 2, 0.002, None, simulate::Print::default())?;
    println!("== outputs");
    println!("Verilog:   {}", v.display());
    println!(
        "waveforms: {}/*.vcd, each with a GTKWave save file (gtkwave {}/nested-fault-rust-hdl.gtkw)",
        waves.display(),
        waves.display()
    );
    for p in pictures {
        println!("picture:   {}", p.display());
    }
    Ok(())
}
