//! The inspector's checks as `extinspect explain` and the check pages show
//! them.

use checkmeta::CheckMeta;
use clikit::docs::ToolChecks;

/// The inspector's checks, for the index of check pages.
pub fn inspector_checks() -> ToolChecks {
    ToolChecks {
        tool: "extinspect",
        blurb: "Reads the binary without running it.",
        checks: metas(),
    }
}

fn metas() -> Vec<CheckMeta> {
    checks::registry::CHECKS.iter().map(|c| c.meta).collect()
}

/// Every check id of both tools: one configuration file names both.
pub fn every_check_id() -> Vec<&'static str> {
    checks::registry::CHECKS
        .iter()
        .map(|c| c.meta.id)
        .chain(harness::checks::CHECKS.iter().map(|m| m.id))
        .collect()
}

/// Both tools' checks, the inspector's first: `explain` knows every id.
fn both_tools() -> Vec<CheckMeta> {
    metas()
        .into_iter()
        .chain(harness::checks::CHECKS.iter().copied())
        .collect()
}

/// What `extinspect explain ID` prints, for an id of either tool.
pub fn explain(id: &str) -> Option<String> {
    clikit::docs::explain(&both_tools(), id)
}

/// What `extinspect explain` with no id prints.
pub fn list() -> String {
    clikit::docs::list(&both_tools())
}

#[cfg(test)]
mod tests {
    /// `explain` finds the first page with the id: an id both tools used
    /// would show one tool's page for the other's finding.
    #[test]
    fn no_id_belongs_to_both_tools() {
        let ids = super::every_check_id();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "{ids:?}");
    }
}
