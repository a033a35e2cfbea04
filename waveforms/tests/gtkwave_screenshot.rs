//! GTKWave itself, headless (`xvfb-run`), on a save file as `ptu sim`
//! writes it: it must open on the whole trace from time 0 with the named
//! markers at the transitions, and its own screenshot (`Grab_To_File`)
//! must show waves in the trace area.
//!
//! Needs `gtkwave` and `xvfb-run`: `./setup.sh`.

use ptu_arch::PtuConfig;
use ptu_waveforms::gtkw::{self, SIZE};
use ptu_waveforms::reader::Vcd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn scratch() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gtkwave-screenshot");
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The shipped nested-fault scenario on rust-hdl's simulator: its VCD
/// and the save file beside it.
fn nested_fault(dir: &Path) -> (PathBuf, PathBuf) {
    let scn =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../testbenches/scenarios/nested-fault.scn");
    let s = ptu_sim::scenario::load(&scn).unwrap();
    let vcd = dir.join("nested-fault.vcd");
    s.run_rtl(&PtuConfig::default(), Some(&vcd)).unwrap();
    let g = ptu_waveforms::write_gtkw(&vcd).unwrap();
    (vcd, g)
}

/// Runs GTKWave on `save` under Xvfb (a screen of the save file's
/// `[size]`) with `script`, at most 20 s; its output.
fn gtkwave(save: &Path, script: &Path) -> String {
    for tool in ["xvfb-run", "gtkwave"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            found,
            "{tool} not found: run ./setup.sh (it installs the Debian packages gtkwave, xvfb, xauth)"
        );
    }
    let out = script.with_extension("log");
    let mut child = Command::new("xvfb-run")
        .args([
            "-a",
            "-s",
            &format!("-screen 0 {}x{}x24", SIZE.0, SIZE.1),
            "gtkwave",
            "--script",
        ])
        .arg(script)
        .arg(save)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("xvfb-run gtkwave");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gtkwave did not quit within 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(status.success(), "gtkwave: {status}: {text}");
    text
}

#[test]
fn gtkwave_opens_the_save_file_on_the_whole_trace_with_markers_and_draws_it() {
    let dir = scratch();
    let (vcd, save) = nested_fault(&dir);
    let file = Vcd::open(&vcd).unwrap();
    let end = file.end_time as f64;

    // The save file: from time 0, zoomed to the whole trace, named
    // markers at the transitions.
    let text = std::fs::read_to_string(&save).unwrap();
    assert!(text.contains("\n[timestart] 0\n"), "{text}");
    assert!(
        text.contains(&format!("\n[size] {} {}\n", SIZE.0, SIZE.1)),
        "{text}"
    );
    let star: Vec<&str> = text
        .lines()
        .find(|l| l.starts_with('*'))
        .expect("a zoom line")[1..]
        .split(' ')
        .collect();
    let zoom: f64 = star[0].parse().unwrap();
    let shown = gtkw::span_shown(zoom);
    assert!((shown - end).abs() <= end * 0.001, "{shown} {end}");
    let markers: Vec<u64> = star[2..]
        .iter()
        .filter(|m| **m != "-1")
        .map(|m| m.parse().unwrap())
        .collect();
    assert!(markers.len() >= 3, "{star:?}");
    assert!(markers.windows(2).all(|w| w[0] < w[1]), "{markers:?}");
    assert!(
        text.contains("\n[markername_long] B entry SYSCALL\n"),
        "{text}"
    );

    // GTKWave opens on that: the whole trace, the same markers.
    let shot = dir.join("shot.png");
    let script = dir.join("shot.tcl");
    std::fs::write(
        &script,
        format!(
            "puts \"VIEW [gtkwave::getWindowStartTime] [gtkwave::getWindowEndTime]\"\n\
             foreach m {{A B C}} {{ puts \"NAMED $m [gtkwave::getNamedMarker $m]\" }}\n\
             gtkwave::/File/Grab_To_File {}\n\
             gtkwave::/File/Quit\n",
            shot.display()
        ),
    )
    .unwrap();
    let out = gtkwave(&save, &script);
    let view: Vec<f64> = out
        .lines()
        .find_map(|l| l.strip_prefix("VIEW "))
        .unwrap_or_else(|| panic!("{out}"))
        .split(' ')
        .map(|x| x.parse().unwrap())
        .collect();
    assert_eq!(view[0], 0.0, "{out}");
    // All of the trace and not much more: GTKWave fills the wave area.
    assert!(
        view[1] >= end * 0.995 && view[1] <= end * 1.05,
        "GTKWave shows 0..{} of a trace of {end}: {out}",
        view[1]
    );
    for (letter, at) in ["A", "B", "C"].iter().zip(&markers) {
        assert!(out.contains(&format!("NAMED {letter} {at}\n")), "{out}");
    }

    // The screenshot: the window, with waves drawn in the trace area (to
    // the right of the hierarchy and signal panes).
    let png = ptu_waveforms::svg::decode_png(&std::fs::read(&shot).unwrap()).unwrap();
    let (w, h) = (png.width(), png.height());
    assert!(w >= SIZE.0 - 10 && h >= SIZE.1 - 10, "{w}x{h}");
    let left = 240 + 260 + 20;
    let (top, bottom) = (150, h - 100);
    let pixel = |x: u32, y: u32| png.pixel(x, y).map(|p| (p.red(), p.green(), p.blue()));
    let mut counts = std::collections::HashMap::new();
    for y in top..bottom {
        for x in left..w - 30 {
            *counts.entry(pixel(x, y)).or_insert(0u64) += 1;
        }
    }
    let total: u64 = counts.values().sum();
    let (background, n) = counts.iter().max_by_key(|(_, n)| **n).unwrap();
    let drawn = total - n;
    assert!(
        drawn * 100 >= total * 3,
        "only {drawn} of {total} pixels of the trace area differ from its background {background:?}"
    );
    // Waves across the whole width, not only at its left edge.
    let third = (w - 30 - left) / 3;
    for k in 0..3 {
        let x0 = left + k * third;
        let differs = (top..bottom)
            .flat_map(|y| (x0..x0 + third).map(move |x| (x, y)))
            .filter(|&(x, y)| pixel(x, y) != *background)
            .count();
        assert!(differs > 1000, "third {k} of the trace area is blank");
    }
}
