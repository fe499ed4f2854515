//! SARIF 2.1.0, in the shape GitHub code scanning ingests.
//!
//! One run. `tool.driver.rules` holds a reporting descriptor per check of
//! [`Run::rules`] (then any check a diagnostic names that the run did not
//! list, with a minimal description, so that every `ruleId` resolves):
//! `name` is the id in UpperCamelCase, `shortDescription` the check's
//! summary, `fullDescription` its "What it does" section, `help` its whole
//! documentation, `helpUri` its page under [`Tool::docs_base`]. GitHub's
//! length limits (255 characters for a name, 1024 for a description) are
//! kept by cutting and marking the cut with `…`.
//!
//! Each diagnostic of a subject with a file is a result with exactly one
//! location: the file (the wheel for a wheel member), at line 1 because a
//! binary has no lines and GitHub requires `region.startLine`. The wheel
//! member and the module are logical locations of that same location
//! (`kind` `resource` and `module`); the member also starts the message
//! (`pkg/_m.so: ...`) because GitHub shows only the message and the file,
//! as does the label when it names more than the file (a pytest node id).
//! The message is the diagnostic's, with ` (context)` when it has one (the
//! check's id when that leaves it blank, which GitHub rejects). A
//! source line (a crash site) is `relatedLocations[0]`. Properties are the
//! diagnostic's own, plus `subject`, `member`, `module` and `context`
//! (which win over a tool property of the same name; a tool property named
//! `tags` that is not a list of distinct strings, which SARIF reserves the
//! name for, is carried as `tags-value`).
//!
//! `partialFingerprints` carries the tool's fingerprint as
//! `extinspect/v1`, and as `primaryLocationLineHash` its FNV-1a hash (see
//! [`crate::fingerprint`]) so that the upload action does not hash lines of
//! a binary file. A diagnostic without a fingerprint gets
//! `check|label|message` in its place.
//!
//! A diagnostic of a subject without a file (a `--module` name) cannot be
//! a result: GitHub rejects the whole upload ("locationFromSarifResult:
//! expected artifact location") when one result lacks
//! `physicalLocation.artifactLocation`, and inventing a path would point
//! an alert at a file that does not exist. Such a diagnostic is a
//! notification in `invocations[0].toolExecutionNotifications` instead,
//! with its rule as `associatedRule`, the subject as a logical location,
//! `label: message (context)` as the text and the result's properties plus
//! `fingerprint`. Subjects the tool could not check (`Status::Error`) and
//! the run's notices are notifications too, located at their file when one
//! is known; `executionSuccessful` is false when a subject could not be
//! checked. Skipped subjects do not appear.
//!
//! Paths: a relative path becomes a relative URI (each segment
//! percent-encoded) with `uriBaseId` `%SRCROOT%`, which
//! `originalUriBaseIds` and `invocations[0].workingDirectory` give as
//! [`Run::cwd`]'s `file://` URI; GitHub reads relative URIs from the root
//! of the repository, so the tools should run there. An absolute path
//! becomes a `file://` URI. The document is pretty-printed, with a
//! trailing newline.
//!
//! [`Run::rules`]: crate::Run::rules
//! [`Run::cwd`]: crate::Run::cwd
//! [`Tool::docs_base`]: crate::Tool::docs_base

mod log;
mod rules;

use std::collections::BTreeMap;
use std::path::Path;

use checkmeta::Severity;

use crate::fingerprint::line_hash;
use crate::uri;
use crate::view::{Diagnostic, Notice, Run, Status, Subject};
use log::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Notification, PhysicalLocation,
    Region, ResultObject, RuleReference, RunObject, SarifLog, Text, ToolComponent, ToolObject,
};
use rules::{RuleTable, is_semver};

/// The schema GitHub's documentation names for uploads.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The base id relative paths are given against.
const SRCROOT: &str = "%SRCROOT%";
/// The `partialFingerprints` key of the tool's own fingerprint.
const FINGERPRINT_KEY: &str = "extinspect/v1";
const LINE_HASH_KEY: &str = "primaryLocationLineHash";

/// The run as a SARIF 2.1.0 log.
pub fn sarif(run: &Run) -> String {
    let table = RuleTable::new(run);
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for subject in &run.subjects {
        for diagnostic in &subject.diagnostics {
            let index = table.index(diagnostic.check);
            if file_of(subject).is_some() {
                results.push(result(subject, diagnostic, index));
            } else {
                notifications.push(fileless_finding(subject, diagnostic, index));
            }
        }
        if let Status::Error(why) = &subject.status {
            notifications.push(Notification {
                level: "error",
                message: Text {
                    text: format!("{}: {why}", subject.label),
                },
                locations: vec![subject_location(subject, None)],
                associated_rule: None,
                properties: Default::default(),
            });
        }
    }
    notifications.extend(run.notices.iter().map(notice));

    let base = run.cwd.is_absolute().then(|| uri::file_uri(&run.cwd, true));
    let log = SarifLog {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![RunObject {
            tool: ToolObject {
                driver: ToolComponent {
                    name: run.tool.name.to_string(),
                    version: run.tool.version.to_string(),
                    semantic_version: is_semver(run.tool.version)
                        .then(|| run.tool.version.to_string()),
                    information_uri: run.tool.information_uri.to_string(),
                    rules: table.descriptors(),
                },
            },
            invocations: vec![Invocation {
                // An error notice is the tool failing too (an interpreter
                // named on the command line that does not start).
                execution_successful: !run
                    .subjects
                    .iter()
                    .any(|s| matches!(s.status, Status::Error(_)))
                    && !run.notices.iter().any(|n| n.level == Severity::Error),
                working_directory: base.clone().map(|uri| ArtifactLocation {
                    uri,
                    uri_base_id: None,
                }),
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: base
                .map(|uri| {
                    let location = ArtifactLocation {
                        uri,
                        uri_base_id: None,
                    };
                    BTreeMap::from([(SRCROOT, location)])
                })
                .unwrap_or_default(),
            results,
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).expect("the log serialises");
    text.push('\n');
    text
}

/// SARIF's level for a severity: `info` is `note`.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The subject's file, when it has one that can be located.
fn file_of(subject: &Subject) -> Option<&str> {
    subject.file.as_deref().filter(|f| !f.is_empty())
}

fn artifact(path: &str) -> ArtifactLocation {
    if uri::is_absolute(path) {
        ArtifactLocation {
            uri: uri::file_uri(Path::new(path), false),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: uri::relative_uri(path),
            uri_base_id: Some(SRCROOT),
        }
    }
}

fn physical(path: &str, line: Option<u32>) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: artifact(path),
        region: line
            .filter(|l| *l > 0)
            .map(|start_line| Region { start_line }),
    }
}

/// Where a subject is: its file (at `line`, if given), the wheel member and
/// the module, or for a subject with neither, its label.
fn subject_location(subject: &Subject, line: Option<u32>) -> Location {
    let mut logical = Vec::new();
    if let Some(member) = &subject.member {
        logical.push(LogicalLocation {
            name: member.clone(),
            fully_qualified_name: Some(subject.label.clone()),
            kind: Some("resource"),
        });
    }
    if let Some(module) = &subject.module {
        logical.push(LogicalLocation {
            name: module.clone(),
            fully_qualified_name: None,
            kind: Some("module"),
        });
    }
    let file = file_of(subject);
    if file.is_none() && logical.is_empty() {
        logical.push(LogicalLocation {
            name: subject.label.clone(),
            fully_qualified_name: None,
            kind: None,
        });
    }
    Location {
        physical_location: file.map(|f| physical(f, line)),
        logical_locations: logical,
        ..Location::default()
    }
}

fn result(subject: &Subject, diagnostic: &Diagnostic, index: usize) -> ResultObject {
    let text = match subject.qualifier() {
        Some(qualifier) => format!("{qualifier}: {}", diagnostic.text()),
        None => diagnostic.text(),
    };
    // GitHub rejects a result without message text.
    let text = if text.trim().is_empty() {
        diagnostic.check.to_string()
    } else {
        text
    };
    let fingerprint = fingerprint(subject, diagnostic);
    // A source line without a file cannot be located.
    let sources = diagnostic.source.iter().filter(|s| !s.file.is_empty());
    let related = sources.map(|source| Location {
        id: Some(1),
        physical_location: Some(physical(&source.file, Some(source.line))),
        message: Some(Text {
            text: format!("{}:{}", source.file, source.line),
        }),
        ..Location::default()
    });
    ResultObject {
        rule_id: diagnostic.check.to_string(),
        rule_index: index,
        level: level(diagnostic.severity),
        message: Text { text },
        locations: vec![subject_location(subject, Some(1))],
        related_locations: related.collect(),
        partial_fingerprints: BTreeMap::from([
            (LINE_HASH_KEY, line_hash(&fingerprint)),
            (FINGERPRINT_KEY, fingerprint),
        ]),
        properties: properties(subject, diagnostic),
    }
}

fn fileless_finding(subject: &Subject, diagnostic: &Diagnostic, index: usize) -> Notification {
    let mut properties = properties(subject, diagnostic);
    properties.insert(
        "fingerprint".into(),
        fingerprint(subject, diagnostic).into(),
    );
    Notification {
        level: level(diagnostic.severity),
        message: Text {
            text: format!("{}: {}", subject.label, diagnostic.text()),
        },
        locations: vec![subject_location(subject, None)],
        associated_rule: Some(RuleReference {
            id: diagnostic.check.to_string(),
            index,
        }),
        properties,
    }
}

fn notice(notice: &Notice) -> Notification {
    let locations = notice
        .file
        .as_deref()
        .filter(|f| !f.is_empty())
        .map(|file| Location {
            physical_location: Some(physical(file, notice.line)),
            ..Location::default()
        });
    Notification {
        level: level(notice.level),
        message: Text {
            text: notice.message.clone(),
        },
        locations: locations.into_iter().collect(),
        associated_rule: None,
        properties: Default::default(),
    }
}

fn fingerprint(subject: &Subject, diagnostic: &Diagnostic) -> String {
    if diagnostic.fingerprint.is_empty() {
        format!(
            "{}|{}|{}",
            diagnostic.check, subject.label, diagnostic.message
        )
    } else {
        diagnostic.fingerprint.clone()
    }
}

fn properties(
    subject: &Subject,
    diagnostic: &Diagnostic,
) -> serde_json::Map<String, serde_json::Value> {
    let mut properties = diagnostic.properties.clone();
    if let Some(tags) = properties.remove("tags") {
        let key = if valid_tags(&tags) {
            "tags"
        } else {
            "tags-value"
        };
        properties.insert(key.into(), tags);
    }
    properties.insert("subject".into(), subject.label.clone().into());
    let optional = [
        ("member", &subject.member),
        ("module", &subject.module),
        ("context", &diagnostic.context),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            properties.insert(key.into(), value.clone().into());
        }
    }
    properties
}

/// Whether a value is what SARIF's property bag allows under `tags`: an
/// array of distinct strings.
fn valid_tags(value: &serde_json::Value) -> bool {
    let Some(items) = value.as_array() else {
        return false;
    };
    let mut seen = std::collections::HashSet::new();
    items
        .iter()
        .all(|item| item.as_str().is_some_and(|s| seen.insert(s)))
}
