//! The leaks scenario: run the user's workload (`--workload FILE` or `-c
//! CODE`) again and again under CPython's leak rule (`leaks.py`): a
//! workload that raises is `workload-error`, one whose every measured run
//! leaves more behind is `call-leak` (the verdict's, shared with the
//! exercise scenario).

pub mod workload_error;

use checkmeta::CheckMeta;
use serde::Deserialize;
use serde_json::Value;

use crate::probe::ExcInfo;
use crate::report::Finding;
use crate::verdict::call_leak::CallLeak;
use crate::verdict::leak::{Attribution, Measures};
use crate::verdict::{self, Context, leak_finding};
use workload_error::WorkloadError;

/// The checks this scenario exists to find.
pub const CHECKS: &[CheckMeta] = &[CallLeak::META, WorkloadError::META];

#[derive(Deserialize)]
struct LeaksResult {
    error: Option<ExcInfo>,
    #[serde(default)]
    measures: Measures,
    /// Only when the measured runs grew.
    #[serde(default)]
    attribution: Option<Attribution>,
}

pub fn judge_result(
    result: &Value,
    context: Context,
    findings: &mut Vec<Finding>,
) -> Result<(), String> {
    let r: LeaksResult = verdict::parse("leaks", result)?;
    if let Some(error) = &r.error {
        findings.push(
            Finding::new(
                &WorkloadError::META,
                format!("the workload raised {}: {}", error.kind, error.message),
            )
            .with("exception", format!("{}: {}", error.kind, error.message))
            .with("python_traceback", error.traceback.trim_end()),
        );
        return Ok(());
    }
    leak_finding(
        &CallLeak::META,
        "the workload leaks",
        &r.measures,
        r.attribution.as_ref(),
        context,
        findings,
    );
    Ok(())
}
