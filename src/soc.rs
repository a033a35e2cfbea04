//! `ptu soc`: run a program on the SoC (the RISC-V core whose pc, sp and
//! tp are the unit's, `docs/soc.md`).

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use ptu_arch::parse_u64;
use ptu_soc::iss::End;
use ptu_soc::kernel;
use ptu_soc::map::ToHost;
use ptu_soc::run::{run, RunOptions};
use ptu_soc::soc::SocConfig;
use ptu_tools::check_failed;
use ptu_waveforms::names::{self, Format, Group, Row};
use ptu_waveforms::reader::Vcd;
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
    /// Run random programs on the instruction-level model and on the
    /// rust-hdl SoC and compare their retire traces entry for entry: exit
    /// 0 when every seed agrees, 1 at the first difference.
    Diff(crate::soc_diff::DiffArgs),
}

#[derive(Args)]
struct RunArgs {
    /// The program: a flat binary (loaded at address 0) or an ELF file.
    /// Without it: the example kernel (soc/programs/kernel/kernel.S, two
    /// user tasks, a faulting task, NMIs) with the table of what crossed
    /// the unit.
    #[arg(long)]
    program: Option<PathBuf>,
    /// Stop with an error after this many cycles without a tohost store.
    #[arg(long, default_value_t = 10_000_000, value_parser = parse_cycles)]
    max_cycles: u64,
    /// Raise the NMI input at this cycle (repeatable; the kernel's default
    /// is the two cycles of `ptu_soc::kernel::RTL_NMI_CYCLES`, or
    /// `RTL_NMI_CYCLES_RV32` with --xlen 32).
    #[arg(long, value_parser = parse_u64)]
    nmi_at: Vec<u64>,
    /// Write a VCD of every signal of the SoC to this file (rust-hdl only).
    #[arg(long)]
    vcd: Option<PathBuf>,
    /// The simulator: rust-hdl's (the design itself) or Verilator (the
    /// emitted ptu_soc.v, built in --work).
    #[arg(long, value_enum, default_value_t = Sim::RustHdl)]
    sim: Sim,
    /// Folder of the Verilator builds: one folder per design, named by a
    /// hash of its inputs (the emitted ptu_soc.v, the harness, obj_dir/
    /// and the build log).
    #[arg(long, default_value = "build/soc-verilator")]
    work: PathBuf,
    /// The core's width: 64 (RV64I) or 32 (RV32I, with the 32-bit unit:
    /// docs/soc.md "RV32I"). Without --program, the kernel built for it.
    #[arg(long, default_value_t = 64, value_parser = crate::soc_diff::parse_xlen)]
    xlen: usize,
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
        SocWhat::Diff(a) => crate::soc_diff::diff(a),
    }
}

fn run_program(a: &RunArgs) -> Result<()> {
    let Some(program) = &a.program else {
        return run_kernel(a);
    };
    let image = load(program)?;
    let mut cfg = SocConfig::new(image);
    cfg.cpu.xlen = a.xlen;
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
        let gtkw = write_gtkw(v)?;
        println!("wrote {} and {}", v.display(), gtkw.display());
        println!("  look: ptu wave {} --summary", v.display());
        println!(
            "        ptu wave {} --svg {}",
            v.display(),
            v.with_extension("svg").display()
        );
        println!("        gtkwave {}", gtkw.display());
    }
    match out.verdict() {
        Some(ToHost::Pass) => {
            println!("PASS: {} ({stats})", program.display());
            Ok(())
        }
        Some(ToHost::Fail(n)) => {
            check_failed!("FAIL: {}: test {n} failed ({stats})", program.display())
        }
        Some(ToHost::Other(v)) => check_failed!(
            "FAIL: {} stored {v:#x} to tohost, not a verdict (1 passes, (n << 1) | 1 fails test n) ({stats})",
            program.display()
        ),
        None if out.shutdown => check_failed!(
            "FAIL: {}: the unit shut down (a triple fault: a frame push failed twice, e.g. ENTRY_CRIT/CSTACK or the kernel sp not set) ({stats})",
            program.display()
        ),
        None => bail!(
            "{} did not store to tohost within {} cycles ({stats}): raise --max-cycles, or end the program with a store to tohost (0x10000018)",
            program.display(),
            a.max_cycles
        ),
    }
}

/// `ptu soc run` with no program: the example kernel, its transcript, and
/// (on rust-hdl) the table of what crossed the unit and what its paths cost.
fn run_kernel(a: &RunArgs) -> Result<()> {
    let k = kernel::build_xlen(kernel::Variant::Correct, a.xlen)?;
    let nmi = if a.nmi_at.is_empty() {
        kernel::rtl_nmi_cycles(a.xlen).to_vec()
    } else {
        a.nmi_at.clone()
    };
    let name = &k.program.name;
    eprintln!(
        "running the kernel ({}, RV{}I) on {} with NMIs at cycles {nmi:?} ...",
        kernel::SOURCE,
        a.xlen,
        match a.sim {
            Sim::RustHdl => "the rust-hdl SoC",
            Sim::Verilator => "the emitted SoC in Verilator",
        }
    );
    let bin = if a.xlen == 32 {
        "kernel32.bin"
    } else {
        "kernel-kernel.bin"
    };
    let (verdict, stats) = match a.sim {
        Sim::RustHdl => {
            if a.vcd.is_some() {
                bail!("--vcd with the kernel is not supported: give --program with the kernel's binary (target/soc-programs/{bin}) to write a VCD");
            }
            let run = kernel::run_rtl(&k, &nmi)?;
            let m = kernel::measure(&run.records, &k.header);
            print!("{}", run.transcript());
            println!();
            println!("{m}");
            let verdict = match run.outcome.end {
                End::ToHost(v) => Some(v),
                _ => None,
            };
            let stats = format!(
                "{} cycles, {} instructions retired",
                run.outcome.cycles, run.outcome.retired
            );
            (verdict, stats)
        }
        Sim::Verilator => {
            let mut cfg = SocConfig::new(k.program.image.clone());
            cfg.cpu.xlen = a.xlen;
            let opts = RunOptions {
                max_cycles: kernel::KERNEL_MAX_CYCLES.min(a.max_cycles),
                nmi_at: nmi,
                trace: false,
                vcd: None,
            };
            let out = ptu_soc::verilator::run(&cfg, &opts, &a.work)?;
            print!("{}", out.uart_text());
            println!("(the table of crossings needs the rust-hdl run's trace: run without --sim verilator)");
            let stats = format!("{} cycles, Verilator", out.cycles);
            (out.verdict(), stats)
        }
    };
    match verdict {
        Some(ToHost::Pass) => {
            println!("PASS: {name} ({stats})");
            Ok(())
        }
        Some(ToHost::Fail(n)) => check_failed!("FAIL: {name}: check {n} failed ({stats})"),
        Some(ToHost::Other(v)) => check_failed!("FAIL: {name} stored {v:#x} to tohost ({stats})"),
        None => check_failed!("FAIL: {name} did not end with a tohost store ({stats})"),
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

/// The core's signals in the SoC's VCD (relative to the core's scope):
/// label, path, format.
const CORE_ROWS: &[(&str, &str, Format)] = &[
    ("state", "state.q", Format::Hex),
    ("pc=rip", "rip", Format::Hex),
    ("instruction", "ir.q", Format::Hex),
    ("rd", "rd", Format::Hex),
    ("rd_we", "rd_we.q", Format::Bit),
    ("rd_value", "res.q", Format::Hex),
    ("retire", "retire", Format::Bit),
    ("redirect", "redirect", Format::Bit),
    ("busy", "busy", Format::Bit),
    ("bus_addr", "bus_addr", Format::Hex),
    ("bus_we", "bus_we", Format::Bit),
    ("bus_wdata", "bus_wdata", Format::Hex),
    ("bus_rdata", "bus_rdata", Format::Hex),
];

/// The core's group of a SoC VCD: the rows of [`CORE_ROWS`] under the
/// first scope named `cpu`. An error if the file has no such scope.
pub fn core_group(vcd: &Vcd) -> Result<Group> {
    let Some(scope) = vcd
        .vars
        .iter()
        .find(|v| v.scope == "cpu" || v.scope.ends_with(".cpu"))
        .map(|v| v.scope.clone())
    else {
        bail!(
            "{} has no `cpu` scope: it is not a VCD of the SoC",
            vcd.path.display()
        );
    };
    let rows = CORE_ROWS
        .iter()
        .filter_map(|(label, rel, format)| {
            names::at(vcd, &scope, rel).map(|var| Row {
                label: label.to_string(),
                var,
                format: *format,
            })
        })
        .collect();
    Ok(Group { name: "core", rows })
}

/// Write the GTKWave save file beside the SoC's VCD `vcd`: the core's
/// group, then the unit's groups, zoomed to fit.
fn write_gtkw(vcd: &Path) -> Result<PathBuf> {
    let file = Vcd::open(vcd)?;
    let core = core_group(&file)?;
    ptu_waveforms::gtkw::write_gtkw_with(vcd, &[core])
}
