//! JSON Lines: one JSON object per line, for `jq`, log shippers and
//! scripts that read a stream rather than a document.
//!
//! Every line is a complete object with a `kind` and the `tool`; there is
//! no header or summary line, and a run with nothing to say prints nothing.
//! Optional fields are left out when they have no value (never `null`), and
//! `properties` is left out when it is empty.
//!
//! ```text
//! {"kind":"diagnostic","tool":T,"check":ID,"severity":"error"|"warning"|"info",
//!  "message":M,"path":LABEL,"file"?:F,"member"?:W,"module"?:N,"context"?:C,
//!  "source"?:{"file":S,"line":L},"fingerprint":K,"properties"?:{...}}
//! {"kind":"error","tool":T,"path":LABEL,"error":WHY,"file"?:F,"member"?:W,"module"?:N}
//! {"kind":"notice","tool":T,"severity":...,"message":M,"file"?:F,"line"?:L}
//! ```
//!
//! `diagnostic` lines are the findings; `path` is the subject as the tools
//! show it (`dist/x.whl!pkg/m.so`, a module name, a pytest node id).
//! `error` lines are subjects the tool could not check: their presence
//! means the run is incomplete. `notice` lines are about the run itself.
//! Lines come in report order: each subject's diagnostics then its error,
//! then the notices. Skipped subjects produce no line.

use serde::Serialize;

use crate::view::{Diagnostic, Notice, Run, Status, Subject};

#[derive(Serialize)]
struct SourceLine<'a> {
    file: &'a str,
    line: u32,
}

#[derive(Serialize)]
struct DiagnosticLine<'a> {
    kind: &'static str,
    tool: &'a str,
    check: &'a str,
    severity: &'static str,
    message: &'a str,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    member: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    module: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<SourceLine<'a>>,
    fingerprint: &'a str,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    properties: &'a serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    kind: &'static str,
    tool: &'a str,
    path: &'a str,
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    member: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    module: Option<&'a str>,
}

#[derive(Serialize)]
struct NoticeLine<'a> {
    kind: &'static str,
    tool: &'a str,
    severity: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
}

/// The run as JSON Lines; empty when there is nothing to report.
pub fn json_lines(run: &Run) -> String {
    let tool = run.tool.name;
    let mut out = String::new();
    for subject in &run.subjects {
        for diagnostic in &subject.diagnostics {
            push(&mut out, &diagnostic_line(tool, subject, diagnostic));
        }
        if let Status::Error(why) = &subject.status {
            push(
                &mut out,
                &ErrorLine {
                    kind: "error",
                    tool,
                    path: &subject.label,
                    error: why,
                    file: subject.file.as_deref(),
                    member: subject.member.as_deref(),
                    module: subject.module.as_deref(),
                },
            );
        }
    }
    for notice in &run.notices {
        push(&mut out, &notice_line(tool, notice));
    }
    out
}

fn diagnostic_line<'a>(
    tool: &'a str,
    subject: &'a Subject,
    diagnostic: &'a Diagnostic,
) -> DiagnosticLine<'a> {
    DiagnosticLine {
        kind: "diagnostic",
        tool,
        check: diagnostic.check,
        severity: diagnostic.severity.name(),
        message: &diagnostic.message,
        path: &subject.label,
        file: subject.file.as_deref(),
        member: subject.member.as_deref(),
        module: subject.module.as_deref(),
        context: diagnostic.context.as_deref(),
        source: diagnostic.source.as_ref().map(|s| SourceLine {
            file: &s.file,
            line: s.line,
        }),
        fingerprint: &diagnostic.fingerprint,
        properties: &diagnostic.properties,
    }
}

fn notice_line<'a>(tool: &'a str, notice: &'a Notice) -> NoticeLine<'a> {
    NoticeLine {
        kind: "notice",
        tool,
        severity: notice.level.name(),
        message: &notice.message,
        file: notice.file.as_deref(),
        line: notice.line,
    }
}

/// Appends one object and its newline. `serde_json` escapes control
/// characters in strings, so the object cannot span lines.
fn push(out: &mut String, line: &impl Serialize) {
    out.push_str(&serde_json::to_string(line).expect("string-keyed structs serialise"));
    out.push('\n');
}
