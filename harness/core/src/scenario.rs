//! The scenarios, each run in its own child process.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    Import,
    Reimport,
    Subinterpreter,
    Shutdown,
    Leaks,
}

impl Scenario {
    pub const ALL: [Scenario; 5] = [
        Scenario::Import,
        Scenario::Reimport,
        Scenario::Subinterpreter,
        Scenario::Shutdown,
        Scenario::Leaks,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Import => "import",
            Scenario::Reimport => "reimport",
            Scenario::Subinterpreter => "subinterpreter",
            Scenario::Shutdown => "shutdown",
            Scenario::Leaks => "leaks",
        }
    }

    pub fn parse(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether the probe lets the interpreter finalize: the other scenarios
    /// end with `os._exit`, so a crash at exit is reported once, by the
    /// scenario that looks for it.
    pub fn finalizes(self) -> bool {
        self == Scenario::Shutdown
    }
}
