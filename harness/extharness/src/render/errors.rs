//! What the harness could not run or read, one line per cause, for stderr:
//! an interpreter it cannot use, an input it cannot read, a scenario it
//! could not run. The same cause met by many scenario runs (a full
//! temporary directory) is one line, with the count.

use harness::{Outcome, Report};

pub fn harness_errors(report: &Report) -> Vec<String> {
    let mut lines: Vec<String> = report
        .interpreter_errors
        .iter()
        .map(|e| {
            format!(
                "cannot use the interpreter {}: {}",
                e.python.display(),
                e.reason
            )
        })
        .collect();
    // (detail, the first run it stopped, how many runs it stopped)
    let mut causes: Vec<(&str, String, usize)> = Vec::new();
    for module in &report.modules {
        if let Some(error) = &module.error {
            lines.push(format!("{}: {error}", module.path));
        }
        for interpreter in &module.interpreters {
            for scenario in &interpreter.scenarios {
                if scenario.outcome != Outcome::Error {
                    continue;
                }
                let detail = scenario.detail.as_deref().unwrap_or("no reason given");
                match causes.iter_mut().find(|(d, ..)| *d == detail) {
                    Some((_, _, count)) => *count += 1,
                    None => causes.push((
                        detail,
                        format!(
                            "the {} scenario of {} under python {}",
                            scenario.name.name(),
                            module.path,
                            interpreter.version
                        ),
                        1,
                    )),
                }
            }
        }
    }
    for (detail, first, count) in causes {
        lines.push(match count {
            1 => format!("{first} could not run: {detail}"),
            n => format!("{detail} ({n} scenario runs could not run, the first {first})"),
        });
    }
    lines
}
