//! The rename bank: a kernel and a user copy of RIP, RSP and GS base,
//! and the privilege level that selects which copy the core sees.
//!
//! SPEC.md, "Why it exists": rsp, rip and the GS base are renamed by
//! privilege level, so there is no SYSCALL gap: in the same edge that CPL
//! becomes 0, the outputs show the kernel's copies.
//!
//! The bank holds no policy. The instruction writes it receives are
//! already qualified by the entry unit (`retire`, `rsp_we`, `gs_we` only
//! when the instruction completes), and they go to the copy of the current
//! level. The user copies are also written by kernel CSR accesses
//! (URIP/URSP/UGS), and the kernel RIP/RSP by entries and returns.

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
    /// The current instruction completes: the current level's RIP becomes `next_rip`.
    pub retire: Signal<In, Bit>,
    /// Address of the next instruction.
    pub next_rip: Signal<In, Bits<XLEN>>,
    /// Write the current level's RSP.
    pub rsp_we: Signal<In, Bit>,
    /// Value for `rsp_we`.
    pub rsp_wdata: Signal<In, Bits<XLEN>>,
    /// Write the current level's GS base.
    pub gs_we: Signal<In, Bit>,
    /// Value for `gs_we`.
    pub gs_wdata: Signal<In, Bits<XLEN>>,
    /// Kernel CSR write of URIP.
    pub urip_we: Signal<In, Bit>,
    /// Kernel CSR write of URSP.
    pub ursp_we: Signal<In, Bit>,
    /// Kernel CSR write of UGS.
    pub ugs_we: Signal<In, Bit>,
    /// Value for the CSR writes.
    pub csr_wdata: Signal<In, Bits<XLEN>>,
    /// An entry from user saves its return address: user RIP becomes `next_rip` (SYSCALL).
    pub urip_load: Signal<In, Bit>,
    /// A frame transfer runs: the kernel RIP and RSP are loaded only by
    /// the entry or return it ends (`krip_load`, `krsp_load`), never by
    /// an instruction, so this register chooses their write data.
    pub busy: Signal<In, Bit>,
    /// Load the kernel RIP (entry point, or the RIP popped by ERET).
    pub krip_load: Signal<In, Bit>,
    /// Value for `krip_load`.
    pub krip_value: Signal<In, Bits<XLEN>>,
    /// Load the kernel RSP (frame pushed, or the RSP popped by ERET).
    pub krsp_load: Signal<In, Bit>,
    /// Value for `krsp_load`.
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
            retire: Default::default(),
            next_rip: Default::default(),
            rsp_we: Default::default(),
            rsp_wdata: Default::default(),
            gs_we: Default::default(),
            gs_wdata: Default::default(),
            urip_we: Default::default(),
            ursp_we: Default::default(),
            ugs_we: Default::default(),
            csr_wdata: Default::default(),
            urip_load: Default::default(),
            busy: Default::default(),
            krip_load: Default::default(),
            krip_value: Default::default(),
            krsp_load: Default::default(),
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
        // One level for all three pairs: the outputs never show a mix.
        self.rip_copies.user.next = self.user_mode.q.val();
        self.rsp_copies.user.next = self.user_mode.q.val();
        self.gs_copies.user.next = self.user_mode.q.val();
        // RIP: retire writes the current level's copy; an entry or return
        // loads the kernel copy; URIP and SYSCALL from user the user copy.
        self.rip_copies.we.next = self.retire.val();
        self.rip_copies.wdata.next = self.next_rip.val();
        // The values are chosen by registers, not by the loads (which wait
        // for the decision): the kernel RIP takes `krip_value` during a
        // transfer or in user mode (an entry from user), else `next_rip`;
        // the user copies take the CSR value in kernel mode, else the
        // instruction's (SYSCALL from user saves `next_rip` the same way).
        self.rip_copies.kernel_we.next = self.krip_load.val();
        self.rip_copies.kernel_wdata.next = self.krip_value.val();
        self.rip_copies.kernel_sel.next = self.busy.val() | self.user_mode.q.val();
        self.rip_copies.user_we.next = self.urip_we.val() | self.urip_load.val();
        self.rip_copies.user_wdata.next = self.csr_wdata.val();
        self.rip_copies.user_sel.next = !self.user_mode.q.val();
        // RSP: the instruction's write; a pushed or popped frame loads the
        // kernel copy; URSP the user copy.
        self.rsp_copies.we.next = self.rsp_we.val();
        self.rsp_copies.wdata.next = self.rsp_wdata.val();
        self.rsp_copies.kernel_we.next = self.krsp_load.val();
        self.rsp_copies.kernel_wdata.next = self.krsp_value.val();
        self.rsp_copies.kernel_sel.next = self.busy.val();
        self.rsp_copies.user_we.next = self.ursp_we.val();
        self.rsp_copies.user_wdata.next = self.csr_wdata.val();
        self.rsp_copies.user_sel.next = !self.user_mode.q.val();
        // GS base: the instruction's write; UGS the user copy.
        self.gs_copies.we.next = self.gs_we.val();
        self.gs_copies.wdata.next = self.gs_wdata.val();
        self.gs_copies.kernel_we.next = false;
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
