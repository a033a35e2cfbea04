//! The board demo's built-in sequence, made with the reference model.
//!
//! `ptu_rtl::board_demo::BoardDemo` replays steps from ROM and checks
//! every output against the expected values stored with them. `ptu-rtl`
//! cannot run the model (`ptu-sim` depends on it), so the steps are made
//! here, at elaboration time, and passed to the demo's constructor as
//! data: [`builtin`] runs a kernel and a core through syscall, fault,
//! interrupt, a nested fault, NMI and ERET on [`ptu_sim::model::Model`]
//! with a zero-wait memory ([`ptu_sim::bus::Memory`], one wait state for
//! the NMI frame), and records each cycle's inputs and the model's
//! outputs.

use anyhow::{bail, Result};
use ptu_arch::{csr, vector, Inputs, Outputs, PtuConfig};
use ptu_rtl::demo_program::{with_data, DemoStep};
use ptu_sim::bus::{Memory, Wait};
use ptu_sim::model::Model;
use std::fmt::Write as _;

/// The kernel's single entry point in the demo.
pub const ENTRY: u64 = 0xffff_8000_0000_1000;
/// The entry point of critical events (NMI here).
pub const ENTRY_CRIT: u64 = 0xffff_8000_0000_2000;
/// The critical stack.
pub const CSTACK: u64 = 0xffff_8000_0002_0000;
/// The kernel stack.
pub const KSTACK: u64 = 0xffff_8000_0001_0000;
/// Where the user program starts.
pub const USER_RIP: u64 = 0x40_1000;
/// The user stack.
pub const USER_RSP: u64 = 0x7fff_f000;
/// The user GS base.
pub const USER_GS: u64 = 0x7f00_0000;
/// Kernel GS base of the demo.
pub const KERNEL_GS: u64 = 0xffff_8000_0003_0000;
/// Vector of the demo's interrupt.
pub const IRQ_VECTOR: u8 = 0x20;
/// Fault address of the demo's page fault.
pub const PF_ADDRESS: u64 = 0x0000_7fff_dead_b000;
/// Error code of the demo's page fault (user, write).
pub const PF_ERROR: u32 = 0x6;

/// Records cycles of the model and the memory as demo steps.
struct Builder {
    model: Model,
    mem: Memory,
    steps: Vec<DemoStep>,
}

impl Builder {
    fn new(cfg: &PtuConfig) -> Self {
        Self {
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

    /// Present a stimulus (marked `start`), run idle cycles until the unit
    /// has redirected and idle inputs no longer change its state, and mark
    /// the last of them `print`: the demo pauses there and prints the
    /// transition.
    fn transition(&mut self, what: &str, inp: Inputs, data: u64) -> Result<()> {
        self.cycle(inp, data, true);
        let first = self.steps.len();
        for _ in 0..64 {
            let redirected = self.steps[first - 1..].iter().any(|s| s.expect.redirect);
            let mut after = self.model.clone();
            after.step(&Inputs::default());
            if redirected && after == self.model {
                self.steps.last_mut().expect("a step").print = true;
                return Ok(());
            }
            self.idle();
        }
        bail!("demo sequence: {what} did not complete within 64 cycles")
    }
}

/// The built-in sequence: boot to user, SYSCALL and back, a page fault and
/// back, an interrupt with a nested fault in its handler (framed entry and
/// framed ERET), ERET to user, an NMI from user (framed on the critical
/// stack, one wait state per word) and ERET to user. Eleven transitions;
/// the last step is idle.
pub fn builtin(cfg: &PtuConfig) -> Result<Vec<DemoStep>> {
    cfg.validate()?;
    let mut b = Builder::new(cfg);
    b.cycle(Inputs::reset(), 0, false);
    // Kernel set-up.
    for (addr, value) in [
        (csr::ENTRY, ENTRY),
        (csr::ENTRY_CRIT, ENTRY_CRIT),
        (csr::CSTACK, CSTACK),
        (csr::URIP, USER_RIP),
        (csr::URSP, USER_RSP),
        (csr::UGS, USER_GS),
    ] {
        b.csr_write(addr, value);
    }
    b.cycle(
        Inputs {
            rsp_we: true,
            ..Inputs::default()
        },
        KSTACK,
        false,
    );
    b.cycle(
        Inputs {
            gs_we: true,
            ..Inputs::default()
        },
        KERNEL_GS,
        false,
    );
    b.transition("ERET to user", Inputs::eret(), 0)?;
    // SYSCALL and back.
    b.retire(USER_RIP + 4);
    b.transition("SYSCALL", Inputs::syscall(USER_RIP + 6), USER_RIP + 6)?;
    b.csr_read(csr::EVENT_INFO);
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
    b.transition(
        "interrupt",
        Inputs {
            irq: true,
            irq_vector: IRQ_VECTOR,
            ..Inputs::default()
        },
        0,
    )?;
    b.retire(ENTRY + 4);
    b.transition("nested #UD", Inputs::fault(vector::UD, None, 0), 0)?;
    b.retire(ENTRY + 4);
    b.transition("framed ERET", Inputs::eret(), 0)?;
    b.transition("ERET after the interrupt", Inputs::eret(), 0)?;
    // An NMI from user, with a slower bus.
    b.mem.wait = Wait::Fixed(1);
    b.transition(
        "NMI",
        Inputs {
            nmi: true,
            ..Inputs::default()
        },
        0,
    )?;
    b.mem.wait = Wait::Fixed(0);
    b.transition("ERET after the NMI", Inputs::eret(), 0)?;
    b.idle();
    Ok(b.steps)
}

fn flag_names(i: &Inputs) -> Vec<&'static str> {
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
    ] {
        if on {
            v.push(name);
        }
    }
    v
}

/// A listing of `steps`, one line per step: its index (as the demo's
/// FAIL line prints it), its marks, the inputs that are set, and every
/// expected output. Written next to the bitstream as `demo_steps.txt`.
pub fn listing(steps: &[DemoStep]) -> String {
    let mut s = String::from(
        "# The board demo's replayed steps (ptu_synth::demo::builtin). Marks: C checked,\n\
         # S a transition starts, P pause and print after this step. `data` is the value\n\
         # on all six 64-bit inputs. Expected outputs follow `=>`.\n",
    );
    for (n, st) in steps.iter().enumerate() {
        let i = &st.inputs;
        let marks: String = [(st.check, 'C'), (st.start, 'S'), (st.print, 'P')]
            .iter()
            .map(|(on, c)| if *on { *c } else { '.' })
            .collect();
        let _ = write!(
            s,
            "0x{n:02x} {marks} [{}] data=0x{:x}",
            flag_names(i).join(" "),
            st.data()
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
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_sequence_has_eleven_transitions_and_fits_the_roms() {
        let steps = builtin(&PtuConfig::default()).unwrap();
        assert_eq!(steps.iter().filter(|s| s.print).count(), 11);
        assert_eq!(steps.iter().filter(|s| s.start).count(), 11);
        assert!(!steps[0].check && steps[1..].iter().all(|s| s.check));
        assert!(!steps.last().unwrap().print);
        // Every transition redirects; framed ones take 1 + 5 cycles.
        assert_eq!(steps.iter().filter(|s| s.expect.redirect).count(), 11);
        assert!(steps.iter().any(|s| s.expect.busy));
        assert!(steps.iter().any(|s| s.expect.csr_rdata != 0));
        ptu_rtl::demo_program::encode(&steps, None).unwrap();
        let text = listing(&steps);
        assert_eq!(text.lines().count(), steps.len() + 3);
        assert!(text.contains("0x00 ... [reset]"), "{text}");
    }
}
