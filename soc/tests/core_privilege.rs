//! The core with the unit, on the rust-hdl SoC: sp and tp are the unit's
//! renamed rsp and gs_base, ecall and sret go through the unit, user
//! faults, the timer interrupt and an NMI. The kernel's handlers check
//! the unit's CSRs and report the first mismatch through `tohost`.

mod core_asm;

use core_asm::{assert_pass, csr, reg::*, run_image, run_with, Asm};
use ptu_arch::event_info::pack;

const HANDLER: u64 = 0x1000;
const CRIT_HANDLER: u64 = 0x1800;
const KSTACK: u64 = 0x7f00;
const CSTACK: u64 = 0x6000;
const USER: u64 = 0x8000;
const USTACK: u64 = 0xff00;
const UGS: u64 = 0x1234;

/// Kernel boot: stacks, ENTRY, the user copies, then `sret` to user.
fn boot(a: &mut Asm) {
    a.li(SP, KSTACK);
    a.li(T0, HANDLER).csrw(csr::ENTRY, T0);
    a.li(T0, CRIT_HANDLER).csrw(csr::ENTRY_CRIT, T0);
    a.li(T0, CSTACK).csrw(csr::CSTACK, T0);
    a.li(T0, USER).csrw(csr::URIP, T0);
    a.li(T0, USTACK).csrw(csr::URSP, T0);
    a.li(T0, UGS).csrw(csr::UGS, T0);
    a.li(S1, 0);
}

/// In the handler: go to `label` when s1 (the user's phase) is `phase`.
fn dispatch(a: &mut Asm, phase: u64, label: &str) {
    a.li(T0, phase).br(0, S1, T0, label);
}

/// In the handler: return to the user instruction after the one that
/// faulted.
fn skip_and_return(a: &mut Asm) {
    a.csrr(T0, csr::URIP)
        .addi(T0, T0, 4)
        .csrw(csr::URIP, T0)
        .sret();
}

#[test]
fn sp_tp_ecall_sret_and_user_faults_go_through_the_unit() {
    let mut a = Asm::new();
    boot(&mut a);
    a.sret();

    // ---- User.
    a.org(USER);
    a.li(S1, 1);
    a.addi(SP, SP, -16); // the unit's user rsp
    a.addi(TP, TP, 1); // the unit's user gs_base
    a.addi(A0, SP, 0).addi(A1, TP, 0);
    let ecall_pc = a.pc();
    a.ecall();
    // Back from sret: the user's sp and tp again.
    a.li(S1, 2).addi(A2, SP, 0).addi(A3, TP, 0);
    let load_pc = a.pc();
    a.ld(A4, ZERO, 0x100); // kernel memory: #PF
    a.li(S1, 3).li(S0, 0x1000_0000).li(A4, 5);
    let store_pc = a.pc();
    a.sd(A4, S0, 0x18); // tohost, a device: #PF, and no store
    a.li(S1, 4);
    a.jalr(RA, ZERO, 0x100); // fetch from kernel memory: #PF at 0x100
    a.li(S1, 5).lui(S0, 0x20000);
    a.load(2, A4, S0, 4); // nothing there: #PF, P = 0
    a.li(S1, 6);
    a.csrr(A4, csr::STATUS); // a unit CSR in user mode: #GP
    a.li(S1, 7);
    a.sret(); // ERET in user mode: #GP
    a.li(S1, 8);
    a.csrr(A4, csr::INSTRET); // counters work in user mode
    a.li(S1, 9);
    a.ebreak();
    a.li(S1, 10);
    a.ecall();

    // ---- Kernel handler.
    a.org(HANDLER);
    a.csrr(S0, csr::EVENT_INFO).csrr(S2, csr::EVENT_DATA);
    for (phase, label) in [
        (1, "syscall"),
        (2, "load"),
        (3, "store"),
        (4, "fetch"),
        (5, "nothing"),
        (6, "csr"),
        (7, "eret"),
        (9, "bp"),
        (10, "end"),
    ] {
        dispatch(&mut a, phase, label);
    }
    a.tohost((99 << 1) | 1, T0, T1);

    a.label("syscall");
    a.check(10, S0, pack(7, 0, 0, true, false));
    a.check(11, A0, USTACK - 16).check(12, A1, UGS + 1);
    a.csrr(T0, csr::URSP).check(13, T0, USTACK - 16);
    a.csrr(T0, csr::UGS).check(14, T0, UGS + 1);
    a.csrr(T0, csr::URIP).check(15, T0, ecall_pc + 4);
    a.check(16, SP, KSTACK); // the kernel's own sp, untouched
    a.check(17, TP, 0); // the kernel's own tp
    a.csrr(T0, csr::STATUS).check(18, T0, 1 << 3); // prev_user, not framed
    a.addi(TP, ZERO, 0x77); // the kernel's tp only
    a.sret();

    a.label("load");
    a.check(20, S0, pack(3, 14, 0b101, true, true)); // P | U
    a.check(21, S2, 0x100);
    a.csrr(T0, csr::URIP).check(22, T0, load_pc);
    a.check(23, A2, USTACK - 16).check(24, A3, UGS + 1);
    a.check(25, TP, 0x77).check(26, SP, KSTACK);
    skip_and_return(&mut a);

    a.label("store");
    a.check(30, S0, pack(3, 14, 0b111, true, true)); // P | W | U
    a.check(31, S2, 0x1000_0018);
    a.csrr(T0, csr::URIP).check(32, T0, store_pc);
    skip_and_return(&mut a);

    a.label("fetch");
    a.check(40, S0, pack(3, 14, 0b1_0101, true, true)); // P | U | I
    a.check(41, S2, 0x100);
    a.csrr(T0, csr::URIP).check(42, T0, 0x100); // the jump itself ran
    a.csrw(csr::URIP, RA).sret();

    a.label("nothing");
    a.check(50, S0, pack(3, 14, 0b100, true, true)); // U only
    a.check(51, S2, 0x2000_0004);
    skip_and_return(&mut a);

    a.label("csr");
    a.check(60, S0, pack(3, 13, 0, true, true));
    a.check(61, S2, 0);
    skip_and_return(&mut a);

    a.label("eret");
    a.check(70, S0, pack(3, 13, 0, true, true));
    skip_and_return(&mut a);

    a.label("bp");
    a.check(90, S0, pack(3, 3, 0, true, false));
    // rdinstret in user mode: a positive count.
    a.sltu(T0, ZERO, A4).check(91, T0, 1);
    skip_and_return(&mut a);

    a.label("end");
    a.check(100, S0, pack(7, 0, 0, true, false));
    a.tohost(1, T0, T1);

    let out = run_image(a.image(), 100_000);
    assert_pass(&out);
    // The user's store to tohost never happened: the run ended with the
    // kernel's pass, and no store was traced to it before.
    let tohost_stores: Vec<_> = out
        .trace
        .iter()
        .filter_map(|r| r.store)
        .filter(|s| s.0 == 0x1000_0018)
        .collect();
    assert_eq!(tohost_stores, vec![(0x1000_0018, 8, 1)]);
}

/// The timer interrupts user code again and again, at every phase of
/// its instructions; the handler checks that no instruction committed
/// twice or committed without retiring (two counters and a memory
/// counter stay in step), and re-arms the timer with a delay one cycle
/// longer each time.
#[test]
fn the_timer_interrupts_user_code_and_no_instruction_commits_twice() {
    const ROUNDS: u64 = 48;
    let counter = 0x9000u64;
    let mut a = Asm::new();
    boot(&mut a);
    a.li(S0, 0x1000_0000).li(S4, counter).li(S2, 0);
    a.ld(T3, S0, 8).addi(T3, T3, 200).sd(T3, S0, 16); // mtimecmp
    a.sret();

    a.org(USER);
    a.li(A0, 0).li(A1, 0);
    a.label("loop");
    a.addi(A0, A0, 1);
    a.ld(T0, S4, 0).addi(T0, T0, 1).sd(T0, S4, 0);
    a.addi(A1, A1, 1);
    a.j("loop");

    a.org(HANDLER);
    a.csrr(A6, csr::EVENT_INFO)
        .check(1, A6, pack(0, 0x20, 0, true, false));
    a.csrr(A6, csr::URIP);
    a.li(A7, USER).sltu(A7, A6, A7).check(2, A7, 0); // in the user code
    a.sub(A7, A0, A1).sltiu(A7, A7, 2).check(3, A7, 1); // a0 - a1 in {0, 1}
    a.ld(T3, S4, 0);
    a.sub(A7, T3, A1).sltiu(A7, A7, 2).check(4, A7, 1); // mem - a1 in {0, 1}
    a.sltu(A7, A0, T3).check(5, A7, 0); // mem <= a0
    a.addi(S2, S2, 1);
    a.li(A7, ROUNDS).br(0, S2, A7, "done");
    a.ld(T3, S0, 8)
        .add(T3, T3, S2)
        .addi(T3, T3, 60)
        .sd(T3, S0, 16);
    a.sret();
    a.label("done");
    a.sd(ZERO, S0, 16); // timer off
    a.sltiu(A7, A1, ROUNDS as i64).check(6, A7, 0); // the user ran between
    a.tohost(1, T0, T1);

    let out = run_image(a.image(), 200_000);
    assert_pass(&out);
    // Some interrupts were taken at the very edge where the core
    // presented `retire`: the drop path ran.
    eprintln!(
        "{} cycles, {} retired, {} retires dropped for the interrupt",
        out.cycles, out.instret, out.dropped
    );
    assert!(
        out.dropped > 0,
        "no retire was dropped in {ROUNDS} interrupts"
    );
}

#[test]
fn an_nmi_in_user_mode_runs_on_the_critical_stack_and_returns() {
    let mut a = Asm::new();
    boot(&mut a);
    a.li(S2, 0);
    a.sret();

    a.org(USER);
    a.li(A0, 0);
    a.label("loop");
    a.addi(A0, A0, 1);
    a.br(1, S2, ZERO, "done");
    a.j("loop");
    a.label("done");
    a.ecall();

    a.org(CRIT_HANDLER);
    a.csrr(A6, csr::EVENT_INFO)
        .check(1, A6, pack(2, 2, 0, true, false));
    // framed | nmi_blocked | prev_user | critical
    a.csrr(A6, csr::STATUS).check(2, A6, 0b1_1110);
    a.check(3, SP, CSTACK - 40);
    a.ld(A6, SP, 24).check(4, A6, KSTACK); // the frame's kernel rsp
    a.csrr(A6, csr::URIP);
    a.li(A7, USER).sltu(A7, A6, A7).check(5, A7, 0);
    a.addi(S2, ZERO, 1);
    a.sret(); // pops the frame, back to user

    a.org(HANDLER);
    a.csrr(A6, csr::EVENT_INFO)
        .check(10, A6, pack(7, 0, 0, true, false));
    a.check(11, S2, 1);
    a.check(12, SP, KSTACK); // the pop restored the kernel's sp
    a.csrr(A6, csr::STATUS).check(13, A6, 1 << 3); // NMIs unblocked
    a.sltu(A7, ZERO, A0).check(14, A7, 1);
    a.tohost(1, T0, T1);

    let out = run_with(a.image(), 20_000, &[600]);
    assert_pass(&out);
    // Without the NMI the user loops forever.
    let out = run_with(a.image(), 5_000, &[]);
    assert_eq!(out.tohost, None);
}

#[test]
fn a_kernel_interrupt_waits_for_status_if() {
    // In kernel mode the timer is masked until STATUS.if is set.
    let mut a = Asm::new();
    a.li(SP, KSTACK).li(T0, HANDLER).csrw(csr::ENTRY, T0);
    a.li(S0, 0x1000_0000).li(T0, 1).sd(T0, S0, 16); // irq now
    a.li(A0, 0);
    for _ in 0..20 {
        a.addi(A0, A0, 1);
    }
    a.check(1, A0, 20); // not interrupted
    a.li(T0, 1).csrw(csr::STATUS, T0); // if = 1
    a.label("spin").j("spin");

    a.org(HANDLER);
    a.csrr(A6, csr::EVENT_INFO)
        .check(2, A6, pack(0, 0x20, 0, false, false));
    a.csrr(A6, csr::STATUS).check(3, A6, 0b10); // framed, if cleared
    a.tohost(1, T0, T1);
    assert_pass(&run_image(a.image(), 20_000));
}

/// An NMI before the kernel set up ENTRY_CRIT and CSTACK: the frame push
/// below CSTACK = 0 leaves RAM (`mem_err`), the double fault's push fails
/// the same way, and the unit shuts down; the run stops there.
#[test]
fn an_nmi_with_no_critical_stack_shuts_the_unit_down_and_the_run_stops() {
    let mut a = Asm::new();
    a.label("spin").addi(A0, A0, 1).j("spin");
    let out = run_with(a.image(), 5_000, &[100]);
    assert!(out.shutdown, "{out:?}");
    assert_eq!(out.tohost, None);
    assert!(
        out.cycles < 200,
        "the run went on after the shutdown: {}",
        out.cycles
    );
    // With CSTACK set, the same NMI is handled.
    let mut a = Asm::new();
    a.li(T0, CSTACK).csrw(csr::CSTACK, T0);
    a.li(T0, CRIT_HANDLER).csrw(csr::ENTRY_CRIT, T0);
    a.label("spin").addi(A0, A0, 1).j("spin");
    a.org(CRIT_HANDLER).tohost(1, T0, T1);
    let out = run_with(a.image(), 5_000, &[100]);
    assert!(!out.shutdown);
    assert_pass(&out);
}
