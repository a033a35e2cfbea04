//! The example kernel that the board demo's sequence and the waveform
//! scenarios run: where it puts its entry points, stacks and GS bases, and
//! its boot, the cycles from reset up to its first ERET to user mode.

use ptu_arch::{csr, Inputs};

/// The kernel's single entry point.
pub const ENTRY: u64 = 0xffff_8000_0000_1000;
/// The entry point of critical events (NMI, machine check, double fault).
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
/// The kernel GS base.
pub const KERNEL_GS: u64 = 0xffff_8000_0003_0000;

/// The kernel's boot, one cycle per element: reset, then the writes of
/// ENTRY, ENTRY_CRIT, CSTACK and the user copies (URIP, URSP, UGS), then
/// the kernel's own RSP and GS base. The unit is then in the kernel with
/// every register set; an ERET enters the user program at [`USER_RIP`].
/// Each cycle carries one 64-bit value, in the input that writes it.
pub fn boot() -> Vec<Inputs> {
    let mut cycles = vec![Inputs::reset()];
    for (addr, value) in [
        (csr::ENTRY, ENTRY),
        (csr::ENTRY_CRIT, ENTRY_CRIT),
        (csr::CSTACK, CSTACK),
        (csr::URIP, USER_RIP),
        (csr::URSP, USER_RSP),
        (csr::UGS, USER_GS),
    ] {
        cycles.push(Inputs::csr_write(addr, value));
    }
    cycles.push(Inputs {
        rsp_we: true,
        rsp_wdata: KSTACK,
        ..Inputs::default()
    });
    cycles.push(Inputs {
        gs_we: true,
        gs_wdata: KERNEL_GS,
        ..Inputs::default()
    });
    cycles
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;
    use ptu_arch::PtuConfig;

    #[test]
    fn boot_then_eret_enters_the_user_program() {
        let mut m = Model::new(&PtuConfig::default());
        for inp in boot() {
            m.step(&inp);
        }
        let o = m.outputs(&Inputs::default());
        assert_eq!((o.cpl, o.rsp, o.gs_base), (0, KSTACK, KERNEL_GS));
        m.step(&Inputs::eret());
        let o = m.outputs(&Inputs::default());
        assert_eq!(
            (o.cpl, o.rip, o.rsp, o.gs_base),
            (3, USER_RIP, USER_RSP, USER_GS)
        );
    }
}
