//! Every format shows the same findings: each diagnostic once, with its
//! check and severity, whichever format the user picks.

mod common;

use common::*;
use output::{Run, github, json_lines, junit, sarif};
use proptest::prelude::*;
use serde_json::Value;

fn from_json_lines(run: &Run) -> Vec<(String, &'static str)> {
    json_lines(run)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["kind"] == "diagnostic")
        .map(|v| {
            (
                v["check"].as_str().unwrap().to_string(),
                severity(v["severity"].as_str().unwrap()),
            )
        })
        .collect()
}

fn severity(name: &str) -> &'static str {
    match name {
        "error" => "error",
        "warning" => "warning",
        "info" | "note" | "notice" => "info",
        other => panic!("no severity {other}"),
    }
}

/// Results, and notifications bound to a rule (findings without a file).
fn from_sarif(run: &Run) -> Vec<(String, &'static str)> {
    let log: Value = serde_json::from_str(&sarif(run)).unwrap();
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap().iter().map(|r| {
        (
            r["ruleId"].as_str().unwrap().to_string(),
            severity(r["level"].as_str().unwrap()),
        )
    });
    let notifications = run["invocations"][0]
        .get("toolExecutionNotifications")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let bound = notifications
        .into_iter()
        .filter(|n| n.get("associatedRule").is_some())
        .map(|n| {
            (
                n["associatedRule"]["id"].as_str().unwrap().to_string(),
                severity(n["level"].as_str().unwrap()),
            )
        });
    results.chain(bound).collect()
}

/// The `severity: ` lines of each test case's failure and output.
fn from_junit(run: &Run) -> Vec<(String, &'static str)> {
    let root = common::xml::parse(&junit(run)).unwrap();
    let mut all = Vec::new();
    for suite in root.children_named("testsuite") {
        for case in suite.children_named("testcase") {
            let check = case.attribute("name").unwrap();
            for part in ["failure", "system-out"] {
                let Some(element) = case.child(part) else {
                    continue;
                };
                for line in element.text.lines() {
                    for name in ["error", "warning", "info"] {
                        if line.starts_with(&format!("{name}: ")) {
                            all.push((check.to_string(), severity(name)));
                        }
                    }
                }
            }
        }
    }
    all
}

/// Commands titled with a check (the others are titled with the tool).
fn from_github(run: &Run) -> Vec<(String, &'static str)> {
    github(run)
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("::").unwrap();
            let (info, _) = rest.split_once("::").unwrap();
            let (command, properties) = info.split_once(' ').unwrap_or((info, ""));
            let title = properties
                .split(',')
                .find_map(|p| p.strip_prefix("title="))
                .unwrap();
            (title != run.tool.name).then(|| (title.to_string(), severity(command)))
        })
        .collect()
}

fn check(run: &Run) -> Result<(), String> {
    let want = findings(run);
    for (format, got) in [
        ("json-lines", from_json_lines(run)),
        ("sarif", from_sarif(run)),
        ("junit", from_junit(run)),
        ("github", from_github(run)),
    ] {
        let mut got = got;
        got.sort();
        if got != want {
            return Err(format!("{format}: {got:?} != {want:?}"));
        }
    }
    Ok(())
}

#[test]
fn realistic_runs_show_the_same_findings_everywhere() {
    for (name, run) in realistic_runs() {
        check(&run).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert_eq!(findings(&harness_run()).len(), 4);
    assert_eq!(findings(&inspector_run()).len(), 4);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Messages, contexts and source files are one line here, as they are
    /// by contract: the JUnit count reads lines.
    #[test]
    fn any_run_shows_the_same_findings_everywhere(mut run in hostile_run()) {
        for subject in &mut run.subjects {
            for d in &mut subject.diagnostics {
                d.message = d.message.replace(['\n', '\r'], " ");
                d.context = d.context.take().map(|c| c.replace(['\n', '\r'], " "));
                if let Some(source) = &mut d.source {
                    source.file = source.file.replace(['\n', '\r'], " ");
                }
            }
        }
        check(&run).map_err(TestCaseError::fail)?;
    }
}
