//! Text waves for a quick look in a terminal: one column per cycle (or
//! several cycles per column when the window is wider than the terminal),
//! bits as levels, buses as labelled segments, and the transitions found.

use crate::names::{text, Format};
use crate::reader::Value;
use crate::view::View;

/// The width of the terminal on standard output: the `TIOCGWINSZ` size,
/// else `$COLUMNS`, else 120.
pub fn terminal_width() -> usize {
    // SAFETY: TIOCGWINSZ fills a `winsize` on a terminal and fails otherwise.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) } == 0;
    if ok && ws.ws_col > 20 {
        return ws.ws_col as usize;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&c: &usize| c > 20)
        .unwrap_or(120)
}

const HIGH: char = '▔';
const LOW: char = '▁';
const RISE: char = '╱';
const FALL: char = '╲';

fn fit(label: &str, room: usize, hex: bool) -> String {
    let n = label.chars().count();
    if n <= room {
        return format!("{label:<room$}");
    }
    if room == 0 {
        return String::new();
    }
    if room == 1 {
        return "…".into();
    }
    let keep = room - 1;
    if hex {
        let tail: String = label.chars().skip(n - keep).collect();
        format!("…{tail}")
    } else {
        let head: String = label.chars().take(keep).collect();
        format!("{head}…")
    }
}

/// Render `view` in `width` columns.
pub fn render(view: &View, width: usize) -> String {
    let label_w = view
        .groups
        .iter()
        .flat_map(|g| g.rows.iter().map(|r| r.label.chars().count()))
        .max()
        .unwrap_or(5)
        .clamp(5, 24);
    let area = width.saturating_sub(label_w + 2).max(10);
    let (first, last) = view.cycles.unwrap_or((0, 99));
    let n = (last - first + 1) as usize;
    // Columns per cycle, or cycles per column.
    let (cw, per) = if n <= area {
        ((area / n).min(12), 1)
    } else {
        (1, n.div_ceil(area))
    };
    let cols = n.div_ceil(per) * cw;
    let clocked = view.cycles.is_some();
    let sample = |t: &crate::reader::Trace, c: u64| -> Value {
        if clocked {
            view.sample(t, c).clone()
        } else {
            let time = view.start + (view.end - view.start) * (c - first) / n as u64;
            t.at(time).clone()
        }
    };
    let mut out = String::new();
    out.push_str(&view.title());
    if per > 1 {
        out.push_str(&format!(" ({per} cycles per column)"));
    }
    out.push('\n');
    // Cycle ruler.
    let mut ruler = vec![' '; cols + 12];
    let step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10_000, 100_000]
        .into_iter()
        .find(|s| s * cw / per >= 6)
        .unwrap_or(1_000_000);
    let mut c = first.div_ceil(step as u64) * step as u64;
    while c <= last {
        let col = (c - first) as usize / per * cw;
        for (i, ch) in c.to_string().chars().enumerate() {
            if col + i < ruler.len() {
                ruler[col + i] = ch;
            }
        }
        c += step as u64;
    }
    let ruler: String = ruler.into_iter().collect();
    out.push_str(&format!(
        "{:<label_w$}  {}\n",
        if clocked { "cycle" } else { "" },
        ruler.trim_end()
    ));
    for (group, rows) in view.rows() {
        if !group.name.is_empty() {
            out.push_str(&format!("── {} ", group.name));
            out.push_str(&"─".repeat((label_w + 2 + cols).saturating_sub(group.name.len() + 4)));
            out.push('\n');
        }
        for (row, trace) in rows {
            let vals: Vec<Value> = (first..=last).map(|c| sample(trace, c)).collect();
            let is_clock = view
                .clock_trace
                .as_ref()
                .map(|ct| ct.var == trace.var)
                .unwrap_or(false);
            let line = if is_clock && clocked {
                clock_line(n, cw, per)
            } else if row.format == Format::Bit {
                bit_line(&vals, cw, per)
            } else {
                bus_line(&vals, row.format, cw, per)
            };
            out.push_str(&format!(
                "{:<label_w$}  {}\n",
                fit(&row.label, label_w, false).trim_end(),
                line
            ));
        }
    }
    if !view.transitions.is_empty() {
        out.push_str("── transitions\n");
        for t in &view.transitions {
            out.push_str(&format!("{t}\n"));
        }
    }
    if let Some(note) = &view.note {
        out.push_str(&format!("({note})\n"));
    }
    out
}

fn clock_line(n: usize, cw: usize, per: usize) -> String {
    let mut s = String::new();
    for _ in 0..n.div_ceil(per) {
        match cw {
            1 => s.push(RISE),
            _ => {
                s.push(RISE);
                let high = (cw - 1) / 2;
                for _ in 0..high {
                    s.push(HIGH);
                }
                s.push(FALL);
                for _ in 0..cw.saturating_sub(high + 2) {
                    s.push(LOW);
                }
            }
        }
    }
    s
}

fn bit_line(vals: &[Value], cw: usize, per: usize) -> String {
    let mut s = String::new();
    let mut prev: Option<Option<bool>> = None;
    for chunk in vals.chunks(per) {
        let bits: Vec<Option<bool>> = chunk.iter().map(|v| v.bit()).collect();
        let last = *bits.last().unwrap_or(&None);
        let changes = bits.windows(2).filter(|w| w[0] != w[1]).count();
        let level = |b: Option<bool>| match b {
            Some(true) => HIGH,
            Some(false) => LOW,
            None => 'x',
        };
        let first_ch = match (prev, bits[0]) {
            _ if changes > 0 => '┃',
            (Some(Some(false)), Some(true)) => RISE,
            (Some(Some(true)), Some(false)) => FALL,
            (_, b) => level(b),
        };
        s.push(first_ch);
        for _ in 1..cw {
            s.push(level(last));
        }
        prev = Some(last);
    }
    s
}

fn bus_line(vals: &[Value], format: Format, cw: usize, per: usize) -> String {
    // Segments of equal values, in columns.
    let cols: Vec<(Value, bool)> = vals
        .chunks(per)
        .enumerate()
        .map(|(i, chunk)| {
            let changed_inside = chunk.windows(2).any(|w| w[0] != w[1]);
            let changed = i > 0 && vals[i * per - 1] != chunk[0];
            (chunk[chunk.len() - 1].clone(), changed || changed_inside)
        })
        .collect();
    let mut s = String::new();
    let mut i = 0;
    while i < cols.len() {
        let mut j = i + 1;
        while j < cols.len() && !cols[j].1 {
            j += 1;
        }
        let width = (j - i) * cw;
        let label = text(format, &cols[i].0);
        let hex = matches!(format, Format::Hex);
        s.push(if i == 0 { '│' } else { '╳' });
        s.push_str(&fit(&label, width - 1, hex));
        i = j;
    }
    s
}
