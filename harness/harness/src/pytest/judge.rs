//! From one pytest session's events to per-test outcomes and findings: the
//! leak rule on each test's measured runs, and a test-crash for the test
//! that was running when the process died.

use std::time::Duration;

use super::protocol::{Event, RunKind, TestEvent};
use super::report::{TestOutcome, TestReport};
use super::session::Session;
use super::test_crash::TestCrash;
use super::test_leak::TestLeak;
use crate::process::child::Ending;
use crate::process::native::{self, NativeStack};
use crate::report::Finding;
use crate::verdict::leak::{self, Measures, measure_title};

/// What the verdicts need besides the session.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// The interpreter is a debug build (it measures references).
    pub debug: bool,
    /// `--references`: count them whatever is loaded.
    pub force_references: bool,
    pub warmups: u32,
    pub timeout: Duration,
    /// This session's index in the report.
    pub session: usize,
}

/// What one session says.
#[derive(Debug, Clone)]
pub struct Judged {
    /// Tests that finished or died in the session, in the order they ran.
    pub tests: Vec<TestReport>,
    /// A death outside any test.
    pub finding: Option<Finding>,
    /// The process died (or hung) rather than ending its session.
    pub died: bool,
}

pub fn judge(session: &Session, context: Context) -> Judged {
    let mut tests = Vec::new();
    let mut running: Option<&str> = None;
    let mut last_run: Option<(u32, RunKind)> = None;
    for event in &session.events {
        match event {
            Event::Start { nodeid } => {
                running = Some(nodeid);
                last_run = None;
            }
            Event::Run { run, kind, .. } => last_run = Some((*run, *kind)),
            Event::Test(test) => {
                running = None;
                tests.push(finished(test, context));
            }
            _ => {}
        }
    }
    let done = session.exitstatus().is_some();
    let death = death(session, done, context);
    let mut finding = None;
    if let Some(how) = &death {
        match running {
            Some(nodeid) => {
                let run = run_label(last_run, context.warmups);
                tests.push(crashed(nodeid, how, run.as_deref(), session, context));
            }
            None => {
                let at = if session.collected().is_none() {
                    "during collection"
                } else if done {
                    "after the session ended"
                } else {
                    "between tests"
                };
                finding = Some(crash_finding(how, at, session, None));
            }
        }
    }
    Judged {
        tests,
        finding,
        died: death.is_some(),
    }
}

/// How the process ended, when it did not end its session the ordinary way.
fn death(session: &Session, done: bool, context: Context) -> Option<String> {
    match &session.ending {
        Ending::Signaled { name, .. } => Some(format!("the interpreter died by {name}")),
        Ending::TimedOut => Some(format!(
            "the session overran the harness's limit of {:.0} s and was killed",
            session.duration.as_secs_f64()
        )),
        Ending::Exited { .. } if done => None,
        // faulthandler's watchdog dumps the stacks under this heading, then
        // exits with status 1.
        Ending::Exited { code: 1 } if watchdog_fired(&session.fault) => Some(format!(
            "the test hung (stopped after {:.0} s)",
            context.timeout.as_secs_f64()
        )),
        Ending::Exited { code } => Some(format!("the interpreter exited with status {code}")),
    }
}

fn watchdog_fired(fault: &str) -> bool {
    fault
        .lines()
        .any(|l| l.starts_with("Timeout (") && l.ends_with(")!"))
}

fn run_label(run: Option<(u32, RunKind)>, warmups: u32) -> Option<String> {
    Some(match run? {
        (n, RunKind::Warmup) => format!("warm-up run {n}"),
        (n, RunKind::Measured) => format!("measured run {}", n.saturating_sub(warmups)),
        (_, RunKind::Attribution) => {
            "an attribution run (after measured runs that leaked)".to_string()
        }
        (_, RunKind::Reported) => "pytest's own run (after the repetitions)".to_string(),
    })
}

fn crashed(
    nodeid: &str,
    how: &str,
    run: Option<&str>,
    session: &Session,
    context: Context,
) -> TestReport {
    let at = match run {
        Some(run) => format!("in {run}"),
        None => "before its first run".to_string(),
    };
    TestReport {
        nodeid: nodeid.to_string(),
        outcome: TestOutcome::Crashed,
        pytest_outcome: None,
        runs: 0,
        deltas: Measures::new(),
        measured: Vec::new(),
        note: None,
        message: None,
        findings: vec![crash_finding(how, &at, session, run)],
        session: Some(context.session),
    }
}

fn crash_finding(how: &str, at: &str, session: &Session, run: Option<&str>) -> Finding {
    let (signal, exit_code) = match &session.ending {
        Ending::Signaled { name, .. } => (Some(name.clone()), None),
        Ending::Exited { code } => (None, Some(*code)),
        Ending::TimedOut => (None, None),
    };
    let native = session.native.as_ref();
    let inside = native.map(NativeStack::site_suffix).unwrap_or_default();
    let finding = Finding::new(&TestCrash::META, format!("{how} {at}{inside}"))
        .with("run", run)
        .with("signal", signal)
        .with("exit_code", exit_code)
        .with(
            "python_traceback",
            (!session.fault.trim().is_empty()).then(|| session.fault.trim_end()),
        );
    native::with_evidence(finding, native).with("stderr", crate::verdict::tail(&session.stderr))
}

/// pytest's word for its own run of the test, from its phase reports.
fn pytest_outcome(test: &TestEvent) -> Option<(String, Option<String>)> {
    let failed = test
        .phases
        .iter()
        .find(|p| matches!(p.outcome.as_str(), "failed" | "error"));
    let chosen = failed
        .or_else(|| test.phases.iter().find(|p| p.outcome != "passed"))
        .or_else(|| test.phases.iter().find(|p| p.when == "call"))?;
    Some((chosen.outcome.clone(), chosen.message.clone()))
}

fn finished(test: &TestEvent, context: Context) -> TestReport {
    let mut report = TestReport {
        nodeid: test.nodeid.clone(),
        outcome: TestOutcome::Passed,
        pytest_outcome: None,
        runs: test.runs,
        deltas: test.measures.clone().unwrap_or_default(),
        measured: Vec::new(),
        note: None,
        message: None,
        findings: Vec::new(),
        session: Some(context.session),
    };
    let (outcome, message) = pytest_outcome(test).unzip();
    report.message = message.flatten();
    report.outcome = match outcome.as_deref() {
        Some("failed") => TestOutcome::Failed,
        Some("error") => TestOutcome::Error,
        Some("skipped" | "xfailed") => TestOutcome::Skipped,
        _ => TestOutcome::Passed,
    };
    report.pytest_outcome = outcome;
    if report.outcome != TestOutcome::Passed {
        return report;
    }
    if let Some(stopped) = &test.stopped {
        let skipped = matches!(stopped.outcome.as_str(), "skipped" | "xfailed");
        report.outcome = if skipped {
            TestOutcome::Skipped
        } else {
            TestOutcome::Error
        };
        report.message = Some(format!(
            "{} when run again (run {}, {}){}",
            if skipped { "skipped" } else { "failed" },
            stopped.run,
            stopped.when,
            stopped
                .message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        ));
        return report;
    }
    let mut judged = report.deltas.clone();
    report.note = references_note(test, context);
    if report.note.is_some() {
        judged.remove("references");
    }
    let verdict = leak::judge(&judged);
    report.measured = verdict.measured.clone();
    if verdict.leaks() {
        report.outcome = TestOutcome::Leaked;
        let shown: Vec<String> = verdict
            .leaking
            .iter()
            .map(|m| format!("{} {:?}", measure_title(m), judged[m]))
            .collect();
        let rests: Vec<&str> = verdict.measured.iter().map(|m| measure_title(m)).collect();
        let finding = Finding::new(
            &TestLeak::META,
            format!(
                "the test leaks: {} per measured run (verdict on {})",
                shown.join(", "),
                rests.join(", ")
            ),
        )
        .with("deltas", &report.deltas)
        .with("leaking", &verdict.leaking)
        .with("measured", &verdict.measured)
        .with("note", &report.note);
        report.findings.push(match &test.attribution {
            Some(attribution) => attribution.attach(finding),
            None => finding,
        });
    }
    report
}

/// Why references do not count for this test, when they do not. A module
/// built for a release interpreter increments and decrements reference
/// counts inline without touching the debug interpreter's total, so with
/// one loaded the total drifts either way (a leaking test can even show
/// fewer references per run).
fn references_note(test: &TestEvent, context: Context) -> Option<String> {
    if !context.debug {
        return Some("references not counted: that needs a debug interpreter".to_string());
    }
    if context.force_references || test.other_builds.is_empty() {
        return None;
    }
    let names: Vec<&str> = test
        .other_builds
        .iter()
        .take(3)
        .map(|p| p.rsplit('/').next().unwrap_or(p))
        .collect();
    let more = test.other_builds.len().saturating_sub(names.len());
    Some(format!(
        "references not counted: extension modules not built for this debug interpreter are loaded ({}{}), and they do not keep its reference total; --references counts them anyway",
        names.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::native::NativeFrame;
    use crate::pytest::protocol::parse_events;

    fn context(debug: bool) -> Context {
        Context {
            debug,
            force_references: false,
            warmups: 3,
            timeout: Duration::from_secs(60),
            session: 0,
        }
    }

    fn session(events: &str, ending: Ending, fault: &str) -> Session {
        Session {
            ending,
            events: parse_events(events.as_bytes()),
            fault: fault.to_string(),
            native: None,
            stdout: String::new(),
            stderr: String::new(),
            duration: Duration::from_secs(1),
        }
    }

    const PASSED: &str = r#"[{"when": "setup", "outcome": "passed", "message": null}, {"when": "call", "outcome": "passed", "message": null}, {"when": "teardown", "outcome": "passed", "message": null}]"#;

    fn test_event(nodeid: &str, measures: &str, other_builds: &str) -> String {
        format!(
            r#"{{"event": "test", "nodeid": "{nodeid}", "runs": 9, "measures": {measures}, "stopped": null, "phases": {PASSED}, "other_builds": {other_builds}}}"#
        )
    }

    #[test]
    fn leaks_follow_regrtest_and_references_need_a_build_for_the_debug_interpreter() {
        let events = [
            test_event(
                "t.py::clean",
                r#"{"references": [0, 0, 0], "blocks": [3, 0, 0]}"#,
                "[]",
            ),
            test_event(
                "t.py::refs",
                r#"{"references": [2, 2, 2], "blocks": [0, 0, 0]}"#,
                "[]",
            ),
            test_event(
                "t.py::release_module",
                r#"{"references": [2, 2, 2], "blocks": [0, 0, 0]}"#,
                r#"["/x/m.cpython-311-x86_64-linux-gnu.so"]"#,
            ),
            r#"{"event": "done", "exitstatus": 0}"#.to_string(),
        ]
        .join("\n");
        let s = session(&events, Ending::Exited { code: 0 }, "");
        let judged = judge(&s, context(true));
        let outcomes: Vec<_> = judged.tests.iter().map(|t| t.outcome).collect();
        assert_eq!(
            outcomes,
            [
                TestOutcome::Passed,
                TestOutcome::Leaked,
                TestOutcome::Passed
            ]
        );
        assert_eq!(judged.tests[1].findings[0].check, "test-leak");
        assert!(
            judged.tests[2]
                .note
                .as_deref()
                .unwrap()
                .contains("m.cpython-311-x86_64-linux-gnu.so")
        );
        assert_eq!(judged.tests[2].measured, ["blocks"]);
        // The deltas are reported even when they do not count.
        assert_eq!(judged.tests[2].deltas["references"], [2, 2, 2]);
        assert!(!judged.died && judged.finding.is_none());

        let forced = Context {
            force_references: true,
            ..context(true)
        };
        assert_eq!(judge(&s, forced).tests[2].outcome, TestOutcome::Leaked);
        // A release interpreter has no total to count: were the deltas
        // there, they would still not count.
        let release = judge(&s, context(false));
        assert_eq!(release.tests[1].outcome, TestOutcome::Passed);
        assert!(
            release.tests[1]
                .note
                .as_deref()
                .unwrap()
                .contains("needs a debug interpreter")
        );
    }

    #[test]
    fn the_running_test_is_blamed_for_a_death() {
        let events = r#"{"event": "collected", "nodeids": ["t.py::a", "t.py::b"]}
{"event": "start", "nodeid": "t.py::a"}
{"event": "run", "nodeid": "t.py::a", "run": 5, "kind": "measured"}"#;
        let segv = Ending::Signaled {
            signal: 11,
            name: "SIGSEGV".into(),
        };
        let judged = judge(
            &session(events, segv.clone(), "Fatal Python error"),
            context(false),
        );
        assert!(judged.died);
        let test = &judged.tests[0];
        assert_eq!(
            (test.nodeid.as_str(), test.outcome),
            ("t.py::a", TestOutcome::Crashed)
        );
        let finding = &test.findings[0];
        assert_eq!(
            finding.message,
            "the interpreter died by SIGSEGV in measured run 2"
        );
        assert_eq!(finding.evidence["signal"], "SIGSEGV");
        assert!(!finding.evidence.contains_key("native_stack"));

        let mut traced = session(events, segv, "");
        traced.native = Some(NativeStack {
            signal: 11,
            frames: vec![NativeFrame {
                address: "0x7f0000001234".into(),
                library: Some("/m/buffer_overrun.so".into()),
                function: Some("fill".into()),
                file: Some("/src/buffer_overrun.c".into()),
                line: Some(40),
                inlined: false,
                interrupted: true,
                in_module: true,
            }],
            complete: true,
        });
        let finding = &judge(&traced, context(false)).tests[0].findings[0];
        assert_eq!(
            finding.message,
            "the interpreter died by SIGSEGV in measured run 2, in fill (buffer_overrun.c:40)"
        );
        assert_eq!(
            finding.evidence["native_stack"],
            serde_json::json!(["#0 fill at buffer_overrun.c:40 (buffer_overrun.so)"])
        );
        assert_eq!(
            finding.evidence["crash_site"]["library"],
            "/m/buffer_overrun.so"
        );

        let hung = judge(
            &session(
                events,
                Ending::Exited { code: 1 },
                "Timeout (0:01:00)!\nThread 0x1",
            ),
            context(false),
        );
        assert_eq!(
            hung.tests[0].findings[0].message,
            "the test hung (stopped after 60 s) in measured run 2"
        );
    }

    #[test]
    fn a_death_outside_tests_is_a_session_finding() {
        let abrt = Ending::Signaled {
            signal: 6,
            name: "SIGABRT".into(),
        };
        let at_exit = r#"{"event": "collected", "nodeids": []}
{"event": "done", "exitstatus": 0}"#;
        let judged = judge(&session(at_exit, abrt.clone(), ""), context(false));
        let finding = judged.finding.expect("finding");
        assert_eq!(
            finding.message,
            "the interpreter died by SIGABRT after the session ended"
        );
        let judged = judge(&session("", abrt, ""), context(false));
        assert!(
            judged
                .finding
                .unwrap()
                .message
                .ends_with("during collection")
        );
    }

    #[test]
    fn failures_and_skips_keep_pytests_word_and_are_not_measured() {
        let events = r#"{"event": "test", "nodeid": "t.py::f", "runs": 0, "measures": null, "stopped": {"run": 1, "when": "call", "outcome": "failed", "message": "assert 1 == 2"}, "phases": [{"when": "setup", "outcome": "passed", "message": null}, {"when": "call", "outcome": "failed", "message": "assert 1 == 2"}], "other_builds": []}
{"event": "test", "nodeid": "t.py::s", "runs": 0, "measures": null, "stopped": {"run": 1, "when": "setup", "outcome": "skipped", "message": "no"}, "phases": [{"when": "setup", "outcome": "skipped", "message": "no"}], "other_builds": []}
{"event": "test", "nodeid": "t.py::again", "runs": 4, "measures": null, "stopped": {"run": 5, "when": "call", "outcome": "failed", "message": "boom"}, "phases": [{"when": "call", "outcome": "passed", "message": null}], "other_builds": []}
{"event": "done", "exitstatus": 1}"#;
        let judged = judge(
            &session(events, Ending::Exited { code: 1 }, ""),
            context(false),
        );
        let got: Vec<_> = judged
            .tests
            .iter()
            .map(|t| (t.outcome, t.message.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            got,
            [
                (TestOutcome::Failed, "assert 1 == 2"),
                (TestOutcome::Skipped, "no"),
                (
                    TestOutcome::Error,
                    "failed when run again (run 5, call): boom"
                ),
            ]
        );
        assert!(judged.tests.iter().all(|t| t.findings.is_empty()));
    }
}
