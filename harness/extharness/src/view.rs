//! The harness's reports as the common view the CI formats render.

use std::collections::BTreeSet;

use clikit::{Gate, GateReport};
use harness::pytest::PytestReport;
use harness::{Finding, ModuleReport, Outcome, Report, Scenario};
use output::{Diagnostic, Notice, Run, SourceLocation, Status, Subject, Suppressed, Tool};

use crate::gate::{SESSION, identity, key, version_key};

pub fn tool() -> Tool {
    Tool {
        name: "extharness",
        version: env!("CARGO_PKG_VERSION"),
        information_uri: clikit::HOME,
        docs_base: clikit::DOCS_BASE,
    }
}

fn rules(gate: &Gate) -> Vec<checkmeta::CheckMeta> {
    let selected = gate.policy.selected();
    harness::checks::CHECKS
        .iter()
        .filter(|m| selected.contains(&m.id))
        .copied()
        .collect()
}

/// `gate` after [`crate::gate::apply`]; `gate_report` from `Gate::finish`.
pub fn view(report: &Report, gate: &Gate, gate_report: &GateReport) -> Run {
    let mut notices = gate_report.notices();
    notices.extend(report.interpreter_errors.iter().map(|e| Notice {
        level: checkmeta::Severity::Error,
        message: format!(
            "cannot use the interpreter {}: {}",
            e.python.display(),
            e.reason
        ),
        file: None,
        line: None,
    }));
    Run {
        tool: tool(),
        rules: rules(gate),
        subjects: report
            .modules
            .iter()
            .map(|module| subject(module, gate))
            .collect(),
        notices,
        cwd: gate.cwd.clone(),
    }
}

fn subject(module: &ModuleReport, gate: &Gate) -> Subject {
    let (file, member) = if module.path == module.module && !module.path.contains('/') {
        // `--module NAME`: no file of ours to point at.
        (None, None)
    } else {
        let (file, member) = clikit::split_member(&module.path);
        (Some(file.to_string()), member.map(str::to_string))
    };
    let harness_error = module.error.clone().or_else(|| {
        let errors: Vec<String> = module
            .interpreters
            .iter()
            .flat_map(|i| {
                i.scenarios
                    .iter()
                    .filter(|s| s.outcome == Outcome::Error)
                    .map(move |s| {
                        format!(
                            "{} under {}: {}",
                            s.name.name(),
                            i.version,
                            s.detail.as_deref().unwrap_or("could not be run")
                        )
                    })
            })
            .collect();
        (!errors.is_empty()).then(|| errors.join("; "))
    });
    let status = match (&harness_error, &module.not_runnable) {
        (Some(error), _) => Status::Error(error.clone()),
        (None, Some(why)) => Status::Skipped(why.clone()),
        (None, None) if module.interpreters.is_empty() => {
            Status::Skipped("no interpreter here runs it".to_string())
        }
        (None, None) => Status::Checked,
    };
    // The checks of the scenarios that ran, under any interpreter.
    let ran: BTreeSet<Scenario> = module
        .interpreters
        .iter()
        .flat_map(|i| i.scenarios.iter())
        .filter(|s| matches!(s.outcome, Outcome::Passed | Outcome::Finding))
        .map(|s| s.name)
        .collect();
    let mut applicable: Vec<&'static str> = Vec::new();
    if !ran.is_empty() {
        for meta in harness::checks::CHECKS {
            let applies =
                Scenario::ANYWHERE.contains(meta) || ran.iter().any(|s| s.checks().contains(meta));
            if applies && gate.policy.is_selected(meta.id) {
                applicable.push(meta.id);
            }
        }
    }
    let mut checked = Vec::new();
    let mut suppressed = Vec::new();
    for id in applicable {
        match gate.policy.ignored_for(id, &module.path) {
            Some(reason) => suppressed.push(Suppressed {
                check: id,
                reason: reason.to_string(),
            }),
            None => checked.push(id),
        }
    }
    let diagnostics = module
        .interpreters
        .iter()
        .flat_map(|interpreter| {
            let version = version_key(interpreter);
            let context = format!("CPython {}", interpreter.version);
            interpreter.findings.iter().map(move |finding| {
                diagnostic(
                    finding,
                    gate,
                    &module.path,
                    Some(&module.module),
                    &version,
                    Some(context.clone()),
                )
            })
        })
        .collect();
    Subject {
        label: module.path.clone(),
        file,
        member,
        module: Some(module.module.clone()),
        status,
        checked,
        suppressed,
        diagnostics,
    }
}

fn diagnostic(
    finding: &Finding,
    gate: &Gate,
    path: &str,
    module: Option<&str>,
    version: &str,
    context: Option<String>,
) -> Diagnostic {
    let identity = identity(finding, version);
    let source = finding.evidence.get("crash_site").and_then(|site| {
        Some(SourceLocation {
            file: site.get("file")?.as_str()?.to_string(),
            line: u32::try_from(site.get("line")?.as_u64()?).ok()?,
        })
    });
    Diagnostic {
        check: finding.check,
        severity: finding.severity,
        message: finding.message.clone(),
        context,
        source,
        fingerprint: gate
            .policy
            .fingerprint(&key(path, module, finding, &identity)),
        properties: finding.evidence.clone(),
    }
}

/// `extharness pytest`: a subject per test (its file the test's file), and
/// one for deaths outside any test.
pub fn view_pytest(report: &PytestReport, gate: &Gate, gate_report: &GateReport) -> Run {
    let checks: Vec<&'static str> = crate::docs::ids_of(checkmeta::Group::Pytest)
        .into_iter()
        .filter(|id| gate.policy.is_selected(id))
        .collect();
    let mut subjects: Vec<Subject> = report
        .tests
        .iter()
        .map(|test| {
            let file = test.nodeid.split("::").next().unwrap_or(&test.nodeid);
            let status = if test.outcome.fails() && test.findings.is_empty() {
                // pytest's own verdict: failed, error, not run.
                Status::Error(format!(
                    "{}{}",
                    test.outcome.name(),
                    test.message
                        .as_deref()
                        .and_then(|m| m.lines().next())
                        .map(|m| format!(": {m}"))
                        .unwrap_or_default()
                ))
            } else if test.outcome == harness::pytest::TestOutcome::Skipped {
                Status::Skipped(test.message.clone().unwrap_or_else(|| "skipped".into()))
            } else {
                Status::Checked
            };
            Subject {
                label: test.nodeid.clone(),
                file: Some(file.to_string()),
                member: None,
                module: None,
                status,
                checked: checks.clone(),
                suppressed: Vec::new(),
                diagnostics: test
                    .findings
                    .iter()
                    .map(|f| diagnostic(f, gate, &test.nodeid, None, "", None))
                    .collect(),
            }
        })
        .collect();
    if !report.findings.is_empty() {
        subjects.push(Subject {
            label: SESSION.to_string(),
            file: None,
            member: None,
            module: None,
            status: Status::Checked,
            checked: checks.clone(),
            suppressed: Vec::new(),
            diagnostics: report
                .findings
                .iter()
                .map(|f| diagnostic(f, gate, SESSION, None, "", None))
                .collect(),
        });
    }
    Run {
        tool: tool(),
        rules: rules(gate)
            .into_iter()
            .filter(|m| m.group == checkmeta::Group::Pytest)
            .collect(),
        subjects,
        notices: gate_report.notices(),
        cwd: gate.cwd.clone(),
    }
}
