//! The reinit scenario: an embedding host initialises, uses and finalises
//! the runtime again and again in one process.

use std::ffi::OsString;
use std::path::PathBuf;

use interpreters::Interpreter;
use serde_json::Value;

use crate::execute::Settings;
use crate::probe::Target;
use crate::report::Finding;
use crate::scenario::Scenario;
use crate::verdict::{Context, Judged};

/// How to start the embedding host: a program (the `extharness` binary,
/// or a test's own) and the arguments that make it the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostCommand {
    pub program: PathBuf,
    pub args: Vec<OsString>,
}

/// Findings from the host's result; `Some` when the harness itself failed.
pub(crate) fn judge_result(
    _result: &Value,
    _context: Context,
    _findings: &mut Vec<Finding>,
) -> Option<String> {
    None
}

/// Runs the reinit scenario for one module on one interpreter.
pub(crate) fn run(
    _interpreter: &Interpreter,
    _target: &Target,
    _settings: &Settings,
    _context: Context,
) -> Judged {
    crate::run::not_run(Scenario::Reinit, &"the reinit host is not written yet")
}

/// The embedding host's entry point: what the `extharness reinit-host`
/// subcommand runs in the child. Returns the process's exit status.
pub fn host_main(_args: &[OsString]) -> i32 {
    2
}
