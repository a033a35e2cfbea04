//! Internal names as the proofs and the mutants look them up:
//! `ptu_arch::internal::TABLE` first, then [`OPTION_NAMES`], the state and
//! signals of the options' code (`irq_entry`, `fs_bank`) that the table
//! does not name yet. An entry of [`OPTION_NAMES`] belongs in
//! `arch/src/internal.rs`; once the table has its key, the table's entry is
//! used and a test checks that the two agree.

use ptu_arch::internal::{self, Internal};

const fn n(key: &'static str, path: &'static str, width: usize, what: &'static str) -> Internal {
    Internal {
        key,
        path,
        width,
        what,
    }
}

/// The options' internal names, as the emitted Verilog of the option
/// presets names them (widths of XLEN 64).
#[rustfmt::skip]
pub const OPTION_NAMES: &[Internal] = &[
    n("entry_irq",             "csr_file.entry_irq_q.q",     64, "ENTRY_IRQ (irq_entry)"),
    n("irq_entry_on",          "entry_unit.irq_entry",        1, "option irq_entry, as the entry unit's constant"),
    n("enter_irq",             "entry_unit.enter_irq",        1, "the completing entry is an external interrupt's"),
    n("entry_unit_entry_irq",  "entry_unit.entry_irq",       64, "ENTRY_IRQ, as the entry unit sees it"),
    n("kernel_fs",             "fs_bank.fs_copies.kernel_q", 64, "kernel copy of FS base (fs_bank)"),
    n("ufs",                   "fs_bank.fs_copies.user_q",   64, "UFS: user copy of FS base (fs_bank)"),
    n("fs_level_user",         "fs_bank.level_user",          1, "the level whose FS copy fs_we writes and fs_base shows (user when 1)"),
    n("fs_bank_user",          "fs_bank.user",                1, "user mode, as the FS bank sees it"),
    n("fs_banked",             "fs_bank.banked",              1, "the FS bank has two copies (a constant)"),
];

/// The entry called `key`: the table's, else [`OPTION_NAMES`]'s.
pub fn lookup(key: &str) -> Option<&'static Internal> {
    internal::lookup(key).or_else(|| OPTION_NAMES.iter().find(|e| e.key == key))
}

/// `ptu_arch::internal::local_name` over [`lookup`]: the name of `key`
/// inside the module of the instance at `instance`.
pub fn local_name(key: &str, instance: &str) -> Result<String, String> {
    if internal::lookup(key).is_some() {
        return internal::local_name(key, instance);
    }
    let e = lookup(key).ok_or_else(|| {
        format!("no internal name `{key}` in ptu_arch::internal::TABLE or formal's OPTION_NAMES")
    })?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_names_resolve_in_the_full_preset_and_agree_with_the_table() {
        let full = ptu_arch::config::preset("x86_64-full").unwrap().config();
        let text = ptu_rtl::verilog::emit(&full).unwrap();
        for e in OPTION_NAMES {
            let r = internal::resolve(&text, ptu_rtl::verilog::TOP, e.path)
                .unwrap_or_else(|m| panic!("{}: {m}", e.key));
            assert_eq!(r.width, e.width, "{}", e.key);
            if let Some(t) = internal::lookup(e.key) {
                assert_eq!(t.path, e.path, "{}: the table says otherwise", e.key);
            }
        }
        assert_eq!(local_name("ufs", "fs_bank").unwrap(), "fs_copies_user_q");
        assert_eq!(local_name("idle", "entry_unit").unwrap(), "idle");
        assert!(local_name("ufs", "entry_unit").is_err());
        assert!(local_name("nope", "").unwrap_err().contains("OPTION_NAMES"));
    }
}
