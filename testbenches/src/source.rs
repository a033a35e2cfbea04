//! Where vectors come from: a file, or a writer streamed through a FIFO.

use anyhow::{anyhow, bail, Context, Result};
use ptu_arch::PtuConfig;
/// Record `random_cycles_for` of a configuration as vectors (the
/// model's own recorder, re-exported for the harnesses).
pub use ptu_sim::vectors::record_random_for;
use ptu_sim::vectors::VectorWriter;
use std::fmt;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

type Writer = Box<dyn FnOnce(&mut dyn Write) -> io::Result<()> + Send>;

/// The vectors of a run.
pub enum VectorSource {
    /// A vector file (or any path a simulator can open and read to its end,
    /// such as a FIFO something else writes).
    File(PathBuf),
    /// A writer that produces the vector text (header and lines, as
    /// [`VectorWriter`] writes them). It runs on its own thread into a FIFO
    /// that the simulator reads, so nothing lands on disk; if the simulator
    /// stops early (a mismatch), its writes fail with `BrokenPipe`.
    Stream(Writer),
}

impl fmt::Debug for VectorSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(p) => f.debug_tuple("File").field(p).finish(),
            Self::Stream(_) => f.write_str("Stream(..)"),
        }
    }
}

impl VectorSource {
    /// Vectors in a file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self::File(path.into())
    }

    /// Vectors written by `write`, streamed through a FIFO.
    pub fn stream(write: impl FnOnce(&mut dyn Write) -> io::Result<()> + Send + 'static) -> Self {
        Self::Stream(Box::new(write))
    }

    /// Vector text held in memory (e.g. from a scenario), streamed.
    pub fn text(text: impl Into<String>) -> Self {
        let text = text.into();
        Self::stream(move |w| w.write_all(text.as_bytes()))
    }

    /// A random legal run recorded from the reference model
    /// ([`record_random`]: `cycles` cycles, seed `seed`, bus wait states
    /// up to `max_wait`, bus errors with probability `bus_errors`),
    /// streamed. The first N cycles of a run are the same for any
    /// `cycles` >= N.
    pub fn random(seed: u64, cycles: u64, max_wait: u32, bus_errors: f64) -> Self {
        Self::random_for(&PtuConfig::default(), seed, cycles, max_wait, bus_errors)
    }

    /// [`VectorSource::random`] for the unit configured as `cfg`: its
    /// random core and reference model
    /// ([`ptu_sim::vectors::random_cycles_for`]), its vector columns. For
    /// the default configuration, the same text as [`VectorSource::random`].
    pub fn random_for(
        cfg: &PtuConfig,
        seed: u64,
        cycles: u64,
        max_wait: u32,
        bus_errors: f64,
    ) -> Self {
        let cfg = *cfg;
        Self::stream(move |w| {
            let mut vw = VectorWriter::for_config(w, &cfg)?;
            record_random_for(&cfg, seed, cycles, max_wait, bus_errors, &mut vw)?;
            vw.finish().map(|_| ())
        })
    }

    /// Run `sim` with the path of the vectors: the file itself, or a FIFO
    /// in `dir` that a writer thread fills while `sim` runs. A writer error
    /// other than a broken pipe (the simulator stopped reading) is an
    /// error.
    pub(crate) fn feed<T>(self, dir: &Path, sim: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
        match self {
            Self::File(p) => {
                if !p.exists() {
                    bail!("cannot read vector file {}: no such file", p.display());
                }
                sim(&p)
            }
            Self::Stream(write) => {
                let fifo = make_fifo(dir)?;
                let writer = spawn_writer(fifo.clone(), write);
                let result = sim(&fifo);
                let written = finish_writer(&fifo, writer);
                let _ = std::fs::remove_file(&fifo);
                let out = result?;
                match written {
                    Ok(()) => Ok(out),
                    Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(out),
                    Err(e) => Err(anyhow!("the vector writer failed: {e}")),
                }
            }
        }
    }
}

static RUNS: AtomicU64 = AtomicU64::new(0);

/// A new, empty folder `work/runs/<name>-<pid>-<n>` for one run.
pub(crate) fn run_dir(work: &Path, name: &str) -> Result<PathBuf> {
    let n = RUNS.fetch_add(1, Ordering::Relaxed);
    let dir = work
        .join("runs")
        .join(format!("{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the run folder {}", dir.display()))?;
    crate::absolute(&dir)
}

fn make_fifo(dir: &Path) -> Result<PathBuf> {
    let path = dir.join("vectors.fifo");
    let _ = std::fs::remove_file(&path);
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| anyhow!("the path {} contains a NUL byte", path.display()))?;
    // SAFETY: `c` is a valid NUL-terminated path.
    if unsafe { libc::mkfifo(c.as_ptr(), 0o600) } != 0 {
        bail!(
            "cannot create the FIFO {} for streamed vectors: {}",
            path.display(),
            io::Error::last_os_error()
        );
    }
    Ok(path)
}

fn spawn_writer(fifo: PathBuf, write: Writer) -> JoinHandle<io::Result<()>> {
    std::thread::spawn(move || {
        // Blocks until the simulator opens the FIFO for reading.
        let file = std::fs::OpenOptions::new().write(true).open(&fifo)?;
        grow_pipe(&file);
        let mut out = BufWriter::with_capacity(1 << 20, file);
        write(&mut out)?;
        out.flush()
    })
}

/// A larger pipe buffer lets the writer run further ahead of the reader.
fn grow_pipe(file: &std::fs::File) {
    use std::os::fd::AsRawFd;
    // SAFETY: F_SETPIPE_SZ on an open pipe descriptor; failure is harmless.
    unsafe {
        libc::fcntl(file.as_raw_fd(), libc::F_SETPIPE_SZ, 1 << 20);
    }
}

/// Wait for the writer. If the simulator never opened the FIFO (it failed
/// first), the writer is still waiting to open it: opening and closing the
/// reading end lets it through to a broken pipe.
fn finish_writer(fifo: &Path, writer: JoinHandle<io::Result<()>>) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    while !writer.is_finished() {
        if let Ok(f) = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(fifo)
        {
            drop(f);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    writer
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the vector writer panicked")))
}
