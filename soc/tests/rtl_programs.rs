//! The programs on the RTL core, against the instruction-level model:
//! every directed program of `soc/programs/isa/` passes on the rust-hdl
//! SoC with the model's retire trace, entry for entry (retires, events,
//! ERETs); random programs give equal traces over many seeds; and the
//! comparison does catch a core that computes one result wrong.

use ptu_soc::asm;
use ptu_soc::diff::{self, is_poll_branch, without_uart_polls, RtlRun, TraceOptions};
use ptu_soc::iss::{compare_traces, Config, End, Iss, Trace};
use ptu_soc::map::ToHost;
use ptu_soc::program::Program;
use ptu_soc::random::random_program;
use std::path::PathBuf;
use std::time::Instant;

fn source(name: &str) -> PathBuf {
    asm::programs_dir().join("isa").join(format!("{name}.S"))
}

fn load(name: &str) -> Program {
    asm::load(&source(name)).unwrap_or_else(|e| panic!("{e:#}"))
}

fn rtl(p: &Program) -> RtlRun {
    diff::run_traced(p, &TraceOptions::default()).unwrap_or_else(|e| panic!("{e:#}"))
}

fn iss(p: &Program) -> Iss {
    let mut iss = Iss::new(p, Config::default());
    iss.run();
    iss
}

/// The last lines of a trace, for a failure message.
fn tail(t: &[Trace]) -> String {
    let from = t.len().saturating_sub(12);
    t[from..]
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// How a directed program is compared.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Compare {
    /// Entry for entry.
    Trace,
    /// Entry for entry once the UART polling loops are taken out of both
    /// (`diff::without_uart_polls`): the model's transmitter is never busy
    /// (iss.rs), the RTL's is for 10 bit times after each byte, so the
    /// RTL's `PUTC` loops run more times.
    TraceWithoutUartPolls,
    /// Verdicts only: the program reads the cycle or instret counter, or
    /// depends on when the timer fires. The RTL core takes 5 or 6 cycles
    /// per instruction and the model 1 (iss.rs, "Time"), so `rdcycle`,
    /// `rdtime` and `mtime` read other values; and `rdinstret` differs too
    /// because the RTL drops and re-runs the instruction an interrupt takes
    /// the edge of. Each such program checks its own counters' properties
    /// (monotonic, counting) and says so in its verdict.
    Verdict,
}

/// Run `name` on both; both must pass and, for [`Compare::Trace`], their
/// traces be equal.
fn check(name: &str, how: Compare) {
    let p = load(name);
    let model = iss(&p);
    model
        .outcome()
        .check(name)
        .unwrap_or_else(|e| panic!("the model: {e:#}"));
    let r = rtl(&p);
    let trace = r.trace();
    assert_eq!(
        r.end(),
        End::ToHost(ToHost::Pass),
        "{name} on the RTL: tohost {:?} after {} cycles, shutdown {}\nlast trace lines:\n{}\n(listing: llvm-objdump -d {})",
        r.tohost,
        r.cycles,
        r.shutdown,
        tail(&trace),
        asm::build_dir().join(format!("isa-{name}.elf")).display()
    );
    assert_eq!(r.uart, model.uart, "{name}: UART output");
    match how {
        Compare::Trace => {
            compare_traces(&model.trace, &trace).unwrap_or_else(|e| panic!("{name}: {e:#}"));
            assert_eq!(r.instret, model.retired, "{name}");
        }
        Compare::TraceWithoutUartPolls => {
            compare_traces(
                &without_uart_polls(&model.trace),
                &without_uart_polls(&trace),
            )
            .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        }
        Compare::Verdict => {}
    }
}

#[test]
fn the_poll_filter_takes_out_exactly_the_polling_loops() {
    // lbu t1, 0(t0); bnez t1, 1b  (PUTC in test.inc)
    let load = |v| Trace::Retire {
        pc: 0x40,
        insn: 0x0002c303,
        rd: Some((6, v)),
        store: None,
    };
    let bnez = Trace::Retire {
        pc: 0x44,
        insn: 0xfe031ee3,
        rd: None,
        store: None,
    };
    let other = Trace::Retire {
        pc: 0x48,
        insn: 0x06f00313,
        rd: Some((6, 0x6f)),
        store: None,
    };
    assert!(is_poll_branch(0xfe031ee3, 6));
    assert!(!is_poll_branch(0xfe031ee3, 5));
    // bnez t1, -8 is not the loop's branch.
    assert!(!is_poll_branch(0xfe031ce3, 6));
    let t = [load(1), bnez, load(1), bnez, load(0), bnez, other];
    assert_eq!(without_uart_polls(&t), vec![other]);
    assert_eq!(without_uart_polls(&[load(0), other]), vec![load(0), other]);
}

macro_rules! rtl_tests {
    ($($name:ident: $how:expr),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name), $how);
            }
        )*

        /// Every program in soc/programs/isa has a test above.
        #[test]
        fn every_isa_program_runs_on_the_rtl() {
            let listed = [$(stringify!($name)),*];
            for p in asm::isa_programs().unwrap() {
                let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
                assert!(listed.contains(&stem.as_str()), "soc/programs/isa/{stem}.S has no test in soc/tests/rtl_programs.rs");
            }
        }
    };
}

rtl_tests!(
    alu: Compare::Trace,
    alu_w: Compare::Trace,
    shift: Compare::Trace,
    branch: Compare::Trace,
    jump: Compare::Trace,
    mem: Compare::Trace,
    priv_syscall: Compare::Trace,
    // Cases 13 and 14 read rdcycle, rdtime and rdinstret.
    priv_csr: Compare::Verdict,
    // Case 20 reads rdinstret and rdcycle in user mode.
    priv_mem: Compare::Verdict,
    priv_user: Compare::TraceWithoutUartPolls,
    // The timer fires after a number of cycles, not of instructions.
    timer: Compare::Verdict,
);

/// The programs compared by verdict do differ, and only from their first
/// counter read on: everything before it is entry for entry the same (so
/// Compare::Verdict hides nothing before that point). A counter read is
/// `rdcycle`, `rdtime` or `rdinstret`, or a load from `mtime` (its base
/// register just set to 0x1000_0008). priv_user differs only in its UART
/// polls.
#[test]
fn the_loosely_compared_programs_differ_only_where_they_should() {
    for name in ["priv_csr", "priv_mem", "priv_user"] {
        let p = load(name);
        let model = iss(&p);
        let trace = rtl(&p).trace();
        let Err(e) = compare_traces(&model.trace, &trace) else {
            panic!("{name}: the traces are equal, so it could be compared entry for entry");
        };
        let first = (0..).find(|&k| model.trace.get(k) != trace.get(k)).unwrap();
        let reads_counter = match model.trace[first] {
            Trace::Retire { insn, .. } if insn & 0x7f == 0x73 => {
                (insn >> 12) & 7 == 2 && (0xC00..=0xC02).contains(&(insn >> 20))
            }
            Trace::Retire { insn, .. } if insn & 0x7f == 0x03 => {
                let base = ((insn >> 15) & 31) as u8;
                matches!(model.trace[first - 1], Trace::Retire { rd: Some((r, v)), .. }
                    if r == base && v == ptu_soc::map::MTIME)
            }
            _ => false,
        };
        let polls = match model.trace[first] {
            Trace::Retire { insn, .. } => insn & 0x7f == 0x03,
            _ => false,
        };
        if name == "priv_user" {
            assert!(polls, "{name}: {e:#}");
        } else {
            assert!(reads_counter, "{name}: {e:#}");
        }
    }
}

#[test]
fn a_broken_program_reports_its_failing_case_on_the_rtl() {
    let src = std::fs::read_to_string(source("alu")).unwrap();
    // Case 5 expects 0x80000000 from 0x7fffffff + 1; make it expect 0x80000001.
    let broken = src.replace(
        "TEST_RR_OP 5, add, 0x80000000,",
        "TEST_RR_OP 5, add, 0x80000001,",
    );
    assert_ne!(broken, src, "the case to break is no longer in alu.S");
    let a = asm::assemble_text("rtl-broken-alu", &broken).unwrap_or_else(|e| panic!("{e:#}"));
    let p = Program::from_file(&a.bin).unwrap();
    let r = rtl(&p);
    assert_eq!(r.end(), End::ToHost(ToHost::Fail(5)), "{:?}", r.tohost);
    assert_eq!(r.tohost, Some((5 << 1) | 1));
    // And the model agrees on the way there.
    compare_traces(&iss(&p).trace, &r.trace()).unwrap();
}

// ------------------------------------------------------------------ random programs

/// Random program length (items).
const RANDOM_LEN: usize = 300;

/// Seeds of the default run: about 18 s in release on an idle core (under
/// a minute on the shared machine); `ptu soc diff --seeds N` runs more.
const RANDOM_SEEDS: u64 = 100;

fn random_diffs(seeds: std::ops::Range<u64>) {
    let t = Instant::now();
    let (mut entries, mut programs) = (0, 0);
    for seed in seeds.clone() {
        entries += diff::random_diff(seed, RANDOM_LEN)
            .unwrap_or_else(|e| panic!("{e:#}"))
            .entries;
        programs += 1;
    }
    eprintln!(
        "seeds {seeds:?}: {programs} programs of {RANDOM_LEN} items, {entries} trace entries, 0 mismatches, {:.1} s",
        t.elapsed().as_secs_f64()
    );
}

#[test]
fn random_programs_have_the_models_trace_on_the_rtl() {
    random_diffs(0..RANDOM_SEEDS);
}

/// The long run: `cargo test --release -p ptu-soc --test rtl_programs --
/// --ignored`.
#[test]
#[ignore]
fn random_programs_have_the_models_trace_on_the_rtl_many_seeds() {
    random_diffs(RANDOM_SEEDS..RANDOM_SEEDS + 200);
}

/// The model with one result deliberately wrong (the `k`-th instruction
/// that writes a register of the core's own file gets bit 0 of its value
/// flipped, in the register and in the trace: as a core with that bug
/// would show it).
fn iss_with_one_wrong_result(p: &Program, k: usize) -> (Vec<Trace>, usize) {
    let mut iss = Iss::new(p, Config::default());
    let mut seen = 0;
    let mut at = None;
    while iss.step() {
        if at.is_some() {
            continue;
        }
        let n = iss.trace.len();
        if let Some(Trace::Retire {
            rd: Some((r, v)), ..
        }) = iss.trace.last_mut()
        {
            if *r != 2 && *r != 4 {
                seen += 1;
                if seen == k {
                    *v ^= 1;
                    iss.regs[*r as usize] ^= 1;
                    at = Some(n - 1);
                }
            }
        }
    }
    (iss.trace, at.expect("fewer register writes than k"))
}

#[test]
fn the_differential_run_catches_one_wrong_result() {
    let p = random_program(7, RANDOM_LEN);
    let r = rtl(&p).trace();
    compare_traces(&iss(&p).trace, &r).unwrap();
    // A wrong result among the user instructions, well into the run.
    let (bad, at) = iss_with_one_wrong_result(&p, 150);
    let e = compare_traces(&bad, &r)
        .expect_err("a wrong result went unnoticed")
        .to_string();
    assert!(e.contains(&format!("differ at entry {at}:")), "{e}");
    // A mutated RTL trace: one store's value, and one entry missing.
    let mut m = r.clone();
    let s = m
        .iter()
        .position(|t| matches!(t, Trace::Retire { store: Some(_), .. }))
        .unwrap();
    if let Trace::Retire {
        store: Some(st), ..
    } = &mut m[s]
    {
        st.value ^= 0x80;
    }
    let e = compare_traces(&iss(&p).trace, &m).unwrap_err().to_string();
    assert!(e.contains(&format!("differ at entry {s}:")), "{e}");
    let mut m = r.clone();
    let ev = m
        .iter()
        .position(|t| matches!(t, Trace::Eret { .. }))
        .unwrap();
    m.remove(ev);
    let e = compare_traces(&iss(&p).trace, &m).unwrap_err().to_string();
    assert!(e.contains(&format!("differ at entry {ev}:")), "{e}");
}

/// The trace holds every kind of entry the model's does, with events
/// from user (unframed) and from the kernel (framed, five words each way).
#[test]
fn the_rtl_trace_shows_framed_and_unframed_crossings() {
    let p = random_program(3, RANDOM_LEN);
    let r = rtl(&p);
    let count =
        |f: &dyn Fn(&Trace, u32) -> bool| r.records.iter().filter(|x| f(&x.entry, x.mem)).count();
    let user =
        count(&|t, m| matches!(t, Trace::Event { info, .. } if *info == 7 | 1 << 48) && m == 0);
    let kernel = count(&|t, m| matches!(t, Trace::Event { info, .. } if *info == 7) && m == 5);
    let framed_eret = count(&|t, m| matches!(t, Trace::Eret { .. }) && m == 5);
    assert!(user > 0 && user == kernel, "{user} {kernel}");
    assert_eq!(framed_eret, kernel);
    assert_eq!(
        count(&|t, _| matches!(t, Trace::Event { info, .. } if (info >> 8) & 0xff == 3)),
        1,
        "the final ebreak"
    );
}

/// The stamps the kernel's measurement reads (diff.rs, "Cycle stamps")
/// match docs/soc.md's timing of the core: from one retired instruction
/// to the next, 5 cycles, 6 for a load or store (one less for the first
/// instruction after a framed crossing); from an unframed crossing
/// to the instruction after it 1 cycle, from a framed entry 1 + 5 (a frame
/// write is answered in its cycle), from a framed ERET 1 + 2 x 5 (a frame
/// read in the next). (Random programs take no interrupt, which would
/// come between.)
#[test]
fn the_stamps_follow_the_cores_and_the_units_timing() {
    let p = random_program(11, RANDOM_LEN);
    let r = rtl(&p);
    let mut seen = [0usize; 5];
    // (The first instruction has no Commit cycle before it: 4.)
    assert_eq!(r.records[1].cycle - r.records[0].cycle, 4);
    for w in r.records.windows(3) {
        let (prev, w) = (&w[0], &w[1..]);
        let span = w[1].cycle - w[0].cycle;
        // Only spans that end at a retired instruction: a crossing's stamp
        // comes after its instruction's fetch, decode and execute.
        let Trace::Retire { .. } = w[1].entry else {
            continue;
        };
        let (kind, want) = match w[0].entry {
            Trace::Retire { insn, .. } => {
                let memory = matches!(insn & 0x7f, 0x03 | 0x23);
                let want = if memory { 6 } else { 5 };
                // The first instruction after a crossing: the core fetches
                // in the redirect cycle if it was already in Fetch (it
                // waited there through a frame transfer, or came from
                // Trap after a fault), else in the cycle after it.
                if !matches!(prev.entry, Trace::Retire { .. }) {
                    assert!(
                        span == want || span == want - 1,
                        "{} at cycle {}: {span}",
                        w[0].entry,
                        w[0].cycle
                    );
                    seen[4] += (span == want - 1) as usize;
                    continue;
                }
                (0, want)
            }
            Trace::Event { .. } | Trace::Eret { .. } if w[0].mem == 0 => (1, 1),
            Trace::Event { .. } => (2, 6),
            Trace::Eret { .. } => (3, 11),
        };
        assert_eq!(span, want, "{} at cycle {}", w[0].entry, w[0].cycle);
        seen[kind] += 1;
    }
    // A framed ERET here is always followed by the handler's sret to user
    // (kernel_rtl.rs checks its 11 cycles before a retired instruction).
    assert!([0, 1, 2, 4].iter().all(|&k| seen[k] > 0), "{seen:?}");
}
