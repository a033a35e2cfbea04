//! Mutants: the emitted Verilog with one precise change that breaks one
//! property. `ptu prove` must fail on each with a counterexample, which
//! shows the property is not vacuous.
//!
//! A mutant is made by [`apply`] from the output of
//! `ptu_rtl::verilog::emit` (never by hand): inside one module it finds a
//! short piece of code and replaces it. The match is exact up to
//! whitespace, must occur exactly once in that module, and is refused
//! otherwise, so a change of the emitter cannot silently turn a mutant
//! into a different one or into the original design.
//!
//! One allowance: the emitter may compute a variable in a block-private
//! copy `<name>_comb` (`rtl/src/write_once.rs`). An identifier of the
//! pattern also matches its `_comb` copy, and the replacement spells it
//! the way it was matched.

use anyhow::{bail, Result};

/// One mutant.
#[derive(Clone, Copy, Debug)]
pub struct Mutant {
    /// Its name (`ptu prove --mutant NAME`).
    pub name: &'static str,
    /// The property it breaks.
    pub breaks: &'static str,
    /// The bug, in words.
    pub bug: &'static str,
    /// The emitted module it changes.
    pub module: &'static str,
    /// The code to find (whitespace-insensitive).
    pub find: &'static str,
    /// What replaces it.
    pub replace: &'static str,
}

/// Every mutant; each property has at least one.
pub const MUTANTS: [Mutant; 11] = [
    Mutant {
        name: "kernel-shows-user-rsp",
        breaks: "P1",
        bug: "in kernel mode the rsp output shows the user RSP (a SYSCALL gap)",
        module: "ptu_rename_bank",
        find: "rsp = rsp_copies_kernel_q;",
        replace: "rsp = rsp_copies_user_q;",
    },
    Mutant {
        name: "user-retire-writes-kernel-rip",
        breaks: "P2",
        bug: "retire in user mode writes the kernel RIP",
        module: "ptu_reg_pair_w64",
        find: "kernel_copy_we = kernel_we | (we & ~user);",
        replace: "kernel_copy_we = kernel_we | we;",
    },
    Mutant {
        name: "critical-entry-at-entry",
        breaks: "P3",
        bug: "critical events enter at ENTRY instead of ENTRY_CRIT",
        module: "ptu_entry_unit",
        find: "if (push_done & inflight_critical_q) begin krip_value = entry_crit;",
        replace: "if (push_done & inflight_critical_q) begin krip_value = entry;",
    },
    Mutant {
        name: "framed-eret-always-to-user",
        breaks: "P4",
        bug: "a framed ERET returns to user mode whatever prev_user says",
        module: "ptu_return_path",
        find: "restore_user = status_prev_user;",
        replace: "restore_user = 1'b1;",
    },
    Mutant {
        name: "frame-at-stack-top",
        breaks: "P5",
        bug: "a frame below the kernel RSP starts at the RSP instead of 8 bytes below it",
        module: "ptu_entry_unit",
        find: "push_addr_comb = krsp_step_y;",
        replace: "push_addr_comb = kernel_rsp;",
    },
    Mutant {
        name: "critical-always-on-cstack",
        breaks: "P6",
        bug: "a critical event inside a critical handler switches to CSTACK again \
              (the IST recursion problem: it overwrites the live frame)",
        module: "ptu_entry_unit",
        find: "if (take_critical & ~status_critical) begin",
        replace: "if (take_critical) begin",
    },
    Mutant {
        name: "nmi-ignores-nmi-blocked",
        breaks: "P6",
        bug: "an NMI is taken while nmi_blocked is set",
        module: "ptu_entry_unit",
        find: "take_nmi = idle & ~mce_pending_q & nmi_pending_q & ~status_nmi_blocked;",
        replace: "take_nmi = idle & ~mce_pending_q & nmi_pending_q;",
    },
    Mutant {
        name: "shutdown-takes-events",
        breaks: "P7",
        bug: "in shutdown the unit still takes events",
        module: "ptu_entry_unit",
        find: "idle = ~busy & ~shutdown_q_q;",
        replace: "idle = ~busy;",
    },
    Mutant {
        name: "user-csr-access-allowed",
        breaks: "P8",
        bug: "CSR accesses in user mode do not fault",
        module: "ptu_csr_file",
        find: "csr_fault = (csr_re | csr_we) & (user |",
        replace: "csr_fault = (csr_re | csr_we) & (1'b0 |",
    },
    Mutant {
        name: "frame-status-is-event-info",
        breaks: "P9",
        bug: "the frame's STATUS word holds EVENT_INFO",
        module: "ptu_frame_sequencer",
        find: "mem_wdata = word_status;",
        replace: "mem_wdata = word_info;",
    },
    Mutant {
        name: "event-info-without-from-user",
        breaks: "P10",
        bug: "EVENT_INFO of an event from user mode lacks from_user",
        module: "ptu_entry_unit",
        find: "if (user) begin new_info = new_info | from_user_mask;",
        replace: "if (user) begin new_info = new_info;",
    },
];

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

/// `text` with `m` applied: exactly one match of `m.find` inside module
/// `m.module`, replaced by `m.replace`.
pub fn apply(text: &str, m: &Mutant) -> Result<String> {
    let (mstart, mend) = module_span(text, m.module)?;
    let body = &text[mstart..mend];
    let toks = tokens(body);
    let pat = tokens(m.find);
    if pat.is_empty() {
        bail!("mutant {}: empty pattern", m.name);
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
            "mutant {}: `{}` is not in module {} of the emitted Verilog (did the emitter change? \
             update formal/src/mutants.rs)",
            m.name,
            m.find,
            m.module
        ),
        n => bail!(
            "mutant {}: `{}` occurs {n} times in module {}; it must occur once",
            m.name,
            m.find,
            m.module
        ),
    };
    let from = mstart + toks[i].start;
    let to = mstart + toks[i + pat.len() - 1].end;
    // The replacement, with matched copies spelled as in the text.
    let mut repl = String::new();
    let mut last = 0;
    for t in tokens(m.replace) {
        repl.push_str(&m.replace[last..t.start]);
        if copies.contains(&t.text) {
            repl.push_str(t.text);
            repl.push_str(COPY);
        } else {
            repl.push_str(t.text);
        }
        last = t.end;
    }
    repl.push_str(&m.replace[last..]);
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

    fn m(module: &'static str, find: &'static str, replace: &'static str) -> Mutant {
        Mutant {
            name: "t",
            breaks: "P1",
            bug: "test",
            module,
            find,
            replace,
        }
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
        for mu in &MUTANTS {
            let out = apply(&text, mu).unwrap_or_else(|e| panic!("{e}"));
            assert_ne!(out, text, "{}", mu.name);
            // Only the module named changes, and only by the replacement.
            let (s, e) = module_span(&text, mu.module).unwrap();
            let delta = out.len() as isize - text.len() as isize;
            assert_eq!(&out[..s], &text[..s], "{}", mu.name);
            assert_eq!(
                &out[(e as isize + delta) as usize..],
                &text[e..],
                "{}",
                mu.name
            );
            // The pattern is gone: the mutant cannot be applied twice.
            assert!(apply(&out, mu).is_err(), "{}", mu.name);
        }
    }
}
