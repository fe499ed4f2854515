//! What `extharness pytest` found, in the shape of its JSON report
//! (`docs/pytest.md`).

use std::path::PathBuf;

use serde::Serialize;

use crate::process::child::Ending;
use crate::report::{Finding, PassedOver};
use crate::verdict::leak::Measures;

/// The version of the JSON document's shape.
pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PytestReport {
    pub schema: u32,
    pub interpreter: Chosen,
    pub settings: Settings,
    /// In collection order; tests pytest collected but never started last.
    pub tests: Vec<TestReport>,
    /// Deaths not inside any test: during collection, between tests, at exit.
    pub findings: Vec<Finding>,
    /// Every pytest process that ran tests, in order; more than one after a crash.
    pub sessions: Vec<SessionReport>,
    pub summary: Summary,
}

/// The interpreter that ran the tests, and why it was the one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chosen {
    /// The command started.
    pub python: PathBuf,
    /// `sys.executable` as the interpreter reported it.
    pub executable: String,
    /// `3.11.2`, with ABI flags when it has them (`3.11.2d`).
    pub version: String,
    pub debug: bool,
    pub pytest: String,
    /// `--python`, or `python3`.
    pub requested: PathBuf,
    pub reason: String,
    /// Debug interpreters considered and not used, with the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub passed_over: Vec<PassedOver>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    pub warmups: u32,
    pub runs: u32,
    /// Per run of a test, in seconds.
    pub timeout: f64,
    /// `--references`: references count even with extension modules not
    /// built for the debug interpreter loaded.
    pub references: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TestOutcome {
    Passed,
    /// pytest's own verdict: an assertion or exception in the test.
    Failed,
    Skipped,
    /// Passed, and grows with every measured run (`test-leak`).
    Leaked,
    /// Killed the interpreter or hung (`test-crash`).
    Crashed,
    /// Setup or teardown failed, or the test failed when run again.
    Error,
    /// Collected and never started: pytest stopped early (`-x`, `--maxfail`,
    /// `pytest.exit`) or the restarts ran out.
    NotRun,
}

impl TestOutcome {
    pub fn name(self) -> &'static str {
        match self {
            TestOutcome::Passed => "passed",
            TestOutcome::Failed => "failed",
            TestOutcome::Skipped => "skipped",
            TestOutcome::Leaked => "leaked",
            TestOutcome::Crashed => "crashed",
            TestOutcome::Error => "error",
            TestOutcome::NotRun => "not-run",
        }
    }

    /// What fails the gate: anything but passing clean or being skipped.
    pub fn fails(self) -> bool {
        !matches!(self, TestOutcome::Passed | TestOutcome::Skipped)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestReport {
    pub nodeid: String,
    pub outcome: TestOutcome,
    /// pytest's word for its own run: `passed`, `failed`, `error`,
    /// `skipped`, `xfailed`, `xpassed`; absent when it never got there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pytest_outcome: Option<String>,
    /// Repetitions completed before pytest's own run: warm-ups and measured.
    pub runs: u32,
    /// Per-measure deltas of the measured runs, references included when
    /// measured even if they do not count.
    #[serde(skip_serializing_if = "Measures::is_empty")]
    pub deltas: Measures,
    /// The measures the leak verdict rests on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub measured: Vec<String>,
    /// Why references are not among them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// pytest's message for a failure or skip, or why the test was not measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub findings: Vec<Finding>,
    /// Index into `sessions`; absent for a test never started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<usize>,
}

impl TestReport {
    pub fn not_run(nodeid: &str, why: &str) -> TestReport {
        TestReport {
            nodeid: nodeid.to_string(),
            outcome: TestOutcome::NotRun,
            pytest_outcome: None,
            runs: 0,
            deltas: Measures::new(),
            measured: Vec::new(),
            note: None,
            message: Some(why.to_string()),
            findings: Vec::new(),
            session: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionReport {
    pub ending: Ending,
    /// pytest's own exit status, when the session got to its end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exitstatus: Option<i32>,
    /// Tests that finished or died in it.
    pub tests: usize,
    /// Tests deselected because an earlier session finished or died in them.
    pub deselected: usize,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub tests: usize,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub leaked: usize,
    pub crashed: usize,
    pub error: usize,
    pub not_run: usize,
    /// `test-leak` and `test-crash` findings, in tests and outside them.
    pub findings: usize,
    /// Sessions started again after a crash.
    pub restarts: usize,
}

impl PytestReport {
    pub fn new(
        interpreter: Chosen,
        settings: Settings,
        tests: Vec<TestReport>,
        findings: Vec<Finding>,
        sessions: Vec<SessionReport>,
    ) -> PytestReport {
        let summary = summarise(&tests, &findings, &sessions);
        PytestReport {
            schema: SCHEMA,
            interpreter,
            settings,
            tests,
            findings,
            sessions,
            summary,
        }
    }

    /// Counts again, after a gate removed findings or changed outcomes.
    pub fn recount(&mut self) {
        self.summary = summarise(&self.tests, &self.findings, &self.sessions);
    }
}

fn summarise(tests: &[TestReport], findings: &[Finding], sessions: &[SessionReport]) -> Summary {
    let mut summary = Summary {
        tests: tests.len(),
        findings: findings.len(),
        restarts: sessions.len().saturating_sub(1),
        ..Summary::default()
    };
    for test in tests {
        summary.findings += test.findings.len();
        *match test.outcome {
            TestOutcome::Passed => &mut summary.passed,
            TestOutcome::Failed => &mut summary.failed,
            TestOutcome::Skipped => &mut summary.skipped,
            TestOutcome::Leaked => &mut summary.leaked,
            TestOutcome::Crashed => &mut summary.crashed,
            TestOutcome::Error => &mut summary.error,
            TestOutcome::NotRun => &mut summary.not_run,
        } += 1;
    }
    summary
}

impl PytestReport {
    /// 0 when every test passed clean or was skipped and nothing died
    /// outside a test, else 1. A gate must fail on an ordinary test failure
    /// too: a failing test was not measured.
    pub fn exit_code(&self) -> i32 {
        let failing = self.tests.iter().any(|t| t.outcome.fails());
        let died = self
            .findings
            .iter()
            .any(|f| f.severity == checkmeta::Severity::Error);
        i32::from(failing || died)
    }
}
