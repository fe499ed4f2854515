//! extharness against the sample corpus: every sample gets exactly the
//! findings its header promises, on every interpreter it is built for, and
//! the leak scenario finds the leaking samples with a workload and clears
//! their controls.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use harness::{Finding, ModuleReport, Options, Report, Workload};
use interpreters::Interpreter;

/// A `shutdown_hang` child waits out this limit, so it bounds the run.
const TIMEOUT: Duration = Duration::from_secs(8);

fn options(interpreter: &Interpreter, workload: Option<Workload>) -> Options {
    let mut options = common::harness_options(interpreter, TIMEOUT);
    if workload.is_some() {
        options.scenarios = vec![harness::Scenario::Leaks];
    }
    options.settings.workload = workload;
    options
}

fn module<'r>(report: &'r Report, name: &str) -> &'r ModuleReport {
    report
        .modules
        .iter()
        .find(|m| m.module == name)
        .unwrap_or_else(|| panic!("{name} is not in the report"))
}

/// What the header promises that these scenarios can show: `reinit-*`
/// need the embedding host, and `call-leak` a workload (checked below).
fn promised_here(expected: Vec<&str>) -> BTreeSet<String> {
    expected
        .into_iter()
        .filter(|id| harness::registry::lookup(id).is_some() && *id != "call-leak")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_sample_gets_what_its_header_promises() {
    let mut failures = Vec::new();
    let mut proven = 0;
    for interpreter in common::interpreters() {
        let corpus = common::corpus(interpreter);
        let report = harness::check(
            std::slice::from_ref(&corpus.dir),
            &options(interpreter, None),
        );
        assert_eq!(report.summary.harness_errors, 0, "{report:#?}");
        for built in &corpus.modules {
            let sample = &built.sample;
            let expected = promised_here(sample.harness_expected_on(interpreter.version));
            let found = module(&report, &sample.module);
            assert_eq!(found.interpreters.len(), 1, "{found:#?}");
            let got = common::finding_ids(found);
            proven += 1;
            if got != expected {
                failures.push(format!(
                    "{} on {}: expected {expected:?}, got {got:?}\n{:#?}",
                    sample.id,
                    interpreter.tag(),
                    found.interpreters[0].findings
                ));
            }
        }
    }
    assert!(proven > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The samples' crash and hang findings say where: phase, signal and the
/// Python frames faulthandler wrote.
#[test]
fn crashes_name_the_phase_the_signal_and_the_traceback() {
    let interpreter = common::python312();
    let corpus = common::corpus(interpreter);
    let paths: Vec<PathBuf> = ["abort_reinit", "shutdown_crash", "shutdown_hang"]
        .iter()
        .map(|id| corpus.module(id).unwrap().path.clone())
        .collect();
    let report = harness::check(&paths, &options(interpreter, None));
    let finding = |module: &str, check: &str| -> Finding {
        self::module(&report, module).interpreters[0]
            .findings
            .iter()
            .find(|f| f.check == check)
            .unwrap_or_else(|| panic!("{module}: no {check}"))
            .clone()
    };
    let abort = finding("abort_reinit", "reimport-crash");
    assert_eq!(abort.evidence["signal"], "SIGABRT");
    assert_eq!(abort.evidence["phase"], "reimport (cycle 1)");
    let trace = abort.evidence["python_traceback"].as_str().unwrap();
    assert!(trace.contains("Fatal Python error: Aborted"), "{trace}");
    assert!(trace.contains("in load"), "{trace}");

    let sub = finding("abort_reinit", "subinterpreter-crash");
    assert_eq!(sub.evidence["phase"], "subinterpreter-import (legacy)");

    let crash = finding("shutdown_crash", "shutdown-crash");
    assert_eq!(crash.evidence["phase"], "finalize");
    assert_eq!(crash.evidence["signal"], "SIGSEGV");

    let hang = finding("shutdown_hang", "shutdown-hang");
    assert_eq!(hang.evidence["phase"], "finalize");
    assert!(hang.message.contains("was killed"), "{}", hang.message);
}

fn leak_report(interpreter: &Interpreter, sample: &str, code: &str) -> Option<ModuleReport> {
    let corpus = common::corpus(interpreter);
    let built = corpus.module(sample)?;
    let workload = Workload::Code {
        code: code.to_string(),
    };
    let report = harness::check(
        std::slice::from_ref(&built.path),
        &options(interpreter, Some(workload)),
    );
    Some(module(&report, &built.sample.module).clone())
}

fn leak_verdicts(sample: &str, leaking: &str, control: &str) {
    let mut failures = Vec::new();
    let mut proven = 0;
    for interpreter in common::interpreters() {
        let (Some(leaks), Some(clean)) = (
            leak_report(interpreter, sample, leaking),
            leak_report(interpreter, sample, control),
        ) else {
            continue;
        };
        proven += 1;
        let expected: BTreeSet<String> = ["call-leak".to_string()].into();
        if common::finding_ids(&leaks) != expected || !common::finding_ids(&clean).is_empty() {
            failures.push(format!(
                "{}: leaking {:?}, control {:?}",
                interpreter.tag(),
                leaks.interpreters[0].findings,
                clean.interpreters[0].findings
            ));
            continue;
        }
        // On a debug interpreter with the module built for it, the verdict
        // rests on references too.
        let finding = &leaks.interpreters[0].findings[0];
        let measured = finding.evidence["measured"].to_string();
        if interpreter.debug != measured.contains("references") {
            failures.push(format!(
                "{}: measured {measured} (debug: {})",
                interpreter.tag(),
                interpreter.debug
            ));
        }
    }
    assert!(proven > 0, "{sample} was built for no interpreter");
    assert!(failures.is_empty(), "{sample}:\n{}", failures.join("\n"));
}

#[test]
fn leak_per_call_leaks_under_a_workload_and_its_control_does_not() {
    leak_verdicts(
        "leak_per_call",
        "leak_per_call.leak(object())",
        "leak_per_call.no_leak(object())",
    );
}

#[test]
fn error_path_leak_leaks_only_on_its_error_path() {
    // A tuple makes PySequence_SetItem fail; a list takes the clean path.
    leak_verdicts(
        "error_path_leak",
        "try:\n    error_path_leak.insert_powers((1, 2, 3), object())\nexcept TypeError:\n    pass",
        "error_path_leak.insert_powers([1, 2, 3], object())",
    );
}

#[test]
fn pyo3_leak_leaks_under_a_workload_and_its_control_does_not() {
    leak_verdicts(
        "pyo3_leak",
        "pyo3_leak.leak(object())",
        "pyo3_leak.no_leak(object())",
    );
}

#[test]
fn a_failing_or_hanging_workload_is_reported_with_its_traceback() {
    let interpreter = common::python312();
    let failing = leak_report(
        interpreter,
        "clean_multiphase",
        "raise ValueError('broken workload')",
    )
    .unwrap();
    let finding = &failing.interpreters[0].findings[0];
    assert_eq!(finding.check, "workload-error");
    assert!(finding.message.contains("ValueError: broken workload"));

    let corpus = common::corpus(interpreter);
    let built = corpus.module("clean_multiphase").unwrap();
    let mut options = options(
        interpreter,
        Some(Workload::Code {
            code: "import time\ntime.sleep(60)".into(),
        }),
    );
    options.settings.timeout = Duration::from_secs(4);
    let report = harness::check(std::slice::from_ref(&built.path), &options);
    let findings = &module(&report, "clean_multiphase").interpreters[0].findings;
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let hang = &findings[0];
    assert_eq!(hang.check, "scenario-timeout");
    assert_eq!(hang.evidence["phase"], "workload (run 1)");
    // faulthandler dumped the stacks before the kill.
    let trace = hang.evidence["python_traceback"].as_str().unwrap();
    assert!(trace.contains("<-c>"), "{trace}");
}
