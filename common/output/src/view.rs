//! The common view both tools convert their reports into, so that each CI
//! format is written once for the inspector and the harness alike.

use std::path::PathBuf;

use checkmeta::{CheckMeta, Severity};

/// Which tool produced the run.
#[derive(Debug, Clone)]
pub struct Tool {
    /// `extinspect` or `extharness`.
    pub name: &'static str,
    /// The binary's `CARGO_PKG_VERSION`.
    pub version: &'static str,
    /// The project's home page.
    pub information_uri: &'static str,
    /// Where check pages live; a rule's help URI is `{docs_base}/{id}.md`.
    pub docs_base: &'static str,
}

/// One invocation of a tool, as every format renders it.
#[derive(Debug, Clone)]
pub struct Run {
    pub tool: Tool,
    /// Every check this run could report, in registry order (after the
    /// user's select/ignore).
    pub rules: Vec<CheckMeta>,
    /// Files, wheel members, `--module` names or pytest tests, in report
    /// order.
    pub subjects: Vec<Subject>,
    /// Messages about the run rather than a subject: unused suppressions,
    /// baseline totals, interpreters that could not be used...
    pub notices: Vec<Notice>,
    /// The working directory the paths in [`Subject::file`] are relative
    /// to (absolute). SARIF names it as `%SRCROOT%`.
    pub cwd: PathBuf,
}

/// One thing a tool looked at.
#[derive(Debug, Clone)]
pub struct Subject {
    /// As the tools show it: `dist/x.whl!pkg/m.so`, a module name for
    /// `--module`, a pytest node id.
    pub label: String,
    /// The file on disk the subject is, or is in (the wheel for a wheel
    /// member), as given (relative to [`Run::cwd`] or absolute). `None` for
    /// `--module` names.
    pub file: Option<String>,
    /// For a wheel member, its path inside the wheel.
    pub member: Option<String>,
    pub module: Option<String>,
    pub status: Status,
    /// The checks that ran on this subject (JUnit: one test case per
    /// subject and check). A check present in `suppressed` is not repeated
    /// here.
    pub checked: Vec<&'static str>,
    /// Checks not applied to this subject by a per-file ignore, with the
    /// reason the user wrote.
    pub suppressed: Vec<Suppressed>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether a subject was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Checked,
    /// Not checked, and that is not a failure (not an extension module;
    /// cannot run on this machine).
    Skipped(String),
    /// The tool could not check it (unreadable, harness error): the run is
    /// incomplete (exit status 2).
    Error(String),
}

/// A check a per-file ignore kept off a subject.
#[derive(Debug, Clone)]
pub struct Suppressed {
    pub check: &'static str,
    pub reason: String,
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub check: &'static str,
    /// After the user's severity overrides.
    pub severity: Severity,
    /// One line.
    pub message: String,
    /// Where in the run beyond the file, for people: "CPython 3.12.1,
    /// scenario reimport". `None` for the inspector.
    pub context: Option<String>,
    /// A source line the finding points at (a crash site from DWARF),
    /// absolute or relative as the debug information has it.
    pub source: Option<SourceLocation>,
    /// A stable identity across runs (the baseline key), e.g.
    /// `missing-init-symbol|dist/pkg!pkg/_m.so|_m`.
    pub fingerprint: String,
    /// Machine-readable facts (symbols, evidence), carried into JSON Lines
    /// and SARIF result properties.
    pub properties: serde_json::Map<String, serde_json::Value>,
}

/// A line in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    pub file: String,
    pub line: u32,
}

/// A message about the run rather than about a subject.
#[derive(Debug, Clone)]
pub struct Notice {
    pub level: Severity,
    pub message: String,
    /// A file the notice is about (a configuration file).
    pub file: Option<String>,
    /// A line in `file`.
    pub line: Option<u32>,
}

impl Diagnostic {
    /// The message with its context, as the formats that have one text
    /// field show it: `message (context)`.
    pub(crate) fn text(&self) -> String {
        match &self.context {
            Some(context) => format!("{} ({context})", self.message),
            None => self.message.clone(),
        }
    }
}

impl Subject {
    /// What a message must name for a reader who sees only the subject's
    /// file: the wheel member, or the label when it says more than the file
    /// (a pytest node id, a `--module` name without a file).
    pub(crate) fn qualifier(&self) -> Option<&str> {
        match (&self.member, self.file.as_deref()) {
            (Some(member), Some(file)) if !file.is_empty() => Some(member),
            (_, Some(file)) if file == self.label => None,
            _ => Some(&self.label),
        }
    }
}
