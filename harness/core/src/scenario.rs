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
    Shutdown,
    Leaks,
}

impl Scenario {
    pub const ALL: [Scenario; 6] = [
        Scenario::Import,
        Scenario::Reimport,
        Scenario::SubinterpreterLegacy,
        Scenario::SubinterpreterIsolated,
        Scenario::Shutdown,
        Scenario::Leaks,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Import => "import",
            Scenario::Reimport => "reimport",
            Scenario::SubinterpreterLegacy => "subinterpreter-legacy",
            Scenario::SubinterpreterIsolated => "subinterpreter-isolated",
            Scenario::Shutdown => "shutdown",
            Scenario::Leaks => "leaks",
        }
    }

    /// Why this scenario cannot run on a version, if it cannot.
    pub fn unavailable_on(self, version: (u32, u32)) -> Option<&'static str> {
        (self == Scenario::SubinterpreterIsolated && version < (3, 12))
            .then_some("subinterpreters with their own GIL exist from 3.12")
    }

    /// Whether the probe lets the interpreter finalize: the other scenarios
    /// end with `os._exit`, so a crash at exit is reported once, by the
    /// scenario that looks for it.
    pub fn finalizes(self) -> bool {
        self == Scenario::Shutdown
    }
}
