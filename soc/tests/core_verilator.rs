//! The emitted SoC under Verilator runs a program exactly as the rust-hdl
//! design does: the same `tohost` verdict at the same cycle, the same
//! UART bytes (decoded from the serial line), with timer interrupts and
//! an NMI on the way.

mod core_asm;

use core_asm::{csr, reg::*, Asm};
use ptu_arch::event_info::pack;
use ptu_soc::run::{run, RunOptions};
use ptu_soc::soc::SocConfig;
use std::path::PathBuf;

const HANDLER: u64 = 0x1000;
const CRIT_HANDLER: u64 = 0x1800;

/// User code counts while the timer interrupts it 12 times and an NMI
/// (if raised) runs on the critical stack; then the kernel prints "ok\n"
/// and passes, or reports the check that failed.
fn program() -> Vec<u8> {
    let mut a = Asm::new();
    a.li(SP, 0x7f00).li(T0, HANDLER).csrw(csr::ENTRY, T0);
    a.li(T0, CRIT_HANDLER).csrw(csr::ENTRY_CRIT, T0);
    a.li(T0, 0x6000).csrw(csr::CSTACK, T0);
    a.li(T0, 0x8000).csrw(csr::URIP, T0);
    a.li(T0, 0xff00).csrw(csr::URSP, T0);
    a.li(S0, 0x1000_0000).li(S2, 0);
    a.ld(T3, S0, 8).addi(T3, T3, 150).sd(T3, S0, 16);
    a.sret();

    a.org(0x8000);
    a.label("loop")
        .addi(A0, A0, 1)
        .addi(SP, SP, -8)
        .sd(A0, SP, 0);
    a.addi(SP, SP, 8).j("loop");

    a.org(CRIT_HANDLER);
    // Type and vector (the NMI may land in user code or in the handler).
    // (Registers of its own: it may interrupt the timer's handler.)
    a.csrr(T4, csr::EVENT_INFO)
        .slli(T4, T4, 48)
        .srli(T4, T4, 48);
    a.check(1, T4, pack(2, 2, 0, false, false));
    a.addi(S3, S3, 1);
    a.sret();

    a.org(HANDLER);
    a.csrr(A6, csr::EVENT_INFO)
        .check(2, A6, pack(0, 0x20, 0, true, false));
    a.addi(S2, S2, 1);
    a.li(A7, 12).br(0, S2, A7, "done");
    a.ld(T3, S0, 8)
        .add(T3, T3, S2)
        .addi(T3, T3, 80)
        .sd(T3, S0, 16);
    a.sret();
    a.label("done").sd(ZERO, S0, 16);
    for &c in b"ok\n" {
        let wait = format!("wait{}", a.pc());
        a.label(&wait).ld(T0, S0, 0).br(1, T0, ZERO, &wait);
        a.li(A1, c as u64).sb(A1, S0, 0);
    }
    a.label("drain").ld(T0, S0, 0).br(1, T0, ZERO, "drain");
    a.check(3, S3, 1); // the NMI ran once
    a.tohost(1, T0, T1);
    a.image()
}

#[test]
fn verilator_runs_the_emitted_soc_cycle_for_cycle_like_rust_hdl() {
    let cfg = SocConfig::new(program());
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("soc-verilator");
    for nmi_at in [vec![900], vec![]] {
        let opts = RunOptions {
            max_cycles: 100_000,
            nmi_at: nmi_at.clone(),
            ..Default::default()
        };
        let hdl = run(&cfg, &opts).unwrap();
        let vl = ptu_soc::verilator::run(&cfg, &opts, &work).unwrap();
        eprintln!(
            "nmi at {nmi_at:?}: rust-hdl {:?} at {} cycles, Verilator {:?} at {}",
            hdl.tohost, hdl.cycles, vl.tohost, vl.cycles
        );
        // With the NMI the program passes; without it, check 3 fails.
        let expect = if nmi_at.is_empty() { (3 << 1) | 1 } else { 1 };
        assert_eq!(hdl.tohost, Some(expect), "{hdl:?}");
        assert_eq!(vl.tohost, hdl.tohost);
        assert_eq!(vl.cycles, hdl.cycles);
        assert_eq!(hdl.uart, b"ok\n");
        assert_eq!(vl.uart, hdl.uart);
    }
}
