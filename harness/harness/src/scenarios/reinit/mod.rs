//! The reinit scenario: an embedding host initialises, uses and finalises
//! the runtime again and again in one process, as embedders that call
//! `Py_Initialize` → import → `Py_FinalizeEx` several times do, and reports
//! each step to the harness as the probe does.
//!
//! The host (host.rs) is the `extharness` binary itself, started as a child
//! with the arguments of its [`crate::process::HostCommand`]; it loads the interpreter's
//! `libpython` at run time and tags every block Python allocates with the
//! cycle that allocated it (tracker.rs). The harness side runs it once per
//! interpreter with no module (baseline.rs) and once per module, and judges
//! the cycles' records (judge.rs).

mod baseline;
mod host;
mod judge;
mod records;
pub mod reinit_leak;
pub mod reinit_refused;
pub mod reinit_stale_objects;
mod tracker;

use std::ffi::OsString;
use std::fs;
use std::path::PathBuf;

use checkmeta::CheckMeta;
use interpreters::Interpreter;
use thiserror::Error;

use crate::probe::{self, Event, Target};
use crate::process::child::{self, ChildOutput, ChildSpec};
use crate::process::{
    HostCommand, Run, Settings, child_env, dump_after, finish, private_dir, temp_root,
};
use crate::report::{Outcome, Scenario};
use crate::verdict::reinit_crash::ReinitCrash;
use crate::verdict::{Context, Judged, import_error, judge};
use records::HostReport;

pub(crate) use baseline::warm;
pub use host::host_main;
pub use judge::judge_result;

/// The checks this scenario exists to find (its crash the verdict raises).
pub const CHECKS: &[CheckMeta] = &[
    reinit_refused::ReinitRefused::META,
    reinit_stale_objects::ReinitStaleObjects::META,
    reinit_leak::ReinitLeak::META,
    ReinitCrash::META,
];

/// The Python side of one cycle, written next to the probe in the private
/// directory.
const CYCLE_SOURCE: &str = include_str!("cycle.py");

/// Cycles before measuring: the first, whose one-time set-up (libraries
/// loaded, caches filled) is not the module's doing, and one more. Fixed
/// rather than `--warmups`: CPython's own losses per cycle repeat exactly
/// from the second cycle on (see baseline.rs), and each cycle costs a
/// runtime's start and finalisation.
const WARMUPS: u32 = 2;
/// Measured cycles: every one must leak for `reinit-leak`.
const MEASURED: u32 = 3;
/// Every run of the host: warm-ups and measured cycles.
const CYCLES: u32 = WARMUPS + MEASURED;

#[derive(Debug, Error)]
pub(crate) enum ReinitError {
    #[error("the interpreter has no shared libpython for the embedding host to load")]
    NoLibpython,
    #[error("the interpreter did not report its prefix, which the host needs as PYTHONHOME")]
    NoPrefix,
    #[error("cannot prepare a private directory in {dir}: {0}", dir = temp_root().display())]
    Prepare(#[from] std::io::Error),
    #[error(transparent)]
    Child(#[from] child::ChildError),
}

/// Runs the reinit scenario for one module on one interpreter.
pub(crate) fn run(
    interpreter: &Interpreter,
    target: &Target,
    settings: &Settings,
    context: Context,
) -> Judged {
    let failed = |why: &dyn std::fmt::Display| Judged::not_run(Scenario::Reinit, why);
    let Some(host) = &settings.host else {
        return failed(&"the reinit scenario needs the embedding host");
    };
    let Some(libpython) = embeddable(interpreter) else {
        // Nothing the module did: an interpreter without a shared library
        // cannot be embedded by anyone.
        return Judged::skipped(Scenario::Reinit, &ReinitError::NoLibpython.to_string());
    };
    let (warmups, cycles) = (WARMUPS, CYCLES);
    let baseline = match baseline::get(interpreter, libpython, host, settings, cycles) {
        Ok(baseline) => baseline,
        Err(why) => return failed(&why),
    };
    let (output, report) = match launch(interpreter, host, Some(target), settings, cycles) {
        Ok(launched) => launched,
        Err(e) => return failed(&e),
    };
    if let Some(error) = &report.error {
        return failed(&format!("the reinit host failed: {error}"));
    }
    let mut run = finish(output, target);
    if let Some(why) = not_started(&run, &report) {
        return failed(&why);
    }
    let first_error = report
        .cycles
        .first()
        .filter(|c| c.cycle == 1)
        .and_then(|c| c.error.clone());
    // A host that exited with status 0 before its last cycle was ended by
    // the module (`sys.exit()` reaching `PyErr_Print`, C `exit()`): without
    // a result, the verdict reports that as a death in the phase reached.
    let ended_early = !report.done && run.ending == child::Ending::Exited { code: 0 };
    if !report.cycles.is_empty() && !ended_early {
        let result =
            judge::ReinitResult::new(&target.name, report.cycles, report.done, warmups, baseline);
        run.events.push(Event::Result(
            serde_json::to_value(&result).expect("the result serializes"),
        ));
    }
    let mut judged = judge(Scenario::Reinit, &run, context, judge_result);
    // The cycle script's own failure is the harness's: its traceback, which
    // only stderr has, is what a report of it must show.
    if judged.report.outcome == Outcome::Error
        && let Some(detail) = &mut judged.report.detail
        && let Some(traceback) = last_traceback(&run.stderr)
    {
        detail.push_str(&format!(":\n{traceback}"));
    }
    // The import scenario imported it, so an embedded runtime that cannot
    // is worth a finding, not a skip.
    if let Some(error) = first_error {
        judged
            .findings
            .push(import_error(&error, "reinit-import (cycle 1)"));
        if judged.report.outcome != Outcome::Error {
            judged.report.outcome = Outcome::Finding;
            judged.report.detail = None;
        }
    }
    judged
}

/// The last Python traceback in `stderr`, from its `Traceback` line.
fn last_traceback(stderr: &str) -> Option<String> {
    let start = stderr.rfind("Traceback (most recent call last):")?;
    Some(stderr[start..].trim_end().to_string())
}

/// Why the first runtime never came up, when it did not: the host's or
/// the installation's failure, not the module's, which was not loaded yet.
fn not_started(run: &Run, report: &HostReport) -> Option<String> {
    let last = run.events.iter().rev().find_map(|e| match e {
        Event::Phase { phase, cycle, .. } => Some((phase.as_str(), *cycle)),
        _ => None,
    });
    let clean = matches!(run.ending, child::Ending::Exited { code: 0 }) && report.done;
    match last {
        Some(("reinit-initialize", Some(1))) | None if !clean => {
            let tail = crate::verdict::tail(&run.stderr).unwrap_or_default();
            Some(format!(
                "the embedded runtime did not initialise ({:?}): {}",
                run.ending, tail
            ))
        }
        _ => None,
    }
}

/// Runs the host for `cycles` cycles, importing `target` (none: the
/// baseline), in a private directory and environment like every child's.
fn launch(
    interpreter: &Interpreter,
    host: &HostCommand,
    target: Option<&Target>,
    settings: &Settings,
    cycles: u32,
) -> Result<(ChildOutput, HostReport), ReinitError> {
    let libpython = embeddable(interpreter).ok_or(ReinitError::NoLibpython)?;
    let home = python_home(interpreter).ok_or(ReinitError::NoPrefix)?;
    let dir = private_dir()?;
    let probe_path = dir.path().join("extharness_probe.py");
    fs::write(&probe_path, probe::SOURCE)?;
    let script = dir.path().join("extharness_reinit.py");
    fs::write(&script, CYCLE_SOURCE)?;
    let plan = host::Plan {
        libpython,
        script,
        probe: probe_path,
        objects: dir.path().join("reinit-objects.json"),
        cycles,
        dump_after: Some(dump_after(settings.timeout)),
        target: target.map(|t| serde_json::to_value(t).expect("the target serializes")),
        site_packages: interpreter
            .environment
            .as_ref()
            .map(|e| e.site_packages.clone())
            .unwrap_or_default(),
        no_call: settings.no_call.clone(),
    };
    let plan_path = dir.path().join("reinit-plan.json");
    fs::write(
        &plan_path,
        serde_json::to_vec(&plan).expect("the plan serializes"),
    )?;
    let mut env = child_env(dir.path())?;
    // The host is not the interpreter's executable, so the runtime cannot
    // find its standard library from its own path.
    env.push(("PYTHONHOME".into(), home));
    // What `-I` gives the probe's children, as far as an embedded runtime
    // reads it from the environment: no user site-packages.
    env.push(("PYTHONNOUSERSITE".into(), "1".into()));
    if settings.malloc_debug {
        // What `-X dev` gives the probe's children: the debug hooks on every
        // allocator, which the host's tracking wraps (tracker.rs).
        env.push(("PYTHONMALLOC".into(), "debug".into()));
        env.push(("PYTHONDEVMODE".into(), "1".into()));
    }
    let mut args = host.args.clone();
    args.push(plan_path.into());
    let spec = ChildSpec {
        program: host.program.clone(),
        args,
        env,
        cwd: dir.path().to_path_buf(),
        timeout: settings.timeout,
        limits: child::Limits::for_timeout(settings.timeout),
    };
    let output = child::run(&spec)?;
    let report = records::read(&output.report);
    Ok((output, report))
}

/// The interpreter's shared library: `INSTSONAME` in `LIBDIR`, the file
/// the interpreter's own build names as its run-time library (Debian's
/// `/usr/bin/python3.15d` links no libpython, and only this name tells the
/// debug `libpython3.15d.so.1.0` from the release one); else `LDLIBRARY`;
/// else, for builds that do not say `INSTSONAME` and have only the runtime
/// package installed (Debian's `libpython3.11` without `-dev`), the
/// versioned file `LDLIBRARY` names, `libpython3.11.so.1.0`.
fn embeddable(interpreter: &Interpreter) -> Option<PathBuf> {
    if !interpreter.shared {
        return None;
    }
    let libdir = interpreter.libdir.as_ref()?;
    let soname = interpreter
        .instsoname
        .as_deref()
        .map(|name| libdir.join(name))
        .filter(|path| path.is_file());
    soname.or_else(|| interpreter.libpython()).or_else(|| {
        let name = interpreter.ldlibrary.as_deref()?;
        let path = libdir.join(format!("{name}.1.0"));
        (name.ends_with(".so") && path.is_file()).then_some(path)
    })
}

/// `PYTHONHOME`: the prefix, and the exec prefix after a colon when it
/// differs.
fn python_home(interpreter: &Interpreter) -> Option<OsString> {
    let prefix = interpreter.prefix.as_ref()?;
    let mut home = OsString::from(prefix);
    if let Some(exec_prefix) = &interpreter.exec_prefix
        && exec_prefix != prefix
    {
        home.push(":");
        home.push(exec_prefix);
    }
    Some(home)
}
