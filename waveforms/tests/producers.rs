//! The same scenarios from two producers: rust-hdl's stepping simulator
//! (ptu-sim's `Bench`, design and model in lockstep) and Icarus running the
//! committed `rtl/generated/ptu.v` under the tiny testbench
//! `tests/ptu_wave_tb.v`. Their transition summaries must agree cycle for
//! cycle, their pictures must mark the same transitions at the same
//! places, and GTKWave must load both save files without complaint, with
//! the groups and translations.
//!
//! Needs `iverilog`, `vvp`, `gtkwave` and `xvfb-run`: `./setup.sh`.

use ptu_arch::{vector, Inputs, PtuConfig};
use ptu_sim::bench::{waveforms_dir, Bench};
use ptu_sim::kernel::{self, ENTRY, USER_RIP};
use ptu_waveforms::reader::Vcd;
use ptu_waveforms::summary::{self, Kind, Transition};
use ptu_waveforms::view::{self, Choice, View};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// One step of a scenario: a cycle with these inputs, or idle cycles until
/// the unit is not busy, then one more.
#[derive(Clone, Copy)]
enum Step {
    In(Inputs),
    Settle,
}

struct Scenario {
    name: &'static str,
    steps: Vec<Step>,
    /// Bus answer (0-based) that is an error.
    err_at: Option<u64>,
}

/// The example kernel's boot (`ptu_sim::kernel`), its ERET to user and
/// an idle cycle.
fn boot_to_user() -> Vec<Step> {
    let mut s: Vec<Step> = kernel::boot().into_iter().map(Step::In).collect();
    s.push(Step::In(Inputs::eret()));
    s.push(Step::In(Inputs::default()));
    s
}

fn scenarios() -> Vec<Scenario> {
    let idle = Step::In(Inputs::default());
    let mut syscall = boot_to_user();
    syscall.extend([
        Step::In(Inputs::retire(USER_RIP + 4)),
        Step::In(Inputs::syscall(USER_RIP + 6)),
        Step::In(Inputs::retire(ENTRY + 4)),
        Step::In(Inputs::retire(ENTRY + 8)),
        Step::In(Inputs::eret()),
        idle,
        idle,
    ]);
    let mut nested = boot_to_user();
    nested.extend([
        Step::In(Inputs::syscall(USER_RIP + 2)),
        Step::In(Inputs::retire(ENTRY + 4)),
        Step::In(Inputs::fault(vector::PF, Some(0x2), 0xdead_0000)),
        Step::Settle,
        Step::In(Inputs::retire(ENTRY + 4)),
        Step::In(Inputs::eret()),
        Step::Settle,
        Step::In(Inputs::eret()),
        idle,
        idle,
    ]);
    let mut nmi_mce = boot_to_user();
    nmi_mce.extend([
        Step::In(Inputs {
            nmi: true,
            ..Inputs::default()
        }),
        idle,
        Step::Settle,
        Step::In(Inputs {
            mce: true,
            ..Inputs::default()
        }),
        idle,
        Step::Settle,
        Step::In(Inputs::eret()),
        Step::Settle,
        Step::In(Inputs::eret()),
        Step::Settle,
        idle,
    ]);
    let mut double = boot_to_user();
    double.extend([
        Step::In(Inputs::syscall(USER_RIP + 2)),
        Step::In(Inputs::fault(vector::UD, None, 0)),
        Step::Settle,
        idle,
    ]);
    vec![
        Scenario {
            name: "syscall-roundtrip",
            steps: syscall,
            err_at: None,
        },
        Scenario {
            name: "nested-framed",
            steps: nested,
            err_at: None,
        },
        Scenario {
            name: "nmi-mce",
            steps: nmi_mce,
            err_at: None,
        },
        Scenario {
            name: "double-fault",
            steps: double,
            err_at: Some(1),
        },
    ]
}

/// Run on rust-hdl's simulator in lockstep with the model; its VCD (and,
/// through `RtlSim::finish`, its `.gtkw`) lands in `waveforms/`.
fn run_rust_hdl(s: &Scenario) -> PathBuf {
    let vcd = waveforms_dir().join(format!("producers-{}-rust-hdl.vcd", s.name));
    let mut b = Bench::traced(&vcd, &PtuConfig::default()).expect("bench");
    b.mem.error_at = s.err_at.into_iter().collect();
    for step in &s.steps {
        match step {
            Step::In(i) => {
                b.cycle(*i).expect("rust-hdl cycle");
            }
            Step::Settle => loop {
                let busy = b.now().expect("now").busy;
                b.cycle(Inputs::default()).expect("idle cycle");
                if !busy {
                    break;
                }
            },
        }
    }
    b.finish()
        .expect("finish")
        .expect("a traced bench has a VCD")
}

/// The stimulus line of one step (layout in `tests/ptu_wave_tb.v`).
fn stim_line(step: &Step) -> String {
    let mut bits = [0u64; 8];
    let mut put = |lsb: usize, width: usize, v: u64| {
        for b in 0..width {
            if (v >> b) & 1 == 1 {
                let k = lsb + b;
                bits[k / 64] |= 1 << (k % 64);
            }
        }
    };
    match step {
        Step::Settle => put(13, 1, 1),
        Step::In(i) => {
            for (k, f) in [
                i.reset,
                i.retire,
                i.op_syscall,
                i.op_eret,
                i.csr_re,
                i.csr_we,
                i.exc_valid,
                i.exc_error_valid,
                i.rsp_we,
                i.gs_we,
                i.irq,
                i.nmi,
                i.mce,
            ]
            .iter()
            .enumerate()
            {
                put(k, 1, *f as u64);
            }
            put(16, 8, i.csr_addr as u64);
            put(24, 8, i.exc_vector as u64);
            put(32, 32, i.exc_error as u64);
            put(64, 8, i.irq_vector as u64);
            put(128, 64, i.next_rip);
            put(192, 64, i.csr_wdata);
            put(256, 64, i.exc_data);
            put(320, 64, i.rsp_wdata);
            put(384, 64, i.gs_wdata);
        }
    }
    bits.iter().rev().map(|w| format!("{w:016x}")).collect()
}

fn scratch() -> PathBuf {
    let d = std::env::temp_dir().join(format!("ptu-waveforms-producers-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn tool(name: &str) -> Command {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "{name} not found: run ./setup.sh (it installs the Debian packages iverilog, gtkwave, xvfb, xauth)"
    );
    Command::new(name)
}

/// Run on Icarus; the VCD and its `.gtkw` land in `waveforms/`.
fn run_icarus(s: &Scenario, vvp: &Path, dir: &Path) -> PathBuf {
    let stim = dir.join(format!("{}.hex", s.name));
    let mut text: String = s.steps.iter().map(|st| stim_line(st) + "\n").collect();
    let mut end = [0u64; 8];
    end[0] = 1 << 14;
    text.push_str(
        &end.iter()
            .rev()
            .map(|w| format!("{w:016x}"))
            .collect::<String>(),
    );
    text.push('\n');
    std::fs::write(&stim, text).unwrap();
    let vcd = waveforms_dir().join(format!("producers-{}-icarus.vcd", s.name));
    let mut cmd = tool("vvp");
    cmd.arg(vvp)
        .arg(format!("+stim={}", stim.display()))
        .arg(format!("+vcd={}", vcd.display()));
    if let Some(e) = s.err_at {
        cmd.arg(format!("+err_at={e}"));
    }
    let o = cmd.output().expect("vvp");
    assert!(
        o.status.success(),
        "vvp failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    ptu_waveforms::write_gtkw(&vcd).expect("gtkw for the Icarus VCD");
    vcd
}

/// Every scenario's VCD from both producers, made once per test binary.
fn produced() -> &'static Vec<(&'static str, PathBuf, PathBuf)> {
    static ONCE: OnceLock<Vec<(&'static str, PathBuf, PathBuf)>> = OnceLock::new();
    ONCE.get_or_init(|| {
        let dir = scratch();
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let vvp = dir.join("ptu_wave_tb.vvp");
        // The testbench counts picoseconds (a clock period is 10 ns, as in
        // rust-hdl's VCDs); the unit is given to every module alike.
        let timescale = dir.join("timescale.f");
        std::fs::write(&timescale, "+timescale+1ps/1ps\n").unwrap();
        let o = tool("iverilog")
            .args(["-g2005", "-c"])
            .arg(&timescale)
            .arg("-o")
            .arg(&vvp)
            .arg(root.join("tests/ptu_wave_tb.v"))
            .arg(root.join("../rtl/generated/ptu.v"))
            .output()
            .expect("iverilog");
        assert!(
            o.status.success(),
            "iverilog failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        scenarios()
            .iter()
            .map(|s| (s.name, run_rust_hdl(s), run_icarus(s, &vvp, &dir)))
            .collect()
    })
}

fn transitions(vcd: &Path) -> Vec<Transition> {
    let f = Vcd::open(vcd).unwrap();
    let (ptu, clock) = view::ptu_and_clock(&f).unwrap();
    let clock = clock.expect("a clock");
    let ptu = ptu.unwrap_or_else(|| panic!("no ptu instance in {}", vcd.display()));
    summary::transitions(&f, &ptu, &clock, 0, clock.count() - 1).unwrap()
}

#[test]
fn summaries_of_rust_hdl_and_icarus_agree() {
    for (name, rust, icarus) in produced() {
        let a = transitions(rust);
        let b = transitions(icarus);
        assert_eq!(
            a,
            b,
            "{name}: summaries differ\nrust-hdl:\n{}\nicarus:\n{}",
            a.iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
            b.iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
        let kinds: Vec<Kind> = a.iter().map(|t| t.kind).collect();
        match *name {
            "syscall-roundtrip" => {
                assert_eq!(kinds, [Kind::Reset, Kind::Eret, Kind::Entry, Kind::Eret]);
                assert!(a[1..].iter().all(|t| t.cycles() == 1 && !t.framed));
            }
            "nested-framed" => {
                let framed: Vec<&Transition> = a.iter().filter(|t| t.framed).collect();
                assert_eq!(framed.len(), 2, "{a:?}");
                assert!(framed.iter().all(|t| t.cycles() == 6));
                assert_eq!((framed[0].kind, framed[0].writes), (Kind::Entry, 5));
                assert_eq!((framed[1].kind, framed[1].reads), (Kind::Eret, 5));
            }
            "nmi-mce" => {
                assert_eq!(a.iter().filter(|t| t.framed).count(), 4, "{a:?}");
            }
            "double-fault" => {
                assert!(kinds.contains(&Kind::BusError), "{a:?}");
                let df = a
                    .iter()
                    .find(|t| t.kind == Kind::Entry && t.framed)
                    .unwrap();
                assert_eq!(
                    ptu_arch::event_info::unpack(df.event_info).vector,
                    vector::DF
                );
            }
            _ => {}
        }
    }
}

#[test]
fn pictures_mark_the_same_transitions_at_the_same_places() {
    for (name, rust, icarus) in produced() {
        let marks = |p: &Path| -> Vec<String> {
            let v = View::load(p, &Choice::default(), None).unwrap();
            ptu_waveforms::svg::render(&v)
                .lines()
                .filter(|l| l.contains("stroke-dasharray"))
                .map(str::to_string)
                .collect()
        };
        let (a, b) = (marks(rust), marks(icarus));
        assert!(!a.is_empty(), "{name}: no markers");
        assert_eq!(a, b, "{name}: markers differ");
    }
}

/// Run GTKWave under Xvfb on a save file with a Tcl script that prints
/// every trace and its value at several times.
fn gtkwave_traces(gtkw: &Path) -> String {
    let script = scratch().join("traces.tcl");
    std::fs::write(
        &script,
        r#"set n [gtkwave::getTotalNumTraces]
puts "TRACES $n"
puts "VIEW [gtkwave::getWindowStartTime] [gtkwave::getZoomFactor] [gtkwave::getMaxTime]"
foreach m {A B C D E F} { puts "NAMED $m [gtkwave::getNamedMarker $m]" }
set end [gtkwave::getMaxTime]
for {set t 0} {$t < $end} {incr t 2500} {
  gtkwave::setMarker $t
  for {set i 0} {$i < $n} {incr i} {
    puts "AT $t|[gtkwave::getTraceNameFromIndex $i]|[gtkwave::getTraceValueAtMarkerFromIndex $i]"
  }
}
gtkwave::/File/Quit
"#,
    )
    .unwrap();
    let o = tool("xvfb-run")
        .args(["-a", "gtkwave", "-S"])
        .arg(&script)
        .arg(gtkw)
        .output()
        .expect("xvfb-run gtkwave");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        o.status.success(),
        "gtkwave failed on {}: {text}",
        gtkw.display()
    );
    text
}

#[test]
fn gtkwave_loads_both_save_files_with_groups_and_translations() {
    for (name, rust, icarus) in produced() {
        if *name != "nested-framed" {
            continue;
        }
        for vcd in [rust, icarus] {
            let gtkw = vcd.with_extension("gtkw");
            let saved = std::fs::read_to_string(&gtkw).expect("a .gtkw next to the VCD");
            let out = gtkwave_traces(&gtkw);
            let complaints: Vec<&str> = out
                .lines()
                .filter(|l| !l.starts_with("AT "))
                .filter(|l| {
                    ["Could not", "WARNING", "Error", "cannot"]
                        .iter()
                        .any(|c| l.contains(c))
                })
                .collect();
            assert!(complaints.is_empty(), "{}: {complaints:?}", gtkw.display());
            // Every signal line of the save file is a trace GTKWave found.
            let signals = saved
                .lines()
                .filter(|l| !l.is_empty() && !"[@^-*".contains(&l[..1]))
                .count();
            let groups = saved.lines().filter(|l| l.starts_with('-')).count();
            assert!(
                out.contains(&format!("TRACES {}", signals + groups)),
                "{}: {signals} signals and {groups} group lines, GTKWave says {}",
                gtkw.display(),
                out.lines()
                    .find(|l| l.starts_with("TRACES"))
                    .unwrap_or("nothing")
            );
            let values = |trace: &str| -> Vec<String> {
                out.lines()
                    .filter_map(|l| l.strip_prefix("AT "))
                    .filter_map(|l| {
                        let mut f = l.split('|');
                        let (_, n, v) = (f.next()?, f.next()?, f.next()?);
                        (n == trace).then(|| v.to_string())
                    })
                    .collect()
            };
            for group in [
                "privilege",
                "renamed registers",
                "banks (internal copies)",
                ptu_waveforms::names::CSR_GROUP,
                "events",
                "memory port",
            ] {
                assert!(
                    out.contains(&format!("|{group}|")),
                    "no group {group}: {out}"
                );
            }
            let cpl = values("cpl[1:0]");
            assert!(
                cpl.contains(&"kernel".into()) && cpl.contains(&"user".into()),
                "{cpl:?}"
            );
            let ty = values("event_info_type[2:0]");
            assert!(
                ty.contains(&"SYSCALL".into()) && ty.contains(&"EXCEPTION".into()),
                "{ty:?}"
            );
            let addr = values("csr_addr[7:0]");
            assert!(addr.contains(&"URIP".into()), "{addr:?}");
            let vec = values("exc_vector[7:0]");
            assert!(vec.contains(&"#PF".into()), "{vec:?}");
            let rip = values("kernel_rip");
            assert!(rip.iter().any(|v| v.ends_with("1000")), "{rip:?}");
            // Every CSR register of the table's group, from both producers.
            for (label, _, _) in ptu_waveforms::names::csr_rows() {
                assert!(
                    !values(&label).is_empty(),
                    "{}: no trace {label}",
                    gtkw.display()
                );
            }
        }
    }
}

#[test]
fn a_window_opening_inside_a_transition_reports_all_of_it() {
    for (name, rust, icarus) in produced() {
        for vcd in [rust, icarus] {
            let f = Vcd::open(vcd).unwrap();
            let (ptu, clock) = view::ptu_and_clock(&f).unwrap();
            let (ptu, clock) = (ptu.unwrap(), clock.unwrap());
            let whole = summary::transitions(&f, &ptu, &clock, 0, clock.count() - 1).unwrap();
            assert!(whole.iter().all(|t| !t.begun_before_window), "{name}");
            for t in whole.iter().filter(|t| t.framed && t.cycles() > 2) {
                let (a, b) = t.cycle_range();
                // Windows opening one, two, ... cycles after it began.
                for from in a + 1..=b {
                    let part = summary::transitions(&f, &ptu, &clock, from, b).unwrap();
                    let same = part
                        .iter()
                        .find(|p| p.completed == t.completed && p.kind == t.kind)
                        .unwrap_or_else(|| panic!("{name}: window {from}..{b} lost {t}"));
                    assert!(same.begun_before_window, "{name}: {same}");
                    assert_eq!(
                        (
                            same.accepted,
                            same.cycles(),
                            same.reads,
                            same.writes,
                            same.frame
                        ),
                        (t.accepted, t.cycles(), t.reads, t.writes, t.frame),
                        "{name}: window {from}..{b}: {same}\nwhole: {t}"
                    );
                    assert!(same.to_string().contains("begun before the window"));
                }
                // A window ending in its last cycle still shows it.
                let part = summary::transitions(&f, &ptu, &clock, a, b).unwrap();
                assert!(
                    part.iter()
                        .any(|p| p.completed == t.completed && !p.begun_before_window),
                    "{name}: window {a}..{b} lost {t}: {part:?}"
                );
            }
            // The view of a window finds the same.
            let v = View::load(
                vcd,
                &Choice {
                    from: Some(view::Bound::Cycle(12)),
                    to: Some(view::Bound::Cycle(20)),
                    ..Choice::default()
                },
                None,
            )
            .unwrap();
            let direct = summary::transitions(&f, &ptu, &clock, 12, 20).unwrap();
            assert_eq!(v.transitions, direct, "{name}");
        }
    }
}

#[test]
fn the_totals_count_each_kind_and_a_failed_access_is_no_write() {
    for (name, rust, _) in produced() {
        let ts = transitions(rust);
        let text = summary::totals(&ts);
        let n = |k: Kind| ts.iter().filter(|t| t.kind == k).count();
        let framed = |k: Kind| ts.iter().filter(|t| t.kind == k && t.framed).count();
        let entries = match n(Kind::Entry) {
            1 => "1 entry".to_string(),
            k => format!("{k} entries"),
        };
        assert!(
            text.starts_with(&format!("{entries} ({} framed), ", framed(Kind::Entry))),
            "{name}: {text}"
        );
        let erets = match n(Kind::Eret) {
            1 => "1 ERET".to_string(),
            k => format!("{k} ERETs"),
        };
        assert!(
            text.contains(&format!("{erets} ({} framed), ", framed(Kind::Eret))),
            "{name}: {text}"
        );
        assert!(
            ![
                "1 entries",
                "1 ERETs",
                "1 resets",
                "1 bus errors",
                "1 shutdowns"
            ]
            .iter()
            .any(|w| text.contains(w)),
            "{name}: {text}"
        );
        if *name == "double-fault" {
            // Bus answer 1 is an error: one word was written, the second
            // write failed and is not counted.
            let e = ts.iter().find(|t| t.kind == Kind::BusError).unwrap();
            assert_eq!(e.writes, 1, "{e}");
            let (addr, write) = e.failed_at.expect("the failed access");
            assert!(write, "{e}");
            assert!(e.to_string().contains("the write after 1 write"), "{e}");
            assert_eq!(e.frame.map(|(lo, hi)| lo == hi), Some(true), "{e}");
            assert_ne!(e.frame.map(|(lo, _)| lo), Some(addr), "{e}");
        }
    }
}

/// A counterexample of `ptu prove` (yosys-smtbmc's VCD: the flattened
/// unit `dut` inside the wrapper `ptu_formal`, which drives the same
/// names, and only the wires that survived optimisation).
fn counterexample() -> &'static PathBuf {
    static ONCE: OnceLock<PathBuf> = OnceLock::new();
    ONCE.get_or_init(|| {
        let m = ptu_formal::mutants::find("kernel-shows-user-rsp").expect("mutant");
        let o = ptu_formal::Options {
            mutant: Some(m),
            properties: ptu_formal::properties::PROPERTIES
                .iter()
                .filter(|p| p.id == m.breaks)
                .collect(),
            work: scratch().join("formal"),
            waves: waveforms_dir(),
            jobs: 1,
            ..ptu_formal::Options::new()
        };
        let report = ptu_formal::prove(&o).expect("ptu prove (needs ./setup.sh)");
        let ptu_formal::Verdict::Failed { vcd, .. } = &report.outcomes[0].verdict else {
            panic!("the mutant was not caught: {report}")
        };
        vcd.clone()
    })
}

#[test]
fn a_formal_counterexample_is_found_drawn_and_saved() {
    let vcd = counterexample();
    let f = Vcd::open(vcd).unwrap();
    let (ptu, clock) = view::ptu_and_clock(&f).unwrap();
    assert_eq!(ptu.as_deref(), Some("ptu_formal.dut"), "{}", vcd.display());
    assert!(clock.expect("a clock").count() >= 2);
    let v = View::load(vcd, &Choice::default(), None).unwrap();
    let labels: Vec<&str> = v
        .groups
        .iter()
        .flat_map(|g| g.rows.iter().map(|r| r.label.as_str()))
        .collect();
    for want in ["clock", "cpl", "rsp", "user rsp", "kernel rsp"] {
        assert!(labels.contains(&want), "no row {want}: {labels:?}");
    }
    let svg = ptu_waveforms::svg::render(&v);
    assert!(svg.contains("ptu_formal.dut"));
    // The summary says which port it misses instead of "no ptu instance".
    let e = format!(
        "{:#}",
        ptu_waveforms::cli::summary_text(vcd, None, None).unwrap_err()
    );
    assert!(e.contains("ptu_formal.dut has no `"), "{e}");
    // A save file GTKWave loads without complaint.
    let gtkw = ptu_waveforms::write_gtkw(vcd).unwrap();
    let saved = std::fs::read_to_string(&gtkw).unwrap();
    assert!(saved.contains("ptu_formal.dut.rsp[63:0]"), "{saved}");
    let out = gtkwave_traces(&gtkw);
    assert!(
        !out.lines().filter(|l| !l.starts_with("AT ")).any(|l| [
            "Could not",
            "WARNING",
            "Error",
            "cannot"
        ]
        .iter()
        .any(|c| l.contains(c))),
        "{out}"
    );
    let rsp = out
        .lines()
        .filter_map(|l| l.strip_prefix("AT "))
        .filter(|l| l.split('|').nth(1) == Some("rsp[63:0]"))
        .count();
    assert!(rsp > 0, "{out}");
}

#[test]
fn save_files_open_zoomed_to_fit_with_markers_at_the_transitions() {
    for (name, rust, icarus) in produced() {
        // Both producers count picoseconds, one clock period per cycle.
        let (r, i) = (Vcd::open(rust).unwrap(), Vcd::open(icarus).unwrap());
        assert_eq!((r.unit_fs, i.unit_fs), (1000, 1000), "{name}");
        for vcd in [rust, icarus] {
            let gtkw = vcd.with_extension("gtkw");
            let saved = std::fs::read_to_string(&gtkw).unwrap();
            let f = Vcd::open(vcd).unwrap();
            // The whole trace, from time 0, fills the wave area.
            assert!(saved.contains("\n[timestart] 0\n"), "{name}: {saved}");
            let star = saved
                .lines()
                .find(|l| l.starts_with('*'))
                .unwrap_or_else(|| panic!("{name}: no zoom line in {}", gtkw.display()));
            let fields: Vec<&str> = star[1..].split(' ').collect();
            assert_eq!(fields.len(), 2 + 26, "{star}");
            let zoom: f64 = fields[0].parse().unwrap();
            let shown = ptu_waveforms::gtkw::span_shown(zoom);
            let end = f.end_time as f64;
            assert!(
                shown >= end * 0.999 && shown <= end * 1.01,
                "{name}: zoom {zoom} shows {shown} of {end} time units"
            );
            // Named markers A.. at the edges where the transitions
            // complete, each with its name.
            let (_, clock) = view::ptu_and_clock(&f).unwrap();
            let clock = clock.unwrap();
            let ts: Vec<Transition> = transitions(vcd)
                .into_iter()
                .filter(|t| t.kind != Kind::Reset)
                .collect();
            assert!(!ts.is_empty());
            for (i, t) in ts.iter().enumerate() {
                let at = clock.edge(t.completed).unwrap();
                assert_eq!(fields[2 + i], at.to_string(), "{name}: marker {i}");
                let letter = (b'A' + i as u8) as char;
                assert!(
                    saved.contains(&format!("[markername_long] {letter} {}\n", t.marker())),
                    "{name}: {saved}"
                );
            }
            assert!(fields[2 + ts.len()..].iter().all(|m| *m == "-1"), "{star}");
            // GTKWave, headless, opens on that zoom and those markers.
            let out = gtkwave_traces(&gtkw);
            let view = out.lines().find_map(|l| l.strip_prefix("VIEW ")).unwrap();
            let v: Vec<f64> = view.split(' ').map(|x| x.parse().unwrap()).collect();
            assert_eq!(v[0], 0.0, "{name}: {view}");
            assert!(
                (v[1] - zoom).abs() < 1e-3,
                "{name}: GTKWave zoom {view}, saved {zoom}"
            );
            assert_eq!(v[2], end, "{name}: {view}");
            let at = clock.edge(ts[0].completed).unwrap();
            assert!(out.contains(&format!("NAMED A {at}\n")), "{name}: {out}");
        }
    }
}

fn nested() -> (&'static Path, &'static Path) {
    let (_, rust, icarus) = produced()
        .iter()
        .find(|(n, _, _)| *n == "nested-framed")
        .unwrap();
    (rust, icarus)
}

/// `(x, anchor, text)` of each transition marker's label in `svg`.
fn marker_labels(svg: &str) -> Vec<(f64, String, String)> {
    svg.lines()
        .filter(|l| l.contains("stroke-dasharray") && l.contains("<text"))
        .map(|l| {
            let t = &l[l.find("<text").unwrap()..];
            let attr = |name: &str| {
                let k = t.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                t[k..k + t[k..].find('"').unwrap()].to_string()
            };
            let text = t[t.find("</title>").unwrap() + 8..t.find("</text>").unwrap()].to_string();
            (attr("x").parse().unwrap(), attr("text-anchor"), text)
        })
        .collect()
}

#[test]
fn the_picture_has_a_legend_two_axes_titles_on_cut_values_and_whole_markers() {
    let (rust, _) = nested();
    let whole = transitions(rust);
    let last = whole.iter().rfind(|t| t.kind != Kind::Reset).unwrap();
    // A window ending where the last transition completes puts its
    // marker at the right edge of the picture.
    let v = View::load(
        rust,
        &Choice {
            from: Some(view::Bound::Cycle(2)),
            to: Some(view::Bound::Cycle(last.cycle_range().1)),
            ..Choice::default()
        },
        None,
    )
    .unwrap();
    let svg = ptu_waveforms::svg::render(&v);
    let width: f64 = {
        let k = svg.find("width=\"").unwrap() + 7;
        svg[k..k + svg[k..].find('"').unwrap()].parse().unwrap()
    };
    assert!(
        svg.contains(">entry (band: frame push)</text>"),
        "no legend"
    );
    assert!(svg.contains(">ERET (band: frame pop)</text>"), "no legend");
    assert_eq!(svg.matches(">cycle</text>").count(), 2, "one cycle axis");
    // Axis numbers are grey; a value that reads 2 in a row is not.
    assert_eq!(
        svg.matches(r##"fill="#666">2</text>"##).count(),
        2,
        "cycle 2 on both axes"
    );
    // Every marker label lies inside the picture; the last one, at the
    // right edge, is drawn to the left of its line.
    let labels = marker_labels(&svg);
    assert_eq!(
        labels.last().map(|l| l.1.as_str()),
        Some("end"),
        "{labels:?}"
    );
    assert_eq!(labels.len(), v.transitions.len(), "{labels:?}");
    for (x, anchor, text) in &labels {
        let w = text.chars().count() as f64 * 6.6;
        let (l, r) = if anchor == "end" {
            (x - w, *x)
        } else {
            (*x, x + w)
        };
        assert!(l >= 0.0 && r <= width, "{text} at {l}..{r} of {width}");
    }
    // Every value cut to fit (…) has its full text in a <title> over it.
    let lines: Vec<&str> = svg.lines().collect();
    let mut cut = 0;
    for (i, l) in lines.iter().enumerate() {
        let Some(k) = l.find(">…") else { continue };
        if l.contains("stroke-dasharray") || !l.starts_with("<text") || l.contains(" cut value") {
            continue;
        }
        let tail = &l[k + ">…".len()..l.find("</text>").unwrap()];
        let title = lines[i - 1];
        assert!(
            title.contains("<title>") && title.contains(&format!("{tail}</title>")),
            "{l} has no full value: {title}"
        );
        cut += 1;
    }
    assert!(cut > 0, "nothing was cut: the test shows nothing");
    // The transition that began before the window is marked so.
    let early = View::load(
        rust,
        &Choice {
            from: Some(view::Bound::Cycle(
                whole.iter().find(|t| t.framed).unwrap().cycle_range().0 + 2,
            )),
            ..Choice::default()
        },
        None,
    )
    .unwrap();
    let labels = marker_labels(&ptu_waveforms::svg::render(&early));
    assert!(labels[0].2.starts_with('…'), "{labels:?}");
}

#[test]
fn an_interrupt_vector_reads_in_hex_in_its_row_its_event_info_and_marker() {
    let info = ptu_arch::event_info::pack(
        ptu_arch::event_type::EXTERNAL_INTERRUPT,
        0xc0,
        0,
        true,
        false,
    );
    let (_, rust) = {
        let (r, _) = nested();
        ((), r)
    };
    let mut t = transitions(rust)
        .into_iter()
        .find(|t| t.kind == Kind::Entry)
        .unwrap();
    t.event_info = info;
    let row = ptu_waveforms::names::text(
        ptu_waveforms::names::Format::Hex,
        &ptu_waveforms::reader::Value::Bits(0xc0),
    );
    assert_eq!(row, "c0");
    assert!(t.marker().contains(&format!("0x{row}")), "{}", t.marker());
    assert!(!t.marker().contains("192"), "{}", t.marker());
    let text = ptu_waveforms::names::event_info_text(info);
    assert!(
        text.contains(&format!("0x{row}")) && !text.contains("192"),
        "{text}"
    );
}

#[test]
fn the_png_is_the_picture_at_its_size_with_its_text() {
    let (rust, _) = nested();
    let v = View::load(rust, &Choice::default(), None).unwrap();
    let svg = ptu_waveforms::svg::render(&v);
    let dim = |name: &str| -> f64 {
        let k = svg.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        svg[k..k + svg[k..].find('"').unwrap()].parse().unwrap()
    };
    let (w, h) = (dim("width"), dim("height"));
    for scale in [1.0f32, 2.0] {
        let png = ptu_waveforms::svg::to_png(&svg, scale).unwrap();
        let pix = ptu_waveforms::svg::decode_png(&png).unwrap();
        assert_eq!(
            (pix.width(), pix.height()),
            (
                (w * scale as f64).ceil() as u32,
                (h * scale as f64).ceil() as u32
            )
        );
        // The title, text alone, is drawn: dark pixels in its box.
        let s = scale as u32;
        let dark = (8 * s..300 * s)
            .flat_map(|x| (4 * s..20 * s).map(move |y| (x, y)))
            .filter(|&(x, y)| {
                let p = pix.pixel(x, y).unwrap();
                p.red() < 100 && p.green() < 100 && p.blue() < 100
            })
            .count();
        assert!(
            dark > 100 * s as usize,
            "scale {scale}: {dark} dark pixels in the title"
        );
    }
    // Through the command line: written whole, next to the SVG.
    let dir = scratch();
    let out = dir.join("nested.png");
    let args = ptu_waveforms::cli::WaveArgs {
        file: rust.to_path_buf(),
        list: false,
        summary: false,
        json: false,
        svg: None,
        png: Some(out.clone()),
        png_scale: 1.0,
        gtkwave: false,
        write_gtkw: false,
        signals: vec![],
        from: None,
        to: None,
        width: None,
    };
    ptu_waveforms::cli::run(&args).unwrap();
    let png = std::fs::read(&out).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000);
}

#[test]
fn the_json_summary_reads_back_as_the_text_summary() {
    let (rust, _) = nested();
    let ts = transitions(rust);
    let framed = ts.iter().find(|t| t.framed).unwrap();
    let (a, b) = framed.cycle_range();
    let from = view::Bound::Cycle(a + 2);
    let to = view::Bound::Cycle(b + 3);
    let s = ptu_waveforms::cli::summary_json(rust, Some(from), Some(to)).unwrap();
    let text = serde_json::to_string_pretty(&s).unwrap();
    // The documented shape, by name.
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let t0 = &v["transitions"][0];
    for key in [
        "kind",
        "event",
        "start_cycle",
        "end_cycle",
        "cycles",
        "framed",
        "reads",
        "writes",
        "frame",
        "failed_at",
        "begun_before_window",
        "cpl_before",
        "cpl_after",
        "rip",
        "rsp",
    ] {
        assert!(t0.get(key).is_some(), "no {key}: {t0}");
    }
    assert_eq!(t0["begun_before_window"], true);
    assert_eq!(t0["start_cycle"], a);
    assert_eq!(t0["cycles"], framed.cycles());
    assert_eq!(t0["writes"], framed.writes);
    assert_eq!(v["first_cycle"], a + 2);
    // Back into the same types, equal to what the summary found.
    let back: ptu_waveforms::summary::JsonSummary = serde_json::from_str(&text).unwrap();
    assert_eq!(back, s);
    let f = Vcd::open(rust).unwrap();
    let (ptu, clock) = view::ptu_and_clock(&f).unwrap();
    let direct = summary::transitions(&f, &ptu.unwrap(), &clock.unwrap(), a + 2, b + 3).unwrap();
    assert_eq!(back.transitions.len(), direct.len());
    for (j, t) in back.transitions.iter().zip(&direct) {
        assert_eq!(j.kind, t.kind.json_name());
        assert_eq!((j.start_cycle, j.end_cycle), t.cycle_range());
        assert_eq!(
            (j.reads, j.writes, j.begun_before_window),
            (t.reads, t.writes, t.begun_before_window)
        );
        assert_eq!(j.rsp, format!("{:#x}", t.rsp));
    }
    assert_eq!(
        back.totals.entries,
        direct.iter().filter(|t| t.kind == Kind::Entry).count()
    );
}

#[test]
fn the_legend_of_a_narrow_picture_wraps_inside_it() {
    let (rust, _) = nested();
    let v = View::load(
        rust,
        &Choice {
            signals: vec!["cpl".into()],
            from: Some(view::Bound::Cycle(3)),
            to: Some(view::Bound::Cycle(5)),
        },
        None,
    )
    .unwrap();
    let svg = ptu_waveforms::svg::render(&v);
    let num = |l: &str, name: &str| -> f64 {
        let k = l.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        l[k..k + l[k..].find('"').unwrap()].parse().unwrap()
    };
    let width = num(&svg, "width");
    let legend: Vec<&str> = svg
        .lines()
        .filter(|l| l.starts_with("<text") && l.contains("fill=\"#333\""))
        .collect();
    assert_eq!(legend.len(), 5, "{svg}");
    let mut ys = Vec::new();
    for l in &legend {
        let text = &l[l.find('>').unwrap() + 1..l.find("</text>").unwrap()];
        let right = num(l, "x") + text.chars().count() as f64 * 6.6;
        assert!(right <= width, "{text} ends at {right} of {width}");
        ys.push(num(l, "y") as i64);
    }
    ys.dedup();
    assert!(ys.len() > 1, "the legend did not wrap: {ys:?}");
    assert!(ys.iter().all(|&y| (y as f64) < num(&svg, "height")));
}
