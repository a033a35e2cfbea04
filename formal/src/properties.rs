//! The properties `ptu prove` proves, in plain words, with the engines
//! that prove each one. Their Verilog is the `CHECK_<id>` block of the same
//! id in `properties.v`.

/// How to try to settle a property, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// ABC's property-directed reachability on the AIGER model: an
    /// unbounded proof or a counterexample; gives up after `timeout_s`.
    Pdr { timeout_s: u32 },
    /// yosys-smtbmc + z3 temporal induction of depth `k` (with the base
    /// case, a BMC of the same depth).
    KInduction { k: u32 },
    /// yosys-smtbmc + z3 bounded model check of `depth` cycles.
    Bmc { depth: u32 },
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Engine::Pdr { timeout_s } => write!(f, "ABC pdr (limit {timeout_s} s)"),
            Engine::KInduction { k } => write!(f, "yosys-smtbmc/z3 k-induction, k = {k}"),
            Engine::Bmc { depth } => write!(f, "yosys-smtbmc/z3 BMC, depth {depth}"),
        }
    }
}

/// One property.
#[derive(Clone, Copy, Debug)]
pub struct Property {
    /// `P1` ...; the wrapper's block is `CHECK_<id>`.
    pub id: &'static str,
    /// A few words.
    pub title: &'static str,
    /// What it says, in plain words.
    pub words: &'static str,
    /// Engines to try, in order, until one settles it.
    pub plan: &'static [Engine],
}

/// PDR proves every property of the default configuration in well under
/// a minute (see README, Proofs); k-induction and BMC are the fallbacks if
/// it ever gives up.
const PLAN: &[Engine] = &[
    Engine::Pdr { timeout_s: 150 },
    Engine::KInduction { k: 6 },
    Engine::Bmc { depth: 16 },
];

/// Every property, in order.
pub const PROPERTIES: [Property; 10] = [
    Property {
        id: "P1",
        title: "no level mix",
        words: "In every cycle rip, rsp and gs_base are the copies of the level shown on \
                cpl, and cpl is 0 or 3: there is no cycle (no SYSCALL gap) where the core \
                sees kernel privilege with user registers or the other way round.",
        plan: PLAN,
    },
    Property {
        id: "P2",
        title: "kernel state is out of user reach",
        words: "An edge taken in user mode never changes ENTRY, ENTRY_CRIT, CSTACK or the \
                kernel GS base; while the unit stays in user mode nothing changes the \
                kernel RIP, RSP, GS base, STATUS, EVENT_INFO or EVENT_DATA; an entry from \
                user without a frame keeps the kernel RSP.",
        plan: PLAN,
    },
    Property {
        id: "P3",
        title: "entry only at the entry points",
        words: "cpl goes from 3 to 0 only by an entry; after every entry redirect is high, \
                cpl is 0 and rip is ENTRY (ENTRY_CRIT for NMI, machine check and double \
                fault); redirect pulses only after an entry or a return, never after reset.",
        plan: PLAN,
    },
    Property {
        id: "P4",
        title: "user mode only by ERET",
        words: "cpl goes from 0 to 3 only by an ERET: an unframed one, or a framed one \
                whose STATUS had prev_user; an unframed ERET keeps every kernel register.",
        plan: PLAN,
    },
    Property {
        id: "P5",
        title: "memory only for frames, at SPEC's addresses",
        words: "busy and mem_valid are high exactly while a frame transfer runs, so \
                unframed entries and returns never touch memory; a push writes five \
                words, one per answer, at top-8 down to top-40 below the stack top it \
                chose (CSTACK for a critical event outside a critical handler, else the \
                kernel RSP); a pop reads five words upward from the kernel RSP with \
                mem_we and mem_wdata 0; outside a transfer the bus outputs are 0.",
        plan: PLAN,
    },
    Property {
        id: "P6",
        title: "critical nesting and NMI blocking",
        words: "A critical event or double fault inside a critical handler pushes its \
                frame right below the handler's kernel RSP, never at CSTACK over the live \
                frame; an NMI is entered only if nmi_blocked was 0 when it was accepted, \
                its entry sets nmi_blocked, and no NMI is entered without a frame.",
        plan: PLAN,
    },
    Property {
        id: "P7",
        title: "shutdown is final, busy is bounded",
        words: "Reset leaves the unit in kernel mode, not busy, not shut down, with no \
                pulse; shutdown stays high until reset and nothing changes while it is \
                high (no busy, bus request, redirect or irq_ack, no register write); \
                while busy, the bus request is up, and busy ends by the tenth bus answer \
                (a frame, then at most one double-fault frame).",
        plan: PLAN,
    },
    Property {
        id: "P8",
        title: "CSRs are kernel-only",
        words: "In user mode csr_rdata is 0; a CSR access in user mode changes no \
                register (retire, rsp_we and gs_we of that cycle are cancelled) and \
                raises #GP (type 3, vector 13, error 0 valid, from_user) at ENTRY, unless \
                a machine check or NMI wins that edge, in which case nothing changes but \
                busy.",
        plan: PLAN,
    },
    Property {
        id: "P9",
        title: "frames are exact",
        words: "A push writes the return RIP, the kernel RSP, STATUS, EVENT_INFO and \
                EVENT_DATA as they were before the event, in that order; a framed ERET \
                restores the kernel RIP, kernel RSP, STATUS (its five bits), EVENT_INFO \
                (its defined fields) and EVENT_DATA from exactly the words it popped.",
        plan: PLAN,
    },
    Property {
        id: "P10",
        title: "the event register tells the truth",
        words: "After every entry EVENT_INFO and EVENT_DATA are SPEC's values for the \
                event that the priority order picked (type, vector, error code, \
                from_user, error_valid; the fault address); irq_ack pulses exactly after \
                the edge that accepts an interrupt, which needs user mode or STATUS.if.",
        plan: PLAN,
    },
];

/// The property called `id` (case-insensitive).
pub fn find(id: &str) -> Option<&'static Property> {
    PROPERTIES.iter().find(|p| p.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wrapper::PROPERTIES_V;

    #[test]
    fn every_property_has_exactly_one_block_and_every_block_a_property() {
        for p in &PROPERTIES {
            let open = format!("`ifdef CHECK_{}\n", p.id);
            assert_eq!(PROPERTIES_V.matches(&open).count(), 1, "{}", p.id);
            assert!(!p.plan.is_empty());
        }
        assert_eq!(
            PROPERTIES_V.matches("`ifdef CHECK_").count(),
            PROPERTIES.len()
        );
        // Assertions live only inside property blocks.
        let outside: String = PROPERTIES_V
            .split("`ifdef CHECK_")
            .next()
            .unwrap()
            .to_string();
        assert!(!outside.contains("assert("));
    }

    #[test]
    fn find_is_case_insensitive() {
        assert_eq!(find("p10").unwrap().id, "P10");
        assert!(find("P11").is_none());
    }
}
