//! Progress of a long run on stderr: `label: 42% (420000/1000000), 3 s
//! left`, redrawn in place. Shown only when stderr is a terminal and the
//! caller allows it (never with `--quiet` or `--json`), so that logs,
//! pipes and tests stay clean.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Least time between two redraws.
const REDRAW: Duration = Duration::from_millis(250);

/// Whether progress may be drawn: `allowed` (not quiet, not JSON) and
/// stderr is a terminal.
pub fn wanted(allowed: bool) -> bool {
    allowed && std::io::stderr().is_terminal()
}

/// `1 h 02 min`, `3 min 05 s`, `42 s`.
pub fn duration(d: Duration) -> String {
    let s = d.as_secs_f64().round() as u64;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
}

/// The time left when `done` of `total` took `elapsed` at a steady pace;
/// `None` before anything is done.
pub fn time_left(done: u64, total: u64, elapsed: Duration) -> Option<Duration> {
    if done == 0 || total == 0 {
        return None;
    }
    let left = total.saturating_sub(done) as f64;
    Some(Duration::from_secs_f64(
        elapsed.as_secs_f64() * left / done as f64,
    ))
}

/// The percentage of `done` of `total`, 0 to 100, rounded down (100 only
/// when all is done).
pub fn percent(done: u64, total: u64) -> u64 {
    if total == 0 {
        return 100;
    }
    (u128::from(done.min(total)) * 100 / u128::from(total)) as u64
}

/// One progress line: `label: 42% (420000/1000000 cycles), 3 s left`.
pub fn line(label: &str, done: u64, total: u64, unit: &str, elapsed: Duration) -> String {
    let left = match time_left(done, total, elapsed) {
        Some(t) => format!("{} left", duration(t)),
        None => "time left unknown".to_string(),
    };
    format!(
        "{label}: {}% ({done}/{total} {unit}), {left}",
        percent(done, total)
    )
}

/// Most characters of a drawn line: a longer one would wrap on an
/// 80-column terminal, and `\r` would then redraw only its last part.
pub const WIDTH: usize = 79;

/// `text` cut to [`WIDTH`] characters (ending in `...` when cut).
pub fn fit(text: &str) -> String {
    if text.chars().count() <= WIDTH {
        return text.to_string();
    }
    let mut s: String = text.chars().take(WIDTH - 3).collect();
    s.push_str("...");
    s
}

/// A progress line on stderr, redrawn at most every quarter second and
/// erased when dropped. Silent unless [`wanted`].
pub struct Progress {
    label: String,
    unit: &'static str,
    total: u64,
    start: Instant,
    last: Option<Instant>,
    on: bool,
    drawn: bool,
}

impl Progress {
    /// Progress of `total` `unit`s (`cycles`, `stages`), drawn only if
    /// `allowed` and stderr is a terminal.
    pub fn new(label: impl Into<String>, total: u64, unit: &'static str, allowed: bool) -> Self {
        Self {
            label: label.into(),
            unit,
            total,
            start: Instant::now(),
            last: None,
            on: wanted(allowed),
            drawn: false,
        }
    }

    /// Whether anything is drawn.
    pub fn shown(&self) -> bool {
        self.on
    }

    /// `done` of the total are done.
    pub fn set(&mut self, done: u64) {
        if self.due() {
            let text = line(
                &self.label,
                done,
                self.total,
                self.unit,
                self.start.elapsed(),
            );
            self.draw(&text);
        }
    }

    /// Draw `text` as the line instead (a caller that words its own
    /// progress), at most every quarter second.
    pub fn show(&mut self, text: &str) {
        if self.due() {
            self.draw(text);
        }
    }

    /// Drawing is on and the last redraw is a quarter second old.
    fn due(&mut self) -> bool {
        if !self.on {
            return false;
        }
        let now = Instant::now();
        if self.last.is_some_and(|t| now - t < REDRAW) {
            return false;
        }
        self.last = Some(now);
        true
    }

    fn draw(&mut self, text: &str) {
        let text = fit(text);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[K{text}");
        let _ = err.flush();
        self.drawn = true;
    }

    /// Erase the line (also done when dropped).
    pub fn clear(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
            self.drawn = false;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

/// A writer that counts the lines passing through it into a [`Progress`]
/// (a vector file has a header line, then one line per cycle).
pub struct CountLines<W> {
    inner: W,
    lines: u64,
    skip: u64,
    progress: Progress,
}

impl<W: Write> CountLines<W> {
    /// Count lines written to `inner` after the first `skip` (headers).
    pub fn new(inner: W, skip: u64, progress: Progress) -> Self {
        Self {
            inner,
            lines: 0,
            skip,
            progress,
        }
    }
}

impl<W: Write> Write for CountLines<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        let newlines = buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        if newlines > 0 {
            self.lines += newlines;
            self.progress.set(self.lines.saturating_sub(self.skip));
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_percent_count_and_time_left() {
        let s = Duration::from_secs;
        assert_eq!(
            line(
                "random run on verilator",
                250_000,
                1_000_000,
                "cycles",
                s(10)
            ),
            "random run on verilator: 25% (250000/1000000 cycles), 30 s left"
        );
        assert_eq!(
            line("build", 0, 4, "stages", s(3)),
            "build: 0% (0/4 stages), time left unknown"
        );
        assert_eq!(
            line("x", 2, 3, "seeds", s(200)),
            "x: 66% (2/3 seeds), 1 min 40 s left"
        );
        assert_eq!(
            line("x", 5, 5, "cycles", s(7)),
            "x: 100% (5/5 cycles), 0 s left"
        );
    }

    #[test]
    fn a_long_line_is_cut_to_fit_80_columns() {
        let long = "x".repeat(100);
        assert_eq!(fit(&long).chars().count(), WIDTH);
        assert!(fit(&long).ends_with("xx..."));
        assert_eq!(fit("short"), "short");
        let exact = "é".repeat(WIDTH);
        assert_eq!(fit(&exact), exact);
    }

    #[test]
    fn percent_rounds_down_and_never_passes_100() {
        assert_eq!(percent(999, 1000), 99);
        assert_eq!(percent(1000, 1000), 100);
        assert_eq!(percent(2000, 1000), 100);
        assert_eq!(percent(0, 0), 100);
        assert_eq!(percent(u64::MAX / 2, u64::MAX), 49);
    }

    #[test]
    fn time_left_follows_the_pace_so_far() {
        let s = Duration::from_secs;
        assert_eq!(time_left(0, 10, s(5)), None);
        assert_eq!(time_left(1, 10, s(5)), Some(s(45)));
        assert_eq!(time_left(10, 10, s(5)), Some(s(0)));
    }

    #[test]
    fn durations_read_in_seconds_minutes_or_hours() {
        let s = Duration::from_secs;
        assert_eq!(duration(s(0)), "0 s");
        assert_eq!(duration(Duration::from_millis(59_400)), "59 s");
        assert_eq!(duration(s(60)), "1 min 00 s");
        assert_eq!(duration(s(3599)), "59 min 59 s");
        assert_eq!(duration(s(3600 * 2 + 60 * 5 + 30)), "2 h 05 min");
    }

    #[test]
    fn counted_lines_pass_through_unchanged_and_draw_nothing_off_a_terminal() {
        let mut w = CountLines::new(Vec::new(), 1, Progress::new("t", 3, "cycles", false));
        w.write_all(b"header\na\nb\nc\n").unwrap();
        assert_eq!(w.lines, 4);
        assert!(!w.progress.shown());
        assert_eq!(w.inner, b"header\na\nb\nc\n");
    }
}
