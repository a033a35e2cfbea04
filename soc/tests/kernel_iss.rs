//! The kernel of `soc/programs/kernel/kernel.S` on the instruction-level
//! model: it ends with a pass in `tohost`, its transcript has every line it
//! must have (both tasks interleaved by the timer, task C's #PF, the NMIs,
//! one of them nested inside a system call, the summary), a kernel whose
//! task switch forgets URSP fails, and the measurement shows the unit's
//! costs (docs/spec.md section 13).

use ptu_soc::iss::Trace;
use ptu_soc::kernel::{self, Expect, FrameBus, Kernel, Variant};

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

#[test]
fn the_kernel_passes_and_prints_every_expected_line() {
    let k = build(Variant::Correct);
    let run = kernel::run_iss(&k, &kernel::ISS_NMI_CYCLES);
    let text = run.transcript();
    run.outcome.check("kernel").unwrap();
    let facts = kernel::check_transcript(&text, &expect(&k, 1, 1))
        .unwrap_or_else(|e| panic!("{e:#}\n{text}"));
    assert!(facts.alternations >= 4, "{text}");
    assert_eq!(facts.syscalls, kernel::SYSCALLS);
    assert_eq!(facts.nmis, 2);
    assert!(text.ends_with("NMIs 2\n"), "{text}");
}

#[test]
fn without_nmis_the_kernel_passes_without_nmi_lines() {
    let k = build(Variant::Correct);
    let run = kernel::run_iss(&k, &[]);
    run.outcome.check("kernel").unwrap();
    let text = run.transcript();
    kernel::check_transcript(&text, &expect(&k, 0, 0)).unwrap_or_else(|e| panic!("{e:#}\n{text}"));
    // The same transcript does not pass for a run that had NMIs.
    assert!(kernel::check_transcript(&text, &expect(&k, 1, 1)).is_err());
}

#[test]
fn the_nmi_cycles_are_measured_to_land_in_a_system_call_and_in_user_mode() {
    let k = build(Variant::Correct);
    let chosen =
        kernel::choose_nmi_cycles(&k.header, |c| Ok(kernel::run_iss(&k, c).records)).unwrap();
    assert_eq!(chosen, kernel::ISS_NMI_CYCLES);
    let run = kernel::run_iss(&k, &chosen);
    let nmis: Vec<(u64, u64)> = run
        .records
        .iter()
        .filter_map(|r| match r.entry {
            Trace::Event { pc, info, .. } if info & 7 == 2 => Some((pc, info)),
            _ => None,
        })
        .collect();
    assert_eq!(nmis.len(), 2);
    // The first interrupts the handler of self() in kernel mode, the
    // second a user instruction.
    let (pc, info) = nmis[0];
    assert_eq!(info >> 48 & 1, 0);
    assert!(
        (k.header.sys_self..k.header.sys_self + 40).contains(&pc),
        "0x{pc:x}"
    );
    let (pc, info) = nmis[1];
    assert_eq!(info >> 48 & 1, 1);
    assert!(pc >= ptu_soc::map::USER_BASE, "0x{pc:x}");
}

#[test]
fn a_run_is_deterministic() {
    let k = build(Variant::Correct);
    let a = kernel::run_iss(&k, &kernel::ISS_NMI_CYCLES);
    let b = kernel::run_iss(&k, &kernel::ISS_NMI_CYCLES);
    assert_eq!(a.outcome, b.outcome);
    assert_eq!(a.records, b.records);
}

#[test]
fn a_switch_that_does_not_restore_ursp_fails() {
    let k = build(Variant::BrokenUrsp);
    let run = kernel::run_iss(&k, &[]);
    kernel::check_broken_ursp_run(&run, k.header.task_a, k.xlen)
        .unwrap_or_else(|e| panic!("{e:#}"));
    // The same check rejects the correct kernel's run.
    let good = build(Variant::Correct);
    let run = kernel::run_iss(&good, &[]);
    run.outcome.check("kernel").unwrap();
    let err = kernel::check_broken_ursp_run(&run, good.header.task_a, good.xlen).unwrap_err();
    assert!(format!("{err}").contains("passed the check"), "{err}");
}

#[test]
fn the_transcript_check_rejects_a_missing_a_foreign_or_a_reordered_line() {
    let k = build(Variant::Correct);
    let run = kernel::run_iss(&k, &kernel::ISS_NMI_CYCLES);
    let text = run.transcript();
    let e = expect(&k, 1, 1);
    kernel::check_transcript(&text, &e).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let join = |v: Vec<&str>| v.iter().map(|l| format!("{l}\n")).collect::<String>();
    for (i, l) in lines.iter().enumerate() {
        let mut v = lines.clone();
        v.remove(i);
        assert!(
            kernel::check_transcript(&join(v), &e).is_err(),
            "passed without line {}: {l:?}",
            i + 1
        );
    }
    let mut v = lines.clone();
    v.insert(3, "kernel: something else");
    assert!(kernel::check_transcript(&join(v), &e).is_err());
    // A's steps 0 and 1 swapped.
    let a0 = lines
        .iter()
        .position(|l| l.starts_with("A: step 0"))
        .unwrap();
    let a1 = lines
        .iter()
        .position(|l| l.starts_with("A: step 1"))
        .unwrap();
    let mut v = lines.clone();
    v.swap(a0, a1);
    assert!(kernel::check_transcript(&join(v), &e).is_err());
    // Every A line before every B line: no preemption.
    let (a, rest): (Vec<&str>, Vec<&str>) = lines.iter().partition(|l| l.starts_with("A: "));
    let (b, rest): (Vec<&str>, Vec<&str>) = rest.iter().partition(|l| l.starts_with("B: "));
    let mut v = vec![rest[0]];
    v.extend(a);
    v.extend(b);
    v.extend(&rest[1..]);
    let err = kernel::check_transcript(&join(v), &e).unwrap_err();
    assert!(format!("{err}").contains("interleave"), "{err}");
}

#[test]
fn the_measurement_shows_what_the_unit_costs() {
    let k = build(Variant::Correct);
    let run = kernel::run_iss(&k, &kernel::ISS_NMI_CYCLES);
    let facts = kernel::check_transcript(&run.transcript(), &expect(&k, 1, 1)).unwrap();
    let m = kernel::measure(&run.records, &k.header);
    let table = m.to_string();
    // A zero-wait bus: a frame word read in one cycle.
    kernel::check_unit_costs(&run, &m, &facts, &FrameBus::zero_wait(64))
        .unwrap_or_else(|e| panic!("{e:#}"));
    // The same check with the RTL's frame reads (2 cycles a word) fails.
    let err = kernel::check_unit_costs(&run, &m, &facts, &FrameBus::soc(64)).unwrap_err();
    assert!(format!("{err}").contains("not 11"), "{err}");
    // No NMI or interrupt waits after an ERET on this model.
    let unframed = m.eret("ERET to user, unframed").unwrap();
    assert_eq!(unframed.cycles.max, 1, "{table}");
    // The paths: on this model one instruction is one cycle, so a round
    // trip is its instructions plus the ecall's cycle.
    let path = |name: &str| {
        m.path(name)
            .unwrap_or_else(|| panic!("no {name:?}\n{table}"))
            .clone()
    };
    let selfs = path("system call self() round trip");
    assert_eq!(selfs.cycles.count, 11, "{table}");
    assert_eq!(selfs.cycles.min, selfs.cycles.max, "{table}");
    assert_eq!(selfs.cycles.min, selfs.instructions.min + 1, "{table}");
    let entry_path = path(kernel::ENTRY_PATH);
    let exit_path = path(kernel::EXIT_PATH);
    // 29 registers saved, 29 restored: the rest is dispatch.
    assert_eq!(entry_path.instructions.min, entry_path.instructions.max);
    assert!((30..60).contains(&entry_path.instructions.min), "{table}");
    assert_eq!(exit_path.instructions.max, 31, "{table}");
    assert!(
        selfs.instructions.min > entry_path.instructions.min + exit_path.instructions.min,
        "{table}"
    );
    let switch = path(kernel::TIMER_SWITCH);
    assert_eq!(switch.cycles.count, facts.timer_interrupts, "{table}");
    assert!((60..200).contains(&switch.cycles.min), "{table}");
    let nested = path("system call self() round trip, with a nested NMI");
    assert_eq!(nested.instructions.min, selfs.instructions.min, "{table}");
    assert!(nested.cycles.min > selfs.cycles.min + 12, "{table}");
    let json = m.to_json();
    for c in m.entries.iter().chain(&m.erets) {
        assert!(json.contains(&format!("\"kind\": {:?}", c.kind)), "{json}");
    }
    assert!(json.contains(&format!("\"path\": {:?}", kernel::TIMER_SWITCH)));
}
