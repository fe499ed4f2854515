//! The harness's checks as `extharness explain` and the check pages show
//! them.

use checkmeta::{CheckMeta, Group};
use clikit::docs::ToolChecks;

/// The harness's checks, for the index of check pages.
pub fn harness_checks() -> ToolChecks {
    ToolChecks {
        tool: "extharness",
        blurb: "Runs the module in child interpreters: import, re-import, subinterpreters, shutdown, workloads.",
        checks: harness::checks::CHECKS.to_vec(),
    }
}

/// The ids of one group's checks: `extharness check` runs the scenario
/// checks, `extharness pytest` the pytest ones.
pub fn ids_of(group: Group) -> Vec<&'static str> {
    harness::checks::CHECKS
        .iter()
        .filter(|m| m.group == group)
        .map(|m| m.id)
        .collect()
}

/// The checks of `group` that only `--select` turns on.
pub fn not_by_default(group: Group) -> Vec<&'static str> {
    harness::checks::CHECKS
        .iter()
        .filter(|m| m.group == group && !m.default_selected)
        .map(|m| m.id)
        .collect()
}

/// Every check id of both tools: one configuration file names both.
pub fn every_check_id() -> Vec<&'static str> {
    let inspector = checks::registry::CHECKS.iter().map(|c| c.meta.id);
    inspector
        .chain(harness::checks::CHECKS.iter().map(|m| m.id))
        .collect()
}

/// Both tools' checks, the harness's first: `explain` knows every id.
fn both_tools() -> Vec<CheckMeta> {
    harness::checks::CHECKS
        .iter()
        .copied()
        .chain(checks::registry::CHECKS.iter().map(|c| c.meta))
        .collect()
}

/// What `extharness explain ID` prints, for an id of either tool.
pub fn explain(id: &str) -> Option<String> {
    clikit::docs::explain(&both_tools(), id)
}

/// What `extharness explain` with no id prints.
pub fn list() -> String {
    clikit::docs::list(&both_tools())
}
