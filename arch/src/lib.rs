//! Architectural encodings of the privilege-transition unit, its
//! configuration ([`config`]: options, presets, TOML form; [`cli`]: its
//! `--config FILE | --preset NAME` flags, shared by every command, and the
//! check of what the RTL is generated for), and the bundles of its ports.
//!
//! This is the one place where SPEC.md's numbers live: event types,
//! vectors, CSR addresses, STATUS bits and EVENT_INFO fields. The RTL
//! (`ptu-rtl`), the reference model (`ptu-sim`) and every generated
//! testbench take them from here. Plain Rust, no HDL.
//!
//! Two tables are declared here once and read everywhere else: [`csr`],
//! every CSR with its address, access rule, reset value and doc; and
//! [`internal`], the names inside the emitted design that the proofs, the
//! waveform groups and the mutants read.

/// Width of RIP, RSP, GS base and the CSRs.
pub const XLEN: usize = 64;

/// `cpl` value of kernel mode.
pub const CPL_KERNEL: u8 = 0;
/// `cpl` value of user mode.
pub const CPL_USER: u8 = 3;

/// Event types (EVENT_INFO bits 2:0), FRED's numbering.
pub mod event_type {
    pub const EXTERNAL_INTERRUPT: u8 = 0;
    pub const NMI: u8 = 2;
    pub const HARDWARE_EXCEPTION: u8 = 3;
    pub const OTHER: u8 = 7;
    /// Name of an event type, for logs and waveform viewers.
    pub fn name(t: u8) -> &'static str {
        match t {
            EXTERNAL_INTERRUPT => "IRQ",
            NMI => "NMI",
            HARDWARE_EXCEPTION => "EXCEPTION",
            OTHER => "SYSCALL",
            _ => "?",
        }
    }
}

/// x86 vectors used by the unit itself.
pub mod vector {
    pub const DE: u8 = 0;
    pub const NMI: u8 = 2;
    pub const UD: u8 = 6;
    pub const DF: u8 = 8;
    pub const GP: u8 = 13;
    pub const PF: u8 = 14;
    pub const MC: u8 = 18;
    pub const SYSCALL: u8 = 0;
    /// First vector of external interrupts.
    pub const FIRST_IRQ: u8 = 32;
}

pub mod cli;
pub mod config;
pub mod csr;
pub mod internal;

pub use config::{ConfigName, FrameLayout, Preset, PtuConfig, PRESETS};

/// STATUS bit positions.
pub mod status {
    /// Interrupts enabled in kernel mode.
    pub const IF: u32 = 0;
    /// The current handler was entered with a frame pushed.
    pub const FRAMED: u32 = 1;
    /// NMIs are blocked.
    pub const NMI_BLOCKED: u32 = 2;
    /// The current handler interrupted user mode.
    pub const PREV_USER: u32 = 3;
    /// The current handler runs on the critical stack.
    pub const CRITICAL: u32 = 4;
    /// Bits that exist; all others read 0.
    pub const MASK: u64 = 0x1f;
}

/// EVENT_INFO field positions.
pub mod event_info {
    /// Bits 2:0: event type.
    pub const TYPE_LSB: u32 = 0;
    pub const TYPE_MASK: u64 = 0x7;
    /// Bits 15:8: vector.
    pub const VECTOR_LSB: u32 = 8;
    /// Bits 47:16: error code.
    pub const ERROR_LSB: u32 = 16;
    /// Bit 48: the event interrupted user mode.
    pub const FROM_USER: u32 = 48;
    /// Bit 49: the error code is valid.
    pub const ERROR_VALID: u32 = 49;
    /// Bits that exist; all others read 0.
    pub const MASK: u64 = 0x0003_ffff_ffff_ff07;

    /// Pack the fields of EVENT_INFO.
    pub fn pack(ty: u8, vector: u8, error: u32, from_user: bool, error_valid: bool) -> u64 {
        ((ty as u64) & TYPE_MASK)
            | ((vector as u64) << VECTOR_LSB)
            | ((error as u64) << ERROR_LSB)
            | ((from_user as u64) << FROM_USER)
            | ((error_valid as u64) << ERROR_VALID)
    }

    /// The fields of an EVENT_INFO value.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Fields {
        pub ty: u8,
        pub vector: u8,
        pub error: u32,
        pub from_user: bool,
        pub error_valid: bool,
    }

    /// Unpack the fields of EVENT_INFO.
    pub fn unpack(v: u64) -> Fields {
        Fields {
            ty: (v & TYPE_MASK) as u8,
            vector: (v >> VECTOR_LSB) as u8,
            error: (v >> ERROR_LSB) as u32,
            from_user: (v >> FROM_USER) & 1 == 1,
            error_valid: (v >> ERROR_VALID) & 1 == 1,
        }
    }
}

/// The frame: five 64-bit words pushed below the chosen stack top.
pub mod frame {
    /// Number of words in a frame.
    pub const WORDS: u64 = 5;
    /// Bytes per word.
    pub const WORD_BYTES: u64 = 8;
    /// Bytes of a whole frame.
    pub const BYTES: u64 = WORDS * WORD_BYTES;
    /// Offsets from the lowest word (the new kernel RSP), in bytes.
    pub const OFF_EVENT_DATA: u64 = 0;
    pub const OFF_EVENT_INFO: u64 = 8;
    pub const OFF_STATUS: u64 = 16;
    pub const OFF_RSP: u64 = 24;
    pub const OFF_RIP: u64 = 32;
}

/// `n` and the noun in its number: `count(1, "cycle", "cycles")` is
/// "1 cycle", `count(6, ...)` "6 cycles".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A number as a user writes it on the command line or in a config: decimal
/// or `0x` hex, `_` allowed between digits. The error says how to write it.
pub fn parse_u64(s: &str) -> Result<u64, String> {
    let t = s.replace('_', "");
    let r = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => t.parse(),
    };
    r.map_err(|e| match e.kind() {
        std::num::IntErrorKind::PosOverflow => {
            format!("'{s}' is too large for 64 bits: the largest value is 0xffff_ffff_ffff_ffff")
        }
        _ => format!("'{s}' is not a number: write it in decimal or as 0x hex"),
    })
}

/// Direction of a port of `ptu`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    In,
    Out,
}

/// SPEC.md's port table of module `ptu`: name, direction, width, in
/// SPEC's order.
pub const PORTS: [(&str, Dir, usize); 41] = [
    ("clock", Dir::In, 1),
    ("reset", Dir::In, 1),
    ("cpl", Dir::Out, 2),
    ("rip", Dir::Out, XLEN),
    ("rsp", Dir::Out, XLEN),
    ("gs_base", Dir::Out, XLEN),
    ("retire", Dir::In, 1),
    ("next_rip", Dir::In, XLEN),
    ("rsp_we", Dir::In, 1),
    ("rsp_wdata", Dir::In, XLEN),
    ("gs_we", Dir::In, 1),
    ("gs_wdata", Dir::In, XLEN),
    ("op_syscall", Dir::In, 1),
    ("op_eret", Dir::In, 1),
    ("csr_re", Dir::In, 1),
    ("csr_we", Dir::In, 1),
    ("csr_addr", Dir::In, 8),
    ("csr_wdata", Dir::In, XLEN),
    ("csr_rdata", Dir::Out, XLEN),
    ("exc_valid", Dir::In, 1),
    ("exc_vector", Dir::In, 8),
    ("exc_error", Dir::In, 32),
    ("exc_error_valid", Dir::In, 1),
    ("exc_data", Dir::In, XLEN),
    ("irq", Dir::In, 1),
    ("irq_vector", Dir::In, 8),
    ("irq_ack", Dir::Out, 1),
    ("nmi", Dir::In, 1),
    ("mce", Dir::In, 1),
    ("redirect", Dir::Out, 1),
    ("busy", Dir::Out, 1),
    ("event_info", Dir::Out, 64),
    ("event_data", Dir::Out, XLEN),
    ("mem_valid", Dir::Out, 1),
    ("mem_we", Dir::Out, 1),
    ("mem_addr", Dir::Out, XLEN),
    ("mem_wdata", Dir::Out, XLEN),
    ("mem_ready", Dir::In, 1),
    ("mem_rdata", Dir::In, XLEN),
    ("mem_err", Dir::In, 1),
    ("shutdown", Dir::Out, 1),
];

/// The inputs of `ptu` in one cycle (everything but `clock`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Inputs {
    pub reset: bool,
    pub retire: bool,
    pub next_rip: u64,
    pub rsp_we: bool,
    pub rsp_wdata: u64,
    pub gs_we: bool,
    pub gs_wdata: u64,
    /// `fs_we`, `fs_wdata` (option `fs_bank`; ignored without it).
    pub fs_we: bool,
    pub fs_wdata: u64,
    pub op_syscall: bool,
    pub op_eret: bool,
    pub csr_re: bool,
    pub csr_we: bool,
    pub csr_addr: u8,
    pub csr_wdata: u64,
    pub exc_valid: bool,
    pub exc_vector: u8,
    pub exc_error: u32,
    pub exc_error_valid: bool,
    pub exc_data: u64,
    pub irq: bool,
    pub irq_vector: u8,
    pub nmi: bool,
    pub mce: bool,
    pub mem_ready: bool,
    pub mem_rdata: u64,
    pub mem_err: bool,
}

/// Inputs of common cycles of a core; everything else absent.
impl Inputs {
    /// `reset` high.
    pub fn reset() -> Self {
        Self {
            reset: true,
            ..Self::default()
        }
    }

    /// The current instruction completes; the next one is at `next_rip`.
    pub fn retire(next_rip: u64) -> Self {
        Self {
            retire: true,
            next_rip,
            ..Self::default()
        }
    }

    /// SYSCALL, returning to `next_rip`.
    pub fn syscall(next_rip: u64) -> Self {
        Self {
            op_syscall: true,
            next_rip,
            ..Self::default()
        }
    }

    /// ERET.
    pub fn eret() -> Self {
        Self {
            op_eret: true,
            ..Self::default()
        }
    }

    /// Read the CSR at `addr`.
    pub fn csr_read(addr: u8) -> Self {
        Self {
            csr_re: true,
            csr_addr: addr,
            ..Self::default()
        }
    }

    /// Write `value` to the CSR at `addr`.
    pub fn csr_write(addr: u8, value: u64) -> Self {
        Self {
            csr_we: true,
            csr_addr: addr,
            csr_wdata: value,
            ..Self::default()
        }
    }

    /// The current instruction faults with `vector`, an optional error
    /// code, and `data` for EVENT_DATA.
    pub fn fault(vector: u8, error: Option<u32>, data: u64) -> Self {
        Self {
            exc_valid: true,
            exc_vector: vector,
            exc_error: error.unwrap_or(0),
            exc_error_valid: error.is_some(),
            exc_data: data,
            ..Self::default()
        }
    }
}

/// The outputs of `ptu` in one cycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outputs {
    pub cpl: u8,
    pub rip: u64,
    pub rsp: u64,
    pub gs_base: u64,
    /// `fs_base` (option `fs_bank`; 0 without it). Not in
    /// [`Outputs::ports`], which lists the default unit's ports; compared
    /// by [`Outputs::diff`].
    pub fs_base: u64,
    pub csr_rdata: u64,
    pub irq_ack: bool,
    pub redirect: bool,
    pub busy: bool,
    pub event_info: u64,
    pub event_data: u64,
    pub mem_valid: bool,
    pub mem_we: bool,
    pub mem_addr: u64,
    pub mem_wdata: u64,
    pub shutdown: bool,
}

impl Outputs {
    /// Names and values of every output port, in SPEC's order.
    pub fn ports(&self) -> [(&'static str, u64); 15] {
        [
            ("cpl", self.cpl as u64),
            ("rip", self.rip),
            ("rsp", self.rsp),
            ("gs_base", self.gs_base),
            ("csr_rdata", self.csr_rdata),
            ("irq_ack", self.irq_ack as u64),
            ("redirect", self.redirect as u64),
            ("busy", self.busy as u64),
            ("event_info", self.event_info),
            ("event_data", self.event_data),
            ("mem_valid", self.mem_valid as u64),
            ("mem_we", self.mem_we as u64),
            ("mem_addr", self.mem_addr),
            ("mem_wdata", self.mem_wdata),
            ("shutdown", self.shutdown as u64),
        ]
    }

    /// Every port whose value differs from `other`: (name, self, other),
    /// `fs_base` (option `fs_bank`) last.
    pub fn diff(&self, other: &Outputs) -> Vec<(&'static str, u64, u64)> {
        let mut d: Vec<_> = self
            .ports()
            .iter()
            .zip(other.ports().iter())
            .filter(|(a, b)| a.1 != b.1)
            .map(|(a, b)| (a.0, a.1, b.1))
            .collect();
        if self.fs_base != other.fs_base {
            d.push(("fs_base", self.fs_base, other.fs_base));
        }
        d
    }

    /// How the design's outputs `self` differ from the expected `want`,
    /// for messages: `rip is 0x1000, expected 0x2000; busy is 0x0, ...`
    /// (empty when they are equal).
    pub fn describe_diff(&self, want: &Outputs) -> String {
        self.diff(want)
            .iter()
            .map(|(port, got, exp)| format!("{port} is 0x{got:x}, expected 0x{exp:x}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_info_round_trips() {
        let v = event_info::pack(3, 14, 0xdead_beef, true, true);
        assert_eq!(v & !event_info::MASK, 0);
        let f = event_info::unpack(v);
        assert_eq!((f.ty, f.vector, f.error), (3, 14, 0xdead_beef));
        assert!(f.from_user && f.error_valid);
    }

    #[test]
    fn outputs_diff_names_ports() {
        let a = Outputs::default();
        let b = Outputs {
            rip: 4,
            busy: true,
            ..a
        };
        assert_eq!(a.describe_diff(&a), "");
        let d = a.diff(&b);
        assert_eq!(d, vec![("rip", 0, 4), ("busy", 0, 1)]);
        assert_eq!(
            a.describe_diff(&b),
            "rip is 0x0, expected 0x4; busy is 0x0, expected 0x1"
        );
    }
}
