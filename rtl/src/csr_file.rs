//! The CSR file: ENTRY, ENTRY_CRIT, CSTACK and STATUS, the read port for
//! every CSR, and the #GP rules of CSR access.
//!
//! SPEC.md, "CSRs (kernel only)": any CSR access in user mode, a write to
//! a read-only CSR, or an unknown address raises #GP instead of taking
//! effect. A write to STATUS changes only `if`. Which addresses exist and
//! which are read-only is not written here: the decode reads two 256-bit
//! maps built at elaboration from the configuration's CSR table
//! (`PtuConfig::csrs`: `ptu_arch::csr::TABLE` and the CSRs its options
//! add, such as EVENT_INFO_H with XLEN = 32), and each register resets to
//! the table's value. What this file says per CSR is
//! its behaviour: where a read takes the value from and what a write does.
//! The user copies (URIP, URSP, UGS) live in the rename bank; this block
//! decodes their writes and reads their values. EVENT_INFO and EVENT_DATA
//! live in the entry unit, which latches them; with XLEN = 32, EVENT_INFO
//! (0x04) reads EVENT_INFO bits 31:0 and EVENT_INFO_H (0x06) bits 63:32
//! (docs/spec.md section 14.1).
//!
//! Options (docs/spec.md §14), fixed at elaboration by [`CsrFile::new`]:
//! two constants switch the options' registers on. With `irq_entry` the
//! file holds ENTRY_IRQ (0x08); with `fs_bank` it reads UFS (0x13) from
//! `user_fs` (the FS bank decodes UFS's writes). Without an option its
//! address is unknown (#GP), and the option's logic reads a constant 0,
//! which synthesis removes.

use crate::primitives::Reg;
use ptu_arch::config::{ENTRY_IRQ, EVENT_INFO_H, UFS};
use ptu_arch::{csr, status, PtuConfig};
use rust_hdl::prelude::*;

/// Kernel control registers and CSR access decode.
#[derive(LogicBlock)]
pub struct CsrFile<const XLEN: usize = 64> {
    /// Clock of every register.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high.
    pub reset: Signal<In, Bit>,
    /// Read the CSR at `csr_addr`.
    pub csr_re: Signal<In, Bit>,
    /// Write the CSR at `csr_addr`.
    pub csr_we: Signal<In, Bit>,
    /// CSR address.
    pub csr_addr: Signal<In, Bits<8>>,
    /// CSR write value.
    pub csr_wdata: Signal<In, Bits<XLEN>>,
    /// The unit is in user mode.
    pub user: Signal<In, Bit>,
    /// Not busy, not shut down, no critical event ready (the entry unit's).
    pub calm: Signal<In, Bit>,
    /// Kernel mode and no interrupt taken (the entry unit's).
    pub quiet_kernel: Signal<In, Bit>,
    /// Instruction inputs are looked at in this cycle (neither busy nor shut down).
    pub read_en: Signal<In, Bit>,
    /// The completing entry is a critical event's (the entry unit's, from
    /// registers: a transfer runs and its event is critical).
    pub pick_crit: Signal<In, Bit>,
    /// URIP, for reads.
    pub user_rip: Signal<In, Bits<XLEN>>,
    /// URSP, for reads.
    pub user_rsp: Signal<In, Bits<XLEN>>,
    /// UGS, for reads.
    pub user_gs: Signal<In, Bits<XLEN>>,
    /// UFS, for reads (option `fs_bank`; not read without it).
    pub user_fs: Signal<In, Bits<XLEN>>,
    /// EVENT_INFO (with XLEN = 32 its bits 31:0), for reads.
    pub event_info: Signal<In, Bits<XLEN>>,
    /// EVENT_INFO bits 63:32, for reads of EVENT_INFO_H (XLEN = 32; with
    /// XLEN = 64 there is no EVENT_INFO_H and this input is not read).
    pub event_info_hi: Signal<In, Bits<XLEN>>,
    /// EVENT_DATA, for reads.
    pub event_data: Signal<In, Bits<XLEN>>,
    /// Replace STATUS (an entry or a framed ERET completes).
    pub status_load: Signal<In, Bit>,
    /// New `if` for `status_load`.
    pub load_if: Signal<In, Bit>,
    /// New `framed` for `status_load`.
    pub load_framed: Signal<In, Bit>,
    /// New `nmi_blocked` for `status_load`.
    pub load_nmi_blocked: Signal<In, Bit>,
    /// New `prev_user` for `status_load`.
    pub load_prev_user: Signal<In, Bit>,
    /// New `critical` for `status_load`.
    pub load_critical: Signal<In, Bit>,
    /// Value of the CSR read (0 without `csr_re`, or when the access faults).
    pub csr_rdata: Signal<Out, Bits<XLEN>>,
    /// The CSR access in this cycle raises #GP.
    pub csr_fault: Signal<Out, Bit>,
    /// In kernel mode, this cycle's CSR access (if any) would not fault:
    /// no access, or a known address that is not written read-only. Two
    /// logic levels from the inputs; the kernel copies' instruction writes
    /// take it last.
    pub csr_ok: Signal<Out, Bit>,
    /// The entry point of a completing entry: ENTRY_CRIT with
    /// `pick_crit`, else ENTRY (one multiplexer with the read of 0x00/0x01).
    pub entry_point: Signal<Out, Bits<XLEN>>,
    /// ENTRY_IRQ: the entry point of external interrupts (option `irq_entry`).
    pub entry_irq: Signal<Out, Bits<XLEN>>,
    /// CSTACK: the stack top of critical events.
    pub cstack: Signal<Out, Bits<XLEN>>,
    /// STATUS as an XLEN-bit word.
    pub status: Signal<Out, Bits<XLEN>>,
    /// STATUS.if: interrupts enabled in kernel mode.
    pub status_if: Signal<Out, Bit>,
    /// STATUS.framed: the handler was entered with a frame.
    pub status_framed: Signal<Out, Bit>,
    /// STATUS.nmi_blocked.
    pub status_nmi_blocked: Signal<Out, Bit>,
    /// STATUS.prev_user: the handler interrupted user mode.
    pub status_prev_user: Signal<Out, Bit>,
    /// STATUS.critical: the handler runs on the critical stack.
    pub status_critical: Signal<Out, Bit>,
    /// Write URIP (kernel CSR write that takes effect).
    pub urip_we: Signal<Out, Bit>,
    /// Write URSP.
    pub ursp_we: Signal<Out, Bit>,
    /// Write UGS.
    pub ugs_we: Signal<Out, Bit>,
    /// Bit `a` set: address `a` is a CSR (from the configuration's table).
    csr_known: Constant<Bits<256>>,
    /// Bit `a` set: a write to address `a` raises #GP (from the
    /// configuration's table).
    csr_read_only: Constant<Bits<256>>,
    /// The configuration has EVENT_INFO_H (XLEN = 32).
    has_info_hi: Constant<Bit>,
    addr_entry: Constant<Bits<8>>,
    addr_entry_crit: Constant<Bits<8>>,
    addr_cstack: Constant<Bits<8>>,
    addr_status: Constant<Bits<8>>,
    addr_urip: Constant<Bits<8>>,
    addr_ursp: Constant<Bits<8>>,
    addr_ugs: Constant<Bits<8>>,
    addr_entry_irq: Constant<Bits<8>>,
    /// Option `irq_entry`: ENTRY_IRQ exists.
    irq_entry: Constant<Bit>,
    /// Option `fs_bank`: UFS exists.
    fs_bank: Constant<Bit>,
    zero: Constant<Bits<XLEN>>,
    mask_if: Constant<Bits<XLEN>>,
    mask_framed: Constant<Bits<XLEN>>,
    mask_nmi_blocked: Constant<Bits<XLEN>>,
    mask_prev_user: Constant<Bits<XLEN>>,
    mask_critical: Constant<Bits<XLEN>>,
    write_ok: Signal<Local, Bit>,
    read_pair_entry: Signal<Local, Bits<XLEN>>,
    /// ENTRY_CRIT rather than ENTRY, for the read or the entry point.
    entry_pick: Signal<Local, Bit>,
    read_pair_cstack: Signal<Local, Bits<XLEN>>,
    read_pair_event: Signal<Local, Bits<XLEN>>,
    read_event: Signal<Local, Bits<XLEN>>,
    read_pair_user: Signal<Local, Bits<XLEN>>,
    read_kernel: Signal<Local, Bits<XLEN>>,
    read_user: Signal<Local, Bits<XLEN>>,
    status_word: Signal<Local, Bits<XLEN>>,
    /// ENTRY.
    entry_q: Reg<Bits<XLEN>>,
    /// ENTRY_CRIT.
    entry_crit_q: Reg<Bits<XLEN>>,
    /// CSTACK.
    cstack_q: Reg<Bits<XLEN>>,
    /// ENTRY_IRQ (option `irq_entry`).
    entry_irq_q: Reg<Bits<XLEN>>,
    /// STATUS.if.
    if_q: Reg<Bit>,
    /// STATUS.framed.
    framed_q: Reg<Bit>,
    /// STATUS.nmi_blocked.
    nmi_blocked_q: Reg<Bit>,
    /// STATUS.prev_user.
    prev_user_q: Reg<Bit>,
    /// STATUS.critical.
    critical_q: Reg<Bit>,
}

// The read tree (bit 4: user copies; bits 2:0 below it) is built for
// these addresses.
const READ_TREE_FITS: () = assert!(
    csr::ENTRY == 0x00
        && csr::ENTRY_CRIT == 0x01
        && csr::CSTACK == 0x02
        && csr::STATUS == 0x03
        && csr::EVENT_INFO == 0x04
        && csr::EVENT_DATA == 0x05
        && EVENT_INFO_H == 0x06
        && csr::URIP == 0x10
        && csr::URSP == 0x11
        && csr::UGS == 0x12
        && ENTRY_IRQ == 0x08
        && UFS == 0x13
);
#[allow(clippy::let_unit_value)]
const _: () = READ_TREE_FITS;

// The CSR write of STATUS takes `if` from bit 0 of the write data.
const _: () = assert!(status::IF == 0);

fn addr(a: u8) -> Constant<Bits<8>> {
    Constant::new((a as u64).into())
}

fn mask<const XLEN: usize>(bit: u32) -> Constant<Bits<XLEN>> {
    Constant::new((1u64 << bit).into())
}

/// The 256-bit map of the addresses for which `pred` holds.
fn address_map(pred: impl Fn(u8) -> bool) -> Constant<Bits<256>> {
    let mut map = Bits::<256>::default();
    for (a, set) in csr::address_map(pred).iter().enumerate() {
        map = map.replace_bit(a, *set);
    }
    Constant::new(map)
}

/// An XLEN-bit CSR register with the table's reset value.
fn csr_reg<const XLEN: usize>(cfg: &PtuConfig, addr: u8) -> Reg<Bits<XLEN>> {
    Reg::new(table_entry(cfg, addr).reset.into())
}

/// A STATUS bit register with the table's reset value of that bit.
fn status_bit(cfg: &PtuConfig, bit: u32) -> Reg<Bit> {
    Reg::new((table_entry(cfg, csr::STATUS).reset >> bit) & 1 == 1)
}

/// The CSR at `addr` in `cfg`'s table; panics naming the address if the
/// table lacks it (the CSR file names CSRs by their constants).
fn table_entry(cfg: &PtuConfig, addr: u8) -> csr::Csr {
    cfg.csr(addr).unwrap_or_else(|| {
        panic!(
            "CSR address 0x{addr:02x} is not in the CSR table of configuration {}",
            cfg.name
        )
    })
}

impl<const XLEN: usize> Default for CsrFile<XLEN> {
    /// The CSR file of the XLEN-bit unit without options.
    fn default() -> Self {
        Self::new(&PtuConfig {
            xlen: XLEN,
            ..PtuConfig::default()
        })
    }
}

impl<const XLEN: usize> CsrFile<XLEN> {
    /// The CSR file of configuration `cfg` (whose `xlen` must be XLEN):
    /// its decode is `cfg`'s CSR table, and its options.
    pub fn new(cfg: &PtuConfig) -> Self {
        assert_eq!(
            cfg.xlen, XLEN,
            "configuration {} is not {XLEN}-bit",
            cfg.name
        );
        for a in [
            csr::ENTRY,
            csr::ENTRY_CRIT,
            csr::CSTACK,
            csr::STATUS,
            csr::URIP,
            csr::URSP,
            csr::UGS,
        ] {
            assert!(
                table_entry(cfg, a).access.writable(),
                "the CSR file writes CSR 0x{a:02x}, which the CSR table must list as writable"
            );
        }
        let has_info_hi = cfg.csr(EVENT_INFO_H).is_some();
        assert_eq!(
            has_info_hi,
            XLEN == 32,
            "EVENT_INFO_H exists with XLEN = 32 only"
        );
        Self {
            clock: Default::default(),
            reset: Default::default(),
            csr_re: Default::default(),
            csr_we: Default::default(),
            csr_addr: Default::default(),
            csr_wdata: Default::default(),
            user: Default::default(),
            calm: Default::default(),
            quiet_kernel: Default::default(),
            read_en: Default::default(),
            pick_crit: Default::default(),
            user_rip: Default::default(),
            user_rsp: Default::default(),
            user_gs: Default::default(),
            user_fs: Default::default(),
            event_info: Default::default(),
            event_info_hi: Default::default(),
            event_data: Default::default(),
            status_load: Default::default(),
            load_if: Default::default(),
            load_framed: Default::default(),
            load_nmi_blocked: Default::default(),
            load_prev_user: Default::default(),
            load_critical: Default::default(),
            csr_rdata: Default::default(),
            csr_fault: Default::default(),
            csr_ok: Default::default(),
            entry_point: Default::default(),
            entry_irq: Default::default(),
            cstack: Default::default(),
            status: Default::default(),
            status_if: Default::default(),
            status_framed: Default::default(),
            status_nmi_blocked: Default::default(),
            status_prev_user: Default::default(),
            status_critical: Default::default(),
            urip_we: Default::default(),
            ursp_we: Default::default(),
            ugs_we: Default::default(),
            csr_known: address_map(|a| cfg.csr(a).is_some()),
            csr_read_only: address_map(|a| cfg.csr(a).is_some() && cfg.csr_faults(a, true)),
            has_info_hi: Constant::new(has_info_hi),
            addr_entry: addr(csr::ENTRY),
            addr_entry_crit: addr(csr::ENTRY_CRIT),
            addr_cstack: addr(csr::CSTACK),
            addr_status: addr(csr::STATUS),
            addr_urip: addr(csr::URIP),
            addr_ursp: addr(csr::URSP),
            addr_ugs: addr(csr::UGS),
            addr_entry_irq: addr(ENTRY_IRQ),
            irq_entry: Constant::new(cfg.irq_entry),
            fs_bank: Constant::new(cfg.fs_bank),
            zero: Constant::new(0u64.into()),
            mask_if: mask(status::IF),
            mask_framed: mask(status::FRAMED),
            mask_nmi_blocked: mask(status::NMI_BLOCKED),
            mask_prev_user: mask(status::PREV_USER),
            mask_critical: mask(status::CRITICAL),
            write_ok: Default::default(),
            read_pair_entry: Default::default(),
            entry_pick: Default::default(),
            read_pair_cstack: Default::default(),
            read_pair_event: Default::default(),
            read_event: Default::default(),
            read_pair_user: Default::default(),
            read_kernel: Default::default(),
            read_user: Default::default(),
            status_word: Default::default(),
            entry_q: csr_reg(cfg, csr::ENTRY),
            entry_crit_q: csr_reg(cfg, csr::ENTRY_CRIT),
            cstack_q: csr_reg(cfg, csr::CSTACK),
            // ENTRY_IRQ resets to 0 (docs/spec.md §14.3).
            entry_irq_q: Reg::default(),
            if_q: status_bit(cfg, status::IF),
            framed_q: status_bit(cfg, status::FRAMED),
            nmi_blocked_q: status_bit(cfg, status::NMI_BLOCKED),
            prev_user_q: status_bit(cfg, status::PREV_USER),
            critical_q: status_bit(cfg, status::CRITICAL),
        }
    }
}

impl<const XLEN: usize> Logic for CsrFile<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(
            self,
            clock,
            entry_q,
            entry_crit_q,
            cstack_q,
            entry_irq_q,
            if_q,
            framed_q,
            nmi_blocked_q,
            prev_user_q,
            critical_q
        );
        self.entry_q.reset.next = self.reset.val();
        self.entry_crit_q.reset.next = self.reset.val();
        self.cstack_q.reset.next = self.reset.val();
        self.entry_irq_q.reset.next = self.reset.val();
        self.if_q.reset.next = self.reset.val();
        self.framed_q.reset.next = self.reset.val();
        self.nmi_blocked_q.reset.next = self.reset.val();
        self.prev_user_q.reset.next = self.reset.val();
        self.critical_q.reset.next = self.reset.val();
        // #GP: user mode, an address the table lacks, or a write to a
        // read-only CSR.
        self.csr_fault.next = (self.csr_re.val() | self.csr_we.val())
            & (self.user.val()
                | !self.csr_known.val().get_bit(self.csr_addr.val().index())
                | (self.csr_we.val()
                    & self
                        .csr_read_only
                        .val()
                        .get_bit(self.csr_addr.val().index())));
        self.csr_ok.next = !(self.csr_re.val() | self.csr_we.val())
            | (self.csr_known.val().get_bit(self.csr_addr.val().index())
                & !(self.csr_we.val()
                    & self
                        .csr_read_only
                        .val()
                        .get_bit(self.csr_addr.val().index())));
        // A write takes effect in kernel mode when no event is taken: a
        // CSR access comes without SYSCALL, ERET or a fault (SPEC.md, "What
        // a core presents in one cycle"), so that is `calm` and no
        // interrupt. Every address written below is a writable CSR of the
        // table (checked at elaboration), so it cannot fault otherwise, and
        // the write does not wait for the decode of `csr_fault`.
        self.write_ok.next = self.calm.val() & self.quiet_kernel.val() & self.csr_we.val();
        // STATUS as a word: five bits, the rest read 0.
        self.status_word.next = self.zero.val();
        if self.if_q.q.val() {
            self.status_word.next = self.status_word.val() | self.mask_if.val();
        }
        if self.framed_q.q.val() {
            self.status_word.next = self.status_word.val() | self.mask_framed.val();
        }
        if self.nmi_blocked_q.q.val() {
            self.status_word.next = self.status_word.val() | self.mask_nmi_blocked.val();
        }
        if self.prev_user_q.q.val() {
            self.status_word.next = self.status_word.val() | self.mask_prev_user.val();
        }
        if self.critical_q.q.val() {
            self.status_word.next = self.status_word.val() | self.mask_critical.val();
        }
        self.status.next = self.status_word.val();
        self.status_if.next = self.if_q.q.val();
        self.status_framed.next = self.framed_q.q.val();
        self.status_nmi_blocked.next = self.nmi_blocked_q.q.val();
        self.status_prev_user.next = self.prev_user_q.q.val();
        self.status_critical.next = self.critical_q.q.val();
        self.cstack.next = self.cstack_q.q.val();
        self.entry_irq.next = self.entry_irq_q.q.val();
        // Read port: the value before this edge, of the CSR at `csr_addr`.
        // A tree of 2:1 multiplexers on the address bits picks the value
        // (a few logic levels where a chain of comparisons is nine), and
        // `csr_fault`, computed beside it, zeroes every address that is not
        // a CSR. The tree's shape is the table's addresses, which
        // `READ_TREE_FITS` checks at compile time.
        // ENTRY/ENTRY_CRIT: one multiplexer for the read and for the
        // entry point of a completing entry. A read happens in kernel mode
        // outside a transfer, where no entry completes (an entry from user
        // completes outside a transfer, a framed one at a transfer's end),
        // so there the address picks; elsewhere `pick_crit`, which is low
        // outside a transfer (an entry from user enters at ENTRY).
        self.entry_pick.next = self.pick_crit.val();
        if self.read_en.val() & !self.user.val() {
            self.entry_pick.next = self.csr_addr.val().get_bit(0);
        }
        self.read_pair_entry.next = self.entry_q.q.val();
        if self.entry_pick.val() {
            self.read_pair_entry.next = self.entry_crit_q.q.val();
        }
        self.entry_point.next = self.read_pair_entry.val();
        self.read_pair_cstack.next = self.cstack_q.q.val();
        if self.csr_addr.val().get_bit(0) {
            self.read_pair_cstack.next = self.status_word.val();
        }
        self.read_pair_event.next = self.event_info.val();
        if self.csr_addr.val().get_bit(0) {
            self.read_pair_event.next = self.event_data.val();
        }
        // EVENT_INFO_H (0x06) with XLEN = 32; `has_info_hi` is a constant,
        // so with XLEN = 64 this is no logic (0x06 is unknown there).
        self.read_event.next = self.read_pair_event.val();
        if self.has_info_hi.val() & self.csr_addr.val().get_bit(1) {
            self.read_event.next = self.event_info_hi.val();
        }
        self.read_pair_user.next = self.user_rip.val();
        if self.csr_addr.val().get_bit(0) {
            self.read_pair_user.next = self.user_rsp.val();
        }
        self.read_kernel.next = self.read_pair_entry.val();
        if self.csr_addr.val().get_bit(1) {
            self.read_kernel.next = self.read_pair_cstack.val();
        }
        if self.csr_addr.val().get_bit(2) {
            self.read_kernel.next = self.read_event.val();
        }
        // ENTRY_IRQ (0x08, option `irq_entry`).
        if self.irq_entry.val() & self.csr_addr.val().get_bit(3) {
            self.read_kernel.next = self.entry_irq_q.q.val();
        }
        self.read_user.next = self.read_pair_user.val();
        if self.csr_addr.val().get_bit(1) {
            self.read_user.next = self.user_gs.val();
        }
        // UFS (0x13, option `fs_bank`).
        if self.fs_bank.val() & self.csr_addr.val().get_bit(1) & self.csr_addr.val().get_bit(0) {
            self.read_user.next = self.user_fs.val();
        }
        self.csr_rdata.next = self.zero.val();
        if self.csr_re.val() & !self.csr_fault.val() & self.read_en.val() {
            self.csr_rdata.next = self.read_kernel.val();
            if self.csr_addr.val().get_bit(4) {
                self.csr_rdata.next = self.read_user.val();
            }
        }
        // Writes that take effect: the CSR at `csr_addr` takes `csr_wdata`
        // (STATUS: only `if`; the user copies: in the rename bank).
        self.entry_q.we.next = self.write_ok.val() & (self.csr_addr.val() == self.addr_entry.val());
        self.entry_q.wdata.next = self.csr_wdata.val();
        self.entry_crit_q.we.next =
            self.write_ok.val() & (self.csr_addr.val() == self.addr_entry_crit.val());
        self.entry_crit_q.wdata.next = self.csr_wdata.val();
        self.cstack_q.we.next =
            self.write_ok.val() & (self.csr_addr.val() == self.addr_cstack.val());
        self.cstack_q.wdata.next = self.csr_wdata.val();
        self.entry_irq_q.we.next = self.irq_entry.val()
            & self.write_ok.val()
            & (self.csr_addr.val() == self.addr_entry_irq.val());
        self.entry_irq_q.wdata.next = self.csr_wdata.val();
        self.urip_we.next = self.write_ok.val() & (self.csr_addr.val() == self.addr_urip.val());
        self.ursp_we.next = self.write_ok.val() & (self.csr_addr.val() == self.addr_ursp.val());
        self.ugs_we.next = self.write_ok.val() & (self.csr_addr.val() == self.addr_ugs.val());
        // STATUS: `if` from bit `status::IF` (0) of a CSR write; all five
        // bits from an entry or a framed ERET (`status_load`), which wins.
        self.if_q.we.next = (self.write_ok.val() & (self.csr_addr.val() == self.addr_status.val()))
            | self.status_load.val();
        self.if_q.wdata.next = self.csr_wdata.val().get_bit(0);
        if self.status_load.val() {
            self.if_q.wdata.next = self.load_if.val();
        }
        self.framed_q.we.next = self.status_load.val();
        self.framed_q.wdata.next = self.load_framed.val();
        self.nmi_blocked_q.we.next = self.status_load.val();
        self.nmi_blocked_q.wdata.next = self.load_nmi_blocked.val();
        self.prev_user_q.we.next = self.status_load.val();
        self.prev_user_q.wdata.next = self.load_prev_user.val();
        self.critical_q.we.next = self.status_load.val();
        self.critical_q.wdata.next = self.load_critical.val();
    }
}
