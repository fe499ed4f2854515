//! The text formats for people, on reports built here the way the harness
//! builds them (the frames, tracebacks and messages are those of real runs
//! of `abort_reinit` and `singlephase_state`, with machine-specific paths
//! and addresses already replaced): a crash whose native stack is trimmed
//! to the module's frames, the same findings on three interpreters said
//! once, and `--output-format concise`.

use checkmeta::CheckMeta;
use clikit::Paint;
use extharness::render::{self, TextOptions};
use harness::{
    Finding, InterpreterReport, ModuleReport, Outcome, Report, Scenario, ScenarioReport,
};

const MODULE: &str = "abort_reinit.cpython-312-x86_64-linux-gnu.so";
/// The module of the grouped report: one file every interpreter loads.
const ABI3: &str = "singlephase_state.abi3.so";

fn meta(id: &str) -> &'static CheckMeta {
    harness::checks::CHECKS
        .iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

/// A native stack as `NativeStack::render` writes it: an abort in the
/// module's `exec_module` under `python` (3.12: libpython3.12), 37 frames.
fn native_stack(minor: u32, module: &str) -> Vec<String> {
    let libpython = format!("libpython3.{minor}.so.1.0");
    let mut lines = vec![
        "#0 __pthread_kill_implementation at pthread_kill.c:44 (libc.so.6)".to_string(),
        "#1 __pthread_kill_internal at pthread_kill.c:78 (libc.so.6, inlined)".to_string(),
        "#2 raise at raise.c:26 (libc.so.6)".to_string(),
        "#3 abort at abort.c:79 (libc.so.6)".to_string(),
        format!("#4 exec_module at abort_reinit.c:27 ({module})"),
        format!("#5 PyModule_ExecDef at moduleobject.c:440 ({libpython})"),
        format!("#6 exec_builtin_or_dynamic at import.c:2386 ({libpython})"),
    ];
    for (i, function) in (7..35).zip(
        [
            "_imp_exec_dynamic_impl",
            "_imp_exec_dynamic",
            "cfunction_vectorcall_O",
            "_PyEval_EvalFrameDefault",
        ]
        .iter()
        .cycle(),
    ) {
        lines.push(format!("#{i} {function} ({libpython})"));
    }
    lines.push("#35 __libc_start_call_main at libc_start_call_main.h:58 (libc.so.6)".into());
    lines.push("#36 _start (python3)".into());
    lines
}

fn traceback(frozen_line: u32) -> String {
    format!(
        "Fatal Python error: Aborted\n\nCurrent thread 0x00007f3a12345678 (most recent call first):\n  File \"<frozen importlib._bootstrap>\", line {frozen_line} in _call_with_frames_removed\n  File \"[tmp]/extharness_probe.py\", line 201 in load\n  File \"[tmp]/extharness_probe.py\", line 388 in scenario_reimport"
    )
}

fn crash(minor: u32, frozen_line: u32, module: &str) -> Finding {
    Finding::new(
        meta("reimport-crash"),
        "the interpreter died by SIGABRT in phase reimport (cycle 1), in exec_module (abort_reinit.c:27)",
    )
    .with("phase", "reimport (cycle 1)")
    .with("signal", "SIGABRT")
    .with("python_traceback", traceback(frozen_line))
    .with("native_stack", native_stack(minor, module))
    .with(
        "crash_site",
        serde_json::json!({
            "function": "exec_module",
            "file": "[repo]/sample-modules/c/abort_reinit.c",
            "line": 27,
            "library": format!("[samples]/{module}"),
        }),
    )
}

fn singleton() -> Finding {
    Finding::new(
        meta("singleton-state"),
        "a re-import hands back the first import's objects: Error (exception), error_type (function), increment (function)",
    )
    .with(
        "same_objects",
        serde_json::json!([
            {"kind": "exception", "name": "Error"},
            {"kind": "function", "name": "error_type"},
            {"kind": "function", "name": "increment"},
        ]),
    )
}

/// numpy's refusal in a subinterpreter: its message is twenty lines.
fn refused(minor: u32) -> Finding {
    let message = "Error importing numpy: you should not try to import numpy from\n        its source directory; please exit the numpy source tree, and relaunch\n        your python interpreter from there.";
    Finding::new(
        meta("subinterpreter-refused"),
        format!("an isolated subinterpreter (own GIL) refuses it: {message}"),
    )
    .with("exception", format!("ImportError: {message}"))
    .with("kind", "isolated")
    .with(
        "via",
        if minor >= 13 {
            "_interpreters"
        } else {
            "_xxsubinterpreters"
        },
    )
}

fn interpreter(minor: u32, findings: Vec<Finding>) -> InterpreterReport {
    let outcome = |scenario| match findings.is_empty() || scenario == Scenario::Import {
        true => Outcome::Passed,
        false => Outcome::Finding,
    };
    InterpreterReport {
        python: format!("/opt/python/3.{minor}.4/bin/python3.{minor}").into(),
        environment: None,
        environment_note: None,
        version: format!("3.{minor}.4"),
        debug: false,
        scenarios: [Scenario::Import, Scenario::Reimport]
            .map(|name| ScenarioReport {
                name,
                outcome: outcome(name),
                duration_ms: 40,
                phase: None,
                detail: None,
            })
            .to_vec(),
        findings,
    }
}

fn module(path: &str, name: &str, interpreters: Vec<InterpreterReport>) -> ModuleReport {
    ModuleReport {
        path: path.into(),
        module: name.into(),
        not_runnable: None,
        error: None,
        passed_over: Vec::new(),
        interpreters,
    }
}

fn crash_report() -> Report {
    Report::new(
        vec![module(
            &format!("[samples]/{MODULE}"),
            "abort_reinit",
            vec![interpreter(12, vec![crash(12, 488, MODULE)])],
        )],
        Vec::new(),
    )
}

/// An abi3 module on 3.11, 3.12 and 3.13: the same singleton state on all
/// three, the same crash with tracebacks and stacks that differ in
/// CPython's own line numbers and library, and a refusal whose evidence
/// names another module on 3.13 (so it is not the same finding there).
fn grouped_report() -> Report {
    let interpreters = [(11, 241), (12, 488), (13, 480)]
        .map(|(minor, frozen)| {
            interpreter(
                minor,
                vec![singleton(), crash(minor, frozen, ABI3), refused(minor)],
            )
        })
        .to_vec();
    Report::new(
        vec![
            module(
                &format!("dist/demo.whl!demo/{ABI3}"),
                "demo.singlephase_state",
                interpreters,
            ),
            module(
                "dist/demo.whl!demo/clean.so",
                "demo.clean",
                vec![interpreter(12, Vec::new())],
            ),
        ],
        Vec::new(),
    )
}

fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../../snapshots/harness");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn a_crash_shows_the_modules_frames_and_counts_the_rest() {
    let text = render::text(&crash_report());
    snapshot("text_crash_trimmed_stack", &text);
    // The module's frame, one frame each side, the rest counted.
    assert!(
        text.contains("#4 exec_module at abort_reinit.c:27"),
        "{text}"
    );
    assert!(
        text.contains("#3 abort at abort.c:79 (libc.so.6)"),
        "{text}"
    );
    assert!(!text.contains("#2 raise"), "{text}");
    assert!(!text.contains("#20 "), "{text}");
}

#[test]
fn verbose_shows_every_frame_and_every_line() {
    let report = crash_report();
    let verbose = render::text_with(
        &report,
        TextOptions {
            verbose: true,
            ..TextOptions::PLAIN
        },
    );
    for frame in native_stack(12, MODULE) {
        assert!(
            verbose.contains(&format!("        {frame}\n")),
            "{frame}\n{verbose}"
        );
    }
    assert!(!verbose.contains("frames in"), "{verbose}");
    assert!(verbose.contains("      signal: SIGABRT"), "{verbose}");
    let grouped = render::text_with(
        &grouped_report(),
        TextOptions {
            verbose: true,
            ..TextOptions::PLAIN
        },
    );
    assert!(grouped.contains("relaunch\n"), "{grouped}");
}

#[test]
fn the_same_finding_on_three_interpreters_is_said_once() {
    let text = render::text(&grouped_report());
    snapshot("text_grouped_across_interpreters", &text);
    assert_eq!(text.matches("Fatal Python error").count(), 1, "{text}");
    assert_eq!(
        text.matches("[singleton-state] on 3.11–3.13:").count(),
        1,
        "{text}"
    );
}

#[test]
fn quiet_leaves_the_findings_and_the_summary() {
    let text = render::text_with(
        &grouped_report(),
        TextOptions {
            quiet: true,
            ..TextOptions::PLAIN
        },
    );
    assert!(!text.contains("python 3.12.4"), "{text}");
    assert!(!text.contains("passed"), "{text}");
    assert!(!text.contains("demo/clean.so"), "{text}");
    assert!(text.contains("[singleton-state] on 3.11–3.13:"), "{text}");
    assert!(
        text.ends_with("3 error(s), 3 warning(s), 3 info(s)\n"),
        "{text}"
    );
}

#[test]
fn concise_is_a_line_per_finding() {
    let mut report = grouped_report();
    report.modules.extend(crash_report().modules);
    report.recount();
    let text = render::concise(&report, Paint::PLAIN);
    snapshot("concise", &text);
}
