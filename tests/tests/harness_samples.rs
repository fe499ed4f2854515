//! extharness against the sample corpus: every sample gets exactly the
//! findings its header promises, on every interpreter it is built for, and
//! the leak scenario finds the leaking samples with a workload and clears
//! their controls.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use harness::{Finding, ModuleReport, Options, Report, Workload};
use interpreters::Interpreter;
use sample_modules::Mode;

/// A `shutdown_hang` child waits out this limit, so it bounds the run.
const TIMEOUT: Duration = Duration::from_secs(8);
/// The limit when the exercise scenario runs too, which takes longer.
const EXERCISE_TIMEOUT: Duration = Duration::from_secs(30);

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

/// The modes a run is in: the ones asked for, and on a debug interpreter
/// the debug allocator hooks, which are on by default there.
fn modes(interpreter: &Interpreter, asked: &[Mode]) -> Vec<Mode> {
    let mut modes = asked.to_vec();
    if interpreter.debug && !modes.contains(&Mode::MallocDebug) {
        modes.push(Mode::MallocDebug);
    }
    modes
}

/// Runs the whole corpus of every interpreter with `options`, and compares
/// each sample's findings with what its header promises in `asked` modes.
fn headers_hold(asked: &[Mode], options: impl Fn(&Interpreter) -> Options) {
    let mut failures = Vec::new();
    let mut proven = 0;
    for interpreter in common::interpreters() {
        let corpus = common::corpus(interpreter);
        let report = harness::check(std::slice::from_ref(&corpus.dir), &options(interpreter));
        assert_eq!(report.summary.harness_errors, 0, "{report:#?}");
        let modes = modes(interpreter, asked);
        for built in &corpus.modules {
            let sample = &built.sample;
            let expected: BTreeSet<String> = sample
                .harness_expected(interpreter.version, &modes)
                .into_iter()
                .map(str::to_string)
                .collect();
            let found = module(&report, &sample.module);
            proven += 1;
            // One failure per sample: the rest of the corpus is still compared.
            if found.interpreters.len() != 1 {
                failures.push(format!(
                    "{} on {}: not run on it once: {found:#?}",
                    sample.id,
                    interpreter.tag()
                ));
                continue;
            }
            let got = common::finding_ids(found);
            if got != expected {
                failures.push(format!(
                    "{} on {} ({modes:?}): expected {expected:?}, got {got:?}\n{:#?}",
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

/// The default run: every scenario but `exercise`, reinit included.
#[test]
fn every_sample_gets_what_its_header_promises() {
    headers_hold(&[], |interpreter| options(interpreter, None));
}

/// Every scenario, `exercise` too, under the debug allocator hooks: the
/// broken samples show their memory and GIL bugs, the clean ones stay clean.
#[test]
fn every_sample_gets_what_its_header_promises_under_exercise_and_malloc_debug() {
    headers_hold(&[Mode::Exercise, Mode::MallocDebug], |interpreter| {
        let mut options = options(interpreter, None);
        options.scenarios.push(harness::Scenario::Exercise);
        options.settings.malloc_debug = true;
        // Exercise under the debug hooks takes about 3 s a sample on an
        // idle machine, and tests share the cores: 8 s ran out in CI. The
        // one sample that waits out the limit (shutdown_hang) costs it.
        options.settings.timeout = EXERCISE_TIMEOUT;
        options
    });
}

/// The samples' crash and hang findings say where: phase, signal, the
/// Python frames faulthandler wrote, and the native frame in the module's
/// own source, at the line the source file has.
#[test]
fn crashes_name_the_phase_the_signal_and_the_traceback() {
    if common::skipped_in_sid_root("pinned to CPython 3.12's build, which the root has not") {
        return;
    }
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
    let abort_line = source_line(&corpus, "abort_reinit", "abort();");
    assert_crash_site(&abort, "exec_module", "abort_reinit.c", Some(abort_line));
    // faulthandler ran first and re-raised: its frames sit above a signal mark.
    let stack = abort.evidence["native_stack"].to_string();
    assert!(stack.contains("<signal handler called>"), "{stack}");

    let sub = finding("abort_reinit", "subinterpreter-crash");
    assert_eq!(sub.evidence["phase"], "subinterpreter-import (legacy)");
    assert_crash_site(&sub, "exec_module", "abort_reinit.c", Some(abort_line));

    let crash = finding("shutdown_crash", "shutdown-crash");
    assert_eq!(crash.evidence["phase"], "finalize");
    assert_eq!(crash.evidence["signal"], "SIGSEGV");
    let touch_line = source_line(&corpus, "shutdown_crash", "raised after finalization");
    assert_crash_site(
        &crash,
        "touch_python_after_finalize",
        "shutdown_crash.c",
        Some(touch_line),
    );

    let hang = finding("shutdown_hang", "shutdown-hang");
    assert_eq!(hang.evidence["phase"], "finalize");
    assert!(hang.message.contains("was killed"), "{}", hang.message);
    assert!(hang.evidence.get("native_stack").is_none(), "{hang:?}");
}

/// A module shipped without DWARF is still named by its symbol table, and
/// one whose DWARF went to a separate file (`objcopy --only-keep-debug`,
/// then `.gnu_debuglink`) gets its file and line back from that file.
#[test]
fn crashes_in_stripped_modules_are_named_by_symbols_and_debug_links() {
    if common::skipped_in_sid_root("pinned to CPython 3.12's build, which the root has not") {
        return;
    }
    let interpreter = common::python312();
    let corpus = common::corpus(interpreter);
    let built = corpus.module("abort_reinit").unwrap();
    let file_name = built.path.file_name().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let copy = |variant: &str| {
        let sub = dir.path().join(variant);
        std::fs::create_dir(&sub).unwrap();
        std::fs::copy(&built.path, sub.join(file_name)).unwrap();
        sub
    };
    let tool = |sub: &Path, program: &str, args: &[&str]| {
        let status = Command::new(program)
            .args(args)
            .current_dir(sub)
            .status()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(status.success(), "{program} {args:?}");
    };
    let name = file_name.to_str().unwrap();
    let stripped = copy("strip-debug");
    tool(&stripped, "strip", &["--strip-debug", name]);
    let linked = copy("debuglink");
    let debug = "abort_reinit.debug";
    tool(&linked, "objcopy", &["--only-keep-debug", name, debug]);
    tool(&linked, "strip", &["--strip-debug", name]);
    tool(
        &linked,
        "objcopy",
        &[&format!("--add-gnu-debuglink={debug}"), name],
    );

    let mut options = options(interpreter, None);
    options.scenarios = vec![harness::Scenario::Reimport];
    let paths = [stripped.join(file_name), linked.join(file_name)];
    let report = harness::check(&paths, &options);
    let crash = |path: &Path| -> Finding {
        let module = report
            .modules
            .iter()
            .find(|m| Path::new(&m.path) == path)
            .unwrap_or_else(|| panic!("{} is not in the report", path.display()));
        module.interpreters[0]
            .findings
            .iter()
            .find(|f| f.check == "reimport-crash")
            .unwrap_or_else(|| panic!("{}: no reimport-crash", path.display()))
            .clone()
    };
    assert_crash_site(&crash(&paths[0]), "exec_module", "", None);
    let line = source_line(&corpus, "abort_reinit", "abort();");
    assert_crash_site(
        &crash(&paths[1]),
        "exec_module",
        "abort_reinit.c",
        Some(line),
    );
}

/// The 1-based line of `sample`'s source holding `text`.
fn source_line(corpus: &sample_modules::Corpus, sample: &str, text: &str) -> u32 {
    let source = &corpus.module(sample).unwrap().sample.source;
    let source = std::fs::read_to_string(source).unwrap();
    let index = source.lines().position(|l| l.contains(text));
    index.unwrap_or_else(|| panic!("{sample}: no line with {text}")) as u32 + 1
}

/// The finding's message and evidence name `function`, and `file:line`
/// when `line` is given (no file at all when it is not).
fn assert_crash_site(finding: &Finding, function: &str, file: &str, line: Option<u32>) {
    let site = &finding.evidence["crash_site"];
    assert_eq!(site["function"], function, "{finding:#?}");
    match line {
        Some(line) => {
            let path = site["file"].as_str().unwrap_or_default();
            assert!(path.ends_with(&format!("/{file}")), "{finding:#?}");
            assert_eq!(site["line"], line, "{finding:#?}");
            let named = format!(", in {function} ({file}:{line})");
            assert!(finding.message.ends_with(&named), "{}", finding.message);
        }
        None => {
            assert!(site.get("file").is_none_or(|f| f.is_null()), "{finding:#?}");
            let named = format!(", in {function}");
            assert!(finding.message.ends_with(&named), "{}", finding.message);
        }
    }
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
    Some(leaks_and_calls_only(
        module(&report, &built.sample.module).clone(),
    ))
}

/// Without the import scenario's verdict on the declared GIL slot: these
/// tests are about leaks and calls, and
/// `every_sample_gets_what_its_header_promises` holds `gil-required` to the
/// headers.
fn leaks_and_calls_only(mut report: ModuleReport) -> ModuleReport {
    for run in &mut report.interpreters {
        run.findings.retain(|f| f.check != "gil-required");
    }
    report
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
        // Only a measured leak costs the attribution pass.
        let attributed = |report: &ModuleReport| {
            report.interpreters[0]
                .scenarios
                .iter()
                .any(|s| s.phase.as_deref() == Some("workload (attribution)"))
        };
        if !attributed(&leaks) || attributed(&clean) {
            failures.push(format!(
                "{}: attribution pass on the leak {}, on the control {}",
                interpreter.tag(),
                attributed(&leaks),
                attributed(&clean)
            ));
        }
        // On a debug interpreter with the module built for it, the verdict
        // rests on references too.
        let finding = &leaks.interpreters[0].findings[0];
        // The workload's line made what leaks: an object, or the tuple the
        // module builds (tracemalloc sees the Python line that called it).
        let line = 1 + leaking
            .lines()
            .position(|l| l.contains("object()"))
            .unwrap();
        let site = format!("<-c>:{line}");
        let named = finding.evidence["allocation_sites"]
            .as_array()
            .is_some_and(|sites| sites.iter().any(|s| s["site"] == site.as_str()));
        if !named
            || !finding
                .message
                .contains(&format!("/run allocated at {site}"))
        {
            failures.push(format!(
                "{}: no allocation site {site}: {finding:#?}",
                interpreter.tag()
            ));
        }
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
    if common::skipped_in_sid_root("pinned to CPython 3.12's build, which the root has not") {
        return;
    }
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

// The exercise scenario ------------------------------------------------------

/// Options for the exercise scenario alone. No sample hangs in a call, so
/// the limit only bounds a failure.
fn exercise_options(interpreter: &Interpreter, timeout: Duration) -> Options {
    let mut options = common::harness_options(interpreter, timeout);
    options.scenarios = vec![harness::Scenario::Exercise];
    options
}

/// The values of the argument shapes, in the probe's order.
const SHAPE_VALUES: [&str; 11] = [
    "None",
    "int",
    "negative int",
    "huge int",
    "float",
    "str",
    "bytes",
    "list",
    "tuple",
    "dict",
    "object",
];

fn single_shapes<'a>(values: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    values.into_iter().map(|v| format!("({v})")).collect()
}

/// What error_path_leak.c implies: `insert_powers(seq, tag)` loses the
/// `(tag, 0)` tuple when `seq[0] = ...` fails, so `seq` must have a length
/// of at least 1 (None, the numbers, the dict, a mapping, and the plain
/// object fail `PySequence_Size` first) and refuse item assignment: the str,
/// the bytes and the tuple, whatever the tag. The list takes the clean path.
fn insert_powers_leaking_shapes() -> BTreeSet<String> {
    ["str", "bytes", "tuple"]
        .iter()
        .flat_map(|seq| {
            SHAPE_VALUES
                .iter()
                .map(move |tag| format!("({seq}, {tag})"))
        })
        .collect()
}

fn leaking_shapes(finding: &Finding) -> BTreeSet<String> {
    finding.evidence["shapes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

/// The one finding, a call-leak naming `function`.
fn only_call_leak<'f>(findings: &'f [Finding], function: &str) -> Result<&'f Finding, String> {
    match findings {
        [leak] if leak.check == "call-leak" && leak.evidence["function"] == function => Ok(leak),
        _ => Err(format!(
            "expected one call-leak naming {function}, got {findings:#?}"
        )),
    }
}

/// Checks one sample's exercise findings against what its source implies.
fn exercised_as_expected(
    interpreter: &Interpreter,
    id: &str,
    found: &ModuleReport,
) -> Result<(), String> {
    let [report] = found.interpreters.as_slice() else {
        return Err(format!("not run on this interpreter once: {found:#?}"));
    };
    let findings = &report.findings;
    let exercise = report
        .scenarios
        .iter()
        .find(|s| s.name == harness::Scenario::Exercise)
        .ok_or("no exercise scenario")?;
    let import = &report.scenarios[0];
    if exercise.outcome == harness::Outcome::Skipped {
        // hidden_init and init_name_mismatch do not import under their file
        // name: nothing to exercise, as the import scenario says. (An import
        // scenario with a finding may still have imported: gil-required.)
        return common::ensure(import.outcome != harness::Outcome::Passed, || {
            format!("{import:?}\n{exercise:?}")
        });
    }
    match id {
        "error_path_leak" => {
            let leak = only_call_leak(findings, "insert_powers")?;
            let shapes = leaking_shapes(leak);
            common::ensure(shapes == insert_powers_leaking_shapes(), || {
                format!("leaking shapes {shapes:?}")
            })?;
            common::ensure(leak.message.starts_with("insert_powers leaks when called with (str, None), (str, int), (str, negative int) and 30 more: "), || leak.message.clone())
        }
        // `leak(obj)` keeps a reference to its one argument: every
        // one-value shape where references are counted; elsewhere those
        // whose value is a new object, which becomes a lost memory block
        // (None and the small ints are singletons; a float may come from,
        // and so drain, the float free list without a new block).
        "leak_per_call" | "pyo3_leak" => {
            let leak = only_call_leak(findings, "leak")?;
            let shapes = leaking_shapes(leak);
            let counted = leak.evidence["measured"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m == "references"));
            common::ensure(counted == interpreter.debug, || {
                format!("references counted: {counted}")
            })?;
            let everything = single_shapes(SHAPE_VALUES);
            let least = if counted {
                // From 3.12 None and the small ints are immortal (PEP 683):
                // a reference kept to one changes no count.
                let immortal: &[&str] = if interpreter.version.feature() >= (3, 12) {
                    &["None", "int", "negative int"]
                } else {
                    &[]
                };
                single_shapes(SHAPE_VALUES.into_iter().filter(|v| !immortal.contains(v)))
            } else {
                single_shapes([
                    "huge int", "str", "bytes", "list", "tuple", "dict", "object",
                ])
            };
            common::ensure(
                shapes.is_subset(&everything) && shapes.is_superset(&least),
                || format!("leaking shapes {shapes:?}"),
            )?;
            // The attribution pass calls the leaking shapes again, the list
            // among them: the lists it keeps survive.
            let types = &leak.evidence["surviving_types"];
            common::ensure(
                types
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| t["type"] == "list")),
                || format!("surviving types {types}"),
            )
        }
        // With the debug allocator hooks, on by default in a debug
        // interpreter, these die in their one function (as their headers
        // say): the crash is reported and the scenario carries on without it.
        "buffer_overrun" | "gil_misuse" if interpreter.debug => {
            let crash = findings
                .iter()
                .find(|f| f.check == "call-crash")
                .ok_or_else(|| format!("no call-crash: {findings:#?}"))?;
            common::ensure(
                crash.evidence.contains_key("function")
                    && findings.iter().all(|f| f.check != "call-leak")
                    && exercise
                        .detail
                        .as_deref()
                        .is_some_and(|d| d.contains("see call-crash")),
                || format!("{findings:#?}\n{exercise:?}"),
            )
        }
        // Everything else is clean under made-up arguments: functions that
        // take none, or take arguments and release what they take, and
        // samples with nothing to call (abort_reinit, refuse_reinit). The
        // shutdown samples misbehave only at exit, which this scenario
        // skips (os._exit).
        _ => {
            let count = exercise
                .detail
                .as_deref()
                .and_then(|d| d.strip_prefix("exercised "))
                .and_then(|d| d.split(' ').next())
                .and_then(|n| n.parse::<usize>().ok());
            let least = usize::from(CLEAN_WITH_CALLABLES.contains(&id));
            // Nothing leaked, so no attribution pass ran.
            let attributed = exercise
                .phase
                .as_deref()
                .is_some_and(|p| p.contains("(attribution)"));
            common::ensure(
                findings.is_empty()
                    && exercise.outcome == harness::Outcome::Passed
                    && count.is_some_and(|n| n >= least)
                    && !attributed,
                || format!("{findings:#?}\n{exercise:?}"),
            )
        }
    }
}

/// Samples with functions to call whose every call is clean.
const CLEAN_WITH_CALLABLES: [&str; 7] = [
    "clean_multiphase",
    "multi_init",
    "unicode_cafe",
    "unicode_cjk",
    "links_libpython",
    "fake_abi3",
    "pyo3_clean",
];

#[test]
fn exercise_finds_the_leaking_samples_without_a_workload_and_clears_the_rest() {
    let mut failures = Vec::new();
    let mut proven = BTreeSet::new();
    for interpreter in common::interpreters() {
        let corpus = common::corpus(interpreter);
        let options = exercise_options(interpreter, Duration::from_secs(60));
        let report = harness::check(std::slice::from_ref(&corpus.dir), &options);
        assert_eq!(report.summary.harness_errors, 0, "{report:#?}");
        for built in &corpus.modules {
            let found = leaks_and_calls_only(module(&report, &built.sample.module).clone());
            proven.insert(built.sample.id.clone());
            if let Err(why) = exercised_as_expected(interpreter, &built.sample.id, &found) {
                failures.push(format!(
                    "{} on {}: {why}",
                    built.sample.id,
                    interpreter.tag()
                ));
            }
        }
    }
    for id in ["error_path_leak", "leak_per_call"]
        .iter()
        .chain(&CLEAN_WITH_CALLABLES)
    {
        assert!(proven.contains(*id), "{id} was built for no interpreter");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A module whose functions crash, hang, overrun the call limit and leak,
/// compiled here because no sample should do all of that.
const EXERCISE_CRASH_C: &str = r#"
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Dies by SIGSEGV when given a dict. */
static PyObject *crash(PyObject *module, PyObject *obj) {
    if (PyDict_Check(obj)) {
        *(volatile int *)NULL = 1;
    }
    Py_RETURN_NONE;
}

/* Never returns, nor looks at signals, when given a float. */
static PyObject *freeze(PyObject *module, PyObject *obj) {
    volatile int forever = 1;
    while (PyFloat_Check(obj) && forever) {
    }
    Py_RETURN_NONE;
}

/* Keeps a reference to its argument. */
static PyObject *leak(PyObject *module, PyObject *obj) {
    Py_INCREF(obj);
    Py_RETURN_NONE;
}

static PyObject *noop(PyObject *module, PyObject *args) {
    Py_RETURN_NONE;
}

/* Busy until a signal handler raises, when given an int. */
static PyObject *stall(PyObject *module, PyObject *obj) {
    while (PyLong_Check(obj)) {
        if (PyErr_CheckSignals() < 0) {
            return NULL;
        }
    }
    Py_RETURN_NONE;
}

/* Jar().keep(x) keeps a reference to x when x is a list. */
static PyObject *jar_keep(PyObject *self, PyObject *obj) {
    if (PyList_Check(obj)) {
        Py_INCREF(obj);
    }
    Py_RETURN_NONE;
}

static PyMethodDef jar_methods[] = {
    {"keep", jar_keep, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot jar_slots[] = {
    {Py_tp_methods, jar_methods},
    {0, NULL},
};

static PyType_Spec jar_spec = {
    "exercise_crash.Jar", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT, jar_slots,
};

static int exec_module(PyObject *module) {
    PyObject *jar = PyType_FromSpec(&jar_spec);
    if (jar == NULL) {
        return -1;
    }
    int rc = PyModule_AddObject(module, "Jar", jar);
    if (rc < 0) {
        Py_DECREF(jar);
    }
    return rc;
}

static PyMethodDef methods[] = {
    {"crash", crash, METH_O, NULL},
    {"freeze", freeze, METH_O, NULL},
    {"leak", leak, METH_O, NULL},
    {"noop", noop, METH_VARARGS, NULL},
    {"stall", stall, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "exercise_crash", NULL, 0, methods, slots,
};

PyMODINIT_FUNC PyInit_exercise_crash(void) {
    return PyModuleDef_Init(&module_def);
}
"#;

/// Compiles [`EXERCISE_CRASH_C`] for `interpreter` into `dir`.
fn build_exercise_crash(interpreter: &Interpreter, dir: &std::path::Path) -> std::path::PathBuf {
    let source = dir.join("exercise_crash.c");
    std::fs::write(&source, EXERCISE_CRASH_C).unwrap();
    let suffix = interpreter.ext_suffix.as_deref().expect("an EXT_SUFFIX");
    let output = dir.join(format!("exercise_crash{suffix}"));
    let status = std::process::Command::new(common::llvm_tool("clang"))
        .args([
            "-shared",
            "-fPIC",
            "-O1",
            "-Wall",
            "-Wno-unused-parameter",
            "-Werror",
            "-I",
        ])
        .arg(interpreter.include_dir.as_deref().expect("headers"))
        .arg("-o")
        .arg(&output)
        .arg(&source)
        .status()
        .expect("running clang");
    assert!(status.success(), "exercise_crash.c does not compile");
    output
}

/// Crash isolation: a segfaulting call and a call that never returns each
/// end a child, are reported naming the callable and the shape, and the
/// scenario starts again without them, so that the leaking function and
/// method behind them are still found; a call past `--call-limit` is
/// interrupted and left out; `--no-exercise` leaves a callable alone.
#[test]
fn exercise_reports_crashes_and_hangs_and_still_exercises_the_rest() {
    if common::skipped_in_sid_root("pinned to CPython 3.12's build, which the root has not") {
        return;
    }
    let interpreter = common::python312();
    let dir = tempfile::tempdir().unwrap();
    let path = build_exercise_crash(interpreter, dir.path());
    // The hanging child waits out the limit: short, but ample for the
    // others (about 5 s each here).
    let mut options = exercise_options(interpreter, Duration::from_secs(15));
    options.settings.warmups = 2;
    options.settings.runs = 4;
    options.settings.call_limit = Duration::from_millis(500);
    options.settings.no_exercise = vec!["exercise_crash.noop".into()];
    let started = std::time::Instant::now();
    let report = harness::check(std::slice::from_ref(&path), &options);
    let elapsed = started.elapsed();
    assert_eq!(report.summary.harness_errors, 0, "{report:#?}");
    let found = &module(&report, "exercise_crash").interpreters[0];
    let by = |check: &str, function: &str| -> Finding {
        found
            .findings
            .iter()
            .find(|f| f.check == check && f.evidence["function"] == function)
            .unwrap_or_else(|| panic!("no {check} for {function}: {:#?}", found.findings))
            .clone()
    };
    assert_eq!(found.findings.len(), 4, "{:#?}", found.findings);

    let crash = by("call-crash", "crash");
    assert_eq!(crash.evidence["shape"], "(dict)");
    assert_eq!(crash.evidence["signal"], "SIGSEGV");
    assert_eq!(crash.evidence["phase"], "exercise, calling crash(dict)");
    let trace = crash.evidence["python_traceback"].as_str().unwrap();
    assert!(trace.contains("in guarded"), "{trace}");

    let hang = by("scenario-timeout", "freeze");
    assert_eq!(hang.evidence["shape"], "(float)");
    assert_eq!(hang.evidence["phase"], "exercise, calling freeze(float)");

    let leak = by("call-leak", "leak");
    assert!(leaking_shapes(&leak).contains("(list)"), "{leak:?}");
    let keep = by("call-leak", "Jar.keep");
    assert_eq!(keep.evidence["kind"], "method");
    assert_eq!(leaking_shapes(&keep), single_shapes(["list"]));

    let exercise = &found.scenarios[1];
    assert_eq!(exercise.outcome, harness::Outcome::Finding);
    assert_eq!(
        exercise.detail.as_deref(),
        Some(
            "exercised 3 callables with 133 argument shapes each; not exercised: \
             crash (a call with (dict) ended the interpreter, see call-crash), \
             freeze (a call with (float) never returned, see scenario-timeout), \
             noop (denied by --no-exercise), \
             stall (a call with (int) ran past the 0.5 s limit)"
        )
    );
    // Three children: the crash, the hang (its whole limit), the rest.
    assert!(elapsed >= Duration::from_secs(15), "{elapsed:?}");
}
