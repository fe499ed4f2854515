//! From what a child did (its ending, the probe's events, faulthandler's
//! output) to a scenario outcome and findings.

use std::time::Duration;

use checkmeta::CheckMeta;
use serde::Deserialize;
use serde_json::Value;

use crate::cause;
use crate::checks::{
    call_crash::CallCrash, call_leak::CallLeak, import_crash::ImportCrash,
    import_error::ImportError, reimport_crash::ReimportCrash, reimport_leak::ReimportLeak,
    reimport_refused::ReimportRefused, reinit_crash::ReinitCrash,
    scenario_timeout::ScenarioTimeout, shutdown_crash::ShutdownCrash, shutdown_hang::ShutdownHang,
    singleton_state::SingletonState, subinterpreter_crash::SubinterpreterCrash,
    subinterpreter_refused::SubinterpreterRefused,
    subinterpreter_shared_objects::SubinterpreterSharedObjects, workload_error::WorkloadError,
};
use crate::child::{Ending, Limits};
use crate::leak::{self, Measures, measure_title};
use crate::native::{self, NativeStack};
use crate::probe::{Event, ExcInfo};
use crate::report::{Finding, Outcome, ScenarioReport};
use crate::scenario::Scenario;

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

/// Everything one scenario says.
#[derive(Debug, Clone)]
pub struct Judged {
    pub report: ScenarioReport,
    pub findings: Vec<Finding>,
    /// The module imported (the other scenarios are worth running).
    pub imported: bool,
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

pub fn judge(scenario: Scenario, run: &Run, context: Context) -> Judged {
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
                    ending_text(&run.ending),
                    cpu_limit_note(&run.ending, &run.limits).unwrap_or_default(),
                    tail(&run.stderr)
                        .map(|t| format!(": {t}"))
                        .unwrap_or_default()
                ));
            }
            Some((phase, ref label)) => {
                findings.push(death(scenario, phase, label, run, result.is_some()));
                findings.extend(crate::diagnosis::diagnose(&run.stderr, label));
            }
        }
    }
    if let Some(result) = result
        && let Some(failure) = judge_result(scenario, result, context, &mut findings)
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

fn ending_text(ending: &Ending) -> String {
    match ending {
        Ending::Exited { code } => format!("exited with status {code}"),
        Ending::Signaled { name, .. } => format!("was killed by {name}"),
        Ending::TimedOut => "did not finish within the time limit".to_string(),
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
pub(crate) fn tail(text: &str) -> Option<String> {
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
    let inside = native.map(NativeStack::site_suffix).unwrap_or_default();
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

#[derive(Deserialize)]
struct ReimportResult {
    #[serde(default)]
    cycles: u32,
    error: Option<ExcInfo>,
    #[serde(default)]
    same: Vec<Same>,
    #[serde(default)]
    measures: Measures,
}

#[derive(Deserialize, serde::Serialize)]
struct Same {
    name: String,
    kind: String,
}

#[derive(Deserialize)]
struct SubinterpreterResult {
    kinds: Vec<KindResult>,
}

#[derive(Deserialize)]
struct KindResult {
    kind: String,
    via: String,
    error: Option<ExcInfo>,
    #[serde(default)]
    shared: Vec<String>,
    failure: Option<ExcInfo>,
}

#[derive(Deserialize)]
struct LeaksResult {
    error: Option<ExcInfo>,
    #[serde(default)]
    measures: Measures,
}

/// Findings from the probe's result; `Some` when the harness itself failed.
fn judge_result(
    scenario: Scenario,
    result: &Value,
    context: Context,
    findings: &mut Vec<Finding>,
) -> Option<String> {
    if result.get("imported").and_then(Value::as_bool) != Some(true) {
        if scenario == Scenario::Import
            && let Some(error) = result
                .get("error")
                .and_then(|e| ExcInfo::deserialize(e).ok())
        {
            findings.push(import_error(&error, "import"));
        }
        return None;
    }
    match scenario {
        Scenario::Import | Scenario::Shutdown => {}
        Scenario::Reimport => {
            if let Ok(r) = ReimportResult::deserialize(result) {
                reimport(&r, context, findings);
            }
        }
        Scenario::SubinterpreterLegacy | Scenario::SubinterpreterIsolated => {
            if let Ok(r) = SubinterpreterResult::deserialize(result) {
                let failures: Vec<String> = r
                    .kinds
                    .iter()
                    .filter_map(|kind| subinterpreter(kind, findings))
                    .collect();
                if !failures.is_empty() {
                    return Some(failures.join("; "));
                }
            }
        }
        Scenario::Leaks => {
            if let Ok(r) = LeaksResult::deserialize(result) {
                leaks(&r, context, findings);
            }
        }
        Scenario::Reinit => return crate::reinit::judge_result(result, context, findings),
        Scenario::Exercise => return crate::exercise::judge_result(result, context, findings),
    }
    None
}

pub(crate) fn import_error(error: &ExcInfo, phase: &str) -> Finding {
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
pub(crate) fn names(list: &[String]) -> String {
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

pub(crate) fn is_import_error(error: &ExcInfo) -> bool {
    error.kind.ends_with("ImportError") || error.kind == "ModuleNotFoundError"
}

fn reimport(r: &ReimportResult, context: Context, findings: &mut Vec<Finding>) {
    if !r.same.is_empty() {
        let names: Vec<String> = r
            .same
            .iter()
            .map(|s| format!("{} ({})", s.name, s.kind))
            .collect();
        findings.push(
            Finding::new(
                &SingletonState::META,
                format!(
                    "a re-import hands back the first import's objects: {}",
                    self::names(&names)
                ),
            )
            .with("same_objects", &r.same),
        );
    }
    if let Some(error) = &r.error {
        let phase = format!("reimport (cycle {})", r.cycles + 1);
        if is_import_error(error) {
            findings.push(
                Finding::new(
                    &ReimportRefused::META,
                    format!(
                        "the module refuses a second import: {}: {}",
                        error.kind, error.message
                    ),
                )
                .with("phase", &phase)
                .with("exception", format!("{}: {}", error.kind, error.message)),
            );
        } else {
            findings.push(import_error(error, &phase));
        }
    }
    leak_finding(
        &ReimportLeak::META,
        "re-importing leaks",
        &r.measures,
        context,
        findings,
    );
}

fn leak_finding(
    meta: &CheckMeta,
    what: &str,
    measures: &Measures,
    context: Context,
    findings: &mut Vec<Finding>,
) {
    let mut measures = measures.clone();
    if !context.references {
        measures.remove("references");
    }
    let measures = &measures;
    let verdict = leak::judge(measures);
    if !verdict.leaks() {
        return;
    }
    let shown: Vec<String> = verdict
        .leaking
        .iter()
        .map(|m| format!("{} {:?}", measure_title(m), measures[m]))
        .collect();
    let rests: Vec<&str> = verdict.measured.iter().map(|m| measure_title(m)).collect();
    findings.push(
        Finding::new(
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
        .with("note", context.references_note()),
    );
}

fn subinterpreter(kind: &KindResult, findings: &mut Vec<Finding>) -> Option<String> {
    let which = match kind.kind.as_str() {
        "isolated" => "an isolated subinterpreter (own GIL)",
        _ => "a legacy subinterpreter (shared GIL)",
    };
    if let Some(error) = &kind.error {
        if is_import_error(error) {
            findings.push(
                Finding::new(
                    &SubinterpreterRefused::META,
                    format!("{which} refuses it: {}", error.message),
                )
                .with("kind", &kind.kind)
                .with("via", &kind.via)
                .with("exception", format!("{}: {}", error.kind, error.message)),
            );
        } else {
            findings.push(import_error(
                error,
                &format!("subinterpreter-import ({})", kind.kind),
            ));
        }
    }
    if !kind.shared.is_empty() {
        findings.push(
            Finding::new(
                &SubinterpreterSharedObjects::META,
                format!(
                    "{which} gets the main interpreter's very objects: {}",
                    names(&kind.shared)
                ),
            )
            .with("kind", &kind.kind)
            .with("via", &kind.via)
            .with("shared", &kind.shared),
        );
    }
    // The subinterpreter could not run the probe's own code and nothing
    // of the module was reported: the harness failed, not the module.
    match &kind.failure {
        Some(failure) if kind.error.is_none() && kind.shared.is_empty() => Some(format!(
            "{which} could not run the probe: {}: {}",
            failure.kind, failure.message
        )),
        _ => None,
    }
}

fn leaks(r: &LeaksResult, context: Context, findings: &mut Vec<Finding>) {
    if let Some(error) = &r.error {
        findings.push(
            Finding::new(
                &WorkloadError::META,
                format!("the workload raised {}: {}", error.kind, error.message),
            )
            .with("exception", format!("{}: {}", error.kind, error.message))
            .with("python_traceback", error.traceback.trim_end()),
        );
        return;
    }
    leak_finding(
        &CallLeak::META,
        "the workload leaks",
        &r.measures,
        context,
        findings,
    );
}

#[cfg(test)]
mod tests {
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
    fn sizes_read_well() {
        assert_eq!(bytes_text(8 << 30), "8 GiB");
        assert_eq!(bytes_text((23 << 30) + (1 << 29)), "23.5 GiB");
        assert_eq!(bytes_text(512 << 20), "512 MiB");
    }
}
