//! Deliberately wrong versions of the emitted Verilog, made by precise
//! text edits, to show that the testbenches catch real RTL bugs. Internal
//! names come from `ptu_arch::internal`, never spelled here.

use anyhow::{anyhow, bail, Result};
use ptu_arch::internal;

/// Replace `from` by `to` in `text`, which must contain it exactly once.
pub fn edit_once(text: &str, from: &str, to: &str) -> Result<String> {
    let n = text.matches(from).count();
    if n != 1 {
        bail!("the edit `{from}` -> `{to}` applies {n} times, not once: the emitted Verilog changed, update the mutant");
    }
    Ok(text.replacen(from, to, 1))
}

/// GS not banked: in user mode the `gs_base` output shows the kernel's GS
/// base instead of the user's (the rename bank's user-mode branch reads
/// the kernel register).
pub fn gs_not_banked(ptu_v: &str) -> Result<String> {
    let name = |key| internal::local_name(key, "rename_bank").map_err(|e| anyhow!(e));
    edit_once(
        ptu_v,
        &format!("gs_base_comb = {};", name("ugs")?),
        &format!("gs_base_comb = {};", name("kernel_gs")?),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_exactly_once() {
        assert_eq!(edit_once("a b c", "b", "x").unwrap(), "a x c");
        let e = edit_once("a b b", "b", "x").unwrap_err().to_string();
        assert!(e.contains("applies 2 times, not once"), "{e}");
        assert!(edit_once("a", "b", "x").is_err());
    }

    #[test]
    fn the_committed_verilog_has_the_gs_bank_line() {
        let v = include_str!("../../rtl/generated/ptu.v");
        let m = gs_not_banked(v).unwrap();
        let kernel = internal::local_name("kernel_gs", "rename_bank").unwrap();
        assert_eq!(m.matches(&format!("gs_base_comb = {kernel};")).count(), 2);
    }
}
