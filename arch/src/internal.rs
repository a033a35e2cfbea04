//! Internal names: the state and signals inside the emitted `ptu` that a
//! proof, a waveform group or a mutant reads, each spelled once, in
//! [`TABLE`].
//!
//! An entry's `path` goes from the `ptu` module through instance names to
//! a signal declared in the last instance's module, as the emitted Verilog
//! (`rtl/generated/ptu.v`) names them: `rename_bank.rip_copies.kernel_q` is
//! port `kernel_q` of instance `rip_copies` inside instance `rename_bank`.
//! The same path names the signal
//!
//! * in a VCD of any producer, relative to the `ptu` instance (rust-hdl
//!   names its scopes after the same struct fields the emitted Verilog
//!   names its instances after);
//! * in the design Yosys flattens for the proofs (`dut.` + path);
//! * inside one block's module, for a mutant's pattern: relative to the
//!   block's instance, with `.` becoming `_` (rust-hdl's name for a
//!   sub-block's port seen from its parent: `mce_pending.q` is
//!   `mce_pending_q` inside `ptu_entry_unit`), see [`local_name`].
//!
//! `rtl/tests/emitted.rs` checks every entry against the emitted file with
//! [`resolve`]; when the RTL renames a register, that test names the entry
//! to fix here, and the waveforms, the proofs and the mutants follow.

/// One internal name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Internal {
    /// What code asks for: [`get`]`("kernel_rip")`, `{kernel_rip}` in a
    /// mutant's pattern.
    pub key: &'static str,
    /// Instances from `ptu`, then the signal, separated by `.`.
    pub path: &'static str,
    /// Width in bits.
    pub width: usize,
    /// What it holds or means, in SPEC's words.
    pub what: &'static str,
    /// The configurations whose unit has it.
    pub needs: Needs,
}

/// Which configurations' units have an internal name: the options' code is
/// only in the units of configurations with that option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// Every unit.
    Always,
    /// A unit with `irq_entry = true`.
    IrqEntry,
    /// A unit with `fs_bank = true`.
    FsBank,
    /// A unit with `xlen = 32`.
    Xlen32,
}

const fn n(key: &'static str, path: &'static str, width: usize, what: &'static str) -> Internal {
    o(Needs::Always, key, path, width, what)
}

const fn o(
    needs: Needs,
    key: &'static str,
    path: &'static str,
    width: usize,
    what: &'static str,
) -> Internal {
    Internal {
        key,
        path,
        width,
        what,
        needs,
    }
}

/// Every internal name. The CSRs' registers are keyed by the CSR's name in
/// lower case (`entry`, `urip`, ...), one for each row of `csr::TABLE`.
#[rustfmt::skip]
pub const TABLE: &[Internal] = &[
    // The renamed registers (rename bank).
    n("kernel_rip",                    "rename_bank.rip_copies.kernel_q", 64, "kernel copy of RIP"),
    n("kernel_rsp",                    "rename_bank.rsp_copies.kernel_q", 64, "kernel copy of RSP"),
    n("kernel_gs",                     "rename_bank.gs_copies.kernel_q",  64, "kernel copy of GS base"),
    n("urip",                          "rename_bank.rip_copies.user_q",   64, "URIP: user copy of RIP"),
    n("ursp",                          "rename_bank.rsp_copies.user_q",   64, "URSP: user copy of RSP"),
    n("ugs",                           "rename_bank.gs_copies.user_q",    64, "UGS: user copy of GS base"),
    n("user_mode",                     "rename_bank.user_mode.q",          1, "CPL as one bit: 1 user (CPL 3), 0 kernel"),
    n("kernel_rip_we",                 "rename_bank.krip_we",              1, "the kernel RIP is written at this edge (retire in kernel mode, an entry or a return)"),
    // The CSR file.
    n("entry",                         "csr_file.entry_q.q",              64, "ENTRY"),
    n("entry_crit",                    "csr_file.entry_crit_q.q",         64, "ENTRY_CRIT"),
    n("cstack",                        "csr_file.cstack_q.q",             64, "CSTACK"),
    n("status",                        "csr_file.status",                 64, "STATUS as a word"),
    n("csr_fault",                     "csr_file.csr_fault",               1, "the CSR access of this cycle raises #GP"),
    n("csr_file_user",                 "csr_file.user",                    1, "user mode, as the CSR file sees it"),
    n("csr_ok",                        "csr_file.csr_ok",                  1, "in kernel mode, the CSR access of this cycle (if any) would not fault"),
    // The entry unit.
    n("event_info",                    "entry_unit.event_info_q.q",       64, "EVENT_INFO"),
    n("event_data",                    "entry_unit.event_data_q.q",       64, "EVENT_DATA"),
    n("nmi_pending",                   "entry_unit.nmi_pending.q",         1, "an NMI is pending"),
    n("mce_pending",                   "entry_unit.mce_pending.q",         1, "a machine check is pending"),
    n("shutdown_reg",                  "entry_unit.shutdown_q.q",          1, "shut down by a triple fault"),
    n("inflight_info",                 "entry_unit.inflight_info.q",      64, "EVENT_INFO of the event whose frame is being pushed"),
    n("inflight_critical",             "entry_unit.inflight_critical.q",   1, "the event whose frame is being pushed is critical"),
    n("idle",                          "entry_unit.idle",                  1, "neither busy nor shut down: inputs are looked at"),
    n("calm",                          "entry_unit.calm",                  1, "not busy, not shut down, no critical event ready"),
    n("quiet_kernel",                  "entry_unit.quiet_kernel",          1, "kernel mode and no interrupt taken"),
    n("pick_crit",                     "entry_unit.pick_crit",             1, "the completing entry is a critical event's: a transfer runs and its event is critical"),
    n("take_nmi",                      "entry_unit.take_nmi",              1, "the NMI is taken at this edge"),
    n("take_critical",                 "entry_unit.take_critical",         1, "a critical event is taken at this edge"),
    n("push_done",                     "entry_unit.push_done",             1, "the fifth word of a push completes at this edge"),
    n("krip_value",                    "entry_unit.krip_value",           64, "the entry point of the completing entry"),
    n("push_addr",                     "entry_unit.push_addr",            64, "the stack top below which a push starts its frame"),
    n("new_info",                      "entry_unit.new_info",             64, "EVENT_INFO of the event decided at this edge"),
    n("from_user_mask",                "entry_unit.from_user_mask",       64, "EVENT_INFO.from_user as a mask"),
    n("entry_unit_user",               "entry_unit.user",                  1, "user mode, as the entry unit sees it"),
    n("entry_unit_busy",               "entry_unit.busy",                  1, "a frame transfer runs, as the entry unit sees it"),
    n("entry_unit_kernel_rsp",         "entry_unit.kernel_rsp",           64, "the kernel RSP, as the entry unit sees it"),
    n("entry_unit_entry_point",        "entry_unit.entry_point",          64, "ENTRY, or ENTRY_CRIT with pick_crit, as the entry unit sees it"),
    n("entry_unit_status_critical",    "entry_unit.status_critical",       1, "STATUS.critical, as the entry unit sees it"),
    n("entry_unit_status_nmi_blocked", "entry_unit.status_nmi_blocked",    1, "STATUS.nmi_blocked, as the entry unit sees it"),
    // The return path.
    n("restore_user",                  "return_path.restore_user",         1, "a framed ERET returns to user"),
    n("return_path_status_prev_user",  "return_path.status_prev_user",     1, "STATUS.prev_user of the handler executing ERET"),
    // The frame sequencer.
    n("frame_addr",                    "frame_sequencer.word_addr",       64, "address of the frame word being transferred"),
    n("frame_addr_reg",                "frame_sequencer.addr.q",          64, "the sequencer's address register: a pop's word, or the word above a push's; outside a transfer, the top of the next start"),
    n("frame_step",                    "frame_sequencer.step.y",          64, "the next word from the address register: below it in a push (the word it transfers), above it in a pop"),
    n("frame_step_en",                 "frame_sequencer.step.en",          1, "the word of this cycle is the step below the address register (a push)"),
    n("frame_active",                  "frame_sequencer.active.q",         1, "a frame transfer runs"),
    n("frame_pop",                     "frame_sequencer.pop.q",            1, "the running transfer is a pop"),
    n("frame_word",                    "frame_sequencer.index.q",          3, "index of the frame word being transferred (0 to 4; 0 to 5 with xlen = 32)"),
    n("frame_word_status",             "frame_sequencer.word_status",     64, "the STATUS word of the frame being pushed"),
    n("frame_word_info",               "frame_sequencer.word_info",       64, "the EVENT_INFO word of the frame being pushed (bits 31:0 with xlen = 32)"),
    // The options' code (docs/spec.md, Options): only in the units that have it.
    o(Needs::IrqEntry, "entry_irq",            "csr_file.entry_irq_q.q",       64, "ENTRY_IRQ (irq_entry)"),
    o(Needs::IrqEntry, "irq_entry_on",         "entry_unit.irq_entry",          1, "option irq_entry, as the entry unit's constant"),
    o(Needs::IrqEntry, "enter_irq",            "entry_unit.enter_irq",          1, "the completing entry is an external interrupt's"),
    o(Needs::IrqEntry, "entry_unit_entry_irq", "entry_unit.entry_irq",         64, "ENTRY_IRQ, as the entry unit sees it"),
    o(Needs::FsBank,   "kernel_fs",            "fs_bank.fs_copies.kernel_q",   64, "kernel copy of FS base (fs_bank)"),
    o(Needs::FsBank,   "ufs",                  "fs_bank.fs_copies.user_q",     64, "UFS: user copy of FS base (fs_bank)"),
    o(Needs::FsBank,   "fs_level_user",        "fs_bank.level_user",            1, "the level whose FS copy fs_base shows, and whose value a write of the user copy takes (user when 1)"),
    o(Needs::FsBank,   "fs_bank_user",         "fs_bank.user",                  1, "user mode, as the FS bank sees it"),
    o(Needs::FsBank,   "fs_banked",            "fs_bank.banked",                1, "the FS bank has two copies (a constant)"),
    o(Needs::Xlen32,   "frame_word_info_hi",   "frame_sequencer.word_info_hi", 64, "EVENT_INFO bits 63:32, the frame word pushed before bits 31:0 (xlen = 32)"),
];

/// The entries that are 64 bits wide whatever `xlen` is: EVENT_INFO and
/// what is built from it (docs/spec.md section 14.1). Every other entry
/// of width 64 in [`TABLE`] is XLEN bits wide.
pub const FIXED_64: [&str; 4] = ["event_info", "inflight_info", "new_info", "from_user_mask"];

impl Internal {
    /// Whether the unit of `cfg` has this name.
    pub fn in_config(&self, cfg: &crate::PtuConfig) -> bool {
        match self.needs {
            Needs::Always => true,
            Needs::IrqEntry => cfg.irq_entry,
            Needs::FsBank => cfg.fs_bank,
            Needs::Xlen32 => cfg.xlen == 32,
        }
    }

    /// The width of this entry in the unit of width `xlen`: [`Internal::width`]
    /// is the 64-bit unit's.
    pub fn width_in(&self, xlen: usize) -> usize {
        if self.width == 64 && !FIXED_64.contains(&self.key) {
            xlen
        } else {
            self.width
        }
    }
}

/// The entry called `key`, or `None`.
pub fn lookup(key: &str) -> Option<&'static Internal> {
    TABLE.iter().find(|e| e.key == key)
}

/// The entry called `key`; panics naming the table when there is none (a
/// key is spelled in the code that asks for it, so this is a bug there).
pub fn get(key: &str) -> &'static Internal {
    lookup(key).unwrap_or_else(|| {
        panic!("no internal name `{key}` in ptu_arch::internal::TABLE (arch/src/internal.rs)")
    })
}

/// The name of the entry `key` inside the module of the instance at
/// `instance` (a path from `ptu`, `""` for `ptu` itself): the rest of its
/// path, `.` becoming `_`. The rest may name a signal of that module
/// (`push_addr`) or a port of one of its instances (`mce_pending.q`).
pub fn local_name(key: &str, instance: &str) -> Result<String, String> {
    let e = lookup(key)
        .ok_or_else(|| format!("no internal name `{key}` in ptu_arch::internal::TABLE"))?;
    let rest = if instance.is_empty() {
        e.path
    } else {
        e.path
            .strip_prefix(instance)
            .and_then(|r| r.strip_prefix('.'))
            .ok_or_else(|| {
                format!(
                    "internal name `{key}` ({}) is not inside instance `{instance}`",
                    e.path
                )
            })?
    };
    if rest.matches('.').count() > 1 {
        return Err(format!(
            "internal name `{key}` ({}) is more than one instance below `{instance}`",
            e.path
        ));
    }
    Ok(rest.replace('.', "_"))
}

/// Where a path points in an emitted Verilog file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The module that declares the signal.
    pub module: String,
    /// The signal's name there.
    pub signal: String,
    /// Its declared width in bits.
    pub width: usize,
}

/// The body of `module NAME(` ... `endmodule` in `verilog`.
fn module_body<'a>(verilog: &'a str, name: &str) -> Option<&'a str> {
    let head = format!("module {name}(");
    let start = verilog
        .lines()
        .scan(0usize, |pos, line| {
            let at = *pos;
            *pos += line.len() + 1;
            Some((at, line))
        })
        .find(|(_, line)| line.starts_with(&head))?
        .0;
    let end = verilog[start..].find("endmodule")? + start;
    Some(&verilog[start..end])
}

/// The ports of `module` in `verilog` as (name, direction, width), in the
/// order of its header `module NAME(a,b,...);`, each read from its
/// `input`/`output` declaration (`[M:0]` or one bit); or what is missing.
pub fn ports(verilog: &str, module: &str) -> Result<Vec<(String, crate::Dir, usize)>, String> {
    let body = module_body(verilog, module).ok_or_else(|| format!("no module `{module}`"))?;
    let head = &body[format!("module {module}(").len()..];
    let list = &head[..head
        .find(')')
        .ok_or_else(|| format!("module `{module}`: its port list has no `)`"))?];
    let decls: Vec<&str> = body.lines().map(str::trim).collect();
    list.split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|name| {
            let (dir, decl) = decls
                .iter()
                .find_map(|l| {
                    let (dir, rest) = if let Some(r) = l.strip_prefix("input ") {
                        (crate::Dir::In, r)
                    } else {
                        (crate::Dir::Out, l.strip_prefix("output ")?)
                    };
                    let decl = rest.trim_end_matches(';');
                    let last = decl
                        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .rfind(|w| !w.is_empty());
                    (last == Some(name)).then_some((dir, decl))
                })
                .ok_or_else(|| {
                    format!("module `{module}`: port `{name}` has no input or output declaration")
                })?;
            let width = match decl.split_once('[').and_then(|(_, r)| r.split_once(']')) {
                None => 1,
                Some((range, _)) => {
                    let (msb, lsb) = range.split_once(':').unwrap_or((range, "0"));
                    match (msb.trim().parse::<usize>(), lsb.trim().parse::<usize>()) {
                        (Ok(m), Ok(0)) => m + 1,
                        _ => {
                            return Err(format!(
                                "module `{module}`: port `{name}` is declared `[{range}]`, \
                                 not `[N:0]`"
                            ))
                        }
                    }
                }
            };
            Ok((name.to_string(), dir, width))
        })
        .collect()
}

/// The module of the instance called `instance` inside `body`: a line
/// `TYPE INSTANCE(`.
fn instance_type<'a>(body: &'a str, instance: &str) -> Option<&'a str> {
    body.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        let ty = words.next()?;
        let rest = words.next()?;
        (words.next().is_none() && rest == format!("{instance}(")).then_some(ty)
    })
}

/// The width of `signal` if `body` declares it (a port, `reg`, `wire`:
/// `[M:0]` or one bit; a `localparam`: the width of its sized literal).
fn declared_width(body: &str, signal: &str) -> Option<usize> {
    body.lines().find_map(|line| {
        let line = line.trim();
        let is_decl = ["input ", "output ", "reg ", "wire ", "localparam "]
            .iter()
            .any(|k| line.starts_with(k));
        let (decl, value) = line.split_once('=').unwrap_or((line, ""));
        let decl = decl.trim_end_matches(';');
        let last = decl
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .rfind(|w| !w.is_empty());
        if !is_decl || last != Some(signal) {
            return None;
        }
        let msb = |range: &str| range.split(':').next()?.trim().parse::<usize>().ok();
        if let Some(range) = decl.split_once('[').and_then(|(_, r)| r.split_once(']')) {
            return msb(range.0).map(|m| m + 1);
        }
        if line.starts_with("localparam ") {
            return value
                .trim()
                .split_once('\'')
                .and_then(|(w, _)| w.parse().ok());
        }
        Some(1)
    })
}

/// The module of the instance at `instance` (a path from module `top`;
/// `""` is `top` itself) in `verilog`.
pub fn module_of(verilog: &str, top: &str, instance: &str) -> Result<String, String> {
    let mut module = top.to_string();
    if instance.is_empty() {
        return module_body(verilog, top)
            .map(|_| module)
            .ok_or_else(|| format!("no module `{top}`"));
    }
    for name in instance.split('.') {
        let body = module_body(verilog, &module).ok_or_else(|| format!("no module `{module}`"))?;
        module = instance_type(body, name)
            .ok_or_else(|| format!("no instance `{name}` in module `{module}`"))?
            .to_string();
    }
    Ok(module)
}

/// Where `path` (instances from module `top`, then a signal) points in
/// `verilog`, or what is missing.
pub fn resolve(verilog: &str, top: &str, path: &str) -> Result<Resolved, String> {
    let (instance, signal) = path.rsplit_once('.').unwrap_or(("", path));
    let module = module_of(verilog, top, instance)?;
    let body = module_body(verilog, &module).ok_or_else(|| format!("no module `{module}`"))?;
    let width = declared_width(body, signal)
        .ok_or_else(|| format!("module `{module}` declares no `{signal}`"))?;
    Ok(Resolved {
        module,
        signal: signal.to_string(),
        width,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: &str = "module top(a,q);\n    input wire a;\n    output reg q;\n    \
                     wire [3:0] inner_y;\n    blk inner(\n        .y(inner_y)\n    );\n\
                     endmodule // top\n\nmodule blk(y);\n    output reg [3:0] y;\n    \
                     localparam mask = 4'h1;\n    reg [3:0] y_comb;\nendmodule\n";

    #[test]
    fn keys_are_unique_and_paths_well_formed() {
        for (i, a) in TABLE.iter().enumerate() {
            assert!(TABLE[i + 1..].iter().all(|b| b.key != a.key), "{}", a.key);
            assert!(
                a.path
                    .split('.')
                    .all(|p| !p.is_empty()
                        && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')),
                "{}",
                a.path
            );
            assert!(a.width >= 1 && !a.what.is_empty(), "{}", a.key);
        }
    }

    #[test]
    fn fixed_64_entries_exist_and_keep_their_width() {
        for key in FIXED_64 {
            let e = get(key);
            assert_eq!((e.width, e.width_in(32)), (64, 64), "{key}");
        }
        assert_eq!(get("kernel_rip").width_in(32), 32);
        assert_eq!(get("frame_word").width_in(32), 3);
        assert_eq!(get("kernel_rip").width_in(64), 64);
    }

    #[test]
    fn every_csr_has_its_register() {
        for c in crate::csr::TABLE {
            let key = c.name.to_ascii_lowercase();
            let e = lookup(&key)
                .unwrap_or_else(|| panic!("CSR {} has no internal name `{key}`", c.name));
            assert_eq!(e.width, 64, "{key}");
        }
    }

    #[test]
    fn resolves_instances_and_signals() {
        assert_eq!(
            resolve(V, "top", "inner.y"),
            Ok(Resolved {
                module: "blk".into(),
                signal: "y".into(),
                width: 4
            })
        );
        assert_eq!(resolve(V, "top", "inner.mask").unwrap().width, 4);
        assert_eq!(resolve(V, "top", "inner_y").unwrap().module, "top");
        assert_eq!(resolve(V, "top", "q").unwrap().width, 1);
        assert_eq!(
            resolve(V, "top", "inner.z"),
            Err("module `blk` declares no `z`".into())
        );
        assert_eq!(
            resolve(V, "top", "other.y"),
            Err("no instance `other` in module `top`".into())
        );
        assert_eq!(module_of(V, "top", ""), Ok("top".into()));
    }

    #[test]
    fn ports_follow_the_header_with_their_declarations() {
        use crate::Dir;
        let v = "module top(a,q,w,o);\n    input wire a;\n    output reg q;\n    \
                 input wire [31:0] w;\n    output wire [7:0] o;\n    wire [3:0] a_x;\n\
                 endmodule\n\nmodule blk(y,z);\n    output reg [3:0] y;\nendmodule\n";
        assert_eq!(
            ports(v, "top"),
            Ok(vec![
                ("a".to_string(), Dir::In, 1),
                ("q".to_string(), Dir::Out, 1),
                ("w".to_string(), Dir::In, 32),
                ("o".to_string(), Dir::Out, 8),
            ])
        );
        assert_eq!(ports(V, "blk"), Ok(vec![("y".to_string(), Dir::Out, 4)]));
        assert_eq!(
            ports(v, "blk"),
            Err("module `blk`: port `z` has no input or output declaration".into())
        );
        assert_eq!(ports(v, "bl"), Err("no module `bl`".into()));
        let odd = v.replace("[31:0] w", "[31:1] w");
        assert!(ports(&odd, "top").unwrap_err().contains("`[31:1]`"));
    }

    #[test]
    fn local_names_are_relative_to_an_instance() {
        assert_eq!(
            local_name("mce_pending", "entry_unit"),
            Ok("mce_pending_q".into())
        );
        assert_eq!(
            local_name("push_addr", "entry_unit"),
            Ok("push_addr".into())
        );
        assert_eq!(
            local_name("kernel_rsp", "rename_bank"),
            Ok("rsp_copies_kernel_q".into())
        );
        assert!(local_name("push_addr", "rename_bank")
            .unwrap_err()
            .contains("not inside"));
        assert!(local_name("kernel_rsp", "")
            .unwrap_err()
            .contains("more than one instance"));
        assert!(local_name("nope", "")
            .unwrap_err()
            .contains("no internal name"));
    }
}
