//! SARIF: valid against the official OASIS schema, and within GitHub code
//! scanning's ingestion rules (Microsoft's SARIF multitool, `GH` rules), for
//! realistic runs and for runs made of hostile strings.

mod common;

use std::collections::BTreeMap;

use common::*;
use output::{Run, Severity, sarif};
use proptest::prelude::*;
use serde_json::Value;

fn schema_validator() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif-schema-2.1.0.json"
    );
    let text = std::fs::read_to_string(path).expect("the vendored schema is readable");
    let schema: Value = serde_json::from_str(&text).expect("the vendored schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the OASIS schema compiles")
}

/// RFC 3986 `URI-reference`, checked by the same validator (draft 4, which
/// the SARIF schema is written in, has no such format).
fn uri_reference_validator() -> jsonschema::Validator {
    let schema = serde_json::json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "string",
        "format": "uri-reference"
    });
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the format schema compiles")
}

fn render(run: &Run) -> Value {
    let text = sarif(run);
    assert!(
        text.ends_with("}\n"),
        "pretty-printed with a trailing newline"
    );
    serde_json::from_str(&text).expect("SARIF output is JSON")
}

fn schema_problems(validator: &jsonschema::Validator, log: &Value) -> Vec<String> {
    validator
        .iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

fn non_empty(value: &Value, pointer: &str) -> bool {
    str_at(value, pointer).is_some_and(|s| !s.trim().is_empty())
}

/// Every `uri` anywhere in the log.
fn uris(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("uri", Value::String(uri)) => out.push(uri.clone()),
                    _ => uris(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| uris(item, out)),
        _ => {}
    }
}

/// Where GitHub code scanning would reject the log, or not show a result:
/// the multitool's GH1001, GH1003, GH1004, GH1005, GH1007, GH1013,
/// GH1014, GH1018 and GH2012, plus what the upload itself refuses
/// (a `ruleId` missing from the rules, a relative `helpUri`).
fn github_problems(log: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut problem = |p: String| problems.push(p);
    if str_at(log, "/version") != Some("2.1.0") || !non_empty(log, "/$schema") {
        problem("GH1013: $schema and version 2.1.0".into());
    }
    let runs = log["runs"].as_array().cloned().unwrap_or_default();
    if runs.is_empty() || runs.len() > 5 {
        problem(format!("GH1004/GH1013: {} runs", runs.len()));
    }
    for run in &runs {
        if !non_empty(run, "/tool/driver/name") {
            problem("GH1018: tool.driver.name".into());
        }
        let rules = run["tool"]["driver"]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let results = run["results"].as_array().cloned();
        let Some(results) = results else {
            problem("GH1014: no results array".into());
            continue;
        };
        if rules.len() > 1000 || results.len() > 1000 {
            problem("GH1004: more than 1000 rules or results".into());
        }
        let mut ids = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let id = str_at(rule, "/id").unwrap_or_default().to_string();
            for field in [
                "/shortDescription/text",
                "/fullDescription/text",
                "/help/text",
            ] {
                if !non_empty(rule, field) {
                    problem(format!("GH2012: rule {i} ({id}) has no {field}"));
                }
            }
            for (field, max) in [
                ("/name", 255),
                ("/shortDescription/text", 1024),
                ("/fullDescription/text", 1024),
            ] {
                if str_at(rule, field).is_some_and(|s| s.chars().count() > max) {
                    problem(format!("rule {id}: {field} longer than {max} characters"));
                }
            }
            if !str_at(rule, "/helpUri").is_some_and(|u| u.starts_with("https://")) {
                problem(format!("rule {id}: helpUri is not an absolute https URI"));
            }
            if !matches!(
                str_at(rule, "/defaultConfiguration/level"),
                Some("note" | "warning" | "error")
            ) {
                problem(format!("rule {id}: defaultConfiguration.level"));
            }
            if ids.contains(&id) {
                problem(format!("rule {id} listed twice"));
            }
            ids.push(id);
        }
        for (i, result) in results.iter().enumerate() {
            let rule_id = str_at(result, "/ruleId").unwrap_or_default();
            let index = result["ruleIndex"].as_u64().map(|i| i as usize);
            if index.and_then(|i| ids.get(i)).map(String::as_str) != Some(rule_id) {
                problem(format!(
                    "result {i}: ruleId {rule_id:?} is not rules[ruleIndex]"
                ));
            }
            if !non_empty(result, "/message/text") {
                problem(format!("GH1007: result {i} has no message.text"));
            }
            if !non_empty(result, "/partialFingerprints/primaryLocationLineHash") {
                problem(format!("result {i}: no primaryLocationLineHash"));
            }
            let locations = result["locations"].as_array().cloned().unwrap_or_default();
            if locations.is_empty() || locations.len() > 10 {
                problem(format!(
                    "GH1001/GH1004: result {i} has {} locations",
                    locations.len()
                ));
            }
            for location in &locations {
                if !non_empty(location, "/physicalLocation/artifactLocation/uri") {
                    problem(format!("GH1001: result {i} location without artifact URI"));
                }
                let start = location
                    .pointer("/physicalLocation/region/startLine")
                    .and_then(Value::as_u64);
                if start.is_none_or(|l| l < 1) {
                    problem(format!(
                        "GH1003: result {i} location without region.startLine"
                    ));
                }
            }
            let related = result["relatedLocations"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for location in &related {
                if !non_empty(location, "/physicalLocation/artifactLocation/uri") {
                    problem(format!(
                        "GH1001: result {i} related location without artifact URI"
                    ));
                }
            }
            for location in locations.iter().chain(&related) {
                let uri =
                    str_at(location, "/physicalLocation/artifactLocation/uri").unwrap_or_default();
                let has_scheme = uri
                    .split_once(':')
                    .is_some_and(|(scheme, _)| !scheme.contains('/'));
                if has_scheme && !uri.starts_with("file:") {
                    problem(format!(
                        "GH1005: result {i} location {uri} is not a file path"
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn realistic_runs_are_valid_sarif_that_github_ingests() {
    let schema = schema_validator();
    let uri = uri_reference_validator();
    for (name, run) in realistic_runs() {
        let log = render(&run);
        let problems = schema_problems(&schema, &log);
        assert!(problems.is_empty(), "{name}: schema: {problems:#?}");
        let problems = github_problems(&log);
        assert!(problems.is_empty(), "{name}: GitHub: {problems:#?}");
        let mut all = Vec::new();
        uris(&log, &mut all);
        for u in all {
            assert!(
                uri.is_valid(&Value::from(u.clone())),
                "{name}: {u:?} is not a URI reference"
            );
        }
    }
}

/// The checks are not vacuous: they catch what GitHub rejects.
#[test]
fn the_checks_catch_what_github_rejects() {
    let mut log = render(&inspector_run());
    let result = &mut log["runs"][0]["results"][0];
    result["locations"][0]
        .as_object_mut()
        .unwrap()
        .remove("physicalLocation");
    result["message"]["text"] = "".into();
    result["ruleId"] = "no-such-rule".into();
    let problems = github_problems(&log).join("\n");
    for rule in ["GH1001", "GH1003", "GH1007", "is not rules[ruleIndex]"] {
        assert!(problems.contains(rule), "{rule} not caught:\n{problems}");
    }
    log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "not a uri".into();
    assert!(!schema_problems(&schema_validator(), &log).is_empty());
}

#[test]
fn results_point_at_the_file_with_the_member_and_module() {
    let log = render(&inspector_run());
    let run = &log["runs"][0];
    let first = &run["results"][0];
    assert_eq!(first["ruleId"], "missing-init-symbol");
    assert_eq!(first["level"], "error");
    assert!(
        str_at(first, "/message/text")
            .unwrap()
            .starts_with(&format!("{MEMBER}: no exported init function"))
    );
    let location = &first["locations"][0];
    assert_eq!(
        location["physicalLocation"]["artifactLocation"],
        serde_json::json!({"uri": WHEEL, "uriBaseId": "%SRCROOT%"})
    );
    assert_eq!(location["physicalLocation"]["region"]["startLine"], 1);
    assert_eq!(location["logicalLocations"][0]["name"], MEMBER);
    assert_eq!(location["logicalLocations"][1]["name"], "spam._native");
    assert_eq!(first["properties"]["member"], MEMBER);
    assert_eq!(
        run["results"][1]["properties"]["symbols"][0],
        "_PyObject_GC_Malloc"
    );
    assert_eq!(run["results"][1]["level"], "warning");
    assert_eq!(run["results"][2]["level"], "note");
    assert_eq!(
        run["results"][3]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "build/my%20ext/%C3%BCn%C3%AFcode%231.cpython-312-x86_64-linux-gnu.so"
    );
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///work/repo/"
    );
    assert_eq!(
        run["invocations"][0]["workingDirectory"]["uri"],
        "file:///work/repo/"
    );
}

#[test]
fn context_and_source_lines_are_carried() {
    let log = render(&harness_run());
    let results = log["runs"][0]["results"].as_array().unwrap();
    let crash = results
        .iter()
        .find(|r| r["ruleId"] == "reinit-crash")
        .unwrap();
    assert_eq!(
        crash["message"]["text"],
        "SIGABRT in cycle 2 at abort_reinit_init (abort_reinit.c:57) (CPython 3.12.1, scenario reinit)"
    );
    let related = &crash["relatedLocations"][0]["physicalLocation"];
    assert_eq!(
        related["artifactLocation"],
        serde_json::json!({"uri": "file:///work/repo/sample-modules/c/abort_reinit.c"})
    );
    assert_eq!(related["region"]["startLine"], 57);
    assert_eq!(crash["properties"]["signal"], "SIGABRT");
    assert_eq!(
        crash["properties"]["context"],
        "CPython 3.12.1, scenario reinit"
    );
    let leak = results.iter().find(|r| r["ruleId"] == "test-leak").unwrap();
    assert_eq!(
        leak["relatedLocations"][0]["physicalLocation"]["artifactLocation"],
        serde_json::json!({"uri": "src/_ext.c", "uriBaseId": "%SRCROOT%"})
    );
}

/// A `--module` subject has no file: its finding is a notification bound
/// to its rule, never a result GitHub would reject the upload for.
#[test]
fn findings_without_a_file_are_notifications_of_their_rule() {
    let log = render(&harness_run());
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .all(|r| r["properties"]["subject"] != "_testsinglephase")
    );
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let found: Vec<&Value> = notifications
        .iter()
        .filter(|n| n["associatedRule"]["id"] == "reimport-refused")
        .collect();
    assert_eq!(found.len(), 1);
    let notification = found[0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let index = notification["associatedRule"]["index"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "reimport-refused");
    assert_eq!(notification["level"], "note");
    assert_eq!(
        notification["message"]["text"],
        "_testsinglephase: ImportError: module _testsinglephase does not support loading in subinterpreters (CPython 3.12.1, scenario subinterpreter)"
    );
    assert_eq!(
        notification["locations"][0],
        serde_json::json!({"logicalLocations": [{"name": "_testsinglephase", "kind": "module"}]})
    );
    assert_eq!(
        notification["properties"]["fingerprint"],
        "reimport-refused|_testsinglephase"
    );
}

#[test]
fn subjects_not_checked_and_notices_are_notifications() {
    let log = render(&harness_run());
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
    let texts: Vec<(&str, &str)> = notifications
        .iter()
        .filter(|n| n.get("associatedRule").is_none())
        .map(|n| {
            (
                str_at(n, "/level").unwrap(),
                str_at(n, "/message/text").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        texts,
        [
            (
                "error",
                "target/samples/cp312-x86_64-linux-gnu/hang.cpython-312-x86_64-linux-gnu.so: harness error: child exited before reporting"
            ),
            (
                "note",
                "python3.13t skipped: free-threaded builds are not supported"
            ),
            (
                "error",
                "/opt/py/bin/python3.9 could not be used: the probe exited with status 1"
            ),
        ]
    );
    let inspector = render(&inspector_run());
    let notice = inspector["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        notice["locations"][0]["physicalLocation"],
        serde_json::json!({
            "artifactLocation": {"uri": "pyproject.toml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 42}
        })
    );
    let empty = render(&empty_run(INSPECTOR, inspector_rules()));
    assert_eq!(
        empty["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    assert_eq!(empty["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn rules_carry_the_checks_documentation() {
    let run = inspector_run();
    let log = render(&run);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), run.rules.len());
    for (rule, meta) in rules.iter().zip(&run.rules) {
        assert_eq!(rule["id"], meta.id);
        assert_eq!(rule["shortDescription"]["text"], meta.summary());
        let help = checkmeta::doc_text(meta.doc);
        assert_eq!(rule["help"]["markdown"], help.trim());
        assert_eq!(rule["help"]["text"], help.trim());
        assert!(!help.contains("\n ## "), "de-indented");
        assert_eq!(
            rule["helpUri"],
            format!("{}/{}.md", INSPECTOR.docs_base, meta.id)
        );
        let level = match meta.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        assert_eq!(rule["defaultConfiguration"]["level"], level);
        assert_eq!(
            rule["properties"]["tags"],
            serde_json::json!(["extinspect"])
        );
    }
    let missing = rules
        .iter()
        .find(|r| r["id"] == "missing-init-symbol")
        .unwrap();
    assert_eq!(missing["name"], "MissingInitSymbol");
    let full = str_at(missing, "/fullDescription/text").unwrap();
    assert!(
        full.starts_with("Checks that the file exports the init function"),
        "{full}"
    );
    assert!(!full.contains("Why is this bad"), "{full}");
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], "0.0.0-test");
    assert_eq!(driver["semanticVersion"], "0.0.0-test");
}

#[test]
fn a_check_missing_from_the_rules_still_resolves() {
    let mut run = harness_run();
    run.rules.retain(|m| m.id != "reinit-crash");
    let log = render(&run);
    assert!(
        github_problems(&log).is_empty(),
        "{:#?}",
        github_problems(&log)
    );
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.last().unwrap()["id"], "reinit-crash");
    assert!(schema_problems(&schema_validator(), &log).is_empty());
}

fn fingerprints(log: &Value) -> BTreeMap<String, Value> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let key = r["partialFingerprints"]["extinspect/v1"]
                .as_str()
                .unwrap()
                .to_string();
            (key, r["partialFingerprints"].clone())
        })
        .collect()
}

/// A finding keeps its fingerprints whatever else the run holds, and the
/// line hash is FNV-1a 64 of the tool's fingerprint (pinned: a change
/// would reopen every alert on GitHub).
#[test]
fn fingerprints_are_stable() {
    let full = fingerprints(&render(&inspector_run()));
    let mut smaller = inspector_run();
    smaller.subjects.reverse();
    smaller.subjects.truncate(3);
    smaller.notices.clear();
    for (key, value) in fingerprints(&render(&smaller)) {
        assert_eq!(full[&key], value, "{key}");
    }
    let mut run = inspector_run();
    run.subjects.truncate(1);
    run.subjects[0].diagnostics.truncate(1);
    run.subjects[0].diagnostics[0].fingerprint = "missing-init-symbol|dist/pkg!pkg/_m.so|_m".into();
    let log = render(&run);
    assert_eq!(
        log["runs"][0]["results"][0]["partialFingerprints"],
        serde_json::json!({
            "extinspect/v1": "missing-init-symbol|dist/pkg!pkg/_m.so|_m",
            "primaryLocationLineHash": "382f54572f63f24c"
        })
    );
    let hashes: std::collections::HashSet<&Value> = full
        .values()
        .map(|f| &f["primaryLocationLineHash"])
        .collect();
    assert_eq!(
        hashes.len(),
        full.len(),
        "distinct fingerprints, distinct hashes"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the strings, the log is valid SARIF that GitHub ingests,
    /// and every diagnostic is in it once.
    #[test]
    fn hostile_runs_stay_valid(run in hostile_run()) {
        let log = render(&run);
        let problems = schema_problems(&schema_validator(), &log);
        prop_assert!(problems.is_empty(), "schema: {:#?}", problems);
        let problems = github_problems(&log);
        prop_assert!(problems.is_empty(), "GitHub: {:#?}", problems);
        let uri = uri_reference_validator();
        let mut all = Vec::new();
        uris(&log, &mut all);
        for u in all {
            prop_assert!(uri.is_valid(&Value::from(u.clone())), "{:?}", u);
        }
        let run_json = &log["runs"][0];
        let results = run_json["results"].as_array().unwrap().len();
        let bound = run_json["invocations"][0]
            .get("toolExecutionNotifications")
            .and_then(Value::as_array)
            .map(|n| n.iter().filter(|n| n.get("associatedRule").is_some()).count())
            .unwrap_or(0);
        prop_assert_eq!(results + bound, findings(&run).len());
    }
}
