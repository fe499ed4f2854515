//! Work a run can start before any module needs it, and the order a
//! module's scenarios are queued in: what shortens the time from the first
//! child to the last.

use std::sync::Mutex;

use interpreters::Interpreter;

use crate::process::Settings;
use crate::report::Scenario;
use crate::scenarios;

/// The reinit baselines the run's units will need, one per interpreter
/// they run on: taken by the first idle workers, so a baseline runs beside
/// the first `import` instead of inside the first module's reinit run,
/// where it would lengthen the longest chain of children.
pub(super) struct Early<'a> {
    baselines: Mutex<Vec<&'a Interpreter>>,
}

impl<'a> Early<'a> {
    /// `interpreters`: what each unit runs on (the same interpreter may
    /// come many times).
    pub fn new(
        interpreters: impl Iterator<Item = &'a Interpreter>,
        scenarios: &[Scenario],
        settings: &Settings,
    ) -> Self {
        let mut baselines: Vec<&Interpreter> = Vec::new();
        if scenarios.contains(&Scenario::Reinit) && settings.host.is_some() {
            for interpreter in interpreters {
                let version = interpreter.version.feature();
                if Scenario::Reinit.unavailable_on(version).is_none()
                    && !baselines.contains(&interpreter)
                {
                    baselines.push(interpreter);
                }
            }
        }
        // Taken from the end: the first unit's interpreter first.
        baselines.reverse();
        Early {
            baselines: Mutex::new(baselines),
        }
    }

    /// Runs one early task, if any is left; whether it did.
    pub fn run_one(&self, settings: &Settings) -> bool {
        let next = self
            .baselines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop();
        match next {
            Some(interpreter) => {
                scenarios::reinit::warm(interpreter, settings);
                true
            }
            None => false,
        }
    }
}

/// The scenarios to queue after a module imported, the longest first: on
/// `jobs` workers the last to start then is a short one, and a module's
/// scenarios end sooner (longest-processing-time-first). The report's
/// order is the options' whatever the order they ran in.
pub(super) fn longest_first(scenarios: &[Scenario]) -> Vec<Scenario> {
    // Measured on real packages (docs/performance.md): the exercise and
    // leaks loops, then reinit's five runtimes, the two sub-interpreter
    // scenarios, the re-imports and the single shutdown.
    let rank = |s: &Scenario| match s {
        Scenario::Exercise => 0,
        Scenario::Leaks => 1,
        Scenario::Reinit => 2,
        Scenario::SubinterpreterLegacy => 3,
        Scenario::SubinterpreterIsolated => 4,
        Scenario::Reimport => 5,
        Scenario::Shutdown => 6,
        Scenario::Import => 7,
    };
    let mut ordered: Vec<Scenario> = scenarios
        .iter()
        .copied()
        .filter(|s| *s != Scenario::Import)
        .collect();
    ordered.sort_by_key(rank);
    ordered
}
