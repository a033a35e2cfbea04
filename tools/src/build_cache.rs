//! One cache for slow builds (a Verilator model, a compiled testbench, a
//! synthesised netlist), shared by threads and processes.
//!
//! A build is keyed by a hash ([`Fnv`]) of everything that goes into it:
//! the sources, the flags and the tool's version ([`tool_version`]).
//! `ROOT/<key>/` holds one finished build, and nothing else is ever found
//! there:
//!
//! - the build runs in `ROOT/<key>.partial/`, and is published by renaming
//!   that folder to `ROOT/<key>/` once it has succeeded (with a
//!   [`COMPLETE`] file in it), so a reader sees a whole build or none;
//! - `ROOT/<key>.lock` is locked (`flock`) while the key is built, so two
//!   threads or processes asking for the same key build it once: the
//!   second waits, then takes the first one's build;
//! - a failed build stays in `ROOT/<key>.partial/` for its logs (the error
//!   names them), unpublished, and the next request builds it again.
//!
//! The cache does not grow without end: taking a build marks it used (the
//! [`COMPLETE`] file's modification time), and publishing a new build
//! [`prune`]s the root: of the builds not used for [`PRUNE_AGE`], all but
//! the [`KEEP`] most recently used are removed, and so are failed builds
//! older than that. A build is never removed while its lock is held, and
//! the age keeps a build that a running process has just taken.

use crate::Fnv;
use anyhow::{anyhow, Context, Result};
use std::collections::HashMap;
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// The file that marks a published build (written before the rename, so
/// a folder of an older layout without it is never taken for one).
pub const COMPLETE: &str = ".complete";

/// How many published builds a root keeps at least, the most recently
/// used ones, whatever their age.
pub const KEEP: usize = 16;

/// A build used within this time is never pruned.
pub const PRUNE_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// A build taken from the cache.
#[derive(Clone, Debug)]
pub struct Entry {
    /// `ROOT/<key>/`, absolute.
    pub dir: PathBuf,
    /// Whether this call built it (`false`: it was in the cache).
    pub built: bool,
}

/// The build of `key` under `root` (created): taken from the cache, or
/// made by `build` in an empty folder and published. `what` names the
/// build in the lines given to `say`: one before building (`building WHAT
/// in DIR (once for these inputs)...`) and one before waiting for another
/// process that is building the same key.
pub fn cached(
    root: &Path,
    key: Fnv,
    what: &str,
    say: &mut dyn FnMut(&str),
    build: impl FnOnce(&Path) -> Result<()>,
) -> Result<Entry> {
    let root = std::path::absolute(root)
        .with_context(|| format!("cannot resolve the build folder {}", root.display()))?;
    let hex = key.hex();
    let dir = root.join(&hex);
    if dir.join(COMPLETE).is_file() {
        mark_used(&dir);
        return Ok(Entry { dir, built: false });
    }
    std::fs::create_dir_all(&root)
        .with_context(|| format!("cannot create the build folder {}", root.display()))?;
    let lock_path = root.join(format!("{hex}.lock"));
    let lock = File::create(&lock_path)
        .with_context(|| format!("cannot create the lock file {}", lock_path.display()))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            say(&format!(
                "waiting for {what}: another build of it is running in {} (lock: {})...",
                root.join(format!("{hex}.partial")).display(),
                lock_path.display()
            ));
            lock.lock()
                .with_context(|| format!("cannot lock {}", lock_path.display()))?;
        }
        Err(TryLockError::Error(e)) => {
            return Err(anyhow!("cannot lock {}: {e}", lock_path.display()))
        }
    }
    // Locked (until `lock` is dropped): the key is ours to build.
    if dir.join(COMPLETE).is_file() {
        mark_used(&dir);
        return Ok(Entry { dir, built: false });
    }
    let partial = root.join(format!("{hex}.partial"));
    for old in [&partial, &dir] {
        if old.exists() {
            std::fs::remove_dir_all(old).with_context(|| {
                format!(
                    "cannot remove the unfinished build {}: remove it by hand",
                    old.display()
                )
            })?;
        }
    }
    std::fs::create_dir_all(&partial)
        .with_context(|| format!("cannot create the build folder {}", partial.display()))?;
    say(&format!(
        "building {what} in {} (once for these inputs)...",
        dir.display()
    ));
    build(&partial)?;
    let complete = partial.join(COMPLETE);
    std::fs::write(&complete, format!("{what}\n"))
        .with_context(|| format!("cannot write {}", complete.display()))?;
    std::fs::rename(&partial, &dir).with_context(|| {
        format!(
            "cannot publish the build {} as {}",
            partial.display(),
            dir.display()
        )
    })?;
    drop(lock);
    // Old builds go; a failure to remove one never fails this build.
    if let Ok(gone) = prune(&root, KEEP, PRUNE_AGE) {
        if !gone.is_empty() {
            say(&format!(
                "removed {} build(s) unused for a day from {}",
                gone.len(),
                root.display()
            ));
        }
    }
    Ok(Entry { dir, built: true })
}

/// Mark the published build in `dir` as used now (best effort: a cache
/// on a read-only disk still serves its builds).
fn mark_used(dir: &Path) {
    if let Ok(f) = File::options().write(true).open(dir.join(COMPLETE)) {
        let _ = f.set_modified(SystemTime::now());
    }
}

/// When the build in `dir` was last used: its [`COMPLETE`] file's time,
/// or the folder's own for a failed (`.partial`) build.
fn last_used(dir: &Path) -> Option<SystemTime> {
    let complete = dir.join(COMPLETE);
    let probe = if complete.is_file() {
        complete
    } else {
        dir.to_path_buf()
    };
    std::fs::metadata(probe).and_then(|m| m.modified()).ok()
}

/// Remove old builds from `root`: every published build but the `keep`
/// most recently used, and every failed (`.partial`) build, if it was not
/// used within `min_age` and nobody holds its lock. Returns the folders
/// removed.
pub fn prune(root: &Path, keep: usize, min_age: Duration) -> Result<Vec<PathBuf>> {
    let now = SystemTime::now();
    let mut published = Vec::new();
    let mut failed = Vec::new();
    let listing = std::fs::read_dir(root)
        .with_context(|| format!("cannot list the build folder {}", root.display()))?;
    for item in listing.flatten() {
        let path = item.path();
        if !path.is_dir() {
            continue;
        }
        let name = item.file_name().to_string_lossy().into_owned();
        let Some(used) = last_used(&path) else {
            continue;
        };
        if let Some(key) = name.strip_suffix(".partial") {
            failed.push((used, key.to_string(), path));
        } else if path.join(COMPLETE).is_file() {
            published.push((used, name, path));
        }
    }
    // Newest first: the first `keep` published builds stay.
    published.sort_by_key(|p| std::cmp::Reverse(p.0));
    let candidates = published.into_iter().skip(keep).chain(failed);
    let mut gone = Vec::new();
    for (used, key, path) in candidates {
        let old = now.duration_since(used).unwrap_or_default() >= min_age;
        if !old {
            continue;
        }
        // Taken while its key is locked, so no build of it runs meanwhile.
        let Ok(lock) = File::create(root.join(format!("{key}.lock"))) else {
            continue;
        };
        if lock.try_lock().is_err() {
            continue;
        }
        if std::fs::remove_dir_all(&path).is_ok() {
            gone.push(path);
        }
        drop(lock);
    }
    gone.sort();
    Ok(gone)
}

/// The first line `tool` prints for `flag` (`--version`, `-V`), part of a
/// cache key so that a new version of the tool builds again. Asked once
/// per process and tool.
pub fn tool_version(tool: &str, flag: &str) -> Result<String> {
    static SEEN: Mutex<Option<HashMap<(String, String), String>>> = Mutex::new(None);
    let key = (tool.to_string(), flag.to_string());
    if let Some(v) = SEEN
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashMap::new)
        .get(&key)
    {
        return Ok(v.clone());
    }
    let exe = crate::find_tool(tool)?;
    let out = std::process::Command::new(&exe)
        .arg(flag)
        .output()
        .map_err(|e| {
            anyhow!(
                "{tool} could not be started ({e}): check that {} runs, or reinstall it: {}",
                exe.display(),
                crate::install_hint(tool)
            )
        })?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let version = text.lines().next().unwrap_or_default().to_string();
    SEEN.lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashMap::new)
        .insert(key, version.clone());
    Ok(version)
}
