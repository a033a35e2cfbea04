//! A picture of a window, as SVG written by hand: the clock, bits as
//! waves, buses as labelled segments (a value cut to fit carries its full
//! text in a `<title>`), groups, a cycle ruler above and below, markers
//! naming the transitions found (entry, ERET, frame push and pop), and a
//! legend of the colours.

use crate::names::{text, Format};
use crate::reader::{Trace, Value};
use crate::summary::Kind;
use crate::view::View;
use std::fmt::Write;

const LABEL_W: f64 = 150.0;
const ROW_H: f64 = 22.0;
const GROUP_H: f64 = 18.0;
const CHAR_W: f64 = 6.6;
const MARKER_LANES: usize = 3;
/// Height of the ruler below the rows and of the legend under it.
const FOOT_H: f64 = 18.0 + 24.0;

/// Colour of a transition's marker and band.
fn color(kind: Kind) -> &'static str {
    match kind {
        Kind::Entry => "#c0392b",
        Kind::Eret => "#2257a8",
        Kind::BusError | Kind::Shutdown => "#e67e22",
        Kind::Reset => "#888888",
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn fit(label: &str, room_px: f64, hex: bool) -> Option<String> {
    let room = (room_px / CHAR_W).floor() as usize;
    let n = label.chars().count();
    if n <= room {
        return Some(label.to_string());
    }
    if room < 2 {
        return None;
    }
    Some(if hex {
        format!(
            "…{}",
            label.chars().skip(n - (room - 1)).collect::<String>()
        )
    } else {
        format!("{}…", label.chars().take(room - 1).collect::<String>())
    })
}

/// Render `view` as an SVG document.
pub fn render(view: &View) -> String {
    let span = view.span();
    let px = (1100.0 / span).clamp(4.0, 48.0);
    let plot_w = span * px;
    let width = (LABEL_W + plot_w + 20.0).max(MIN_WIDTH);
    let legend_at = legend_layout(width);
    let legend_lines = legend_at
        .iter()
        .map(|(_, line)| line + 1)
        .max()
        .unwrap_or(1);
    let x = |t: u64| LABEL_W + view.pos(t) * px;
    let rows = view.rows();
    let n_rows: usize = rows.iter().map(|(_, r)| r.len()).sum();
    let n_groups = rows.iter().filter(|(g, _)| !g.name.is_empty()).count();
    let markers_h = 16.0 * MARKER_LANES as f64 + 8.0;
    let top = 24.0 + 18.0 + markers_h;
    let rows_end = top + n_rows as f64 * ROW_H + n_groups as f64 * GROUP_H;
    let height = rows_end + FOOT_H + LEGEND_LINE_H * (legend_lines - 1) as f64 + 10.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="11">"#
    );
    let _ = writeln!(
        s,
        r##"<rect width="100%" height="100%" fill="#ffffff"/><text x="8" y="16" font-size="13" font-weight="bold">{}</text>"##,
        esc(&view.title())
    );
    // Ruler and grid.
    let ruler_y = 24.0 + 14.0;
    if let (Some(clock), Some((first, last))) = (&view.clock, view.cycles) {
        let step = [1u64, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
            .into_iter()
            .find(|st| *st as f64 * px >= 36.0)
            .unwrap_or(10_000);
        for c in first..=last + 1 {
            let Some(t) = clock.edge(c) else { break };
            let xx = x(t);
            let major = c % step == 0;
            let _ = writeln!(
                s,
                r##"<line x1="{xx:.1}" y1="{:.1}" x2="{xx:.1}" y2="{:.1}" stroke="{}" stroke-width="1"/>"##,
                if major { ruler_y + 4.0 } else { top },
                if major { rows_end + 6.0 } else { rows_end },
                if major { "#d8d8d8" } else { "#f0f0f0" }
            );
            if major && c <= last {
                for y in [ruler_y, rows_end + 16.0] {
                    let _ = writeln!(
                        s,
                        r##"<text x="{:.1}" y="{y:.1}" fill="#666">{c}</text>"##,
                        xx + 2.0
                    );
                }
            }
        }
        for y in [ruler_y, rows_end + 16.0] {
            let _ = writeln!(s, r##"<text x="8" y="{y:.1}" fill="#666">cycle</text>"##);
        }
    }
    legend(&mut s, rows_end + FOOT_H, &legend_at);
    // Transition markers: framed spans as bands, completion edges as lines.
    let mut lanes = [f64::MIN; MARKER_LANES];
    for tr in &view.transitions {
        let Some(clock) = &view.clock else { break };
        let (Some(ta), Some(tc)) = (clock.edge(tr.accepted), clock.edge(tr.completed)) else {
            continue;
        };
        let (xa, xc) = (x(ta.max(view.start)), x(tc.min(view.end)));
        let color = color(tr.kind);
        if tr.framed && xc > xa {
            let _ = writeln!(
                s,
                r##"<rect x="{xa:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="{color}" fill-opacity="0.07"/>"##,
                xc - xa,
                rows_end - top
            );
        }
        if tr.kind == Kind::Reset {
            continue;
        }
        let mut text = tr.marker();
        if tr.begun_before_window {
            text.insert(0, '…');
        }
        let label = esc(&text);
        let w = text.chars().count() as f64 * CHAR_W;
        // Right of its line, or left of it where it would leave the picture.
        let (lx, anchor, from, to) = if xc + 3.0 + w <= width - 2.0 {
            (xc + 3.0, "start", xc, xc + w + 6.0)
        } else {
            (xc - 3.0, "end", xc - w - 6.0, xc)
        };
        let lane = lanes
            .iter()
            .position(|&end| end < from)
            .unwrap_or(MARKER_LANES - 1);
        lanes[lane] = to;
        let ly = 24.0 + 18.0 + 14.0 + lane as f64 * 16.0;
        let _ = writeln!(
            s,
            r##"<line x1="{xc:.1}" y1="{:.1}" x2="{xc:.1}" y2="{:.1}" stroke="{color}" stroke-width="1.2" stroke-dasharray="4 3"/><text x="{lx:.1}" y="{ly:.1}" fill="{color}" font-weight="bold" text-anchor="{anchor}"><title>{}</title>{label}</text>"##,
            ly - 10.0,
            rows_end,
            esc(&tr.to_string())
        );
    }
    // Rows.
    let mut y = top;
    for (group, rows) in rows {
        if !group.name.is_empty() {
            let _ = writeln!(
                s,
                r##"<rect x="0" y="{y:.1}" width="{width:.0}" height="{GROUP_H}" fill="#eef1f5"/><text x="6" y="{:.1}" font-weight="bold" fill="#334">{}</text>"##,
                y + 13.0,
                esc(group.name)
            );
            y += GROUP_H;
        }
        for (row, trace) in rows {
            let _ = writeln!(
                s,
                r##"<text x="8" y="{:.1}">{}</text>"##,
                y + 15.0,
                esc(&row.label)
            );
            if row.format == Format::Bit {
                draw_bit(&mut s, view, trace, y, &x);
            } else {
                draw_bus(&mut s, view, trace, row.format, y, &x);
            }
            y += ROW_H;
        }
    }
    s.push_str("</svg>\n");
    s
}

/// The legend's items: the colour of a kind, or none.
const LEGEND: [(Option<Kind>, &str); 5] = [
    (Some(Kind::Entry), "entry (band: frame push)"),
    (Some(Kind::Eret), "ERET (band: frame pop)"),
    (Some(Kind::BusError), "bus error, shutdown"),
    (None, "unknown (x)"),
    (
        None,
        "… cut value (hover: full), or begun before the window",
    ),
];

/// Narrowest picture: the title and a few legend items fit.
const MIN_WIDTH: f64 = 560.0;
/// Height of a line of the legend.
const LEGEND_LINE_H: f64 = 18.0;

/// Width of legend item `i`: swatch, text and the gap after it.
fn legend_item_width(i: usize) -> f64 {
    let (k, l) = LEGEND[i];
    let swatch = if k.is_some() || i == 3 { 22.0 } else { 0.0 };
    swatch + l.chars().count() as f64 * CHAR_W + 18.0
}

/// Where each legend item goes in a picture `width` wide: its x and its
/// line, wrapping to the next line where it would leave the picture.
fn legend_layout(width: f64) -> Vec<(f64, usize)> {
    let (mut x, mut line) = (8.0, 0);
    (0..LEGEND.len())
        .map(|i| {
            let w = legend_item_width(i);
            if x > 8.0 && x + w - 18.0 > width - 4.0 {
                (x, line) = (8.0, line + 1);
            }
            let at = (x, line);
            x += w;
            at
        })
        .collect()
}

/// The legend under the picture: what the colours, bands and lines mean.
fn legend(s: &mut String, y0: f64, layout: &[(f64, usize)]) {
    for (i, ((kind, label), &(x, line))) in LEGEND.into_iter().zip(layout).enumerate() {
        let y = y0 + line as f64 * LEGEND_LINE_H;
        let top = y - 10.0;
        match kind {
            Some(k) => {
                let c = color(k);
                let _ = writeln!(
                    s,
                    r##"<rect x="{x:.1}" y="{top:.1}" width="16" height="12" fill="{c}" fill-opacity="0.15"/><line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{c}" stroke-width="1.2" stroke-dasharray="4 3"/>"##,
                    x + 8.0,
                    y - 12.0,
                    x + 8.0,
                    y + 3.0
                );
            }
            None if i == 3 => {
                let _ = writeln!(
                    s,
                    r##"<rect x="{x:.1}" y="{top:.1}" width="16" height="12" fill="#f4c7c3"/>"##
                );
            }
            None => {}
        }
        let tx = if kind.is_some() || i == 3 {
            x + 22.0
        } else {
            x
        };
        let _ = writeln!(
            s,
            r##"<text x="{tx:.1}" y="{y:.1}" fill="#333">{}</text>"##,
            esc(label)
        );
    }
}

fn segments<'a>(view: &View, trace: &'a Trace) -> Vec<(u64, u64, &'a Value)> {
    let mut out = Vec::new();
    let ch = &trace.changes;
    for (i, (t, v)) in ch.iter().enumerate() {
        let t0 = (*t).max(view.start);
        let t1 = ch
            .get(i + 1)
            .map(|(n, _)| *n)
            .unwrap_or(view.end)
            .min(view.end);
        if t1 > t0 || (t1 == t0 && i + 1 == ch.len() && out.is_empty()) {
            out.push((t0, t1, v));
        }
    }
    out
}

fn draw_bit(s: &mut String, view: &View, trace: &Trace, y: f64, x: &dyn Fn(u64) -> f64) {
    let (hi, lo) = (y + 4.0, y + ROW_H - 5.0);
    let mut pts = String::new();
    for (t0, t1, v) in segments(view, trace) {
        let (x0, x1) = (x(t0), x(t1));
        match v.bit() {
            Some(b) => {
                let yy = if b { hi } else { lo };
                let _ = write!(pts, "{x0:.1},{yy:.1} {x1:.1},{yy:.1} ");
            }
            None => {
                if !pts.is_empty() {
                    let _ = writeln!(
                        s,
                        r##"<polyline points="{pts}" fill="none" stroke="#1b7a3a" stroke-width="1.5"/>"##
                    );
                    pts.clear();
                }
                let _ = writeln!(
                    s,
                    r##"<rect x="{x0:.1}" y="{hi:.1}" width="{:.1}" height="{:.1}" fill="#f4c7c3"/>"##,
                    (x1 - x0).max(0.5),
                    lo - hi
                );
            }
        }
    }
    if !pts.is_empty() {
        let _ = writeln!(
            s,
            r##"<polyline points="{pts}" fill="none" stroke="#1b7a3a" stroke-width="1.5"/>"##
        );
    }
}

fn draw_bus(
    s: &mut String,
    view: &View,
    trace: &Trace,
    format: Format,
    y: f64,
    x: &dyn Fn(u64) -> f64,
) {
    let (hi, lo, mid) = (y + 3.0, y + ROW_H - 4.0, y + ROW_H / 2.0 - 0.5);
    for (t0, t1, v) in segments(view, trace) {
        let (x0, x1) = (x(t0), x(t1));
        if x1 - x0 < 0.5 {
            continue;
        }
        let k = 3.0f64.min((x1 - x0) / 2.0);
        let unknown = v.as_u64().is_none();
        let fill = if unknown {
            "#f4c7c3"
        } else if v.as_u64() == Some(0) {
            "#ffffff"
        } else {
            "#e8f4ec"
        };
        let _ = writeln!(
            s,
            r##"<polygon points="{x0:.1},{mid:.1} {:.1},{hi:.1} {:.1},{hi:.1} {x1:.1},{mid:.1} {:.1},{lo:.1} {:.1},{lo:.1}" fill="{fill}" stroke="#1b7a3a" stroke-width="1"/>"##,
            x0 + k,
            x1 - k,
            x1 - k,
            x0 + k
        );
        let label = text(format, v);
        let shown = fit(&label, x1 - x0 - 2.0 * k - 2.0, format == Format::Hex);
        if shown.as_deref() != Some(label.as_str()) {
            // Cut or left out: the full value shows on hovering the segment.
            let _ = writeln!(
                s,
                r##"<rect x="{x0:.1}" y="{hi:.1}" width="{:.1}" height="{:.1}" fill="none" pointer-events="all"><title>{}</title></rect>"##,
                x1 - x0,
                lo - hi,
                esc(&label)
            );
        }
        if let Some(l) = shown {
            let _ = writeln!(
                s,
                r##"<text x="{:.1}" y="{:.1}">{}</text>"##,
                x0 + k + 1.0,
                y + 15.0,
                esc(&l)
            );
        }
    }
}

/// The fonts a picture is drawn with: DejaVu Sans Mono, embedded, so that
/// text renders the same everywhere without system fonts.
fn fonts() -> resvg::usvg::Options<'static> {
    let mut opt = resvg::usvg::Options::default();
    let db = opt.fontdb_mut();
    db.load_font_data(dejavu::sans_mono::regular().to_vec());
    db.load_font_data(dejavu::sans_mono::bold().to_vec());
    db.set_monospace_family("DejaVu Sans Mono");
    db.set_sans_serif_family("DejaVu Sans Mono");
    opt.font_family = "DejaVu Sans Mono".into();
    opt
}

/// Most pixels a PNG may have (4 bytes each while drawing).
pub const MAX_PNG_PIXELS: u64 = 64_000_000;

/// `svg` rasterised into a PNG at `scale` pixels per SVG unit.
pub fn to_png(svg: &str, scale: f32) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context;
    use resvg::tiny_skia;
    let tree = resvg::usvg::Tree::from_str(svg, &fonts()).context("cannot read back the SVG")?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    if w as u64 * h as u64 > MAX_PNG_PIXELS {
        anyhow::bail!(
            "a {w}x{h} PNG is more than {} megapixels: narrow the window with --from/--to or lower --png-scale",
            MAX_PNG_PIXELS / 1_000_000
        );
    }
    let mut pixmap = tiny_skia::Pixmap::new(w, h).with_context(|| {
        format!("a {w}x{h} picture is too large to draw: narrow it with --from/--to")
    })?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().context("cannot encode the PNG")
}

/// Decode a PNG (as [`to_png`] writes it) into its pixels.
pub fn decode_png(png: &[u8]) -> anyhow::Result<resvg::tiny_skia::Pixmap> {
    resvg::tiny_skia::Pixmap::decode_png(png).map_err(|e| anyhow::anyhow!("not a PNG: {e}"))
}
