//! The reinit scenario: an embedding host initialises, uses and finalises
//! the runtime again and again in one process.

use std::ffi::OsString;
use std::path::PathBuf;

use serde_json::Value;

use crate::report::Finding;
use crate::verdict::Context;

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
