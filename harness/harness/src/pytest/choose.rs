//! Which interpreter runs the tests. Only a debug build counts references,
//! so when the given interpreter is a release build and a debug build of
//! the same version is installed, that one runs the tests instead, but
//! only if it collects exactly the same tests: it may lack pytest, the
//! project's dependencies, or builds of its extension modules (a test
//! module that fails to import, or an `importorskip`, shows up here).

use std::path::{Path, PathBuf};

use interpreters::Interpreter;

use super::protocol::Event;
use super::session::{self, Launch, Session, Workspace};
use super::{Options, PytestError};
use crate::report::PassedOver;

/// The interpreter to run, what it collected, and why it was chosen.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The command to start: the user's own for their interpreter (a
    /// virtual environment's `bin/python` must not be resolved away), the
    /// discovered executable for a debug build.
    pub python: PathBuf,
    pub interpreter: Interpreter,
    pub reason: String,
    pub passed_over: Vec<PassedOver>,
    pub collection: Collection,
}

/// What a collect-only session said.
#[derive(Debug, Clone)]
pub struct Collection {
    pub nodeids: Vec<String>,
    pub executable: String,
    pub pytest: String,
}

pub fn choose(options: &Options, workspace: &Workspace) -> Result<Choice, PytestError> {
    let given = interpreters::probe(&options.python).map_err(PytestError::Interpreter)?;
    let collection = collect(options, workspace, &options.python)?;
    let mut choice = Choice {
        python: options.python.clone(),
        interpreter: given.clone(),
        reason: String::new(),
        passed_over: Vec::new(),
        collection,
    };
    if given.debug {
        choice.reason = "the given interpreter, a debug build".to_string();
        return Ok(choice);
    }
    if !options.prefer_debug {
        choice.reason = "the given interpreter (--no-debug)".to_string();
        return Ok(choice);
    }
    let candidates = debug_builds(&given);
    if candidates.is_empty() {
        choice.reason = format!(
            "the given interpreter: no debug build of {}.{} is installed",
            given.version.major, given.version.minor
        );
        return Ok(choice);
    }
    for candidate in candidates {
        let why_not = match collect(options, workspace, &candidate.executable) {
            Ok(debug) if same_tests(&debug.nodeids, &choice.collection.nodeids) => {
                choice.reason = format!(
                    "the debug build of the same version as {}, which can count references",
                    options.python.display()
                );
                choice.python = candidate.executable.clone();
                choice.interpreter = candidate;
                choice.collection = debug;
                return Ok(choice);
            }
            Ok(debug) => format!(
                "it collects other tests ({} rather than {})",
                debug.nodeids.len(),
                choice.collection.nodeids.len()
            ),
            Err(e) => e.short(),
        };
        choice.passed_over.push(PassedOver {
            python: candidate.executable,
            reason: why_not,
        });
    }
    choice.reason =
        "the given interpreter: no debug build of the same version runs these tests".to_string();
    Ok(choice)
}

/// Debug builds of the given interpreter's version, the same installation
/// (prefix) first, then the same micro version.
fn debug_builds(given: &Interpreter) -> Vec<Interpreter> {
    let mut found: Vec<Interpreter> = interpreters::discover(&[])
        .interpreters
        .into_iter()
        .filter(|i| {
            i.debug
                && !i.free_threaded
                && i.is_cpython()
                && i.version.feature() == given.version.feature()
                && i.executable != given.executable
        })
        .collect();
    found.sort_by_key(|i| (i.prefix != given.prefix, i.version != given.version));
    found
}

fn same_tests(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}

/// Asks pytest for the test list under `python`: the check that pytest and
/// the suite load there at all, and the list every later session is
/// measured against.
fn collect(
    options: &Options,
    workspace: &Workspace,
    python: &Path,
) -> Result<Collection, PytestError> {
    let config = super::config(options, &[]);
    let launch = Launch {
        python,
        pytest_args: &options.pytest_args,
        cwd: &options.cwd,
        env: &options.env,
    };
    let limit = super::session_timeout(options) * 2 + super::GRACE;
    let session = session::run(workspace, &launch, &config, true, limit)?;
    let hello = session.events.iter().find_map(|e| match e {
        Event::Hello {
            executable, pytest, ..
        } => Some((executable.clone(), pytest.clone())),
        _ => None,
    });
    let python = python.to_path_buf();
    let Some((executable, pytest)) = hello else {
        return Err(not_started(python, &session));
    };
    match (session.exitstatus(), session.collected()) {
        (Some(0), Some(nodeids)) => Ok(Collection {
            nodeids: nodeids.to_vec(),
            executable,
            pytest,
        }),
        (Some(5), _) => Err(PytestError::NoTests { python }),
        (status, _) => Err(PytestError::Collection {
            python,
            status: match status {
                Some(code) => format!("pytest's exit status {code}"),
                None => session.ending.describe(),
            },
            output: session.output_tail(15),
            traceback: session.fault.trim_end().to_string(),
        }),
    }
}

/// pytest never reached its configuration: it is missing, or the
/// interpreter or the command line is broken.
fn not_started(python: PathBuf, session: &Session) -> PytestError {
    let tail = session.output_tail(1);
    if tail.contains("No module named pytest") {
        return PytestError::PytestMissing { python };
    }
    PytestError::NotStarted {
        python,
        detail: session.output_tail(10),
    }
}
