//! The `ptu prove` subcommand: its arguments (clap) and what it does.
//! `src/main.rs` only dispatches here.

use crate::mutants::{self, MUTANTS};
use crate::properties::{self, PROPERTIES};
use crate::prove::{self, Options};
use anyhow::{bail, Result};
use clap::Args;
use ptu_arch::cli::ConfigArgs;
use ptu_arch::parse_u64;
use std::path::{Path, PathBuf};

/// `ptu prove`.
#[derive(Args, Debug, Clone)]
pub struct ProveArgs {
    /// Properties to prove (default: all); `--list` shows them.
    #[arg(value_name = "PROPERTY")]
    pub properties: Vec<String>,
    /// List the properties and the mutants, and exit.
    #[arg(long)]
    pub list: bool,
    /// Prove a mutant of the design instead (non-vacuity check): by default
    /// only the properties it breaks. `ptu prove` then fails with a
    /// counterexample.
    #[arg(long, value_name = "NAME")]
    pub mutant: Option<String>,
    /// Work folder: models, scripts and logs per property (default
    /// build/formal, build/formal-NAME for a configuration NAME other than
    /// x86_64-default).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Folder for counterexample VCDs (default waveforms, waveforms-NAME
    /// for a configuration NAME other than x86_64-default).
    #[arg(long)]
    pub waves: Option<PathBuf>,
    /// Properties proven at the same time (default: one per CPU).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// The configuration to prove: --config FILE or --preset NAME; only
    /// one the RTL is generated for (others are refused with one line).
    #[command(flatten)]
    pub cfg: ConfigArgs,
    /// Kernel RIP after reset (decimal or 0x hex); overrides the file's or
    /// the preset's value.
    #[arg(long, value_parser = parse_u64)]
    pub reset_rip: Option<u64>,
    /// Print the results as JSON on stdout, and nothing else there (shape:
    /// see `ptu prove --help`).
    #[arg(long)]
    pub json: bool,
}

/// The `--help` examples of `ptu prove` and its JSON's shape.
pub fn help() -> String {
    format!(
        "Examples:\n  \
         ptu prove                             every property (counterexamples in waveforms/)\n  \
         ptu prove P2 P8                       chosen properties (--list names them)\n  \
         ptu prove --mutant frame-at-stack-top a mutant: must fail with a counterexample\n  \
         ptu prove --json > proofs.json        results for a script\n  \
         ptu prove --config my-soc.toml        a configuration (work in build/formal-my-soc)\n\n{}",
        prove::JSON_SHAPE
    )
}

/// The list `--list` prints.
pub fn listing() -> String {
    let mut s = String::from("Properties (formal/src/properties.v):\n");
    for p in &PROPERTIES {
        s.push_str(&format!("  {:<4} {}: {}\n", p.id, p.title, p.words));
    }
    s.push_str("Mutants (formal/src/mutants.rs), each caught by the property named:\n");
    for m in &MUTANTS {
        let on = m
            .preset
            .map(|p| format!(" (preset {p}: --preset {p})"))
            .unwrap_or_default();
        s.push_str(&format!("  {:<32} {:<4} {}{on}\n", m.name, m.breaks, m.bug));
    }
    s
}

/// The options `args` ask for.
pub fn options(args: &ProveArgs) -> Result<Options> {
    let mut config = args.cfg.config()?;
    if let Some(rip) = args.reset_rip {
        config.reset_rip = rip;
    }
    args.cfg.in_file(config.require_generated(""))?;
    let mutant = match &args.mutant {
        Some(name) => match mutants::find(name) {
            Some(m) if !m.fits(&config) => bail!(
                "mutant {name} changes the unit of preset {}, not of configuration {}: add --preset {}",
                m.preset.unwrap_or("x86_64-default"),
                config.name,
                m.preset.unwrap_or("x86_64-default")
            ),
            Some(m) => Some(m),
            None => bail!("no mutant called `{name}`: `ptu prove --list` names them"),
        },
        None => None,
    };
    let mut props = Vec::new();
    for id in &args.properties {
        match properties::find(id) {
            Some(p) => props.push(p),
            None => bail!(
                "no property called `{id}`: `ptu prove --list` names them (P1 to P{})",
                PROPERTIES.len()
            ),
        }
    }
    if props.is_empty() {
        props = match mutant {
            Some(m) => PROPERTIES.iter().filter(|p| p.id == m.breaks).collect(),
            None => PROPERTIES.iter().collect(),
        };
    }
    let jobs = args.jobs.unwrap_or_else(prove::default_jobs);
    if jobs == 0 {
        bail!("--jobs must be at least 1");
    }
    Ok(Options {
        config,
        mutant,
        properties: props,
        work: args
            .out
            .clone()
            .unwrap_or_else(|| config.out_folder(Path::new("build/formal"))),
        waves: args
            .waves
            .clone()
            .unwrap_or_else(|| config.out_folder(Path::new("waveforms"))),
        jobs,
        save_file: None,
        progress: false,
    })
}

/// Runs `ptu prove`: prints the report (or its JSON); an error unless
/// every property was proven. Each counterexample gets a GTKWave save
/// file from `save_file`, if given.
pub fn run(args: &ProveArgs, save_file: Option<prove::SaveFile>) -> Result<()> {
    if args.list {
        // The listing is every configuration's, but a configuration the
        // RTL is not generated for is refused here too.
        args.cfg.generated("")?;
        if args.json {
            bail!("--list prints text: drop --json");
        }
        print!("{}", listing());
        return Ok(());
    }
    let options = Options {
        save_file,
        progress: !args.json,
        ..options(args)?
    };
    let report = prove::prove(&options)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report.to_json())?);
    } else {
        println!("{report}");
    }
    if !report.all_proven() {
        let not: Vec<&str> = report
            .outcomes
            .iter()
            .filter(|o| !matches!(o.verdict, prove::Verdict::Proven { .. }))
            .map(|o| o.property.id)
            .collect();
        ptu_tools::check_failed!(
            "{} of {} properties not proven on {}: {}",
            not.len(),
            report.outcomes.len(),
            report.design,
            not.join(", ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use ptu_arch::PtuConfig;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: ProveArgs,
    }

    fn parse(args: &[&str]) -> ProveArgs {
        Cli::try_parse_from(std::iter::once("prove").chain(args.iter().copied()))
            .unwrap()
            .args
    }

    #[test]
    fn defaults_prove_every_property_of_the_default_configuration() {
        let o = options(&parse(&[])).unwrap();
        assert_eq!(o.properties.len(), PROPERTIES.len());
        assert!(o.mutant.is_none());
        assert_eq!(o.config, PtuConfig::default());
        assert_eq!(o.work, PathBuf::from("build/formal"));
        assert_eq!(o.waves, PathBuf::from("waveforms"));
        assert!(o.jobs >= 1);
    }

    #[test]
    fn a_mutant_runs_the_property_it_breaks_unless_told_otherwise() {
        let o = options(&parse(&["--mutant", "frame-at-stack-top"])).unwrap();
        assert_eq!(o.design(), "mutant-frame-at-stack-top");
        assert_eq!(
            o.properties.iter().map(|p| p.id).collect::<Vec<_>>(),
            ["P5"]
        );
        let o = options(&parse(&[
            "--mutant",
            "frame-at-stack-top",
            "p1",
            "P9",
            "--jobs",
            "1",
        ]))
        .unwrap();
        assert_eq!(
            o.properties.iter().map(|p| p.id).collect::<Vec<_>>(),
            ["P1", "P9"]
        );
        assert_eq!(o.jobs, 1);
        let o = options(&parse(&["--reset-rip", "0x1000"])).unwrap();
        assert_eq!(o.config.reset_rip, 0x1000);
        assert_eq!(o.work, PathBuf::from("build/formal-x86_64-default"));
    }

    #[test]
    fn a_configuration_is_proven_in_its_own_folders_or_refused() {
        let o = options(&parse(&["--preset", "x86_64-default"])).unwrap();
        assert_eq!(o.config, PtuConfig::default());
        assert_eq!(o.work, PathBuf::from("build/formal"));
        let o = options(&parse(&["--preset", "x86_64-fs-bank"])).unwrap();
        assert_eq!(o.work, PathBuf::from("build/formal-x86_64-fs-bank"));
        assert_eq!(o.waves, PathBuf::from("waveforms-x86_64-fs-bank"));
        // A mutant of an option's code is proven on its preset only.
        let err = options(&parse(&["--mutant", "fs-not-banked"]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "mutant fs-not-banked changes the unit of preset x86_64-fs-bank, not of \
             configuration x86_64-default: add --preset x86_64-fs-bank"
        );
        let o = options(&parse(&[
            "--preset",
            "x86_64-fs-bank",
            "--mutant",
            "fs-not-banked",
        ]))
        .unwrap();
        assert_eq!(o.properties[0].id, "P1");
    }

    #[test]
    fn unknown_names_say_where_to_look() {
        let err = options(&parse(&["P11"])).unwrap_err().to_string();
        assert_eq!(
            err,
            "no property called `P11`: `ptu prove --list` names them (P1 to P10)"
        );
        let err = options(&parse(&["--mutant", "nope"]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "no mutant called `nope`: `ptu prove --list` names them"
        );
        let err = options(&parse(&["--jobs", "0"])).unwrap_err().to_string();
        assert_eq!(err, "--jobs must be at least 1");
    }

    #[test]
    fn the_listing_names_every_property_and_mutant() {
        let l = listing();
        for p in &PROPERTIES {
            assert!(
                l.contains(&format!("  {:<4} {}: ", p.id, p.title)),
                "{}",
                p.id
            );
        }
        for m in &MUTANTS {
            assert!(l.contains(m.name) && l.contains(m.bug), "{}", m.name);
        }
    }
}
