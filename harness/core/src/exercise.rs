//! The exercise scenario: every callable the module exposes, called with
//! fixed argument shapes and measured one by one.

use interpreters::Interpreter;
use serde_json::Value;

use crate::execute::{Settings, execute};
use crate::probe::Target;
use crate::report::Finding;
use crate::scenario::Scenario;
use crate::verdict::{Context, Judged, judge};

/// Findings from the probe's exercise result; `Some` when the harness
/// itself failed.
pub(crate) fn judge_result(
    _result: &Value,
    _context: Context,
    _findings: &mut Vec<Finding>,
) -> Option<String> {
    None
}

/// Runs the exercise scenario for one module on one interpreter.
pub(crate) fn run(
    interpreter: &Interpreter,
    target: &Target,
    settings: &Settings,
    context: Context,
) -> Judged {
    match execute(interpreter, target, Scenario::Exercise, settings) {
        Ok(run) => judge(Scenario::Exercise, &run, context),
        Err(e) => crate::run::not_run(Scenario::Exercise, &e),
    }
}
