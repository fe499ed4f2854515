//! JSON Lines: every line an object of its own, in the documented shape.

mod common;

use common::*;
use output::{Run, Status, json_lines};
use proptest::prelude::*;
use serde_json::{Value, json};

fn objects(text: &str) -> Vec<Value> {
    assert!(text.is_empty() || text.ends_with('\n'));
    text.lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{e}: {line:?} is not JSON on its own"));
            assert!(value.is_object(), "{line}");
            value
        })
        .collect()
}

/// The lines a run must produce, in order, as `(kind, path or message)`.
fn expected(run: &Run) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for subject in &run.subjects {
        for _ in &subject.diagnostics {
            all.push(("diagnostic".to_string(), subject.label.clone()));
        }
        if let Status::Error(_) = subject.status {
            all.push(("error".to_string(), subject.label.clone()));
        }
    }
    for notice in &run.notices {
        all.push(("notice".to_string(), notice.message.clone()));
    }
    all
}

fn found(lines: &[Value]) -> Vec<(String, String)> {
    lines
        .iter()
        .map(|l| {
            let kind = l["kind"].as_str().unwrap().to_string();
            let key = if kind == "notice" {
                &l["message"]
            } else {
                &l["path"]
            };
            (kind, key.as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn lines_have_the_documented_shape() {
    let lines = objects(&json_lines(&harness_run()));
    assert_eq!(found(&lines), expected(&harness_run()));
    assert_eq!(
        lines[1],
        json!({
            "kind": "diagnostic",
            "tool": "extharness",
            "check": "reinit-crash",
            "severity": "error",
            "message": "SIGABRT in cycle 2 at abort_reinit_init (abort_reinit.c:57)",
            "path": "target/samples/cp312-x86_64-linux-gnu/singlephase_state.cpython-312-x86_64-linux-gnu.so",
            "file": "target/samples/cp312-x86_64-linux-gnu/singlephase_state.cpython-312-x86_64-linux-gnu.so",
            "module": "singlephase_state",
            "context": "CPython 3.12.1, scenario reinit",
            "source": {"file": "/work/repo/sample-modules/c/abort_reinit.c", "line": 57},
            "fingerprint": "reinit-crash|target/samples/cp312-x86_64-linux-gnu/singlephase_state.cpython-312-x86_64-linux-gnu.so",
            "properties": {"signal": "SIGABRT", "cycle": 2}
        })
    );
    // A `--module` subject: no file, no properties, nothing null.
    assert_eq!(
        lines[2],
        json!({
            "kind": "diagnostic",
            "tool": "extharness",
            "check": "reimport-refused",
            "severity": "info",
            "message": "ImportError: module _testsinglephase does not support loading in subinterpreters",
            "path": "_testsinglephase",
            "module": "_testsinglephase",
            "context": "CPython 3.12.1, scenario subinterpreter",
            "fingerprint": "reimport-refused|_testsinglephase"
        })
    );
    assert_eq!(
        lines[4],
        json!({
            "kind": "error",
            "tool": "extharness",
            "path": "target/samples/cp312-x86_64-linux-gnu/hang.cpython-312-x86_64-linux-gnu.so",
            "error": "harness error: child exited before reporting",
            "file": "target/samples/cp312-x86_64-linux-gnu/hang.cpython-312-x86_64-linux-gnu.so"
        })
    );
    assert_eq!(
        lines[5],
        json!({
            "kind": "notice",
            "tool": "extharness",
            "severity": "info",
            "message": "python3.13t skipped: free-threaded builds are not supported"
        })
    );
    let inspector = objects(&json_lines(&inspector_run()));
    assert_eq!(inspector[0]["member"], MEMBER);
    assert_eq!(inspector[0]["file"], WHEEL);
    assert_eq!(inspector.last().unwrap()["line"], 42);
    for line in lines.iter().chain(&inspector) {
        let nulls = line
            .as_object()
            .unwrap()
            .values()
            .filter(|v| v.is_null())
            .count();
        assert_eq!(nulls, 0, "{line}");
    }
}

#[test]
fn an_empty_run_prints_nothing() {
    assert_eq!(json_lines(&empty_run(INSPECTOR, inspector_rules())), "");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any strings: one object per line, and the strings read back as
    /// they were.
    #[test]
    fn hostile_runs_stay_one_object_per_line(run in hostile_run()) {
        let text = json_lines(&run);
        let lines = objects(&text);
        prop_assert_eq!(found(&lines), expected(&run));
        let messages: Vec<&str> = run
            .subjects
            .iter()
            .flat_map(|s| s.diagnostics.iter().map(|d| d.message.as_str()))
            .collect();
        let read: Vec<&str> = lines
            .iter()
            .filter(|l| l["kind"] == "diagnostic")
            .map(|l| l["message"].as_str().unwrap())
            .collect();
        prop_assert_eq!(read, messages);
    }
}
