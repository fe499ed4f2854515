//! The harness's side of the conversation with the probe: the probe's
//! source, the configuration it sends and the JSON-lines events it reads
//! back from file descriptor 3.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The probe's source, written into each scenario's private directory as
/// one file: what every scenario uses, each scenario's own Python (beside
/// its Rust half), and the entry point.
pub const SOURCE: &str = concat!(
    include_str!("common.py"),
    "\n\n",
    include_str!("../scenarios/import/import.py"),
    "\n\n",
    include_str!("../scenarios/reimport/reimport.py"),
    "\n\n",
    include_str!("../scenarios/subinterpreter/subinterpreter.py"),
    "\n\n",
    include_str!("../scenarios/shutdown/shutdown.py"),
    "\n\n",
    include_str!("../scenarios/leaks/leaks.py"),
    "\n\n",
    include_str!("../scenarios/exercise/exercise.py"),
    "\n\n",
    include_str!("main.py"),
);

/// What to import: by path under `name`, or by `name` alone when `path` is
/// None (`--module`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    pub name: String,
    pub path: Option<PathBuf>,
    /// Directories put first on `sys.path` (an extracted wheel's root).
    pub sys_path: Vec<PathBuf>,
}

/// The user's workload for the leaks (and shutdown) scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Workload {
    /// A Python file defining `run()`.
    File { path: PathBuf },
    /// Code run as is, with the module bound to its name and to `module`.
    Code { code: String },
}

/// The probe's command line argument.
#[derive(Debug, Clone, Serialize)]
pub struct Config<'a> {
    pub scenario: &'a str,
    pub target: &'a Target,
    pub warmups: u32,
    pub runs: u32,
    pub no_call: &'a [String],
    pub workload: Option<&'a Workload>,
    /// `--no-exercise` globs: callables the exercise scenario skips.
    pub no_exercise: &'a [String],
    /// Seconds one exercised call may take before the probe interrupts it.
    pub call_limit: f64,
    /// Seconds after which faulthandler dumps every thread's Python stack,
    /// shortly before the harness would kill the child.
    pub dump_after: Option<f64>,
}

/// An exception as the probe reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ExcInfo {
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    /// The exception, then its `__cause__`/`__context__`, outermost first.
    #[serde(default)]
    pub chain: Vec<ChainLink>,
    #[serde(default)]
    pub traceback: String,
}

impl ExcInfo {
    /// The exception the module's package raised on import, when the probe
    /// wrapped one in its `ParentImportFailed` (probe/common.py: `load`).
    pub fn parent_failure(&self) -> Option<&ChainLink> {
        (self.kind.rsplit('.').next() == Some("ParentImportFailed"))
            .then(|| self.chain.get(1))
            .flatten()
    }

    /// `Kind: message`, for messages; a package's failure as the probe
    /// words it ("importing its package spam raised ...").
    pub fn describe(&self) -> String {
        if self.kind.rsplit('.').next() == Some("ParentImportFailed") {
            self.message.clone()
        } else {
            format!("{}: {}", self.kind, self.message)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ChainLink {
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
}

/// One line the probe wrote.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum Event {
    Hello {
        version: [u32; 3],
        debug: bool,
    },
    Phase {
        phase: String,
        #[serde(default)]
        kind: Option<String>,
        #[serde(default)]
        cycle: Option<u32>,
        #[serde(default)]
        run: Option<u32>,
        /// The module function being called.
        #[serde(default)]
        function: Option<String>,
        /// The arguments it is called with, as the exercise scenario
        /// names their shape: `(None, int)`.
        #[serde(default)]
        shape: Option<String>,
    },
    Result(serde_json::Value),
}

impl Event {
    /// The phase with its detail, as reports name it: `reimport (cycle 2)`,
    /// `subinterpreter-import (isolated)`.
    pub fn phase_label(&self) -> Option<String> {
        let Event::Phase {
            phase,
            kind,
            cycle,
            run,
            function,
            shape,
        } = self
        else {
            return None;
        };
        let detail = match (kind, cycle, run) {
            (Some(kind), _, _) => format!(" ({kind})"),
            (_, Some(cycle), _) => format!(" (cycle {cycle})"),
            (_, _, Some(0)) => " (setup)".to_string(),
            (_, _, Some(run)) => format!(" (run {run})"),
            _ => String::new(),
        };
        let call = match (function, shape) {
            (Some(f), Some(shape)) => format!(", calling {f}{shape}"),
            (Some(f), None) => format!(", calling {f}()"),
            _ => String::new(),
        };
        Some(format!("{phase}{detail}{call}"))
    }
}

/// The events in order; lines that are not events (a child that wrote
/// garbage to fd 3, a line cut short by a crash) are skipped.
pub fn parse_events(report: &[u8]) -> Vec<Event> {
    json_lines(report)
}

/// Every line of a JSON-lines side channel that parses as `T`, in order:
/// the probe's, the reinit host's and the pytest plugin's.
pub(crate) fn json_lines<T: serde::de::DeserializeOwned>(report: &[u8]) -> Vec<T> {
    String::from_utf8_lossy(report)
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `main.py` calls `scenario_<name>` for a scenario: each scenario the
    /// probe runs (all but reinit, which has a host of its own) must have
    /// its part in [`SOURCE`].
    #[test]
    fn every_probe_scenario_has_its_function() {
        for scenario in crate::report::Scenario::ALL {
            if scenario == crate::report::Scenario::Reinit {
                continue;
            }
            let function = format!("scenario_{}", scenario.name().replace('-', "_"));
            let defined = SOURCE.contains(&format!("\ndef {function}("))
                || SOURCE.contains(&format!("\n{function} = "));
            assert!(defined, "the probe has no {function}");
        }
    }

    #[test]
    fn events_parse_and_truncated_lines_are_skipped() {
        let text = b"{\"event\": \"hello\", \"version\": [3, 12, 1], \"debug\": false}\n\
{\"event\": \"phase\", \"phase\": \"reimport\", \"cycle\": 2}\n\
{\"event\": \"result\", \"scenario\": \"import\", \"imported\": true}\n\
{\"event\": \"phase\", \"pha";
        let events = parse_events(text);
        assert_eq!(events.len(), 3);
        assert_eq!(
            events[1].phase_label().as_deref(),
            Some("reimport (cycle 2)")
        );
        assert!(matches!(events[2], Event::Result(_)));
    }
}
