//! The instruction-level model's SoC and timing: UART, the unit's frame in
//! RAM, cycle counts of entries and returns, interrupts cancelling an
//! instruction, double and triple faults, NMI, and how runs end.

use ptu_arch::{event_info, event_type, Inputs};
use ptu_soc::asm;
use ptu_soc::iss::{Config, End, Iss, Trace};
use ptu_soc::map::{self, ToHost};
use ptu_soc::program::Program;

fn load(name: &str, text: &str) -> Program {
    let a = asm::assemble_text(name, text).unwrap_or_else(|e| panic!("{e:#}"));
    Program::from_file(&a.bin).unwrap()
}

fn isa(name: &str) -> Program {
    asm::load(&asm::programs_dir().join("isa").join(format!("{name}.S"))).unwrap()
}

fn events(iss: &Iss) -> Vec<(u64, u64, u64)> {
    iss.trace
        .iter()
        .filter_map(|t| match *t {
            Trace::Event { pc, info, data } => Some((pc, info, data)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_uart_receives_the_kernels_bytes() {
    let out = Iss::run_program(&isa("priv_user"), Config::default());
    assert_eq!(out.end, End::ToHost(ToHost::Pass));
    assert_eq!(out.uart, b"ok\n");
}

/// ENTRY = `handler`, kernel sp = 0x7000, then `body`; the handler stores 1
/// to tohost.
fn with_handler(body: &str) -> String {
    format!(
        "    .globl _start
_start:
    la t0, handler
    csrw 0x5C0, t0
    csrw 0x5C1, t0
    li sp, 0x7000
{body}
handler:
    li t1, 0x10000018
    li t2, 1
    sd t2, 0(t1)
1:  j 1b
"
    )
}

/// Step until the pc is `pc`; the cycles that took.
fn step_to(iss: &mut Iss, pc: u64) -> u64 {
    let c = iss.cycles;
    for _ in 0..1000 {
        if iss.pc() == pc {
            return iss.cycles - c;
        }
        assert!(iss.step(), "ended before reaching 0x{pc:x}");
    }
    panic!("never reached 0x{pc:x}");
}

#[test]
fn a_kernel_ecall_pushes_the_frame_in_six_cycles_and_sret_pops_it_in_six() {
    let p = load(
        "model-framed",
        "    .globl _start
_start:
    la t0, handler
    csrw 0x5C0, t0
    li sp, 0x7000
    li a0, 0x55
    ecall
after:
    li t1, 0x10000018
    li t2, 1
    sd t2, 0(t1)
handler:
    sret
",
    );
    let mut iss = Iss::new(&p, Config::default());
    // The prelude up to the ecall: la (2), csrw, li sp, li a0.
    for _ in 0..5 {
        iss.step();
    }
    let ecall_pc = iss.pc();
    assert_eq!(ecall_pc, 20);
    let before = iss.cycles;
    iss.step();
    assert_eq!(iss.cycles - before, 6, "accepting edge + 5 frame words");
    // The frame, from the highest address down: return RIP, kernel RSP,
    // STATUS, EVENT_INFO, EVENT_DATA (as before the event).
    let word = |a: u64| u64::from_le_bytes(iss.ram[a as usize..a as usize + 8].try_into().unwrap());
    assert_eq!(word(0x7000 - 8), ecall_pc + 4);
    assert_eq!(word(0x7000 - 16), 0x7000);
    assert_eq!(word(0x7000 - 24), 0);
    assert_eq!(word(0x7000 - 32), 0);
    assert_eq!(word(0x7000 - 40), 0);
    assert_eq!(iss.reg(2), 0x7000 - 40);
    assert_eq!(
        iss.unit.event_info,
        event_info::pack(event_type::OTHER, 0, 0, false, false)
    );
    assert_eq!(
        iss.trace.last(),
        Some(&Trace::Event {
            pc: ecall_pc,
            info: iss.unit.event_info,
            data: 0
        })
    );
    // The handler's sret pops it in 6 cycles and returns after the ecall.
    let before = iss.cycles;
    iss.step();
    assert_eq!(iss.cycles - before, 6);
    assert_eq!((iss.pc(), iss.reg(2)), (ecall_pc + 4, 0x7000));
    assert!(
        matches!(iss.trace.last(), Some(&Trace::Eret { to, .. }) if to == ecall_pc + 4),
        "{:?}",
        iss.trace.last()
    );
    assert_eq!(iss.run().end, End::ToHost(ToHost::Pass));
}

#[test]
fn user_entry_and_unframed_eret_take_one_cycle_each() {
    let p = load(
        "model-user",
        "    .globl _start
_start:
    la t0, handler
    csrw 0x5C0, t0
    li t0, 0x8000
    csrw 0x5D0, t0
    sret
handler:
    li t1, 0x10000018
    li t2, 1
    sd t2, 0(t1)
    .section .user.text, \"ax\"
    ecall
",
    );
    let mut iss = Iss::new(&p, Config::default());
    // la (2), csrw, li, csrw, sret: six edges, the last one unframed.
    assert_eq!(step_to(&mut iss, 0x8000), 6);
    let c = iss.cycles;
    iss.step();
    assert_eq!(iss.cycles - c, 1, "SYSCALL from user: one edge, no frame");
    let o = iss.unit.outputs(&Inputs::default());
    assert_eq!(o.cpl, 0);
    assert_eq!(
        iss.unit.u_rip, 0x8004,
        "the user RIP holds the return address"
    );
    assert_eq!(iss.run().end, End::ToHost(ToHost::Pass));
}

#[test]
fn an_interrupt_cancels_the_instruction_it_lands_on() {
    let mut iss = Iss::new(&isa("timer"), Config::default());
    assert_eq!(iss.run().end, End::ToHost(ToHost::Pass));
    let (k, pc) = iss
        .trace
        .iter()
        .enumerate()
        .find_map(|(k, t)| match *t {
            Trace::Event { pc, info, .. } if info & 7 == event_type::EXTERNAL_INTERRUPT as u64 => {
                Some((k, pc))
            }
            _ => None,
        })
        .expect("the timer interrupt");
    assert!((map::USER_BASE..map::USER_END).contains(&pc));
    // The user instruction before the event retired, the one at `pc` did
    // not: the next user retire after the kernel's sret is at `pc`.
    let next_user = iss.trace[k + 1..].iter().find_map(|t| match *t {
        Trace::Retire { pc, .. } if pc >= map::USER_BASE => Some(pc),
        _ => None,
    });
    assert_eq!(next_user, Some(pc));
    let ev = events(&iss);
    let irq = event_info::pack(
        event_type::EXTERNAL_INTERRUPT,
        map::TIMER_VECTOR,
        0,
        true,
        false,
    );
    assert!(ev.iter().any(|&(_, info, _)| info == irq), "{ev:x?}");
}

#[test]
fn a_push_to_nowhere_is_a_double_fault_on_the_critical_stack() {
    let p = load(
        "model-df",
        &with_handler(
            "    li t0, 0x6000
    csrw 0x5C2, t0
    li sp, 0x20000000
    ecall",
        ),
    );
    let mut iss = Iss::new(&p, Config::default());
    assert_eq!(iss.run().end, End::ToHost(ToHost::Pass));
    let ev = events(&iss);
    assert_eq!(ev.len(), 1, "{ev:x?}");
    assert_eq!(
        ev[0].1,
        event_info::pack(event_type::HARDWARE_EXCEPTION, 8, 0, false, true)
    );
    // The #DF frame went below CSTACK.
    assert_eq!(iss.reg(2), 0x6000 - 40);
}

#[test]
fn a_double_fault_with_no_stack_shuts_down() {
    let p = load(
        "model-tf",
        &with_handler(
            "    li t0, 0x20000000
    csrw 0x5C2, t0
    mv sp, t0
    ecall",
        ),
    );
    let out = Iss::run_program(&p, Config::default());
    assert_eq!(out.end, End::Shutdown);
    let e = out.check("model-tf").unwrap_err().to_string();
    assert!(e.contains("the unit shut down (triple fault)"), "{e}");
}

#[test]
fn an_nmi_enters_at_entry_crit() {
    let p = load(
        "model-nmi",
        "    .globl _start
_start:
    la t0, crit
    csrw 0x5C1, t0
    li t0, 0x6000
    csrw 0x5C2, t0
1:  j 1b
crit:
    li t1, 0x10000018
    li t2, 1
    sd t2, 0(t1)
",
    );
    let cfg = Config {
        nmi_at: Some(40),
        ..Config::default()
    };
    let mut iss = Iss::new(&p, cfg);
    assert_eq!(iss.run().end, End::ToHost(ToHost::Pass));
    let ev = events(&iss);
    assert_eq!(ev.len(), 1);
    assert_eq!(
        ev[0].1,
        event_info::pack(event_type::NMI, ptu_arch::vector::NMI, 0, false, false)
    );
}

#[test]
fn a_program_that_never_ends_stops_at_the_limit() {
    let p = load("model-loop", "    .globl _start\n_start:\n1:  j 1b\n");
    let cfg = Config {
        max_instructions: 1000,
        ..Config::default()
    };
    let out = Iss::run_program(&p, cfg);
    assert_eq!((out.end, out.retired), (End::Limit, 1000));
    let e = out.check("model-loop").unwrap_err().to_string();
    assert!(
        e.contains("no store to tohost after 1000 retired instructions"),
        "{e}"
    );
}

#[test]
fn an_even_tohost_value_is_not_a_verdict() {
    let p = load(
        "model-even",
        "    .globl _start\n_start:\n    li t1, 0x10000018\n    li t2, 4\n    sd t2, 0(t1)\n",
    );
    let out = Iss::run_program(&p, Config::default());
    assert_eq!(out.end, End::ToHost(ToHost::Other(4)));
    let e = out.check("model-even").unwrap_err().to_string();
    assert!(e.contains("tohost = 4, which is not a verdict"), "{e}");
}

#[test]
fn with_the_timer_off_mtimecmp_never_fires() {
    // timer.S spins in user mode until the timer interrupts it.
    let cfg = Config {
        timer: false,
        max_instructions: 20_000,
        ..Config::default()
    };
    let mut iss = Iss::new(&isa("timer"), cfg);
    assert_eq!(iss.run().end, End::Limit);
    assert_ne!(iss.mtimecmp, 0, "the program armed the timer");
    assert!(events(&iss).is_empty());
}
