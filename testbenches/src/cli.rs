//! `ptu bench sim`: the command-line face of [`crate::bench_throughput`].

use crate::bench::{bench_throughput, BenchOptions, DEFAULT_OUT, RESULTS_FILE};
use anyhow::{bail, Result};
use clap::Args;
use ptu_arch::cli::ConfigArgs;
use std::path::{Path, PathBuf};

/// `ptu bench sim`: cycles per second of one seeded random run on
/// rust-hdl's stepping simulator, Icarus and Verilator, side by side.
#[derive(Args, Debug, Clone)]
pub struct BenchSimArgs {
    /// Seed of the random run.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Most bus wait states.
    #[arg(long, default_value_t = 2)]
    pub max_wait: u32,
    /// Probability that a bus answer is an error.
    #[arg(long, default_value_t = 0.002)]
    pub bus_errors: f64,
    /// Cycles on rust-hdl's stepping simulator.
    #[arg(long, default_value_t = 200_000)]
    pub rust_hdl_cycles: u64,
    /// Cycles on Icarus (the slowest: keep it short).
    #[arg(long, default_value_t = 50_000)]
    pub icarus_cycles: u64,
    /// Cycles on Verilator.
    #[arg(long, default_value_t = 10_000_000)]
    pub verilator_cycles: u64,
    /// The Verilog to simulate, the unit of the configuration chosen
    /// (default: emitted for it into WORK/bench/ptu.v).
    #[arg(long)]
    pub ptu_v: Option<PathBuf>,
    /// Folder for builds (cached) and run logs.
    #[arg(long, default_value = "build/sim")]
    pub work: PathBuf,
    /// Folder for the results (DIR/throughput.json; default build/bench,
    /// build/bench-NAME for a configuration NAME other than
    /// x86_64-default). The default keeps the committed figures as they
    /// are: refresh them on purpose with `--out testbenches/bench`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The configuration: --config FILE or --preset NAME; any the RTL is
    /// generated for (its unit, its random core and reference model).
    #[command(flatten)]
    pub cfg: ConfigArgs,
    /// Print the results as JSON on stdout (the same document as the
    /// results file), and nothing else there.
    #[arg(long)]
    pub json: bool,
    /// No progress lines and no notes on stderr.
    #[arg(long)]
    pub quiet: bool,
}

/// The `--help` examples of `ptu bench sim` and its JSON's shape.
pub const HELP: &str = r#"Examples:
  ptu bench sim                              every simulator, results in build/bench/throughput.json
  ptu bench sim --verilator-cycles 1000000   a shorter Verilator run
  ptu bench sim --out testbenches/bench      refresh the committed figures (on purpose)
  ptu bench sim --json > throughput.json     results for a script

The results (the file, and stdout with --json) are one JSON document:
  {"what": "...", "configuration": "x86_64-default (xlen=64 ...)", "seed": 1, "max_wait": 2, "bus_errors": 0.002, "cores": 2,
   "results": [{"simulator": "rust-hdl", "cycles": 200000, "seconds": 2.016,
                "cycles_per_second": 99187, "cpu_seconds": 2.013,
                "cycles_per_cpu_second": 99352, "build_seconds": 0.0}, ...]}
  one entry each for rust-hdl, icarus, verilator and "vector writer" (the
  model writing vectors to nowhere: the most a streamed run can reach),
  the rows of the printed table."#;

/// The results file in the folder `--out DIR`. A `.json` path is refused:
/// `--out` names a folder.
pub fn results_file(out: &Path) -> Result<PathBuf> {
    if out.extension().is_some_and(|e| e == "json") {
        bail!(
            "--out takes a folder, not a file: give --out {} to write {}",
            out.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .display(),
            out.with_file_name(RESULTS_FILE).display()
        );
    }
    Ok(out.join(RESULTS_FILE))
}

/// Run the benchmark, print the table and where the JSON went.
pub fn bench_sim(args: &BenchSimArgs) -> Result<()> {
    // The configuration first: a refused one writes nothing.
    let config = args.cfg.generated("")?;
    if !(0.0..=1.0).contains(&args.bus_errors) {
        bail!(
            "--bus-errors {} is not a probability: give a value from 0 to 1",
            args.bus_errors
        );
    }
    let out = results_file(
        &args
            .out
            .clone()
            .unwrap_or_else(|| config.out_folder(Path::new(DEFAULT_OUT))),
    )?;
    let opts = BenchOptions {
        config,
        seed: args.seed,
        max_wait: args.max_wait,
        bus_errors: args.bus_errors,
        rust_hdl_cycles: args.rust_hdl_cycles,
        icarus_cycles: args.icarus_cycles,
        verilator_cycles: args.verilator_cycles,
        ptu_v: args.ptu_v.clone(),
        work: args.work.clone(),
        out: Some(out.clone()),
        progress: !args.quiet && !args.json,
    };
    if !args.quiet {
        eprintln!(
            "bench sim: seed {}, {} / {} / {} cycles on rust-hdl / icarus / verilator (building first if needed)",
            args.seed, args.rust_hdl_cycles, args.icarus_cycles, args.verilator_cycles
        );
    }
    let report = bench_throughput(&opts)?;
    if args.json {
        print!("{}", report.json());
        return Ok(());
    }
    print!("{}", report.table());
    println!("results: {}", out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: BenchSimArgs,
    }

    #[test]
    fn results_go_to_a_build_folder_unless_told_otherwise() {
        let a = Cli::try_parse_from(["sim"]).unwrap().args;
        assert_eq!(a.out, None);
        assert_eq!(
            results_file(Path::new(DEFAULT_OUT)).unwrap(),
            Path::new("build/bench/throughput.json")
        );
        let a = Cli::try_parse_from(["sim", "--out", "testbenches/bench"])
            .unwrap()
            .args;
        assert_eq!(
            results_file(&a.out.unwrap()).unwrap(),
            Path::new("testbenches/bench/throughput.json")
        );
        let e = results_file(Path::new("testbenches/bench/throughput.json")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--out takes a folder, not a file: give --out testbenches/bench to write \
             testbenches/bench/throughput.json"
        );
    }
}
