//! From what a child did (its ending, the probe's events, faulthandler's
//! output) to a scenario outcome and findings: what every scenario's
//! verdict has in common. A scenario's own result is judged by the
//! scenario ([`ResultJudge`]); the checks any child can end with (a crash
//! or a hang in any phase, a failed import, a fatal error CPython names, a
//! leak by the leak rule) are raised here and declared beside this file.

pub mod call_crash;
pub mod call_leak;
pub mod cause;
pub mod cpython_crash;
mod diagnosis;
pub mod gil_misuse;
pub mod import_crash;
pub mod import_error;
pub mod leak;
pub mod memory_corruption;
pub mod reimport_crash;
pub mod reinit_crash;
pub mod scenario_timeout;
pub mod shutdown_crash;
pub mod shutdown_hang;
pub mod subinterpreter_crash;

use checkmeta::CheckMeta;
use serde_json::Value;

use crate::probe::{Event, ExcInfo};
use crate::process::Run;
use crate::process::child::{Ending, Limits};
use crate::process::native::{self, NativeStack};
use crate::report::{Finding, Outcome, Scenario, ScenarioReport};
use call_crash::CallCrash;
use cpython_crash::CpythonCrash;
use import_crash::ImportCrash;
use import_error::ImportError;
use leak::{Attribution, Measures, measure_title};
use reimport_crash::ReimportCrash;
use reinit_crash::ReinitCrash;
use scenario_timeout::ScenarioTimeout;
use shutdown_crash::ShutdownCrash;
use shutdown_hang::ShutdownHang;
use subinterpreter_crash::SubinterpreterCrash;

/// The checks any scenario's child can end with, whichever scenario it ran.
pub const ANYWHERE: &[CheckMeta] = &[
    ImportCrash::META,
    CallCrash::META,
    ShutdownCrash::META,
    ShutdownHang::META,
    ScenarioTimeout::META,
    memory_corruption::MemoryCorruption::META,
    gil_misuse::GilMisuse::META,
    CpythonCrash::META,
];

/// A scenario's judge of the result its probe reported (the module
/// imported): findings into the vector, or why the harness failed. A
/// result that does not parse as the scenario's result type is such a
/// failure, never a pass.
pub type ResultJudge = fn(&Value, Context, &mut Vec<Finding>) -> Result<(), String>;

/// The probe's `what` result as `T`, or the harness error that it is not.
pub fn parse<T: serde::de::DeserializeOwned>(what: &str, result: &Value) -> Result<T, String> {
    T::deserialize(result).map_err(|e| format!("the probe's {what} result is malformed: {e}"))
}

/// Everything one scenario says.
#[derive(Debug, Clone)]
pub struct Judged {
    pub report: ScenarioReport,
    pub findings: Vec<Finding>,
    /// The module imported (the other scenarios are worth running).
    pub imported: bool,
}

impl Judged {
    /// The harness could not run a scenario at all.
    pub fn not_run(scenario: Scenario, error: &dyn std::fmt::Display) -> Judged {
        Judged {
            report: ScenarioReport {
                name: scenario,
                outcome: Outcome::Error,
                duration_ms: 0,
                phase: None,
                detail: Some(error.to_string()),
            },
            findings: Vec::new(),
            imported: false,
        }
    }

    /// A scenario that cannot run here, and why; the module imported.
    pub fn skipped(scenario: Scenario, reason: &str) -> Judged {
        Judged {
            report: ScenarioReport {
                name: scenario,
                outcome: Outcome::Skipped,
                duration_ms: 0,
                phase: None,
                detail: Some(reason.to_string()),
            },
            findings: Vec::new(),
            imported: true,
        }
    }
}

/// What the verdict needs to know besides the run.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// The total reference count means something: a debug interpreter,
    /// and a module built for it. A release build's inline `Py_INCREF`
    /// does not update the debug interpreter's total, so its references
    /// go uncounted and the deltas mislead.
    pub references: bool,
    pub debug_interpreter: bool,
}

impl Context {
    /// Why references are not among the measures, when they are not.
    pub(crate) fn references_note(self) -> Option<&'static str> {
        match (self.references, self.debug_interpreter) {
            (true, _) => None,
            (false, true) => Some(
                "references not counted: a release build of the module does not update the debug interpreter's total",
            ),
            (false, false) => Some("references not counted: that needs a debug interpreter"),
        }
    }
}

/// The verdict on one child that ran `scenario`, whose own result
/// `judge_result` judges.
pub fn judge(scenario: Scenario, run: &Run, context: Context, judge_result: ResultJudge) -> Judged {
    let result = run.events.iter().rev().find_map(|e| match e {
        Event::Result(v) => Some(v),
        _ => None,
    });
    let last_phase = run.events.iter().rev().find_map(|e| match e {
        Event::Phase { phase, .. } => Some((phase.as_str(), e.phase_label().unwrap_or_default())),
        _ => None,
    });
    let mut findings = Vec::new();
    let mut detail = None;
    let mut harness_error = false;
    let imported = result
        .and_then(|r| r.get("imported"))
        .and_then(Value::as_bool)
        .unwrap_or(false);

    let clean_end = match &run.ending {
        Ending::Exited { code: 0 } => result.is_some(),
        _ => false,
    };
    if !clean_end {
        match last_phase {
            None => {
                harness_error = true;
                detail = Some(format!(
                    "the interpreter {}{} before the probe started{}",
                    run.ending.describe(),
                    cpu_limit_note(&run.ending, &run.limits).unwrap_or_default(),
                    tail(&run.stderr)
                        .map(|t| format!(": {t}"))
                        .unwrap_or_default()
                ));
            }
            Some((phase, ref label)) => {
                findings.push(death(scenario, phase, label, run, result.is_some()));
                findings.extend(diagnosis::diagnose(&run.stderr, label));
            }
        }
    }
    if let Some(result) = result
        && let Err(failure) = judge_imported(scenario, result, context, judge_result, &mut findings)
    {
        harness_error = true;
        detail = Some(failure);
    }
    for finding in &mut findings {
        note_limit(finding, &run.limits);
    }
    let outcome = if harness_error {
        Outcome::Error
    } else if !findings.is_empty() {
        Outcome::Finding
    } else if result.is_some() && !imported && scenario != Scenario::Import {
        detail = Some("the module does not import".into());
        Outcome::Skipped
    } else {
        Outcome::Passed
    };
    Judged {
        report: ScenarioReport {
            name: scenario,
            outcome,
            duration_ms: run.duration.as_millis() as u64,
            phase: last_phase.map(|(_, label)| label),
            detail,
        },
        findings,
        imported,
    }
}

/// `: it used up its CPU time limit (130 s, RLIMIT_CPU)` for a child the
/// kernel ended for its CPU time: SIGXCPU at the soft limit.
fn cpu_limit_note(ending: &Ending, limits: &Limits) -> Option<String> {
    match (ending, limits.cpu_seconds) {
        (Ending::Signaled { signal, .. }, Some(seconds)) if *signal == libc::SIGXCPU => {
            Some(format!(
                ": it used up the CPU time the harness allows a child ({seconds} s, RLIMIT_CPU)"
            ))
        }
        _ => None,
    }
}

/// An exception that says a resource limit ran out (`MemoryError`, ENOMEM,
/// a thread that could not start, EMFILE) gets the limit in its message
/// and evidence, so that it is not mistaken for a bug of the module's when
/// the limit is what stopped it, nor the other way round.
fn note_limit(finding: &mut Finding, limits: &Limits) {
    let Some(exception) = finding.evidence.get("exception").and_then(Value::as_str) else {
        return;
    };
    let memory = [
        "MemoryError",
        "Cannot allocate memory",
        "can't start new thread",
        "can't create new thread",
    ];
    let note = if memory.iter().any(|m| exception.contains(m)) {
        limits.address_space.map(|bytes| {
            format!(
                "the harness limits each child's address space to {} (RLIMIT_AS)",
                bytes_text(bytes)
            )
        })
    } else if exception.contains("Too many open files") {
        limits.open_files.map(|files| {
            format!("the harness allows each child {files} open files (RLIMIT_NOFILE)")
        })
    } else {
        None
    };
    if let Some(note) = note {
        finding.message.push_str(&format!("; {note}"));
        finding.evidence.insert("limit".into(), Value::String(note));
    }
}

/// `8 GiB`, `512 MiB`, or bytes.
fn bytes_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{} MiB", b >> 20),
        b => format!("{b} bytes"),
    }
}

/// The last few lines of stderr, for evidence.
pub fn tail(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let start = lines.len().saturating_sub(20);
    let tail = lines[start..].join("\n");
    (!tail.trim().is_empty()).then_some(tail)
}

/// A child that died, overran its limit or left without a report.
fn death(scenario: Scenario, phase: &str, label: &str, run: &Run, reported: bool) -> Finding {
    let timed_out = run.ending == Ending::TimedOut;
    let meta = match phase {
        "finalize" if timed_out => &ShutdownHang::META,
        _ if timed_out => &ScenarioTimeout::META,
        "import" => &ImportCrash::META,
        "reimport" => &ReimportCrash::META,
        p if p.starts_with("subinterpreter") => &SubinterpreterCrash::META,
        p if p.starts_with("reinit") => &ReinitCrash::META,
        "use" | "workload" | "exercise" => &CallCrash::META,
        "finalize" => &ShutdownCrash::META,
        _ => &ImportCrash::META,
    };
    let how = match &run.ending {
        Ending::Exited { code } if reported && scenario.finalizes() => {
            format!("exited with status {code} during finalization")
        }
        Ending::Exited { code } => format!("exited with status {code} without reporting"),
        Ending::Signaled { name, .. } => format!(
            "died by {name}{}",
            cpu_limit_note(&run.ending, &run.limits).unwrap_or_default()
        ),
        Ending::TimedOut => format!(
            "did not finish within {:.0} s and was killed",
            run.duration.as_secs_f64()
        ),
    };
    let at = match phase {
        "finalize" => "during finalization".to_string(),
        _ => format!("in phase {label}"),
    };
    let signal = match &run.ending {
        Ending::Signaled { name, .. } => Some(name.clone()),
        _ => None,
    };
    let exit_code = match &run.ending {
        Ending::Exited { code } => Some(*code),
        _ => None,
    };
    // Only a death by signal has a native stack worth blaming; the record of
    // a child killed at the time limit would not exist anyway.
    let native = match &run.ending {
        Ending::Signaled { .. } => run.native.as_ref(),
        _ => None,
    };
    // A death inside CPython's own module with no frame of the module's is
    // CPython's: another check, and CPython's frame as the site.
    let (meta, inside) = match native.and_then(NativeStack::cpython_site) {
        Some(frame) => {
            let library = frame.library.as_deref().unwrap_or_default();
            let library = library.rsplit('/').next().unwrap_or(library);
            let function = frame.function.as_deref().unwrap_or(&frame.address);
            let location = frame
                .location()
                .map(|l| format!(" at {l}"))
                .unwrap_or_default();
            (
                &CpythonCrash::META,
                format!(
                    ", inside CPython's own {library} ({function}{location}); no frame of the module is on the stack"
                ),
            )
        }
        None => (
            meta,
            native.map(NativeStack::site_suffix).unwrap_or_default(),
        ),
    };
    let finding = Finding::new(meta, format!("the interpreter {how} {at}{inside}"))
        .with("phase", label)
        .with("signal", signal)
        .with("exit_code", exit_code)
        .with(
            "python_traceback",
            (!run.fault.trim().is_empty()).then(|| run.fault.trim_end()),
        );
    native::with_evidence(finding, native).with("stderr", tail(&run.stderr))
}

/// The probe's result: a failed import is the verdict's (an `import-error`
/// in the import scenario, a skip in the others); the rest is the
/// scenario's.
fn judge_imported(
    scenario: Scenario,
    result: &Value,
    context: Context,
    judge_result: ResultJudge,
    findings: &mut Vec<Finding>,
) -> Result<(), String> {
    if result.get("imported").and_then(Value::as_bool) != Some(true) {
        if scenario == Scenario::Import
            && let Some(error) = result.get("error").filter(|e| !e.is_null())
        {
            let error: ExcInfo = parse("import", error)?;
            findings.push(import_error(&error, "import"));
        }
        return Ok(());
    }
    judge_result(result, context, findings)
}

pub fn import_error(error: &ExcInfo, phase: &str) -> Finding {
    let cause = cause::classify(error);
    let symbol = match &cause {
        cause::Cause::MissingInit { symbol } => symbol.clone(),
        cause::Cause::UndefinedSymbol { symbol } => Some(symbol.clone()),
        _ => None,
    };
    let context = match phase {
        "import" => String::new(),
        other => format!(" ({other})"),
    };
    Finding::new(
        &ImportError::META,
        format!("the module does not import{context}: {}", cause.describe()),
    )
    .with("phase", phase)
    .with("cause", cause.name())
    .with("symbol", symbol)
    .with("exception", format!("{}: {}", error.kind, error.message))
    .with("python_traceback", error.traceback.trim_end())
}

/// Names for a message: the first few, then how many more (the evidence
/// has them all).
pub fn names(list: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut text = list
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if list.len() > SHOWN {
        text.push_str(&format!(" and {} more", list.len() - SHOWN));
    }
    text
}

/// Whether the import was refused (an `ImportError`), rather than failed
/// otherwise. When the module's package failed first, its exception is the
/// one that says: a package that refuses a second interpreter refuses it
/// for every module in it.
pub fn is_import_error(error: &ExcInfo) -> bool {
    let kind = match error.parent_failure() {
        Some(original) => original.kind.as_str(),
        None => error.kind.as_str(),
    };
    kind.ends_with("ImportError") || kind == "ModuleNotFoundError"
}

/// A finding of `meta` when `measures` leak by the leak rule (references
/// only where they are counted), with what the probe's attribution pass
/// found, when it ran.
pub fn leak_finding<'f>(
    meta: &CheckMeta,
    what: &str,
    measures: &Measures,
    attribution: Option<&Attribution>,
    context: Context,
    findings: &'f mut Vec<Finding>,
) -> Option<&'f mut Finding> {
    let mut measures = measures.clone();
    if !context.references {
        measures.remove("references");
    }
    let measures = &measures;
    let verdict = leak::judge(measures);
    if !verdict.leaks() {
        return None;
    }
    let shown: Vec<String> = verdict
        .leaking
        .iter()
        .map(|m| format!("{} {:?}", measure_title(m), measures[m]))
        .collect();
    let rests: Vec<&str> = verdict.measured.iter().map(|m| measure_title(m)).collect();
    let finding = Finding::new(
        meta,
        format!(
            "{what}: {} per measured run (verdict on {})",
            shown.join(", "),
            rests.join(", ")
        ),
    )
    .with("deltas", measures)
    .with("leaking", &verdict.leaking)
    .with("measured", &verdict.measured)
    .with("note", context.references_note());
    findings.push(match attribution {
        Some(attribution) => attribution.attach(finding),
        None => finding,
    });
    findings.last_mut()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn run(ending: Ending, events: Vec<Event>) -> Run {
        Run {
            ending,
            events,
            fault: String::new(),
            native: None,
            stderr: String::new(),
            duration: Duration::from_secs(1),
            limits: Limits {
                address_space: Some(8 << 30),
                cpu_seconds: Some(130),
                open_files: Some(4096),
            },
        }
    }

    fn phase(name: &str) -> Event {
        Event::Phase {
            phase: name.into(),
            kind: None,
            cycle: None,
            run: None,
            function: None,
            shape: None,
        }
    }

    const CONTEXT: Context = Context {
        references: false,
        debug_interpreter: false,
    };

    /// The import scenario's own judge: nothing beyond the import.
    fn judge(scenario: Scenario, run: &Run, context: Context) -> Judged {
        super::judge(scenario, run, context, |_, _, _| Ok(()))
    }

    #[test]
    fn a_child_out_of_cpu_time_says_so() {
        let xcpu = Ending::Signaled {
            signal: libc::SIGXCPU,
            name: "SIGXCPU".into(),
        };
        let judged = judge(
            Scenario::Import,
            &run(xcpu.clone(), vec![phase("import")]),
            CONTEXT,
        );
        let finding = &judged.findings[0];
        assert_eq!(finding.check, "import-crash");
        assert_eq!(
            finding.message,
            "the interpreter died by SIGXCPU: it used up the CPU time the harness allows a \
             child (130 s, RLIMIT_CPU) in phase import"
        );
        // Before the probe started: the scenario could not run, and says why.
        let judged = judge(Scenario::Import, &run(xcpu, Vec::new()), CONTEXT);
        let detail = judged.report.detail.unwrap();
        assert!(
            detail.contains("SIGXCPU: it used up the CPU time"),
            "{detail}"
        );
    }

    #[test]
    fn an_exception_from_a_limit_names_the_limit() {
        let import_failed = |kind: &str, message: &str| {
            let result = serde_json::json!({
                "imported": false,
                "error": {"type": kind, "message": message},
            });
            let events = vec![phase("import"), Event::Result(result)];
            judge(
                Scenario::Import,
                &run(Ending::Exited { code: 0 }, events),
                CONTEXT,
            )
            .findings
        };
        let memory = &import_failed("MemoryError", "")[0];
        assert!(
            memory
                .message
                .ends_with("; the harness limits each child's address space to 8 GiB (RLIMIT_AS)"),
            "{}",
            memory.message
        );
        assert_eq!(
            memory.evidence["limit"],
            "the harness limits each child's address space to 8 GiB (RLIMIT_AS)"
        );
        let files = &import_failed("OSError", "[Errno 24] Too many open files")[0];
        assert!(
            files
                .message
                .ends_with("; the harness allows each child 4096 open files (RLIMIT_NOFILE)"),
            "{}",
            files.message
        );
        let other = &import_failed("RuntimeError", "no")[0];
        assert!(!other.evidence.contains_key("limit"));
    }

    #[test]
    fn a_result_the_scenario_cannot_judge_is_a_harness_error() {
        let result = serde_json::json!({"imported": true});
        let events = vec![phase("import"), Event::Result(result)];
        let judged = super::judge(
            Scenario::Reimport,
            &run(Ending::Exited { code: 0 }, events),
            CONTEXT,
            |_, _, _| Err("the probe's reimport result is malformed: x".into()),
        );
        assert_eq!(judged.report.outcome, Outcome::Error);
        assert_eq!(
            judged.report.detail.as_deref(),
            Some("the probe's reimport result is malformed: x")
        );
    }

    #[test]
    fn a_package_that_refuses_refuses_for_its_modules() {
        let wrapped = |inner: &str| ExcInfo {
            kind: "__main__.ParentImportFailed".into(),
            message: format!("importing its package pkg raised {inner}: no"),
            chain: vec![
                crate::probe::ChainLink {
                    kind: "__main__.ParentImportFailed".into(),
                    message: String::new(),
                },
                crate::probe::ChainLink {
                    kind: inner.into(),
                    message: "no".into(),
                },
            ],
            traceback: String::new(),
        };
        assert!(is_import_error(&wrapped("ImportError")));
        assert!(!is_import_error(&wrapped("RuntimeError")));
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(bytes_text(8 << 30), "8 GiB");
        assert_eq!(bytes_text((23 << 30) + (1 << 29)), "23.5 GiB");
        assert_eq!(bytes_text(512 << 20), "512 MiB");
    }
}
