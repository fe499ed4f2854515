//! The subinterpreter scenarios: import the module in a legacy
//! subinterpreter (sharing the main GIL) or an isolated one (its own GIL,
//! 3.12+), with whatever the version offers (`subinterpreter.py`: from 3.14
//! `concurrent.interpreters` for the isolated kind, `_interpreters` for the
//! legacy one, which the public module does not make), and
//! compare what it defines there with the main interpreter's very objects.

pub mod subinterpreter_refused;
pub mod subinterpreter_shared_objects;

use checkmeta::CheckMeta;
use serde::Deserialize;
use serde_json::Value;

use crate::probe::ExcInfo;
use crate::report::Finding;
use crate::verdict::subinterpreter_crash::SubinterpreterCrash;
use crate::verdict::{self, Context, import_error, is_import_error, names};
use subinterpreter_refused::SubinterpreterRefused;
use subinterpreter_shared_objects::SubinterpreterSharedObjects;

/// The checks these scenarios exist to find (their crash the verdict
/// raises).
pub const CHECKS: &[CheckMeta] = &[
    SubinterpreterRefused::META,
    SubinterpreterSharedObjects::META,
    SubinterpreterCrash::META,
];

#[derive(Deserialize)]
struct SubinterpreterResult {
    kinds: Vec<KindResult>,
}

#[derive(Deserialize)]
struct KindResult {
    kind: String,
    via: String,
    error: Option<ExcInfo>,
    #[serde(default)]
    shared: Vec<String>,
    failure: Option<ExcInfo>,
}

/// The judge of both kinds: the result names the kind it ran.
pub fn judge_result(
    result: &Value,
    _context: Context,
    findings: &mut Vec<Finding>,
) -> Result<(), String> {
    let r: SubinterpreterResult = verdict::parse("subinterpreter", result)?;
    let failures: Vec<String> = r
        .kinds
        .iter()
        .filter_map(|kind| judge_kind(kind, findings))
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

/// Findings for one kind of subinterpreter; `Some` when the harness, not
/// the module, failed there.
fn judge_kind(kind: &KindResult, findings: &mut Vec<Finding>) -> Option<String> {
    let which = match kind.kind.as_str() {
        "isolated" => "an isolated subinterpreter (own GIL)",
        _ => "a legacy subinterpreter (shared GIL)",
    };
    if let Some(error) = &kind.error {
        if is_import_error(error) {
            findings.push(
                Finding::new(
                    &SubinterpreterRefused::META,
                    format!("{which} refuses it: {}", error.message),
                )
                .with("kind", &kind.kind)
                .with("via", &kind.via)
                .with("exception", format!("{}: {}", error.kind, error.message)),
            );
        } else {
            findings.push(import_error(
                error,
                &format!("subinterpreter-import ({})", kind.kind),
            ));
        }
    }
    if !kind.shared.is_empty() {
        findings.push(
            Finding::new(
                &SubinterpreterSharedObjects::META,
                format!(
                    "{which} gets the main interpreter's very objects: {}",
                    names(&kind.shared)
                ),
            )
            .with("kind", &kind.kind)
            .with("via", &kind.via)
            .with("shared", &kind.shared),
        );
    }
    // The subinterpreter could not run the probe's own code and nothing
    // of the module was reported: the harness failed, not the module.
    match &kind.failure {
        Some(failure) if kind.error.is_none() && kind.shared.is_empty() => Some(format!(
            "{which} could not run the probe: {}: {}",
            failure.kind, failure.message
        )),
        _ => None,
    }
}
