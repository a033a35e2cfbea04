//! The property wrapper `ptu_formal.v`: module `ptu_formal` instantiates
//! the emitted `ptu` as `dut`, drives all its inputs from free inputs,
//! states the core's obligations as `assume`s and each property as
//! immediate `assert`s in `always` blocks, for `read_verilog -formal`.
//!
//! The wrapper is generated: its ports, the instance and its constants
//! (CSR addresses, STATUS bits, EVENT_INFO encodings, the frame) come from
//! `ptu_arch`, so they cannot drift from SPEC's numbers. The properties
//! themselves are hand-written Verilog in `properties.v` beside this file,
//! one `` `ifdef CHECK_<id> `` block each.
//!
//! # Observing the architectural state
//!
//! SPEC's state that no port shows (the kernel/user copies, ENTRY,
//! ENTRY_CRIT, CSTACK, STATUS) is read from the design itself. Yosys 0.23
//! has no hierarchical references in formal flows, so the wrapper declares
//! undriven `(* keep *)` wires `obs_*`, and the prove script, after
//! `flatten`, connects each to the flattened signal that holds it
//! (`connect -nounset -set obs_krip dut.rename_bank.rip_copies.kernel_q`):
//! see [`OBSERVED`], whose signals are named by `ptu_arch::internal`. The
//! emitted file stays untouched. Every other piece of
//! SPEC state the properties need (NMI/MCE pending, the frame in flight)
//! is a small model in the wrapper, computed from the ports only.

use anyhow::{bail, Result};
use ptu_arch::{
    event_info, event_type, internal, status, vector, Dir, PtuConfig, CPL_KERNEL, CPL_USER,
};
use ptu_tools::verilog::range;
use std::fmt::Write;

/// One piece of architectural state read from the flattened design.
#[derive(Clone, Copy, Debug)]
pub struct Observed {
    /// The wrapper's wire.
    pub wire: &'static str,
    /// The state, by its key in `ptu_arch::internal::TABLE` (which says
    /// where it is and what it is).
    pub key: &'static str,
}

impl Observed {
    /// The signal inside `dut` after `flatten`: the internal name's path.
    pub fn source(&self) -> &'static str {
        self.entry().path
    }

    /// Its entry in `ptu_arch::internal::TABLE`.
    fn entry(&self) -> &'static internal::Internal {
        internal::get(self.key)
    }

    /// What it is, in SPEC's words.
    pub fn what(&self) -> &'static str {
        self.entry().what
    }
}

const fn obs(wire: &'static str, key: &'static str) -> Observed {
    Observed { wire, key }
}

/// The state the properties observe in every configuration, all XLEN
/// bits wide.
pub const OBSERVED: [Observed; 10] = [
    obs("obs_krip", "kernel_rip"),
    obs("obs_krsp", "kernel_rsp"),
    obs("obs_kgs", "kernel_gs"),
    obs("obs_urip", "urip"),
    obs("obs_ursp", "ursp"),
    obs("obs_ugs", "ugs"),
    obs("obs_entry", "entry"),
    obs("obs_entry_crit", "entry_crit"),
    obs("obs_cstack", "cstack"),
    obs("obs_status", "status"),
];

/// The state of option `irq_entry`: ENTRY_IRQ.
pub const OBSERVED_IRQ_ENTRY: [Observed; 1] = [obs("obs_entry_irq", "entry_irq")];

/// The state of option `fs_bank`: the kernel and user copies of FS base.
pub const OBSERVED_FS_BANK: [Observed; 2] = [obs("obs_kfs", "kernel_fs"), obs("obs_ufs", "ufs")];

/// The state the properties observe in the unit configured as `cfg`:
/// [`OBSERVED`], and that of its options; an error naming an internal
/// name that `ptu_arch::internal::TABLE` lacks.
pub fn observed(cfg: &PtuConfig) -> Result<Vec<Observed>> {
    let mut v = OBSERVED.to_vec();
    if cfg.irq_entry {
        v.extend(OBSERVED_IRQ_ENTRY);
    }
    if cfg.fs_bank {
        v.extend(OBSERVED_FS_BANK);
    }
    for o in &v {
        if internal::lookup(o.key).is_none() {
            bail!(
                "the proofs of configuration {} observe `{}`, which ptu_arch::internal::TABLE \
                 (arch/src/internal.rs) does not name: add it there",
                cfg.name,
                o.key
            );
        }
    }
    Ok(v)
}

/// The hand-written part: environment, SPEC model, properties.
pub const PROPERTIES_V: &str = include_str!("properties.v");

/// Name of the wrapper module.
pub const TOP: &str = "ptu_formal";

// `properties.v` builds EVENT_INFO as
// {14'd0, error_valid, from_user, error[31:0], vector[7:0], 5'd0, type[2:0]}.
const _: () = assert!(
    event_info::VECTOR_LSB == 8
        && event_info::ERROR_LSB == 16
        && event_info::FROM_USER == 48
        && event_info::ERROR_VALID == 49
        && event_info::TYPE_MASK == 0x7
);
// Three bits count the words of a frame (five, or six with xlen = 32);
// four bits count two frames' answers.
const _: () = assert!(ptu_arch::frame::WORDS >= 1 && ptu_arch::frame::WORDS < 8);

/// The wrapper's text for the default configuration.
pub fn wrapper() -> String {
    wrapper_for(&PtuConfig::default()).expect("the default configuration's state is named")
}

/// The macros the wrapper defines for `cfg`'s options, which
/// `properties.v` tests with `` `ifdef ``: `PTU_XLEN32` (the six-word
/// frame, EVENT_INFO in two words), `PTU_IRQ_ENTRY` (ENTRY_IRQ),
/// `PTU_FS_BANK` (the FS base copies and port).
pub fn option_macros(cfg: &PtuConfig) -> Vec<&'static str> {
    let mut v = Vec::new();
    if cfg.xlen == 32 {
        v.push("PTU_XLEN32");
    }
    if cfg.irq_entry {
        v.push("PTU_IRQ_ENTRY");
    }
    if cfg.fs_bank {
        v.push("PTU_FS_BANK");
    }
    v
}

/// The wrapper's text for the unit configured as `cfg`: its ports and
/// their widths, the state of its options, its CSRs and frame.
pub fn wrapper_for(cfg: &PtuConfig) -> Result<String> {
    let ports = cfg.ports();
    let xlen = cfg.xlen;
    let frame = cfg.frame();
    let mut v = String::new();
    let _ = writeln!(
        v,
        "// ptu_formal.v: the property wrapper of `ptu prove` (formal/src/wrapper.rs,\n\
         // formal/src/properties.v); read with `read_verilog -formal -DCHECK_<id>`.\n\
         // Generated; do not edit.{}\n",
        if cfg.is_default() {
            String::new()
        } else {
            format!("\n// Configuration: {}", cfg.describe())
        }
    );
    for m in option_macros(cfg) {
        let _ = writeln!(v, "`define {m}");
    }
    let inputs: Vec<String> = ports
        .iter()
        .filter(|(_, d, _)| *d == Dir::In)
        .map(|(n, _, w)| format!("    input wire {}{n}", range(*w)))
        .collect();
    let _ = writeln!(v, "module {TOP}(\n{}\n);", inputs.join(",\n"));
    for (n, _, w) in ports.iter().filter(|(_, d, _)| *d == Dir::Out) {
        let _ = writeln!(v, "    wire {}{n};", range(*w));
    }
    let conns: Vec<String> = ports
        .iter()
        .map(|(n, _, _)| format!("        .{n}({n})"))
        .collect();
    let _ = writeln!(
        v,
        "    {} dut(\n{}\n    );\n",
        ptu_rtl::verilog::TOP,
        conns.join(",\n")
    );

    v.push_str("    // Architectural state, connected by the prove script after `flatten`.\n");
    for o in observed(cfg)? {
        let _ = writeln!(
            v,
            "    (* keep *) wire {}{}; // {}: dut.{}",
            range(xlen),
            o.wire,
            o.what(),
            o.source()
        );
    }

    // Constants, from ptu_arch.
    let gp_user = event_info::pack(event_type::HARDWARE_EXCEPTION, vector::GP, 0, true, true);
    let df = event_info::pack(event_type::HARDWARE_EXCEPTION, vector::DF, 0, false, true);
    let consts = [
        format!("localparam XLEN = {xlen};"),
        format!("localparam [{}:0] XZERO = {xlen}'d0;", xlen - 1),
        format!("localparam [1:0] CPL_KERNEL = 2'd{CPL_KERNEL}, CPL_USER = 2'd{CPL_USER};"),
        format!(
            "localparam STATUS_IF = {}, STATUS_FRAMED = {}, STATUS_NMI_BLOCKED = {}, \
             STATUS_PREV_USER = {}, STATUS_CRITICAL = {};",
            status::IF,
            status::FRAMED,
            status::NMI_BLOCKED,
            status::PREV_USER,
            status::CRITICAL
        ),
        format!(
            "localparam [{m}:0] STATUS_MASK = {xlen}'h{:x}, STATUS_NB_MASK = {xlen}'h{:x}, \
             STATUS_PREV_USER_MASK = {xlen}'h{:x};",
            status::MASK,
            1u64 << status::NMI_BLOCKED,
            1u64 << status::PREV_USER,
            m = xlen - 1
        ),
        format!(
            "localparam [63:0] INFO_MASK = 64'h{:x}, INFO_FROM_USER = 64'h{:x};",
            event_info::MASK,
            1u64 << event_info::FROM_USER
        ),
        format!("localparam [63:0] INFO_DF = 64'h{df:x}, INFO_GP_USER = 64'h{gp_user:x};"),
        format!(
            "localparam [2:0] TYPE_IRQ = 3'd{}, TYPE_NMI = 3'd{}, TYPE_EXCEPTION = 3'd{}, \
             TYPE_OTHER = 3'd{};",
            event_type::EXTERNAL_INTERRUPT,
            event_type::NMI,
            event_type::HARDWARE_EXCEPTION,
            event_type::OTHER
        ),
        format!(
            "localparam [7:0] VECTOR_SYSCALL = 8'd{}, VECTOR_NMI = 8'd{}, VECTOR_GP = 8'd{}, \
             VECTOR_MC = 8'd{};",
            vector::SYSCALL,
            vector::NMI,
            vector::GP,
            vector::MC
        ),
        format!(
            "localparam [{}:0] WORD_BYTES = {xlen}'d{};",
            xlen - 1,
            frame.word_bytes
        ),
        format!("localparam [2:0] LAST_WORD = 3'd{};", frame.words - 1),
        format!(
            "localparam [3:0] MAX_ANSWERS_BEFORE_LAST = 4'd{};",
            2 * frame.words - 1
        ),
    ];
    v.push_str("\n    // SPEC's encodings (ptu_arch).\n");
    for c in consts {
        let _ = writeln!(v, "    {c}");
    }
    let csrs = cfg.csrs();
    let known: Vec<String> = csrs
        .iter()
        .map(|c| format!("csr_addr == 8'h{:02x}", c.addr))
        .collect();
    let read_only: Vec<String> = csrs
        .iter()
        .filter(|c| !c.access.writable())
        .map(|c| format!("csr_addr == 8'h{:02x}", c.addr))
        .collect();
    let _ = writeln!(v, "    wire csr_known = {};", known.join(" || "));
    let _ = writeln!(v, "    wire csr_read_only = {};\n", read_only.join(" || "));
    v.push_str(PROPERTIES_V);
    v.push_str("endmodule\n");
    for m in option_macros(cfg) {
        let _ = writeln!(v, "`undef {m}");
    }
    Ok(v)
}

/// The Yosys commands that connect the `obs_*` wires (after `flatten`),
/// for the default configuration.
pub fn connect_commands() -> Vec<String> {
    connect_commands_for(&PtuConfig::default()).expect("the default configuration's state is named")
}

/// The Yosys commands that connect the `obs_*` wires of `cfg`'s wrapper.
pub fn connect_commands_for(cfg: &PtuConfig) -> Result<Vec<String>> {
    Ok(observed(cfg)?
        .iter()
        .map(|o| format!("connect -nounset -set {} dut.{}", o.wire, o.source()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptu_arch::PORTS;

    #[test]
    fn every_input_is_free_and_every_port_is_connected() {
        let v = wrapper();
        for (n, d, w) in PORTS {
            assert!(v.contains(&format!("        .{n}({n})")), "{n}");
            let decl = match d {
                Dir::In => format!("input wire {}{n}", range(w)),
                Dir::Out => format!("    wire {}{n};", range(w)),
            };
            assert!(v.contains(&decl), "{decl}");
        }
        assert_eq!(v.matches("endmodule").count(), 1);
        assert!(v.starts_with("// ptu_formal.v"));
    }

    #[test]
    fn constants_are_spec_numbers() {
        let v = wrapper();
        // #GP from user: type 3, vector 13, error 0 valid, from_user.
        assert!(v.contains("INFO_GP_USER = 64'h3000000000d03;"), "{v}");
        // #DF: type 3, vector 8, error 0 valid.
        assert!(v.contains("INFO_DF = 64'h2000000000803,"));
        assert!(v.contains("LAST_WORD = 3'd4;"));
        assert!(v.contains("MAX_ANSWERS_BEFORE_LAST = 4'd9;"));
        assert!(v.contains("wire csr_read_only = csr_addr == 8'h04 || csr_addr == 8'h05;"));
        assert!(v.contains("csr_addr == 8'h12;"));
        assert!(v.contains("localparam XLEN = 64;"));
        assert!(!v.contains("`define PTU_"));
    }

    #[test]
    fn a_configuration_gets_its_ports_state_csrs_and_frame() {
        let small = ptu_arch::config::preset("ice40-small-32").unwrap().config();
        let v = wrapper_for(&small).unwrap();
        assert!(v.contains("`define PTU_XLEN32\n"), "{v}");
        assert!(v.contains("input wire [31:0] next_rip"));
        assert!(v.contains("    wire [63:0] event_info;"));
        assert!(v.contains("(* keep *) wire [31:0] obs_status;"));
        assert!(v.contains("LAST_WORD = 3'd5;"));
        assert!(v.contains("MAX_ANSWERS_BEFORE_LAST = 4'd11;"));
        assert!(v.contains("WORD_BYTES = 32'd4;"));
        // EVENT_INFO_H is a known, read-only CSR.
        assert!(v.contains(
            "wire csr_read_only = csr_addr == 8'h04 || csr_addr == 8'h05 || csr_addr == 8'h06;"
        ));
        let full = ptu_arch::config::preset("x86_64-full").unwrap().config();
        let v = wrapper_for(&full).unwrap();
        for m in ["PTU_IRQ_ENTRY", "PTU_FS_BANK"] {
            assert!(v.contains(&format!("`define {m}\n")), "{m}");
        }
        assert!(!v.contains("`define PTU_XLEN32"));
        for p in ["fs_we", "fs_wdata", "fs_base"] {
            assert!(v.contains(&format!("        .{p}({p})")), "{p}");
        }
        for w in ["obs_entry_irq", "obs_kfs", "obs_ufs"] {
            assert!(v.contains(&format!("(* keep *) wire [63:0] {w};")), "{w}");
        }
        assert!(v.contains("csr_addr == 8'h08") && v.contains("csr_addr == 8'h13"));
        assert_eq!(
            connect_commands_for(&full).unwrap().len(),
            OBSERVED.len() + 3
        );
    }

    #[test]
    fn every_observed_wire_is_declared_and_connected() {
        let v = wrapper();
        let cmds = connect_commands();
        for (o, c) in OBSERVED.iter().zip(&cmds) {
            assert!(v.contains(&format!("(* keep *) wire [63:0] {};", o.wire)));
            assert_eq!(
                c,
                &format!("connect -nounset -set {} dut.{}", o.wire, o.source())
            );
            assert_eq!(internal::get(o.key).width, 64, "{}", o.key);
        }
    }
}
