//! `extharness pytest`: the user's pytest suite with every test repeated
//! under CPython's leak rule, each crash isolated to the test it happened
//! in. The plugin (`extharness_leaks.py`) runs inside pytest; this side
//! chooses the interpreter, starts pytest again after a crash with the
//! tests already done deselected, and judges every test.

mod choose;
mod judge;
mod protocol;
mod report;
mod session;
pub mod test_crash;
pub mod test_leak;

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

pub use report::{
    Chosen, PytestReport, SCHEMA, SessionReport, Settings, Summary, TestOutcome, TestReport,
};

use crate::process::child::ChildError;
use interpreters::ProbeError;
use protocol::Config;
use session::{Launch, Workspace};

/// What to run and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The interpreter asked for (`--python`, or `python3` from `PATH`).
    pub python: PathBuf,
    pub pytest_args: Vec<OsString>,
    /// pytest runs here, with this environment: the user's own.
    pub cwd: PathBuf,
    pub env: Vec<(OsString, OsString)>,
    pub warmups: u32,
    pub runs: u32,
    /// The limit of each run of each test (and of collection).
    pub timeout: Duration,
    /// Run a debug build of the same version instead, when one runs the suite.
    pub prefer_debug: bool,
    /// Count references even with modules not built for the debug
    /// interpreter loaded.
    pub force_references: bool,
    /// Sessions started again after a crash, at most.
    pub max_restarts: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum PytestError {
    #[error("cannot use the interpreter {0}")]
    Interpreter(ProbeError),
    #[error("pytest is not installed for {}", python.display())]
    PytestMissing { python: PathBuf },
    #[error("pytest did not start under {}: {detail}", python.display())]
    NotStarted { python: PathBuf, detail: String },
    #[error("pytest could not collect the tests under {} ({status}):\n{output}{traceback}", python.display())]
    Collection {
        python: PathBuf,
        status: String,
        output: String,
        traceback: String,
    },
    #[error("pytest collected no tests under {}", python.display())]
    NoTests { python: PathBuf },
    #[error("cannot prepare the plugin's private directory in {dir}: {0}", dir = std::env::temp_dir().display())]
    Workspace(std::io::Error),
    #[error(transparent)]
    Child(#[from] ChildError),
}

impl PytestError {
    /// One line, for the reason a debug interpreter was passed over.
    fn short(&self) -> String {
        match self {
            PytestError::PytestMissing { .. } => "pytest is not installed for it".to_string(),
            PytestError::NotStarted { detail, .. } => format!(
                "pytest did not start there: {}",
                detail.lines().last().unwrap_or("")
            ),
            PytestError::Collection { status, .. } => {
                format!("pytest could not collect the tests there ({status})")
            }
            PytestError::NoTests { .. } => "pytest collects no tests there".to_string(),
            other => other.to_string(),
        }
    }
}

/// Added to every computed time limit: interpreter start-up and pytest's
/// own work outside the tests.
const GRACE: Duration = Duration::from_secs(30);

/// The least time collection and the session's end get: importing a large
/// suite takes longer than a short `--timeout` allows one run.
const SESSION_TIMEOUT: Duration = Duration::from_secs(60);

fn session_timeout(options: &Options) -> Duration {
    options.timeout.max(SESSION_TIMEOUT)
}

fn config<'a>(options: &Options, deselect: &'a [String]) -> Config<'a> {
    Config {
        warmups: options.warmups,
        runs: options.runs,
        timeout: options.timeout.as_secs_f64(),
        session_timeout: session_timeout(options).as_secs_f64(),
        deselect,
    }
}

/// Chooses the interpreter, runs the suite (again after each crash, without
/// the tests done), and judges every test.
pub fn run(options: &Options) -> Result<PytestReport, PytestError> {
    let workspace = Workspace::new()?;
    let choice = choose::choose(options, &workspace)?;
    let launch = Launch {
        python: &choice.python,
        pytest_args: &options.pytest_args,
        cwd: &options.cwd,
        env: &options.env,
    };
    let order = &choice.collection.nodeids;
    let mut results: HashMap<String, TestReport> = HashMap::new();
    // Tests a later session collected that the first collection did not
    // (parametrisation that varies), in the order they ran.
    let mut extra: Vec<String> = Vec::new();
    let mut findings = Vec::new();
    let mut sessions = Vec::new();
    let mut deselect: Vec<String> = Vec::new();
    let why_not_run = loop {
        let remaining = order.iter().filter(|n| !results.contains_key(*n)).count();
        let config = config(options, &deselect);
        let limit = session_limit(options, remaining);
        let session = session::run(&workspace, &launch, &config, false, limit)?;
        let context = judge::Context {
            debug: choice.interpreter.debug,
            force_references: options.force_references,
            warmups: options.warmups,
            timeout: options.timeout,
            session: sessions.len(),
        };
        let judged = judge::judge(&session, context);
        sessions.push(SessionReport {
            ending: session.ending.clone(),
            exitstatus: session.exitstatus(),
            tests: judged.tests.len(),
            deselected: deselect.len(),
            duration_ms: session.duration.as_millis() as u64,
        });
        findings.extend(judged.finding);
        let progress = !judged.tests.is_empty();
        for test in judged.tests {
            deselect.push(test.nodeid.clone());
            if !order.contains(&test.nodeid) && !extra.contains(&test.nodeid) {
                extra.push(test.nodeid.clone());
            }
            results.insert(test.nodeid.clone(), test);
        }
        if !order.iter().any(|n| !results.contains_key(n)) {
            break "";
        }
        if !judged.died {
            break "pytest ended the session before this test (-x, --maxfail, pytest.exit)";
        }
        if !progress {
            break "pytest died before this test without running any (see the findings)";
        }
        if sessions.len() > options.max_restarts as usize {
            break "the restarts after crashes ran out (--max-restarts)";
        }
    };
    let tests = order
        .iter()
        .chain(&extra)
        .map(|n| {
            results
                .remove(n)
                .unwrap_or_else(|| TestReport::not_run(n, why_not_run))
        })
        .collect();
    let interpreter = &choice.interpreter;
    let chosen = Chosen {
        python: choice.python.clone(),
        executable: choice.collection.executable.clone(),
        version: format!("{}{}", interpreter.version, interpreter.abiflags),
        debug: interpreter.debug,
        pytest: choice.collection.pytest.clone(),
        requested: options.python.clone(),
        reason: choice.reason.clone(),
        passed_over: choice.passed_over.clone(),
    };
    let settings = Settings {
        warmups: options.warmups,
        runs: options.runs,
        timeout: options.timeout.as_secs_f64(),
        references: options.force_references,
    };
    Ok(PytestReport::new(
        chosen, settings, tests, findings, sessions,
    ))
}

/// The harness's own limit on a session, a backstop behind the plugin's
/// per-run watchdog (which a test could disarm): every run of every test
/// left at its limit, plus collection and the session's end.
fn session_limit(options: &Options, remaining: usize) -> Duration {
    let runs =
        (f64::from(options.warmups) + f64::from(options.runs) + 1.0) * remaining.max(1) as f64;
    let seconds = options.timeout.as_secs_f64() * runs
        + 2.0 * session_timeout(options).as_secs_f64()
        + GRACE.as_secs_f64();
    Duration::from_secs_f64(seconds.min(7.0 * 24.0 * 3600.0))
}
