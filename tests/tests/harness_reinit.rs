//! The reinit scenario, an embedding host that initialises, imports, uses
//! and finalises the runtime five times in one process, against the sample
//! corpus and CPython's own modules, on every interpreter under test.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use harness::{Finding, ModuleReport, Options, Outcome, Report, Scenario};
use interpreters::Interpreter;

const TIMEOUT: Duration = Duration::from_secs(30);

fn options(interpreter: &Interpreter) -> Options {
    let mut options = common::harness_options(interpreter, TIMEOUT);
    options.scenarios = vec![Scenario::Reinit];
    options
}

/// What the reinit scenario finds for each sample, the same on every
/// interpreter that has it (3.8 to 3.13, the 3.11 debug build).
const SAMPLES: &[(&str, &[&str])] = &[
    // Refuses a second initialisation with ImportError, like numpy.
    ("refuse_reinit", &["reinit-refused"]),
    // abort() on a second initialisation: SIGABRT importing in cycle 2.
    ("abort_reinit", &["reinit-crash"]),
    // PyO3 keeps the `Counter` type object in a Rust static.
    ("pyo3_pyclass", &["reinit-stale-objects"]),
    // The `Error` type cached in a C static on the first initialisation.
    ("singlephase_state", &["reinit-stale-objects"]),
    // The dict cached in a C static on the first execution.
    ("static_cache_pergil", &["reinit-stale-objects"]),
    // No state, or state that goes with the module: every runtime makes
    // its own, and nothing grows from one to the next.
    ("clean_multiphase", &[]),
    ("multi_init", &[]),
    ("unicode_cafe", &[]),
    ("unicode_cjk", &[]),
    ("links_libpython", &[]),
    ("fake_abi3", &[]),
    ("limited_abi3", &[]),
    ("pyo3_clean", &[]),
    // Their leaks need arguments, which the scenario does not pass.
    ("leak_per_call", &[]),
    ("error_path_leak", &[]),
    ("pyo3_leak", &[]),
    // Their C exit hooks run at process exit, which the host skips as the
    // probe does: the shutdown scenario reports them.
    ("shutdown_crash", &[]),
    ("shutdown_hang", &[]),
];

/// The findings the reinit scenario made: `reinit-*`, and `import-error`
/// in a runtime's import.
fn reinit_findings(module: &ModuleReport) -> Vec<&Finding> {
    module
        .interpreters
        .iter()
        .flat_map(|i| &i.findings)
        .filter(|f| {
            f.check.starts_with("reinit-")
                || evidence(f, "phase").is_some_and(|p| p.starts_with("reinit"))
        })
        .collect()
}

fn ids(findings: &[&Finding]) -> BTreeSet<String> {
    findings.iter().map(|f| f.check.to_string()).collect()
}

fn evidence<'f>(finding: &'f Finding, key: &str) -> Option<&'f str> {
    finding.evidence.get(key).and_then(|v| v.as_str())
}

fn reinit_outcome(module: &ModuleReport) -> Option<Outcome> {
    module
        .interpreters
        .iter()
        .flat_map(|i| &i.scenarios)
        .find(|s| s.name == Scenario::Reinit)
        .map(|s| s.outcome)
}

/// `(name, runtime that allocated it, runtime it was seen in)` of each
/// stale object.
fn stale(finding: &Finding) -> BTreeSet<(String, Option<u64>, u64)> {
    finding.evidence["stale_objects"]
        .as_array()
        .expect("stale_objects is a list")
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default().to_string(),
                s["allocated_in"].as_u64(),
                s["cycle"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn from_runtime_1(names: &[&str]) -> BTreeSet<(String, Option<u64>, u64)> {
    names.iter().map(|n| (n.to_string(), Some(1), 2)).collect()
}

/// The details that make each sample's finding the right one.
fn details(sample: &str, found: &[&Finding]) -> Result<(), String> {
    let finding = |id: &str| found.iter().find(|f| f.check == id).copied();
    match sample {
        "abort_reinit" => {
            let crash = finding("reinit-crash").ok_or("no reinit-crash")?;
            common::ensure(
                evidence(crash, "phase") == Some("reinit-import (cycle 2)")
                    && evidence(crash, "signal") == Some("SIGABRT"),
                || format!("not SIGABRT importing in cycle 2: {crash:?}"),
            )
        }
        "refuse_reinit" => {
            let refused = finding("reinit-refused").ok_or("no reinit-refused")?;
            common::ensure(
                evidence(refused, "phase") == Some("reinit-import (cycle 2)")
                    && evidence(refused, "exception").is_some_and(|e| {
                        e == "ImportError: cannot load module more than once per process"
                    }),
                || format!("not the module's ImportError in cycle 2: {refused:?}"),
            )
        }
        "pyo3_pyclass" | "singlephase_state" | "static_cache_pergil" => {
            let names: &[&str] = match sample {
                "pyo3_pyclass" => &["Counter"],
                "singlephase_state" => &["Error", "error_type()"],
                _ => &["cache", "get_cache()"],
            };
            let finding = finding("reinit-stale-objects").ok_or("no reinit-stale-objects")?;
            let got = stale(finding);
            common::ensure(got == from_runtime_1(names), || {
                format!("expected {names:?} from runtime 1 in runtime 2, got {got:?}")
            })
        }
        _ => Ok(()),
    }
}

fn check_samples(interpreter: &Interpreter, options: &Options, failures: &mut Vec<String>) {
    let corpus = common::corpus(interpreter);
    let built: Vec<(&str, &[&str], PathBuf, String)> = SAMPLES
        .iter()
        .filter_map(|(id, expected)| {
            let module = corpus.module(id)?;
            Some((
                *id,
                *expected,
                module.path.clone(),
                module.sample.module.clone(),
            ))
        })
        .collect();
    let paths: Vec<PathBuf> = built.iter().map(|b| b.2.clone()).collect();
    let report = harness::check(&paths, options);
    for (id, expected, _, name) in &built {
        let module = module(&report, name);
        let found = reinit_findings(module);
        let expected: BTreeSet<String> = expected.iter().map(|s| s.to_string()).collect();
        // A scenario that did not run has no findings either: with none
        // expected, it must have run and passed.
        let wanted = if expected.is_empty() {
            Outcome::Passed
        } else {
            Outcome::Finding
        };
        let outcome = reinit_outcome(module);
        let why = if ids(&found) != expected {
            Some(format!("expected {expected:?}, got {found:#?}"))
        } else if outcome != Some(wanted) {
            Some(format!(
                "reinit {outcome:?}, expected {wanted:?}: {module:#?}"
            ))
        } else {
            details(id, &found).err()
        };
        if let Some(why) = why {
            failures.push(format!("{} {id}: {why}", interpreter.tag()));
        }
    }
}

fn module<'r>(report: &'r Report, name: &str) -> &'r ModuleReport {
    report
        .modules
        .iter()
        .find(|m| m.module == name)
        .unwrap_or_else(|| panic!("{name} is not in the report: {report:#?}"))
}

#[test]
fn samples_under_reinit() {
    let mut failures = Vec::new();
    for interpreter in common::interpreters() {
        check_samples(interpreter, &options(interpreter), &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Under `--malloc-debug` the host runs in the development mode with
/// CPython's debug hooks over its own allocator, which moves every object
/// into its block: the same findings.
#[test]
fn samples_under_reinit_with_malloc_debug() {
    let interpreter = common::python312();
    let mut options = options(interpreter);
    options.settings.malloc_debug = true;
    let mut failures = Vec::new();
    check_samples(interpreter, &options, &mut failures);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What reinit finds in CPython's own test modules, where `version` has
/// them, with why.
fn cpython_expected(module: &str, version: (u32, u32, u32)) -> &'static [&'static str] {
    match (module, version) {
        // The 3.5-era example before its 3.10 rewrite: `error` is created
        // once into `static PyObject *ErrorObject` (runtime 2 gets runtime
        // 1's), and every execution assigns a new `Xxo_Type` to a static
        // without releasing the last one (14 blocks a runtime).
        ("xxlimited", (3, 8 | 9, _)) => &["reinit-stale-objects", "reinit-leak"],
        // gh-122334: a METH_FASTCALL|METH_KEYWORDS function of a lib-dynload
        // module crashes in a second runtime, its static argument parser
        // still holding the first runtime's keyword tuple; `isclose()` is
        // the first math function the scenario calls that has one. Fixed in
        // 3.12.5 and 3.13.0.
        ("math", (3, 12, micro)) if micro < 5 => &["reinit-crash"],
        // Module state for everything (multi-phase, heap types): each
        // runtime makes its own.
        ("_testmultiphase" | "xxlimited" | "math", _) => &[],
        // Single-phase with process-wide state, but its init clears and
        // re-creates that state on every call ("It may have been set by a
        // previous run"), so each runtime gets its own `error`, and what a
        // finalised runtime left in it is freed by the next init: nothing
        // stale, nothing grows.
        ("_testsinglephase", _) => &[],
        _ => unreachable!("no expectation for {module}"),
    }
}

#[test]
fn cpython_modules_under_reinit() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for interpreter in common::interpreters() {
        let Some((dir, suffix)) = interpreter
            .lib_dynload
            .as_ref()
            .zip(interpreter.ext_suffix.as_ref())
        else {
            continue;
        };
        let version = interpreter.version;
        let modules: Vec<(&str, PathBuf)> =
            ["_testmultiphase", "_testsinglephase", "xxlimited", "math"]
                .into_iter()
                .map(|m| (m, dir.join(format!("{m}{suffix}"))))
                .filter(|(_, path)| path.is_file())
                .collect();
        let paths: Vec<PathBuf> = modules.iter().map(|(_, p)| p.clone()).collect();
        let report = harness::check(&paths, &options(interpreter));
        for (name, _) in &modules {
            checked += 1;
            let found = reinit_findings(module(&report, name));
            let outcome = reinit_outcome(module(&report, name));
            let wanted = if found.is_empty() {
                Outcome::Passed
            } else {
                Outcome::Finding
            };
            if outcome != Some(wanted) {
                failures.push(format!(
                    "{} {name}: reinit {outcome:?}, expected {wanted:?}",
                    interpreter.tag()
                ));
                continue;
            }
            let expected: BTreeSet<String> =
                cpython_expected(name, (version.major, version.minor, version.micro))
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
            if ids(&found) != expected {
                failures.push(format!(
                    "{} {name}: expected {expected:?}, got {found:#?}",
                    interpreter.tag()
                ));
                continue;
            }
            if let Some(leak) = found.iter().find(|f| f.check == "reinit-leak") {
                let blocks = &leak.evidence["deltas"]["blocks"];
                if blocks != &serde_json::json!([14, 14, 14]) {
                    failures.push(format!(
                        "{} {name}: leaked blocks {blocks}",
                        interpreter.tag()
                    ));
                }
            }
            if let Some(crash) = found.iter().find(|f| f.check == "reinit-crash")
                && evidence(crash, "phase") != Some("reinit-use (cycle 2), calling isclose()")
            {
                failures.push(format!("{} {name}: {crash:?}", interpreter.tag()));
            }
        }
    }
    assert!(
        checked > 0,
        "no interpreter under test has CPython's test modules"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `--module`: a module found by name in the interpreter's own path, as
/// the probe imports it.
#[test]
fn an_importable_module_by_name() {
    let interpreter = common::python312();
    let mut options = options(interpreter);
    options.modules = vec!["_testmultiphase".to_string()];
    let report = harness::check(&[], &options);
    let module = module(&report, "_testmultiphase");
    assert_eq!(reinit_outcome(module), Some(Outcome::Passed), "{module:#?}");
}

/// A host that cannot be started is the harness's failure, reported as
/// such, never as a finding about the module.
#[test]
fn a_host_that_cannot_start_is_a_harness_error() {
    let interpreter = common::python312();
    let mut options = options(interpreter);
    options.settings.host = Some(harness::HostCommand {
        program: "/nonexistent/reinit-host".into(),
        args: Vec::new(),
    });
    let corpus = common::corpus(interpreter);
    let path = corpus
        .module("clean_multiphase")
        .expect("built")
        .path
        .clone();
    let report = harness::check(&[path], &options);
    let module = module(&report, "clean_multiphase");
    assert_eq!(reinit_outcome(module), Some(Outcome::Error), "{module:#?}");
    assert!(reinit_findings(module).is_empty(), "{module:#?}");
}
