//! What the proof tests share: the check that a report proves every
//! property unbounded, and where a property's assertions stand in the
//! wrapper.

use ptu_formal::properties::PROPERTIES;
use ptu_formal::{Report, Verdict};

/// Every property of SPEC is in `report`, each proven unbounded by PDR;
/// `unit` names the unit in the failure message.
pub fn assert_every_property_proven(report: &Report, unit: &str) {
    assert_eq!(report.outcomes.len(), PROPERTIES.len());
    for o in &report.outcomes {
        assert_eq!(
            o.verdict,
            Verdict::Proven {
                how: "ABC pdr, unbounded".into()
            },
            "{unit} {}: {report}",
            o.property.id
        );
    }
}

/// The lines of `ptu_formal.v` inside `` `ifdef CHECK_<id> `` ... its
/// `` `endif `` (past the blocks of options nested in it), 1-based.
pub fn block_lines(wrapper: &str, id: &str) -> std::ops::Range<usize> {
    let lines: Vec<&str> = wrapper.lines().collect();
    let open = format!("`ifdef CHECK_{id}");
    let start = lines.iter().position(|l| *l == open).unwrap() + 1;
    let mut depth = 0;
    let end = start
        + lines[start..]
            .iter()
            .position(|l| {
                if l.starts_with("`ifdef") {
                    depth += 1;
                } else if *l == "`endif" {
                    if depth == 0 {
                        return true;
                    }
                    depth -= 1;
                }
                false
            })
            .unwrap();
    start + 1..end + 1
}
