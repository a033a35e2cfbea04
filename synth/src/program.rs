//! `ptu program`: load a built bitstream onto a board with its programmer
//! (the board's data: `iceprog` for the iCE40 boards, `openFPGALoader` for
//! the ULX3S), overridable by `$ICEPROG` / `$OPENFPGALOADER`.

use crate::boards::Board;
use anyhow::{anyhow, bail, Context, Result};
use ptu_tools as tools;
use std::path::{Path, PathBuf};

/// The programmer's arguments for `bitstream`.
pub fn programmer_args(board: &Board, bitstream: &Path) -> Vec<String> {
    let mut args: Vec<String> = board
        .programmer
        .args
        .iter()
        .map(|a| a.to_string())
        .collect();
    args.push(bitstream.display().to_string());
    args
}

/// Lines of a programmer's output that mean "no board on USB".
const NO_BOARD: [&str; 6] = [
    "Can't find iCE FTDI USB device",
    "unable to open ftdi device",
    "No cable or board",
    "fails to open device",
    "cable not found",
    "JTAG init failed",
];

/// Loads `bitstream` onto `board` with `program` (the programmer's path
/// or name; `None` for `$ICEPROG`/`$OPENFPGALOADER` or the default).
/// Returns the programmer's output.
pub fn program(board: &Board, bitstream: &Path, program: Option<&str>) -> Result<String> {
    if !bitstream.is_file() {
        bail!(
            "no bitstream at {}: run `ptu build --board {}` first",
            bitstream.display(),
            board.name
        );
    }
    let p = &board.programmer;
    let (var, default, package) = (p.var, p.program, p.package);
    let chosen: String = match program {
        Some(p) => p.to_string(),
        None => std::env::var(var).unwrap_or_else(|_| default.to_string()),
    };
    let exe = tools::find_tool(&chosen).map_err(|_| {
        anyhow!(
            "{chosen} not found: install Debian package {package} (apt-get install {package}), \
             or point ${var} at the programmer"
        )
    })?;
    let dir: PathBuf = bitstream
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let log = dir.join("program.log");
    let bitstream = bitstream
        .canonicalize()
        .with_context(|| format!("cannot read {}", bitstream.display()))?;
    let run = tools::run(
        exe.to_str().unwrap_or(&chosen),
        &programmer_args(board, &bitstream),
        &dir,
        &log,
    )?;
    if run.success() {
        return Ok(run.output);
    }
    if let Some(line) = run
        .output
        .lines()
        .find(|l| NO_BOARD.iter().any(|n| l.contains(n)))
    {
        bail!(
            "no {} found: connect it over USB (and check that you may use the USB device), \
             then run again; {} said: {} (log: {})",
            board.title,
            chosen,
            line.trim(),
            log.display()
        );
    }
    Err(run.failure())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boards;

    #[test]
    fn programmers_per_family() {
        let b = boards::find("ulx3s").unwrap();
        assert_eq!(b.programmer.program, "openFPGALoader");
        assert_eq!(
            programmer_args(&b, Path::new("x.bit")),
            ["-b", "ulx3s", "x.bit"]
        );
        let b = boards::find("icebreaker").unwrap();
        assert_eq!(b.programmer.var, "ICEPROG");
    }

    #[test]
    fn a_missing_bitstream_says_what_to_run() {
        let b = boards::find("icebreaker").unwrap();
        let err = program(&b, Path::new("/nonexistent/ptu_demo.bin"), Some("iceprog"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "no bitstream at /nonexistent/ptu_demo.bin: run `ptu build --board icebreaker` first"
        );
    }
}
