//! Directed tests of `Ptu` for every rule of SPEC.md, on the rust-hdl
//! design stepped in lockstep with the reference model (any disagreement
//! fails with the cycle and the port). Each test checks SPEC's numbers
//! itself on the design's outputs and writes `waveforms/ptu-<test>.vcd`.

use anyhow::Result;
use ptu_arch::event_info::pack;
use ptu_arch::{csr, event_type as ty, status, vector, Inputs, Outputs, PtuConfig};
use ptu_sim::bench::Bench;
use ptu_sim::bus::Wait;

const ENTRY: u64 = 0x1000;
const ENTRY_CRIT: u64 = 0x2000;
const CSTACK: u64 = 0xc000;
const KSTACK: u64 = 0x8000;
const KGS: u64 = 0x5000;
const KRIP: u64 = 0x500;
const URIP: u64 = 0x40_0000;
const URSP: u64 = 0x7000_0000;
const UGS: u64 = 0x6000_0000;

fn idle() -> Inputs {
    Inputs::default()
}
fn st(bits: &[u32]) -> u64 {
    bits.iter().fold(0, |a, b| a | 1 << b)
}

/// Reset, then the kernel sets its entry points, stacks and the user copies.
fn kernel(name: &str) -> Result<Bench> {
    let mut b = Bench::new(&format!("ptu-{name}"))?;
    b.cycle(Inputs::reset())?;
    for (a, v) in [
        (csr::ENTRY, ENTRY),
        (csr::ENTRY_CRIT, ENTRY_CRIT),
        (csr::CSTACK, CSTACK),
        (csr::URIP, URIP),
        (csr::URSP, URSP),
        (csr::UGS, UGS),
    ] {
        b.cycle(Inputs::csr_write(a, v))?;
    }
    b.cycle(Inputs {
        rsp_we: true,
        rsp_wdata: KSTACK,
        gs_we: true,
        gs_wdata: KGS,
        ..Inputs::retire(KRIP)
    })?;
    let o = b.now()?;
    assert_eq!((o.cpl, o.rip, o.rsp, o.gs_base), (0, KRIP, KSTACK, KGS));
    Ok(b)
}

/// `kernel`, then an unframed ERET to the user program.
fn user(name: &str) -> Result<Bench> {
    let mut b = kernel(name)?;
    b.cycle(Inputs::eret())?;
    let o = b.now()?;
    assert_eq!((o.cpl, o.rip, o.rsp, o.gs_base), (3, URIP, URSP, UGS));
    Ok(b)
}

fn read_csr(b: &mut Bench, addr: u8) -> Result<u64> {
    Ok(b.cycle(Inputs::csr_read(addr))?.csr_rdata)
}

/// Cycles of a frame transfer after its accepting edge: the outputs of each.
fn transfer(b: &mut Bench) -> Result<Vec<Outputs>> {
    let mut seen = vec![];
    while b.now()?.busy {
        seen.push(b.cycle(idle())?);
        assert!(seen.len() < 200, "transfer does not end");
    }
    Ok(seen)
}

/// The completed bus accesses of a transfer: (we, addr, data).
fn accesses(seen: &[Outputs]) -> Vec<(bool, u64, u64)> {
    seen.iter()
        .filter(|o| o.mem_valid)
        .map(|o| (o.mem_we, o.mem_addr, o.mem_wdata))
        .collect()
}

#[test]
fn reset_values_and_reset_rip() -> Result<()> {
    let cfg = PtuConfig {
        reset_rip: 0xffff_f000,
        ..PtuConfig::default()
    };
    let mut b = Bench::with_config("ptu-reset", &cfg)?;
    b.cycle(Inputs {
        retire: true,
        next_rip: 0x1234,
        ..Inputs::reset()
    })?;
    let o = b.now()?;
    assert_eq!(
        o,
        Outputs {
            rip: 0xffff_f000,
            ..Outputs::default()
        }
    );
    for c in csr::TABLE {
        assert_eq!(read_csr(&mut b, c.addr)?, c.reset, "{} after reset", c.name);
    }
    b.finish()?;
    Ok(())
}

#[test]
fn banking_isolates_both_directions() -> Result<()> {
    let mut b = user("banking")?;
    // User writes go to the user copies.
    b.cycle(Inputs {
        rsp_we: true,
        rsp_wdata: URSP + 0x100,
        gs_we: true,
        gs_wdata: UGS + 0x100,
        ..Inputs::retire(URIP + 4)
    })?;
    let o = b.now()?;
    assert_eq!(
        (o.rip, o.rsp, o.gs_base),
        (URIP + 4, URSP + 0x100, UGS + 0x100)
    );
    // Entering the kernel shows the kernel copies in the same edge.
    let before = b.cycle(Inputs::syscall(URIP + 8))?;
    assert_eq!(before.cpl, 3);
    let o = b.now()?;
    assert_eq!((o.cpl, o.rip, o.rsp, o.gs_base), (0, ENTRY, KSTACK, KGS));
    // The kernel reaches the user copies through CSRs only.
    assert_eq!(read_csr(&mut b, csr::URIP)?, URIP + 8);
    assert_eq!(read_csr(&mut b, csr::URSP)?, URSP + 0x100);
    assert_eq!(read_csr(&mut b, csr::UGS)?, UGS + 0x100);
    // Kernel writes stay in the kernel copies.
    b.cycle(Inputs {
        rsp_we: true,
        rsp_wdata: KSTACK - 0x80,
        gs_we: true,
        gs_wdata: KGS + 8,
        ..Inputs::retire(ENTRY + 4)
    })?;
    b.cycle(Inputs::eret())?;
    let o = b.now()?;
    assert_eq!(
        (o.cpl, o.rip, o.rsp, o.gs_base),
        (3, URIP + 8, URSP + 0x100, UGS + 0x100)
    );
    b.cycle(Inputs::syscall(URIP + 12))?;
    let o = b.now()?;
    assert_eq!((o.rsp, o.gs_base), (KSTACK - 0x80, KGS + 8));
    b.finish()?;
    Ok(())
}

#[test]
fn syscall_from_user_is_one_cycle_without_memory() -> Result<()> {
    let mut b = user("syscall")?;
    let start = b.cycles();
    b.cycle(Inputs::syscall(URIP + 2))?;
    let o = b.now()?;
    assert_eq!(b.cycles() - start, 1);
    assert!(o.redirect && !o.busy && !o.irq_ack);
    assert_eq!((o.cpl, o.rip), (0, ENTRY));
    assert_eq!(
        o.event_info,
        pack(ty::OTHER, vector::SYSCALL, 0, true, false)
    );
    assert_eq!(o.event_data, 0);
    assert!(b.mem.log.is_empty(), "no memory access");
    // redirect is a one-cycle pulse.
    b.cycle(idle())?;
    assert!(!b.now()?.redirect);
    assert_eq!(read_csr(&mut b, csr::URIP)?, URIP + 2, "return address");
    assert_eq!(
        read_csr(&mut b, csr::STATUS)?,
        st(&[status::PREV_USER]),
        "framed 0, prev_user 1, if 0"
    );
    b.finish()?;
    Ok(())
}

#[test]
fn page_fault_from_user_latches_error_and_address() -> Result<()> {
    let mut b = user("page-fault")?;
    b.cycle(Inputs::retire(URIP + 4))?;
    b.cycle(Inputs::fault(vector::PF, Some(0x6), 0xdead_b000))?;
    let o = b.now()?;
    assert!(o.redirect);
    assert_eq!((o.cpl, o.rip), (0, ENTRY));
    assert_eq!(
        o.event_info,
        pack(ty::HARDWARE_EXCEPTION, vector::PF, 6, true, true)
    );
    assert_eq!(o.event_data, 0xdead_b000);
    assert_eq!(read_csr(&mut b, csr::URIP)?, URIP + 4, "RIP not advanced");
    assert!(b.mem.log.is_empty());
    b.finish()?;
    Ok(())
}

#[test]
fn interrupt_in_user_then_masked_and_unmasked_in_kernel() -> Result<()> {
    let mut b = user("interrupt")?;
    let irq = |v: Inputs| Inputs {
        irq: true,
        irq_vector: 40,
        ..v
    };
    b.cycle(irq(idle()))?;
    let o = b.now()?;
    assert!(o.irq_ack && o.redirect);
    assert_eq!(o.cpl, 0);
    assert_eq!(
        o.event_info,
        pack(ty::EXTERNAL_INTERRUPT, 40, 0, true, false)
    );
    // In kernel mode with `if` = 0 a held request is not taken again.
    b.cycle(irq(idle()))?;
    for _ in 0..10 {
        let o = b.cycle(irq(idle()))?;
        assert!(!o.busy && !o.redirect);
    }
    assert!(!b.now()?.irq_ack, "irq_ack pulsed once");
    // Enabling interrupts takes it, framed, from kernel mode.
    b.cycle(irq(Inputs::csr_write(csr::STATUS, 1)))?;
    b.cycle(irq(idle()))?;
    let o = b.now()?;
    assert!(
        o.irq_ack && o.busy,
        "accepted at the edge: ack and push start"
    );
    let seen = transfer(&mut b)?;
    assert_eq!(seen.len(), 5);
    let o = b.now()?;
    assert_eq!(
        o.event_info,
        pack(ty::EXTERNAL_INTERRUPT, 40, 0, false, false)
    );
    b.finish()?;
    Ok(())
}

#[test]
fn unframed_eret_is_one_cycle_without_memory() -> Result<()> {
    let mut b = user("eret-unframed")?;
    b.cycle(Inputs::syscall(URIP + 2))?;
    b.cycle(Inputs::retire(ENTRY + 4))?;
    let start = b.cycles();
    b.cycle(Inputs::eret())?;
    let o = b.now()?;
    assert_eq!(b.cycles() - start, 1);
    assert!(o.redirect && !o.busy);
    assert_eq!((o.cpl, o.rip, o.rsp, o.gs_base), (3, URIP + 2, URSP, UGS));
    assert!(b.mem.log.is_empty());
    b.finish()?;
    Ok(())
}

/// From a user SYSCALL's handler, a #PF in the kernel: framed.
fn kernel_fault_in_syscall_handler(b: &mut Bench) -> Result<Vec<Outputs>> {
    b.cycle(Inputs::syscall(URIP + 2))?;
    let accept = b.cycle(Inputs::fault(vector::PF, Some(2), 0x1234))?;
    assert!(!accept.busy);
    let o = b.now()?;
    assert!(
        o.busy && o.mem_valid && !o.redirect,
        "busy and the first request after the accepting edge"
    );
    assert_eq!(
        (o.cpl, o.rip, o.rsp),
        (0, ENTRY, KSTACK),
        "interrupted state shown while busy"
    );
    transfer(b)
}

#[test]
fn framed_entry_from_kernel_pushes_the_exact_frame() -> Result<()> {
    let mut b = user("entry-framed")?;
    let seen = kernel_fault_in_syscall_handler(&mut b)?;
    let syscall_info = pack(ty::OTHER, vector::SYSCALL, 0, true, false);
    assert_eq!(seen.len(), 5, "1 + 5 cycles with a zero-wait bus");
    assert_eq!(
        accesses(&seen),
        vec![
            (true, KSTACK - 8, ENTRY),
            (true, KSTACK - 16, KSTACK),
            (true, KSTACK - 24, st(&[status::PREV_USER])),
            (true, KSTACK - 32, syscall_info),
            (true, KSTACK - 40, 0),
        ]
    );
    let o = b.now()?;
    assert!(o.redirect && !o.busy && !o.mem_valid);
    assert_eq!((o.cpl, o.rip, o.rsp), (0, ENTRY, KSTACK - 40));
    assert_eq!(
        o.event_info,
        pack(ty::HARDWARE_EXCEPTION, vector::PF, 2, false, true)
    );
    assert_eq!(o.event_data, 0x1234);
    assert_eq!(read_csr(&mut b, csr::STATUS)?, st(&[status::FRAMED]));
    b.finish()?;
    Ok(())
}

#[test]
fn framed_eret_pops_lowest_first_and_restores() -> Result<()> {
    let mut b = user("eret-framed")?;
    kernel_fault_in_syscall_handler(&mut b)?;
    b.cycle(Inputs::eret())?;
    let seen = transfer(&mut b)?;
    assert_eq!(seen.len(), 5);
    let reads: Vec<_> = accesses(&seen);
    assert_eq!(
        reads,
        (0..5)
            .map(|i| (false, KSTACK - 40 + 8 * i, 0))
            .collect::<Vec<_>>()
    );
    let o = b.now()?;
    assert!(o.redirect);
    assert_eq!(
        (o.cpl, o.rip, o.rsp),
        (0, ENTRY, KSTACK),
        "back in the SYSCALL handler"
    );
    assert_eq!(
        o.event_info,
        pack(ty::OTHER, vector::SYSCALL, 0, true, false)
    );
    assert_eq!(read_csr(&mut b, csr::STATUS)?, st(&[status::PREV_USER]));
    // And the SYSCALL handler returns to user without a frame.
    b.cycle(Inputs::eret())?;
    let o = b.now()?;
    assert_eq!((o.cpl, o.rip, o.rsp), (3, URIP + 2, URSP));
    b.finish()?;
    Ok(())
}

fn pulse_nmi(b: &mut Bench) -> Result<()> {
    b.cycle(Inputs {
        nmi: true,
        ..idle()
    })?;
    Ok(())
}

#[test]
fn nmi_in_user_switches_stack_and_blocks_nested_nmi() -> Result<()> {
    let mut b = user("nmi")?;
    pulse_nmi(&mut b)?;
    // Taken no later than the second edge after the sampling edge.
    let waited = b.run_until(1, |o| o.busy)?;
    assert!(waited <= 1);
    let seen = transfer(&mut b)?;
    assert_eq!(
        accesses(&seen),
        vec![
            (true, CSTACK - 8, KRIP),
            (true, CSTACK - 16, KSTACK),
            (true, CSTACK - 24, 0),
            (true, CSTACK - 32, 0),
            (true, CSTACK - 40, 0),
        ],
        "frame below CSTACK with the kernel RIP/RSP the kernel left"
    );
    let o = b.now()?;
    assert_eq!((o.cpl, o.rip, o.rsp), (0, ENTRY_CRIT, CSTACK - 40));
    assert_eq!(o.event_info, pack(ty::NMI, vector::NMI, 0, true, false));
    assert_eq!(
        read_csr(&mut b, csr::STATUS)?,
        st(&[
            status::FRAMED,
            status::NMI_BLOCKED,
            status::PREV_USER,
            status::CRITICAL
        ])
    );
    // A second NMI stays pending while blocked.
    pulse_nmi(&mut b)?;
    for _ in 0..20 {
        assert!(!b.cycle(idle())?.busy, "NMI taken while blocked");
    }
    // ERET restores the interrupted state and unblocks; the pending NMI follows.
    b.cycle(Inputs::eret())?;
    transfer(&mut b)?;
    let o = b.now()?;
    assert_eq!((o.cpl, o.rip, o.rsp, o.gs_base), (3, URIP, URSP, UGS));
    assert!(o.redirect);
    let waited = b.run_until(2, |o| o.busy)?;
    assert!(waited <= 1, "pending NMI taken right after the ERET");
    transfer(&mut b)?;
    assert_eq!(b.now()?.rip, ENTRY_CRIT);
    b.finish()?;
    Ok(())
}

#[test]
fn critical_stack_switch_happens_once() -> Result<()> {
    let mut b = kernel("critical-nesting")?;
    pulse_nmi(&mut b)?;
    b.run_until(2, |o| o.busy)?;
    transfer(&mut b)?;
    assert_eq!(b.now()?.rsp, CSTACK - 40);
    // A machine check inside the NMI handler stays on the critical stack.
    b.cycle(Inputs {
        mce: true,
        ..idle()
    })?;
    b.run_until(2, |o| o.busy)?;
    let seen = transfer(&mut b)?;
    let addrs: Vec<u64> = accesses(&seen).iter().map(|a| a.1).collect();
    assert_eq!(
        addrs,
        (1..=5).map(|i| CSTACK - 40 - 8 * i).collect::<Vec<_>>()
    );
    let o = b.now()?;
    assert_eq!((o.rip, o.rsp), (ENTRY_CRIT, CSTACK - 80));
    assert_eq!(
        o.event_info,
        pack(ty::HARDWARE_EXCEPTION, vector::MC, 0, false, false)
    );
    // An ordinary fault inside it also stays, and keeps `critical`.
    b.cycle(Inputs::fault(vector::UD, None, 0))?;
    let seen = transfer(&mut b)?;
    assert_eq!(accesses(&seen)[0].1, CSTACK - 88);
    let s = read_csr(&mut b, csr::STATUS)?;
    assert_eq!(s & st(&[status::CRITICAL]), st(&[status::CRITICAL]));
    assert_eq!(b.now()?.rip, ENTRY);
    b.finish()?;
    Ok(())
}

#[test]
fn bus_error_on_push_is_a_double_fault() -> Result<()> {
    let mut b = kernel("double-fault")?;
    b.cycle(Inputs::csr_write(csr::STATUS, 1))?;
    b.mem.error_at = vec![2];
    b.cycle(Inputs::fault(vector::GP, Some(0), 0))?;
    let seen = transfer(&mut b)?;
    let acc = accesses(&seen);
    assert_eq!(
        acc.len(),
        3 + 5,
        "three words, the error, then the #DF frame"
    );
    assert_eq!(acc[3].1, CSTACK - 8, "#DF is critical: stack switch");
    assert_eq!(
        acc[3..].iter().map(|a| a.2).collect::<Vec<_>>(),
        vec![KRIP, KSTACK, st(&[status::IF]), 0, 0],
        "the #DF frame holds the state from before the failed event"
    );
    let o = b.now()?;
    assert_eq!((o.cpl, o.rip, o.rsp), (0, ENTRY_CRIT, CSTACK - 40));
    assert_eq!(
        o.event_info,
        pack(ty::HARDWARE_EXCEPTION, vector::DF, 0, false, true)
    );
    b.finish()?;
    Ok(())
}

#[test]
fn bus_error_while_pushing_a_double_fault_shuts_down() -> Result<()> {
    let mut b = user("triple-fault")?;
    b.mem.error_at = vec![0, 1];
    pulse_nmi(&mut b)?;
    b.run_until(2, |o| o.busy)?;
    b.run_until(10, |o| !o.busy)?;
    let o = b.now()?;
    assert!(o.shutdown && !o.redirect);
    assert_eq!(o.cpl, 3, "nothing committed");
    // Nothing is taken until reset.
    for i in 0..30u64 {
        let inp = match i % 4 {
            0 => Inputs::syscall(URIP + 2),
            1 => Inputs {
                irq: true,
                irq_vector: 33,
                nmi: i % 8 == 1,
                ..idle()
            },
            2 => Inputs::retire(URIP + 4),
            _ => Inputs {
                mce: true,
                ..idle()
            },
        };
        let o = b.cycle(inp)?;
        assert!(o.shutdown && !o.busy && !o.redirect && !o.irq_ack && !o.mem_valid);
        assert_eq!(o.rip, URIP);
    }
    b.cycle(Inputs::reset())?;
    let o = b.now()?;
    assert!(!o.shutdown);
    assert_eq!((o.cpl, o.rip), (0, 0));
    b.finish()?;
    Ok(())
}

#[test]
fn csr_misuse_raises_general_protection() -> Result<()> {
    let gp_user = pack(ty::HARDWARE_EXCEPTION, vector::GP, 0, true, true);
    let gp_kernel = pack(ty::HARDWARE_EXCEPTION, vector::GP, 0, false, true);
    // User access: #GP, no effect, retire cancelled, rdata 0.
    let mut b = user("csr-gp")?;
    let o = b.cycle(Inputs {
        csr_re: true,
        csr_we: true,
        csr_addr: csr::URIP,
        csr_wdata: 0xbad,
        ..Inputs::retire(URIP + 4)
    })?;
    assert_eq!(o.csr_rdata, 0);
    let o = b.now()?;
    assert_eq!((o.cpl, o.rip, o.event_info), (0, ENTRY, gp_user));
    assert_eq!(
        read_csr(&mut b, csr::URIP)?,
        URIP,
        "neither the write nor retire took effect"
    );
    // Kernel: writing EVENT_INFO is a #GP (framed), so is an unknown address.
    b.cycle(Inputs::csr_write(csr::EVENT_INFO, 0))?;
    transfer(&mut b)?;
    assert_eq!(b.now()?.event_info, gp_kernel);
    let o = b.cycle(Inputs::csr_read(0x42))?;
    assert_eq!(o.csr_rdata, 0);
    transfer(&mut b)?;
    assert_eq!(b.now()?.event_info, gp_kernel);
    assert_eq!(b.now()?.rsp, KSTACK - 80, "two frames pushed");
    // A read-only CSR reads fine; ERET in user mode is a #GP too.
    assert_eq!(read_csr(&mut b, csr::EVENT_INFO)?, gp_kernel);
    b.finish()?;

    let mut b = user("eret-gp")?;
    b.cycle(Inputs::eret())?;
    let o = b.now()?;
    assert_eq!((o.cpl, o.event_info), (0, gp_user));
    b.finish()?;
    Ok(())
}

#[test]
fn asynchronous_event_beats_the_instruction() -> Result<()> {
    let mut b = user("async-wins")?;
    b.cycle(Inputs {
        irq: true,
        irq_vector: 50,
        rsp_we: true,
        rsp_wdata: 0x1,
        ..Inputs::retire(URIP + 4)
    })?;
    let o = b.now()?;
    assert_eq!(
        (o.cpl, o.event_info),
        (0, pack(ty::EXTERNAL_INTERRUPT, 50, 0, true, false))
    );
    assert_eq!(read_csr(&mut b, csr::URIP)?, URIP, "RIP not advanced");
    assert_eq!(read_csr(&mut b, csr::URSP)?, URSP, "rsp_we had no effect");
    // In the kernel, an NMI beats a CSR write.
    b.cycle(Inputs::retire(ENTRY + 4))?;
    pulse_nmi(&mut b)?;
    b.cycle(Inputs::csr_write(csr::ENTRY, 0x9999))?;
    transfer(&mut b)?;
    assert_eq!(b.now()?.rip, ENTRY_CRIT);
    assert_eq!(read_csr(&mut b, csr::ENTRY)?, ENTRY);
    b.finish()?;
    Ok(())
}

#[test]
fn inputs_are_ignored_while_busy() -> Result<()> {
    let mut b = kernel("busy-ignores")?;
    b.mem.wait = Wait::Fixed(2);
    b.cycle(Inputs::fault(vector::DE, None, 0))?;
    let mut n = 0;
    while b.now()?.busy {
        let o = b.cycle(Inputs {
            rsp_we: true,
            rsp_wdata: 0x1,
            gs_we: true,
            gs_wdata: 0x2,
            csr_we: true,
            csr_addr: csr::ENTRY,
            csr_wdata: 0x3,
            csr_re: true,
            ..Inputs::retire(0x4)
        })?;
        assert_eq!(o.csr_rdata, 0);
        n += 1;
    }
    assert_eq!(n, 5 * 3, "five words, two wait states each");
    let o = b.now()?;
    assert_eq!((o.rip, o.rsp, o.gs_base), (ENTRY, KSTACK - 40, KGS));
    assert_eq!(read_csr(&mut b, csr::ENTRY)?, ENTRY);
    b.finish()?;
    Ok(())
}

#[test]
fn wait_states_hold_the_request() -> Result<()> {
    let mut b = kernel("wait-states")?;
    b.mem.wait = Wait::Fixed(3);
    b.cycle(Inputs::syscall(KRIP + 2))?;
    let seen = transfer(&mut b)?;
    assert_eq!(seen.len(), 5 * 4);
    for word in seen.chunks(4) {
        assert!(
            word.iter().all(|o| o == &word[0]),
            "request changed while waiting"
        );
    }
    assert_eq!(
        seen[0].mem_wdata,
        KRIP + 2,
        "SYSCALL in the kernel returns to next_rip"
    );
    b.finish()?;
    Ok(())
}

#[test]
fn nmi_held_through_reset_is_not_an_edge() -> Result<()> {
    let mut b = kernel("nmi-reset")?;
    let nmi = |v: Inputs| Inputs { nmi: true, ..v };
    b.cycle(nmi(idle()))?;
    b.cycle(nmi(Inputs::reset()))?;
    for _ in 0..10 {
        assert!(!b.cycle(nmi(idle()))?.busy);
    }
    b.cycle(idle())?;
    b.cycle(nmi(idle()))?;
    assert!(b.run_until(1, |o| o.busy)? <= 1);
    b.finish()?;
    Ok(())
}

#[test]
fn shipped_scenarios_pass_on_the_design() -> Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testbenches/scenarios");
    let all = ptu_sim::scenario::load_dir(&dir)?;
    assert!(all.len() >= 9, "{} scenarios", all.len());
    for s in &all {
        let vcd = ptu_sim::bench::waveforms_dir().join(format!("{}-rust-hdl.vcd", s.name));
        let sum = s.run_rtl(&PtuConfig::default(), Some(&vcd))?;
        assert!(!sum.transitions.is_empty(), "{}: no transitions", s.name);
    }
    Ok(())
}
