//! The `ptu build`, `ptu program` and `ptu bench synth` subcommands: their
//! arguments (clap) and what they do. `src/main.rs` only dispatches here.

use crate::{bench, boards, flow, program};
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use ptu_rtl::demo_program::Corruption;
use std::path::PathBuf;

/// `ptu build`.
#[derive(Args, Debug, Clone)]
pub struct BuildArgs {
    /// The board: icebreaker, alchitry-cu or ulx3s.
    #[arg(long, default_value = "icebreaker")]
    pub board: String,
    /// Build folder (default: synth/build/<board>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// nextpnr's placement seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Make the demo's expected value of PORT at step STEP wrong (e.g.
    /// `0x21:rip`), to see it print FAIL on the board.
    #[arg(long, value_name = "STEP:PORT")]
    pub corrupt: Option<String>,
}

/// `ptu program`.
#[derive(Args, Debug, Clone)]
pub struct ProgramArgs {
    /// The board: icebreaker, alchitry-cu or ulx3s.
    #[arg(long, default_value = "icebreaker")]
    pub board: String,
    /// The bitstream (default: the one `ptu build --board B` wrote).
    #[arg(long)]
    pub bitstream: Option<PathBuf>,
}

/// `ptu bench`.
#[derive(Args, Debug, Clone)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub what: BenchWhat,
}

/// What `ptu bench` measures.
#[derive(Subcommand, Debug, Clone)]
pub enum BenchWhat {
    /// Area and Fmax of the unit alone (out of context, in a thin
    /// registered wrapper) on iCE40UP5K, iCE40HX8K and ECP5-85F, median
    /// over nextpnr seeds. Slow (minutes): a benchmark, not a test.
    Synth(BenchSynthArgs),
}

/// `ptu bench synth`.
#[derive(Args, Debug, Clone)]
pub struct BenchSynthArgs {
    /// nextpnr seeds per part (the median is reported).
    #[arg(long, default_value_t = 5)]
    pub seeds: u64,
    /// Parts to measure (default all): up5k, hx8k, ecp5-85k.
    #[arg(long, value_delimiter = ',')]
    pub parts: Vec<String>,
    /// Where the results go.
    #[arg(long, default_value = "synth/bench/results.json")]
    pub out: PathBuf,
}

/// `STEP:PORT`, STEP in decimal or 0x hex.
pub fn parse_corruption(s: &str) -> Result<Corruption> {
    let Some((step, port)) = s.split_once(':') else {
        bail!("--corrupt {s}: write STEP:PORT, e.g. 0x21:rip (steps as in demo_steps.txt)");
    };
    let step = match step.strip_prefix("0x") {
        Some(h) => usize::from_str_radix(h, 16),
        None => step.parse(),
    }
    .with_context(|| format!("--corrupt {s}: `{step}` is not a step number"))?;
    Ok(Corruption {
        step,
        port: port.to_string(),
    })
}

/// `ptu build`.
pub fn build(args: &BuildArgs) -> Result<()> {
    let board = boards::find(&args.board)?;
    let mut opts = flow::BuildOptions::new(board);
    if let Some(o) = &args.out {
        opts.out = o.clone();
    }
    opts.seed = args.seed;
    opts.corrupt = args.corrupt.as_deref().map(parse_corruption).transpose()?;
    let built = flow::build(&opts, &mut |line| println!("{line}"))?;
    println!("{}", built.report.summary());
    println!(
        "report: {}; rerun without ptu: {}; load it: ptu program --board {}",
        built.dir.join("report.json").display(),
        built.dir.join("build.sh").display(),
        opts.board.name
    );
    if !built.report.timing_met {
        bail!(
            "timing is not met on {} (see the clocks above and {}): the bitstream may not work",
            opts.board.name,
            built.dir.join("nextpnr.log").display()
        );
    }
    Ok(())
}

/// `ptu program`.
pub fn program(args: &ProgramArgs) -> Result<()> {
    let board = boards::find(&args.board)?;
    let bitstream = args.bitstream.clone().unwrap_or_else(|| {
        flow::default_out(&board).join(format!(
            "{}.{}",
            ptu_rtl::board_demo::TOP,
            board.bitstream_ext
        ))
    });
    let out = program::program(&board, &bitstream, None)?;
    if let Some(last) = out.lines().last() {
        println!("{last}");
    }
    println!(
        "loaded {} onto the {}; open its serial port at 115200 8N1 and press the button to run the demo again",
        bitstream.display(),
        board.title
    );
    Ok(())
}

/// `ptu bench ...`.
pub fn bench(args: &BenchArgs) -> Result<()> {
    match &args.what {
        BenchWhat::Synth(a) => bench::run_cli(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corruptions_parse() {
        let c = parse_corruption("0x21:rip").unwrap();
        assert_eq!((c.step, c.port.as_str()), (0x21, "rip"));
        assert_eq!(parse_corruption("7:busy").unwrap().step, 7);
        assert!(parse_corruption("rip")
            .unwrap_err()
            .to_string()
            .contains("write STEP:PORT"));
        assert!(parse_corruption("x:rip").is_err());
    }
}
