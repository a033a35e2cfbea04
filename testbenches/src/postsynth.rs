//! Post-synthesis simulation: the Yosys `synth_ice40` netlist of `ptu.v`
//! run by the same Icarus testbench, with Yosys's iCE40 cell models.
//!
//! The netlist's flip-flops (`SB_DFF*`) start at 0 in `cells_sim.v`, or
//! at x in other cell libraries; either way the testbench's reset edge
//! puts them in the reset state before the first compared cycle.

use crate::cache;
use anyhow::{bail, Result};
use ptu_tools as tools;
use ptu_tools::Fnv;
use std::path::{Path, PathBuf};

/// File name of the synthesised netlist in the build folder.
pub const NETLIST: &str = "ptu_netlist.v";

/// Yosys's simulation models of the iCE40 cells: `<datdir>/ice40/cells_sim.v`,
/// with the data folder from `yosys-config --datdir` (package yosys-dev),
/// else `share/yosys` beside the folder of the `yosys` executable.
pub fn cells_sim() -> Result<PathBuf> {
    let mut tried = Vec::new();
    if let Ok(cfg) = tools::find_tool("yosys-config") {
        if let Ok(out) = std::process::Command::new(cfg).arg("--datdir").output() {
            let dat = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if !dat.is_empty() {
                tried.push(PathBuf::from(dat).join("ice40/cells_sim.v"));
            }
        }
    }
    let yosys = tools::find_tool("yosys")?;
    let yosys = yosys.canonicalize().unwrap_or(yosys);
    if let Some(prefix) = yosys.parent().and_then(Path::parent) {
        tried.push(prefix.join("share/yosys/ice40/cells_sim.v"));
    }
    match tried.iter().find(|p| p.is_file()) {
        Some(p) => Ok(p.clone()),
        None => bail!(
            "cannot find Yosys's ice40/cells_sim.v (looked at {}): run ./setup.sh (installs Debian package yosys), or install yosys-dev for yosys-config",
            tried
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Synthesise `ptu_v` (the unit configured as `cfg`) and compile the
/// netlist with the testbench of `cfg` (cached).
pub(crate) fn prepare(
    cfg: &ptu_arch::PtuConfig,
    ptu_v: &str,
    work: &Path,
) -> Result<(PathBuf, PathBuf, bool)> {
    let tb = crate::icarus::testbench_for(cfg);
    let cells = cells_sim()?;
    let key = Fnv::new()
        .part("post-synth")
        .part(&tb)
        .part(ptu_v)
        .part(cells.to_string_lossy().as_bytes())
        .part(cache::tool_version("yosys", "-V")?)
        .part(cache::tool_version("iverilog", "-V")?);
    let (dir, built) = cache::cached(work, "post-synth", key, |d| {
        std::fs::write(d.join("ptu.v"), ptu_v)?;
        std::fs::write(d.join(crate::icarus::TB_FILE), &tb)?;
        synthesise(d)?;
        let cells_s = cells.to_string_lossy();
        // Verilog-2005 has no default values on ports (`input RE = 1'b0`);
        // cells_sim.v alone sets a `timescale, which the zero-delay netlist
        // and testbench do not need.
        crate::icarus::compile(
            d,
            &["-DNO_ICE40_DEFAULT_ASSIGNMENTS", "-Wno-timescale"],
            &[crate::icarus::TB_FILE, NETLIST, &cells_s],
            &["cells_sim.v"],
        )?;
        Ok(())
    })?;
    let vvp = dir.join("ptu_vectors_tb.vvp");
    Ok((dir, vvp, built))
}

/// `yosys -p "read_verilog ptu.v; synth_ice40 -top ptu; write_verilog
/// -noattr ptu_netlist.v"` in `dir`.
fn synthesise(dir: &Path) -> Result<()> {
    let script = format!(
        "read_verilog ptu.v; synth_ice40 -top {}; write_verilog -noattr {NETLIST}",
        ptu_rtl::verilog::TOP
    );
    let log = dir.join("yosys.log");
    tools::run_ok("yosys", &["-p", script.as_str()], dir, &log)?;
    if !dir.join(NETLIST).is_file() {
        bail!("yosys wrote no {NETLIST}, log: {}", log.display());
    }
    Ok(())
}
