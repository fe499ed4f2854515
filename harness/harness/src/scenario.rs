//! The scenarios, each run in its own child process.

use serde::Serialize;

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

    /// The findings this scenario exists to find. Every child imports the
    /// module, may call it and finalises, so the findings of those steps
    /// ([`Scenario::ANYWHERE`]) can come out of any scenario as well.
    pub fn checks(self) -> &'static [&'static str] {
        match self {
            Scenario::Import => &["import-error"],
            Scenario::Reimport => &[
                "singleton-state",
                "reimport-refused",
                "reimport-leak",
                "reimport-crash",
            ],
            Scenario::SubinterpreterLegacy | Scenario::SubinterpreterIsolated => &[
                "subinterpreter-refused",
                "subinterpreter-shared-objects",
                "subinterpreter-crash",
            ],
            Scenario::Reinit => &[
                "reinit-refused",
                "reinit-stale-objects",
                "reinit-leak",
                "reinit-crash",
            ],
            Scenario::Shutdown => &[],
            Scenario::Leaks => &["call-leak", "workload-error"],
            Scenario::Exercise => &["call-leak"],
        }
    }

    /// Findings any scenario's child can end with.
    pub const ANYWHERE: [&'static str; 7] = [
        "import-crash",
        "call-crash",
        "shutdown-crash",
        "shutdown-hang",
        "scenario-timeout",
        "memory-corruption",
        "gil-misuse",
    ];

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
    use super::*;

    /// A JUnit report lists a module's checks from these lists: a finding
    /// missing from them would pass silently there.
    #[test]
    fn every_check_run_by_a_scenario_is_listed_for_one() {
        let listed: Vec<&str> = Scenario::ALL
            .iter()
            .flat_map(|s| s.checks().iter().copied())
            .chain(Scenario::ANYWHERE)
            .collect();
        for meta in crate::checks::CHECKS {
            let pytest_only = meta.id.starts_with("test-");
            assert_eq!(
                listed.contains(&meta.id),
                !pytest_only,
                "{} is listed {} times",
                meta.id,
                listed.iter().filter(|id| **id == meta.id).count()
            );
        }
        for id in listed {
            assert!(crate::checks::lookup(id).is_some(), "{id} is no finding");
        }
    }
}
