//! The reference model, the random core and the scenarios follow the
//! configuration (docs/spec.md section 14): for every preset a random run
//! on the model keeps the option's invariants; the option scenarios
//! (`testbenches/scenarios/options/`, expected values worked out by hand
//! from the spec) pass on every preset they fit and are skipped with a
//! reason on the others; and a model with one deliberate error per option
//! fails its scenario.

use ptu_arch::config::{ENTRY_IRQ, EVENT_INFO_H, UFS};
use ptu_arch::{csr, event_info, event_type, Inputs, PtuConfig, PRESETS};
use ptu_sim::bus::{Memory, Wait};
use ptu_sim::model::{Model, Mutant, Seq};
use ptu_sim::scenario::{self, Scenario};
use ptu_sim::stimulus::{RandomCore, RandomCoreConfig};
use std::collections::HashMap;
use std::path::PathBuf;

fn scenario_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testbenches/scenarios")
}

fn option_scenarios() -> Vec<Scenario> {
    scenario::load_dir(&scenario_dir().join("options")).unwrap()
}

fn preset(name: &str) -> PtuConfig {
    ptu_arch::config::preset(name).unwrap().config()
}

/// The frame of docs/spec.md, written out here rather than taken from
/// `FrameLayout`: (word bytes, words, offsets of EVENT_DATA, EVENT_INFO
/// bits 31:0 (or all of it), EVENT_INFO bits 63:32, STATUS, RSP, RIP).
fn spec_frame(xlen: usize) -> (u64, u64, [Option<u64>; 6]) {
    match xlen {
        64 => (8, 5, [Some(0), Some(8), None, Some(16), Some(24), Some(32)]),
        32 => (
            4,
            6,
            [Some(0), Some(4), Some(8), Some(12), Some(16), Some(20)],
        ),
        _ => unreachable!(),
    }
}

/// A random run of `cycles` on the model for `cfg`, with the options'
/// invariants checked every cycle; returns what it covered.
fn random_run(cfg: &PtuConfig, seed: u64, cycles: usize) -> HashMap<&'static str, u32> {
    random_run_of(cfg, None, seed, cycles)
}

/// [`random_run`] on a model with `mutant`.
fn random_run_of(
    cfg: &PtuConfig,
    mutant: Option<Mutant>,
    seed: u64,
    cycles: usize,
) -> HashMap<&'static str, u32> {
    let rc = RandomCoreConfig {
        reset_prob: 1e-5,
        shutdown_reset_prob: 0.01,
        ..RandomCoreConfig::default()
    };
    let mut core = RandomCore::for_unit(seed, rc, cfg);
    let mut mem = Memory::new(seed ^ 0x55);
    mem.wait = Wait::Random { max: 2 };
    mem.error_prob = 0.006;
    let mut m = Model::new(cfg);
    m.mutant = mutant;
    let mask = cfg.xlen_mask();
    let (wb, words, offs) = spec_frame(cfg.xlen);
    let frame_bytes = wb * words;
    let mut cov = HashMap::<&'static str, u32>::new();
    // The state when the frame being pushed was started, and the address
    // the next request of the transfer must have.
    let mut snap: Option<Model> = None;
    let mut next_addr: Option<u64> = None;
    let mut answers = 0u64;
    for c in 0..cycles {
        let s = m.outputs(&Inputs::default());
        let mut inp = core.next(&s);
        let (r, d, e) = mem.respond(&s);
        inp.mem_ready = r;
        inp.mem_rdata = d;
        inp.mem_err = e;
        let o = m.outputs(&inp);

        // The random core's XLEN-wide inputs fit XLEN.
        for v in [
            inp.next_rip,
            inp.rsp_wdata,
            inp.gs_wdata,
            inp.fs_wdata,
            inp.csr_wdata,
            inp.exc_data,
        ] {
            assert_eq!(v & !mask, 0, "cycle {c}: input wider than xlen");
        }
        if !cfg.fs_bank {
            assert!(!inp.fs_we, "cycle {c}: fs_we without fs_bank");
        }
        // XLEN-wide outputs fit XLEN; fs_base is 0 without fs_bank.
        for (name, v) in [
            ("rip", o.rip),
            ("rsp", o.rsp),
            ("gs_base", o.gs_base),
            ("fs_base", o.fs_base),
            ("csr_rdata", o.csr_rdata),
            ("event_data", o.event_data),
            ("mem_addr", o.mem_addr),
            ("mem_wdata", o.mem_wdata),
        ] {
            assert_eq!(v & !mask, 0, "cycle {c}: {name} = 0x{v:x} wider than xlen");
        }
        assert_eq!(o.event_info & !event_info::MASK, 0);
        if !cfg.fs_bank {
            assert_eq!(o.fs_base, 0, "cycle {c}");
        } else {
            let fs = if m.user { m.u_fs } else { m.k_fs };
            assert_eq!(o.fs_base, fs, "cycle {c}");
        }
        // CSR reads of the option CSRs.
        if inp.csr_re && !o.busy && !o.shutdown && !m.csr_fault(&inp) {
            let want = match inp.csr_addr {
                csr::EVENT_INFO => Some(m.event_info & mask),
                EVENT_INFO_H => Some(m.event_info >> 32),
                ENTRY_IRQ => Some(m.entry_irq),
                UFS => Some(m.u_fs),
                _ => None,
            };
            if let Some(w) = want {
                assert_eq!(o.csr_rdata, w, "cycle {c}: csr 0x{:02x}", inp.csr_addr);
                *cov.entry("option csr read").or_default() +=
                    (inp.csr_addr != csr::EVENT_INFO) as u32;
            }
        }
        // Addresses of a transfer: the word size of the spec's frame,
        // downward for a push, upward for a pop.
        if o.mem_valid {
            if let Some(a) = next_addr {
                assert_eq!(o.mem_addr, a, "cycle {c}: frame word address");
            }
        }
        let prev = m.clone();
        m.step(&inp);
        mem.clock(&o, r, e);
        if inp.reset {
            snap = None;
            next_addr = None;
            continue;
        }
        // The transfer's next request.
        // A push starts from idle, or after a bus error (the #DF frame).
        let started_push = matches!(m.seq, Seq::Push(p) if p.count == 0)
            && (!matches!(prev.seq, Seq::Push(_)) || (o.mem_valid && r && e));
        if o.mem_valid && r {
            answers += 1;
        }
        if started_push {
            snap = Some(prev.clone());
            answers = 0;
        }
        if matches!(m.seq, Seq::Pop(p) if p.count == 0) && prev.seq == Seq::Idle {
            answers = 0;
        }
        next_addr = match m.seq {
            Seq::Idle => None,
            Seq::Push(p) => Some(p.top.wrapping_sub(wb * (p.count as u64 + 1)) & mask),
            Seq::Pop(p) => Some(p.base.wrapping_add(wb * p.count as u64) & mask),
        };
        if started_push {
            // The first request of a push is at the stack top minus one
            // word: the current kernel RSP or CSTACK.
            let Seq::Push(p) = m.seq else { unreachable!() };
            assert!(p.top == prev.k_rsp || p.top == prev.cstack, "cycle {c}");
        }
        // A framed entry commits: the frame in memory, read at the spec's
        // offsets, holds the state from before the event.
        if m.redirect {
            let info = event_info::unpack(m.event_info);
            if let (Seq::Push(_), Some(before)) = (&prev.seq, &snap) {
                assert_eq!(answers, words, "cycle {c}: answers of a push");
                let base = m.k_rsp;
                let top = base.wrapping_add(frame_bytes) & mask;
                assert!(top == before.k_rsp || top == before.cstack, "cycle {c}");
                let at = |k: usize| mem.read(base.wrapping_add(offs[k].unwrap()) & mask);
                let hi = offs[2].map_or(0, |o| mem.read(base.wrapping_add(o) & mask) << 32);
                assert_eq!(at(0), before.event_data, "cycle {c}: EVENT_DATA word");
                assert_eq!(at(1) | hi, before.event_info, "cycle {c}: EVENT_INFO words");
                assert_eq!(at(3), before.status, "cycle {c}: STATUS word");
                assert_eq!(at(4), before.k_rsp, "cycle {c}: RSP word");
                // The return RIP: the kernel RIP, or SYSCALL's next_rip.
                if info.ty != event_type::OTHER {
                    assert_eq!(at(5), before.k_rip, "cycle {c}: RIP word");
                }
                *cov.entry("framed entry").or_default() += 1;
                if cfg.xlen == 32 && before.event_info >> 32 != 0 {
                    *cov.entry("framed entry, EVENT_INFO high word").or_default() += 1;
                }
            }
            if let Seq::Pop(_) = prev.seq {
                assert_eq!(answers, words, "cycle {c}: answers of a pop");
                *cov.entry("framed eret").or_default() += 1;
            }
            // A redirect to kernel mode that is not a framed ERET is an
            // entry: check its entry point.
            let entry = !matches!(prev.seq, Seq::Pop(_)) && !m.user;
            if entry {
                let want = if info.ty == event_type::NMI
                    || (info.ty == event_type::HARDWARE_EXCEPTION
                        && matches!(info.vector, 8 | 18)
                        && matches!(prev.seq, Seq::Push(p) if p.event.kind.critical()))
                {
                    m.entry_crit
                } else if info.ty == event_type::EXTERNAL_INTERRUPT && cfg.irq_entry {
                    *cov.entry("irq at ENTRY_IRQ").or_default() += 1;
                    m.entry_irq
                } else {
                    m.entry
                };
                assert_eq!(m.k_rip, want, "cycle {c}: entry point of {info:?}");
            }
        }
        if cfg.fs_bank && inp.fs_we && !o.busy && !o.shutdown {
            *cov.entry(if prev.user {
                "fs_we user"
            } else {
                "fs_we kernel"
            })
            .or_default() += 1;
        }
        if m.shutdown && !prev.shutdown {
            *cov.entry("shutdown").or_default() += 1;
        }
    }
    cov
}

#[test]
fn random_runs_keep_each_configurations_invariants() {
    // Every preset, and every other combination of the options.
    let mut cfgs: Vec<PtuConfig> = PRESETS.iter().map(|p| p.config()).collect();
    for xlen in [32, 64] {
        for irq_entry in [false, true] {
            for fs_bank in [false, true] {
                let c = PtuConfig {
                    xlen,
                    irq_entry,
                    fs_bank,
                    reset_rip: 0x100,
                    ..PtuConfig::default()
                };
                if !PRESETS
                    .iter()
                    .any(|p| (p.xlen, p.irq_entry, p.fs_bank) == (xlen, irq_entry, fs_bank))
                {
                    cfgs.push(c);
                }
            }
        }
    }
    assert_eq!(cfgs.len(), PRESETS.len() + 3);
    for (k, cfg) in cfgs.iter().enumerate() {
        let cfg = *cfg;
        let p = &cfg;
        let cov = random_run(&cfg, 0x0b7 + k as u64, 200_000);
        eprintln!("{}: {cov:?}", p.values());
        let mut need = vec!["framed entry", "framed eret", "shutdown"];
        if cfg.irq_entry {
            need.push("irq at ENTRY_IRQ");
        }
        if cfg.fs_bank {
            need.extend(["fs_we user", "fs_we kernel"]);
        }
        if cfg.xlen == 32 || cfg.irq_entry || cfg.fs_bank {
            need.push("option csr read");
        }
        if cfg.xlen == 32 {
            need.push("framed entry, EVENT_INFO high word");
        }
        for k in need {
            assert!(
                cov.get(k).copied().unwrap_or(0) > 0,
                "{}: never reached: {k} ({cov:?})",
                p.values()
            );
        }
    }
}

/// The default configuration's random core is the one it always was:
/// the options draw random numbers only when they are on.
#[test]
fn the_default_random_core_is_unchanged() {
    let rc = RandomCoreConfig {
        reset_prob: 0.001,
        ..RandomCoreConfig::default()
    };
    let mut a = RandomCore::with_config(3, rc.clone());
    let mut b = RandomCore::for_unit(3, rc, &PtuConfig::default());
    let mut m = Model::new(&PtuConfig::default());
    for _ in 0..50_000 {
        let o = m.outputs(&Inputs::default());
        let x = a.next(&o);
        assert_eq!(x, b.next(&o));
        assert!(!x.fs_we && x.fs_wdata == 0);
        let mut i = x;
        i.mem_ready = o.mem_valid;
        m.step(&i);
    }
}

/// Which presets each option scenario fits: worked out from its
/// `requires` line by hand.
const FITS: [(&str, &[&str]); 4] = [
    ("fs-bank", &["x86_64-fs-bank", "x86_64-full"]),
    ("irq-double-fault", &["x86_64-irq-entry", "x86_64-full"]),
    ("irq-entry", &["x86_64-irq-entry", "x86_64-full"]),
    ("nmi-frame-32", &["ice40-small-32"]),
];

#[test]
fn option_scenarios_pass_where_they_fit_and_say_why_elsewhere() {
    let all = option_scenarios();
    let names: Vec<_> = all.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, FITS.map(|f| f.0));
    for (s, (_, fits)) in all.iter().zip(FITS) {
        for p in PRESETS {
            let cfg = p.config();
            match s.skip_reason(&cfg) {
                None => {
                    assert!(fits.contains(&p.name), "{} fits {}", s.name, p.name);
                    let sum = s.run(&cfg, |_, _, _, _| Ok(())).unwrap_or_else(|e| {
                        panic!("{} on {}: {e:#}", s.name, p.name);
                    });
                    assert!(!sum.transitions.is_empty());
                }
                Some(why) => {
                    eprintln!("SKIP {} on {}: {why}", s.name, p.name);
                    assert!(!fits.contains(&p.name), "{} skipped on {}", s.name, p.name);
                    assert!(why.contains(p.name) && why.contains("needs"), "{why}");
                    // Running it anyway is refused with the same reason.
                    let e = s.run(&cfg, |_, _, _, _| Ok(())).unwrap_err().to_string();
                    assert!(e.ends_with(&why), "{e}");
                }
            }
        }
    }
    let irq = &all[2];
    let why = irq.skip_reason(&preset("ice40-small-32")).unwrap();
    assert!(
        why.ends_with(
            "irq-entry.scn:5: needs xlen = 64 (`requires xlen = 64, irq_entry`), but \
             configuration ice40-small-32 has xlen = 32"
        ),
        "{why}"
    );
    let why = irq.skip_reason(&PtuConfig::default()).unwrap();
    assert!(
        why.ends_with(
            "irq-entry.scn:5: needs irq_entry = true (`requires xlen = 64, irq_entry`), but \
             configuration x86_64-default has irq_entry = false"
        ),
        "{why}"
    );
}

#[test]
fn shipped_scenarios_fit_or_say_why_on_every_preset() {
    let mut failed = vec![];
    for s in scenario::load_dir(&scenario_dir()).unwrap() {
        // The default unit runs every one of them.
        assert_eq!(s.skip_reason(&PtuConfig::default()), None, "{}", s.name);
        for p in PRESETS {
            let cfg = p.config();
            match s.skip_reason(&cfg) {
                None => {
                    if let Err(e) = s.run(&cfg, |_, _, _, _| Ok(())) {
                        failed.push(format!("{} on {}: {e:#}", s.name, p.name));
                    }
                }
                Some(why) => {
                    eprintln!("SKIP {} on {}: {why}", s.name, p.name);
                    assert!(why.contains("needs"), "{why}");
                }
            }
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// A scenario naming an option's CSR needs the option without a
/// `requires` line; a bad `requires` is one line with the fix.
#[test]
fn option_names_imply_their_option() {
    let s = scenario::parse("reset\ncsr write UFS = 4\n", "u.scn").unwrap();
    assert_eq!(
        s.skip_reason(&PtuConfig::default()).unwrap(),
        "u.scn:2: needs fs_bank = true (names CSR UFS), but configuration x86_64-default \
         has fs_bank = false"
    );
    assert_eq!(s.skip_reason(&preset("x86_64-fs-bank")), None);
    let s = scenario::parse("reset\ncsr read 0x13\n", "a.scn").unwrap();
    assert_eq!(
        s.skip_reason(&PtuConfig::default()),
        None,
        "an address needs nothing"
    );
    let s = scenario::parse("reset\nexpect fs_base=0\n", "f.scn").unwrap();
    assert!(s.skip_reason(&PtuConfig::default()).is_some());
    let s = scenario::parse("requires irq_entry = false\nreset\n", "n.scn").unwrap();
    assert!(s.skip_reason(&preset("x86_64-irq-entry")).is_some());
    assert_eq!(s.skip_reason(&PtuConfig::default()), None);
    let e = scenario::parse("reset\nrequires xlen = 48\n", "b.scn")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("b.scn:2: 'xlen = 48' in `requires`: expected `requires xlen = 32`"),
        "{e}"
    );
}

/// A model with one deliberate error per option fails that option's
/// scenario, at a line that checks it.
#[test]
fn a_model_mutant_per_option_fails_its_scenario() {
    let all = option_scenarios();
    let by_name = |n: &str| all.iter().find(|s| s.name == n).unwrap();
    // What each mutant gets wrong first: ENTRY (0x1000) for ENTRY_IRQ
    // (0x3000); the user copy of FS (UFS) shown in kernel mode; the low
    // EVENT_INFO word pushed where the high one belongs.
    for (mutant, scn, on, wrong) in [
        (
            Mutant::IrqEntryIgnored,
            "irq-entry",
            "x86_64-irq-entry",
            "rip is 0x1000, expected 0x3000",
        ),
        (
            Mutant::FsNotBanked,
            "fs-bank",
            "x86_64-fs-bank",
            "fs_base is 0x7770000, expected 0x0",
        ),
        (
            Mutant::Frame32InfoSwapped,
            "nmi-frame-32",
            "ice40-small-32",
            "mem_wdata is 0x12340e03, expected 0x3abcd",
        ),
    ] {
        let cfg = preset(on);
        let s = by_name(scn);
        s.run(&cfg, |_, _, _, _| Ok(())).unwrap();
        let mut m = Model::new(&cfg);
        m.mutant = Some(mutant);
        let e = s
            .run_model(m, |_, _, _, _| Ok(()))
            .expect_err(&format!("{mutant:?} passed {scn}"))
            .to_string();
        eprintln!("{mutant:?}: {e}");
        assert!(e.contains(&format!("{scn}.scn:")), "{e}");
        assert!(e.contains(wrong), "{e}");
    }
}

/// The random run's invariants catch each model mutant too.
#[test]
fn random_runs_catch_each_model_mutant() {
    for (mutant, on) in [
        (Mutant::IrqEntryIgnored, "x86_64-irq-entry"),
        (Mutant::FsNotBanked, "x86_64-fs-bank"),
        (Mutant::Frame32InfoSwapped, "ice40-small-32"),
    ] {
        let cfg = preset(on);
        let r = std::panic::catch_unwind(|| random_run_of(&cfg, Some(mutant), 7, 100_000));
        assert!(r.is_err(), "{mutant:?} on {on} kept every invariant");
    }
}

/// Reset keeps the configuration; `reset_rip` and every XLEN-wide input
/// are cut to XLEN bits.
#[test]
fn reset_keeps_the_configuration_and_values_fit_xlen() {
    let cfg = PtuConfig {
        reset_rip: 0xffff_f000,
        ..preset("ice40-small-32")
    };
    let mut m = Model::new(&cfg);
    assert_eq!(
        (m.xlen, m.outputs(&Inputs::default()).rip),
        (32, 0xffff_f000)
    );
    m.step(&Inputs {
        rsp_we: true,
        rsp_wdata: 0x1234_5678_9abc_def0,
        ..Inputs::retire(0xffff_ffff_0000_0010)
    });
    let o = m.outputs(&Inputs::default());
    assert_eq!((o.rip, o.rsp), (0x10, 0x9abc_def0));
    m.step(&Inputs::reset());
    assert_eq!(m, Model::new(&cfg));
    assert_eq!(m.config().xlen, 32);
    // EVENT_INFO_H exists only with xlen = 32, ENTRY_IRQ and UFS only
    // with their options: elsewhere an access is #GP.
    let read = |c: &PtuConfig, a: u8| !Model::new(c).csr_fault(&Inputs::csr_read(a));
    for p in PRESETS {
        let c = p.config();
        assert_eq!(read(&c, EVENT_INFO_H), c.xlen == 32, "{}", p.name);
        assert_eq!(read(&c, ENTRY_IRQ), c.irq_entry, "{}", p.name);
        assert_eq!(read(&c, UFS), c.fs_bank, "{}", p.name);
        assert!(read(&c, csr::ENTRY));
    }
    // Without fs_bank, fs_we is ignored and fs_base stays 0.
    let mut m = Model::new(&PtuConfig::default());
    m.step(&Inputs {
        fs_we: true,
        fs_wdata: 5,
        ..Inputs::default()
    });
    assert_eq!((m.k_fs, m.outputs(&Inputs::default()).fs_base), (0, 0));
}
