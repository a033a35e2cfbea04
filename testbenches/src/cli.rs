//! `ptu bench sim`: the command-line face of [`crate::bench_throughput`].

use crate::bench::{bench_throughput, BenchOptions};
use anyhow::{bail, Result};
use clap::Args;
use std::path::PathBuf;

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
    /// The Verilog to simulate (default: emitted for the default
    /// configuration into WORK/bench/ptu.v).
    #[arg(long)]
    pub ptu_v: Option<PathBuf>,
    /// Folder for builds (cached) and run logs.
    #[arg(long, default_value = "build/sim")]
    pub work: PathBuf,
    /// Where the results go (JSON).
    #[arg(long, default_value = "testbenches/bench/throughput.json")]
    pub out: PathBuf,
}

/// Run the benchmark, print the table and where the JSON went.
pub fn bench_sim(args: &BenchSimArgs) -> Result<()> {
    if !(0.0..=1.0).contains(&args.bus_errors) {
        bail!(
            "--bus-errors {} is not a probability: give a value from 0 to 1",
            args.bus_errors
        );
    }
    let opts = BenchOptions {
        seed: args.seed,
        max_wait: args.max_wait,
        bus_errors: args.bus_errors,
        rust_hdl_cycles: args.rust_hdl_cycles,
        icarus_cycles: args.icarus_cycles,
        verilator_cycles: args.verilator_cycles,
        ptu_v: args.ptu_v.clone(),
        work: args.work.clone(),
        out: Some(args.out.clone()),
    };
    eprintln!(
        "bench sim: seed {}, {} / {} / {} cycles on rust-hdl / icarus / verilator (building first if needed)",
        args.seed, args.rust_hdl_cycles, args.icarus_cycles, args.verilator_cycles
    );
    let report = bench_throughput(&opts)?;
    print!("{}", report.table());
    println!("results: {}", args.out.display());
    Ok(())
}
