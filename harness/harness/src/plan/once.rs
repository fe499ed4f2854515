//! A failure that is not the module's own, the same for every module of a
//! package (its `__init__` raised, a dependency is missing), is reported
//! once per run and interpreter: on the first module it stopped, with the
//! others named in its evidence; their import scenarios say where it is.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::report::{ModuleReport, Outcome, Scenario};

/// The causes that are the package's or the environment's.
const SHARED: &[&str] = &["parent-import-failed", "missing-dependency"];

pub(super) fn report_once(modules: &mut [ModuleReport]) {
    // (interpreter, cause, exception) -> (module, interpreter, finding)
    let mut first: HashMap<(PathBuf, String, String), (usize, usize, usize)> = HashMap::new();
    let mut also: HashMap<(usize, usize, usize), Vec<String>> = HashMap::new();
    for m in 0..modules.len() {
        for i in 0..modules[m].interpreters.len() {
            let ran = &modules[m].interpreters[i];
            let Some((f, key)) = ran.findings.iter().enumerate().find_map(|(f, finding)| {
                let text = |k: &str| finding.evidence.get(k).and_then(Value::as_str);
                let cause = text("cause")?;
                (finding.check == "import-error"
                    && text("phase") == Some("import")
                    && SHARED.contains(&cause))
                .then(|| {
                    let key = (
                        ran.python.clone(),
                        cause.to_string(),
                        text("exception").unwrap_or_default().to_string(),
                    );
                    (f, key)
                })
            }) else {
                continue;
            };
            let Some(&at) = first.get(&key) else {
                first.insert(key, (m, i, f));
                continue;
            };
            let name = modules[at.0].module.clone();
            also.entry(at).or_default().push(modules[m].module.clone());
            let ran = &mut modules[m].interpreters[i];
            ran.findings.remove(f);
            if let Some(import) = ran
                .scenarios
                .iter_mut()
                .find(|s| s.name == Scenario::Import)
            {
                import.outcome = Outcome::Skipped;
                import.detail = Some(format!(
                    "the same failure as {name}'s, reported there once: {}",
                    key.2
                ));
            }
        }
    }
    for ((m, i, f), others) in also {
        let finding = &mut modules[m].interpreters[i].findings[f];
        finding.message.push_str(&format!(
            " (and {} more module(s) of this run: {})",
            others.len(),
            crate::verdict::names(&others)
        ));
        finding
            .evidence
            .insert("also_stopped".into(), Value::from(others));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Finding, InterpreterReport, ScenarioReport};
    use crate::verdict::import_error::ImportError;

    fn module(name: &str, cause: &str, exception: &str) -> ModuleReport {
        let finding = Finding::new(
            &ImportError::META,
            format!("the module does not import: {exception}"),
        )
        .with("phase", "import")
        .with("cause", cause)
        .with("exception", exception);
        ModuleReport {
            path: format!("/site/{name}.so"),
            module: name.to_string(),
            not_runnable: None,
            error: None,
            passed_over: Vec::new(),
            interpreters: vec![InterpreterReport {
                python: "/venv/bin/python".into(),
                environment: None,
                environment_note: None,
                version: "3.12.1".into(),
                debug: false,
                scenarios: vec![ScenarioReport {
                    name: Scenario::Import,
                    outcome: Outcome::Finding,
                    duration_ms: 1,
                    phase: None,
                    detail: None,
                }],
                findings: vec![finding],
            }],
        }
    }

    #[test]
    fn a_packages_failure_is_reported_on_its_first_module_only() {
        let failed = "ParentImportFailed: importing its package spam raised ValueError: no";
        let mut modules = vec![
            module("spam._a", "parent-import-failed", failed),
            module("spam._b", "parent-import-failed", failed),
            module("spam._c", "parent-import-failed", failed),
            module("eggs._d", "init-raised", "ValueError: no"),
        ];
        report_once(&mut modules);
        let counts: Vec<usize> = modules
            .iter()
            .map(|m| m.interpreters[0].findings.len())
            .collect();
        assert_eq!(counts, [1, 0, 0, 1]);
        let first = &modules[0].interpreters[0].findings[0];
        assert_eq!(
            first.evidence["also_stopped"],
            serde_json::json!(["spam._b", "spam._c"])
        );
        assert!(
            first
                .message
                .ends_with("(and 2 more module(s) of this run: spam._b, spam._c)")
        );
        let skipped = &modules[1].interpreters[0].scenarios[0];
        assert_eq!(skipped.outcome, Outcome::Skipped);
        assert!(
            skipped
                .detail
                .as_deref()
                .unwrap()
                .starts_with("the same failure as spam._a's")
        );
    }
}
