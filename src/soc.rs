//! `ptu soc`: run a program on the SoC (the RISC-V core whose pc, sp and
//! tp are the unit's, `docs/soc.md`).

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use ptu_arch::parse_u64;
use ptu_soc::map::ToHost;
use ptu_soc::run::{run, RunOptions};
use ptu_soc::soc::SocConfig;
use ptu_tools::check_failed;
use std::path::{Path, PathBuf};

/// `ptu soc`.
#[derive(Args)]
pub struct SocArgs {
    #[command(subcommand)]
    what: SocWhat,
}

#[derive(Subcommand)]
enum SocWhat {
    /// Run a program (flat binary loaded at 0, or an ELF) on the rust-hdl
    /// SoC until it stores to tohost: exit 0 when it stores 1, 1 when it
    /// reports a failed test, 2 when it never stores within --max-cycles.
    #[command(
        after_help = "Examples:\n  ptu soc run --program prog.bin\n  ptu soc run --program prog.elf --max-cycles 1000000 --nmi-at 5000 --vcd waveforms/prog.vcd\n  ptu soc run --program prog.bin --sim verilator          the emitted Verilog, built in build/soc-verilator"
    )]
    Run(RunArgs),
}

#[derive(Args)]
struct RunArgs {
    /// The program: a flat binary (loaded at address 0) or an ELF file.
    #[arg(long)]
    program: PathBuf,
    /// Stop with an error after this many cycles without a tohost store.
    #[arg(long, default_value_t = 10_000_000, value_parser = parse_cycles)]
    max_cycles: u64,
    /// Raise the NMI input at this cycle (repeatable).
    #[arg(long, value_parser = parse_u64)]
    nmi_at: Vec<u64>,
    /// Write a VCD of every signal of the SoC to this file (rust-hdl only).
    #[arg(long)]
    vcd: Option<PathBuf>,
    /// The simulator: rust-hdl's (the design itself) or Verilator (the
    /// emitted ptu_soc.v, built in --work).
    #[arg(long, value_enum, default_value_t = Sim::RustHdl)]
    sim: Sim,
    /// Folder for the Verilator build (the emitted ptu_soc.v, the harness,
    /// obj_dir/ and the build log).
    #[arg(long, default_value = "build/soc-verilator")]
    work: PathBuf,
}

/// Which simulator runs the SoC.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Sim {
    /// rust-hdl's simulation of the design, stepped one clock at a time.
    RustHdl,
    /// Verilator, from the emitted Verilog.
    Verilator,
}

fn parse_cycles(s: &str) -> std::result::Result<u64, String> {
    match parse_u64(s) {
        Ok(0) => Err("--max-cycles must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// `ptu soc ...`.
pub fn soc(args: &SocArgs) -> Result<()> {
    match &args.what {
        SocWhat::Run(a) => run_program(a),
    }
}

fn run_program(a: &RunArgs) -> Result<()> {
    let image = load(&a.program)?;
    let cfg = SocConfig::new(image);
    let opts = RunOptions {
        max_cycles: a.max_cycles,
        nmi_at: a.nmi_at.clone(),
        trace: false,
        vcd: a.vcd.clone(),
    };
    let out = match a.sim {
        Sim::RustHdl => run(&cfg, &opts)?,
        Sim::Verilator => ptu_soc::verilator::run(&cfg, &opts, &a.work)?,
    };
    if !out.uart.is_empty() {
        println!("uart: {}", out.uart_text().trim_end_matches('\n'));
    }
    let stats = match a.sim {
        Sim::RustHdl => format!(
            "{} cycles, {} instructions retired",
            out.cycles, out.instret
        ),
        Sim::Verilator => format!("{} cycles, Verilator", out.cycles),
    };
    if let Some(v) = &a.vcd {
        println!("wrote {}", v.display());
    }
    match out.verdict() {
        Some(ToHost::Pass) => {
            println!("PASS: {} ({stats})", a.program.display());
            Ok(())
        }
        Some(ToHost::Fail(n)) => {
            check_failed!("FAIL: {}: test {n} failed ({stats})", a.program.display())
        }
        Some(ToHost::Other(v)) => check_failed!(
            "FAIL: {} stored {v:#x} to tohost, not a verdict (1 passes, (n << 1) | 1 fails test n) ({stats})",
            a.program.display()
        ),
        None if out.shutdown => check_failed!(
            "FAIL: {}: the unit shut down (a triple fault: a frame push failed twice, e.g. ENTRY_CRIT/CSTACK or the kernel sp not set) ({stats})",
            a.program.display()
        ),
        None => bail!(
            "{} did not store to tohost within {} cycles ({stats}): raise --max-cycles, or end the program with a store to tohost (0x10000018)",
            a.program.display(),
            a.max_cycles
        ),
    }
}

/// The RAM image of a flat binary, or of an ELF file's loadable segments
/// (`ptu_soc::program`, the loader the tests and the model use too).
fn load(path: &Path) -> Result<Vec<u8>> {
    let program = ptu_soc::program::Program::from_file(path)?;
    if program.image.is_empty() {
        bail!(
            "{} is empty: give a flat binary or an ELF file",
            path.display()
        );
    }
    Ok(program.image)
}
