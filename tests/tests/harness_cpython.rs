//! extharness against CPython's own extension modules, whose behaviour
//! CPython's test-suite pins down, and a sweep of one lib-dynload that must
//! find exactly what docs/harness.md explains.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use harness::{ModuleReport, Options, Report};
use interpreters::Interpreter;

fn options(interpreter: &Interpreter, init: Option<&str>, no_call: &[&str]) -> Options {
    let mut options = common::harness_options(interpreter, Duration::from_secs(30));
    options.init = init.map(str::to_string);
    options.settings.no_call = no_call.iter().map(|s| s.to_string()).collect();
    options
}

/// `(module, finding, subinterpreter kind or "")` for every finding.
fn rows(report: &Report) -> BTreeSet<(String, String, String)> {
    let mut rows = BTreeSet::new();
    for module in &report.modules {
        for interpreter in &module.interpreters {
            for finding in &interpreter.findings {
                let kind = match finding.evidence.get("kind").and_then(|k| k.as_str()) {
                    Some(kind) => kind.to_string(),
                    None => {
                        let phase = finding.evidence.get("phase").and_then(|p| p.as_str());
                        ["legacy", "isolated"]
                            .into_iter()
                            .find(|k| phase.is_some_and(|p| p.contains(&format!("({k})"))))
                            .unwrap_or("")
                            .to_string()
                    }
                };
                rows.insert((module.module.clone(), finding.check.to_string(), kind));
            }
        }
    }
    rows
}

/// The file in lib-dynload whose name starts with `module.` (release build).
fn library(interpreter: &Interpreter, module: &str) -> Option<PathBuf> {
    let dir = interpreter.lib_dynload.as_deref()?;
    let suffix = interpreter.ext_suffix.as_deref()?;
    let path = dir.join(format!("{module}{suffix}"));
    path.is_file().then_some(path)
}

fn check_one(interpreter: &Interpreter, path: &Path, init: Option<&str>) -> ModuleReport {
    let report = harness::check(&[path.to_path_buf()], &options(interpreter, init, &[]));
    assert_eq!(report.modules.len(), 1, "{report:#?}");
    report.modules[0].clone()
}

#[test]
fn cpython_test_modules_behave_as_cpython_says() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for interpreter in common::interpreters() {
        let version = interpreter.version.feature();
        let mut expect = |module: &str, init: Option<&str>, expected: &[&str]| {
            let Some(path) = library(interpreter, module) else {
                return;
            };
            checked += 1;
            let report = check_one(interpreter, &path, init);
            let got = common::finding_ids(&report);
            let expected: BTreeSet<String> = expected.iter().map(|s| s.to_string()).collect();
            if got != expected {
                failures.push(format!(
                    "{} {module} {init:?}: expected {expected:?}, got {got:?}",
                    interpreter.tag()
                ));
            }
        };
        expect("_testmultiphase", None, &[]);
        if version >= (3, 10) {
            expect("xxlimited", None, &[]);
        } else {
            // The pre-3.10 example keeps `error` in a C static and leaks a
            // type per execution (docs/harness.md): per re-import, and per
            // runtime, where the static also outlives finalization.
            expect(
                "xxlimited",
                None,
                &[
                    "singleton-state",
                    "subinterpreter-shared-objects",
                    "reimport-leak",
                    "reinit-stale-objects",
                    "reinit-leak",
                ],
            );
        }
        if version >= (3, 12) {
            expect(
                "_testsinglephase",
                None,
                &[
                    "singleton-state",
                    "subinterpreter-shared-objects",
                    "subinterpreter-refused",
                ],
            );
            for init in ["_test_non_isolated", "_test_shared_gil_only"] {
                expect("_testmultiphase", Some(init), &["subinterpreter-refused"]);
            }
        }
    }
    assert!(
        checked > 0,
        "no lib-dynload with CPython's test modules found"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn refusals_of_the_isolation_test_modules_come_from_isolated_subinterpreters_only() {
    let interpreter = common::python312();
    let path = library(interpreter, "_testmultiphase").expect("3.12 has _testmultiphase");
    for init in ["_test_non_isolated", "_test_shared_gil_only"] {
        let report = check_one(interpreter, &path, Some(init));
        assert_eq!(report.module, init);
        let kinds: Vec<_> = report.interpreters[0]
            .findings
            .iter()
            .map(|f| f.evidence["kind"].clone())
            .collect();
        assert_eq!(kinds, ["isolated"], "{report:#?}");
    }
}

/// The table under "The lib-dynload sweep" in docs/harness.md.
fn documented_sweep() -> BTreeSet<(String, String, String)> {
    let doc = include_str!("../../docs/harness.md");
    let table = doc
        .split("<!-- sweep-table: module | finding | kind | why -->")
        .nth(1)
        .expect("docs/harness.md has the sweep table");
    table
        .lines()
        .skip(3) // the rest of the marker line, the header row, the rule
        .take_while(|l| l.starts_with('|'))
        .map(|line| {
            let cells: Vec<String> = line
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_string())
                .collect();
            (cells[1].clone(), cells[2].clone(), cells[3].clone())
        })
        .collect()
}

#[test]
fn lib_dynload_sweep_finds_only_what_the_docs_explain() {
    let interpreter = common::python312();
    let dir = interpreter
        .lib_dynload
        .clone()
        .expect("3.12 has a lib-dynload");
    let options = options(interpreter, None, &["_testcapi.*", "_curses.initscr"]);
    let report = harness::check(&[dir], &options);
    assert_eq!(report.summary.harness_errors, 0, "{report:#?}");
    assert!(report.modules.len() > 50, "{}", report.modules.len());
    let documented = documented_sweep();
    assert!(documented.len() > 10, "{documented:?}");
    let found = rows(&report);
    let unexplained: Vec<_> = found.difference(&documented).collect();
    let missing: Vec<_> = documented.difference(&found).collect();
    assert!(
        unexplained.is_empty() && missing.is_empty(),
        "not in docs/harness.md: {unexplained:?}\ndocumented but not found: {missing:?}"
    );
}
