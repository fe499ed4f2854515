//! The shutdown scenario: use the module (the workload, or its
//! zero-argument functions once each; `shutdown.py`) and let the
//! interpreter finalize, which the other scenarios skip (they end with
//! `os._exit`). What it finds, a crash or a hang during finalization
//! (`shutdown-crash`, `shutdown-hang`), the verdict raises, since it reads
//! the child's ending.

use checkmeta::CheckMeta;
use serde::Deserialize;
use serde_json::Value;

use crate::report::Finding;
use crate::verdict::{self, Context};

/// The checks this scenario exists to find, beyond those any child can
/// end with (the shutdown ones among them).
pub const CHECKS: &[CheckMeta] = &[];

/// What the probe reports before finalizing: what it used (`workload`, or
/// the functions it called). Parsed so that a probe that reports something
/// else is a harness error; nothing in it is a finding.
#[derive(Deserialize)]
struct ShutdownResult {
    #[serde(rename = "used")]
    _used: Vec<String>,
}

pub fn judge_result(
    result: &Value,
    _context: Context,
    _findings: &mut Vec<Finding>,
) -> Result<(), String> {
    verdict::parse::<ShutdownResult>("shutdown", result).map(|_| ())
}
