//! Finding and running the external tools of the flow.
//!
//! Every error starts with one line that names the tool, says what failed
//! and what to do about it, e.g.
//! `verilator not found on PATH: run ./setup.sh (installs Debian package verilator)`
//! or `yosys failed (exit 1), log: build/ptu.yosys.log`, followed by the
//! last lines of the log.

use anyhow::{anyhow, bail, Result};
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

/// Each tool the flow uses and the Debian package that installs it
/// (`setup.sh` installs the same list).
pub const TOOLS: &[(&str, &str)] = &[
    ("yosys", "yosys"),
    ("yosys-abc", "yosys"),
    ("yosys-smtbmc", "yosys"),
    ("yosys-config", "yosys"),
    ("z3", "z3"),
    ("verilator", "verilator"),
    ("iverilog", "iverilog"),
    ("vvp", "iverilog"),
    ("nextpnr-ice40", "nextpnr-ice40"),
    ("icepack", "fpga-icestorm"),
    ("gtkwave", "gtkwave"),
    ("llvm-mc", "llvm"),
    ("llvm-objcopy", "llvm"),
    ("ld.lld", "lld"),
];

/// How many log lines an error message shows.
const TAIL_LINES: usize = 20;

/// The Debian package that installs `tool`, if the flow knows it.
pub fn debian_package(tool: &str) -> Option<&'static str> {
    TOOLS.iter().find(|(t, _)| *t == tool).map(|(_, p)| *p)
}

/// What to do when `tool` is missing.
pub fn install_hint(tool: &str) -> String {
    match debian_package(tool) {
        Some(p) => format!("run ./setup.sh (installs Debian package {p})"),
        None => format!("install {tool} and put it on PATH"),
    }
}

/// Like `which`: the first executable file called `tool` in the folders of
/// `PATH`.
pub fn find_tool(tool: &str) -> Result<PathBuf> {
    find_in(tool, &std::env::var_os("PATH").unwrap_or_default())
}

fn find_in(tool: &str, path: &OsStr) -> Result<PathBuf> {
    if tool.contains('/') {
        let p = PathBuf::from(tool);
        if is_executable(&p) {
            return Ok(p);
        }
        bail!("{tool} is not an executable file: {}", install_hint(tool));
    }
    std::env::split_paths(path)
        .map(|dir| dir.join(tool))
        .find(|p| is_executable(p))
        .ok_or_else(|| anyhow!("{tool} not found on PATH: {}", install_hint(tool)))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

/// A finished run of a tool.
#[derive(Debug)]
pub struct Run {
    /// The tool's name, as asked for.
    pub tool: String,
    pub status: ExitStatus,
    /// Where its stdout and stderr were written, interleaved.
    pub log: PathBuf,
    /// The log's contents.
    pub output: String,
}

impl Run {
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// The last `n` lines of the output.
    pub fn tail(&self, n: usize) -> String {
        let lines: Vec<&str> = self.output.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }

    /// `exit 1` or `killed by signal 9`.
    pub fn status_text(&self) -> String {
        describe_status(self.status)
    }

    /// The error for an unsuccessful run: `<tool> failed (exit N), log:
    /// <path>`, then the end of the log.
    pub fn failure(&self) -> anyhow::Error {
        anyhow!(
            "{} failed ({}), log: {}\n{}",
            self.tool,
            self.status_text(),
            self.log.display(),
            self.tail(TAIL_LINES)
        )
    }
}

fn describe_status(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("killed by signal {sig}");
        }
    }
    status.to_string()
}

/// Runs `tool` with `args` in `dir`, with stdin closed and stdout and
/// stderr written to `log` (its folder is created). Fails only when the
/// tool cannot be found or started, or the log cannot be written; look at
/// [`Run::success`] for the exit status, or use [`run_ok`].
pub fn run<S: AsRef<OsStr>>(tool: &str, args: &[S], dir: &Path, log: &Path) -> Result<Run> {
    let exe = find_tool(tool)?;
    if !dir.is_dir() {
        bail!("cannot run {tool} in {}: no such folder", dir.display());
    }
    if let Some(parent) = log.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| {
            anyhow!(
                "cannot create the folder for the {tool} log {}: {e}",
                log.display()
            )
        })?;
    }
    let out = File::create(log)
        .map_err(|e| anyhow!("cannot write the {tool} log {}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| anyhow!("cannot write the {tool} log {}: {e}", log.display()))?;
    let args: Vec<OsString> = args.iter().map(|a| a.as_ref().to_owned()).collect();
    let status = Command::new(&exe)
        .args(&args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .map_err(|e| {
            anyhow!(
                "{tool} could not be started ({e}): check that {} runs, or reinstall it: {}",
                exe.display(),
                install_hint(tool)
            )
        })?;
    let bytes = std::fs::read(log)
        .map_err(|e| anyhow!("cannot read back the {tool} log {}: {e}", log.display()))?;
    Ok(Run {
        tool: tool.to_string(),
        status,
        log: log.to_path_buf(),
        output: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// Like [`run`], with `env` added to the tool's environment; every `poll`
/// the log so far is shown to `watch`, and when it returns a reason, the
/// tool is killed and the run fails with `<tool> stopped: <reason>, log:
/// <path>` and the end of the log.
pub fn run_watched<S: AsRef<OsStr>>(
    tool: &str,
    args: &[S],
    dir: &Path,
    log: &Path,
    env: &[(&str, &OsStr)],
    poll: std::time::Duration,
    watch: &mut dyn FnMut(&str) -> Option<String>,
) -> Result<Run> {
    let exe = find_tool(tool)?;
    if !dir.is_dir() {
        bail!("cannot run {tool} in {}: no such folder", dir.display());
    }
    let out = File::create(log)
        .map_err(|e| anyhow!("cannot write the {tool} log {}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| anyhow!("cannot write the {tool} log {}: {e}", log.display()))?;
    let args: Vec<OsString> = args.iter().map(|a| a.as_ref().to_owned()).collect();
    let mut child = Command::new(&exe)
        .args(&args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| {
            anyhow!(
                "{tool} could not be started ({e}): check that {} runs, or reinstall it: {}",
                exe.display(),
                install_hint(tool)
            )
        })?;
    let status = loop {
        if let Some(status) = child
            .try_wait()
            .map_err(|e| anyhow!("cannot wait for {tool}: {e}"))?
        {
            break status;
        }
        std::thread::sleep(poll);
        let so_far = String::from_utf8_lossy(&std::fs::read(log).unwrap_or_default()).into_owned();
        if let Some(reason) = watch(&so_far) {
            let _ = child.kill();
            let _ = child.wait();
            let lines: Vec<&str> = so_far.lines().collect();
            bail!(
                "{tool} stopped: {reason}, log: {}\n{}",
                log.display(),
                lines[lines.len().saturating_sub(TAIL_LINES)..].join("\n")
            );
        }
    };
    let bytes = std::fs::read(log)
        .map_err(|e| anyhow!("cannot read back the {tool} log {}: {e}", log.display()))?;
    Ok(Run {
        tool: tool.to_string(),
        status,
        log: log.to_path_buf(),
        output: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// [`run`], and an error (see [`Run::failure`]) unless the tool exits 0.
pub fn run_ok<S: AsRef<OsStr>>(tool: &str, args: &[S], dir: &Path, log: &Path) -> Result<Run> {
    let r = run(tool, args, dir, log)?;
    if !r.success() {
        return Err(r.failure());
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ptu-synth-tools-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn every_tool_has_a_debian_package() {
        assert_eq!(debian_package("icepack"), Some("fpga-icestorm"));
        assert_eq!(debian_package("vvp"), Some("iverilog"));
        assert_eq!(debian_package("nextpnr-ice40"), Some("nextpnr-ice40"));
        assert_eq!(debian_package("gtkwave"), Some("gtkwave"));
        assert_eq!(debian_package("make"), None);
    }

    #[test]
    fn missing_tools_say_how_to_install_them() {
        let err = find_in("verilator", OsStr::new(""))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "verilator not found on PATH: run ./setup.sh (installs Debian package verilator)"
        );
        let err = find_in("icepack", OsStr::new("/nonexistent"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "icepack not found on PATH: run ./setup.sh (installs Debian package fpga-icestorm)"
        );
        let err = find_tool("no-such-tool-ptu").unwrap_err().to_string();
        assert_eq!(
            err,
            "no-such-tool-ptu not found on PATH: install no-such-tool-ptu and put it on PATH"
        );
    }

    #[test]
    fn finds_tools_like_which() {
        let sh = find_tool("sh").unwrap();
        assert!(sh.ends_with("sh") && sh.is_absolute(), "{}", sh.display());
        // A non-executable file of that name is skipped.
        let d = scratch("which");
        std::fs::write(d.join("sh"), "not a program").unwrap();
        let path =
            std::env::join_paths([d.clone(), PathBuf::from("/bin"), PathBuf::from("/usr/bin")])
                .unwrap();
        assert_ne!(find_in("sh", &path).unwrap(), d.join("sh"));
    }

    #[test]
    fn run_captures_stdout_and_stderr_in_order() {
        let d = scratch("run");
        let log = d.join("logs/sh.log");
        let r = run(
            "sh",
            &["-c", "echo one; echo two >&2; echo three"],
            &d,
            &log,
        )
        .unwrap();
        assert!(r.success());
        assert_eq!(r.output, "one\ntwo\nthree\n");
        assert_eq!(std::fs::read_to_string(&log).unwrap(), r.output);
        // It runs in the folder it is given.
        let r = run("sh", &["-c", "pwd"], &d, &log).unwrap();
        assert_eq!(
            PathBuf::from(r.output.trim()).canonicalize().unwrap(),
            d.canonicalize().unwrap()
        );
    }

    #[test]
    fn failures_name_the_tool_the_status_and_the_log() {
        let d = scratch("fail");
        let log = d.join("sh.log");
        let err = run_ok(
            "sh",
            &["-c", "echo some context; echo the reason >&2; exit 3"],
            &d,
            &log,
        )
        .unwrap_err()
        .to_string();
        let mut lines = err.lines();
        assert_eq!(
            lines.next().unwrap(),
            format!("sh failed (exit 3), log: {}", log.display())
        );
        assert_eq!(lines.collect::<Vec<_>>(), ["some context", "the reason"]);

        let err = run("sh", &["-c", "true"], &d.join("missing"), &log)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cannot run sh in ") && err.ends_with(": no such folder"),
            "{err}"
        );

        let err = run("sh", &["-c", "true"], &d, Path::new("/proc/ptu/x.log"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("cannot "), "{err}");
    }

    #[test]
    fn a_watched_tool_is_stopped_when_the_watcher_says_so() {
        let d = scratch("watch");
        let log = d.join("w.log");
        let err = run_watched(
            "sh",
            &["-c", "echo started; sleep 30"],
            &d,
            &log,
            &[],
            std::time::Duration::from_millis(50),
            &mut |so_far| so_far.contains("started").then(|| "it started".to_string()),
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("sh stopped: it started, log: "), "{err}");
        assert!(err.ends_with("started"), "{err}");
        let r = run_watched(
            "sh",
            &["-c", "echo $PTU_TEST_VAR"],
            &d,
            &log,
            &[("PTU_TEST_VAR", OsStr::new("done"))],
            std::time::Duration::from_millis(10),
            &mut |_| None,
        )
        .unwrap();
        assert!(r.success() && r.output == "done\n", "{:?}", r.output);
    }

    #[cfg(unix)]
    #[test]
    fn a_killed_tool_says_so() {
        let d = scratch("kill");
        let r = run("sh", &["-c", "kill -9 $$"], &d, &d.join("k.log")).unwrap();
        assert_eq!(r.status_text(), "killed by signal 9");
        assert!(r
            .failure()
            .to_string()
            .starts_with("sh failed (killed by signal 9), log: "));
    }
}
