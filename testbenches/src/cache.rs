//! The testbenches' builds in the shared build cache
//! ([`ptu_tools::build_cache`]): `work/<kind>/<hash>/`, and the warnings
//! a build keeps for [`crate::prepare_text_with`] to report.

use anyhow::{Context, Result};
use ptu_tools::build_cache;
pub(crate) use ptu_tools::build_cache::tool_version;
use ptu_tools::Fnv;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// The file in a build folder that keeps the build's warnings: the first
/// line says which tool, the second names its log in the folder, the
/// rest are the tool's warning lines.
pub(crate) const WARNINGS: &str = "warnings.txt";

/// Keep `warnings` (of `what`, whose output is in `log`, a file in `dir`)
/// in `dir`. The log is kept by its name, as `dir` is moved when the
/// build is published.
pub(crate) fn keep_warnings(dir: &Path, what: &str, log: &Path, warnings: &[&str]) -> Result<()> {
    if warnings.is_empty() {
        return Ok(());
    }
    let log = log.strip_prefix(dir).unwrap_or(log);
    let text = format!("{what}\n{}\n{}\n", log.display(), warnings.join("\n"));
    let path = dir.join(WARNINGS);
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The warnings a build in `dir` kept: (what and log, the warning lines).
pub(crate) fn warnings(dir: &Path) -> Option<(String, Vec<String>)> {
    let text = std::fs::read_to_string(dir.join(WARNINGS)).ok()?;
    let mut lines = text.lines();
    let what = lines.next()?;
    let log = dir.join(lines.next()?);
    let head = format!("{what}, log: {}", log.display());
    Some((head, lines.map(str::to_string).collect()))
}

/// What [`with_notice`] calls.
type Notice = Box<dyn FnMut(&str)>;

thread_local! {
    /// Called with the cache's line before a build that is not cached
    /// (and before waiting for another process's build).
    static NOTICE: RefCell<Option<Notice>> = const { RefCell::new(None) };
}

/// Run `f`, calling `notice` with the cache's line before each build it
/// makes that was not cached (so a caller can say that a slow build is
/// starting).
pub(crate) fn with_notice<T>(notice: Notice, f: impl FnOnce() -> T) -> T {
    let old = NOTICE.with(|n| n.replace(Some(notice)));
    let r = f();
    NOTICE.with(|n| *n.borrow_mut() = old);
    r
}

/// The folder `work/kind/<key>`, built by `build` (given an empty
/// folder) unless the cache has it. Returns the folder and whether it was
/// built now.
pub(crate) fn cached(
    work: &Path,
    kind: &str,
    key: Fnv,
    build: impl FnOnce(&Path) -> Result<()>,
) -> Result<(PathBuf, bool)> {
    let mut say = |line: &str| {
        NOTICE.with(|n| {
            if let Some(f) = n.borrow_mut().as_mut() {
                f(line)
            }
        })
    };
    let what = format!("{kind} of ptu.v");
    let entry = build_cache::cached(&work.join(kind), key, &what, &mut say, build)?;
    Ok((entry.dir, entry.built))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_name_their_log_in_the_published_folder() {
        let work = std::env::temp_dir().join(format!("ptu-tb-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&work);
        let (dir, built) = cached(&work, "t", Fnv::new().part("w"), |d| {
            let log = d.join("tool.log");
            std::fs::write(&log, "%Warning-X: a\n")?;
            keep_warnings(d, "tool on a.v", &log, &["%Warning-X: a"])
        })
        .unwrap();
        assert!(built);
        let (head, lines) = warnings(&dir).unwrap();
        assert_eq!(
            head,
            format!("tool on a.v, log: {}", dir.join("tool.log").display())
        );
        assert!(dir.join("tool.log").is_file());
        assert_eq!(lines, ["%Warning-X: a"]);
        let _ = std::fs::remove_dir_all(&work);
    }
}
