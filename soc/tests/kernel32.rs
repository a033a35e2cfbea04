//! The kernel of `soc/programs/kernel/kernel.S` built for RV32I (the one
//! source, `XLEN = 32`) on the RV32I model and on the rust-hdl `Soc<32>`
//! (with the 32-bit unit, `Ptu<32>`): the same
//! checks as the RV64I kernel's (`kernel_iss.rs`, `kernel_rtl.rs`): the
//! transcript, the unit's costs, the NMI cycles chosen on each runner, and
//! the kernel whose task switch forgets URSP fails; and the emitted RV32I
//! SoC under Verilator prints the rust-hdl run's transcript in the same
//! cycles. Its transcript is the RV64I kernel's, but for the addresses of
//! code (`at 0x...`) and of task A's struct (task C's #PF address).

use ptu_soc::iss::Trace;
use ptu_soc::kernel::{self, Expect, FrameBus, Kernel, Measurement, Run, Variant};
use ptu_soc::run::RunOptions;
use ptu_soc::soc::SocConfig;
use ptu_soc::verilator;
use std::path::PathBuf;

fn build(v: Variant) -> Kernel {
    kernel::build_xlen(v, 32).unwrap_or_else(|e| panic!("{e:#}"))
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

/// The NMIs of a run: (pc, EVENT_INFO, frame words); the first must
/// interrupt self()'s handler in kernel mode, the second a user
/// instruction.
fn check_nmis(k: &Kernel, run: &Run) {
    let nmis: Vec<(u64, u64, u32)> = run
        .records
        .iter()
        .filter_map(|r| match r.entry {
            Trace::Event { pc, info, .. } if info & 7 == 2 => Some((pc, info, r.mem)),
            _ => None,
        })
        .collect();
    assert_eq!(nmis.len(), 2, "{nmis:x?}");
    // Each pushes the 32-bit unit's frame: six words.
    let words = ptu_arch::FrameLayout::for_xlen(32).words as u32;
    assert_eq!(words, 6);
    let (pc, info, mem) = nmis[0];
    assert_eq!((info >> 48 & 1, mem), (0, words));
    assert!(
        (k.header.sys_self..k.header.sys_self + 40).contains(&pc),
        "0x{pc:x}"
    );
    let (pc, info, mem) = nmis[1];
    assert_eq!((info >> 48 & 1, mem), (1, words));
    assert!(pc >= ptu_soc::map::USER_BASE, "0x{pc:x}");
}

/// The transcript with the hex number after each " at 0x" (an address of
/// kernel or user code, which differ between the widths) blanked.
fn without_code_addresses(text: &str) -> String {
    text.lines()
        .map(|l| {
            let mut out = String::new();
            let mut rest = l;
            while let Some(i) = rest.find(" at 0x") {
                out.push_str(&rest[..i + 6]);
                rest = rest[i + 6..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
                out.push('…');
            }
            out.push_str(rest);
            out + "\n"
        })
        .collect()
}

#[test]
fn the_rv32_kernel_passes_on_the_model_with_the_rv64_kernels_transcript() {
    let k = build(Variant::Correct);
    let chosen =
        kernel::choose_nmi_cycles(&k.header, |c| Ok(kernel::run_iss(&k, c).records)).unwrap();
    assert_eq!(chosen, kernel::ISS_NMI_CYCLES_RV32);
    let run = kernel::run_iss(&k, &chosen);
    let text = run.transcript();
    run.outcome.check("RV32I kernel").unwrap();
    let facts = kernel::check_transcript(&text, &expect(&k, 1, 1))
        .unwrap_or_else(|e| panic!("{e:#}\n{text}"));
    assert!(facts.alternations >= 4, "{text}");
    assert_eq!(facts.syscalls, kernel::SYSCALLS);
    assert_eq!(facts.nmis, 2);
    check_nmis(&k, &run);

    let m = kernel::measure(&run.records, &k.header);
    kernel::check_unit_costs(&run, &m, &facts, &FrameBus::zero_wait(32))
        .unwrap_or_else(|e| panic!("{e:#}"));

    // Without NMIs the RV64I kernel prints the same text, but for the
    // addresses of code and of task A's struct (task C's #PF address,
    // read from each kernel's header): the RV32I kernel is smaller. The
    // timer lands at the same points on both models (the paths it
    // interrupts take the same instructions), so even the summary's
    // count of timer interrupts agrees.
    let k64 = kernel::build(Variant::Correct).unwrap();
    let plain32 = kernel::run_iss(&k, &[]).transcript();
    let plain64 = kernel::run_iss(&k64, &[]).transcript();
    let norm = |t: &str, k: &Kernel| {
        without_code_addresses(t).replace(&format!("0x{:016x}", k.header.task_a), "0x<task A>")
    };
    assert_eq!(norm(&plain32, &k), norm(&plain64, &k64));
    eprintln!(
        "RV32I kernel on the model: {} cycles, {} instructions, NMIs at {chosen:?}\n{text}\n{m}",
        run.outcome.cycles, run.outcome.retired
    );
}

#[test]
fn a_switch_that_does_not_restore_ursp_fails_on_the_rv32_model() {
    let k = build(Variant::BrokenUrsp);
    let run = kernel::run_iss(&k, &[]);
    kernel::check_broken_ursp_run(&run, k.header.task_a, k.xlen)
        .unwrap_or_else(|e| panic!("{e:#}"));
}

/// On the rust-hdl `Soc<32>`: the NMI cycles chosen with the RTL runner,
/// the run's transcript and the unit's costs with the 32-bit unit's
/// six-word frame (a framed entry writes each word in two cycles, the
/// RAM word read and written back with its half; a framed ERET reads
/// each in two), and the paths
/// run the model's instructions.
#[test]
fn the_rv32_kernel_runs_on_the_rtl_with_a_nested_nmi_and_shows_the_units_costs() {
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
    assert_eq!(chosen, kernel::RTL_NMI_CYCLES_RV32);

    let plain = plain.unwrap();
    plain
        .outcome
        .check("RV32I kernel on the RTL, no NMI")
        .unwrap();
    let text = plain.transcript();
    kernel::check_transcript(&text, &expect(&k, 0, 0)).unwrap_or_else(|e| panic!("{e:#}\n{text}"));

    let run = rtl(&k, &chosen);
    let text = run.transcript();
    run.outcome.check("RV32I kernel on the RTL").unwrap();
    let facts = kernel::check_transcript(&text, &expect(&k, 1, 1))
        .unwrap_or_else(|e| panic!("{e:#}\n{text}"));
    assert_eq!(facts.syscalls, kernel::SYSCALLS);
    assert_eq!(facts.nmis, 2);
    check_nmis(&k, &run);

    let m = kernel::measure(&run.records, &k.header);
    let table = m.to_string();
    kernel::check_unit_costs(&run, &m, &facts, &FrameBus::soc(32))
        .unwrap_or_else(|e| panic!("{e:#}"));
    let iss = kernel::run_iss(&k, &kernel::ISS_NMI_CYCLES_RV32);
    let on_iss = kernel::measure(&iss.records, &k.header);
    let path = |m: &Measurement, name: &str| {
        m.path(name)
            .unwrap_or_else(|| panic!("no {name:?}\n{table}"))
            .clone()
    };
    let selfs = path(&m, "system call self() round trip");
    assert_eq!(selfs.cycles.count, 11, "{table}");
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
        assert_eq!(
            path(&m, name).instructions,
            path(&on_iss, name).instructions,
            "{name}\n{table}"
        );
    }
    let switch = path(&m, kernel::TIMER_SWITCH);
    assert_eq!(switch.cycles.count, facts.timer_interrupts, "{table}");

    // The emitted RV32I SoC under Verilator: the same transcript in the
    // same cycles.
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("soc-verilator-kernel32");
    let cfg = SocConfig::rv32(k.program.image.clone());
    let opts = RunOptions {
        max_cycles: ptu_soc::kernel::KERNEL_MAX_CYCLES,
        nmi_at: chosen.clone(),
        trace: false,
        vcd: None,
    };
    let vl = verilator::run(&cfg, &opts, &work).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(vl.uart_text(), text, "Verilator's transcript");
    assert_eq!(vl.verdict(), Some(ptu_soc::map::ToHost::Pass));
    assert_eq!(vl.cycles, run.outcome.cycles, "Verilator's cycles");

    eprintln!(
        "RV32I kernel on the RTL: {} cycles, {} instructions retired, NMIs at {chosen:?}\n{text}\n{m}",
        run.outcome.cycles, run.outcome.retired
    );
}

#[test]
fn a_switch_that_does_not_restore_ursp_fails_on_the_rv32_rtl() {
    let k = build(Variant::BrokenUrsp);
    let run = rtl(&k, &[]);
    kernel::check_broken_ursp_run(&run, k.header.task_a, k.xlen)
        .unwrap_or_else(|e| panic!("{e:#}"));
}
