//! The exercise scenario: every callable the module exposes, called with
//! fixed argument shapes and measured one by one, so that leaks on error
//! paths no workload takes are found without a workload.
//!
//! **Callables**, in this order: each module-level function and type the
//! module owns (sorted by name; a type is called as its constructor), each
//! type followed by its public methods (`Type.method`: names without a
//! leading `_`, defined by the module's own classes in its MRO) when
//! `Type()` returns an instance. A method is called on a new instance
//! every time, so that state one call leaves in an instance is freed with
//! it rather than taken for a leak. `--no-exercise GLOB` (fnmatch, on
//! `NAME`, `module.NAME`, `Type.method` or `module.Type.method`) leaves a
//! callable alone; a denied type takes its methods with it.
//!
//! **Shapes**, 133 per callable, in call order: `()`; each of the eleven
//! values alone, `(None)`, `(int)` (1), `(negative int)` (-1), `(huge int)`
//! (2**100), `(float)` (1.5), `(str)` ('ab'), `(bytes)` (b'ab'), `(list)`
//! ([1, 2]), `(tuple)` ((1, 2)), `(dict)` ({'a': 1}), `(object)` (an
//! instance of a class of the probe's own); then every ordered pair of them,
//! `(None, None)`, `(None, int)`, ... `(object, object)`. Each value is made
//! anew for every call, so a leaked reference to it is a leaked memory
//! block even where references are not counted.
//!
//! **Measurement**, with the leak rule of [`crate::verdict::leak`]: per callable,
//! warm-up then measured runs that each call every shape once (a round).
//! When a callable's rounds grow (any positive sum of reference or block
//! deltas, or any descriptor change; twice in a row, since before 3.12 a
//! run now and then gains a few blocks whatever it does), the probe takes a
//! closer look: the same runs for each row of shapes (`()` with the single
//! values, then the pairs by first value), and for each shape of a row that
//! grows, runs of one call. Rows only spare clean-ups: one per run of a row
//! instead of one per shape. The verdicts are the rule's, here, on the
//! rounds and on each shape: `call-leak` names the shapes that leak on
//! every call, or, if none does on its own, the callable whose rounds do.
//!
//! **Guards**: every call runs under `--call-limit` (an interval timer whose
//! signal raises in the probe; a callable that overruns it is left out and
//! listed in the scenario's detail). A call that never returns to the
//! interpreter, or that kills it, ends the child: that is `scenario-timeout`
//! or `call-crash` naming the callable and shape, and the scenario starts
//! again without that callable, up to [`RESTARTS`] times.

use std::collections::BTreeSet;

use interpreters::Interpreter;
use serde::Deserialize;
use serde_json::{Value, json};

use checkmeta::CheckMeta;

use crate::probe::{Event, Target};
use crate::process::child::Ending;
use crate::process::{Run, Settings, execute};
use crate::report::{Finding, Outcome, Scenario};
use crate::verdict::call_leak::CallLeak;
use crate::verdict::leak::{self, Attribution, Measures, Verdict, measure_title};
use crate::verdict::{self, Context, Judged, judge};

/// The checks this scenario exists to find (the crash and the hang that
/// end a call are the verdict's, as in any scenario).
pub const CHECKS: &[CheckMeta] = &[CallLeak::META];

/// How many times a scenario whose child a call killed or hung starts
/// again without that callable: a bound, since each costs a child and a
/// hang costs the whole time limit.
pub(crate) const RESTARTS: usize = 3;

/// Shapes named in a message; the evidence has them all.
const SHAPES_SHOWN: usize = 3;

/// The probe's result: `{"shapes": [names in call order], "callables":
/// [{"name", "kind": "function" | "type" | "method", "measures": rounds'
/// deltas, "shapes": [{"shape", "measures"}] (only after a closer look,
/// only the shapes of rows that grew), "attribution" (only when a shape's
/// or the rounds' every run grew)}], "skipped": [{"name", "kind",
/// "reason"}], "warmups", "runs", "call_limit", "interned_correction"}`,
/// where measures map `references` (debug builds), `blocks` and
/// `descriptors` to the measured runs' deltas.
#[derive(Deserialize)]
struct ExerciseResult {
    shapes: Vec<String>,
    callables: Vec<Callable>,
    skipped: Vec<Skipped>,
}

#[derive(Deserialize)]
struct Callable {
    name: String,
    kind: String,
    /// Deltas of rounds of one call per shape.
    measures: Measures,
    /// Deltas of each shape alone, when the rounds grew.
    #[serde(default)]
    shapes: Vec<ShapeMeasures>,
    /// The leaking shapes (else the rounds) run again under tracemalloc,
    /// when they grew.
    #[serde(default)]
    attribution: Option<Attribution>,
}

#[derive(Deserialize)]
struct ShapeMeasures {
    shape: String,
    measures: Measures,
}

#[derive(Deserialize)]
struct Skipped {
    name: String,
    reason: String,
}

/// Findings from the probe's exercise result.
pub fn judge_result(
    result: &Value,
    context: Context,
    findings: &mut Vec<Finding>,
) -> Result<(), String> {
    let result: ExerciseResult = verdict::parse("exercise", result)?;
    findings.extend(
        result
            .callables
            .iter()
            .filter_map(|c| call_leak(c, result.shapes.len(), context)),
    );
    Ok(())
}

/// The measures the verdict may rest on: references only where counted.
fn counted(measures: &Measures, context: Context) -> Measures {
    let mut measures = measures.clone();
    if !context.references {
        measures.remove("references");
    }
    measures
}

fn call_leak(callable: &Callable, shapes: usize, context: Context) -> Option<Finding> {
    let rounds = counted(&callable.measures, context);
    let leaking: Vec<(&str, Measures, Verdict)> = callable
        .shapes
        .iter()
        .filter_map(|s| {
            let measures = counted(&s.measures, context);
            let verdict = leak::judge(&measures);
            verdict
                .leaks()
                .then_some((s.shape.as_str(), measures, verdict))
        })
        .collect();
    let name = &callable.name;
    let (what, measures, verdict, per) = match leaking.first() {
        Some((shape, measures, verdict)) => {
            let shapes: Vec<&str> = leaking.iter().map(|(s, ..)| *s).collect();
            let what = format!("{name} leaks when called with {}", listed(&shapes));
            (
                what,
                measures,
                verdict.clone(),
                format!("per call with {shape}"),
            )
        }
        None => {
            let verdict = leak::judge(&rounds);
            if !verdict.leaks() {
                return None;
            }
            let what = format!(
                "{name} leaks when called with each argument shape in turn, though no one shape leaks on every call"
            );
            (
                what,
                &rounds,
                verdict,
                format!("per round of {shapes} calls"),
            )
        }
    };
    let shown: Vec<String> = verdict
        .leaking
        .iter()
        .map(|m| format!("{} {:?}", measure_title(m), measures[m]))
        .collect();
    let rests: Vec<&str> = verdict.measured.iter().map(|m| measure_title(m)).collect();
    let leaking_measures: BTreeSet<&String> = leaking
        .iter()
        .flat_map(|(_, _, v)| &v.leaking)
        .chain(&verdict.leaking)
        .collect();
    let shape_deltas: Vec<Value> = leaking
        .iter()
        .map(|(shape, deltas, _)| json!({ "shape": shape, "deltas": deltas }))
        .collect();
    let finding = Finding::new(
        &CallLeak::META,
        format!(
            "{what}: {} {per} (verdict on {})",
            shown.join(", "),
            rests.join(", ")
        ),
    )
    .with("function", name)
    .with("kind", &callable.kind)
    .with(
        "shapes",
        leaking.iter().map(|(s, ..)| *s).collect::<Vec<_>>(),
    )
    .with("shape_deltas", shape_deltas)
    .with("deltas", &rounds)
    .with("leaking", leaking_measures)
    .with("measured", &verdict.measured)
    .with("note", context.references_note());
    Some(match &callable.attribution {
        Some(attribution) => attribution.attach(finding),
        None => finding,
    })
}

/// `a, b, c and 30 more`.
fn listed(shapes: &[&str]) -> String {
    let mut text = shapes[..shapes.len().min(SHAPES_SHOWN)].join(", ");
    if shapes.len() > SHAPES_SHOWN {
        text.push_str(&format!(" and {} more", shapes.len() - SHAPES_SHOWN));
    }
    text
}

/// Runs the exercise scenario for one module on one interpreter, starting
/// again without a callable that killed or hung the child.
pub(crate) fn run(
    interpreter: &Interpreter,
    target: &Target,
    settings: &Settings,
    context: Context,
) -> Judged {
    let mut settings = settings.clone();
    let mut findings = Vec::new();
    // Callables left out after they ended a child, with why.
    let mut lost: Vec<(String, String)> = Vec::new();
    let mut duration_ms = 0;
    loop {
        let run = match execute(interpreter, target, Scenario::Exercise, &settings) {
            Ok(run) => run,
            Err(e) if findings.is_empty() => return Judged::not_run(Scenario::Exercise, &e),
            Err(e) => {
                // Keep what the earlier children showed.
                let mut judged = Judged::not_run(Scenario::Exercise, &e);
                judged.report.duration_ms = duration_ms;
                judged.findings = findings;
                return judged;
            }
        };
        let mut judged = judge(Scenario::Exercise, &run, context, judge_result);
        duration_ms += judged.report.duration_ms;
        let fatal = fatal_call(&run);
        if let Some((function, shape)) = &fatal {
            judged.findings = std::mem::take(&mut judged.findings)
                .into_iter()
                .map(|f| f.with("function", function).with("shape", shape))
                .collect();
        }
        findings.append(&mut judged.findings);
        match fatal {
            Some((function, shape)) if lost.len() < RESTARTS => {
                let reason = match run.ending {
                    Ending::TimedOut => {
                        format!("a call with {shape} never returned, see scenario-timeout")
                    }
                    _ => format!("a call with {shape} ended the interpreter, see call-crash"),
                };
                settings.no_exercise.push(glob_literal(&function));
                lost.push((function, reason));
            }
            _ => {
                judged.report.duration_ms = duration_ms;
                judged.findings = findings;
                conclude(&mut judged, &run, &lost);
                return judged;
            }
        }
    }
}

/// The call a child was in when it died or hung: its last phase, when that
/// names a call and no result came.
fn fatal_call(run: &Run) -> Option<(String, String)> {
    if run.events.iter().any(|e| matches!(e, Event::Result(_))) {
        return None;
    }
    let last = run
        .events
        .iter()
        .rev()
        .find(|e| matches!(e, Event::Phase { .. }))?;
    match last {
        Event::Phase {
            phase,
            function: Some(function),
            shape,
            ..
        } if phase == "exercise" => Some((
            function.clone(),
            shape.clone().unwrap_or_else(|| "()".into()),
        )),
        _ => None,
    }
}

/// The scenario's outcome over every child, and what was exercised and
/// left out, in its detail.
fn conclude(judged: &mut Judged, last: &Run, lost: &[(String, String)]) {
    if judged.report.outcome == Outcome::Error || judged.report.outcome == Outcome::Skipped {
        return;
    }
    judged.report.outcome = if judged.findings.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Finding
    };
    let result = last.events.iter().rev().find_map(|e| match e {
        Event::Result(v) => ExerciseResult::deserialize(v).ok(),
        _ => None,
    });
    let mut left_out: Vec<String> = lost
        .iter()
        .map(|(name, reason)| format!("{name} ({reason})"))
        .collect();
    let summary = match &result {
        Some(result) => {
            left_out.extend(
                result
                    .skipped
                    .iter()
                    .filter(|s| !lost.iter().any(|(name, _)| *name == s.name))
                    .map(|s| format!("{} ({})", s.name, s.reason)),
            );
            let n = result.callables.len();
            format!(
                "exercised {n} callable{} with {} argument shapes each",
                if n == 1 { "" } else { "s" },
                result.shapes.len()
            )
        }
        None => format!("gave up after {} restarts", lost.len()),
    };
    judged.report.detail = Some(if left_out.is_empty() {
        summary
    } else {
        format!("{summary}; not exercised: {}", left_out.join(", "))
    });
}

/// An fnmatch pattern matching exactly `name`.
fn glob_literal(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '*' | '?' | '[' => format!("[{c}]"),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::verdict::leak::measures;

    const RELEASE: Context = Context {
        references: false,
        debug_interpreter: false,
    };

    #[test]
    fn leaking_shapes_are_named_and_references_need_counting() {
        let quiet = measures(&[("blocks", &[0, 1, 0]), ("references", &[2, 2, 2])]);
        let leaky = measures(&[("blocks", &[1, 1, 2])]);
        let callable = Callable {
            name: "f".into(),
            kind: "function".into(),
            measures: measures(&[("blocks", &[5, 5, 5])]),
            attribution: None,
            shapes: ["(int)", "(str)", "(list)", "(tuple)", "(dict)"]
                .iter()
                .enumerate()
                .map(|(i, s)| ShapeMeasures {
                    shape: s.to_string(),
                    measures: if i == 0 { quiet.clone() } else { leaky.clone() },
                })
                .collect(),
        };
        let finding = call_leak(&callable, 133, RELEASE).unwrap();
        assert_eq!(
            finding.message,
            "f leaks when called with (str), (list), (tuple) and 1 more: memory blocks [1, 1, 2] per call with (str) (verdict on memory blocks)"
        );
        assert_eq!(finding.evidence["shapes"].as_array().unwrap().len(), 4);
        assert!(finding.evidence["note"].as_str().is_some());
    }

    #[test]
    fn rounds_leak_without_a_shape_and_quiet_rounds_do_not() {
        let mut callable = Callable {
            name: "g".into(),
            kind: "method".into(),
            measures: measures(&[("blocks", &[1, 1, 1]), ("descriptors", &[0, 0, 0])]),
            shapes: Vec::new(),
            attribution: None,
        };
        let finding = call_leak(&callable, 133, RELEASE).unwrap();
        assert!(
            finding.message.contains("per round of 133 calls"),
            "{}",
            finding.message
        );
        callable.measures = measures(&[("blocks", &[3, 0, 0])]);
        assert!(call_leak(&callable, 133, RELEASE).is_none());
    }

    #[test]
    fn a_restart_denies_exactly_the_callable() {
        assert_eq!(glob_literal("Type.meth"), "Type.meth");
        assert_eq!(glob_literal("a*b?[c]"), "a[*]b[?][[]c]");
    }
}
