//! The conversation with the pytest plugin (`extharness_leaks.py`): the
//! configuration file it reads, and the JSON-lines events it writes on
//! file descriptor 3.

use serde::{Deserialize, Serialize};

use crate::verdict::leak::{Attribution, Measures};

/// The plugin's source, written into the session's private directory.
pub const PLUGIN: &str = include_str!("extharness_leaks.py");
/// The name `-p` loads it under (the file's name without `.py`).
pub const PLUGIN_MODULE: &str = "extharness_leaks";
/// The name the plugin imports the harness's probe under, for its `Meter`.
pub const PROBE_MODULE: &str = "_extharness_probe";
/// The environment variable naming the configuration file.
pub const CONFIG_VAR: &str = "EXTHARNESS_PYTEST_CONFIG";

/// What the plugin reads from the file named by [`CONFIG_VAR`].
#[derive(Debug, Clone, Serialize)]
pub struct Config<'a> {
    pub warmups: u32,
    pub runs: u32,
    /// Seconds: faulthandler's watchdog, re-armed at every run of every
    /// test, ends the process past it.
    pub timeout: f64,
    /// Seconds, the same for collection and for the session's end.
    pub session_timeout: f64,
    /// Node ids to drop after collection: the tests an earlier session
    /// finished or died in.
    pub deselect: &'a [String],
}

/// One line the plugin wrote.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum Event {
    Hello {
        version: [u32; 3],
        debug: bool,
        pytest: String,
        executable: String,
        ext_suffix: String,
    },
    /// The tests this session will run, after every deselection.
    Collected {
        nodeids: Vec<String>,
    },
    Start {
        nodeid: String,
    },
    Run {
        nodeid: String,
        /// 1-based; warm-ups first, then measured runs, then pytest's own.
        run: u32,
        kind: RunKind,
    },
    Test(TestEvent),
    /// The session ended (pytest's `pytest_sessionfinish`).
    Done {
        exitstatus: i32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunKind {
    Warmup,
    Measured,
    /// A run of the attribution pass, after measured runs that grew.
    Attribution,
    /// The run pytest itself reports, after the repetitions.
    Reported,
}

/// A test's end: what the repetitions measured and how pytest's own run went.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TestEvent {
    pub nodeid: String,
    /// Repetitions completed (warm-ups and measured runs).
    pub runs: u32,
    /// Per-run deltas of the measured runs; absent when a run stopped early.
    pub measures: Option<Measures>,
    /// The repetition that failed or skipped, which ended the repetitions.
    pub stopped: Option<Stopped>,
    /// pytest's reports of its own run: setup, call, teardown.
    #[serde(default)]
    pub phases: Vec<Phase>,
    /// Loaded extension modules not built for this interpreter.
    #[serde(default)]
    pub other_builds: Vec<String>,
    /// What the measured runs' growth is made of, when they grew.
    #[serde(default)]
    pub attribution: Option<Attribution>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Stopped {
    pub run: u32,
    pub when: String,
    pub outcome: String,
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Phase {
    pub when: String,
    /// `passed`, `failed`, `skipped`, `error` (setup or teardown failed),
    /// `xfailed`, `xpassed`.
    pub outcome: String,
    pub message: Option<String>,
}

/// Every complete line that parses; a line cut short by a crash does not.
pub fn parse_events(report: &[u8]) -> Vec<Event> {
    crate::probe::json_lines(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_parse_and_a_torn_line_is_dropped() {
        let text = br#"{"event": "hello", "version": [3, 11, 2], "debug": true, "pytest": "7.2.1", "executable": "/usr/bin/python3.11d", "ext_suffix": ".cpython-311d-x86_64-linux-gnu.so"}
{"event": "collected", "nodeids": ["t.py::a", "t.py::b"]}
{"event": "start", "nodeid": "t.py::a"}
{"event": "run", "nodeid": "t.py::a", "run": 1, "kind": "warmup"}
{"event": "test", "nodeid": "t.py::a", "runs": 9, "measures": {"blocks": [1, 1]}, "stopped": null, "phases": [{"when": "call", "outcome": "passed", "message": null}], "other_builds": [], "attribution": {"runs": 3, "sites": [{"site": "t.py:4", "origin": "user", "count": 3, "size": 48, "frames": ["t.py:4"]}], "types": []}}
{"event": "done", "exitstatus": 0}
{"event": "start", "nodeid": "t.py::b"
"#;
        let events = parse_events(text);
        assert_eq!(events.len(), 6);
        assert!(matches!(&events[0], Event::Hello { debug: true, .. }));
        assert_eq!(
            events[3],
            Event::Run {
                nodeid: "t.py::a".into(),
                run: 1,
                kind: RunKind::Warmup
            }
        );
        let Event::Test(test) = &events[4] else {
            panic!("{:?}", events[4]);
        };
        assert_eq!(test.measures.as_ref().unwrap()["blocks"], [1, 1]);
        assert_eq!(test.attribution.as_ref().unwrap().sites[0].site, "t.py:4");
        assert_eq!(events[5], Event::Done { exitstatus: 0 });
    }
}
