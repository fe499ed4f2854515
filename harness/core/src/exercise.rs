//! The exercise scenario: every callable the module exposes, called with
//! fixed argument shapes and measured one by one.

use serde_json::Value;

use crate::report::Finding;
use crate::verdict::Context;

/// Findings from the probe's exercise result; `Some` when the harness
/// itself failed.
pub(crate) fn judge_result(
    _result: &Value,
    _context: Context,
    _findings: &mut Vec<Finding>,
) -> Option<String> {
    None
}
