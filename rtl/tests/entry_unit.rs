//! Directed tests of `EntryUnit` alone, in rust-hdl's `Simulation`.
//!
//! SPEC.md, "Events, in priority order", "Entry" and the EVENT_INFO table;
//! spec-notes sections 1, 2, 4 and 5. The testbench plays the rest of the
//! unit: it drives `user`, STATUS, the kernel copies and the CSRs as
//! constants, and plays the frame sequencer (`busy`, `seq_done`,
//! `seq_bus_error`) after each `start_push`, with a zero-wait bus. The
//! CSR file's entry point is the constant `ENTRY_POINT`; which of ENTRY
//! and ENTRY_CRIT the CSR file would give is the unit's `pick_crit`.
//! Each test writes `waveforms/entry_unit-<test>.vcd`.

#[macro_use]
mod common;

use ptu_arch::event_info::pack;
use ptu_arch::{event_type as ty, vector};
use ptu_rtl::entry_unit::EntryUnit as EntryUnitOf;

/// The 64-bit block.
type EntryUnit = EntryUnitOf<64>;
use rust_hdl::prelude::*;

const BLOCK: &str = "entry_unit";

const ENTRY: u64 = 0xffff_ffff_8100_0000;
const ENTRY_CRIT: u64 = 0xffff_ffff_8100_8000;
/// What the testbench drives on `entry_point` (the CSR file's output):
/// neither ENTRY nor ENTRY_CRIT, so that `loads` can tell `krip_value`
/// passes it on.
const ENTRY_POINT: u64 = 0xffff_ffff_8100_4000;
const CSTACK: u64 = 0xffff_fe00_0000_0000;
const KRIP: u64 = 0xffff_ffff_8000_1000;
const KRSP: u64 = 0xffff_c900_0000_8000;
const NEXT: u64 = 0x0000_0000_0040_1002;
const DATA: u64 = 0x0000_7fff_dead_b000;

fn unit() -> EntryUnit {
    common::connected(EntryUnit::default())
}

/// The inputs of one instruction cycle, all absent; the sequencer answers
/// nothing. `user`, `busy`, `nmi`, `mce`, STATUS, `seq_popping` and the
/// register values are left as they are.
fn clear(x: &mut EntryUnit) {
    x.op_syscall.next = false;
    x.op_eret.next = false;
    x.csr_fault.next = false;
    x.csr_access.next = false;
    x.exc_valid.next = false;
    x.exc_vector.next = 0.into();
    x.exc_error.next = 0.into();
    x.exc_error_valid.next = false;
    x.exc_data.next = 0.into();
    x.irq.next = false;
    x.irq_vector.next = 0.into();
    x.next_rip.next = NEXT.into();
    x.seq_done.next = false;
    x.seq_bus_error.next = false;
    x.restore.next = false;
    x.restore_info.next = 0.into();
    x.restore_data.next = 0.into();
}

/// Every input to its quiet value: kernel mode, STATUS all clear.
fn init(x: &mut EntryUnit) {
    clear(x);
    x.reset.next = false;
    x.user.next = false;
    x.busy.next = false;
    x.nmi.next = false;
    x.mce.next = false;
    x.kernel_rip.next = KRIP.into();
    x.kernel_rsp.next = KRSP.into();
    x.cstack.next = CSTACK.into();
    x.entry_point.next = ENTRY_POINT.into();
    x.status_if.next = false;
    x.status_nmi_blocked.next = false;
    x.status_critical.next = false;
    x.seq_popping.next = false;
}

/// Present a fault of the current instruction.
fn exc(x: &mut EntryUnit, vec: u8, error: Option<u32>, data: u64) {
    x.exc_valid.next = true;
    x.exc_vector.next = (vec as u64).into();
    // The error input carries a value even when it is not valid.
    x.exc_error.next = (error.unwrap_or(0x0bad_0bad) as u64).into();
    x.exc_error_valid.next = error.is_some();
    x.exc_data.next = data.into();
}

/// Present an interrupt request.
fn irq(x: &mut EntryUnit, vec: u8) {
    x.irq.next = true;
    x.irq_vector.next = (vec as u64).into();
}

/// A CSR access that raises #GP (a faulting access is an access).
fn csr_gp(x: &mut EntryUnit) {
    x.csr_fault.next = true;
    x.csr_access.next = true;
}

/// The current instruction takes effect at this edge, as the top writes
/// its enables from the first-level terms: `calm`, the level's
/// `quiet_kernel` / `quiet_user`, `plain`, and no faulting CSR access
/// (the top's `csr_ok` in kernel mode, no access at all in user mode;
/// here `csr_fault` stands for such an access).
fn insn(x: &EntryUnit) -> bool {
    x.calm.val() & (x.quiet_kernel.val() | x.quiet_user.val()) & x.plain.val() & !x.csr_fault.val()
}

/// SYSCALL from user saves its return address (user RIP = `next_rip`),
/// as the top writes the user RIP's enable: `calm`, `quiet_user` and
/// `op_syscall`.
fn urip_saved(x: &EntryUnit) -> bool {
    x.calm.val() & x.quiet_user.val() & x.op_syscall.val()
}

/// The decision of this cycle:
/// (idle, insn, do_eret, enter, start_push, urip_saved).
type Decision = (bool, bool, bool, bool, bool, bool);

fn decision(x: &EntryUnit) -> Decision {
    (
        x.idle.val(),
        insn(x),
        x.do_eret.val(),
        x.enter.val(),
        x.start_push.val(),
        urip_saved(x),
    )
}

/// Nothing happens but the instruction.
const INSN: Decision = (true, true, false, false, false, false);
/// ERET in kernel mode is accepted.
const ERET: Decision = (true, false, true, false, false, false);
/// An ordinary event from user completes at once (SYSCALL saves the user
/// RIP as well).
const IMMEDIATE: Decision = (true, false, false, true, false, false);
const IMMEDIATE_SYSCALL: Decision = (true, false, false, true, false, true);
/// An event that pushes a frame is accepted.
const PUSH: Decision = (true, false, false, false, true, false);
/// A transfer runs: nothing is looked at.
const BUSY: Decision = (false, false, false, false, false, false);
/// The fifth answer of a push: the entry completes (the kernel RSP is
/// the top's, from the sequencer's `done`).
const PUSHED: Decision = (false, false, false, true, false, false);

/// What a completing entry loads:
/// (entry point, if, framed, nmi_blocked, prev_user, critical). The entry
/// point is the one the CSR file gives for `pick_crit` (ENTRY_CRIT or
/// ENTRY) when `krip_value` is the CSR file's `entry_point`, else
/// `krip_value` itself.
fn loads(x: &EntryUnit) -> (u64, bool, bool, bool, bool, bool) {
    let krip = x.krip_value.val().to_u64();
    let point = match (krip == ENTRY_POINT, x.pick_crit.val()) {
        (true, true) => ENTRY_CRIT,
        (true, false) => ENTRY,
        (false, _) => krip,
    };
    (
        point,
        x.load_if.val(),
        x.load_framed.val(),
        x.load_nmi_blocked.val(),
        x.load_prev_user.val(),
        x.load_critical.val(),
    )
}

/// (EVENT_INFO, EVENT_DATA).
fn event(x: &EntryUnit) -> (u64, u64) {
    (x.event_info.val().to_u64(), x.event_data.val().to_u64())
}

/// Reset for one edge, then every input quiet.
macro_rules! reset {
    ($sim:ident, $x:ident) => {
        init(&mut $x);
        $x.reset.next = true;
        edge!($sim, $x);
        init(&mut $x);
    };
}

/// From just after the edge that accepted a framed entry, play the
/// sequencer: `busy` and four answers, then stop in the middle of the
/// cycle of the fifth answer (`seq_done`), where the entry completes.
macro_rules! push_to_done {
    ($sim:ident, $x:ident) => {
        clear(&mut $x);
        $x.busy.next = true;
        for w in 0..4 {
            settle!($sim, $x);
            check!($sim, $x, decision(&$x), BUSY, "push, word {w}");
            edge!($sim, $x);
        }
        $x.seq_done.next = true;
        settle!($sim, $x);
        check!($sim, $x, decision(&$x), PUSHED, "push, fifth answer");
    };
}

/// Take the edge of the fifth answer; the sequencer is idle after it.
macro_rules! after_done {
    ($sim:ident, $x:ident) => {
        edge!($sim, $x);
        clear(&mut $x);
        $x.busy.next = false;
    };
}

/// Raise `nmi` (or `mce`) for one cycle so that the next edge samples it.
macro_rules! pulse {
    ($sim:ident, $x:ident, $pin:ident) => {
        $x.$pin.next = true;
        edge!($sim, $x);
        $x.$pin.next = false;
    };
}

block_test!(reset_values, EntryUnit, unit(), 20, |sim, x| {
    reset!(sim, x);
    check!(sim, x, event(&x), (0, 0), "after reset");
    check!(sim, x, x.irq_ack.val(), false, "irq_ack after reset");
    check!(sim, x, x.shutdown.val(), false, "shutdown after reset");
    check!(
        sim,
        x,
        x.return_rip.val().to_u64(),
        0,
        "return_rip after reset"
    );
    // Fill the registers: an interrupt from user, then a kernel SYSCALL
    // push in flight, and reset in the middle of it with an NMI edge.
    x.user.next = true;
    irq(&mut x, 0x40);
    edge!(sim, x);
    check!(sim, x, x.irq_ack.val(), true, "irq_ack");
    check!(
        sim,
        x,
        event(&x).0,
        pack(ty::EXTERNAL_INTERRUPT, 0x40, 0, true, false),
        "irq"
    );
    init(&mut x);
    x.op_syscall.next = true;
    edge!(sim, x);
    check!(
        sim,
        x,
        x.return_rip.val().to_u64(),
        NEXT,
        "return_rip of the SYSCALL"
    );
    clear(&mut x);
    x.busy.next = true;
    x.nmi.next = true;
    x.reset.next = true;
    edge!(sim, x);
    init(&mut x);
    settle!(sim, x);
    check!(sim, x, event(&x), (0, 0), "after the second reset");
    check!(
        sim,
        x,
        x.irq_ack.val(),
        false,
        "irq_ack after the second reset"
    );
    check!(
        sim,
        x,
        x.return_rip.val().to_u64(),
        0,
        "return_rip after the second reset"
    );
    // The NMI edge sampled with reset is gone: nothing is taken.
    for n in 0..4 {
        settle!(sim, x);
        check!(sim, x, decision(&x), INSN, "after reset, cycle {n}");
        edge!(sim, x);
    }
});

block_test!(priority_order, EntryUnit, unit(), 100, |sim, x| {
    let pf = pack(ty::HARDWARE_EXCEPTION, vector::PF, 6, true, true);
    reset!(sim, x);
    // MCE > NMI > fault > interrupt, from user: both edges at once,
    // then a fault and an interrupt in the cycle they are taken.
    x.user.next = true;
    x.mce.next = true;
    x.nmi.next = true;
    settle!(sim, x);
    check!(sim, x, decision(&x), INSN, "MCE/NMI edge not yet sampled");
    edge!(sim, x);
    exc(&mut x, vector::PF, Some(6), DATA);
    irq(&mut x, 0x41);
    settle!(sim, x);
    check!(sim, x, decision(&x), PUSH, "MCE wins");
    check!(sim, x, x.push_addr.val().to_u64(), CSTACK, "MCE push_addr");
    edge!(sim, x);
    check!(sim, x, x.irq_ack.val(), false, "no irq_ack: MCE won");
    check!(sim, x, x.return_rip.val().to_u64(), KRIP, "MCE return RIP");
    push_to_done!(sim, x);
    check!(
        sim,
        x,
        loads(&x),
        (ENTRY_CRIT, false, true, false, true, true),
        "MCE completes"
    );
    after_done!(sim, x);
    check!(
        sim,
        x,
        event(&x),
        (pack(ty::HARDWARE_EXCEPTION, vector::MC, 0, true, false), 0),
        "MCE"
    );
    // In the machine-check handler (kernel, critical, if = 1): the NMI
    // is still pending and wins over an interrupt and a SYSCALL. The
    // levels of nmi and mce stay high: no new edges.
    x.user.next = false;
    x.status_critical.next = true;
    x.status_if.next = true;
    irq(&mut x, 0x42);
    x.op_syscall.next = true;
    settle!(sim, x);
    check!(sim, x, decision(&x), PUSH, "NMI wins");
    check!(
        sim,
        x,
        x.push_addr.val().to_u64(),
        KRSP,
        "NMI nested: current stack"
    );
    edge!(sim, x);
    check!(sim, x, x.irq_ack.val(), false, "no irq_ack: NMI won");
    check!(
        sim,
        x,
        x.return_rip.val().to_u64(),
        KRIP,
        "NMI return RIP, not next_rip"
    );
    push_to_done!(sim, x);
    check!(
        sim,
        x,
        loads(&x),
        (ENTRY_CRIT, false, true, true, false, true),
        "NMI completes"
    );
    after_done!(sim, x);
    check!(
        sim,
        x,
        event(&x),
        (pack(ty::NMI, vector::NMI, 0, false, false), 0),
        "NMI"
    );
    // Neither is pending any more.
    settle!(sim, x);
    check!(sim, x, decision(&x), INSN, "nothing pending");
    edge!(sim, x);

    // NMI > fault > interrupt, from user.
    reset!(sim, x);
    x.user.next = true;
    pulse!(sim, x, nmi);
    exc(&mut x, vector::PF, Some(6), DATA);
    irq(&mut x, 0x41);
    settle!(sim, x);
    check!(sim, x, decision(&x), PUSH, "NMI wins over a fault");
    check!(
        sim,
        x,
        x.push_addr.val().to_u64(),
        CSTACK,
        "NMI from user: CSTACK"
    );
    edge!(sim, x);
    push_to_done!(sim, x);
    after_done!(sim, x);
    check!(
        sim,
        x,
        event(&x),
        (pack(ty::NMI, vector::NMI, 0, true, false), 0),
        "NMI"
    );
    check!(sim, x, x.irq_ack.val(), false, "no irq_ack: NMI won");

    // Fault > interrupt, from user: at once.
    x.user.next = true;
    exc(&mut x, vector::PF, Some(6), DATA);
    irq(&mut x, 0x41);
    settle!(sim, x);
    check!(
        sim,
        x,
        decision(&x),
        IMMEDIATE,
        "fault wins over an interrupt"
    );
    edge!(sim, x);
    check!(sim, x, event(&x), (pf, DATA), "page fault");
    check!(sim, x, x.irq_ack.val(), false, "no irq_ack: the fault won");
    // #GP of a CSR access > interrupt.
    clear(&mut x);
    csr_gp(&mut x);
    irq(&mut x, 0x41);
    settle!(sim, x);
    check!(
        sim,
        x,
        decision(&x),
        IMMEDIATE,
        "#GP wins over an interrupt"
    );
    edge!(sim, x);
    let gp = pack(ty::HARDWARE_EXCEPTION, vector::GP, 0, true, true);
    check!(sim, x, event(&x), (gp, 0), "#GP");
    check!(sim, x, x.irq_ack.val(), false, "no irq_ack: #GP won");
    // exc_valid is the fault's identity when a CSR #GP comes with it.
    clear(&mut x);
    csr_gp(&mut x);
    exc(&mut x, vector::PF, Some(6), DATA);
    edge!(sim, x);
    check!(
        sim,
        x,
        event(&x),
        (pf, DATA),
        "exc_valid wins over a CSR #GP"
    );
    // Interrupt > SYSCALL.
    clear(&mut x);
    irq(&mut x, 0x43);
    x.op_syscall.next = true;
    settle!(sim, x);
    check!(
        sim,
        x,
        decision(&x),
        IMMEDIATE,
        "interrupt wins over SYSCALL"
    );
    edge!(sim, x);
    let i43 = pack(ty::EXTERNAL_INTERRUPT, 0x43, 0, true, false);
    check!(sim, x, event(&x), (i43, 0), "interrupt");
    check!(sim, x, x.irq_ack.val(), true, "irq_ack");
    // SYSCALL > the instruction's own effects (retire is not an input
    // here: the top qualifies it with the first-level terms).
    clear(&mut x);
    x.op_syscall.next = true;
    settle!(sim, x);
    check!(sim, x, decision(&x), IMMEDIATE_SYSCALL, "SYSCALL");
    edge!(sim, x);
    check!(sim, x, x.irq_ack.val(), false, "irq_ack is one pulse");
    let sys = pack(ty::OTHER, vector::SYSCALL, 0, true, false);
    check!(sim, x, event(&x), (sys, 0), "SYSCALL");

    // Kernel, if = 1: interrupt > ERET.
    clear(&mut x);
    x.user.next = false;
    x.status_if.next = true;
    irq(&mut x, 0x44);
    x.op_eret.next = true;
    settle!(sim, x);
    check!(sim, x, decision(&x), PUSH, "interrupt wins over ERET");
    edge!(sim, x);
    check!(
        sim,
        x,
        x.irq_ack.val(),
        true,
        "irq_ack after the accepting edge"
    );
    push_to_done!(sim, x);
    check!(sim, x, x.irq_ack.val(), false, "irq_ack is one pulse");
    after_done!(sim, x);
    let i44 = pack(ty::EXTERNAL_INTERRUPT, 0x44, 0, false, false);
    check!(sim, x, event(&x), (i44, 0), "kernel interrupt");
    // ERET alone.
    x.op_eret.next = true;
    settle!(sim, x);
    check!(sim, x, decision(&x), ERET, "ERET");
    edge!(sim, x);
    check!(sim, x, event(&x), (i44, 0), "ERET latches nothing");
    // Kernel, if = 0: the interrupt waits; ERET, then the instruction.
    clear(&mut x);
    x.status_if.next = false;
    irq(&mut x, 0x45);
    x.op_eret.next = true;
    settle!(sim, x);
    check!(
        sim,
        x,
        decision(&x),
        ERET,
        "if = 0: ERET wins over the interrupt"
    );
    edge!(sim, x);
    check!(sim, x, x.irq_ack.val(), false, "if = 0: no irq_ack");
    clear(&mut x);
    irq(&mut x, 0x45);
    settle!(sim, x);
    check!(sim, x, decision(&x), INSN, "if = 0: the instruction");
    edge!(sim, x);
    check!(sim, x, x.irq_ack.val(), false, "if = 0: no irq_ack");
});

block_test!(nmi_edges, EntryUnit, unit(), 160, |sim, x| {
    reset!(sim, x);
    // A level held high is one event, taken at the edge after the one
    // that samples it.
    x.nmi.next = true;
    settle!(sim, x);
    check!(sim, x, decision(&x), INSN, "nmi rises: not sampled yet");
    edge!(sim, x);
    settle!(sim, x);
    check!(sim, x, decision(&x), PUSH, "taken at the next edge");
    check!(sim, x, x.push_addr.val().to_u64(), CSTACK, "NMI push_addr");
    edge!(sim, x);
    push_to_done!(sim, x);
    check!(sim, x, loads(&x).3, true, "NMI sets nmi_blocked");
    after_done!(sim, x);
    // Even unblocked, the held level is no new event.
    for n in 0..6 {
        settle!(sim, x);
        check!(sim, x, decision(&x), INSN, "nmi held high, cycle {n}");
        edge!(sim, x);
    }
    // Low for one cycle, high again: a new event.
    x.nmi.next = false;
    edge!(sim, x);
    x.nmi.next = true;
    settle!(sim, x);
    check!(sim, x, decision(&x), INSN, "second rise: not sampled yet");
    edge!(sim, x);
    settle!(sim, x);
    check!(sim, x, decision(&x), PUSH, "second rise taken");
    edge!(sim, x);
    x.nmi.next = false;
    push_to_done!(sim, x);
    after_done!(sim, x);

    // Blocked: the pulse stays pending until nmi_blocked clears. Two
    // pulses while blocked are one event.
    x.status_nmi_blocked.next = true;
    pulse!(sim, x, nmi);
    edge!(sim, x);
    pulse!(sim, x, nmi);
    for n in 0..5 {
        settle!(sim, x);
        check!(sim, x, decision(&x), INSN, "blocked, cycle {n}");
        edge!(sim, x);
    }
    x.status_nmi_blocked.next = false;
    settle!(sim, x);
    check!(sim, x, decision(&x), PUSH, "taken as soon as unblocked");
    edge!(sim, x);
    push_to_done!(sim, x);
    after_done!(sim, x);
    for n in 0..3 {
        settle!(sim, x);
        check!(
            sim,
            x,
            decision(&x),
            INSN,
            "only one pending NMI, cycle {n}"
        );
        edge!(sim, x);
    }

    // Busy: the pulse waits for the transfer to end.
    x.busy.next = true;
    pulse!(sim, x, nmi);
    for n in 0..3 {
        settle!(sim, x);
        check!(sim, x, decision(&x), BUSY, "busy, cycle {n}");
        edge!(sim, x);
    }
    x.busy.next = false;
    settle!(sim, x);
    check!(sim, x, decision(&x), PUSH, "taken when no longer busy");
    edge!(sim, x);
    push_to_done!(sim, x);
    after_done!(sim, x);

    // A rise sampled at the edge that takes the pending NMI makes it
    // pending again.
    x.status_nmi_blocked.next = true;
    pulse!(sim, x, nmi);
    edge!(sim, x);
    x.status_nmi_blocked.next = false;
    x.nmi.next = true;
    settle!(sim, x);
    check!(sim, x, decision(&x), PUSH, "the first NMI is taken");
    edge!(sim, x);
    x.nmi.next = false;
    push_to_done!(sim, x);
    after_done!(sim, x);
    settle!(sim, x);
    check!(
        sim,
        x,
        decision(&x),
        PUSH,
        "the second NMI, sampled at the take"
    );
    edge!(sim, x);
    push_to_done!(sim, x);
    after_done!(sim, x);
    settle!(sim, x);
    check!(sim, x, decision(&x), INSN, "nothing more");
    edge!(sim, x);

    // A level held high through reset is no edge.
    x.nmi.next = true;
    x.reset.next = true;
    edge!(sim, x);
    x.reset.next = false;
    for n in 0..4 {
        settle!(sim, x);
        check!(sim, x, decision(&x), INSN, "held through reset, cycle {n}");
        edge!(sim, x);
    }
});

block_test!(mce_edges_and_nesting, EntryUnit, unit(), 100, |sim, x| {
    reset!(sim, x);
    // A held level is one machine check.
    x.mce.next = true;
    settle!(sim, x);
    check!(sim, x, decision(&x), INSN, "mce rises: not sampled yet");
    edge!(sim, x);
    settle!(sim, x);
    check!(sim, x, decision(&x), PUSH, "taken at the next edge");
    check!(sim, x, x.push_addr.val().to_u64(), CSTACK, "MCE: CSTACK");
    edge!(sim, x);
    push_to_done!(sim, x);
    check!(
        sim,
        x,
        loads(&x),
        (ENTRY_CRIT, false, true, false, false, true),
        "MCE loads"
    );
    after_done!(sim, x);
    for n in 0..4 {
        settle!(sim, x);
        check!(sim, x, decision(&x), INSN, "mce held high, cycle {n}");
        edge!(sim, x);
    }
    x.mce.next = false;
    edge!(sim, x);
    // Inside a critical handler with NMIs blocked, a machine check
    // nests: no blocking, and it stays on the current stack.
    x.status_critical.next = true;
    x.status_nmi_blocked.next = true;
    pulse!(sim, x, mce);
    settle!(sim, x);
    check!(sim, x, decision(&x), PUSH, "nested machine check");
    check!(
        sim,
        x,
        x.push_addr.val().to_u64(),
        KRSP,
        "nested: current stack"
    );
    edge!(sim, x);
    push_to_done!(sim, x);
    check!(
        sim,
        x,
        loads(&x),
        (ENTRY_CRIT, false, true, true, false, true),
        "nested loads"
    );
    after_done!(sim, x);
    // A machine check waits for a running transfer.
    x.busy.next = true;
    pulse!(sim, x, mce);
    for n in 0..3 {
        settle!(sim, x);
        check!(sim, x, decision(&x), BUSY, "busy, cycle {n}");
        edge!(sim, x);
    }
    x.busy.next = false;
    settle!(sim, x);
    check!(sim, x, decision(&x), PUSH, "taken when no longer busy");
    edge!(sim, x);
    push_to_done!(sim, x);
    after_done!(sim, x);
    // NMI and MCE pending together: MCE first, then NMI.
    x.status_critical.next = false;
    x.status_nmi_blocked.next = false;
    x.nmi.next = true;
    x.mce.next = true;
    edge!(sim, x);
    x.nmi.next = false;
    x.mce.next = false;
    settle!(sim, x);
    check!(sim, x, decision(&x), PUSH, "MCE first");
    edge!(sim, x);
    push_to_done!(sim, x);
    check!(sim, x, loads(&x).3, false, "MCE does not block NMIs");
    after_done!(sim, x);
    let mc = pack(ty::HARDWARE_EXCEPTION, vector::MC, 0, false, false);
    check!(sim, x, event(&x).0, mc, "MCE first");
    // The handler runs with STATUS as loaded: critical.
    x.status_critical.next = true;
    settle!(sim, x);
    check!(sim, x, decision(&x), PUSH, "then NMI");
    edge!(sim, x);
    push_to_done!(sim, x);
    after_done!(sim, x);
    check!(
        sim,
        x,
        event(&x).0,
        pack(ty::NMI, vector::NMI, 0, false, false),
        "then NMI"
    );
    settle!(sim, x);
    check!(sim, x, decision(&x), INSN, "nothing more");
    edge!(sim, x);
});

block_test!(
    immediate_entry_from_user_framed_from_kernel,
    EntryUnit,
    unit(),
    80,
    |sim, x| {
        reset!(sim, x);
        let sys_u = pack(ty::OTHER, vector::SYSCALL, 0, true, false);
        let sys_k = pack(ty::OTHER, vector::SYSCALL, 0, false, false);
        // SYSCALL from user, with NMIs blocked: at once.
        x.user.next = true;
        x.status_nmi_blocked.next = true;
        x.op_syscall.next = true;
        settle!(sim, x);
        check!(sim, x, decision(&x), IMMEDIATE_SYSCALL, "SYSCALL from user");
        check!(
            sim,
            x,
            loads(&x),
            (ENTRY, false, false, true, true, false),
            "user loads"
        );
        edge!(sim, x);
        check!(sim, x, event(&x), (sys_u, 0), "SYSCALL from user");
        // A fault, a #GP, an ERET and an interrupt from user: at once,
        // without saving the user RIP (the return address is the user RIP
        // as is).
        x.status_nmi_blocked.next = false;
        for n in 0..4 {
            clear(&mut x);
            match n {
                0 => exc(&mut x, vector::UD, None, 0),
                1 => csr_gp(&mut x),
                2 => x.op_eret.next = true,
                _ => irq(&mut x, 0x50),
            }
            settle!(sim, x);
            check!(sim, x, decision(&x), IMMEDIATE, "event {n} from user");
            check!(
                sim,
                x,
                loads(&x),
                (ENTRY, false, false, false, true, false),
                "event {n}"
            );
            edge!(sim, x);
        }
        // SYSCALL from kernel: a frame, whose return RIP is next_rip.
        for critical in [false, true] {
            clear(&mut x);
            x.user.next = false;
            x.status_critical.next = critical;
            x.status_nmi_blocked.next = critical;
            x.op_syscall.next = true;
            settle!(sim, x);
            check!(sim, x, decision(&x), PUSH, "SYSCALL from kernel");
            check!(
                sim,
                x,
                x.push_addr.val().to_u64(),
                KRSP,
                "SYSCALL push_addr"
            );
            let before = event(&x);
            edge!(sim, x);
            check!(
                sim,
                x,
                x.return_rip.val().to_u64(),
                NEXT,
                "SYSCALL return RIP"
            );
            check!(
                sim,
                x,
                event(&x),
                before,
                "nothing latched before the push ends"
            );
            push_to_done!(sim, x);
            check!(
                sim,
                x,
                loads(&x),
                (ENTRY, false, true, critical, false, critical),
                "kernel SYSCALL, critical {critical}"
            );
            after_done!(sim, x);
            check!(sim, x, event(&x), (sys_k, 0), "SYSCALL from kernel");
        }
        // A fault from kernel: the return RIP is the kernel RIP.
        x.status_critical.next = false;
        x.status_nmi_blocked.next = false;
        exc(&mut x, vector::DE, None, 0);
        settle!(sim, x);
        check!(sim, x, decision(&x), PUSH, "fault from kernel");
        edge!(sim, x);
        check!(
            sim,
            x,
            x.return_rip.val().to_u64(),
            KRIP,
            "fault return RIP"
        );
        push_to_done!(sim, x);
        check!(
            sim,
            x,
            loads(&x),
            (ENTRY, false, true, false, false, false),
            "kernel fault"
        );
        after_done!(sim, x);
        // A critical event from user: a frame on CSTACK, prev_user set.
        x.user.next = true;
        pulse!(sim, x, nmi);
        settle!(sim, x);
        check!(sim, x, decision(&x), PUSH, "NMI from user");
        check!(
            sim,
            x,
            x.push_addr.val().to_u64(),
            CSTACK,
            "NMI from user: CSTACK"
        );
        edge!(sim, x);
        check!(
            sim,
            x,
            x.return_rip.val().to_u64(),
            KRIP,
            "NMI from user: kernel RIP"
        );
        push_to_done!(sim, x);
        check!(
            sim,
            x,
            loads(&x),
            (ENTRY_CRIT, false, true, true, true, true),
            "NMI from user"
        );
        after_done!(sim, x);
        check!(
            sim,
            x,
            event(&x),
            (pack(ty::NMI, vector::NMI, 0, true, false), 0),
            "NMI"
        );
    }
);

block_test!(
    push_addr_follows_the_stack_switch_rule,
    EntryUnit,
    unit(),
    60,
    |sim, x| {
        // (event, STATUS.critical, expected push_addr); event 0 NMI, 1 MCE,
        // 2 interrupt, 3 SYSCALL, 4 fault, 5 double fault.
        for (ev, critical, top) in [
            (0, false, CSTACK),
            (0, true, KRSP),
            (1, false, CSTACK),
            (1, true, KRSP),
            (2, false, KRSP),
            (2, true, KRSP),
            (3, false, KRSP),
            (3, true, KRSP),
            (4, false, KRSP),
            (4, true, KRSP),
            (5, false, CSTACK),
            (5, true, KRSP),
        ] {
            reset!(sim, x);
            x.status_critical.next = critical;
            x.status_if.next = true;
            match ev {
                0 => {
                    pulse!(sim, x, nmi);
                }
                1 => {
                    pulse!(sim, x, mce);
                }
                2 => irq(&mut x, 0x60),
                3 => x.op_syscall.next = true,
                4 => exc(&mut x, vector::GP, Some(0), 0),
                _ => {
                    // An ordinary push from kernel fails at its first word.
                    x.op_syscall.next = true;
                    edge!(sim, x);
                    clear(&mut x);
                    x.busy.next = true;
                    x.seq_bus_error.next = true;
                }
            }
            settle!(sim, x);
            let ctx = format!("event {ev}, critical {critical}");
            check!(sim, x, x.start_push.val(), true, "{ctx}: start_push");
            check!(sim, x, x.push_addr.val().to_u64(), top, "{ctx}: push_addr");
            edge!(sim, x);
        }
    }
);

/// The events of the EVENT_INFO table, presented one at a time.
#[derive(Clone, Copy, Debug)]
enum Ev {
    Exc(u8, Option<u32>, u64),
    CsrGp,
    EretGp,
    Irq(u8),
    Syscall,
    Nmi,
    Mce,
    DoubleFault,
}

const EVENTS: [Ev; 12] = [
    Ev::Exc(vector::PF, Some(0xdead_beef), DATA),
    Ev::Exc(vector::UD, None, 0),
    Ev::Exc(0xff, Some(0), 0x1234),
    Ev::Exc(0x77, None, !0),
    Ev::CsrGp,
    Ev::EretGp,
    Ev::Irq(vector::FIRST_IRQ),
    Ev::Irq(0xff),
    Ev::Syscall,
    Ev::Nmi,
    Ev::Mce,
    Ev::DoubleFault,
];

/// EVENT_INFO and EVENT_DATA of `ev`, from SPEC's table.
fn expected_event(ev: Ev, user: bool) -> (u64, u64) {
    let exc = ty::HARDWARE_EXCEPTION;
    match ev {
        Ev::Exc(v, e, d) => (pack(exc, v, e.unwrap_or(0), user, e.is_some()), d),
        Ev::CsrGp | Ev::EretGp => (pack(exc, vector::GP, 0, user, true), 0),
        Ev::Irq(v) => (pack(ty::EXTERNAL_INTERRUPT, v, 0, user, false), 0),
        Ev::Syscall => (pack(ty::OTHER, vector::SYSCALL, 0, user, false), 0),
        Ev::Nmi => (pack(ty::NMI, vector::NMI, 0, user, false), 0),
        Ev::Mce => (pack(exc, vector::MC, 0, user, false), 0),
        Ev::DoubleFault => (pack(exc, vector::DF, 0, user, true), 0),
    }
}

/// Take each event from `user` (or kernel) and compare EVENT_INFO and
/// EVENT_DATA with SPEC's table.
fn event_info_test(user: bool, test: &str) {
    let uut = unit();
    let mut sim = clocked_sim!(EntryUnit);
    sim.add_testbench(move |mut sim: Sim<EntryUnit>| {
        let mut x = sim.init()?;
        reset!(sim, x);
        for ev in EVENTS {
            init(&mut x);
            x.user.next = user;
            x.status_if.next = true;
            // Garbage on the fault inputs that are not valid.
            x.exc_data.next = 0x0bad_da7a.into();
            x.exc_vector.next = 0x33.into();
            let immediate = user && !matches!(ev, Ev::Nmi | Ev::Mce | Ev::DoubleFault);
            match ev {
                Ev::Exc(v, e, d) => exc(&mut x, v, e, d),
                Ev::CsrGp => csr_gp(&mut x),
                Ev::EretGp => x.op_eret.next = user,
                Ev::Irq(v) => irq(&mut x, v),
                Ev::Syscall => x.op_syscall.next = true,
                Ev::Nmi => {
                    pulse!(sim, x, nmi);
                }
                Ev::Mce => {
                    pulse!(sim, x, mce);
                }
                Ev::DoubleFault => {
                    // An NMI (from user) or a SYSCALL (from kernel) whose
                    // push fails at its third word.
                    x.nmi.next = user;
                    x.op_syscall.next = !user;
                    if user {
                        edge!(sim, x);
                        x.nmi.next = false;
                    }
                    edge!(sim, x);
                    clear(&mut x);
                    x.busy.next = true;
                    edge!(sim, x, 2);
                    x.seq_bus_error.next = true;
                }
            }
            if matches!(ev, Ev::EretGp) && !user {
                // ERET in kernel is no #GP: check that, then skip.
                x.op_eret.next = true;
                settle!(sim, x);
                check!(sim, x, decision(&x), ERET, "ERET in kernel");
                edge!(sim, x);
                continue;
            }
            settle!(sim, x);
            let d = decision(&x);
            check!(
                sim,
                x,
                d.3,
                immediate,
                "{ev:?}: enter at the accepting edge"
            );
            check!(sim, x, d.4, !immediate, "{ev:?}: start_push");
            edge!(sim, x);
            if !immediate {
                push_to_done!(sim, x);
                after_done!(sim, x);
            }
            check!(
                sim,
                x,
                event(&x),
                expected_event(ev, user),
                "{ev:?}, user {user}"
            );
        }
        sim.done(x)
    });
    common::run(sim, uut, BLOCK, test, 160);
}

#[test]
fn event_info_from_user() {
    event_info_test(true, "event_info_from_user");
}

#[test]
fn event_info_from_kernel() {
    event_info_test(false, "event_info_from_kernel");
}

block_test!(idle_is_low_while_busy, EntryUnit, unit(), 20, |sim, x| {
    reset!(sim, x);
    x.busy.next = true;
    x.status_if.next = true;
    for user in [false, true] {
        for n in 0..5 {
            clear(&mut x);
            x.user.next = user;
            match n {
                0 => x.op_syscall.next = true,
                1 => x.op_eret.next = true,
                2 => exc(&mut x, vector::PF, Some(2), DATA),
                3 => csr_gp(&mut x),
                _ => irq(&mut x, 0x70),
            }
            settle!(sim, x);
            check!(sim, x, decision(&x), BUSY, "busy, user {user}, input {n}");
            edge!(sim, x);
            check!(
                sim,
                x,
                x.irq_ack.val(),
                false,
                "busy, user {user}, input {n}"
            );
            check!(sim, x, event(&x), (0, 0), "busy, user {user}, input {n}");
        }
    }
    // The same inputs when not busy are taken.
    clear(&mut x);
    x.busy.next = false;
    x.user.next = true;
    x.op_syscall.next = true;
    settle!(sim, x);
    check!(sim, x, decision(&x), IMMEDIATE_SYSCALL, "not busy");
    edge!(sim, x);
});

block_test!(double_and_triple_fault, EntryUnit, unit(), 100, |sim, x| {
    let df = pack(ty::HARDWARE_EXCEPTION, vector::DF, 0, false, true);
    reset!(sim, x);
    // A kernel SYSCALL whose push fails at word 2: #DF on CSTACK, with
    // the kernel RIP as return address (the SYSCALL runs again).
    x.op_syscall.next = true;
    edge!(sim, x);
    clear(&mut x);
    x.busy.next = true;
    edge!(sim, x, 2);
    x.seq_bus_error.next = true;
    settle!(sim, x);
    check!(
        sim,
        x,
        x.start_push.val(),
        true,
        "#DF push starts at the error"
    );
    check!(
        sim,
        x,
        x.enter.val(),
        false,
        "the failed push commits nothing"
    );
    check!(sim, x, x.push_addr.val().to_u64(), CSTACK, "#DF on CSTACK");
    edge!(sim, x);
    check!(sim, x, x.return_rip.val().to_u64(), KRIP, "#DF return RIP");
    check!(sim, x, x.shutdown.val(), false, "no shutdown");
    push_to_done!(sim, x);
    check!(
        sim,
        x,
        loads(&x),
        (ENTRY_CRIT, false, true, false, false, true),
        "#DF loads"
    );
    after_done!(sim, x);
    check!(sim, x, event(&x), (df, 0), "#DF");
    // In the #DF handler: a framed ERET whose pop fails is a new #DF,
    // not a triple fault.
    x.status_critical.next = true;
    x.busy.next = true;
    x.seq_popping.next = true;
    edge!(sim, x);
    x.seq_bus_error.next = true;
    settle!(sim, x);
    check!(sim, x, x.start_push.val(), true, "a failed pop is a #DF");
    check!(
        sim,
        x,
        x.push_addr.val().to_u64(),
        KRSP,
        "#DF in a critical handler"
    );
    edge!(sim, x);
    x.seq_popping.next = false;
    check!(
        sim,
        x,
        x.shutdown.val(),
        false,
        "no shutdown after a failed pop"
    );
    push_to_done!(sim, x);
    after_done!(sim, x);
    // An ordinary push inside the #DF handler that fails: a #DF again.
    x.status_if.next = true;
    irq(&mut x, 0x80);
    edge!(sim, x);
    clear(&mut x);
    x.busy.next = true;
    x.seq_bus_error.next = true;
    settle!(sim, x);
    check!(
        sim,
        x,
        x.start_push.val(),
        true,
        "a failed ordinary push is a #DF"
    );
    edge!(sim, x);
    check!(sim, x, x.shutdown.val(), false, "no shutdown");
    // This #DF's own push fails: triple fault.
    clear(&mut x);
    edge!(sim, x);
    x.seq_bus_error.next = true;
    settle!(sim, x);
    check!(
        sim,
        x,
        x.start_push.val(),
        false,
        "no push after a triple fault"
    );
    edge!(sim, x);
    check!(sim, x, x.shutdown.val(), true, "shutdown");
    // Shut down: nothing is taken, whatever comes.
    clear(&mut x);
    x.busy.next = false;
    x.status_critical.next = false;
    x.status_if.next = true;
    for n in 0..6 {
        clear(&mut x);
        x.user.next = n % 2 == 1;
        match n {
            0 => irq(&mut x, 0x81),
            1 => x.op_syscall.next = true,
            2 => exc(&mut x, vector::PF, None, 0),
            3 => x.nmi.next = true,
            4 => x.mce.next = true,
            _ => x.op_eret.next = true,
        }
        settle!(sim, x);
        check!(sim, x, decision(&x), BUSY, "shutdown, input {n}");
        edge!(sim, x);
        check!(sim, x, x.shutdown.val(), true, "shutdown stays, input {n}");
        check!(sim, x, x.irq_ack.val(), false, "shutdown, input {n}");
    }
    x.nmi.next = false;
    x.mce.next = false;
    x.reset.next = true;
    edge!(sim, x);
    init(&mut x);
    check!(sim, x, x.shutdown.val(), false, "reset clears shutdown");
    settle!(sim, x);
    check!(sim, x, decision(&x), INSN, "running again");
    edge!(sim, x);

    // An NMI whose push fails is lost; an interrupt's ack has pulsed.
    pulse!(sim, x, nmi);
    edge!(sim, x);
    clear(&mut x);
    x.busy.next = true;
    x.seq_bus_error.next = true;
    edge!(sim, x);
    push_to_done!(sim, x);
    check!(
        sim,
        x,
        loads(&x).3,
        false,
        "a failed NMI sets no nmi_blocked"
    );
    after_done!(sim, x);
    for n in 0..3 {
        settle!(sim, x);
        check!(
            sim,
            x,
            decision(&x),
            INSN,
            "the failed NMI is lost, cycle {n}"
        );
        edge!(sim, x);
    }
});

block_test!(
    eret_completion_restores_event_info,
    EntryUnit,
    unit(),
    20,
    |sim, x| {
        reset!(sim, x);
        x.user.next = true;
        x.op_syscall.next = true;
        edge!(sim, x);
        clear(&mut x);
        x.user.next = false;
        // The last answer of a pop is no entry; EVENT_INFO and EVENT_DATA
        // come from the frame, which the return path holds from its
        // answers on (here from the edge before the last answer).
        let info = pack(ty::HARDWARE_EXCEPTION, vector::PF, 4, true, true);
        x.busy.next = true;
        x.seq_popping.next = true;
        x.restore_info.next = info.into();
        x.restore_data.next = DATA.into();
        settle!(sim, x);
        check!(sim, x, decision(&x), BUSY, "pop runs");
        edge!(sim, x);
        check!(
            sim,
            x,
            event(&x).1,
            0,
            "nothing restored before the last answer"
        );
        x.seq_done.next = true;
        x.restore.next = true;
        settle!(sim, x);
        check!(sim, x, decision(&x), BUSY, "pop completes: no entry");
        edge!(sim, x);
        clear(&mut x);
        x.busy.next = false;
        x.seq_popping.next = false;
        check!(
            sim,
            x,
            event(&x),
            (info, DATA),
            "restored EVENT_INFO/EVENT_DATA"
        );
        settle!(sim, x);
        check!(sim, x, decision(&x), INSN, "idle again");
        edge!(sim, x);
    }
);

block_test!(
    first_level_terms_are_the_decision_written_flat,
    EntryUnit,
    unit(),
    700,
    |sim, x| {
        reset!(sim, x);
        // Every combination of level, `if`, `busy` and the instruction's
        // inputs, one cycle each: the four first-level terms are their
        // definitions, and the instruction takes effect (`insn`, as the
        // top writes it from them) exactly when no event is taken.
        for n in 0..256u32 {
            let bit = |i: u32| (n >> i) & 1 == 1;
            let (user, status_if, busy, irq_in) = (bit(0), bit(1), bit(2), bit(3));
            let (exc_in, eret, syscall, csr_gp) = (bit(4), bit(5), bit(6), bit(7));
            clear(&mut x);
            x.user.next = user;
            x.status_if.next = status_if;
            x.busy.next = busy;
            if irq_in {
                irq(&mut x, 0x90);
            }
            if exc_in {
                exc(&mut x, vector::UD, None, 0);
            }
            x.op_eret.next = eret;
            x.op_syscall.next = syscall;
            x.csr_fault.next = csr_gp;
            x.csr_access.next = csr_gp;
            settle!(sim, x);
            let ctx = format!(
                "user {user} if {status_if} busy {busy} irq {irq_in} exc {exc_in} \
                 eret {eret} syscall {syscall} csr #GP {csr_gp}"
            );
            check!(sim, x, x.calm.val(), !busy, "{ctx}: calm");
            check!(
                sim,
                x,
                x.quiet_kernel.val(),
                !user && (!irq_in || !status_if),
                "{ctx}: quiet_kernel"
            );
            check!(
                sim,
                x,
                x.quiet_user.val(),
                user && !irq_in,
                "{ctx}: quiet_user"
            );
            check!(
                sim,
                x,
                x.plain.val(),
                !exc_in && !eret && !syscall,
                "{ctx}: plain"
            );
            let taken = x.enter.val() | x.start_push.val() | x.do_eret.val();
            check!(
                sim,
                x,
                insn(&x),
                x.idle.val() && !taken,
                "{ctx}: insn is no event"
            );
            // No transfer runs: `pick_crit` is low (an entry from user
            // enters at ENTRY).
            check!(sim, x, x.pick_crit.val(), false, "{ctx}: pick_crit");
            edge!(sim, x);
            // A push started here is abandoned (the sequencer is played
            // idle): clear its in-flight copies with a reset.
            if x.start_push.val() {
                reset!(sim, x);
            }
        }
        // A critical event ready (an NMI) is no `calm`.
        reset!(sim, x);
        pulse!(sim, x, nmi);
        settle!(sim, x);
        check!(sim, x, x.calm.val(), false, "NMI ready: calm");
        check!(sim, x, insn(&x), false, "NMI ready: insn");
        edge!(sim, x);
        // During its push `pick_crit` is high, and low again after.
        push_to_done!(sim, x);
        check!(sim, x, x.pick_crit.val(), true, "NMI push: pick_crit");
        after_done!(sim, x);
        settle!(sim, x);
        check!(
            sim,
            x,
            x.pick_crit.val(),
            false,
            "after the push: pick_crit"
        );
        check!(sim, x, x.calm.val(), true, "after the push: calm");
        edge!(sim, x);
    }
);

#[test]
fn synthesises() {
    common::synthesises(BLOCK, &unit());
}
