//! The configuration on the command line: one pair of flags,
//! `--config FILE | --preset NAME` ([`ConfigArgs`]), that every command
//! of `ptu` which makes, simulates, proves, builds or measures the unit
//! flattens into its own arguments; and the one place that says which
//! configurations the RTL is generated for ([`PtuConfig::require_generated`]).
//!
//! The RTL is generated for every configuration the specification
//! allows (`xlen` 32 and 64, with or without each option).

use crate::config::{self, PtuConfig};
use anyhow::{bail, Result};
use clap::Args;
use std::path::{Path, PathBuf};

/// `--config FILE | --preset NAME`: which configuration of the unit a
/// command works on (docs/config.md). Neither: the default,
/// `x86_64-default`.
#[derive(Args, Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigArgs {
    /// A configuration file in TOML (keys in docs/config.md); a bad key or
    /// value is one line `FILE:LINE: ...`.
    #[arg(long, value_name = "FILE", conflicts_with = "preset")]
    pub config: Option<PathBuf>,
    /// A named configuration (default x86_64-default; `ptu generate
    /// --list-presets` names them with their values and purpose,
    /// docs/config.md).
    #[arg(long, value_name = "NAME", value_parser = parse_preset)]
    pub preset: Option<String>,
}

/// `--preset NAME`: one of [`config::PRESETS`], or one line naming them.
pub fn parse_preset(s: &str) -> Result<String, String> {
    config::preset(s)
        .map(|p| p.name.to_string())
        .map_err(|e| e.to_string())
}

impl ConfigArgs {
    /// The flags for preset `name` (for tests and callers that build
    /// arguments in code).
    pub fn preset(name: &str) -> Self {
        ConfigArgs {
            config: None,
            preset: Some(name.to_string()),
        }
    }

    /// The configuration asked for: the file, the preset or the default,
    /// with values the specification allows ([`PtuConfig::check`]). It
    /// may still be one the RTL is not generated for: commands that need
    /// the RTL call [`PtuConfig::require_generated`] (or
    /// [`ConfigArgs::generated`]).
    pub fn config(&self) -> Result<PtuConfig> {
        let cfg = match (&self.config, &self.preset) {
            (Some(file), _) => PtuConfig::load(file)?,
            (None, Some(name)) => config::preset(name)?.config(),
            (None, None) => PtuConfig::default(),
        };
        if let Err(e) = cfg.check() {
            match &self.config {
                Some(file) => bail!("{}: {e}", file.display()),
                None => return Err(e),
            }
        }
        Ok(cfg)
    }

    /// [`ConfigArgs::config`], refused unless the RTL is generated for it
    /// ([`PtuConfig::require_generated`]; `or` is appended to the advice).
    pub fn generated(&self, or: &str) -> Result<PtuConfig> {
        let cfg = self.config()?;
        self.in_file(cfg.require_generated(or))?;
        Ok(cfg)
    }

    /// `checked` (a refusal of the configuration, such as
    /// [`PtuConfig::require_generated`]'s), its error prefixed with
    /// `FILE: ` when the configuration came from `--config FILE`.
    pub fn in_file<T>(&self, checked: Result<T>) -> Result<T> {
        match (&self.config, checked) {
            (Some(file), Err(e)) => bail!("{}: {e}", file.display()),
            (_, r) => r,
        }
    }
}

impl PtuConfig {
    /// The options of this configuration that the RTL does not generate
    /// yet, as `key = value`; empty when the RTL builds it.
    pub fn not_generated(&self) -> Vec<String> {
        // Every value the specification allows is generated: `xlen` 32
        // or 64, `irq_entry`, `fs_bank`. A later option that is specified
        // before it is built is named here.
        Vec::new()
    }

    /// The seam between the commands and the RTL: `Ok` for a
    /// configuration the RTL is generated for (today: every one the
    /// specification allows: `xlen` 32 or 64, with or without `irq_entry`
    /// and `fs_bank`, any `name` and `reset_rip`), else one line naming the
    /// configuration, what is not generated yet, and what to do
    /// instead (`or` is appended to that advice, e.g. `, or add
    /// --model-only ...`).
    pub fn require_generated(&self, or: &str) -> Result<()> {
        self.check()?;
        let missing = self.not_generated();
        if missing.is_empty() {
            // Today's RTL: what `validate` accepts. Kept in step with
            // `not_generated` by the tests below.
            return self.validate();
        }
        bail!(
            "configuration {} has {}, which the RTL does not generate yet: use --preset {}{or}",
            self.name,
            join_and(&missing),
            config::PRESETS[0].name
        )
    }

    /// Whether this is the default configuration, name included.
    pub fn is_default(&self) -> bool {
        *self == PtuConfig::default()
    }

    /// A command's default output folder for this configuration: `folder`
    /// itself for the default configuration, else `folder` with
    /// `-NAME` appended (`build/formal` becomes
    /// `build/formal-ice40-small-32`), so that results of two
    /// configurations never land in one folder.
    pub fn out_folder(&self, folder: &Path) -> PathBuf {
        if self.is_default() {
            return folder.to_path_buf();
        }
        let mut name = folder.file_name().unwrap_or_default().to_os_string();
        name.push(format!("-{}", self.name));
        folder.with_file_name(name)
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{preset, ConfigName, PRESETS};
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        cfg: ConfigArgs,
    }

    fn parse(args: &[&str]) -> Result<ConfigArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("cmd").chain(args.iter().copied())).map(|c| c.cfg)
    }

    #[test]
    fn neither_flag_is_the_default_and_both_are_refused() {
        assert_eq!(parse(&[]).unwrap().config().unwrap(), PtuConfig::default());
        let a = parse(&["--preset", "ice40-small-32"]).unwrap();
        assert_eq!(a.config().unwrap().xlen, 32);
        assert_eq!(a, ConfigArgs::preset("ice40-small-32"));
        assert!(parse(&["--preset", "x86_64-default", "--config", "a.toml"]).is_err());
        let e = parse(&["--preset", "nope"]).unwrap_err().to_string();
        assert!(e.contains("no preset called `nope`"), "{e}");
    }

    #[test]
    fn the_seam_accepts_what_validate_accepts_and_names_the_rest() {
        for p in PRESETS {
            let c = p.config();
            assert_eq!(
                c.require_generated("").is_ok(),
                c.validate().is_ok(),
                "{}",
                p.name
            );
            assert_eq!(c.not_generated().is_empty(), c.validate().is_ok());
        }
        let small = preset("ice40-small-32").unwrap().config();
        small.require_generated("").unwrap();
        let full = PtuConfig {
            xlen: 32,
            ..preset("x86_64-full").unwrap().config()
        };
        full.require_generated("").unwrap();
    }

    #[test]
    fn out_folders_carry_the_name_unless_default() {
        let d = PtuConfig::default();
        assert_eq!(
            d.out_folder(Path::new("build/formal")),
            Path::new("build/formal")
        );
        let small = preset("ice40-small-32").unwrap().config();
        assert_eq!(
            small.out_folder(Path::new("build/formal")),
            Path::new("build/formal-ice40-small-32")
        );
        let named = PtuConfig {
            name: ConfigName::new("soc-a").unwrap(),
            ..d
        };
        assert_eq!(
            named.out_folder(Path::new("synth/build/icebreaker")),
            Path::new("synth/build/icebreaker-soc-a")
        );
    }
}
