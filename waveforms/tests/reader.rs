//! The VCD reader on files of other producers' shape, its one-line errors
//! for bad input, its speed on a 10^6-cycle file, and the shipped GTKWave
//! filter files.

use ptu_arch::{Dir, PORTS};
use ptu_waveforms::cli::{self, WaveArgs};
use ptu_waveforms::reader::{Value, Vcd};
use ptu_waveforms::summary::Kind;
use ptu_waveforms::view::{Bound, Choice, View};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ptu-waveforms-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Identifier code number `n` (printable, like other writers make them).
fn code(n: usize) -> String {
    let mut n = n;
    let mut s = String::new();
    loop {
        s.push((b'!' + (n % 94) as u8) as char);
        n /= 94;
        if n == 0 {
            break;
        }
        n -= 1;
    }
    s
}

/// A VCD shaped like an Icarus/Verilator dump: the `ptu` ports inside
/// `tb.core.u_ptu` (and a same-named `clock` in `tb`), with a 20 ns
/// clock, where every 100 cycles a SYSCALL enters the kernel for 10
/// cycles. `cpl`, `redirect`, `rip` and `event_info` move; the others stay
/// 0 after `$dumpvars`.
fn synthetic(path: &Path, cycles: u64) {
    let mut h = String::from("$date today $end\n$version synthetic $end\n$timescale 1ns $end\n");
    h.push_str("$scope module tb $end\n$var reg 1 ! clock $end\n$scope module core $end\n$scope module u_ptu $end\n");
    let mut ids = std::collections::HashMap::new();
    for (i, (name, _, width)) in PORTS.iter().enumerate() {
        let id = if *name == "clock" {
            "!".to_string()
        } else {
            code(i + 1)
        };
        let range = if *width > 1 {
            format!(" [{}:0]", width - 1)
        } else {
            String::new()
        };
        writeln!(h, "$var wire {width} {id} {name}{range} $end").unwrap();
        ids.insert(*name, (id, *width));
    }
    h.push_str(
        "$upscope $end\n$upscope $end\n$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n",
    );
    for (name, _, _) in PORTS.iter() {
        let (id, w) = &ids[name];
        if *w == 1 {
            writeln!(h, "0{id}").unwrap();
        } else {
            writeln!(h, "b0 {id}").unwrap();
        }
    }
    h.push_str("$end\n");
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(h.as_bytes()).unwrap();
    let (cpl, redirect, rip, info) = (
        &ids["cpl"].0,
        &ids["redirect"].0,
        &ids["rip"].0,
        &ids["event_info"].0,
    );
    let syscall_info = ptu_arch::event_info::pack(ptu_arch::event_type::OTHER, 0, 0, true, false);
    let mut s = String::new();
    for c in 0..cycles {
        s.clear();
        // Edge c at 20c + 10, clock low at 20c + 20.
        writeln!(s, "#{}\n1!", 20 * c + 10).unwrap();
        match c % 100 {
            50 => writeln!(s, "b0 {cpl}\n1{redirect}\nb{syscall_info:b} {info}").unwrap(),
            60 => writeln!(s, "b11 {cpl}\n1{redirect}").unwrap(),
            51 | 61 => writeln!(s, "0{redirect}").unwrap(),
            _ => {}
        }
        writeln!(s, "b{:b} {rip}", 0x40_0000 + 4 * c).unwrap();
        writeln!(s, "#{}\n0!", 20 * c + 20).unwrap();
        f.write_all(s.as_bytes()).unwrap();
    }
    f.flush().unwrap();
}

#[test]
fn a_ptu_inside_a_testbench_scope_is_found_and_summarised() {
    let d = scratch("any-producer");
    let p = d.join("tb.vcd");
    synthetic(&p, 400);
    let vcd = Vcd::open(&p).unwrap();
    assert_eq!(
        ptu_waveforms::names::find_ptu(&vcd).as_deref(),
        Some("tb.core.u_ptu")
    );
    let text = cli::summary_text(&p, None, None).unwrap();
    assert!(
        text.contains("cycle    49      entry  SYSCALL from user"),
        "{text}"
    );
    assert!(text.contains("cycle    59      ERET   unframed"), "{text}");
    assert!(
        text.contains("4 entries (0 framed), 4 ERETs (0 framed), 0 bus errors, 0 resets"),
        "{text}"
    );
    // Leaf names and paths relative to the instance resolve.
    let v = View::load(
        &p,
        &Choice {
            signals: vec![
                "cpl".into(),
                "u_ptu.rip".into(),
                "tb.core.u_ptu.redirect".into(),
            ],
            from: Some(Bound::Cycle(45)),
            to: Some(Bound::Cycle(64)),
        },
        None,
    )
    .unwrap();
    assert_eq!(v.cycles, Some((45, 64)));
    let kinds: Vec<Kind> = v.transitions.iter().map(|t| t.kind).collect();
    assert_eq!(kinds, [Kind::Entry, Kind::Eret]);
    let term = ptu_waveforms::term::render(&v, 100);
    assert!(term.contains("user") && term.contains("kernel"), "{term}");
    // A time window: 1000 ns is inside cycle 49.
    let v = View::load(
        &p,
        &Choice {
            from: Some("1000ns".parse().unwrap()),
            to: Some("1.3us".parse().unwrap()),
            ..Choice::default()
        },
        None,
    )
    .unwrap();
    assert_eq!(v.cycles, Some((49, 64)));
}

#[test]
fn a_window_of_a_million_cycle_file_reads_the_right_values() {
    // Speed is a benchmark, not a test: the time is printed, not asserted.
    let d = scratch("large");
    let p = d.join("large.vcd");
    synthetic(&p, 1_000_000);
    for from in [100u64, 500_000, 999_700] {
        let t = Instant::now();
        let v = View::load(
            &p,
            &Choice {
                from: Some(Bound::Cycle(from)),
                to: Some(Bound::Cycle(from + 199)),
                ..Choice::default()
            },
            None,
        )
        .unwrap();
        let svg = ptu_waveforms::svg::render(&v);
        let secs = t.elapsed().as_secs_f64();
        eprintln!("window at cycle {from}: loaded and rendered in {secs:.3} s");
        assert_eq!(v.cycles, Some((from, from + 199)));
        // The values at the window start come from before it: rip counts
        // cycles, and shutdown (never changed since $dumpvars) reads 0.
        let rip = v
            .rows()
            .iter()
            .flat_map(|(_, r)| r.clone())
            .find(|(r, _)| r.label == "rip")
            .unwrap()
            .1;
        assert_eq!(v.sample(rip, from), &Value::Bits(0x40_0000 + 4 * from));
        let shutdown = v
            .rows()
            .iter()
            .flat_map(|(_, r)| r.clone())
            .find(|(r, _)| r.label == "shutdown")
            .unwrap()
            .1;
        assert_eq!(v.sample(shutdown, from), &Value::Bits(0));
        assert_eq!(v.transitions.len(), 4, "{:?}", v.transitions);
        assert!(svg.contains("entry SYSCALL"));
    }
}

fn err<T>(r: anyhow::Result<T>) -> String {
    let Err(e) = r else {
        panic!("expected an error")
    };
    let e = format!("{e:#}");
    assert!(!e.contains('\n'), "not one line: {e}");
    e
}

fn small(d: &Path) -> (PathBuf, String) {
    let p = d.join("small.vcd");
    synthetic(&p, 120);
    let text = std::fs::read_to_string(&p).unwrap();
    (p, text)
}

#[test]
fn bad_input_gives_one_clear_line() {
    let d = scratch("errors");
    let (good, text) = small(&d);

    let cut = d.join("cut.vcd");
    std::fs::write(&cut, &text[..text.len() - 7]).unwrap();
    let e = err(Vcd::open(&cut));
    assert!(e.contains("truncated VCD"), "{e}");

    let header = d.join("header.vcd");
    std::fs::write(&header, &text[..text.find("$enddefinitions").unwrap()]).unwrap();
    let e = err(Vcd::open(&header));
    assert!(
        e.contains("truncated VCD: the file ends inside its header"),
        "{e}"
    );

    let bad = d.join("bad.vcd");
    std::fs::write(&bad, text.replacen("#30\n", "#30\n?? what\n", 1)).unwrap();
    let e = err(View::load(&bad, &Choice::default(), None));
    assert!(
        e.contains("malformed VCD: unexpected character") && e.contains("bad.vcd:"),
        "{e}"
    );

    let undeclared = d.join("undeclared.vcd");
    std::fs::write(&undeclared, text.replacen("#30\n", "#30\n1~~~\n", 1)).unwrap();
    let e = err(View::load(&undeclared, &Choice::default(), None));
    assert!(e.contains("which no $var declares"), "{e}");

    let backwards = d.join("backwards.vcd");
    std::fs::write(&backwards, text.replacen("#50\n", "#5\n", 1)).unwrap();
    let e = err(View::load(&backwards, &Choice::default(), None));
    assert!(e.contains("time goes backwards"), "{e}");

    let empty = d.join("empty.vcd");
    std::fs::write(&empty, "").unwrap();
    assert!(err(Vcd::open(&empty)).contains("empty file"));
    assert!(err(Vcd::open(&d.join("missing.vcd"))).contains("cannot open"));

    let choice = |signals: &[&str], from, to| Choice {
        signals: signals.iter().map(|s| s.to_string()).collect(),
        from,
        to,
    };
    let e = err(View::load(&good, &choice(&["rpi"], None, None), None));
    assert!(
        e.contains("no signal 'rpi'") && e.contains("close names: tb.core.u_ptu.rip"),
        "{e}"
    );
    let e = err(View::load(
        &good,
        &choice(&[], Some(Bound::Cycle(50)), Some(Bound::Cycle(40))),
        None,
    ));
    assert!(
        e.contains("empty time window: cycle 50 comes after cycle 40"),
        "{e}"
    );
    let e = err(View::load(
        &good,
        &choice(&[], Some(Bound::Cycle(500)), None),
        None,
    ));
    assert!(
        e.contains("empty time window") && e.contains("cycles 0..119"),
        "{e}"
    );
    assert!("12 apples".parse::<Bound>().is_err());

    // Nothing half-written: a failed --svg leaves no file.
    let out = d.join("out.svg");
    let args = WaveArgs {
        file: cut.clone(),
        list: false,
        summary: false,
        json: false,
        svg: Some(out.clone()),
        png: None,
        png_scale: 1.5,
        gtkwave: false,
        write_gtkw: false,
        signals: vec![],
        from: None,
        to: None,
        width: None,
    };
    assert!(cli::run(&args).is_err());
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // And a good one writes the picture and the save file.
    let args = WaveArgs {
        file: good.clone(),
        write_gtkw: true,
        ..args
    };
    cli::run(&args).unwrap();
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("<svg"));
    assert!(good.with_extension("gtkw").exists());
}

#[test]
fn the_shipped_filter_files_are_current() {
    let dir = ptu_waveforms::gtkw::shipped_filters();
    for (name, text) in ptu_waveforms::gtkw::filter_files() {
        let shipped = std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|e| panic!("waveforms/filters/{name}: {e}"));
        assert_eq!(shipped, text, "waveforms/filters/{name} is stale: `ptu wave FILE --write-gtkw` in a folder without filters/ writes current ones");
    }
    // Every output port of SPEC's table is read by the instance finder.
    assert!(PORTS.iter().any(|(_, d, _)| *d == Dir::Out));
}

#[test]
fn a_save_file_for_a_window_opens_on_it() {
    let d = scratch("gtkw-window");
    let p = d.join("tb.vcd");
    synthetic(&p, 400);
    let zoom_and_start = |text: &str| -> (f64, u64) {
        let star = text.lines().find(|l| l.starts_with('*')).unwrap();
        let start = text
            .lines()
            .find_map(|l| l.strip_prefix("[timestart] "))
            .unwrap();
        (
            star[1..].split(' ').next().unwrap().parse().unwrap(),
            start.parse().unwrap(),
        )
    };
    // Cycles 45..64: edges at 20c + 10 ns.
    let g =
        ptu_waveforms::gtkw::write_gtkw_window(&p, Some(Bound::Cycle(45)), Some(Bound::Cycle(64)))
            .unwrap();
    let text = std::fs::read_to_string(&g).unwrap();
    let (zoom, start) = zoom_and_start(&text);
    assert_eq!(start, 20 * 45 + 10);
    let shown = ptu_waveforms::gtkw::span_shown(zoom);
    assert!((shown - 20.0 * 20.0).abs() < 1.0, "{shown}");
    // The entry at cycle 49 (edge 50) and the ERET at 59 (edge 60).
    assert!(
        text.contains("[markername_long] A entry SYSCALL\n"),
        "{text}"
    );
    assert!(text.contains("[markername_long] B ERET\n"), "{text}");
    let star = text.lines().find(|l| l.starts_with('*')).unwrap();
    assert!(star.contains(" -1 1010 1210 -1 "), "{star}");
    // A long file without a window opens on its first cycles.
    let (zoom, start) =
        zoom_and_start(&std::fs::read_to_string(ptu_waveforms::write_gtkw(&p).unwrap()).unwrap());
    assert_eq!(start, 10);
    let shown = ptu_waveforms::gtkw::span_shown(zoom);
    assert!((shown - 20.0 * 200.0).abs() < 1.0, "{shown}");
}

#[test]
fn the_groups_and_translations_show_the_options_ports_and_csrs() {
    // A dump of the unit of preset x86_64-fs-bank: its ports, FS included.
    let fs = ptu_arch::config::preset("x86_64-fs-bank").unwrap().config();
    let dir = scratch("options");
    let path = dir.join("fs.vcd");
    let mut h =
        String::from("$timescale 1ps $end\n$scope module tb $end\n$scope module dut $end\n");
    let ports = fs.ports();
    for (i, (name, _, width)) in ports.iter().enumerate() {
        let range = if *width > 1 {
            format!(" [{}:0]", width - 1)
        } else {
            String::new()
        };
        writeln!(h, "$var wire {width} {} {name}{range} $end", code(i)).unwrap();
    }
    h.push_str("$upscope $end\n$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n");
    for (i, (_, _, width)) in ports.iter().enumerate() {
        if *width == 1 {
            writeln!(h, "0{}", code(i)).unwrap();
        } else {
            writeln!(h, "b0 {}", code(i)).unwrap();
        }
    }
    h.push_str("$end\n#10000\n");
    std::fs::write(&path, h).unwrap();
    let vcd = Vcd::open(&path).unwrap();
    let ptu = ptu_waveforms::names::find_ptu(&vcd).expect("the ptu instance");
    assert_eq!(ptu, "tb.dut");
    let groups = ptu_waveforms::names::default_groups(&vcd, Some(&ptu));
    let renamed = groups
        .iter()
        .find(|g| g.name == "renamed registers")
        .unwrap();
    let labels: Vec<&str> = renamed.rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(
        labels,
        ["rip", "rsp", "gs_base", "fs_base", "fs_we", "fs_wdata"]
    );
    // The default unit's dump has none of them.
    let plain = dir.join("plain.vcd");
    synthetic(&plain, 10);
    let vcd = Vcd::open(&plain).unwrap();
    let ptu = ptu_waveforms::names::find_ptu(&vcd).unwrap();
    let groups = ptu_waveforms::names::default_groups(&vcd, Some(&ptu));
    assert!(groups
        .iter()
        .flat_map(|g| g.rows.iter())
        .all(|r| !r.label.contains("fs")));
    // CSR addresses of the options read as their names.
    use ptu_waveforms::names::{csr_name, text, Format};
    assert_eq!(csr_name(0x06), Some("EVENT_INFO_H"));
    assert_eq!(csr_name(0x08), Some("ENTRY_IRQ"));
    assert_eq!(csr_name(0x13), Some("UFS"));
    assert_eq!(csr_name(0x07), None);
    assert_eq!(text(Format::Csr, &Value::Bits(0x13)), "UFS");
    let filters = ptu_waveforms::gtkw::filter_files();
    let csr = &filters.iter().find(|f| f.0 == "csr.txt").unwrap().1;
    for line in ["06 EVENT_INFO_H", "08 ENTRY_IRQ", "13 UFS", "12 UGS"] {
        assert!(csr.lines().any(|l| l == line), "{line}: {csr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
