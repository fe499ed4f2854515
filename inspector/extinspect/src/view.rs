//! The inspector's report as the common view the CI formats render.

use checks::{FileKind, FileReport};
use output::{Diagnostic, Run, Status, Subject, Suppressed, Tool};

use crate::gate::{checks_run, identity, key};
use clikit::{Gate, GateReport};
use inspector::Outcome;

pub fn tool() -> Tool {
    Tool {
        name: "extinspect",
        version: env!("CARGO_PKG_VERSION"),
        information_uri: clikit::HOME,
        docs_base: clikit::DOCS_BASE,
    }
}

/// `gate` after [`crate::gate::apply`]; `report` from `Gate::finish`.
pub fn view(outcome: &Outcome, gate: &Gate, report: &GateReport) -> Run {
    let selected = gate.policy.selected();
    Run {
        tool: tool(),
        rules: checks::registry::CHECKS
            .iter()
            .map(|c| c.meta)
            .filter(|m| selected.contains(&m.id))
            .collect(),
        subjects: outcome
            .files
            .iter()
            .map(|file| subject(file, gate, &selected))
            .collect(),
        notices: report.notices(),
        cwd: gate.cwd.clone(),
    }
}

fn subject(file: &FileReport, gate: &Gate, selected: &[&str]) -> Subject {
    let (on_disk, member) = clikit::split_member(&file.path);
    let mut checked = Vec::new();
    let mut suppressed = Vec::new();
    for id in checks_run(file) {
        if !selected.contains(&id) {
            continue;
        }
        match gate.policy.ignored_for(id, &file.path) {
            Some(reason) => suppressed.push(Suppressed {
                check: id,
                reason: reason.to_string(),
            }),
            None => checked.push(id),
        }
    }
    let status = match file.kind {
        FileKind::NotExtension => Status::Skipped(
            "not a Python extension module (no init function, no Python imports)".to_string(),
        ),
        FileKind::Library => Status::Skipped(
            file.library
                .clone()
                .unwrap_or_else(|| "a library that modules link".to_string()),
        ),
        FileKind::Extension | FileKind::Unreadable => Status::Checked,
    };
    Subject {
        label: file.path.clone(),
        file: Some(on_disk.to_string()),
        member: member.map(str::to_string),
        module: file.module.clone(),
        status,
        checked,
        suppressed,
        diagnostics: file
            .findings
            .iter()
            .map(|finding| {
                let context = identity(finding);
                let mut properties = serde_json::Map::new();
                if !finding.symbols.is_empty() {
                    properties.insert("symbols".into(), finding.symbols.clone().into());
                }
                Diagnostic {
                    check: finding.check,
                    severity: finding.severity,
                    message: finding.message.clone(),
                    context: None,
                    source: None,
                    fingerprint: gate.policy.fingerprint(&key(
                        &file.path,
                        file.module.as_deref(),
                        finding,
                        &context,
                    )),
                    properties,
                }
            })
            .collect(),
    }
}
