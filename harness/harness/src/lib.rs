//! The runtime harness: runs extension modules in child interpreter
//! processes, scenario by scenario, and turns what happened into findings.
//! Library code: it never prints or exits; the `extharness` binary does.

mod cause;
pub mod checks;
pub mod child;
mod diagnosis;
mod execute;
mod exercise;
mod inputs;
mod leak;
pub mod native;
pub mod probe;
pub mod pytest;
mod reaper;
mod reinit;
pub mod report;
mod run;
mod scenario;
mod select;
mod verdict;

pub use execute::Settings;
pub use probe::{Target, Workload};
pub use reaper::stop_children_on_termination;
pub use reinit::{HostCommand, host_main};
pub use report::{
    Finding, InterpreterReport, ModuleReport, Outcome, PassedOver, Report, ScenarioReport,
};
pub use run::{Options, Step, check, check_with};
pub use scenario::Scenario;
