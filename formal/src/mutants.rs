//! Mutants: the emitted Verilog with one precise change that breaks one
//! property. `ptu prove` must fail on each with a counterexample, which
//! shows the property is not vacuous.
//!
//! A mutant is made by [`apply`] from the output of
//! `ptu_rtl::verilog::emit` (never by hand): inside the module of one
//! instance it finds a short piece of code and replaces it. The match is
//! exact up to whitespace, must occur exactly once in that module, and is
//! refused otherwise, so a change of the emitter cannot silently turn a
//! mutant into a different one or into the original design.
//!
//! Patterns spell no internal name: `{key}` stands for the entry `key` of
//! `ptu_arch::internal::TABLE`, written as the instance's module sees it
//! (`{mce_pending}` in the entry unit is `mce_pending_q`). The only other
//! identifiers a pattern may use are SPEC's port names. So a register
//! renamed in the RTL is fixed in the names table, and every mutant
//! follows.
//!
//! One allowance: the emitter may compute a variable in a block-private
//! copy `<name>_comb` (`write_once` in `emit/src/passes.rs`). An
//! identifier of the pattern also matches its `_comb` copy, and the
//! replacement spells it the way it was matched.

use anyhow::{bail, Result};
use ptu_arch::internal;

/// One mutant.
#[derive(Clone, Copy, Debug)]
pub struct Mutant {
    /// Its name (`ptu prove --mutant NAME`).
    pub name: &'static str,
    /// The property it breaks.
    pub breaks: &'static str,
    /// The bug, in words.
    pub bug: &'static str,
    /// The instance (a path from `ptu`; `""` for `ptu` itself) whose
    /// module it changes.
    pub instance: &'static str,
    /// The code to find (whitespace-insensitive; `{key}` for an internal name).
    pub find: &'static str,
    /// What replaces it.
    pub replace: &'static str,
    /// The preset whose unit it changes (`None`: the unit of any
    /// configuration; the tests take the default's). A mutant of an
    /// option's code names that option's preset.
    pub preset: Option<&'static str>,
}

impl Mutant {
    /// Whether it is made from the Verilog of `cfg`'s unit: any
    /// configuration for a mutant without a preset, else one with its
    /// preset's `xlen` and at least its preset's options (the code of an
    /// option is the same beside the other option: `x86_64-full` takes
    /// the mutants of both).
    pub fn fits(&self, cfg: &ptu_arch::PtuConfig) -> bool {
        match self.preset.and_then(|p| ptu_arch::config::preset(p).ok()) {
            None => self.preset.is_none(),
            Some(p) => {
                let c = p.config();
                c.xlen == cfg.xlen && (!c.irq_entry || cfg.irq_entry) && (!c.fs_bank || cfg.fs_bank)
            }
        }
    }
}

/// Every mutant; each property has at least one.
pub const MUTANTS: [Mutant; 14] = [
    Mutant {
        name: "kernel-shows-user-rsp",
        breaks: "P1",
        bug: "in kernel mode the rsp output shows the user RSP (a SYSCALL gap)",
        instance: "rename_bank",
        find: "rsp = {kernel_rsp};",
        replace: "rsp = {ursp};",
        preset: None,
    },
    Mutant {
        name: "user-retire-writes-kernel-rip",
        breaks: "P2",
        bug: "retire in user mode writes the kernel RIP (its enable's retire term \
              forgets the level)",
        instance: "",
        find: "({calm} & {quiet_kernel} & retire & {csr_ok})",
        replace: "({calm} & retire & {csr_ok})",
        preset: None,
    },
    Mutant {
        name: "critical-entry-at-entry",
        breaks: "P3",
        bug: "critical events enter at ENTRY instead of ENTRY_CRIT (the CSR file is \
              never asked for ENTRY_CRIT during a transfer)",
        instance: "entry_unit",
        find: "{pick_crit} = {entry_unit_busy} & {inflight_critical};",
        replace: "{pick_crit} = 1'b0;",
        preset: None,
    },
    Mutant {
        name: "framed-eret-always-to-user",
        breaks: "P4",
        bug: "a framed ERET returns to user mode whatever prev_user says",
        instance: "return_path",
        find: "{restore_user} = {return_path_status_prev_user};",
        replace: "{restore_user} = 1'b1;",
        preset: None,
    },
    Mutant {
        name: "frame-at-stack-top",
        breaks: "P5",
        bug: "a frame starts at its stack top instead of 8 bytes below it",
        instance: "frame_sequencer",
        find: "{frame_step_en} = {frame_active} & ~{frame_pop};",
        replace: "{frame_step_en} = 1'b0;",
        preset: None,
    },
    Mutant {
        name: "critical-always-on-cstack",
        breaks: "P6",
        bug: "a critical event inside a critical handler switches to CSTACK again \
              (the IST recursion problem: it overwrites the live frame)",
        instance: "entry_unit",
        find: "if (({entry_unit_busy} | {take_critical}) & ~{entry_unit_status_critical}) begin",
        replace: "if ({entry_unit_busy} | {take_critical}) begin",
        preset: None,
    },
    Mutant {
        name: "nmi-ignores-nmi-blocked",
        breaks: "P6",
        bug: "an NMI is taken while nmi_blocked is set",
        instance: "entry_unit",
        find: "{take_nmi} = {idle} & ~{mce_pending} & {nmi_pending} & ~{entry_unit_status_nmi_blocked};",
        replace: "{take_nmi} = {idle} & ~{mce_pending} & {nmi_pending};",
        preset: None,
    },
    Mutant {
        name: "shutdown-takes-events",
        breaks: "P7",
        bug: "in shutdown the unit still takes events",
        instance: "entry_unit",
        find: "{idle} = ~busy & ~{shutdown_reg};",
        replace: "{idle} = ~busy;",
        preset: None,
    },
    Mutant {
        name: "user-csr-access-allowed",
        breaks: "P8",
        bug: "CSR accesses in user mode do not fault",
        instance: "csr_file",
        find: "{csr_fault} = (csr_re | csr_we) & ({csr_file_user} |",
        replace: "{csr_fault} = (csr_re | csr_we) & (1'b0 |",
        preset: None,
    },
    Mutant {
        name: "frame-status-is-event-info",
        breaks: "P9",
        bug: "the frame's STATUS word holds EVENT_INFO",
        instance: "frame_sequencer",
        find: "mem_wdata = {frame_word_status};",
        replace: "mem_wdata = {frame_word_info};",
        preset: None,
    },
    Mutant {
        name: "event-info-without-from-user",
        breaks: "P10",
        bug: "EVENT_INFO of an event from user mode lacks from_user",
        instance: "entry_unit",
        find: "if ({entry_unit_user}) begin {new_info} = {new_info} | {from_user_mask};",
        replace: "if ({entry_unit_user}) begin {new_info} = {new_info};",
        preset: None,
    },
    Mutant {
        name: "irq-entry-ignored",
        breaks: "P3",
        bug: "with irq_entry, external interrupts still enter at ENTRY, not ENTRY_IRQ",
        instance: "entry_unit",
        find: "if ({irq_entry_on} & {enter_irq}) begin {krip_value} = {entry_unit_entry_irq};",
        replace: "if ({irq_entry_on} & {enter_irq}) begin {krip_value} = {entry_unit_entry_point};",
        preset: Some("x86_64-irq-entry"),
    },
    Mutant {
        name: "fs-not-banked",
        breaks: "P1",
        bug: "with fs_bank, one FS base serves both levels (the kernel copy)",
        instance: "fs_bank",
        find: "{fs_level_user} = {fs_bank_user} & {fs_banked};",
        replace: "{fs_level_user} = 1'b0;",
        preset: Some("x86_64-fs-bank"),
    },
    Mutant {
        name: "frame-info-high-word-misplaced",
        breaks: "P9",
        bug: "with xlen = 32, the frame word of EVENT_INFO bits 63:32 holds bits 31:0 \
              (a 32-bit frame word misplaced)",
        instance: "frame_sequencer",
        find: "mem_wdata = {frame_word_info_hi};",
        replace: "mem_wdata = {frame_word_info};",
        preset: Some("ice40-small-32"),
    },
];

/// `pattern` with each `{key}` replaced by the internal name `key` as the
/// module of `instance` spells it.
pub fn expand(pattern: &str, instance: &str) -> Result<String> {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| anyhow::anyhow!("unclosed `{{` in `{pattern}`"))?;
        let name = internal::local_name(&after[..close], instance).map_err(|e| {
            anyhow::anyhow!("`{pattern}`: {e} (arch/src/internal.rs, formal/src/mutants.rs)")
        })?;
        out.push_str(&name);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The mutant called `name`.
pub fn find(name: &str) -> Option<&'static Mutant> {
    MUTANTS.iter().find(|m| m.name == name)
}

/// Suffix of the emitter's block-private copies.
const COPY: &str = "_comb";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '\''
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && !t.contains('\'')
}

/// Words (identifiers, numbers like `64'h0`) and single punctuation
/// characters, with their byte offsets; whitespace separates.
fn tokens(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut end = i + c.len_utf8();
        if is_word(c) {
            while let Some(&(j, d)) = it.peek() {
                if !is_word(d) {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
        }
        out.push(Token {
            text: &s[i..end],
            start: i,
            end,
        });
    }
    out
}

/// Does text token `t` match pattern token `p`? Returns whether it matched
/// the `_comb` copy.
fn token_matches(p: &str, t: &str) -> Option<bool> {
    if p == t {
        Some(false)
    } else if is_ident(p) && t.strip_suffix(COPY) == Some(p) {
        Some(true)
    } else {
        None
    }
}

/// Byte range of `module NAME(` ... `endmodule` in `text`.
fn module_span(text: &str, module: &str) -> Result<(usize, usize)> {
    let head = format!("module {module}(");
    let starts: Vec<usize> = text.match_indices(&head).map(|(i, _)| i).collect();
    let start = match starts.as_slice() {
        [one] => *one,
        [] => bail!("module {module} is not in the emitted Verilog"),
        _ => bail!("module {module} is defined {} times", starts.len()),
    };
    let end = text[start..]
        .find("endmodule")
        .map(|e| start + e)
        .ok_or_else(|| anyhow::anyhow!("module {module} has no endmodule"))?;
    Ok((start, end))
}

/// The keys of the `{key}` placeholders of `pattern`.
fn keys(pattern: &'static str) -> Vec<&'static str> {
    pattern
        .split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(k, _)| k))
        .collect()
}

/// The internal names of `m`'s patterns that the emitted design `text`
/// does not have (unknown keys included): a stale names table.
pub fn missing_names(text: &str, m: &Mutant) -> Vec<&'static str> {
    let mut missing: Vec<&'static str> = Vec::new();
    for key in keys(m.find).into_iter().chain(keys(m.replace)) {
        let known = internal::lookup(key)
            .filter(|e| internal::resolve(text, ptu_rtl::verilog::TOP, e.path).is_ok());
        if known.is_none() && !missing.contains(&key) {
            missing.push(key);
        }
    }
    missing
}

/// `text` with `m` applied: exactly one match of `m.find` inside the module
/// of `m.instance`, replaced by `m.replace` (placeholders expanded).
pub fn apply(text: &str, m: &Mutant) -> Result<String> {
    let missing = missing_names(text, m);
    if !missing.is_empty() {
        bail!(
            "mutant {}: the emitted design has no {} of ptu_arch::internal::TABLE: fix the \
             table in arch/src/internal.rs (rtl/tests/emitted.rs names the entries)",
            m.name,
            missing
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let module = internal::module_of(text, ptu_rtl::verilog::TOP, m.instance)
        .map_err(|e| anyhow::anyhow!("mutant {}: {e}", m.name))?;
    let find = expand(m.find, m.instance)?;
    let replace = expand(m.replace, m.instance)?;
    apply_in(text, m.name, &module, &find, &replace)
}

/// `text` with exactly one match of `find` inside module `module` replaced
/// by `replace`; `name` is the mutant's, for messages.
fn apply_in(text: &str, name: &str, module: &str, find: &str, replace: &str) -> Result<String> {
    let (mstart, mend) = module_span(text, module)?;
    let body = &text[mstart..mend];
    let toks = tokens(body);
    let pat = tokens(find);
    if pat.is_empty() {
        bail!("mutant {name}: empty pattern");
    }
    let mut matches = Vec::new();
    for i in 0..toks.len().saturating_sub(pat.len() - 1) {
        let mut copies = Vec::new();
        let ok = pat
            .iter()
            .zip(&toks[i..])
            .all(|(p, t)| match token_matches(p.text, t.text) {
                Some(copy) => {
                    if copy {
                        copies.push(p.text);
                    }
                    true
                }
                None => false,
            });
        if ok {
            matches.push((i, copies));
        }
    }
    let (i, copies) = match matches.len() {
        1 => matches.remove(0),
        0 => bail!(
            "mutant {name}: `{find}` is not in module {module} of the emitted Verilog (did the \
             emitter or a name change? check arch/src/internal.rs, then formal/src/mutants.rs)"
        ),
        n => {
            bail!("mutant {name}: `{find}` occurs {n} times in module {module}; it must occur once")
        }
    };
    let from = mstart + toks[i].start;
    let to = mstart + toks[i + pat.len() - 1].end;
    // The replacement, with matched copies spelled as in the text.
    let mut repl = String::new();
    let mut last = 0;
    for t in tokens(replace) {
        repl.push_str(&replace[last..t.start]);
        if copies.contains(&t.text) {
            repl.push_str(t.text);
            repl.push_str(COPY);
        } else {
            repl.push_str(t.text);
        }
        last = t.end;
    }
    repl.push_str(&replace[last..]);
    let mut out = String::with_capacity(text.len() + repl.len());
    out.push_str(&text[..from]);
    out.push_str(&repl);
    out.push_str(&text[to..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::properties::PROPERTIES;

    const TEXT: &str = "module ptu_a(x);\n    always @(*) begin\n        y_comb = ~a & b;\n        \
                        if (c) begin\n            y_comb = d;\n        end\n        y = y_comb;\n    \
                        end\nendmodule // ptu_a\n\nmodule ptu_b(x);\n    y = ~a & b;\nendmodule\n";

    struct M(&'static str, &'static str, &'static str);

    fn m(module: &'static str, find: &'static str, replace: &'static str) -> M {
        M(module, find, replace)
    }

    fn apply(text: &str, m: &M) -> Result<String> {
        apply_in(text, "t", m.0, m.1, m.2)
    }

    #[test]
    fn replaces_exactly_one_match_inside_the_module() {
        // Whitespace-insensitive, across lines; `y` matches its copy `y_comb`.
        let out = apply(
            TEXT,
            &m("ptu_a", "if (c) begin y = d;", "if (c) begin y = ~d;"),
        )
        .unwrap();
        assert!(
            out.contains("        if (c) begin y_comb = ~d;\n        end\n"),
            "{out}"
        );
        // The other module is untouched.
        let out = apply(TEXT, &m("ptu_b", "y = ~a & b;", "y = a & b;")).unwrap();
        assert!(out.contains("y_comb = ~a & b;"));
        assert!(out.contains("    y = a & b;\nendmodule\n"));
    }

    #[test]
    fn refuses_missing_ambiguous_and_unknown() {
        let err = apply(TEXT, &m("ptu_a", "y = e;", "y = f;"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("is not in module ptu_a"), "{err}");
        // `y =` matches `y_comb =` twice and `y =` once.
        let err = apply(TEXT, &m("ptu_a", "y =", "y = 1 |"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("occurs 3 times in module ptu_a"), "{err}");
        let err = apply(TEXT, &m("ptu_c", "a", "b")).unwrap_err().to_string();
        assert_eq!(err, "module ptu_c is not in the emitted Verilog");
        // An identifier does not match a longer one.
        let err = apply(TEXT, &m("ptu_b", "yy = ~a", "x"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("is not in module"), "{err}");
    }

    #[test]
    fn placeholders_expand_to_names_inside_the_instance() {
        assert_eq!(
            expand("{idle} = ~busy & ~{shutdown_reg};", "entry_unit").unwrap(),
            "idle = ~busy & ~shutdown_q_q;"
        );
        let err = expand("{nope} = 1;", "entry_unit").unwrap_err().to_string();
        assert!(err.contains("no internal name `nope`"), "{err}");
        let err = expand("{idle}", "csr_file").unwrap_err().to_string();
        assert!(err.contains("is not inside instance `csr_file`"), "{err}");
        assert!(expand("{idle", "entry_unit").is_err());
    }

    /// Patterns name internal signals only through the names table: every
    /// other identifier is one of SPEC's ports or a Verilog keyword.
    #[test]
    fn patterns_spell_no_internal_name() {
        const KEYWORDS: [&str; 3] = ["if", "begin", "end"];
        for mu in &MUTANTS {
            for pattern in [mu.find, mu.replace] {
                let mut outside = String::new();
                let mut depth = 0;
                for c in pattern.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ if depth == 0 => outside.push(c),
                        _ => outside.push(' '),
                    }
                }
                for t in tokens(&outside) {
                    if is_ident(t.text) {
                        assert!(
                            ptu_arch::PORTS.iter().any(|(n, _, _)| *n == t.text)
                                || KEYWORDS.contains(&t.text),
                            "mutant {}: `{}` is neither {{key}} nor a SPEC port",
                            mu.name,
                            t.text
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_property_has_a_mutant_and_names_are_unique() {
        for p in &PROPERTIES {
            assert!(
                MUTANTS.iter().any(|m| m.breaks == p.id),
                "{} has no mutant",
                p.id
            );
        }
        for (i, a) in MUTANTS.iter().enumerate() {
            assert!(crate::properties::find(a.breaks).is_some(), "{}", a.name);
            assert!(
                MUTANTS[i + 1..].iter().all(|b| b.name != a.name),
                "{}",
                a.name
            );
            assert_ne!(tokens(a.find), tokens(a.replace), "{}", a.name);
        }
    }

    #[test]
    fn every_mutant_applies_once_to_the_emitted_design() {
        let text = ptu_rtl::verilog::emit(&ptu_arch::PtuConfig::default()).unwrap();
        let mut applied = 0;
        for mu in MUTANTS.iter().filter(|m| m.preset.is_none()) {
            // An internal name the emitted design lacks is a stale names
            // table, which `internal_names_exist_in_the_emitted_design`
            // (rtl/tests/emitted.rs) reports with the entry to fix; this
            // test checks the code around the names. (`ptu prove` itself
            // refuses such a mutant, see `apply`.)
            let missing = missing_names(&text, mu);
            if !missing.is_empty() {
                println!("{}: stale internal names {missing:?}", mu.name);
                continue;
            }
            applied += 1;
            let out = super::apply(&text, mu).unwrap_or_else(|e| panic!("{e}"));
            assert_ne!(out, text, "{}", mu.name);
            // Only the module named changes, and only by the replacement.
            let module = internal::module_of(&text, "ptu", mu.instance).unwrap();
            let (s, e) = module_span(&text, &module).unwrap();
            let delta = out.len() as isize - text.len() as isize;
            assert_eq!(&out[..s], &text[..s], "{}", mu.name);
            assert_eq!(
                &out[(e as isize + delta) as usize..],
                &text[e..],
                "{}",
                mu.name
            );
            // The pattern is gone: the mutant cannot be applied twice.
            assert!(super::apply(&out, mu).is_err(), "{}", mu.name);
        }
        assert!(applied > 0, "no mutant could be applied");
    }

    #[test]
    fn every_mutant_of_an_option_applies_once_to_every_design_it_fits() {
        for mu in MUTANTS.iter().filter(|m| m.preset.is_some()) {
            let fitting: Vec<_> = ptu_arch::PRESETS
                .iter()
                .map(|p| p.config())
                .filter(|c| mu.fits(c))
                .collect();
            // Its own preset, and x86_64-full for an option's mutant.
            assert!(fitting.iter().any(|c| c.name == mu.preset.unwrap()));
            for cfg in fitting {
                cfg.require_generated("").unwrap();
                let text = ptu_rtl::verilog::emit(&cfg).unwrap();
                let who = format!("{} on {}", mu.name, cfg.name);
                assert_eq!(missing_names(&text, mu), Vec::<&str>::new(), "{who}");
                let out = super::apply(&text, mu).unwrap_or_else(|e| panic!("{who}: {e}"));
                assert_ne!(out, text, "{who}");
                assert!(super::apply(&out, mu).is_err(), "{who}");
            }
        }
    }

    #[test]
    fn every_mutant_of_an_option_names_a_preset_with_that_option() {
        let d = ptu_arch::PtuConfig::default();
        for mu in &MUTANTS {
            match mu.preset {
                None => assert!(mu.fits(&d), "{}", mu.name),
                Some(p) => {
                    let cfg = ptu_arch::config::preset(p).unwrap().config();
                    assert!(mu.fits(&cfg) && !mu.fits(&d), "{}", mu.name);
                }
            }
        }
    }

    #[test]
    fn a_stale_internal_name_is_refused_naming_the_table() {
        let text = ptu_rtl::verilog::emit(&ptu_arch::PtuConfig::default()).unwrap();
        let renamed = text.replace("shutdown_q", "shutdown_flag");
        let mu = find("shutdown-takes-events").unwrap();
        assert_eq!(missing_names(&renamed, mu), ["shutdown_reg"]);
        let err = super::apply(&renamed, mu).unwrap_err().to_string();
        assert!(
            err.contains("no `shutdown_reg` of ptu_arch::internal::TABLE")
                && err.contains("arch/src/internal.rs"),
            "{err}"
        );
    }
}
