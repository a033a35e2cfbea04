//! The kernel run twice without reloading the RAM, as the board's run
//! button does (a reset of the core, the unit and the devices; the RAM and
//! the register file keep what the first run left): the kernel sets up its
//! writable data at boot from read-only initial copies, so the second run
//! is the first one again, transcript and trace. A kernel assembled
//! without that set-up (`Variant::NoDataInit`) passes once and then
//! differs, so the check can fail.
//!
//! On the instruction-level model here, for the RV64I kernel and its RV32I
//! build; on the RTL, through the board top's run button under Verilator,
//! in `soc/tests/board_sim.rs`.

use ptu_soc::iss::End;
use ptu_soc::kernel::{self, Expect, Kernel, Variant};
use ptu_soc::map::ToHost;

fn build(v: Variant, xlen: usize) -> Kernel {
    kernel::build_xlen(v, xlen).unwrap_or_else(|e| panic!("{e:#}"))
}

fn expect(k: &Kernel, nmis: usize) -> Expect {
    Expect {
        nmi_user: nmis,
        nmi_nested: nmis,
        fault_address: k.header.task_a,
        xlen: k.xlen,
    }
}

#[test]
fn a_reset_without_a_reload_runs_the_kernel_again_the_same() {
    rerun_the_same(64);
}

#[test]
fn a_reset_without_a_reload_runs_the_rv32_kernel_again_the_same() {
    rerun_the_same(32);
}

#[test]
fn without_the_set_up_at_boot_the_second_run_differs() {
    without_set_up_differs(64);
}

#[test]
fn without_the_set_up_at_boot_the_second_rv32_run_differs() {
    without_set_up_differs(32);
}

fn rerun_the_same(xlen: usize) {
    let k = build(Variant::Correct, xlen);
    let (first, second) = kernel::rerun_iss(&k, &kernel::iss_nmi_cycles(xlen));
    let (t1, t2) = (first.transcript(), second.transcript());
    first.outcome.check("kernel, run 1").unwrap();
    second.outcome.check("kernel, run 2").unwrap();
    kernel::check_transcript(&t1, &expect(&k, 1)).unwrap_or_else(|e| panic!("run 1: {e:#}\n{t1}"));
    assert_eq!(t1, t2, "run 2 printed something else than run 1");
    // Not only the same lines: the same instructions at the same cycles.
    assert_eq!(first.outcome, second.outcome);
    assert_eq!(first.records, second.records);
}

fn without_set_up_differs(xlen: usize) {
    // Without NMIs: the cycles of ISS_NMI_CYCLES are the correct kernel's.
    let k = build(Variant::NoDataInit, xlen);
    let (first, second) = kernel::rerun_iss(&k, &[]);
    let (t1, t2) = (first.transcript(), second.transcript());
    // From a freshly loaded RAM this kernel runs as the correct one ...
    first.outcome.check("kernel, run 1").unwrap();
    kernel::check_transcript(&t1, &expect(&k, 0)).unwrap_or_else(|e| panic!("run 1: {e:#}\n{t1}"));
    // ... but it boots the second time with the first run's counters,
    // task structs and stacks: its task switch resumes a task on a stack
    // that is not the one it left, the task exits with an error, and the
    // summary counts on from the first run's numbers.
    assert_ne!(t1, t2);
    let err = kernel::check_transcript(&t2, &expect(&k, 0))
        .expect_err("the second run's transcript passed the check");
    let summary = t2
        .lines()
        .find(|l| l.starts_with("kernel: summary: "))
        .unwrap_or_else(|| panic!("run 2 has no summary ({err:#}):\n{t2}"));
    let syscalls: u64 = summary
        .split(", ")
        .find_map(|f| f.strip_prefix("system calls "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{summary}"));
    assert!(syscalls > kernel::SYSCALLS, "{summary}");
    assert!(
        matches!(second.outcome.end, End::ToHost(ToHost::Fail(_))),
        "{:?}\n{t2}",
        second.outcome.end
    );
}
