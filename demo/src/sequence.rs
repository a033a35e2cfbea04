//! The board demo's built-in program, recorded from the reference model.
//!
//! [`crate::board_demo::BoardDemo`] replays steps from ROM and checks
//! every output against the expected values stored with them. The steps
//! are made here, at elaboration time, and passed to the demo's
//! constructor as data: [`builtin`] runs the example kernel of
//! [`ptu_sim::kernel`] and a core through syscall, fault,
//! interrupt, a nested fault, NMI and ERET on [`ptu_sim::model::Model`]
//! with a zero-wait memory ([`ptu_sim::bus::Memory`], one wait state for
//! the first NMI's frame), and records each cycle's inputs and the
//! model's outputs.
//!
//! The program has three segments ([`DemoProgram`]): the main sequence,
//! which ends at the *rest state* ([`rest_state`]: the kernel's idle loop
//! at [`IDLE_RIP`], CPL 0, STATUS.if = 1), and the two segments of the
//! demo's inject buttons, recorded from the rest state: an NMI, its
//! handler and the framed ERET; an interrupt (vector [`IRQ_VECTOR`],
//! `irq` held until `irq_ack`), its handler and the framed ERET. In the
//! kernel both events are framed entries and a framed ERET restores
//! everything the entry changed (RIP, RSP, STATUS, EVENT_INFO,
//! EVENT_DATA), so each segment ends where it started: [`builtin`] checks
//! that the model's whole state (NMI edge detection included) equals the
//! rest state after each segment, and the demo may replay the segments
//! any number of times in any order. The rest state is in the kernel
//! because from user mode an interrupt is an unframed entry, and its ERET
//! would leave EVENT_INFO changed.
//!
//! The program follows the configuration: the model is the configuration's
//! (a 32-bit unit's values are cut to 32 bits), and with option `fs_bank`
//! the main sequence also drives the FS ports: the user program writes its
//! FS base ([`USER_FS`]) before its first SYSCALL, and the kernel, entered
//! by it, writes its own ([`KERNEL_FS`]) and reads the user's through CSR
//! UFS; from then on `fs_base` shows the copy of the current level, and the
//! demo checks it in every cycle.

use crate::demo_program::{with_data, DemoProgram, DemoStep, Segment};
use anyhow::{bail, Result};
use ptu_arch::{csr, status, vector, Inputs, Outputs, PtuConfig};
use ptu_sim::bus::{Memory, Wait};
pub use ptu_sim::kernel::{
    CSTACK, ENTRY, ENTRY_CRIT, KERNEL_GS, KSTACK, USER_GS, USER_RIP, USER_RSP,
};
use ptu_sim::model::Model;
use std::fmt::Write as _;

/// Vector of the demo's interrupts (the main sequence's and the IRQ
/// segment's).
pub const IRQ_VECTOR: u8 = 0x20;
/// Where the kernel idles at the end of the main sequence (the rest
/// state).
pub const IDLE_RIP: u64 = ENTRY + 0x40;
/// Fault address of the demo's page fault.
pub const PF_ADDRESS: u64 = 0x0000_7fff_dead_b000;
/// Error code of the demo's page fault (user, write).
pub const PF_ERROR: u32 = 0x6;
/// The user program's FS base (option `fs_bank`).
pub const USER_FS: u64 = 0x7e00_0000;
/// The kernel's FS base (option `fs_bank`).
pub const KERNEL_FS: u64 = 0xffff_8000_0004_0000;

/// Records cycles of the model and the memory as demo steps.
struct Builder {
    cfg: PtuConfig,
    model: Model,
    mem: Memory,
    steps: Vec<DemoStep>,
}

impl Builder {
    fn new(cfg: &PtuConfig) -> Self {
        Self {
            cfg: *cfg,
            model: Model::new(cfg),
            mem: Memory::new(0),
            steps: Vec::new(),
        }
    }

    /// One cycle: the core presents `inp` carrying `data` on its 64-bit
    /// inputs; the memory answers the bus (its read data then takes the
    /// place of `data`, since the core is stalled).
    fn cycle(&mut self, inp: Inputs, data: u64, start: bool) {
        let state = self.model.outputs(&Inputs::default());
        let (ready, rdata, err) = self.mem.respond(&state);
        let data = if ready && !state.mem_we { rdata } else { data };
        let mut inp = with_data(inp, data);
        inp.mem_ready = ready;
        inp.mem_err = err;
        let expect: Outputs = self.model.outputs(&inp);
        self.steps.push(DemoStep {
            inputs: inp,
            expect,
            check: !self.steps.is_empty(),
            start,
            print: false,
        });
        self.model.step(&inp);
        self.mem.clock(&state, ready, err);
    }

    fn idle(&mut self) {
        self.cycle(Inputs::default(), 0, false);
    }

    fn csr_write(&mut self, addr: u8, value: u64) {
        self.cycle(Inputs::csr_write(addr, value), value, false);
    }

    fn csr_read(&mut self, addr: u8) {
        self.cycle(Inputs::csr_read(addr), 0, false);
    }

    fn retire(&mut self, next_rip: u64) {
        self.cycle(Inputs::retire(next_rip), next_rip, false);
    }

    /// Option `fs_bank`: write the FS base of the current level.
    fn fs_write(&mut self, value: u64) {
        let inp = Inputs {
            fs_we: true,
            ..Inputs::default()
        };
        self.cycle(inp, value, false);
    }

    /// Present a stimulus (marked `start`), run idle cycles until the unit
    /// has redirected and idle inputs no longer change its state, and mark
    /// the last of them `print`: the demo pauses there and prints the
    /// transition. An interrupt request (`irq`, `irq_vector`) stays
    /// presented until the unit acknowledges it (through the cycle that
    /// shows `irq_ack`), as a device holds its request line.
    fn transition(&mut self, what: &str, inp: Inputs, data: u64) -> Result<()> {
        self.cycle(inp, data, true);
        let first = self.steps.len();
        for _ in 0..64 {
            let acked = self.steps[first - 1..].iter().any(|s| s.expect.irq_ack);
            let holding = inp.irq && !acked;
            let redirected = self.steps[first - 1..].iter().any(|s| s.expect.redirect);
            let mut after = self.model.clone();
            after.step(&Inputs::default());
            if redirected && !holding && after == self.model {
                self.steps.last_mut().expect("a step").print = true;
                return Ok(());
            }
            if holding {
                let request = Inputs {
                    irq: true,
                    irq_vector: inp.irq_vector,
                    ..Inputs::default()
                };
                self.cycle(request, 0, false);
            } else {
                self.idle();
            }
        }
        bail!("demo sequence: {what} did not complete within 64 cycles")
    }

    /// Fails unless the model is in `rest`, the state the inject segments
    /// start from and must return to.
    fn expect_rest(&self, rest: &Model, what: &str) -> Result<()> {
        if self.model != *rest {
            bail!(
                "demo sequence: after the {what} the unit is not back at the rest state, so the \
                 segment could not be replayed again:\n  rest:  {rest:?}\n  after: {:?}",
                self.model
            );
        }
        Ok(())
    }
}

/// The rest state at the end of the main sequence, where the inject
/// segments start and end: the kernel's idle loop (CPL 0, RIP
/// [`IDLE_RIP`], no frame sequence, no pending event) with interrupts
/// enabled (STATUS.if = 1), so that both an interrupt and an NMI are taken
/// and both are framed entries.
pub fn rest_state(cfg: &PtuConfig) -> Result<Model> {
    Ok(record(cfg)?.1)
}

/// An interrupt request with the demo's vector.
fn irq() -> Inputs {
    Inputs {
        irq: true,
        irq_vector: IRQ_VECTOR,
        ..Inputs::default()
    }
}

/// An NMI edge.
fn nmi() -> Inputs {
    Inputs {
        nmi: true,
        ..Inputs::default()
    }
}

/// The built-in program (see the module documentation).
///
/// Main sequence: boot to user, SYSCALL and back, a page fault and back,
/// an interrupt with a nested fault in its handler (framed entry and
/// framed ERET), ERET to user, an NMI from user (framed on the critical
/// stack, one wait state per word), ERET to user, then a SYSCALL after
/// which the kernel enables interrupts (STATUS write) and jumps to its
/// idle loop: twelve transitions, ending with an idle step at the rest
/// state.
///
/// NMI segment: an idle step, the NMI (framed on the critical stack), one
/// instruction of the handler, the framed ERET, an idle step. IRQ
/// segment: the same with an interrupt (framed on the kernel stack). Two
/// transitions each, zero-wait bus.
pub fn builtin(cfg: &PtuConfig) -> Result<DemoProgram> {
    Ok(record(cfg)?.0)
}

/// Records the program; also returns the rest state.
fn record(cfg: &PtuConfig) -> Result<(DemoProgram, Model)> {
    cfg.validate()?;
    let mut b = Builder::new(cfg);
    // The kernel boots; each cycle's one 64-bit value goes on all six
    // 64-bit inputs.
    for inp in ptu_sim::kernel::boot() {
        let data = shared_value(&inp)?;
        b.cycle(inp, data, false);
    }
    b.transition("ERET to user", Inputs::eret(), 0)?;
    // Option `fs_bank`: the user program sets its FS base.
    if cfg.fs_bank {
        b.fs_write(USER_FS);
    }
    // SYSCALL and back.
    b.retire(USER_RIP + 4);
    b.transition("SYSCALL", Inputs::syscall(USER_RIP + 6), USER_RIP + 6)?;
    b.csr_read(csr::EVENT_INFO);
    // Option `fs_bank`: the kernel sets its own FS base and reads the
    // user's through UFS.
    if cfg.fs_bank {
        b.fs_write(KERNEL_FS);
        b.csr_read(ptu_arch::config::UFS);
    }
    b.retire(ENTRY + 4);
    b.transition("ERET after SYSCALL", Inputs::eret(), 0)?;
    // A page fault from user and back.
    b.transition(
        "page fault",
        Inputs::fault(vector::PF, Some(PF_ERROR), PF_ADDRESS),
        PF_ADDRESS,
    )?;
    b.csr_read(csr::EVENT_DATA);
    b.transition("ERET after the page fault", Inputs::eret(), 0)?;
    // An interrupt, and a fault nested in its handler.
    b.transition("interrupt", irq(), 0)?;
    b.retire(ENTRY + 4);
    b.transition("nested #UD", Inputs::fault(vector::UD, None, 0), 0)?;
    b.retire(ENTRY + 4);
    b.transition("framed ERET", Inputs::eret(), 0)?;
    b.transition("ERET after the interrupt", Inputs::eret(), 0)?;
    // An NMI from user, with a slower bus.
    b.mem.wait = Wait::Fixed(1);
    b.transition("NMI", nmi(), 0)?;
    b.mem.wait = Wait::Fixed(0);
    b.transition("ERET after the NMI", Inputs::eret(), 0)?;
    // To the rest state: a SYSCALL, the kernel enables interrupts and idles.
    b.transition(
        "SYSCALL to idle",
        Inputs::syscall(USER_RIP + 8),
        USER_RIP + 8,
    )?;
    b.csr_write(csr::STATUS, 1 << status::IF);
    b.retire(IDLE_RIP);
    b.idle();
    let rest = b.model.clone();
    let o = rest.outputs(&Inputs::default());
    if o.cpl != 0
        || o.rip != IDLE_RIP & cfg.xlen_mask()
        || !rest.status_bit(status::IF)
        || rest.busy()
    {
        bail!("demo sequence: the main sequence does not end at the rest state: {rest:?}");
    }
    let nmi_start = b.steps.len();

    // NMI segment: an NMI while the kernel idles (critical stack).
    b.idle();
    b.transition("NMI in the idle loop", nmi(), 0)?;
    b.retire(ENTRY_CRIT + 4);
    b.transition("ERET after the NMI in the idle loop", Inputs::eret(), 0)?;
    b.idle();
    b.expect_rest(&rest, "NMI segment")?;
    let irq_start = b.steps.len();

    // IRQ segment: an interrupt while the kernel idles (kernel stack).
    b.idle();
    b.transition("interrupt in the idle loop", irq(), 0)?;
    b.retire(ENTRY + 4);
    b.transition(
        "ERET after the interrupt in the idle loop",
        Inputs::eret(),
        0,
    )?;
    b.idle();
    b.expect_rest(&rest, "IRQ segment")?;

    Ok((
        DemoProgram {
            config: b.cfg,
            steps: b.steps,
            nmi_start,
            irq_start,
        },
        rest,
    ))
}

/// The one 64-bit value a cycle of the kernel's boot carries (0 if none):
/// the demo presents it on all six 64-bit inputs.
fn shared_value(i: &Inputs) -> Result<u64> {
    let values = [
        i.next_rip,
        i.rsp_wdata,
        i.gs_wdata,
        i.csr_wdata,
        i.exc_data,
        i.mem_rdata,
    ];
    let set: Vec<u64> = values.into_iter().filter(|v| *v != 0).collect();
    if set.windows(2).any(|w| w[0] != w[1]) {
        bail!("demo sequence: a boot cycle carries two different 64-bit values: {i:?}");
    }
    Ok(set.first().copied().unwrap_or(0))
}

fn flag_names(i: &Inputs) -> Vec<&'static str> {
    // `fs_we` (option `fs_bank`) last, named only where it is set.
    let mut v = Vec::new();
    for (on, name) in [
        (i.reset, "reset"),
        (i.retire, "retire"),
        (i.rsp_we, "rsp_we"),
        (i.gs_we, "gs_we"),
        (i.op_syscall, "op_syscall"),
        (i.op_eret, "op_eret"),
        (i.csr_re, "csr_re"),
        (i.csr_we, "csr_we"),
        (i.exc_valid, "exc_valid"),
        (i.exc_error_valid, "exc_error_valid"),
        (i.irq, "irq"),
        (i.nmi, "nmi"),
        (i.mce, "mce"),
        (i.mem_ready, "mem_ready"),
        (i.mem_err, "mem_err"),
        (i.fs_we, "fs_we"),
    ] {
        if on {
            v.push(name);
        }
    }
    v
}

/// A listing of `program`, one line per step: its index (as the demo's
/// FAIL line prints it), its marks, the inputs that are set, and every
/// expected output, with a comment line before each segment. Written next
/// to the bitstream as `demo_steps.txt`.
pub fn listing(program: &DemoProgram) -> String {
    let mut s = String::from(
        "# The board demo's replayed steps (ptu_demo::sequence::builtin). Marks: C checked,\n\
         # S a transition starts, P pause and print after this step. `data` is the value\n\
         # on all six 64-bit inputs. Expected outputs follow `=>`.\n",
    );
    if program.config.fs_bank || program.config.xlen != 64 {
        let _ = writeln!(
            s,
            "# Configuration {}{}.",
            program.config.describe(),
            if program.config.fs_bank {
                "; `data` is on fs_wdata too, and fs_base is checked"
            } else {
                ""
            }
        );
    }
    for (n, st) in program.steps.iter().enumerate() {
        for seg in Segment::ALL {
            let r = program.range(seg);
            if r.start == n {
                let button = match seg {
                    Segment::Main => "the run button, from reset",
                    Segment::Nmi => "the NMI button, from the rest state",
                    Segment::Irq => "the IRQ button, from the rest state",
                };
                let _ = writeln!(
                    s,
                    "# {}: steps 0x{:02x}..0x{:02x} ({} steps; {button})",
                    seg.name(),
                    r.start,
                    r.end - 1,
                    r.len()
                );
            }
        }
        let i = &st.inputs;
        let marks: String = [(st.check, 'C'), (st.start, 'S'), (st.print, 'P')]
            .iter()
            .map(|(on, c)| if *on { *c } else { '.' })
            .collect();
        let _ = write!(
            s,
            "0x{n:02x} {marks} [{}] data=0x{:x}",
            flag_names(i).join(" "),
            st.data() & program.config.xlen_mask()
        );
        if i.csr_re || i.csr_we {
            let _ = write!(s, " csr_addr=0x{:02x}", i.csr_addr);
        }
        if i.exc_valid {
            let _ = write!(
                s,
                " exc_vector=0x{:02x} exc_error=0x{:x}",
                i.exc_vector, i.exc_error
            );
        }
        if i.irq {
            let _ = write!(s, " irq_vector=0x{:02x}", i.irq_vector);
        }
        s.push_str(" =>");
        for (name, v) in st.expect.ports() {
            let _ = write!(s, " {name}=0x{v:x}");
        }
        if program.config.fs_bank {
            let _ = write!(s, " fs_base=0x{:x}", st.expect.fs_base);
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_program_has_its_transitions_and_fits_the_roms() {
        let p = builtin(&PtuConfig::default()).unwrap();
        let steps = &p.steps;
        let count = |seg, f: fn(&DemoStep) -> bool| p.segment(seg).iter().filter(|s| f(s)).count();
        for (seg, n) in [(Segment::Main, 12), (Segment::Nmi, 2), (Segment::Irq, 2)] {
            assert_eq!(count(seg, |s| s.print), n, "{seg:?}");
            assert_eq!(count(seg, |s| s.start), n, "{seg:?}");
            // Every transition redirects.
            assert_eq!(count(seg, |s| s.expect.redirect), n, "{seg:?}");
            assert!(!p.segment(seg).last().unwrap().print);
        }
        assert!(!steps[0].check && steps[1..].iter().all(|s| s.check));
        assert!(steps.iter().any(|s| s.expect.busy));
        assert!(steps.iter().any(|s| s.expect.csr_rdata != 0));
        // The inject segments are framed entries and ERETs, in the kernel:
        // five writes and five reads each, CPL 0 throughout.
        for seg in [Segment::Nmi, Segment::Irq] {
            let s = p.segment(seg);
            let bus = |we| {
                s.iter()
                    .filter(|s| s.expect.mem_valid && s.inputs.mem_ready && s.expect.mem_we == we)
                    .count()
            };
            assert_eq!((bus(true), bus(false)), (5, 5), "{seg:?}");
            assert!(s.iter().all(|s| s.expect.cpl == 0), "{seg:?}");
            assert!(s.iter().all(|s| !s.inputs.reset), "{seg:?}");
        }
        // The NMI's edge, and the interrupt held until acknowledged.
        let nmi = p.segment(Segment::Nmi);
        assert_eq!(nmi.iter().filter(|s| s.inputs.nmi).count(), 1);
        assert!(!nmi.last().unwrap().inputs.nmi);
        let irq = p.segment(Segment::Irq);
        let held: Vec<usize> = (0..irq.len()).filter(|&i| irq[i].inputs.irq).collect();
        let ack = irq.iter().position(|s| s.expect.irq_ack).unwrap();
        assert_eq!(held, (held[0]..=ack).collect::<Vec<_>>());
        assert!(irq[held[0]].start);
        assert!(held.iter().all(|&i| irq[i].inputs.irq_vector == IRQ_VECTOR));
        // Both segments start and end with the unit at the rest state.
        let rest = rest_state(&PtuConfig::default()).unwrap();
        let o = rest.outputs(&Inputs::default());
        assert_eq!((o.cpl, o.rip), (0, IDLE_RIP));
        assert!(rest.status_bit(status::IF));
        for seg in Segment::ALL {
            let last = p.segment(seg).last().unwrap();
            assert_eq!(last.expect, o, "{seg:?} ends at the rest state");
        }
        crate::demo_program::encode(&p, None).unwrap();
        let text = listing(&p);
        assert_eq!(text.lines().count(), steps.len() + 3 + 3);
        assert!(text.contains("0x00 ... [reset]"), "{text}");
        assert!(
            text.contains(&format!(
                "# NMI segment: steps 0x{:02x}..0x{:02x}",
                p.nmi_start,
                p.irq_start - 1
            )),
            "{text}"
        );
    }
}
