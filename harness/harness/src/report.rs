//! What a run found, in the shape of the JSON report (`docs/harness-json.md`).

use std::path::PathBuf;

use checkmeta::{CheckMeta, Severity};
use serde::Serialize;

/// The version of the JSON document's shape.
pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Facts the message rests on: phase, signal, traceback, deltas...
    pub evidence: serde_json::Map<String, serde_json::Value>,
}

impl Finding {
    pub fn new(meta: &CheckMeta, message: impl Into<String>) -> Finding {
        Finding {
            check: meta.id,
            severity: meta.severity,
            message: message.into(),
            evidence: serde_json::Map::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Serialize) -> Finding {
        if let Ok(value) = serde_json::to_value(value)
            && !value.is_null()
        {
            self.evidence.insert(key.to_string(), value);
        }
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Finding,
    /// Not run: the module does not import on this interpreter, or the
    /// scenario needs something not given (a workload).
    Skipped,
    /// The harness could not run it (the interpreter is broken, the probe
    /// failed): the run is incomplete, exit status 2.
    Error,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioReport {
    pub name: Scenario,
    pub outcome: Outcome,
    pub duration_ms: u64,
    /// The last phase the probe entered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// Why it was skipped, or what went wrong for the harness.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterpreterReport {
    /// The path the children were started by: inside a virtual
    /// environment, the environment's own interpreter. A wheel's member
    /// runs in a throwaway environment made from it, not named here (it is
    /// gone with the run).
    pub python: PathBuf,
    /// The virtual environment `python` belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<EnvironmentReport>,
    /// For a wheel's member: what differs from the wheel as its users
    /// install it, in one line (its dependencies were not installed, or it
    /// was run from the extracted wheel, and why).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment_note: Option<String>,
    pub version: String,
    pub debug: bool,
    pub scenarios: Vec<ScenarioReport>,
    pub findings: Vec<Finding>,
}

/// A virtual environment an interpreter was run in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvironmentReport {
    /// Its directory (`sys.prefix`).
    pub prefix: PathBuf,
    /// The installation's real executable it runs on.
    pub base: PathBuf,
}

/// An interpreter that was considered and not used for a module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PassedOver {
    pub python: PathBuf,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModuleReport {
    /// The file, `wheel.whl!member` for a wheel member, or the module name
    /// for `--module`.
    pub path: String,
    /// The name the module is imported under.
    pub module: String,
    /// Why the module cannot run here at all (foreign format or
    /// architecture, no interpreter accepts its tag, unreadable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_runnable: Option<String>,
    /// The harness could not read it (exit status 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub passed_over: Vec<PassedOver>,
    pub interpreters: Vec<InterpreterReport>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub modules: usize,
    pub not_runnable: usize,
    pub scenarios: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Scenarios the harness could not run, and unreadable inputs.
    pub harness_errors: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub schema: u32,
    pub modules: Vec<ModuleReport>,
    pub summary: Summary,
    /// Interpreters named with `--python` that could not be used.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interpreter_errors: Vec<PassedOver>,
    /// Which interpreters the run chose, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpreters: Option<Chosen>,
}

/// The interpreters a run chose: their versions, and why these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chosen {
    /// `3.9`, `3.10`...: each version once, oldest first.
    pub versions: Vec<String>,
    /// `requires-python >=3.9 in ./pyproject.toml`, `--python`...
    pub why: String,
}

impl Chosen {
    pub fn new(versions: impl IntoIterator<Item = (u32, u32)>, why: &str) -> Chosen {
        let mut versions: Vec<(u32, u32)> = versions.into_iter().collect();
        versions.sort();
        versions.dedup();
        Chosen {
            versions: versions
                .iter()
                .map(|(major, minor)| format!("{major}.{minor}"))
                .collect(),
            why: why.to_string(),
        }
    }

    /// `3.9–3.13`, `3.8, 3.10–3.13`, `none`: consecutive versions as a
    /// range.
    pub fn ranges(&self) -> String {
        let parsed: Vec<(u32, u32)> = self
            .versions
            .iter()
            .filter_map(|v| {
                let (major, minor) = v.split_once('.')?;
                Some((major.parse().ok()?, minor.parse().ok()?))
            })
            .collect();
        let mut runs: Vec<((u32, u32), (u32, u32))> = Vec::new();
        for version in parsed {
            match runs.last_mut() {
                Some((_, last)) if last.0 == version.0 && last.1 + 1 == version.1 => {
                    *last = version
                }
                _ => runs.push((version, version)),
            }
        }
        if runs.is_empty() {
            return "none".to_string();
        }
        runs.iter()
            .map(|(first, last)| {
                if first == last {
                    format!("{}.{}", first.0, first.1)
                } else {
                    format!("{}.{}–{}.{}", first.0, first.1, last.0, last.1)
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The report's line: `interpreters: 3.9–3.13 (requires-python ...)`.
    pub fn line(&self) -> String {
        format!("interpreters: {} ({})", self.ranges(), self.why)
    }
}

impl Report {
    pub fn new(modules: Vec<ModuleReport>, interpreter_errors: Vec<PassedOver>) -> Report {
        let summary = summarise(&modules, &interpreter_errors);
        Report {
            schema: SCHEMA,
            modules,
            summary,
            interpreter_errors,
            interpreters: None,
        }
    }

    /// Counts the findings again, after a gate removed or changed some.
    pub fn recount(&mut self) {
        self.summary = summarise(&self.modules, &self.interpreter_errors);
    }

    /// 0 clean, 1 error findings, 2 when something could not be run or read.
    pub fn exit_code(&self) -> i32 {
        if self.summary.harness_errors > 0 {
            2
        } else if self.summary.errors > 0 {
            1
        } else {
            0
        }
    }
}

fn summarise(modules: &[ModuleReport], interpreter_errors: &[PassedOver]) -> Summary {
    let mut summary = Summary {
        modules: modules.len(),
        harness_errors: interpreter_errors.len(),
        ..Summary::default()
    };
    for module in modules {
        summary.not_runnable += usize::from(module.not_runnable.is_some());
        summary.harness_errors += usize::from(module.error.is_some());
        for interpreter in &module.interpreters {
            summary.scenarios += interpreter.scenarios.len();
            summary.harness_errors += interpreter
                .scenarios
                .iter()
                .filter(|s| s.outcome == Outcome::Error)
                .count();
            for finding in &interpreter.findings {
                match finding.severity {
                    Severity::Error => summary.errors += 1,
                    Severity::Warning => summary.warnings += 1,
                    Severity::Info => summary.infos += 1,
                }
            }
        }
    }
    summary
}

/// The scenarios, each run in its own child process (their code is
/// under `scenarios/`): the names a report and the command line use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    Import,
    Reimport,
    /// A subinterpreter sharing the main GIL (every version).
    SubinterpreterLegacy,
    /// A subinterpreter with its own GIL and the extension check on (3.12+).
    SubinterpreterIsolated,
    /// Initialise, import, use and finalise the runtime, again and again,
    /// in one embedding process (the reinit host).
    Reinit,
    Shutdown,
    Leaks,
    /// Call every callable with fixed argument shapes, measuring each.
    Exercise,
}

/// A name `--scenario` and the configuration's `scenarios` accept: every
/// scenario but `import` (which always runs first), and `subinterpreter`
/// for both kinds. The command line's choices and their help are these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub name: &'static str,
    pub help: Option<&'static str>,
    pub scenarios: &'static [Scenario],
}

impl Choice {
    const fn one(scenario: Scenario, help: Option<&'static str>) -> Choice {
        Choice {
            name: scenario.name(),
            help,
            scenarios: match scenario {
                Scenario::Import => &[Scenario::Import],
                Scenario::Reimport => &[Scenario::Reimport],
                Scenario::SubinterpreterLegacy => &[Scenario::SubinterpreterLegacy],
                Scenario::SubinterpreterIsolated => &[Scenario::SubinterpreterIsolated],
                Scenario::Reinit => &[Scenario::Reinit],
                Scenario::Shutdown => &[Scenario::Shutdown],
                Scenario::Leaks => &[Scenario::Leaks],
                Scenario::Exercise => &[Scenario::Exercise],
            },
        }
    }
}

impl Scenario {
    pub const CHOICES: [Choice; 8] = [
        Choice::one(Scenario::Reimport, None),
        Choice {
            name: "subinterpreter",
            help: Some("Both kinds of subinterpreter"),
            scenarios: &[
                Scenario::SubinterpreterLegacy,
                Scenario::SubinterpreterIsolated,
            ],
        },
        Choice::one(Scenario::SubinterpreterLegacy, None),
        Choice::one(Scenario::SubinterpreterIsolated, None),
        Choice::one(
            Scenario::Reinit,
            Some("Initialise and finalise the runtime again and again in one process"),
        ),
        Choice::one(Scenario::Shutdown, None),
        Choice::one(Scenario::Leaks, None),
        Choice::one(
            Scenario::Exercise,
            Some("Call every function and method with fixed argument shapes (opt-in)"),
        ),
    ];

    /// The scenarios a `--scenario` name stands for.
    pub fn choice(name: &str) -> Option<&'static [Scenario]> {
        Self::CHOICES
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.scenarios)
    }

    pub const ALL: [Scenario; 8] = [
        Scenario::Import,
        Scenario::Reimport,
        Scenario::SubinterpreterLegacy,
        Scenario::SubinterpreterIsolated,
        Scenario::Reinit,
        Scenario::Shutdown,
        Scenario::Leaks,
        Scenario::Exercise,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Scenario::Import => "import",
            Scenario::Reimport => "reimport",
            Scenario::SubinterpreterLegacy => "subinterpreter-legacy",
            Scenario::SubinterpreterIsolated => "subinterpreter-isolated",
            Scenario::Reinit => "reinit",
            Scenario::Shutdown => "shutdown",
            Scenario::Leaks => "leaks",
            Scenario::Exercise => "exercise",
        }
    }

    /// Why this scenario cannot run on a version, if it cannot.
    pub fn unavailable_on(self, version: (u32, u32)) -> Option<&'static str> {
        match self {
            Scenario::SubinterpreterIsolated if version < (3, 12) => {
                Some("subinterpreters with their own GIL exist from 3.12")
            }
            Scenario::Reinit if version < (3, 8) => {
                Some("the reinit host embeds CPython 3.8 and newer")
            }
            _ => None,
        }
    }

    /// Whether the probe lets the interpreter finalize: the other scenarios
    /// end with `os._exit`, so a crash at exit is reported once, by the
    /// scenario that looks for it.
    pub fn finalizes(self) -> bool {
        self == Scenario::Shutdown
    }
}

#[cfg(test)]
mod tests {
    use super::Chosen;

    #[test]
    fn consecutive_versions_are_a_range() {
        let chosen = |v: &[(u32, u32)]| Chosen::new(v.iter().copied(), "why").ranges();
        assert_eq!(
            chosen(&[(3, 13), (3, 9), (3, 10), (3, 11), (3, 12), (3, 9)]),
            "3.9–3.13"
        );
        assert_eq!(chosen(&[(3, 8), (3, 10), (3, 11)]), "3.8, 3.10–3.11");
        assert_eq!(chosen(&[(3, 12)]), "3.12");
        assert_eq!(chosen(&[]), "none");
    }
}
