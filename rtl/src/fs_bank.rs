//! The FS bank (option `fs_bank`, docs/spec.md §14.4): a kernel and a
//! user copy of the FS base, beside the rename bank's GS base.
//!
//! The level that selects the copy is the rename bank's (`user`, its CPL
//! register), so `fs_base` changes in the same edge as `cpl`, `rip`,
//! `rsp` and `gs_base` and never shows a mix of the two levels. `fs_we`
//! comes qualified exactly as `gs_we`, one enable per level (the
//! instruction takes effect at this edge in that level), and writes the
//! copy of the current level; a kernel CSR write of UFS writes the user
//! copy. The block decodes that write itself from the same terms the CSR
//! file's writes use (`calm`, `quiet_kernel`), and the CSR file reads UFS
//! from `user_fs`.
//!
//! Only the unit with `fs_bank` ([`crate::PtuFs`]) has this block; the
//! FS base is not in the frame.

use crate::primitives::RegPair;
use ptu_arch::config::UFS;
use ptu_arch::csr;
use rust_hdl::prelude::*;

/// Kernel and user copies of the FS base.
#[derive(LogicBlock)]
pub struct FsBank<const XLEN: usize = 64> {
    /// Clock of both copies.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: both copies become 0.
    pub reset: Signal<In, Bit>,
    /// The unit is in user mode (the rename bank's level).
    pub user: Signal<In, Bit>,
    /// `fs_we` in kernel mode, qualified like `gs_we`.
    pub fs_we_kernel: Signal<In, Bit>,
    /// `fs_we` in user mode, qualified like `gs_we`.
    pub fs_we_user: Signal<In, Bit>,
    /// Value for `fs_we`.
    pub fs_wdata: Signal<In, Bits<XLEN>>,
    /// Not busy, not shut down, no critical event ready (the entry unit's).
    pub calm: Signal<In, Bit>,
    /// Kernel mode and no interrupt taken (the entry unit's).
    pub quiet_kernel: Signal<In, Bit>,
    /// Kernel-only register write.
    pub csr_we: Signal<In, Bit>,
    /// CSR address.
    pub csr_addr: Signal<In, Bits<8>>,
    /// CSR write value.
    pub csr_wdata: Signal<In, Bits<XLEN>>,
    /// FS base of the current level.
    pub fs_base: Signal<Out, Bits<XLEN>>,
    /// The user copy (UFS), for CSR reads.
    pub user_fs: Signal<Out, Bits<XLEN>>,
    /// CSR address of UFS.
    addr_ufs: Constant<Bits<8>>,
    /// The copies follow the level (always, except in the deliberate error
    /// [`crate::Mutant::FsNotBanked`], where one FS base serves both).
    banked: Constant<Bit>,
    /// The level whose copy `fs_we` writes and `fs_base` shows.
    level_user: Signal<Local, Bit>,
    /// The kernel and user copies of FS base.
    fs_copies: RegPair<XLEN>,
}

impl<const XLEN: usize> FsBank<XLEN> {
    /// The FS bank; `banked` is false only for the deliberate error
    /// [`crate::Mutant::FsNotBanked`].
    pub fn new(banked: bool) -> Self {
        // UFS is written like the user copies of `csr::TABLE`: a kernel
        // write to an address with bit 4 set that cannot fault otherwise.
        assert!(UFS & 0x10 != 0 && !csr::exists(UFS));
        Self {
            clock: Default::default(),
            reset: Default::default(),
            user: Default::default(),
            fs_we_kernel: Default::default(),
            fs_we_user: Default::default(),
            fs_wdata: Default::default(),
            calm: Default::default(),
            quiet_kernel: Default::default(),
            csr_we: Default::default(),
            csr_addr: Default::default(),
            csr_wdata: Default::default(),
            fs_base: Default::default(),
            user_fs: Default::default(),
            addr_ufs: Constant::new((UFS as u64).into()),
            banked: Constant::new(banked),
            level_user: Default::default(),
            fs_copies: RegPair::new(0, 0),
        }
    }
}

impl<const XLEN: usize> Default for FsBank<XLEN> {
    fn default() -> Self {
        Self::new(true)
    }
}

impl<const XLEN: usize> Logic for FsBank<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, fs_copies);
        self.fs_copies.reset.next = self.reset.val();
        self.level_user.next = self.user.val() & self.banked.val();
        // The instruction's write goes to the current level's copy (the
        // kernel's when unbanked); UFS, a kernel CSR write that takes
        // effect, to the user copy.
        self.fs_copies.wdata.next = self.fs_wdata.val();
        self.fs_copies.kernel_we.next =
            self.fs_we_kernel.val() | (self.fs_we_user.val() & !self.banked.val());
        self.fs_copies.kernel_wdata.next = self.fs_wdata.val();
        self.fs_copies.kernel_sel.next = false;
        self.fs_copies.user_we.next = (self.fs_we_user.val() & self.banked.val())
            | (self.calm.val()
                & self.quiet_kernel.val()
                & self.csr_we.val()
                & (self.csr_addr.val() == self.addr_ufs.val()));
        self.fs_copies.user_wdata.next = self.csr_wdata.val();
        // In kernel mode (or unbanked) only UFS writes the user copy, in
        // user mode only the instruction: the level chooses the value.
        self.fs_copies.user_sel.next = !self.level_user.val();
        self.fs_base.next = self.fs_copies.kernel_q.val();
        if self.level_user.val() {
            self.fs_base.next = self.fs_copies.user_q.val();
        }
        self.user_fs.next = self.fs_copies.user_q.val();
    }
}
