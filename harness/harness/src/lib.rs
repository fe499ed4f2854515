//! The runtime harness: runs extension modules in child interpreter
//! processes, scenario by scenario, and turns what happened into findings.
//! Library code: it never prints or exits; the `extharness` tool does.
//!
//! Its layers, each using only those below it (docs/architecture.md):
//! [`plan`] (what runs where, in what order) → [`scenarios`] (each
//! scenario's Python half, result type, judge and checks) → [`verdict`]
//! (what every child's ending and result says) → [`process`] (a child
//! interpreter, its limits, its crash record) → [`probe`] (the protocol
//! with the Python side) and [`report`] (the report's vocabulary).
//! [`pytest`] runs a project's test suite beside them; [`checks`] lists
//! every check of the harness.

pub mod checks;
pub mod plan;
pub mod probe;
pub mod process;
pub mod pytest;
pub mod report;
pub mod scenarios;
pub mod verdict;

/// `--no-cache`: the on-disk caches of interpreter facts and reinit
/// baselines, on or off for the rest of the process.
pub use interpreters::cache::set_enabled as set_cache_enabled;
pub use plan::{Options, Step, Versions, check, check_with};
pub use probe::{Target, Workload};
pub use process::reaper::stop_children_on_termination;
pub use process::{HostCommand, Settings, child, native};
pub use report::{
    Chosen, EnvironmentReport, Finding, InterpreterReport, ModuleReport, Outcome, PassedOver,
    Report, Scenario, ScenarioReport,
};
pub use scenarios::import::gil_required::summary_line as gil_required_summary;
pub use scenarios::reinit::host_main;
