//! The scenarios. Each is a module that owns its Python half (its part of
//! the probe, `<name>.py`, beside its Rust), the result type the probe
//! reports (parsed strictly: a mismatch is a harness error), the judge of
//! that result, and the checks it exists to find, declared beside the
//! judge that raises them. What every scenario's child can end with (a
//! crash or a hang in any phase, a failed import, a leak by the leak rule)
//! is the verdict's; how a child is run is the process module's.

pub mod exercise;
pub mod import;
pub mod leaks;
pub mod reimport;
pub mod reinit;
pub mod shutdown;
pub mod subinterpreter;

use checkmeta::CheckMeta;
use interpreters::Interpreter;

use crate::probe::Target;
use crate::process::{Settings, execute};
use crate::report::Scenario;
use crate::verdict::{self, Context, Judged, ResultJudge};

/// Runs one scenario for one module on one interpreter.
pub fn run(
    interpreter: &Interpreter,
    target: &Target,
    scenario: Scenario,
    settings: &Settings,
    context: Context,
) -> Judged {
    match scenario {
        // Their own loops: an embedding host, restarts after a crash.
        Scenario::Reinit => reinit::run(interpreter, target, settings, context),
        Scenario::Exercise => exercise::run(interpreter, target, settings, context),
        _ => match execute(interpreter, target, scenario, settings) {
            Ok(run) => verdict::judge(scenario, &run, context, judge_result(scenario)),
            Err(e) => Judged::not_run(scenario, &e),
        },
    }
}

/// The scenario's judge of its probe's result.
pub fn judge_result(scenario: Scenario) -> ResultJudge {
    match scenario {
        Scenario::Import => import::judge_result,
        Scenario::Reimport => reimport::judge_result,
        Scenario::SubinterpreterLegacy | Scenario::SubinterpreterIsolated => {
            subinterpreter::judge_result
        }
        Scenario::Reinit => reinit::judge_result,
        Scenario::Shutdown => shutdown::judge_result,
        Scenario::Leaks => leaks::judge_result,
        Scenario::Exercise => exercise::judge_result,
    }
}

impl Scenario {
    /// The checks this scenario exists to find. Every child imports the
    /// module, may call it and finalises, so the checks of those steps
    /// ([`Scenario::ANYWHERE`]) can come out of any scenario as well.
    pub fn checks(self) -> &'static [CheckMeta] {
        match self {
            Scenario::Import => import::CHECKS,
            Scenario::Reimport => reimport::CHECKS,
            Scenario::SubinterpreterLegacy | Scenario::SubinterpreterIsolated => {
                subinterpreter::CHECKS
            }
            Scenario::Reinit => reinit::CHECKS,
            Scenario::Shutdown => shutdown::CHECKS,
            Scenario::Leaks => leaks::CHECKS,
            Scenario::Exercise => exercise::CHECKS,
        }
    }

    /// The checks any scenario's child can end with.
    pub const ANYWHERE: &'static [CheckMeta] = verdict::ANYWHERE;
}
