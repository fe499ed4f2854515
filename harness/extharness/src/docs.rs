//! The harness's checks as `extharness explain` and the check pages show
//! them.

use checkmeta::Group;
use clikit::docs::{ToolChecks, explain_in, list_in};

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

pub fn explain(id: &str) -> Option<String> {
    explain_in(harness::checks::CHECKS, id)
}

pub fn list() -> String {
    list_in(harness::checks::CHECKS)
}
