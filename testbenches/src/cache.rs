//! Builds cached by a hash of everything that goes into them.
//!
//! `work/<kind>/<hash>/` holds one build; a `.done` file marks it
//! complete. A lock file (`<hash>.lock`, `flock`) makes concurrent runs,
//! in threads or processes, wait for one build instead of racing.

use anyhow::{Context, Result};
use ptu_tools::Fnv;
use std::cell::RefCell;
use std::fs::File;
use std::path::{Path, PathBuf};

/// The file in a build folder that keeps the build's warnings: the first
/// line says which tool and log, the rest are the tool's warning lines.
pub(crate) const WARNINGS: &str = "warnings.txt";

/// Keep `warnings` (of `what`, whose output is in `log`) in `dir`.
pub(crate) fn keep_warnings(dir: &Path, what: &str, log: &Path, warnings: &[&str]) -> Result<()> {
    if warnings.is_empty() {
        return Ok(());
    }
    let text = format!("{what}, log: {}\n{}\n", log.display(), warnings.join("\n"));
    let path = dir.join(WARNINGS);
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The warnings a build in `dir` kept: (what and log, the warning lines).
pub(crate) fn warnings(dir: &Path) -> Option<(String, Vec<String>)> {
    let text = std::fs::read_to_string(dir.join(WARNINGS)).ok()?;
    let mut lines = text.lines();
    let head = lines.next()?.to_string();
    Some((head, lines.map(str::to_string).collect()))
}

/// What [`with_notice`] calls.
type Notice = Box<dyn FnMut(&str)>;

thread_local! {
    /// Called with the kind of build before a build that is not cached.
    static NOTICE: RefCell<Option<Notice>> = const { RefCell::new(None) };
}

/// Run `f`, calling `notice` before each build it makes that was not
/// cached (so a caller can say that a slow build is starting).
pub(crate) fn with_notice<T>(notice: Notice, f: impl FnOnce() -> T) -> T {
    let old = NOTICE.with(|n| n.replace(Some(notice)));
    let r = f();
    NOTICE.with(|n| *n.borrow_mut() = old);
    r
}

/// The folder `work/kind/<key>`, built by `build` (given the empty
/// folder) unless a complete build is there. Returns the folder and
/// whether it was built now.
pub(crate) fn cached(
    work: &Path,
    kind: &str,
    key: Fnv,
    build: impl FnOnce(&Path) -> Result<()>,
) -> Result<(PathBuf, bool)> {
    let root = crate::absolute(&work.join(kind))?;
    std::fs::create_dir_all(&root)
        .with_context(|| format!("cannot create the build folder {}", root.display()))?;
    let hex = key.hex();
    let dir = root.join(&hex);
    let done = dir.join(".done");
    if done.exists() {
        return Ok((dir, false));
    }
    let lock_path = root.join(format!("{hex}.lock"));
    let lock = File::create(&lock_path)
        .with_context(|| format!("cannot create the lock file {}", lock_path.display()))?;
    lock.lock()
        .with_context(|| format!("cannot lock {}", lock_path.display()))?;
    if done.exists() {
        return Ok((dir, false));
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the build folder {}", dir.display()))?;
    NOTICE.with(|n| {
        if let Some(f) = n.borrow_mut().as_mut() {
            f(kind)
        }
    });
    build(&dir)?;
    std::fs::write(&done, b"").with_context(|| format!("cannot write {}", done.display()))?;
    Ok((dir, true))
}

/// The first line a tool prints for `--version` (or `-V`), part of a
/// cache key so that a tool update rebuilds.
pub(crate) fn tool_version(tool: &str, flag: &str) -> Result<String> {
    let exe = ptu_tools::find_tool(tool)?;
    let out = std::process::Command::new(&exe)
        .arg(flag)
        .output()
        .map_err(|e| {
            anyhow::anyhow!(
                "{tool} could not be started ({e}): {}",
                ptu_tools::install_hint(tool)
            )
        })?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    Ok(text.lines().next().unwrap_or_default().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_runs_once() {
        let work = std::env::temp_dir().join(format!("ptu-tb-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&work);
        let key = Fnv::new().part("k");
        let (d1, built) = cached(&work, "t", key, |d| {
            std::fs::write(d.join("out"), "1")?;
            Ok(())
        })
        .unwrap();
        assert!(built);
        let (d2, built) = cached(&work, "t", key, |_| panic!("built twice")).unwrap();
        assert!(!built);
        assert_eq!(d1, d2);
        // A failed build leaves no `.done`, and is redone.
        let key = Fnv::new().part("fails");
        assert!(cached(&work, "t", key, |_| anyhow::bail!("no")).is_err());
        assert!(cached(&work, "t", key, |_| Ok(())).unwrap().1);
        let _ = std::fs::remove_dir_all(&work);
    }
}
