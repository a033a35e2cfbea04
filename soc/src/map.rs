//! The SoC's memory map, the RISC-V CSR numbers of the unit's CSRs and the
//! `tohost` convention, as `docs/soc.md` states them.

/// Where RAM starts; programs are loaded here, the unit's `RESET_RIP`.
pub const RAM_BASE: u64 = 0x0000_0000;
/// Bytes of RAM.
pub const RAM_BYTES: u64 = 64 * 1024;
/// The user window: user loads, stores and fetches must fall in
/// `USER_BASE..USER_END`.
pub const USER_BASE: u64 = 0x0000_8000;
/// One past the user window's last byte.
pub const USER_END: u64 = 0x0001_0000;
/// UART: a store writes the low byte; a load reads 1 while busy.
pub const UART: u64 = 0x1000_0000;
/// Timer: cycles since reset (read only).
pub const MTIME: u64 = 0x1000_0008;
/// Timer compare: `irq` while `mtimecmp != 0 && mtime >= mtimecmp`.
pub const MTIMECMP: u64 = 0x1000_0010;
/// A store here ends a simulation: 1 passes, `(n << 1) | 1` fails test n.
pub const TOHOST: u64 = 0x1000_0018;
/// The first device address and one past the last.
pub const DEVICES_BASE: u64 = 0x1000_0000;
pub const DEVICES_END: u64 = 0x1000_0020;
/// The timer's interrupt vector.
pub const TIMER_VECTOR: u8 = 0x20;

/// The first RISC-V CSR number of the unit's CSRs: unit address
/// `a` is CSR `CSR_BASE + a`, for `a` in 0..0x40.
pub const CSR_BASE: u16 = 0x5C0;
/// One past the last CSR number mapped onto the unit.
pub const CSR_END: u16 = 0x600;
/// The counters that work in both modes.
pub const CSR_CYCLE: u16 = 0xC00;
pub const CSR_TIME: u16 = 0xC01;
pub const CSR_INSTRET: u16 = 0xC02;

/// x86 vectors the core raises (SPEC.md's numbering).
pub mod vector {
    pub const BP: u8 = 3;
    pub const UD: u8 = 6;
    pub const GP: u8 = 13;
    pub const PF: u8 = 14;
    pub const AC: u8 = 17;
}

/// #PF error code bits (x86's).
pub mod pf {
    /// A protection violation (1) rather than nothing at that address (0).
    pub const P: u32 = 1 << 0;
    /// The access was a write.
    pub const W: u32 = 1 << 1;
    /// The access came from user mode.
    pub const U: u32 = 1 << 2;
    /// The access was an instruction fetch.
    pub const I: u32 = 1 << 4;
}

/// What a store to `tohost` means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToHost {
    /// 1: the program passed.
    Pass,
    /// `(n << 1) | 1`, n > 0: test n failed.
    Fail(u64),
    /// An even value: not a verdict.
    Other(u64),
}

impl ToHost {
    /// Read a value stored to `tohost`.
    pub fn decode(v: u64) -> Self {
        match v {
            1 => ToHost::Pass,
            v if v & 1 == 1 => ToHost::Fail(v >> 1),
            v => ToHost::Other(v),
        }
    }
}

/// RAM, the user window and the devices are each a power-of-two size at
/// a base aligned to it: the core decodes them as `addr & !(size - 1) ==
/// base` (checked when this file compiles).
const fn aligned_region(base: u64, end: u64) -> bool {
    let size = end - base;
    size.is_power_of_two() && base.is_multiple_of(size)
}
const _: () = assert!(aligned_region(RAM_BASE, RAM_BASE + RAM_BYTES));
const _: () = assert!(aligned_region(USER_BASE, USER_END));
const _: () = assert!(aligned_region(DEVICES_BASE, DEVICES_END));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tohost_values_decode_as_the_isa_suites_write_them() {
        assert_eq!(ToHost::decode(1), ToHost::Pass);
        assert_eq!(ToHost::decode((5 << 1) | 1), ToHost::Fail(5));
        assert_eq!(ToHost::decode(4), ToHost::Other(4));
    }

    // The user window lies inside RAM (checked when this file compiles).
    const _: () =
        assert!(USER_BASE >= RAM_BASE + RAM_BYTES / 2 && USER_END <= RAM_BASE + RAM_BYTES);
}
