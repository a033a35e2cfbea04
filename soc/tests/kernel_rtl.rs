//! The kernel of `soc/programs/kernel/kernel.S` on the rust-hdl SoC: NMI
//! cycles chosen with the RTL runner land inside a system call's handler
//! (a nested, framed entry) and in user mode; the run passes and its
//! transcript has every line it must have; the kernel whose task switch
//! forgets URSP fails; and the measurement of the RTL's stamped trace shows
//! the unit's own costs (docs/spec.md section 13) under the core's.
//!
//! The RTL run's table (`cargo test --release -p ptu-soc --test kernel_rtl
//! -- --nocapture` prints it): entries cost what SPEC says (unframed 1
//! cycle, 0 words; framed 6 cycles, 5 words); a framed ERET costs 1 + 2 per
//! word because this SoC's RAM answers a frame read in the next cycle
//! (docs/soc.md, "The frame bus"); every path costs 5 or 6 cycles per
//! instruction, the core's (docs/soc.md, "One instruction at a time").

use ptu_soc::iss::Trace;
use ptu_soc::kernel::RTL_NMI_CYCLES;
use ptu_soc::kernel::{self, Expect, FrameBus, Kernel, Measurement, Run, Variant};
use std::time::Instant;

fn build(v: Variant) -> Kernel {
    kernel::build(v).unwrap_or_else(|e| panic!("{e:#}"))
}

fn expect(k: &Kernel, nmi_user: usize, nmi_nested: usize) -> Expect {
    Expect {
        nmi_user,
        nmi_nested,
        fault_address: k.header.task_a,
        xlen: k.xlen,
    }
}

fn rtl(k: &Kernel, nmi: &[u64]) -> Run {
    kernel::run_rtl(k, nmi).unwrap_or_else(|e| panic!("{e:#}"))
}

fn check_measurement(k: &Kernel, run: &Run, facts: &kernel::Facts, m: &Measurement) {
    let table = m.to_string();
    // A frame read waits one cycle for the synchronous RAM: 2 cycles a
    // word (a frame write is answered in its cycle).
    kernel::check_unit_costs(run, m, facts, &FrameBus::soc(64)).unwrap_or_else(|e| panic!("{e:#}"));

    // The paths run the model's instructions, each 5 or 6 cycles here.
    let iss = kernel::run_iss(k, &kernel::ISS_NMI_CYCLES);
    let on_iss = kernel::measure(&iss.records, &k.header);
    let path = |m: &Measurement, name: &str| {
        m.path(name)
            .unwrap_or_else(|| panic!("no {name:?}\n{table}"))
            .clone()
    };
    let selfs = path(m, "system call self() round trip");
    assert_eq!(selfs.cycles.count, 11, "{table}");
    assert_eq!(selfs.cycles.min, selfs.cycles.max, "{table}");
    let n = selfs.instructions.min;
    assert_eq!(
        n,
        path(&on_iss, "system call self() round trip")
            .instructions
            .min
    );
    assert!(
        (5 * n..=6 * n).contains(&selfs.cycles.min),
        "{n} instructions in {} cycles\n{table}",
        selfs.cycles.min
    );
    for name in [kernel::ENTRY_PATH, kernel::EXIT_PATH] {
        let (rtl, model) = (path(m, name), path(&on_iss, name));
        assert_eq!(rtl.instructions, model.instructions, "{name}\n{table}");
        let n = rtl.instructions.min;
        assert!(
            (5 * n..=6 * n + 1).contains(&rtl.cycles.min),
            "{name}: {n} instructions in {} cycles\n{table}",
            rtl.cycles.min
        );
    }
    let switch = path(m, kernel::TIMER_SWITCH);
    assert_eq!(switch.cycles.count, facts.timer_interrupts, "{table}");
    assert!(switch.cycles.min >= 5 * switch.instructions.min, "{table}");
    let nested = path(m, "system call self() round trip, with a nested NMI");
    assert_eq!(nested.instructions.min, n, "{table}");
    assert!(nested.cycles.min > selfs.cycles.min + 12, "{table}");
}

#[test]
fn the_kernel_runs_on_the_rtl_with_a_nested_nmi_and_shows_the_units_costs() {
    let t = Instant::now();
    let k = build(Variant::Correct);
    let mut plain = None;
    let chosen = kernel::choose_nmi_cycles(&k.header, |c| {
        let run = kernel::run_rtl(&k, c)?;
        let records = run.records.clone();
        if c.is_empty() {
            plain = Some(run);
        }
        Ok(records)
    })
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(chosen, RTL_NMI_CYCLES);
    let chose = t.elapsed();

    // Without NMIs: a pass, and no NMI lines.
    let plain = plain.unwrap();
    plain.outcome.check("kernel on the RTL, no NMI").unwrap();
    let text = plain.transcript();
    kernel::check_transcript(&text, &expect(&k, 0, 0)).unwrap_or_else(|e| panic!("{e:#}\n{text}"));

    // With them.
    let run = rtl(&k, &chosen);
    let text = run.transcript();
    run.outcome.check("kernel on the RTL").unwrap();
    let facts = kernel::check_transcript(&text, &expect(&k, 1, 1))
        .unwrap_or_else(|e| panic!("{e:#}\n{text}"));
    assert!(facts.alternations >= 4, "{text}");
    assert_eq!(facts.syscalls, kernel::SYSCALLS);
    assert_eq!(facts.nmis, 2);
    // The first NMI interrupts self()'s handler in kernel mode (framed,
    // nested inside the SYSCALL's entry), the second a user instruction.
    let nmis: Vec<(u64, u64, u32)> = run
        .records
        .iter()
        .filter_map(|r| match r.entry {
            Trace::Event { pc, info, .. } if info & 7 == 2 => Some((pc, info, r.mem)),
            _ => None,
        })
        .collect();
    assert_eq!(nmis.len(), 2);
    let (pc, info, mem) = nmis[0];
    assert_eq!((info >> 48 & 1, mem), (0, 5));
    assert!(
        (k.header.sys_self..k.header.sys_self + 40).contains(&pc),
        "0x{pc:x}"
    );
    let (pc, info, mem) = nmis[1];
    assert_eq!((info >> 48 & 1, mem), (1, 5));
    assert!(pc >= ptu_soc::map::USER_BASE, "0x{pc:x}");

    let m = kernel::measure(&run.records, &k.header);
    check_measurement(&k, &run, &facts, &m);
    eprintln!(
        "kernel on the RTL: {} cycles, {} instructions retired, NMIs at {chosen:?} (chosen in {:.1} s), {} timer interrupts\n{m}\n({:.1} s in all)",
        run.outcome.cycles,
        run.outcome.retired,
        chose.as_secs_f64(),
        facts.timer_interrupts,
        t.elapsed().as_secs_f64()
    );
}

#[test]
fn a_switch_that_does_not_restore_ursp_fails_on_the_rtl() {
    let k = build(Variant::BrokenUrsp);
    let run = rtl(&k, &[]);
    kernel::check_broken_ursp_run(&run, k.header.task_a, k.xlen)
        .unwrap_or_else(|e| panic!("{e:#}"));
}
