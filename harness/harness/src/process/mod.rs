//! The processes the harness runs: a child interpreter with nothing of
//! ours in its environment, in a private directory, with resource limits
//! and a crash handler (child.rs, native/); the sweep of whatever it leaves
//! behind (reaper.rs); and [`execute`], which runs the probe for one
//! scenario and returns what the child left ([`Run`]) for the verdict.

pub mod child;
pub mod native;
pub mod reaper;

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use interpreters::Interpreter;
use thiserror::Error;

use crate::probe::{self, Config, Event, Target, Workload};
use crate::report::Scenario;
use child::{ChildOutput, ChildSpec, Ending, Limits};
use native::NativeStack;
use reaper::PrivateDir;

/// How to start the reinit scenario's embedding host: a program (the
/// `extharness` binary, or a test's own) and the arguments that make it
/// the host.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostCommand {
    pub program: PathBuf,
    pub args: Vec<OsString>,
}

/// One finished child.
#[derive(Debug, Clone)]
pub struct Run {
    pub ending: Ending,
    pub events: Vec<Event>,
    /// faulthandler's output (fd 4).
    pub fault: String,
    /// The crashing thread's native stack (fd 5), when the child died by a
    /// signal the preloaded handler caught.
    pub native: Option<NativeStack>,
    pub stderr: String,
    pub duration: Duration,
    /// The resource limits it ran under, to say so when it ran into one.
    pub limits: Limits,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub timeout: Duration,
    pub warmups: u32,
    pub runs: u32,
    pub no_call: Vec<String>,
    pub workload: Option<Workload>,
    /// `--no-exercise`: callables the exercise scenario leaves alone
    /// (fnmatch globs on NAME, module.NAME or Type.method).
    pub no_exercise: Vec<String>,
    /// The time limit of one call in the exercise scenario.
    pub call_limit: Duration,
    /// `--malloc-debug`: every child runs with `PYTHONMALLOC=debug` and
    /// `-X dev`.
    pub malloc_debug: bool,
    /// How to start the reinit host; without one the reinit scenario is
    /// skipped.
    pub host: Option<HostCommand>,
}

impl Settings {
    /// The defaults of the command line: 3 warm-ups, 6 measured runs, a
    /// 2-second limit per exercised call, nothing denied, no workload.
    pub fn new(timeout: Duration) -> Settings {
        Settings {
            timeout,
            warmups: 3,
            runs: 6,
            no_call: Vec::new(),
            workload: None,
            no_exercise: Vec::new(),
            call_limit: Duration::from_secs(2),
            malloc_debug: false,
            host: None,
        }
    }
}

#[derive(Debug, Error)]
pub enum ExecuteError {
    #[error("cannot prepare a private directory in {dir}: {0}", dir = temp_root().display())]
    Prepare(#[from] std::io::Error),
    #[error(transparent)]
    Child(#[from] child::ChildError),
}

pub fn execute(
    interpreter: &Interpreter,
    target: &Target,
    scenario: Scenario,
    settings: &Settings,
) -> Result<Run, ExecuteError> {
    let dir = private_dir()?;
    let probe_path = dir.path().join("extharness_probe.py");
    fs::write(&probe_path, probe::SOURCE)?;
    let config = Config {
        scenario: scenario.name(),
        target,
        warmups: settings.warmups,
        runs: settings.runs,
        no_call: &settings.no_call,
        workload: settings.workload.as_ref(),
        no_exercise: &settings.no_exercise,
        call_limit: settings.call_limit.as_secs_f64(),
        dump_after: Some(dump_after(settings.timeout)),
    };
    let config = serde_json::to_string(&config).expect("the configuration serializes");
    let mut args = interpreter_options(settings);
    args.extend([probe_path.into(), config.into()]);
    let spec = ChildSpec {
        program: interpreter.program().to_path_buf(),
        args,
        env: child_env(dir.path())?,
        cwd: dir.path().to_path_buf(),
        timeout: settings.timeout,
        limits: Limits::for_timeout(settings.timeout),
    };
    Ok(finish(child::run(&spec)?, target))
}

/// Where private directories are made: `$TMPDIR`, else `/tmp`.
pub(crate) fn temp_root() -> PathBuf {
    std::env::temp_dir()
}

/// A private directory for one child: its `HOME`, `TMPDIR` and working
/// directory, so whatever the module writes lands in a directory removed
/// afterwards.
pub(crate) fn private_dir() -> std::io::Result<PrivateDir> {
    PrivateDir::new("extharness-")
}

/// The whole environment of a child: nothing of the user's, and the crash
/// handler, written into `dir`, preloaded (it removes `LD_PRELOAD` from the
/// environment again as it loads, so the module sees only the rest).
pub(crate) fn child_env(dir: &Path) -> std::io::Result<Vec<(OsString, OsString)>> {
    let home: OsString = dir.into();
    let mut env = vec![
        ("HOME".into(), home.clone()),
        ("TMPDIR".into(), home),
        ("PATH".into(), "/usr/bin:/bin".into()),
        ("LC_ALL".into(), "C.UTF-8".into()),
    ];
    env.extend(native::preload::install(dir)?);
    Ok(env)
}

/// The interpreter's own options, before the script: isolated mode, and
/// under `--malloc-debug` the development mode, which installs the debug
/// hooks on every allocator (`PYTHONMALLOC=debug`; the variable itself is
/// ignored in isolated mode) and checks that they are called with the GIL.
pub(crate) fn interpreter_options(settings: &Settings) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["-I".into()];
    if settings.malloc_debug {
        args.extend(["-X".into(), "dev".into()]);
    }
    args
}

/// When faulthandler should dump every thread's Python stack: shortly
/// before the harness would kill a hung child.
pub(crate) fn dump_after(timeout: Duration) -> f64 {
    let timeout = timeout.as_secs_f64();
    (timeout - 2.0).max(timeout * 0.8)
}

/// What a finished child left, for the verdict. A crash record is named
/// here, while the module's files (an extracted wheel) still exist.
pub(crate) fn finish(output: ChildOutput, target: &Target) -> Run {
    Run {
        // Only a death by a signal has a stack worth reading DWARF for.
        native: matches!(output.ending, Ending::Signaled { .. })
            .then(|| native::symbolize(&output.native, target))
            .flatten(),
        ending: output.ending,
        events: probe::parse_events(&output.report),
        fault: String::from_utf8_lossy(&output.fault).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr.bytes).into_owned(),
        duration: output.duration,
        limits: output.limits,
    }
}
