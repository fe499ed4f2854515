//! The inspector's checks as `extinspect explain` and the check pages show
//! them.

use checkmeta::CheckMeta;
use clikit::docs::{ToolChecks, explain_in, list_in};

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

/// What `extinspect explain ID` prints.
pub fn explain(id: &str) -> Option<String> {
    explain_in(&metas(), id)
}

/// What `extinspect explain` with no id prints.
pub fn list() -> String {
    list_in(&metas())
}
