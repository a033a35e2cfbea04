//! Writing outputs so that a failure never leaves a half-written file.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A sibling of `path` to write it in before a rename into place:
/// `<path>.partial-<process>-<n>`, its own to this call, so that two
/// processes (tests run side by side) or two threads writing the same
/// output never write into one temporary file.
pub fn partial_path(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".partial-{}-{n}", std::process::id()));
    PathBuf::from(tmp)
}

/// Write `bytes` to `path` through a temporary sibling and a rename, so
/// that a failure never leaves a half-written file. Creates the parent
/// folder. Returns `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create folder {}", dir.display()))?;
    }
    let tmp = partial_path(path);
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}", path.display())
    })?;
    Ok(path.to_path_buf())
}

/// The command that shows the cycles around `cycle` of a waveform, and
/// the one that draws them: `ptu wave VCD --from N-5 --to N+5`, `... --svg
/// VCD-STEM.svg`. Every FAIL (scenario, random run, proof) prints it.
pub fn wave_command(vcd: &Path, cycle: u64) -> String {
    let from = cycle.saturating_sub(5);
    let look = format!(
        "ptu wave {} --from {from} --to {}",
        vcd.display(),
        cycle + 5
    );
    let svg = vcd.with_extension("svg");
    format!("{look}   (a picture: {look} --svg {})", svg.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wave_command_shows_five_cycles_either_side() {
        assert_eq!(
            wave_command(Path::new("w/a.vcd"), 3),
            "ptu wave w/a.vcd --from 0 --to 8   (a picture: ptu wave w/a.vcd --from 0 --to 8 --svg w/a.svg)"
        );
    }

    #[test]
    fn partial_paths_are_siblings_and_never_repeat() {
        let p = Path::new("waveforms/x.vcd");
        let (a, b) = (partial_path(p), partial_path(p));
        assert_ne!(a, b);
        assert_eq!(a.parent(), p.parent());
        let name = a.file_name().unwrap().to_string_lossy().into_owned();
        let pid = std::process::id();
        assert!(name.starts_with(&format!("x.vcd.partial-{pid}-")), "{name}");
    }

    #[test]
    fn writes_through_a_rename_and_leaves_no_partial_file() {
        let dir = std::env::temp_dir().join(format!("ptu-tools-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let out = dir.join("sub").join("x.v");
        write_atomic(&out, b"module m; endmodule\n").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"module m; endmodule\n");
        let names: Vec<_> = std::fs::read_dir(out.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("x.v")]);
        let err = write_atomic(&out.join("cannot-be-a-folder"), b"").unwrap_err();
        assert!(format!("{err:#}").contains("cannot"), "{err:#}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
