//! The harness's findings through the gate: selection, per-file ignores,
//! the baseline and severity overrides, before any format renders them.

use clikit::Gate;
use config::FindingKey;
use harness::pytest::test_leak::TestLeak;
use harness::pytest::{PytestReport, TestOutcome};
use harness::{Finding, InterpreterReport, Report};

/// Drops what the policy hides, applies severity overrides, and recounts.
pub fn apply(report: &mut Report, gate: &mut Gate) {
    for module in &mut report.modules {
        for interpreter in &mut module.interpreters {
            let version = version_key(interpreter);
            keep(
                &mut interpreter.findings,
                gate,
                &module.path,
                Some(&module.module),
                &version,
            );
        }
    }
    report.recount();
}

/// The same for `extharness pytest`: a test whose leak the gate hides or
/// makes less than an error counts as passed (the finding, when kept,
/// stays on the test); a crash stays a crash whatever the gate says, since
/// the test never finished.
pub fn apply_pytest(report: &mut PytestReport, gate: &mut Gate) {
    for test in &mut report.tests {
        keep(&mut test.findings, gate, &test.nodeid, None, "");
        let leak_counts = test
            .findings
            .iter()
            .any(|f| f.check == TestLeak::META.id && f.severity == checkmeta::Severity::Error);
        if test.outcome == TestOutcome::Leaked && !leak_counts {
            test.outcome = TestOutcome::Passed;
        }
    }
    keep(&mut report.findings, gate, SESSION, None, "");
    report.recount();
}

/// The path of pytest findings outside any test.
pub const SESSION: &str = "<pytest session>";

fn keep(
    findings: &mut Vec<Finding>,
    gate: &mut Gate,
    path: &str,
    module: Option<&str>,
    version: &str,
) {
    findings.retain_mut(|finding| {
        let context = identity(finding, version);
        let key = key(path, module, finding, &context);
        match gate.judge(&key, &finding.message) {
            Some(severity) => {
                finding.severity = severity;
                true
            }
            None => false,
        }
    });
}

/// `3.12`, `3.11d`: findings differ by interpreter, not by its micro
/// version or where it is installed.
pub(crate) fn version_key(interpreter: &InterpreterReport) -> String {
    let mut parts = interpreter.version.split('.');
    let feature = match (parts.next(), parts.next()) {
        (Some(major), Some(minor)) => {
            let minor: String = minor.chars().take_while(char::is_ascii_digit).collect();
            format!("{major}.{minor}")
        }
        _ => interpreter.version.clone(),
    };
    if interpreter.debug {
        format!("{feature}d")
    } else {
        feature
    }
}

/// What tells two findings of one check on one module apart across runs:
/// the interpreter, and the function or subinterpreter kind they name.
pub(crate) fn identity(finding: &Finding, version: &str) -> Vec<String> {
    let mut context = Vec::new();
    if !version.is_empty() {
        context.push(version.to_string());
    }
    for key in ["function", "kind"] {
        if let Some(serde_json::Value::String(value)) = finding.evidence.get(key) {
            context.push(format!("{key}={value}"));
        }
    }
    context
}

pub(crate) fn key<'a>(
    path: &'a str,
    module: Option<&'a str>,
    finding: &'a Finding,
    context: &'a [String],
) -> FindingKey<'a> {
    FindingKey {
        check: finding.check,
        severity: finding.severity,
        path,
        module,
        context,
    }
}
