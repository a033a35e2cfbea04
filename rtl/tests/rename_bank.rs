//! Directed tests of `RenameBank` alone, in rust-hdl's `Simulation`.
//!
//! SPEC.md, "Why it exists" and "State": a kernel and a user copy of RIP,
//! RSP and GS base; `cpl` (0 or 3) picks which copies the core sees, and
//! in the same edge that CPL changes, `rip`/`rsp`/`gs_base` are the new
//! level's. The bank receives each copy's complete enable (the top writes
//! the level into them) and chooses the value a write takes from
//! registers: an instruction's value for the current level's copies, the
//! CSR value for a user copy written in kernel mode, an entry's or
//! return's value for the kernel RIP and RSP during a transfer (and the
//! kernel RIP of an entry from user). Each enable reaches its own copy
//! only.
//! Each test writes `waveforms/rename_bank-<test>.vcd`.

#[macro_use]
mod common;

use ptu_arch::PtuConfig;
use ptu_rtl::rename_bank::RenameBank as RenameBankOf;

/// The 64-bit block.
type RenameBank = RenameBankOf<64>;
use rust_hdl::prelude::*;

const BLOCK: &str = "rename_bank";
const RESET_RIP: u64 = 0xffff_ffff_8100_0000;

// Kernel and user values, all different from each other and from 0.
const K_RIP: u64 = 0xffff_ffff_8000_1000;
const K_RSP: u64 = 0xffff_c900_0000_8000;
const K_GS: u64 = 0xffff_8880_0000_5000;
const U_RIP: u64 = 0x0000_0000_0040_1000;
const U_RSP: u64 = 0x0000_7fff_ffff_e000;
const U_GS: u64 = 0x0000_7f00_0000_6000;

fn bank() -> RenameBank {
    let cfg = PtuConfig {
        reset_rip: RESET_RIP,
        ..PtuConfig::default()
    };
    common::connected(RenameBank::new(&cfg))
}

/// Every input low.
fn quiet(x: &mut RenameBank) {
    x.reset.next = false;
    x.krip_we.next = false;
    x.urip_we.next = false;
    x.krsp_we.next = false;
    x.ursp_we.next = false;
    x.kgs_we.next = false;
    x.ugs_we.next = false;
    x.next_rip.next = 0.into();
    x.rsp_wdata.next = 0.into();
    x.gs_wdata.next = 0.into();
    x.csr_wdata.next = 0.into();
    x.krip_value.next = 0.into();
    x.krsp_value.next = 0.into();
    x.cpl_load.next = false;
    x.cpl_user.next = false;
    x.busy.next = false;
}

/// What the core sees, and the copies the bank exports:
/// (cpl, rip, rsp, gs_base, kernel_rip, kernel_rsp, user_rip, user_rsp, user_gs).
type View = (u64, u64, u64, u64, u64, u64, u64, u64, u64);

fn view(x: &RenameBank) -> View {
    (
        x.cpl.val().to_u64(),
        x.rip.val().to_u64(),
        x.rsp.val().to_u64(),
        x.gs_base.val().to_u64(),
        x.kernel_rip.val().to_u64(),
        x.kernel_rsp.val().to_u64(),
        x.user_rip.val().to_u64(),
        x.user_rsp.val().to_u64(),
        x.user_gs.val().to_u64(),
    )
}

/// The expected view of a bank in kernel mode with kernel copies `k` and
/// user copies `u` (each RIP, RSP, GS base).
fn kernel_view(k: [u64; 3], u: [u64; 3]) -> View {
    (0, k[0], k[1], k[2], k[0], k[1], u[0], u[1], u[2])
}

/// The expected view in user mode (the kernel GS base is not exported).
fn user_view(k: [u64; 2], u: [u64; 3]) -> View {
    (3, u[0], u[1], u[2], k[0], k[1], u[0], u[1], u[2])
}

/// Never a mix: `cpl` is 0 or 3, `user` agrees with it, and the visible
/// copies are all of the level `cpl` names. `None` when consistent.
fn mix(x: &RenameBank) -> Option<String> {
    let (cpl, rip, rsp, gs, krip, krsp, urip, ursp, ugs) = view(x);
    let user = x.user.val();
    match cpl {
        0 if !user && rip == krip && rsp == krsp => None,
        3 if user && rip == urip && rsp == ursp && gs == ugs => None,
        _ => Some(format!("cpl {cpl} user {user} shows {:#x?}", view(x))),
    }
}

/// What the other write values hold while an instruction writes: a
/// write that took one of them instead of the instruction's would show.
const DISTRACTOR: u64 = 0xdead_beef_0bad_f00d;

/// One instruction cycle at level `user` that writes RIP, RSP and GS
/// base: the enables of that level's copies, as the top gives them (not
/// busy), with the CSR, entry and return values set to something else.
fn insn_writes(x: &mut RenameBank, user: bool, v: [u64; 3]) {
    quiet(x);
    x.krip_we.next = !user;
    x.krsp_we.next = !user;
    x.kgs_we.next = !user;
    x.urip_we.next = user;
    x.ursp_we.next = user;
    x.ugs_we.next = user;
    x.next_rip.next = v[0].into();
    x.rsp_wdata.next = v[1].into();
    x.gs_wdata.next = v[2].into();
    x.csr_wdata.next = DISTRACTOR.into();
    x.krip_value.next = (DISTRACTOR + 1).into();
    x.krsp_value.next = (DISTRACTOR + 2).into();
}

block_test!(reset_values, RenameBank, bank(), 20, |sim, x| {
    quiet(&mut x);
    x.reset.next = true;
    edge!(sim, x);
    check!(
        sim,
        x,
        view(&x),
        kernel_view([RESET_RIP, 0, 0], [0; 3]),
        "after reset"
    );
    check!(sim, x, x.user.val(), false, "user after reset");
    // Fill every copy and go to user mode.
    insn_writes(&mut x, false, [K_RIP, K_RSP, K_GS]);
    x.urip_we.next = true;
    x.csr_wdata.next = U_RIP.into();
    edge!(sim, x);
    quiet(&mut x);
    x.ursp_we.next = true;
    x.csr_wdata.next = U_RSP.into();
    edge!(sim, x);
    quiet(&mut x);
    x.ugs_we.next = true;
    x.csr_wdata.next = U_GS.into();
    edge!(sim, x);
    quiet(&mut x);
    x.cpl_load.next = true;
    x.cpl_user.next = true;
    edge!(sim, x);
    check!(
        sim,
        x,
        view(&x),
        user_view([K_RIP, K_RSP], [U_RIP, U_RSP, U_GS]),
        "filled"
    );
    // Reset wins over every write presented with it.
    insn_writes(&mut x, false, [1, 2, 3]);
    x.urip_we.next = true;
    x.ursp_we.next = true;
    x.ugs_we.next = true;
    x.csr_wdata.next = 4.into();
    x.krip_value.next = 5.into();
    x.krsp_value.next = 6.into();
    x.cpl_load.next = true;
    x.cpl_user.next = true;
    x.reset.next = true;
    edge!(sim, x);
    check!(
        sim,
        x,
        view(&x),
        kernel_view([RESET_RIP, 0, 0], [0; 3]),
        "second reset"
    );
    check!(sim, x, x.user.val(), false, "user after the second reset");
    quiet(&mut x);
    edge!(sim, x, 2);
    check!(
        sim,
        x,
        view(&x),
        kernel_view([RESET_RIP, 0, 0], [0; 3]),
        "held"
    );
});

block_test!(
    writes_go_to_the_current_level_only,
    RenameBank,
    bank(),
    60,
    |sim, x| {
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        // Preload the user copies through the CSR path.
        for (i, v) in [U_RIP, U_RSP, U_GS].into_iter().enumerate() {
            quiet(&mut x);
            x.urip_we.next = i == 0;
            x.ursp_we.next = i == 1;
            x.ugs_we.next = i == 2;
            x.csr_wdata.next = v.into();
            edge!(sim, x);
        }
        let user = [U_RIP, U_RSP, U_GS];
        check!(
            sim,
            x,
            view(&x),
            kernel_view([RESET_RIP, 0, 0], user),
            "preloaded"
        );
        // Kernel instruction writes: kernel copies only, several times.
        let mut k = [0u64; 3];
        for n in 0..4u64 {
            k = [K_RIP + 4 * n, K_RSP - 8 * n, K_GS + n];
            insn_writes(&mut x, false, k);
            settle!(sim, x);
            check!(sim, x, mix(&x), None, "kernel write {n}, before the edge");
            edge!(sim, x);
            check!(sim, x, view(&x), kernel_view(k, user), "kernel write {n}");
        }
        // One write enable at a time, with the instruction's values of
        // all three presented: only the enabled copy moves.
        insn_writes(&mut x, false, [K_RIP + 0x100, K_RSP, K_GS + 0x100]);
        x.krip_we.next = false;
        x.kgs_we.next = false;
        edge!(sim, x);
        k[1] = K_RSP;
        check!(
            sim,
            x,
            view(&x),
            kernel_view(k, user),
            "kernel krsp_we alone"
        );
        insn_writes(&mut x, false, [K_RIP + 0x200, K_RSP + 0x200, K_GS]);
        x.krip_we.next = false;
        x.krsp_we.next = false;
        edge!(sim, x);
        k[2] = K_GS;
        check!(
            sim,
            x,
            view(&x),
            kernel_view(k, user),
            "kernel kgs_we alone"
        );
        insn_writes(&mut x, false, [K_RIP, K_RSP + 0x300, K_GS + 0x300]);
        x.krsp_we.next = false;
        x.kgs_we.next = false;
        edge!(sim, x);
        k[0] = K_RIP;
        check!(
            sim,
            x,
            view(&x),
            kernel_view(k, user),
            "kernel krip_we alone"
        );
        // To user mode.
        quiet(&mut x);
        x.cpl_load.next = true;
        x.cpl_user.next = true;
        edge!(sim, x);
        check!(
            sim,
            x,
            view(&x),
            user_view([k[0], k[1]], user),
            "in user mode"
        );
        // User instruction writes: user copies only.
        let mut u = user;
        for n in 0..4u64 {
            u = [U_RIP + 2 * n + 2, U_RSP - 16 * n - 16, U_GS + 3 * n + 3];
            insn_writes(&mut x, true, u);
            settle!(sim, x);
            check!(sim, x, mix(&x), None, "user write {n}, before the edge");
            edge!(sim, x);
            check!(
                sim,
                x,
                view(&x),
                user_view([k[0], k[1]], u),
                "user write {n}"
            );
        }
        insn_writes(&mut x, true, [U_RIP + 0x100, U_RSP + 0x100, U_GS]);
        x.urip_we.next = false;
        x.ursp_we.next = false;
        edge!(sim, x);
        u[2] = U_GS;
        check!(
            sim,
            x,
            view(&x),
            user_view([k[0], k[1]], u),
            "user ugs_we alone"
        );
        insn_writes(&mut x, true, [U_RIP + 0x200, U_RSP, U_GS + 0x200]);
        x.urip_we.next = false;
        x.ugs_we.next = false;
        edge!(sim, x);
        u[1] = U_RSP;
        check!(
            sim,
            x,
            view(&x),
            user_view([k[0], k[1]], u),
            "user ursp_we alone"
        );
        insn_writes(&mut x, true, [U_RIP, U_RSP + 0x300, U_GS + 0x300]);
        x.ursp_we.next = false;
        x.ugs_we.next = false;
        edge!(sim, x);
        u[0] = U_RIP;
        check!(
            sim,
            x,
            view(&x),
            user_view([k[0], k[1]], u),
            "user urip_we alone"
        );
        // Back to kernel: the kernel copies, GS base included, are untouched.
        quiet(&mut x);
        x.cpl_load.next = true;
        x.cpl_user.next = false;
        edge!(sim, x);
        check!(sim, x, view(&x), kernel_view(k, u), "back in kernel mode");
        quiet(&mut x);
        edge!(sim, x, 2);
        check!(sim, x, view(&x), kernel_view(k, u), "held");
    }
);

block_test!(
    cpl_and_copies_switch_at_the_cpl_load_edge,
    RenameBank,
    bank(),
    40,
    |sim, x| {
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        insn_writes(&mut x, false, [K_RIP, K_RSP, K_GS]);
        x.urip_we.next = true;
        x.csr_wdata.next = U_RIP.into();
        edge!(sim, x);
        quiet(&mut x);
        x.ursp_we.next = true;
        x.csr_wdata.next = U_RSP.into();
        edge!(sim, x);
        quiet(&mut x);
        x.ugs_we.next = true;
        x.csr_wdata.next = U_GS.into();
        edge!(sim, x);
        let (k, u) = ([K_RIP, K_RSP, K_GS], [U_RIP, U_RSP, U_GS]);
        let kv = kernel_view(k, u);
        let uv = user_view([K_RIP, K_RSP], u);
        check!(sim, x, view(&x), kv, "set up");
        // cpl_user without cpl_load does nothing.
        quiet(&mut x);
        x.cpl_user.next = true;
        settle!(sim, x);
        check!(sim, x, view(&x), kv, "cpl_user alone, before the edge");
        edge!(sim, x);
        check!(sim, x, view(&x), kv, "cpl_user alone");
        for round in 0..3 {
            // To user: nothing moves before the edge (the outputs are
            // registers), and everything moves at it.
            quiet(&mut x);
            x.cpl_load.next = true;
            x.cpl_user.next = true;
            settle!(sim, x);
            check!(
                sim,
                x,
                view(&x),
                kv,
                "round {round}: to user, before the edge"
            );
            edge!(sim, x);
            check!(
                sim,
                x,
                view(&x),
                uv,
                "round {round}: to user, after the edge"
            );
            check!(sim, x, mix(&x), None, "round {round}: in user mode");
            // Loading the level it already has changes nothing.
            settle!(sim, x);
            edge!(sim, x);
            check!(sim, x, view(&x), uv, "round {round}: user reloaded");
            // To kernel.
            quiet(&mut x);
            x.cpl_load.next = true;
            x.cpl_user.next = false;
            settle!(sim, x);
            check!(
                sim,
                x,
                view(&x),
                uv,
                "round {round}: to kernel, before the edge"
            );
            edge!(sim, x);
            check!(
                sim,
                x,
                view(&x),
                kv,
                "round {round}: to kernel, after the edge"
            );
            check!(sim, x, mix(&x), None, "round {round}: in kernel mode");
            settle!(sim, x);
            edge!(sim, x);
            check!(sim, x, view(&x), kv, "round {round}: kernel reloaded");
        }
    }
);

block_test!(
    csr_writes_touch_only_user_copies,
    RenameBank,
    bank(),
    30,
    |sim, x| {
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        let k = [K_RIP, K_RSP, K_GS];
        insn_writes(&mut x, false, k);
        edge!(sim, x);
        check!(
            sim,
            x,
            view(&x),
            kernel_view(k, [0; 3]),
            "kernel copies set"
        );
        // Each CSR write enable writes its own user copy and nothing else.
        let mut u = [0u64; 3];
        for (i, v) in [U_RIP, U_RSP, U_GS].into_iter().enumerate() {
            quiet(&mut x);
            x.urip_we.next = i == 0;
            x.ursp_we.next = i == 1;
            x.ugs_we.next = i == 2;
            x.csr_wdata.next = v.into();
            x.next_rip.next = DISTRACTOR.into();
            x.rsp_wdata.next = DISTRACTOR.into();
            x.gs_wdata.next = DISTRACTOR.into();
            settle!(sim, x);
            check!(
                sim,
                x,
                view(&x),
                kernel_view(k, u),
                "CSR write {i}, before the edge"
            );
            edge!(sim, x);
            u[i] = v;
            check!(sim, x, view(&x), kernel_view(k, u), "CSR write {i}");
        }
        // All three at once.
        quiet(&mut x);
        x.urip_we.next = true;
        x.ursp_we.next = true;
        x.ugs_we.next = true;
        x.csr_wdata.next = 0x1234_5678.into();
        edge!(sim, x);
        u = [0x1234_5678; 3];
        check!(sim, x, view(&x), kernel_view(k, u), "three CSR writes");
        // User mode: the CSR file gives no CSR write there (every CSR
        // access faults), and the bank takes the user copies' values from
        // the instruction's inputs by the level alone.
        quiet(&mut x);
        x.cpl_load.next = true;
        x.cpl_user.next = true;
        edge!(sim, x);
        check!(sim, x, view(&x), user_view([k[0], k[1]], u), "in user mode");
        quiet(&mut x);
        x.cpl_load.next = true;
        x.cpl_user.next = false;
        edge!(sim, x);
        check!(sim, x, view(&x), kernel_view(k, u), "back in kernel mode");
    }
);

block_test!(entry_and_return_loads, RenameBank, bank(), 30, |sim, x| {
    quiet(&mut x);
    x.reset.next = true;
    edge!(sim, x);
    let k = [K_RIP, K_RSP, K_GS];
    insn_writes(&mut x, false, k);
    edge!(sim, x);
    for (i, v) in [U_RIP, U_RSP, U_GS].into_iter().enumerate() {
        quiet(&mut x);
        x.urip_we.next = i == 0;
        x.ursp_we.next = i == 1;
        x.ugs_we.next = i == 2;
        x.csr_wdata.next = v.into();
        edge!(sim, x);
    }
    let u = [U_RIP, U_RSP, U_GS];
    quiet(&mut x);
    x.cpl_load.next = true;
    x.cpl_user.next = true;
    edge!(sim, x);
    check!(
        sim,
        x,
        view(&x),
        user_view([K_RIP, K_RSP], u),
        "in user mode"
    );

    // SYSCALL from user: user RIP = next_rip, kernel RIP = entry, CPL 0,
    // all at one edge.
    const ENTRY: u64 = 0xffff_ffff_8100_2000;
    const NEXT: u64 = U_RIP + 2;
    quiet(&mut x);
    x.next_rip.next = NEXT.into();
    x.csr_wdata.next = DISTRACTOR.into();
    x.urip_we.next = true;
    x.krip_we.next = true;
    x.krip_value.next = ENTRY.into();
    x.cpl_load.next = true;
    x.cpl_user.next = false;
    settle!(sim, x);
    check!(
        sim,
        x,
        view(&x),
        user_view([K_RIP, K_RSP], u),
        "entry, before the edge"
    );
    edge!(sim, x);
    let u = [NEXT, U_RSP, U_GS];
    let k = [ENTRY, K_RSP, K_GS];
    check!(sim, x, view(&x), kernel_view(k, u), "entered");

    // krsp_we alone during a transfer (a framed entry's new RSP, at its
    // end): kernel RSP only, with the frame's value, not the
    // instruction's.
    const FRAME: u64 = K_RSP - 40;
    quiet(&mut x);
    x.busy.next = true;
    x.krsp_we.next = true;
    x.krsp_value.next = FRAME.into();
    x.rsp_wdata.next = DISTRACTOR.into();
    edge!(sim, x);
    let k = [ENTRY, FRAME, K_GS];
    check!(sim, x, view(&x), kernel_view(k, u), "krsp_we alone, busy");

    // krip_we alone during a transfer: the entry point, not `next_rip`.
    quiet(&mut x);
    x.busy.next = true;
    x.krip_we.next = true;
    x.krip_value.next = (ENTRY + 0x40).into();
    x.next_rip.next = DISTRACTOR.into();
    edge!(sim, x);
    let k = [ENTRY + 0x40, FRAME, K_GS];
    check!(sim, x, view(&x), kernel_view(k, u), "krip_we alone, busy");

    // A framed ERET to user: kernel RIP and RSP restored, CPL 3, at
    // one edge; the core sees only the user copies afterwards.
    quiet(&mut x);
    x.busy.next = true;
    x.krip_we.next = true;
    x.krip_value.next = K_RIP.into();
    x.krsp_we.next = true;
    x.krsp_value.next = K_RSP.into();
    x.cpl_load.next = true;
    x.cpl_user.next = true;
    settle!(sim, x);
    check!(
        sim,
        x,
        view(&x),
        kernel_view(k, u),
        "return, before the edge"
    );
    edge!(sim, x);
    check!(
        sim,
        x,
        view(&x),
        user_view([K_RIP, K_RSP], u),
        "returned to user"
    );

    // In user mode, kernel loads (a critical event's framed entry)
    // change the kernel copies, not the view.
    quiet(&mut x);
    x.busy.next = true;
    x.krip_we.next = true;
    x.krip_value.next = 0x111.into();
    x.krsp_we.next = true;
    x.krsp_value.next = 0x222.into();
    x.next_rip.next = DISTRACTOR.into();
    x.rsp_wdata.next = DISTRACTOR.into();
    edge!(sim, x);
    check!(
        sim,
        x,
        view(&x),
        user_view([0x111, 0x222], u),
        "kernel loads in user mode"
    );
    quiet(&mut x);
    x.cpl_load.next = true;
    x.cpl_user.next = false;
    edge!(sim, x);
    check!(
        sim,
        x,
        view(&x),
        kernel_view([0x111, 0x222, K_GS], u),
        "kernel again"
    );
});

#[test]
fn synthesises() {
    common::synthesises(BLOCK, &bank());
}
