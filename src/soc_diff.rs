//! `ptu soc diff`: random programs on the instruction-level model and on
//! the rust-hdl SoC, their retire traces compared entry for entry
//! (`ptu_soc::diff`).

use anyhow::{bail, Result};
use clap::Args;
use ptu_arch::parse_u64;
use ptu_tools::check_failed;
use std::time::Instant;

/// `ptu soc diff`.
#[derive(Args)]
#[command(
    after_help = "Examples:\n  ptu soc diff --seeds 1000\n  ptu soc diff --first-seed 4242 --seeds 1 --len 2000\n  ptu soc diff --xlen 32 --seeds 100"
)]
pub struct DiffArgs {
    /// How many seeds to run.
    #[arg(long, default_value_t = 100, value_parser = parse_u64)]
    seeds: u64,
    /// The first seed.
    #[arg(long, default_value_t = 0, value_parser = parse_u64)]
    first_seed: u64,
    /// Random items per program (`ptu_soc::random::random_program`).
    #[arg(long, default_value_t = 300, value_parser = parse_u64)]
    len: u64,
    /// The core's width: 64 (RV64I) or 32 (RV32I: the RV32I core and
    /// model, RV32I-only programs; docs/soc.md "RV32I").
    #[arg(long, default_value_t = 64, value_parser = parse_xlen)]
    xlen: usize,
}

pub(crate) fn parse_xlen(s: &str) -> Result<usize, String> {
    match s {
        "32" => Ok(32),
        "64" => Ok(64),
        _ => Err(format!(
            "{s} is not a core width: give 32 (RV32I) or 64 (RV64I)"
        )),
    }
}

/// The largest `--len`: the user code from 0x8000 must end below the data
/// area at 0xC000 (an item is at most two instructions).
const MAX_LEN: u64 = (ptu_soc::random::DATA - ptu_soc::random::USER_CODE) / 8 - 1;

/// Run the seeds; exit 1 (a check failure) at the first difference.
pub fn diff(a: &DiffArgs) -> Result<()> {
    if a.seeds == 0 {
        bail!("--seeds 0 runs nothing: give at least 1");
    }
    if a.len == 0 || a.len > MAX_LEN {
        bail!("--len {} is out of range: give 1..={MAX_LEN}", a.len);
    }
    let Some(end) = a.first_seed.checked_add(a.seeds) else {
        bail!("--first-seed + --seeds overflows 64 bits: give smaller numbers");
    };
    let t = Instant::now();
    let (mut entries, mut cycles) = (0u64, 0u64);
    for seed in a.first_seed..end {
        match ptu_soc::diff::random_diff_xlen(seed, a.len as usize, a.xlen) {
            Ok(d) => {
                entries += d.entries as u64;
                cycles += d.cycles;
            }
            Err(e) => check_failed!(
                "FAIL: {e:#}\n(reproduce: ptu soc diff --xlen {} --first-seed {seed} --seeds 1 --len {})",
                a.xlen,
                a.len
            ),
        }
    }
    println!(
        "PASS: {} random programs of {} items (RV{}I, seeds {}..{end}): {entries} trace entries equal on the model and the RTL, {cycles} RTL cycles, {:.1} s",
        a.seeds,
        a.len,
        a.xlen,
        a.first_seed,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
