//! The inspector's findings through the gate: selection, per-file ignores,
//! the baseline and severity overrides, before any format renders them.

use checks::{FileKind, FileReport, Finding};
use config::FindingKey;

use clikit::Gate;
use inspector::Outcome;

/// Drops what the policy hides, applies severity overrides, and recounts.
pub fn apply(outcome: &mut Outcome, gate: &mut Gate) {
    for file in &mut outcome.files {
        let FileReport {
            path,
            module,
            findings,
            ..
        } = file;
        findings.retain_mut(|finding| {
            let context = identity(finding);
            let key = key(path, module.as_deref(), finding, &context);
            match gate.judge(&key, &finding.message) {
                Some(severity) => {
                    finding.severity = severity;
                    true
                }
                None => false,
            }
        });
        findings.sort_by_key(|f| f.severity);
    }
    outcome.recount();
}

/// What tells two findings of one check on one file apart across runs:
/// the symbols they name (a new missing symbol is a new finding).
pub(crate) fn identity(finding: &Finding) -> Vec<String> {
    let mut symbols = finding.symbols.clone();
    symbols.sort();
    symbols
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

/// The checks that ran on a file, as the JUnit report lists them.
pub(crate) fn checks_run(file: &FileReport) -> Vec<&'static str> {
    match file.kind {
        FileKind::Extension => checks::registry::CHECKS
            .iter()
            .filter(|c| c.run.is_some())
            .map(|c| c.meta.id)
            .collect(),
        FileKind::Unreadable => vec![
            checks::registry::unreadable_file::UnreadableFile::CHECK
                .meta
                .id,
        ],
        FileKind::NotExtension | FileKind::Library => Vec::new(),
    }
}
