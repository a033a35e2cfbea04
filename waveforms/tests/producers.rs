//! The same scenarios from two producers: rust-hdl's stepping simulator
//! (ptu-sim's `Bench`, design and model in lockstep) and Icarus running the
//! committed `rtl/generated/ptu.v` under the tiny testbench
//! `tests/ptu_wave_tb.v`. Their transition summaries must agree cycle for
//! cycle, their pictures must mark the same transitions at the same
//! places, and GTKWave must load both save files without complaint, with
//! the groups and translations.
//!
//! Needs `iverilog`, `vvp`, `gtkwave` and `xvfb-run`: `./setup.sh`.

use ptu_arch::{csr, vector, Inputs, PtuConfig};
use ptu_sim::bench::{waveforms_dir, Bench};
use ptu_waveforms::reader::Vcd;
use ptu_waveforms::summary::{self, Kind, Transition};
use ptu_waveforms::view::{self, Choice, View};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const ENTRY: u64 = 0xffff_8000_0000_1000;
const ENTRY_CRIT: u64 = 0xffff_8000_0000_2000;
const CSTACK: u64 = 0xffff_8000_0002_0000;
const KSTACK: u64 = 0xffff_8000_0001_0000;
const USER_RIP: u64 = 0x40_1000;
const USER_RSP: u64 = 0x7fff_f000;
const USER_GS: u64 = 0x7f00_0000;

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

fn boot_to_user() -> Vec<Step> {
    let mut s = vec![Step::In(Inputs::reset())];
    for (addr, value) in [
        (csr::ENTRY, ENTRY),
        (csr::ENTRY_CRIT, ENTRY_CRIT),
        (csr::CSTACK, CSTACK),
        (csr::URIP, USER_RIP),
        (csr::URSP, USER_RSP),
        (csr::UGS, USER_GS),
    ] {
        s.push(Step::In(Inputs::csr_write(addr, value)));
    }
    s.push(Step::In(Inputs {
        rsp_we: true,
        rsp_wdata: KSTACK,
        ..Inputs::default()
    }));
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
        let o = tool("iverilog")
            .args(["-g2005", "-o"])
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
