//! `ptu build` and `ptu program`: the board demo (`ptu_demo`) made for a
//! board (`ptu_synth::boards`) and handed to the FPGA flow
//! (`ptu_synth::flow`), and the bitstream it wrote loaded onto the board.

use anyhow::Result;
use clap::Args;
use ptu_demo::board_demo::TOP;
use ptu_demo::demo_program::Corruption;
use ptu_demo::design::DemoBuild;
use ptu_synth::{boards, flow, program};
use std::path::PathBuf;

/// `--board`: one of `ptu_synth::boards::all()`, listed in `--help`; an
/// unknown name is one line naming the known ones.
#[derive(Clone)]
pub struct BoardParser;

impl clap::builder::TypedValueParser for BoardParser {
    type Value = String;

    fn parse_ref(
        &self,
        _: &clap::Command,
        _: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let name = value.to_string_lossy();
        boards::find(&name).map_err(|e| {
            clap::Error::raw(clap::error::ErrorKind::ValueValidation, format!("{e}\n"))
        })?;
        Ok(name.into_owned())
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(boards::all().into_iter().map(|b| {
            clap::builder::PossibleValue::new(b.name).help(b.title)
        })))
    }
}

/// `ptu build`.
#[derive(Args, Debug, Clone)]
pub struct BuildArgs {
    /// The board.
    #[arg(long, default_value = "icebreaker", value_parser = BoardParser)]
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
    /// The board.
    #[arg(long, default_value = "icebreaker", value_parser = BoardParser)]
    pub board: String,
    /// The bitstream (default: the one `ptu build --board B` wrote).
    #[arg(long)]
    pub bitstream: Option<PathBuf>,
}

/// `ptu build`: the demo for the board, through the flow.
pub fn build(args: &BuildArgs) -> Result<()> {
    let board = boards::find(&args.board)?;
    let mut opts = flow::BuildOptions::new(board);
    if let Some(o) = &args.out {
        opts.out = o.clone();
    }
    opts.seed = args.seed;
    let demo = DemoBuild {
        corrupt: args.corrupt.as_deref().map(Corruption::parse).transpose()?,
        ..DemoBuild::default()
    };
    println!(
        "building in {}.partial, which becomes {} when the build succeeds ({}.failed if it fails)",
        opts.out.display(),
        opts.out.display(),
        opts.out.display()
    );
    let built = flow::build(&opts, &demo, &mut |line| println!("{line}"))?;
    println!("{}", built.report.summary());
    println!(
        "report: {}; rerun without ptu: {}; load it: ptu program --board {}",
        built.dir.join("report.json").display(),
        built.dir.join("build.sh").display(),
        opts.board.name
    );
    if !built.report.timing_met {
        ptu_tools::check_failed!(
            "timing is not met on {} (see the clocks above and {}): the bitstream may not work",
            opts.board.name,
            built.dir.join("nextpnr.log").display()
        );
    }
    Ok(())
}

/// `ptu program`: the demo's bitstream onto the board.
pub fn program(args: &ProgramArgs) -> Result<()> {
    let board = boards::find(&args.board)?;
    let bitstream = args.bitstream.clone().unwrap_or_else(|| {
        flow::default_out(&board).join(format!("{TOP}.{}", board.bitstream_ext))
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
