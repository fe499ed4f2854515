//! GitHub Actions workflow commands: each finding becomes an annotation on
//! the workflow run (and on the pull request's files when the file is in
//! the diff).
//!
//! One line per diagnostic:
//! `::error file=FILE,line=1,title=CHECK::MESSAGE` (`warning` for a
//! warning, `notice` for an info). `FILE` is the subject's file (the wheel
//! for a wheel member) and the line is 1, as a binary has no lines; the
//! message is the diagnostic's with ` (context)` when it has one, preceded
//! by `MEMBER: ` for a wheel member, and by `LABEL: ` when the label names
//! more than the file (a pytest node id). A subject without a file (a
//! `--module` name) has no `file` or `line`, and its label precedes the
//! message.
//!
//! A subject the tool could not check is
//! `::error file=FILE,title=TOOL::LABEL: WHY` (no `file` without one), and
//! each notice `::error`, `::warning` or `::notice` with `title=TOOL` and
//! its file and line when known. Lines come in report order, notices last;
//! an empty run prints nothing.
//!
//! Messages and property values are escaped as GitHub's toolkit escapes
//! them (see [`escape`]), so every command is one line whatever the text.

mod escape;

use checkmeta::Severity;

use crate::view::{Notice, Run, Status, Subject};

/// The run as workflow commands, one per line.
pub fn github(run: &Run) -> String {
    let mut out = String::new();
    for subject in &run.subjects {
        let file = subject.file.as_deref().filter(|f| !f.is_empty());
        for diagnostic in &subject.diagnostics {
            let prefix = subject
                .qualifier()
                .map(|q| format!("{q}: "))
                .unwrap_or_default();
            let mut properties = Vec::new();
            if let Some(file) = file {
                properties.push(("file", file.to_string()));
                properties.push(("line", "1".to_string()));
            }
            properties.push(("title", diagnostic.check.to_string()));
            let message = format!("{prefix}{}", diagnostic.text());
            push(&mut out, diagnostic.severity, &properties, &message);
        }
        if let Status::Error(why) = &subject.status {
            error_line(&mut out, run.tool.name, subject, file, why);
        }
    }
    for notice in &run.notices {
        notice_line(&mut out, run.tool.name, notice);
    }
    out
}

fn error_line(out: &mut String, tool: &str, subject: &Subject, file: Option<&str>, why: &str) {
    let mut properties = Vec::new();
    if let Some(file) = file {
        properties.push(("file", file.to_string()));
    }
    properties.push(("title", tool.to_string()));
    let message = format!("{}: {why}", subject.label);
    push(out, Severity::Error, &properties, &message);
}

fn notice_line(out: &mut String, tool: &str, notice: &Notice) {
    let mut properties = Vec::new();
    if let Some(file) = notice.file.as_deref().filter(|f| !f.is_empty()) {
        properties.push(("file", file.to_string()));
        if let Some(line) = notice.line {
            properties.push(("line", line.to_string()));
        }
    }
    properties.push(("title", tool.to_string()));
    push(out, notice.level, &properties, &notice.message);
}

/// Appends `::COMMAND key=value,...::message` and a newline.
fn push(out: &mut String, severity: Severity, properties: &[(&str, String)], message: &str) {
    let command = match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    out.push_str("::");
    out.push_str(command);
    for (i, (key, value)) in properties.iter().enumerate() {
        out.push(if i == 0 { ' ' } else { ',' });
        out.push_str(key);
        out.push('=');
        out.push_str(&escape::property(value));
    }
    out.push_str("::");
    out.push_str(&escape::data(message));
    out.push('\n');
}
