//! `ptu build` and `ptu program`: a design made for a board
//! (`ptu_synth::boards`) and handed to the FPGA flow (`ptu_synth::flow`),
//! and the bitstream it wrote loaded onto the board. The designs: the
//! board demo (`ptu_demo`, the default) and the SoC with its kernel
//! (`ptu_soc_board`, `--design soc`, docs/soc-boards.md).

use anyhow::Result;
use clap::Args;
use ptu_arch::cli::ConfigArgs;
use ptu_arch::PtuConfig;
use ptu_demo::board_demo::TOP as DEMO_TOP;
use ptu_demo::demo_program::Corruption;
use ptu_demo::design::DemoBuild;
use ptu_soc::board::{SocBuild, TOP as SOC_TOP};
use ptu_synth::design as flow_design;
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

/// What `ptu build` builds.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DesignKind {
    /// The board demo: the unit replaying the reference model's sequence.
    Demo,
    /// The SoC (RV64I core, or RV32I on iCE40, the unit, 64 KiB RAM)
    /// running the kernel.
    Soc,
}

impl DesignKind {
    /// The top module, which names the bitstream.
    pub fn top(self) -> &'static str {
        match self {
            DesignKind::Demo => DEMO_TOP,
            DesignKind::Soc => SOC_TOP,
        }
    }
}

/// `ptu build`.
#[derive(Args, Debug, Clone)]
pub struct BuildArgs {
    /// The board.
    #[arg(long, default_value = "icebreaker", value_parser = BoardParser)]
    pub board: String,
    /// The design: the board demo, or the SoC with its kernel (the ulx3s
    /// gets the RV64I SoC, the icebreaker the RV32I one with its RAM in
    /// SPRAM; neither fits the alchitry-cu's 16 KiB of block RAM).
    #[arg(long, value_enum, default_value = "demo")]
    pub design: DesignKind,
    /// Build folder (default: synth/build/<board>, or
    /// synth/build/<board>-soc for the SoC; with a configuration NAME
    /// other than x86_64-default, synth/build/<board>-NAME).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The unit's configuration in the demo: --config FILE or --preset
    /// NAME, any the RTL is generated for (others are refused with one
    /// line, nothing built): the demo replays the sequence recorded from
    /// the model of that configuration. The SoC's unit is x86_64-default
    /// only.
    #[command(flatten)]
    pub cfg: ConfigArgs,
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
    /// The design whose bitstream to load (see `ptu build --design`).
    #[arg(long, value_enum, default_value = "demo")]
    pub design: DesignKind,
    /// The bitstream (default: the one `ptu build --board B [--design D]`
    /// wrote).
    #[arg(long)]
    pub bitstream: Option<PathBuf>,
}

/// The default build folder of `design` on `board`.
fn default_out(board: &boards::Board, design: DesignKind) -> PathBuf {
    let out = flow::default_out(board);
    match design {
        DesignKind::Demo => out,
        DesignKind::Soc => out.with_file_name(format!("{}-soc", board.name)),
    }
}

/// `ptu build`: the design for the board, through the flow.
pub fn build(args: &BuildArgs) -> Result<()> {
    let board = boards::find(&args.board)?;
    // The configuration before anything is written: one the RTL is not
    // generated for is one line. The board demo follows every generated
    // one (its top holds the configuration's unit, 32 or 64 bits, with
    // the FS ports driven and checked under `fs_bank`).
    let cfg = args.cfg.generated("")?;
    if args.design == DesignKind::Soc && !cfg.is_default() {
        anyhow::bail!(
            "--design soc builds the SoC, whose unit is x86_64-default: drop --config and --preset"
        );
    }
    if args.design == DesignKind::Soc {
        if args.corrupt.is_some() {
            anyhow::bail!("--corrupt is for the board demo: drop it, or --design soc");
        }
        // Before anything is written: a board it does not fit is one line.
        ptu_soc::board::fits(&board)?;
    }
    let mut opts = flow::BuildOptions::new(board);
    opts.out = args
        .out
        .clone()
        .unwrap_or_else(|| cfg.out_folder(&default_out(&opts.board, args.design)));
    opts.seed = args.seed;
    let demo = Configured(DemoBuild {
        cfg,
        corrupt: args.corrupt.as_deref().map(Corruption::parse).transpose()?,
    });
    let design: &dyn flow_design::Elaborate = match args.design {
        DesignKind::Demo => &demo,
        DesignKind::Soc => &SocBuild,
    };
    println!(
        "building in {}.partial, which becomes {} when the build succeeds ({}.failed if it fails)",
        opts.out.display(),
        opts.out.display(),
        opts.out.display()
    );
    let built = flow::build(&opts, design, &mut |line| println!("{line}"))?;
    println!("{}", built.report.summary());
    let bitstream = if args.out.is_some() || !cfg.is_default() {
        // Not where `ptu program` looks by default: say where it is.
        format!(
            " --bitstream {}",
            built
                .dir
                .join(format!(
                    "{}.{}",
                    args.design.top(),
                    opts.board.bitstream_ext
                ))
                .display()
        )
    } else {
        String::new()
    };
    println!(
        "report: {}; rerun without ptu: {}; load it: ptu program --board {}{}{bitstream}",
        built.dir.join("report.json").display(),
        built.dir.join("build.sh").display(),
        opts.board.name,
        match args.design {
            DesignKind::Demo => "",
            DesignKind::Soc => " --design soc",
        }
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

/// The demo, its build naming its configuration: in the `# Synthesis of`
/// line of build.sh, and as `configuration.toml` in the build folder.
struct Configured(DemoBuild);

impl flow_design::Elaborate for Configured {
    fn describe(&self, board: &boards::Board) -> String {
        format!(
            "{}, configuration {}",
            self.0.describe(board),
            self.0.cfg.name
        )
    }

    fn elaborate(&self, board: &boards::Board) -> Result<flow_design::Design> {
        let cfg: &PtuConfig = &self.0.cfg;
        let mut d = self.0.elaborate(board)?;
        d.name = format!("{}, configuration {}", d.name, cfg.describe());
        d.files.push(("configuration.toml".into(), cfg.to_toml()));
        Ok(d)
    }
}

/// `ptu program`: the design's bitstream onto the board.
pub fn program(args: &ProgramArgs) -> Result<()> {
    let board = boards::find(&args.board)?;
    let bitstream = args.bitstream.clone().unwrap_or_else(|| {
        default_out(&board, args.design).join(format!(
            "{}.{}",
            args.design.top(),
            board.bitstream_ext
        ))
    });
    let out = program::program(&board, &bitstream, None)?;
    if let Some(last) = out.lines().last() {
        println!("{last}");
    }
    println!(
        "loaded {} onto the {}; open its serial port at 115200 8N1 and press the button to run the {} again",
        bitstream.display(),
        board.title,
        match args.design {
            DesignKind::Demo => "demo",
            DesignKind::Soc => "kernel (the second button injects an NMI)",
        }
    );
    Ok(())
}

/// The SoC's board top with its kernel for `ptu bench synth --design soc`
/// on `family` (the clock of that family's board: the UART's divisor is
/// the only difference), the core and the unit counted alone.
pub fn soc_bench_design(family: boards::Family) -> Result<ptu_synth::bench::WholeDesign> {
    let board = boards::all()
        .into_iter()
        .find(|b| b.family == family)
        .expect("a board per family");
    let cfg = ptu_soc::board::kernel_soc_for(&board)?;
    let opts = ptu_soc::board::options(&board)?;
    Ok(ptu_synth::bench::WholeDesign {
        name: "the SoC's board top".into(),
        top: SOC_TOP.into(),
        verilog: ptu_soc::board::emit(&cfg, &opts)?,
        kept: vec![
            ("core".into(), format!("{SOC_TOP}_soc_cpu")),
            ("unit".into(), ptu_soc::board::unit_module()),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flow_design::Elaborate;
    use ptu_arch::ConfigName;

    #[test]
    fn the_demo_build_names_its_configuration_and_follows_it() {
        let board = boards::find("icebreaker").unwrap();
        let cfg = PtuConfig {
            name: ConfigName::new("soc-a").unwrap(),
            reset_rip: 0x1000,
            ..PtuConfig::default()
        };
        let demo = |cfg| Configured(DemoBuild { cfg, corrupt: None });
        let d = demo(cfg).elaborate(&board).unwrap();
        assert!(
            d.name
                .ends_with(&format!(", configuration {}", cfg.describe())),
            "{}",
            d.name
        );
        let file = d.files.iter().find(|f| f.0 == "configuration.toml");
        let toml = &file.expect("configuration.toml").1;
        assert_eq!(PtuConfig::from_toml(toml, "c", "c").unwrap(), cfg);
        assert!(demo(cfg)
            .describe(&board)
            .ends_with(", configuration soc-a"));
        // The unit inside follows the configuration: another reset RIP is
        // other Verilog.
        let rip0 = PtuConfig {
            reset_rip: 0,
            ..cfg
        };
        let other = demo(rip0).elaborate(&board).unwrap();
        assert_ne!(d.verilog, other.verilog);
        assert_eq!(
            cfg.out_folder(&default_out(&board, DesignKind::Demo))
                .file_name()
                .unwrap(),
            "icebreaker-soc-a"
        );
    }

    /// The demo is made for every preset (the 32-bit unit, each option):
    /// its unit is the configuration's, with the FS ports where it has
    /// them, and its steps are recorded from that configuration's model.
    #[test]
    fn the_demo_is_made_for_every_preset() {
        let board = boards::find("icebreaker").unwrap();
        let default = Configured(DemoBuild::default()).elaborate(&board).unwrap();
        for p in ptu_arch::PRESETS {
            let cfg = p.config();
            let d = Configured(DemoBuild { cfg, corrupt: None })
                .elaborate(&board)
                .unwrap();
            assert!(d.verilog.contains("module ptu_demo_ptu("), "{}", p.name);
            assert_eq!(d.verilog.contains("fs_we"), cfg.fs_bank, "{}", p.name);
            assert_eq!(
                d.verilog.contains("output reg [31:0] rip;"),
                cfg.xlen == 32,
                "{}",
                p.name
            );
            assert_eq!(d.verilog == default.verilog, cfg.is_default(), "{}", p.name);
            let steps = &d.files.iter().find(|f| f.0 == "demo_steps.txt").unwrap().1;
            assert_eq!(steps.contains("[fs_we]"), cfg.fs_bank, "{}", p.name);
        }
    }
}
