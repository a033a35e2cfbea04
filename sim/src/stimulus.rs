//! A random core: legal random inputs for the unit, cycle by cycle.
//!
//! Every cycle obeys SPEC "What a core presents in one cycle": at most one
//! of `op_syscall`, `op_eret`, a CSR access, `exc_valid`; `retire` only
//! alone or with a CSR access, `rsp_we`, `gs_we`; never with `op_syscall`,
//! `op_eret` or `exc_valid`. `irq` is a level that stays high a while and
//! usually drops after `irq_ack`; `nmi`/`mce` are rare short pulses.
//! After every reset the core first writes the entry points and stacks so
//! that frames land on sane, 8-aligned stacks, then runs random kernel and
//! user code. The bus inputs (`mem_ready`, `mem_rdata`, `mem_err`) are
//! left 0 for a [`crate::bus::Memory`] to fill.
//!
//! The core follows the unit's configuration ([`RandomCore::for_unit`]):
//! with `xlen = 32` every XLEN-wide input is a 32-bit value; with
//! `irq_entry` the setup writes ENTRY_IRQ; with `fs_bank` it writes UFS
//! and the kernel FS base, and instructions come with `fs_we` now and
//! then; CSR accesses pick among the configuration's CSRs (EVENT_INFO_H
//! with `xlen = 32`). For the default configuration the sequence is the
//! one [`RandomCore::new`] always gave: the options draw random numbers
//! only when they are on.

use crate::bus::rng::Rng;
use ptu_arch::config::{ENTRY_IRQ, UFS};
use ptu_arch::{csr, Inputs, Outputs, PtuConfig, CPL_USER};
use std::collections::VecDeque;

/// Probabilities of the random core, per cycle unless said otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct RandomCoreConfig {
    /// Assert `reset` (for 1..=3 cycles). Default 0: never.
    pub reset_prob: f64,
    /// Assert `reset` while `shutdown` is seen. Default 0: never.
    pub shutdown_reset_prob: f64,
    /// Raise `irq` (with a random vector 32..=255) when it is low.
    pub irq_raise_prob: f64,
    /// Drop `irq` in a cycle where `irq_ack` is seen.
    pub irq_drop_after_ack_prob: f64,
    /// Drop `irq` without an acknowledge.
    pub irq_drop_prob: f64,
    /// Start an `nmi` pulse (1..=4 cycles high).
    pub nmi_prob: f64,
    /// Start an `mce` pulse (1..=4 cycles high).
    pub mce_prob: f64,
    /// Kernel: CSR access / ERET / SYSCALL / fault.
    pub kernel_csr_prob: f64,
    pub kernel_eret_prob: f64,
    pub kernel_syscall_prob: f64,
    pub kernel_exc_prob: f64,
    /// User: CSR access (#GP) / ERET (#GP) / SYSCALL / fault.
    pub user_csr_prob: f64,
    pub user_eret_prob: f64,
    pub user_syscall_prob: f64,
    pub user_exc_prob: f64,
    /// Fraction of CSR accesses to a random (usually unknown) address.
    pub bad_csr_addr_prob: f64,
    /// `rsp_we` / `gs_we` along with an instruction.
    pub rsp_we_prob: f64,
    pub gs_we_prob: f64,
    /// Cycles without any instruction input (a pipeline bubble).
    pub bubble_prob: f64,
    /// While `busy`/`shutdown`: present a fresh random instruction instead
    /// of holding the previous cycle's inputs (both are ignored).
    pub busy_fresh_prob: f64,
}

impl Default for RandomCoreConfig {
    fn default() -> Self {
        RandomCoreConfig {
            reset_prob: 0.0,
            shutdown_reset_prob: 0.0,
            irq_raise_prob: 0.01,
            irq_drop_after_ack_prob: 0.8,
            irq_drop_prob: 0.002,
            nmi_prob: 0.001,
            mce_prob: 0.0005,
            kernel_csr_prob: 0.15,
            kernel_eret_prob: 0.08,
            kernel_syscall_prob: 0.005,
            kernel_exc_prob: 0.01,
            user_csr_prob: 0.004,
            user_eret_prob: 0.002,
            user_syscall_prob: 0.02,
            user_exc_prob: 0.01,
            bad_csr_addr_prob: 0.03,
            rsp_we_prob: 0.02,
            gs_we_prob: 0.02,
            bubble_prob: 0.2,
            busy_fresh_prob: 0.5,
        }
    }
}

/// Kernel stacks live below this address; CSTACK below `CRIT_STACK_BASE`,
/// user stacks below `USER_STACK_BASE`. All 8-aligned.
const KERNEL_STACK_BASE: u64 = 0xffff_8000_0010_0000;
const CRIT_STACK_BASE: u64 = 0xffff_8000_0020_0000;
const USER_STACK_BASE: u64 = 0x0000_7fff_0000_0000;

/// The random core. Deterministic for a given seed and sequence of outputs.
#[derive(Clone, Debug)]
pub struct RandomCore {
    pub cfg: RandomCoreConfig,
    rng: Rng,
    /// CSR writes and stack writes still to do after reset.
    setup: VecDeque<Inputs>,
    irq: bool,
    irq_vector: u8,
    nmi_left: u32,
    mce_left: u32,
    reset_left: u32,
    /// The instruction inputs of the previous cycle (held while stalled).
    last: Inputs,
    /// The unit's configuration, whose inputs and CSRs this core uses.
    unit: PtuConfig,
    /// Its CSRs' addresses (`csr::TABLE`'s and the options').
    csrs: Vec<u8>,
}

impl RandomCore {
    /// A core with the default probabilities (never resets).
    pub fn new(seed: u64) -> Self {
        Self::with_config(seed, RandomCoreConfig::default())
    }

    /// A core with the given probabilities.
    pub fn with_config(seed: u64, cfg: RandomCoreConfig) -> Self {
        Self::for_unit(seed, cfg, &PtuConfig::default())
    }

    /// A core with the given probabilities for a unit configured as
    /// `unit`: its widths, its CSRs, its option inputs.
    pub fn for_unit(seed: u64, cfg: RandomCoreConfig, unit: &PtuConfig) -> Self {
        let mut c = RandomCore {
            unit: *unit,
            csrs: unit.csrs().iter().map(|c| c.addr).collect(),
            cfg,
            rng: Rng::new(seed),
            setup: VecDeque::new(),
            irq: false,
            irq_vector: 32,
            nmi_left: 0,
            mce_left: 0,
            reset_left: 0,
            last: Inputs::default(),
        };
        c.plan_setup();
        c
    }

    /// The kernel's first instructions after reset: entry points, the
    /// critical stack, the kernel RSP and GS, and the user copies.
    fn plan_setup(&mut self) {
        let r = &mut self.rng;
        let entry = 0xffff_ffff_8000_0000 + 16 * r.below(0x1000);
        let entry_crit = 0xffff_ffff_8010_0000 + 16 * r.below(0x1000);
        let cstack = CRIT_STACK_BASE - 8 * r.below(0x100);
        let kstack = KERNEL_STACK_BASE - 8 * r.below(0x100);
        let ustack = USER_STACK_BASE - 8 * r.below(0x1000);
        let urip = 0x40_0000 + 4 * r.below(0x1000);
        let ugs = r.next_u64();
        let kgs = r.next_u64();
        // next_rip is filled in when the instruction is presented.
        let csr_w = |addr, v| Inputs {
            retire: true,
            csr_we: true,
            csr_addr: addr,
            csr_wdata: v,
            ..Inputs::default()
        };
        let mut plan = vec![
            csr_w(csr::ENTRY, entry),
            csr_w(csr::ENTRY_CRIT, entry_crit),
            csr_w(csr::CSTACK, cstack),
            csr_w(csr::URIP, urip),
            csr_w(csr::URSP, ustack),
            csr_w(csr::UGS, ugs),
        ];
        let (irq_entry, fs_bank) = (self.unit.irq_entry, self.unit.fs_bank);
        let (entry_irq, ufs, kfs) = (
            irq_entry.then(|| 0xffff_ffff_8020_0000 + 16 * r.below(0x1000)),
            fs_bank.then(|| r.next_u64()),
            fs_bank.then(|| r.next_u64()),
        );
        if let Some(e) = entry_irq {
            plan.push(csr_w(ENTRY_IRQ, e));
        }
        if let Some(u) = ufs {
            plan.push(csr_w(UFS, u));
        }
        plan.push(Inputs {
            retire: true,
            rsp_we: true,
            rsp_wdata: kstack,
            gs_we: true,
            gs_wdata: kgs,
            fs_we: kfs.is_some(),
            fs_wdata: kfs.unwrap_or(0),
            ..Inputs::default()
        });
        self.setup = plan.into();
    }

    /// The inputs for the current cycle, given the unit's outputs in this
    /// cycle. Only the state-only outputs are read (`csr_rdata` is not),
    /// so `out` may come from `Model::outputs(&Inputs::default())`. The bus
    /// fields are left 0.
    pub fn next(&mut self, out: &Outputs) -> Inputs {
        let inp = self.next_wide(out);
        self.to_width(inp)
    }

    /// The inputs as the unit's ports carry them: XLEN-wide values cut to
    /// `xlen` bits (the identity with 64).
    fn to_width(&self, mut i: Inputs) -> Inputs {
        let m = self.unit.xlen_mask();
        for v in [
            &mut i.next_rip,
            &mut i.rsp_wdata,
            &mut i.gs_wdata,
            &mut i.fs_wdata,
            &mut i.csr_wdata,
            &mut i.exc_data,
        ] {
            *v &= m;
        }
        i
    }

    /// [`RandomCore::next`] before the cut to `xlen`.
    fn next_wide(&mut self, out: &Outputs) -> Inputs {
        let mut inp = self.instruction(out);
        self.last = inp;

        // irq: a level, usually dropped once acknowledged.
        if self.irq {
            if (out.irq_ack && self.rng.chance(self.cfg.irq_drop_after_ack_prob))
                || self.rng.chance(self.cfg.irq_drop_prob)
            {
                self.irq = false;
            }
        } else if self.rng.chance(self.cfg.irq_raise_prob) {
            self.irq = true;
            self.irq_vector = self.rng.range(32, 255) as u8;
        }
        inp.irq = self.irq;
        inp.irq_vector = if self.irq {
            self.irq_vector
        } else {
            self.rng.next_u64() as u8
        };

        // nmi / mce: rare pulses.
        for (left, p) in [
            (&mut self.nmi_left, self.cfg.nmi_prob),
            (&mut self.mce_left, self.cfg.mce_prob),
        ] {
            if *left > 0 {
                *left -= 1;
            } else if self.rng.chance(p) {
                *left = self.rng.range(1, 4) as u32;
            }
        }
        inp.nmi = self.nmi_left > 0;
        inp.mce = self.mce_left > 0;

        // reset: rare, 1..=3 cycles; the setup runs again afterwards.
        if self.reset_left == 0
            && (self.rng.chance(self.cfg.reset_prob)
                || (out.shutdown && self.rng.chance(self.cfg.shutdown_reset_prob)))
        {
            self.reset_left = self.rng.range(1, 3) as u32;
        }
        if self.reset_left > 0 {
            self.reset_left -= 1;
            inp.reset = true;
            self.plan_setup();
        }
        inp
    }

    /// The instruction inputs of this cycle.
    fn instruction(&mut self, out: &Outputs) -> Inputs {
        if out.busy || out.shutdown {
            // Stalled: hold the instruction, or (equally legal, since the
            // unit ignores it) present another one.
            if !self.rng.chance(self.cfg.busy_fresh_prob) {
                return self.last;
            }
            return self.random_instruction(out);
        }
        if out.cpl == CPL_USER {
            self.setup.clear();
        } else if let Some(mut s) = self.setup.pop_front() {
            s.next_rip = out.rip.wrapping_add(4);
            return s;
        }
        self.random_instruction(out)
    }

    /// An aligned stack value near `rsp`, or a fresh one in the region.
    fn stack_value(&mut self, rsp: u64, base: u64) -> u64 {
        if !rsp.is_multiple_of(8) || self.rng.chance(0.2) {
            base - 8 * self.rng.below(0x200)
        } else {
            let d = 8 * self.rng.below(8);
            if self.rng.coin() {
                rsp.wrapping_sub(d)
            } else {
                rsp.wrapping_add(d)
            }
        }
    }

    /// One random legal instruction for the current level.
    fn random_instruction(&mut self, out: &Outputs) -> Inputs {
        let user = out.cpl == CPL_USER;
        let c = &self.cfg;
        let (p_csr, p_eret, p_sys, p_exc) = if user {
            (
                c.user_csr_prob,
                c.user_eret_prob,
                c.user_syscall_prob,
                c.user_exc_prob,
            )
        } else {
            (
                c.kernel_csr_prob,
                c.kernel_eret_prob,
                c.kernel_syscall_prob,
                c.kernel_exc_prob,
            )
        };
        let (p_bubble, p_rsp, p_gs, p_bad) = (
            c.bubble_prob,
            c.rsp_we_prob,
            c.gs_we_prob,
            c.bad_csr_addr_prob,
        );
        let r = &mut self.rng;
        let next_rip = if r.chance(0.05) {
            r.next_u64() & !3
        } else {
            out.rip.wrapping_add(4)
        };
        let mut inp = Inputs {
            next_rip,
            // Junk on data inputs that are not enabled.
            rsp_wdata: r.next_u64(),
            gs_wdata: r.next_u64(),
            csr_addr: r.next_u64() as u8,
            csr_wdata: r.next_u64(),
            exc_vector: r.next_u64() as u8,
            exc_error: r.next_u64() as u32,
            exc_data: r.next_u64(),
            ..Inputs::default()
        };
        let mut x = r.unit();
        if x < p_eret {
            inp.op_eret = true;
            return inp;
        }
        x -= p_eret;
        if x < p_sys {
            inp.op_syscall = true;
            return inp;
        }
        x -= p_sys;
        if x < p_exc {
            inp.exc_valid = true;
            inp.exc_vector = r.pick(&[0u8, 6, 13, 14, 14, 14, 3, 1]);
            if r.chance(0.1) {
                inp.exc_vector = r.next_u64() as u8;
            }
            inp.exc_error_valid = r.coin();
            if r.coin() {
                inp.exc_data &= !7;
            }
            return inp;
        }
        x -= p_exc;
        if x < p_csr {
            let (re, we) = match r.below(3) {
                0 => (true, false),
                1 => (false, true),
                _ => (true, true),
            };
            inp.csr_re = re;
            inp.csr_we = we;
            inp.csr_addr = if r.chance(p_bad) {
                r.next_u64() as u8
            } else {
                r.pick(&self.csrs)
            };
            // Writes to the read-only CSRs (#GP) only now and then.
            let read_only = self
                .unit
                .csr(inp.csr_addr)
                .is_some_and(|c| !c.access.writable());
            if we && read_only && r.chance(0.8) {
                inp.csr_addr = r.pick(&[csr::ENTRY, csr::STATUS, csr::URIP, csr::URSP, csr::UGS]);
            }
            inp.csr_wdata = match inp.csr_addr {
                csr::CSTACK => CRIT_STACK_BASE - 8 * r.below(0x200),
                csr::URSP => USER_STACK_BASE - 8 * r.below(0x1000),
                csr::STATUS => r.below(0x40),
                csr::ENTRY | csr::ENTRY_CRIT | csr::URIP => r.next_u64() & !3,
                ENTRY_IRQ if self.unit.irq_entry => r.next_u64() & !3,
                _ => r.next_u64(),
            };
            inp.retire = r.chance(0.9);
        } else if r.chance(p_bubble) {
            return inp;
        } else {
            inp.retire = true;
        }
        // rsp_we / gs_we along with the instruction (or alone).
        if self.rng.chance(p_rsp) || (!user && !out.rsp.is_multiple_of(8) && self.rng.chance(0.2)) {
            let base = if user {
                USER_STACK_BASE
            } else {
                KERNEL_STACK_BASE
            };
            inp.rsp_we = true;
            inp.rsp_wdata = self.stack_value(out.rsp, base);
        }
        if self.rng.chance(p_gs) {
            inp.gs_we = true;
        }
        if self.unit.fs_bank && self.rng.chance(p_gs) {
            inp.fs_we = true;
            inp.fs_wdata = self.rng.next_u64();
        }
        inp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn legal(i: &Inputs) -> bool {
        let ops = [i.op_syscall, i.op_eret, i.csr_re || i.csr_we, i.exc_valid];
        ops.iter().filter(|&&b| b).count() <= 1
            && !(i.retire && (i.op_syscall || i.op_eret || i.exc_valid))
            && !i.mem_ready
            && !i.mem_err
            && i.mem_rdata == 0
    }

    #[test]
    fn always_legal_and_deterministic() {
        let cfg = RandomCoreConfig {
            reset_prob: 0.001,
            ..RandomCoreConfig::default()
        };
        let mut a = RandomCore::with_config(9, cfg.clone());
        let mut b = RandomCore::with_config(9, cfg);
        let outs = [
            Outputs::default(),
            Outputs {
                cpl: 3,
                rip: 0x1000,
                ..Outputs::default()
            },
            Outputs {
                busy: true,
                mem_valid: true,
                ..Outputs::default()
            },
            Outputs {
                shutdown: true,
                ..Outputs::default()
            },
        ];
        let mut kinds = [0u32; 6];
        for n in 0..100_000 {
            let o = outs[(n / 7) % outs.len()];
            let x = a.next(&o);
            assert_eq!(x, b.next(&o));
            assert!(legal(&x), "{x:?}");
            kinds[0] += x.op_syscall as u32;
            kinds[1] += x.op_eret as u32;
            kinds[2] += (x.csr_re || x.csr_we) as u32;
            kinds[3] += x.exc_valid as u32;
            kinds[4] += x.reset as u32;
            kinds[5] += x.nmi as u32;
        }
        assert!(kinds.iter().all(|&k| k > 0), "{kinds:?}");
    }

    #[test]
    fn setup_runs_first_in_kernel() {
        let mut c = RandomCore::new(1);
        let o = Outputs::default();
        let first: Vec<Inputs> = (0..7).map(|_| c.next(&o)).collect();
        let addrs: Vec<u8> = first
            .iter()
            .filter(|i| i.csr_we)
            .map(|i| i.csr_addr)
            .collect();
        assert_eq!(
            addrs,
            vec![
                csr::ENTRY,
                csr::ENTRY_CRIT,
                csr::CSTACK,
                csr::URIP,
                csr::URSP,
                csr::UGS
            ]
        );
        assert!(first[6].rsp_we && first[6].rsp_wdata.is_multiple_of(8));
    }
}
