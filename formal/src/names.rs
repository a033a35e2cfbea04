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
/// presets names them (widths of the 64-bit unit, as in the table).
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
    n("frame_word_info_hi",    "frame_sequencer.word_info_hi", 64, "EVENT_INFO bits 63:32, the frame word pushed before bits 31:0 (xlen = 32)"),
];

/// The entries of [`OPTION_NAMES`] that only the 32-bit unit uses (the
/// others are those of `irq_entry` and `fs_bank`), with the preset whose
/// Verilog has them at their width.
pub const XLEN32_NAMES: [&str; 1] = ["frame_word_info_hi"];

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
    fn option_names_resolve_in_their_presets_and_agree_with_the_table() {
        for (preset, xlen32) in [("x86_64-full", false), ("ice40-small-32", true)] {
            let cfg = ptu_arch::config::preset(preset).unwrap().config();
            if let Err(e) = cfg.require_generated("") {
                // A tree without that unit refuses it in one line.
                assert!(e.to_string().contains("does not generate yet"), "{e}");
                continue;
            }
            let text = ptu_rtl::verilog::emit(&cfg).unwrap();
            for e in OPTION_NAMES
                .iter()
                .filter(|e| XLEN32_NAMES.contains(&e.key) == xlen32)
            {
                let r = internal::resolve(&text, ptu_rtl::verilog::TOP, e.path)
                    .unwrap_or_else(|m| panic!("{preset}: {}: {m}", e.key));
                let want = if e.width == 64 { cfg.xlen } else { e.width };
                assert_eq!(r.width, want, "{}", e.key);
                if let Some(t) = internal::lookup(e.key) {
                    assert_eq!(t.path, e.path, "{}: the table says otherwise", e.key);
                }
            }
        }
        assert_eq!(local_name("ufs", "fs_bank").unwrap(), "fs_copies_user_q");
        assert_eq!(local_name("idle", "entry_unit").unwrap(), "idle");
        assert!(local_name("ufs", "entry_unit").is_err());
        assert!(local_name("nope", "").unwrap_err().contains("OPTION_NAMES"));
    }
}
