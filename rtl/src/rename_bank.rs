//! The rename bank: a kernel and a user copy of RIP, RSP and GS base,
//! and the privilege level that selects which copy the core sees.
//!
//! SPEC.md, "Why it exists": rsp, rip and the GS base are renamed by
//! privilege level, so there is no SYSCALL gap: in the same edge that CPL
//! becomes 0, the outputs show the kernel's copies.
//!
//! The bank holds no policy: each copy's write enable comes complete from
//! the top (`ptu.rs`), which writes the level into it, so an instruction
//! reaches only the current level's copy. The bank chooses the value a
//! write takes, from registers only: the instruction's, or for the user
//! copies the CSR write's (kernel mode), and for the kernel RIP and RSP
//! an entry's or a return's (during a transfer, or an entry from user).

use crate::primitives::{Reg, RegPair};
use ptu_arch::{csr, PtuConfig, CPL_KERNEL, CPL_USER};
use rust_hdl::prelude::*;

/// Kernel and user copies of RIP, RSP and GS base, and CPL.
#[derive(LogicBlock)]
pub struct RenameBank<const XLEN: usize = 64> {
    /// Clock of every register.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high.
    pub reset: Signal<In, Bit>,
    /// Write the kernel RIP: retire in kernel mode (`next_rip`), or an
    /// entry or return (`krip_value`).
    pub krip_we: Signal<In, Bit>,
    /// Write the user RIP: retire or SYSCALL in user mode (`next_rip`), or
    /// a kernel CSR write of URIP (`csr_wdata`).
    pub urip_we: Signal<In, Bit>,
    /// Write the kernel RSP: `rsp_we` in kernel mode (`rsp_wdata`), or a
    /// frame pushed or popped (`krsp_value`).
    pub krsp_we: Signal<In, Bit>,
    /// Write the user RSP: `rsp_we` in user mode, or a CSR write of URSP.
    pub ursp_we: Signal<In, Bit>,
    /// Write the kernel GS base: `gs_we` in kernel mode.
    pub kgs_we: Signal<In, Bit>,
    /// Write the user GS base: `gs_we` in user mode, or a CSR write of UGS.
    pub ugs_we: Signal<In, Bit>,
    /// Address of the next instruction.
    pub next_rip: Signal<In, Bits<XLEN>>,
    /// The instruction's RSP value.
    pub rsp_wdata: Signal<In, Bits<XLEN>>,
    /// The instruction's GS base value.
    pub gs_wdata: Signal<In, Bits<XLEN>>,
    /// Value for the CSR writes.
    pub csr_wdata: Signal<In, Bits<XLEN>>,
    /// A frame transfer runs: the kernel RIP and RSP are written only by
    /// the entry or return it ends, never by an instruction, so this
    /// register chooses their write data.
    pub busy: Signal<In, Bit>,
    /// The kernel RIP of an entry or return.
    pub krip_value: Signal<In, Bits<XLEN>>,
    /// The kernel RSP of a frame pushed or popped.
    pub krsp_value: Signal<In, Bits<XLEN>>,
    /// Change the privilege level.
    pub cpl_load: Signal<In, Bit>,
    /// New level for `cpl_load`: 1 for user, 0 for kernel.
    pub cpl_user: Signal<In, Bit>,
    /// Current privilege level (0 or 3).
    pub cpl: Signal<Out, Bits<2>>,
    /// The unit is in user mode.
    pub user: Signal<Out, Bit>,
    /// RIP of the current level.
    pub rip: Signal<Out, Bits<XLEN>>,
    /// RSP of the current level.
    pub rsp: Signal<Out, Bits<XLEN>>,
    /// GS base of the current level.
    pub gs_base: Signal<Out, Bits<XLEN>>,
    /// The kernel copy of RIP.
    pub kernel_rip: Signal<Out, Bits<XLEN>>,
    /// The kernel copy of RSP.
    pub kernel_rsp: Signal<Out, Bits<XLEN>>,
    /// The user copy of RIP (URIP).
    pub user_rip: Signal<Out, Bits<XLEN>>,
    /// The user copy of RSP (URSP).
    pub user_rsp: Signal<Out, Bits<XLEN>>,
    /// The user copy of GS base (UGS).
    pub user_gs: Signal<Out, Bits<XLEN>>,
    cpl_kernel: Constant<Bits<2>>,
    cpl_user_value: Constant<Bits<2>>,
    /// The kernel and user copies of RIP.
    rip_copies: RegPair<XLEN>,
    /// The kernel and user copies of RSP.
    rsp_copies: RegPair<XLEN>,
    /// The kernel and user copies of GS base.
    gs_copies: RegPair<XLEN>,
    /// The privilege level: user (CPL 3) when high, kernel (CPL 0) when low.
    user_mode: Reg<Bit>,
}

impl<const XLEN: usize> RenameBank<XLEN> {
    /// A bank whose kernel RIP resets to `cfg.reset_rip`.
    pub fn new(cfg: &PtuConfig) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            krip_we: Default::default(),
            urip_we: Default::default(),
            krsp_we: Default::default(),
            ursp_we: Default::default(),
            kgs_we: Default::default(),
            ugs_we: Default::default(),
            next_rip: Default::default(),
            rsp_wdata: Default::default(),
            gs_wdata: Default::default(),
            csr_wdata: Default::default(),
            busy: Default::default(),
            krip_value: Default::default(),
            krsp_value: Default::default(),
            cpl_load: Default::default(),
            cpl_user: Default::default(),
            cpl: Default::default(),
            user: Default::default(),
            rip: Default::default(),
            rsp: Default::default(),
            gs_base: Default::default(),
            kernel_rip: Default::default(),
            kernel_rsp: Default::default(),
            user_rip: Default::default(),
            user_rsp: Default::default(),
            user_gs: Default::default(),
            cpl_kernel: Constant::new((CPL_KERNEL as u64).into()),
            cpl_user_value: Constant::new((CPL_USER as u64).into()),
            rip_copies: RegPair::new(cfg.reset_rip, csr::get(csr::URIP).reset),
            rsp_copies: RegPair::new(0, csr::get(csr::URSP).reset),
            gs_copies: RegPair::new(0, csr::get(csr::UGS).reset),
            user_mode: Reg::new(false),
        }
    }
}

impl<const XLEN: usize> Logic for RenameBank<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, rip_copies, rsp_copies, gs_copies, user_mode);
        self.rip_copies.reset.next = self.reset.val();
        self.rsp_copies.reset.next = self.reset.val();
        self.gs_copies.reset.next = self.reset.val();
        self.user_mode.reset.next = self.reset.val();
        // RIP: the instruction's value is `next_rip`. The kernel copy
        // takes `krip_value` during a transfer or in user mode (an entry
        // from user), the user copy the CSR value in kernel mode: values
        // chosen by registers, not by the enables (which wait for the
        // decision).
        self.rip_copies.wdata.next = self.next_rip.val();
        self.rip_copies.kernel_we.next = self.krip_we.val();
        self.rip_copies.kernel_wdata.next = self.krip_value.val();
        self.rip_copies.kernel_sel.next = self.busy.val() | self.user_mode.q.val();
        self.rip_copies.user_we.next = self.urip_we.val();
        self.rip_copies.user_wdata.next = self.csr_wdata.val();
        self.rip_copies.user_sel.next = !self.user_mode.q.val();
        // RSP: the instruction's write; a pushed or popped frame's (during
        // a transfer) the kernel copy; URSP the user copy.
        self.rsp_copies.wdata.next = self.rsp_wdata.val();
        self.rsp_copies.kernel_we.next = self.krsp_we.val();
        self.rsp_copies.kernel_wdata.next = self.krsp_value.val();
        self.rsp_copies.kernel_sel.next = self.busy.val();
        self.rsp_copies.user_we.next = self.ursp_we.val();
        self.rsp_copies.user_wdata.next = self.csr_wdata.val();
        self.rsp_copies.user_sel.next = !self.user_mode.q.val();
        // GS base: the instruction's write; UGS the user copy.
        self.gs_copies.wdata.next = self.gs_wdata.val();
        self.gs_copies.kernel_we.next = self.kgs_we.val();
        self.gs_copies.kernel_wdata.next = self.gs_wdata.val();
        self.gs_copies.kernel_sel.next = false;
        self.gs_copies.user_we.next = self.ugs_we.val();
        self.gs_copies.user_wdata.next = self.csr_wdata.val();
        self.gs_copies.user_sel.next = !self.user_mode.q.val();
        // CPL.
        self.user_mode.we.next = self.cpl_load.val();
        self.user_mode.wdata.next = self.cpl_user.val();

        // What the core sees: the copies of the current level, never a mix.
        self.user.next = self.user_mode.q.val();
        if self.user_mode.q.val() {
            self.cpl.next = self.cpl_user_value.val();
            self.rip.next = self.rip_copies.user_q.val();
            self.rsp.next = self.rsp_copies.user_q.val();
            self.gs_base.next = self.gs_copies.user_q.val();
        } else {
            self.cpl.next = self.cpl_kernel.val();
            self.rip.next = self.rip_copies.kernel_q.val();
            self.rsp.next = self.rsp_copies.kernel_q.val();
            self.gs_base.next = self.gs_copies.kernel_q.val();
        }
        self.kernel_rip.next = self.rip_copies.kernel_q.val();
        self.kernel_rsp.next = self.rsp_copies.kernel_q.val();
        self.user_rip.next = self.rip_copies.user_q.val();
        self.user_rsp.next = self.rsp_copies.user_q.val();
        self.user_gs.next = self.gs_copies.user_q.val();
    }
}
