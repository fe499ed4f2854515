//! What each subject becomes in JUnit terms: test cases and their outcome,
//! before any XML is written.

use checkmeta::Severity;

use crate::view::{Diagnostic, Notice, Status, Subject};

pub(super) struct Suite {
    pub name: String,
    pub cases: Vec<Case>,
    pub system_out: Option<String>,
}

pub(super) struct Case {
    pub classname: String,
    pub name: String,
    pub outcome: Outcome,
    pub system_out: Option<String>,
}

pub(super) enum Outcome {
    Passed,
    Failed {
        message: String,
        kind: String,
        text: String,
    },
    Errored {
        message: String,
    },
    Skipped {
        message: String,
    },
}

impl Suite {
    pub fn count(&self, outcome: fn(&Outcome) -> bool) -> usize {
        self.cases.iter().filter(|c| outcome(&c.outcome)).count()
    }
}

pub(super) fn failed(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Failed { .. })
}

pub(super) fn errored(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Errored { .. })
}

pub(super) fn skipped(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Skipped { .. })
}

/// A subject's suite: its status as a case named after it (unless it was
/// checked), then a case per check that ran or that a diagnostic names,
/// then a skipped case per suppressed check that reported nothing.
pub(super) fn subject_suite(subject: &Subject) -> Suite {
    let label = &subject.label;
    let mut cases = Vec::new();
    match &subject.status {
        Status::Checked => {}
        Status::Skipped(why) => cases.push(Case {
            classname: label.clone(),
            name: label.clone(),
            outcome: Outcome::Skipped {
                message: why.clone(),
            },
            system_out: None,
        }),
        Status::Error(why) => cases.push(Case {
            classname: label.clone(),
            name: label.clone(),
            outcome: Outcome::Errored {
                message: why.clone(),
            },
            system_out: None,
        }),
    }
    let mut checks: Vec<&str> = Vec::new();
    let named = subject.diagnostics.iter().map(|d| d.check);
    for check in subject.checked.iter().copied().chain(named) {
        if !checks.contains(&check) {
            checks.push(check);
        }
    }
    for check in &checks {
        let diagnostics: Vec<&Diagnostic> = subject
            .diagnostics
            .iter()
            .filter(|d| d.check == *check)
            .collect();
        cases.push(check_case(label, check, &diagnostics));
    }
    for suppressed in &subject.suppressed {
        if checks.contains(&suppressed.check) {
            continue;
        }
        cases.push(Case {
            classname: label.clone(),
            name: suppressed.check.to_string(),
            outcome: Outcome::Skipped {
                message: format!("ignored: {}", suppressed.reason),
            },
            system_out: None,
        });
    }
    Suite {
        name: label.clone(),
        cases,
        system_out: None,
    }
}

/// One check on one subject: failed when an error-severity diagnostic
/// reported, with every such diagnostic in the failure's text; warnings
/// and infos in the case's output.
fn check_case(label: &str, check: &str, diagnostics: &[&Diagnostic]) -> Case {
    let (errors, others): (Vec<&Diagnostic>, Vec<&Diagnostic>) = diagnostics
        .iter()
        .partition(|d| d.severity == Severity::Error);
    let outcome = match errors.first() {
        Some(first) => Outcome::Failed {
            message: first.message.clone(),
            kind: check.to_string(),
            text: lines(&errors),
        },
        None => Outcome::Passed,
    };
    Case {
        classname: label.to_string(),
        name: check.to_string(),
        outcome,
        system_out: (!others.is_empty()).then(|| lines(&others)),
    }
}

/// One line per diagnostic, `severity: message (context)`, with the
/// source line under it when there is one.
fn lines(diagnostics: &[&Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(diagnostic.severity.name());
        out.push_str(": ");
        out.push_str(&diagnostic.text());
        out.push('\n');
        if let Some(source) = &diagnostic.source {
            out.push_str(&format!("  at {}:{}\n", source.file, source.line));
        }
    }
    out
}

/// The run's notices, as the output of a suite named after the tool with
/// no test cases: notices are about the run, not a test that passed or
/// failed.
pub(super) fn notice_suite(tool: &str, notices: &[Notice]) -> Suite {
    let mut out = String::new();
    for notice in notices {
        out.push_str(notice.level.name());
        out.push_str(": ");
        out.push_str(&notice.message);
        match (&notice.file, notice.line) {
            (Some(file), Some(line)) => out.push_str(&format!(" ({file}:{line})")),
            (Some(file), None) => out.push_str(&format!(" ({file})")),
            _ => {}
        }
        out.push('\n');
    }
    Suite {
        name: tool.to_string(),
        cases: Vec::new(),
        system_out: Some(out),
    }
}
