//! Built-in scenarios: short programs of a kernel and a core, run on the
//! rust-hdl design in lockstep with the reference model, each writing a
//! VCD. They are the main job's demonstration runs; the directed tests in
//! `sim/tests/` check the same paths with explicit expectations.

use crate::bench::Bench;
use anyhow::{bail, Context, Result};
use ptu_arch::{csr, vector, Inputs, Outputs, PtuConfig};
use std::path::{Path, PathBuf};

/// Kernel addresses used by the scenarios.
pub const ENTRY: u64 = 0xffff_8000_0000_1000;
pub const ENTRY_CRIT: u64 = 0xffff_8000_0000_2000;
pub const CSTACK: u64 = 0xffff_8000_0002_0000;
pub const KSTACK: u64 = 0xffff_8000_0001_0000;
pub const USER_RIP: u64 = 0x40_1000;
pub const USER_RSP: u64 = 0x7fff_f000;
pub const USER_GS: u64 = 0x7f00_0000;

/// A scenario: its name, what it shows, and its program.
pub struct Scenario {
    pub name: &'static str,
    pub about: &'static str,
    run: fn(&mut Driver) -> Result<()>,
}

/// All built-in scenarios.
pub fn all() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "syscall-roundtrip",
            about: "user SYSCALL into the kernel and unframed ERET back (1 cycle each)",
            run: syscall_roundtrip,
        },
        Scenario {
            name: "nested-framed",
            about: "a page fault inside the SYSCALL handler: framed entry and framed ERET",
            run: nested_framed,
        },
        Scenario {
            name: "nmi-mce",
            about: "NMI from user on the critical stack, a machine check nested inside it",
            run: nmi_mce,
        },
        Scenario {
            name: "double-fault",
            about: "a bus error while pushing a frame becomes a double fault",
            run: double_fault,
        },
    ]
}

/// Find a scenario by name.
pub fn find(name: &str) -> Result<Scenario> {
    let names: Vec<_> = all().iter().map(|s| s.name).collect();
    all().into_iter().find(|s| s.name == name).with_context(|| {
        format!(
            "unknown scenario '{name}': choose one of {}",
            names.join(", ")
        )
    })
}

/// What a scenario run saw.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub cycles: u64,
    pub redirects: u64,
    pub bus_accesses: usize,
    pub vcd: Option<PathBuf>,
}

impl Scenario {
    /// Run on the design and the model; the VCD is `<dir>/<name>.vcd`.
    pub fn run(&self, dir: &Path) -> Result<Outcome> {
        let vcd = dir.join(format!("{}.vcd", self.name));
        let mut d = Driver {
            bench: Bench::traced(&vcd, &PtuConfig::default())?,
            redirects: 0,
        };
        (self.run)(&mut d).with_context(|| format!("scenario {}", self.name))?;
        let cycles = d.bench.cycles();
        let bus_accesses = d.bench.mem.log.len();
        let redirects = d.redirects;
        let vcd = d.bench.finish()?;
        Ok(Outcome {
            cycles,
            redirects,
            bus_accesses,
            vcd,
        })
    }
}

/// Drives a bench and counts what it sees.
pub struct Driver {
    bench: Bench,
    redirects: u64,
}

impl Driver {
    fn cycle(&mut self, inp: Inputs) -> Result<Outputs> {
        let o = self.bench.cycle(inp)?;
        self.redirects += o.redirect as u64;
        Ok(o)
    }

    fn idle(&mut self, n: usize) -> Result<()> {
        for _ in 0..n {
            self.cycle(Inputs::default())?;
        }
        Ok(())
    }

    /// Idle until the unit is not busy, then one more cycle.
    fn settle(&mut self) -> Result<()> {
        for _ in 0..100 {
            if !self.bench.now()?.busy {
                return self.idle(1);
            }
            self.cycle(Inputs::default())?;
        }
        bail!("the unit stayed busy for 100 cycles")
    }

    fn expect(&mut self, what: &str, ok: impl Fn(&Outputs) -> bool) -> Result<()> {
        let o = self.bench.now()?;
        if !ok(&o) {
            bail!(
                "expected {what} at cycle {}, outputs {o:?}",
                self.bench.cycles()
            );
        }
        Ok(())
    }

    fn csr_write(&mut self, addr: u8, value: u64) -> Result<()> {
        self.cycle(Inputs::csr_write(addr, value)).map(drop)
    }

    fn retire(&mut self, next_rip: u64) -> Result<()> {
        self.cycle(Inputs::retire(next_rip)).map(drop)
    }

    fn syscall(&mut self, next_rip: u64) -> Result<()> {
        self.cycle(Inputs::syscall(next_rip)).map(drop)
    }

    fn eret(&mut self) -> Result<()> {
        self.cycle(Inputs::eret()).map(drop)
    }

    /// Reset, kernel set-up, and the first ERET to user.
    fn boot_to_user(&mut self) -> Result<()> {
        self.cycle(Inputs::reset())?;
        for (addr, value) in [
            (csr::ENTRY, ENTRY),
            (csr::ENTRY_CRIT, ENTRY_CRIT),
            (csr::CSTACK, CSTACK),
            (csr::URIP, USER_RIP),
            (csr::URSP, USER_RSP),
            (csr::UGS, USER_GS),
        ] {
            self.csr_write(addr, value)?;
        }
        self.cycle(Inputs {
            rsp_we: true,
            rsp_wdata: KSTACK,
            ..Inputs::default()
        })?;
        self.eret()?;
        self.expect("user mode", |o| o.cpl == 3 && o.rip == USER_RIP)?;
        self.idle(1)
    }
}

fn syscall_roundtrip(d: &mut Driver) -> Result<()> {
    d.boot_to_user()?;
    d.retire(USER_RIP + 4)?;
    d.syscall(USER_RIP + 6)?;
    d.expect("kernel at ENTRY", |o| {
        o.cpl == 0 && o.rip == ENTRY && o.rsp == KSTACK
    })?;
    d.retire(ENTRY + 4)?;
    d.retire(ENTRY + 8)?;
    d.eret()?;
    d.expect("back in user after SYSCALL", |o| {
        o.cpl == 3 && o.rip == USER_RIP + 6
    })?;
    d.idle(2)
}

fn nested_framed(d: &mut Driver) -> Result<()> {
    d.boot_to_user()?;
    d.syscall(USER_RIP + 2)?;
    d.retire(ENTRY + 4)?;
    d.cycle(Inputs::fault(vector::PF, Some(0x2), 0xdead_0000))?;
    d.settle()?;
    d.expect("page-fault handler", |o| {
        o.rip == ENTRY && o.rsp == KSTACK - 40
    })?;
    d.retire(ENTRY + 4)?;
    d.eret()?;
    d.settle()?;
    d.expect("back in the SYSCALL handler", |o| {
        o.cpl == 0 && o.rsp == KSTACK
    })?;
    d.eret()?;
    d.expect("back in user", |o| o.cpl == 3 && o.rip == USER_RIP + 2)?;
    d.idle(2)
}

fn nmi_mce(d: &mut Driver) -> Result<()> {
    d.boot_to_user()?;
    d.cycle(Inputs {
        nmi: true,
        ..Inputs::default()
    })?;
    d.idle(1)?;
    d.settle()?;
    d.expect("NMI handler on the critical stack", |o| {
        o.rip == ENTRY_CRIT && o.rsp == CSTACK - 40
    })?;
    d.cycle(Inputs {
        mce: true,
        ..Inputs::default()
    })?;
    d.idle(1)?;
    d.settle()?;
    d.expect("machine check nested below the NMI frame", |o| {
        o.rsp == CSTACK - 80
    })?;
    d.eret()?;
    d.settle()?;
    d.eret()?;
    d.settle()?;
    d.expect("back in user", |o| o.cpl == 3 && o.rip == USER_RIP)?;
    d.idle(1)
}

fn double_fault(d: &mut Driver) -> Result<()> {
    d.boot_to_user()?;
    d.syscall(USER_RIP + 2)?;
    d.bench.mem.error_at = vec![1];
    d.cycle(Inputs::fault(vector::UD, None, 0))?;
    d.settle()?;
    d.expect("double-fault handler", |o| {
        o.rip == ENTRY_CRIT && (o.event_info >> 8) as u8 == vector::DF
    })?;
    d.idle(1)
}
