//! The CSRs (SPEC.md, "CSRs (kernel only)"): one table, [`TABLE`].
//!
//! Each CSR is declared once, in the `csrs!` invocation below: name,
//! address, access rule, reset value and a one-line description. The
//! address constants (`csr::ENTRY`, ...), the CSR file's decode (does the
//! address exist? does a write fault?) and the registers' reset values in
//! `ptu-rtl`, the reference model's CSR handling in `ptu-sim`, the waveform
//! viewer's names and the CSR list in `docs/csrs.md` all follow it. Adding
//! a CSR is one line here plus its behaviour: where the CSR file reads it
//! from and what a write does, in the RTL and in the model.

/// What an access to a CSR may do (in kernel mode; every access in user
/// mode raises #GP).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Read and write.
    ReadWrite,
    /// Read only: a write raises #GP.
    ReadOnly,
    /// Read; a write changes only STATUS.if (bit 0 of the value written).
    WriteIfOnly,
    /// Read and write the user copy of a renamed register.
    UserCopy,
}

impl Access {
    /// A write takes effect (does not raise #GP) in kernel mode.
    pub fn writable(self) -> bool {
        self != Access::ReadOnly
    }

    /// The rule in SPEC.md's words.
    pub fn spec(self) -> &'static str {
        match self {
            Access::ReadWrite => "rw",
            Access::ReadOnly => "r",
            Access::WriteIfOnly => "r; a write changes only `if`",
            Access::UserCopy => "rw, the user copy",
        }
    }
}

/// One CSR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Csr {
    /// `csr_addr`.
    pub addr: u8,
    /// Its name, as SPEC.md writes it.
    pub name: &'static str,
    /// What an access may do.
    pub access: Access,
    /// Its value after reset.
    pub reset: u64,
    /// What it holds, in one line.
    pub doc: &'static str,
}

/// Declares every CSR once: an address constant each, and [`TABLE`].
macro_rules! csrs {
    ($($name:ident = $addr:literal, $access:ident, reset $reset:literal, $doc:literal;)*) => {
        $(
            #[doc = $doc]
            pub const $name: u8 = $addr;
        )*
        /// Every CSR, in address order.
        pub const TABLE: &[Csr] = &[
            $(Csr {
                addr: $addr,
                name: stringify!($name),
                access: Access::$access,
                reset: $reset,
                doc: $doc,
            },)*
        ];
    };
}

csrs! {
    ENTRY      = 0x00, ReadWrite,   reset 0, "The single entry point of ordinary events.";
    ENTRY_CRIT = 0x01, ReadWrite,   reset 0, "The entry point of NMI, machine check and double fault.";
    CSTACK     = 0x02, ReadWrite,   reset 0, "The kernel stack top of a critical event taken outside a critical handler.";
    STATUS     = 0x03, WriteIfOnly, reset 0, "if, framed, nmi_blocked, prev_user, critical (bits 4:0; the rest read 0).";
    EVENT_INFO = 0x04, ReadOnly,    reset 0, "What the current event was: type, vector, error code, from_user, error_valid.";
    EVENT_DATA = 0x05, ReadOnly,    reset 0, "The current event's fault address, or 0.";
    URIP       = 0x10, UserCopy,    reset 0, "The user copy of RIP.";
    URSP       = 0x11, UserCopy,    reset 0, "The user copy of RSP.";
    UGS        = 0x12, UserCopy,    reset 0, "The user copy of GS base.";
}

/// The CSR at `addr`, or `None` for an unknown address.
pub fn lookup(addr: u8) -> Option<&'static Csr> {
    TABLE.iter().find(|c| c.addr == addr)
}

/// The CSR at `addr`; panics for an address that is not in [`TABLE`] (for
/// the RTL's elaboration and tests, which name CSRs by their constants).
pub fn get(addr: u8) -> &'static Csr {
    lookup(addr).unwrap_or_else(|| panic!("CSR address 0x{addr:02x} is not in csr::TABLE"))
}

/// The CSR called `name` (SPEC's spelling, any case).
pub fn by_name(name: &str) -> Option<&'static Csr> {
    TABLE.iter().find(|c| c.name.eq_ignore_ascii_case(name))
}

/// Is `addr` an implemented CSR?
pub fn exists(addr: u8) -> bool {
    lookup(addr).is_some()
}

/// Is `addr` a read-only CSR (a write raises #GP)?
pub fn read_only(addr: u8) -> bool {
    lookup(addr).is_some_and(|c| !c.access.writable())
}

/// Does a kernel-mode access to `addr` raise #GP (unknown address, or a
/// write to a read-only CSR)? User-mode accesses always do.
pub fn faults(addr: u8, write: bool) -> bool {
    match lookup(addr) {
        None => true,
        Some(c) => write && !c.access.writable(),
    }
}

/// Name of a CSR address, or `None` for an unknown one.
pub fn name(addr: u8) -> Option<&'static str> {
    lookup(addr).map(|c| c.name)
}

/// One bit per address (bit `a` for address `a`): the addresses for which
/// `pred` holds. The CSR file's decode is built from these maps.
pub fn address_map(pred: impl Fn(u8) -> bool) -> [bool; 256] {
    let mut map = [false; 256];
    for (a, bit) in map.iter_mut().enumerate() {
        *bit = pred(a as u8);
    }
    map
}

/// `docs/csrs.md`: the CSR list as a Markdown page, generated from
/// [`TABLE`] (a test keeps the file equal to this).
pub fn markdown() -> String {
    let mut s = String::from(
        "# CSRs\n\n\
         Generated from `ptu_arch::csr::TABLE` (`arch/src/csr.rs`); do not edit: \
         `cargo test -p ptu-arch` says when it is stale and prints the new text.\n\n\
         Kernel only: any access in user mode, a write to a read-only CSR, or an \
         address not listed raises #GP instead of taking effect (SPEC.md).\n\n\
         | addr | name | access | reset | holds |\n|---|---|---|---|---|\n",
    );
    for c in TABLE {
        s.push_str(&format!(
            "| 0x{:02x} | {} | {} | 0x{:x} | {} |\n",
            c.addr,
            c.name,
            c.access.spec(),
            c.reset,
            c.doc
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_address_order_with_unique_names() {
        for w in TABLE.windows(2) {
            assert!(w[0].addr < w[1].addr, "{} and {}", w[0].name, w[1].name);
        }
        for (i, a) in TABLE.iter().enumerate() {
            assert!(
                TABLE[i + 1..].iter().all(|b| b.name != a.name),
                "{}",
                a.name
            );
        }
    }

    #[test]
    fn spec_rules() {
        assert_eq!(TABLE.len(), 9);
        assert!(read_only(EVENT_INFO) && read_only(EVENT_DATA));
        assert!(!read_only(STATUS) && !read_only(0x07));
        assert!(faults(0x07, false) && faults(EVENT_DATA, true) && !faults(EVENT_DATA, false));
        assert_eq!(get(STATUS).access, Access::WriteIfOnly);
        assert_eq!(by_name("ugs").map(|c| c.addr), Some(UGS));
        assert_eq!(name(URSP), Some("URSP"));
        let map = address_map(exists);
        assert_eq!(map.iter().filter(|b| **b).count(), TABLE.len());
        assert!(markdown().contains("| 0x03 | STATUS | r; a write changes only `if` | 0x0 |"));
    }

    #[test]
    fn docs_list_is_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/csrs.md");
        let doc = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            doc == markdown(),
            "docs/csrs.md is not csr::TABLE; write this into it:\n{}",
            markdown()
        );
    }
}
