//! The build cache: one build per key across threads and processes, a new
//! build when an input changes, and nothing published by a failed build.

use ptu_tools::build_cache::{cached, prune, Entry, COMPLETE};
use ptu_tools::Fnv;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ptu-build-cache-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// The entries of `root` with their kind: `<key>`, `<key>.lock`, ...
fn names(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Wait (at most a minute) until `n` files whose names start with
/// `arrived-` are in `root`: every racer is at the cache's door.
fn wait_for_arrivals(root: &Path, n: usize) {
    let start = Instant::now();
    loop {
        let here = names(root)
            .iter()
            .filter(|f| f.starts_with("arrived-"))
            .count();
        if here >= n {
            // A little longer, for the last one to reach the lock.
            std::thread::sleep(Duration::from_millis(300));
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "only {here} of {n} racers arrived"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// One racer: announce itself in `root`, then ask for `key`; the builder
/// waits for all `n` racers before it finishes. Returns the entry and the
/// lines the cache said.
fn race(root: &Path, key: Fnv, me: &str, n: usize, builds: &AtomicUsize) -> (Entry, Vec<String>) {
    std::fs::create_dir_all(root).unwrap();
    std::fs::write(root.join(format!("arrived-{me}")), "").unwrap();
    let mut said = Vec::new();
    let entry = cached(
        &root.join("cache"),
        key,
        "the test build",
        &mut |l| said.push(l.to_string()),
        |dir| {
            builds.fetch_add(1, Ordering::SeqCst);
            std::fs::write(dir.join("out.txt"), format!("built by {me}\n"))?;
            wait_for_arrivals(root, n);
            Ok(())
        },
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    (entry, said)
}

#[test]
fn threads_racing_on_one_key_build_it_once() {
    let root = scratch("threads");
    let key = Fnv::new().part("threads");
    let builds = AtomicUsize::new(0);
    let results: Vec<(Entry, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let (root, builds) = (&root, &builds);
                s.spawn(move || race(root, key, &format!("thread{i}"), 4, builds))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(builds.load(Ordering::SeqCst), 1);
    assert_eq!(results.iter().filter(|(e, _)| e.built).count(), 1);
    let dir = &results[0].0.dir;
    assert!(results.iter().all(|(e, _)| &e.dir == dir));
    assert!(dir.is_absolute() && dir.join("out.txt").is_file() && dir.join(COMPLETE).is_file());
    // The builder said it was building; the others, that they waited.
    for (e, said) in &results {
        let expect = if e.built { "building" } else { "waiting" };
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].starts_with(expect), "{said:?}");
    }
    let (_, said) = results.iter().find(|(e, _)| e.built).unwrap();
    assert_eq!(
        said[0],
        format!(
            "building the test build in {} (once for these inputs)...",
            dir.display()
        )
    );
    let hex = key.hex();
    assert_eq!(
        names(&root.join("cache")),
        [hex.clone(), format!("{hex}.lock")]
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// The environment variable that makes [`two_processes_racing_on_one_key_build_it_once`]
/// a racer in a child process: the folder of the race.
const CHILD: &str = "PTU_BUILD_CACHE_RACER";

#[test]
fn two_processes_racing_on_one_key_build_it_once() {
    let key = Fnv::new().part("processes");
    if let Some(root) = std::env::var_os(CHILD) {
        // A racer: say what happened on stdout, for the parent.
        let builds = AtomicUsize::new(0);
        let me = std::process::id().to_string();
        let (entry, said) = race(Path::new(&root), key, &me, 2, &builds);
        println!(
            "racer built={} builds={}",
            entry.built,
            builds.load(Ordering::SeqCst)
        );
        for l in said {
            println!("racer said: {l}");
        }
        println!("racer dir={}", entry.dir.display());
        return;
    }
    let root = scratch("processes");
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..2)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "two_processes_racing_on_one_key_build_it_once",
                    "--exact",
                    "--nocapture",
                ])
                .env(CHILD, &root)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<String> = children
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().unwrap();
            let out = String::from_utf8_lossy(&o.stdout).into_owned();
            assert!(o.status.success(), "a racer failed: {out}");
            out
        })
        .collect();
    let built: Vec<bool> = outs
        .iter()
        .map(|o| o.contains("racer built=true builds=1"))
        .collect();
    assert_eq!(built.iter().filter(|b| **b).count(), 1, "{outs:?}");
    for (o, b) in outs.iter().zip(&built) {
        if !b {
            assert!(o.contains("racer built=false builds=0"), "{o}");
            assert!(o.contains("racer said: waiting for the test build"), "{o}");
        }
    }
    let dir = root.join("cache").join(key.hex());
    assert!(outs
        .iter()
        .all(|o| o.contains(&format!("racer dir={}", dir.display()))));
    let out = std::fs::read_to_string(dir.join("out.txt")).unwrap();
    assert!(out.starts_with("built by "), "{out}");
    let _ = std::fs::remove_dir_all(&root);
}

/// A build that writes `input` into `out.txt`, counting its runs.
fn build_of(root: &Path, input: &str, runs: &AtomicUsize) -> Entry {
    cached(
        root,
        Fnv::new().part("source").part(input),
        "the test build",
        &mut |_| {},
        |dir| {
            runs.fetch_add(1, Ordering::SeqCst);
            std::fs::write(dir.join("out.txt"), input)?;
            Ok(())
        },
    )
    .unwrap()
}

#[test]
fn a_changed_input_builds_again_and_an_unchanged_one_does_not() {
    let root = scratch("inputs");
    let runs = AtomicUsize::new(0);
    let a = build_of(&root, "module a; endmodule", &runs);
    let again = build_of(&root, "module a; endmodule", &runs);
    let b = build_of(&root, "module b; endmodule", &runs);
    assert!(a.built && !again.built && b.built);
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    assert_eq!(a.dir, again.dir);
    assert_ne!(a.dir, b.dir);
    assert_eq!(
        std::fs::read_to_string(b.dir.join("out.txt")).unwrap(),
        "module b; endmodule"
    );
    // The first build is still there for its inputs.
    assert!(!build_of(&root, "module a; endmodule", &runs).built);
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_failed_build_publishes_nothing_and_keeps_its_log() {
    let root = scratch("failed");
    let key = Fnv::new().part("fails once");
    let err = cached(&root, key, "the test build", &mut |_| {}, |dir| {
        std::fs::write(dir.join("tool.log"), "the reason\n")?;
        anyhow::bail!("tool failed, log: {}", dir.join("tool.log").display())
    })
    .unwrap_err()
    .to_string();
    let hex = key.hex();
    let partial = root.join(format!("{hex}.partial"));
    // Nothing published; the log the error names is there to read.
    assert!(!root.join(&hex).exists());
    assert_eq!(
        err,
        format!(
            "tool failed, log: {}",
            std::path::absolute(partial.join("tool.log"))
                .unwrap()
                .display()
        )
    );
    assert!(partial.join("tool.log").is_file());
    // The next request builds it (in a fresh folder) and publishes it.
    let e = cached(&root, key, "the test build", &mut |_| {}, |dir| {
        assert!(!dir.join("tool.log").exists(), "the failed build's files");
        std::fs::write(dir.join("out.txt"), "ok")?;
        Ok(())
    })
    .unwrap();
    assert!(e.built && e.dir.join("out.txt").is_file());
    assert_eq!(names(&root), [hex.clone(), format!("{hex}.lock")]);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_folder_without_the_complete_mark_is_built_again() {
    // An interrupted build of an older layout, in the key's own folder.
    let root = scratch("unmarked");
    let key = Fnv::new().part("old");
    std::fs::create_dir_all(root.join(key.hex())).unwrap();
    std::fs::write(root.join(key.hex()).join("half.o"), "").unwrap();
    let e = cached(&root, key, "the test build", &mut |_| {}, |dir| {
        std::fs::write(dir.join("whole.o"), "")?;
        Ok(())
    })
    .unwrap();
    assert!(e.built);
    assert!(e.dir.join("whole.o").is_file() && !e.dir.join("half.o").exists());
    let _ = std::fs::remove_dir_all(&root);
}

/// A published build `key` in `root` last used `age` ago.
fn published(root: &Path, key: &str, age: Duration) -> PathBuf {
    let dir = root.join(key);
    std::fs::create_dir_all(&dir).unwrap();
    let complete = dir.join(COMPLETE);
    std::fs::write(&complete, "a build\n").unwrap();
    set_age(&complete, age);
    dir
}

fn set_age(path: &Path, age: Duration) {
    let f = std::fs::File::options()
        .read(true)
        .open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    f.set_modified(SystemTime::now() - age).unwrap();
}

const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(24 * 3600);

#[test]
fn prune_removes_old_builds_beyond_the_most_recent_ones() {
    let root = scratch("prune");
    for (key, age) in [
        ("k0", Duration::ZERO),
        ("k1", HOUR),
        ("k2", 2 * HOUR),
        ("k3", 3 * DAY),
        ("k4", 4 * DAY),
        ("k5", 5 * DAY),
    ] {
        published(&root, key, age);
    }
    // A failed build, old, and another one, young.
    let old_failed = root.join("k6.partial");
    std::fs::create_dir_all(&old_failed).unwrap();
    set_age(&old_failed, 2 * DAY);
    std::fs::create_dir_all(root.join("k7.partial")).unwrap();
    // k4's key is being built by someone: its lock is held.
    let held = std::fs::File::create(root.join("k4.lock")).unwrap();
    held.lock().unwrap();

    let gone = prune(&root, 2, DAY).unwrap();
    drop(held);
    assert_eq!(gone, vec![root.join("k3"), root.join("k5"), old_failed]);
    let left: Vec<String> = names(&root)
        .into_iter()
        .filter(|n| !n.ends_with(".lock"))
        .collect();
    // k2 is beyond the two most recent but young; k4 is locked.
    assert_eq!(left, ["k0", "k1", "k2", "k4", "k7.partial"]);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn taking_a_build_from_the_cache_marks_it_used() {
    let root = scratch("mark-used");
    let runs = AtomicUsize::new(0);
    let first = build_of(&root, "x", &runs);
    set_age(&first.dir.join(COMPLETE), 3 * DAY);
    let again = build_of(&root, "x", &runs);
    assert!(!again.built, "the build is in the cache");
    let used = std::fs::metadata(again.dir.join(COMPLETE))
        .unwrap()
        .modified()
        .unwrap();
    let age = SystemTime::now().duration_since(used).unwrap_or_default();
    assert!(
        age < HOUR,
        "taking the build did not mark it used: {age:?} old"
    );
    // Nothing else is old, so a prune keeps it.
    assert!(prune(&root, 0, DAY).unwrap().is_empty());
    let _ = std::fs::remove_dir_all(&root);
}
