//! The generated check pages of both tools, and `extharness explain`.

use extinspect::docs::{ToolChecks, check_pages, inspector_checks};

pub fn harness_checks() -> ToolChecks {
    ToolChecks {
        tool: "extharness",
        blurb: "Runs the module in child interpreters: import, re-import, subinterpreters, shutdown, workloads.",
        checks: harness::registry::CHECKS.to_vec(),
    }
}

/// Every page under `docs/checks/`, both tools.
pub fn pages() -> Vec<(String, String)> {
    check_pages(&[inspector_checks(), harness_checks()])
}

pub fn explain(id: &str) -> Option<String> {
    extinspect::docs::explain_in(harness::registry::CHECKS, id)
}

pub fn list() -> String {
    extinspect::docs::list_in(harness::registry::CHECKS)
}
