//! The host's report read back: one record per cycle, from the events the
//! host and `cycle.py` wrote (see host.rs for the protocol).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::probe::ExcInfo;

/// One object `cycle.py` found, by name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub(crate) struct Object {
    pub id: u64,
    /// `type`, `exception`, `function` or `object`.
    pub kind: String,
    /// It lies in the module's own library (a static type or object).
    #[serde(default)]
    pub library: bool,
}

/// An extension module loaded in a cycle, as the host read it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
pub(crate) struct ModuleFacts {
    /// The cycle whose runtime allocated the module object.
    pub born: Option<u32>,
    /// Made from a multi-phase definition (one with slots).
    pub multi_phase: bool,
    /// Its definition's `m_size`; none without a definition.
    pub m_size: Option<i64>,
}

/// What was still allocated after a cycle's `Py_FinalizeEx`: what every
/// runtime so far left behind and nothing has freed since.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
pub(crate) struct Left {
    /// Blocks Python allocated through its allocators, and their bytes.
    pub blocks: u64,
    pub bytes: u64,
    /// Immortal strings left, not among the blocks: CPython 3.12 and 3.13
    /// never free interned names at finalisation (tracker.rs).
    pub interned: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub(crate) struct Cycle {
    pub cycle: u32,
    pub imported: bool,
    pub error: Option<ExcInfo>,
    pub objects: BTreeMap<String, Object>,
    /// The cycle whose runtime allocated each object's memory block; none
    /// for an object outside every block Python allocated.
    pub born: BTreeMap<String, Option<u32>>,
    /// The extension modules loaded, the module's own among them, by name.
    #[serde(default)]
    pub modules: BTreeMap<String, ModuleFacts>,
    /// The module's public attributes that are `None` in this runtime.
    #[serde(default)]
    pub none_attributes: Vec<String>,
    /// `PyRun_SimpleString`'s status: -1 when `cycle.py` itself failed.
    pub script: Option<i32>,
    /// `Py_FinalizeEx`'s status: -1 when flushing the standard streams
    /// failed.
    pub finalize: Option<i32>,
    /// None until the runtime was finalised.
    pub left: Option<Left>,
}

/// Everything the host reported.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct HostReport {
    pub cycles: Vec<Cycle>,
    /// Every cycle ran to its end.
    pub done: bool,
    /// The host itself failed, and said why.
    pub error: Option<String>,
}

#[derive(Deserialize)]
struct CycleEvent {
    cycle: u32,
    imported: bool,
    error: Option<ExcInfo>,
    #[serde(default)]
    objects: BTreeMap<String, Object>,
    #[serde(default)]
    none_attributes: Vec<String>,
}

#[derive(Deserialize)]
struct BornEvent {
    cycle: u32,
    born: BTreeMap<String, Option<u32>>,
    #[serde(default)]
    modules: BTreeMap<String, ModuleFacts>,
}

#[derive(Deserialize)]
struct MemoryEvent {
    cycle: u32,
    script: i32,
    finalize: i32,
    #[serde(flatten)]
    left: Left,
}

/// Reads the report's lines; lines that are not the host's events (the
/// probe's phases, a line cut short by a crash) are skipped.
pub(crate) fn read(report: &[u8]) -> HostReport {
    let mut cycles: BTreeMap<u32, Cycle> = BTreeMap::new();
    let mut host = HostReport::default();
    let text = String::from_utf8_lossy(report);
    for line in text.lines() {
        let Ok(event) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        match event.get("event").and_then(Value::as_str) {
            Some("reinit-cycle") => {
                if let Ok(e) = CycleEvent::deserialize(&event) {
                    let c = entry(&mut cycles, e.cycle);
                    c.imported = e.imported;
                    c.error = e.error;
                    c.objects = e.objects;
                    c.none_attributes = e.none_attributes;
                }
            }
            Some("reinit-born") => {
                if let Ok(e) = BornEvent::deserialize(&event) {
                    let c = entry(&mut cycles, e.cycle);
                    c.born = e.born;
                    c.modules = e.modules;
                }
            }
            Some("reinit-memory") => {
                if let Ok(e) = MemoryEvent::deserialize(&event) {
                    let c = entry(&mut cycles, e.cycle);
                    c.script = Some(e.script);
                    c.finalize = Some(e.finalize);
                    c.left = Some(e.left);
                }
            }
            Some("reinit-done") => host.done = true,
            Some("reinit-error") => {
                host.error = event
                    .get("message")
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
            _ => {}
        }
    }
    host.cycles = cycles.into_values().collect();
    host
}

fn entry(cycles: &mut BTreeMap<u32, Cycle>, cycle: u32) -> &mut Cycle {
    cycles.entry(cycle).or_insert_with(|| Cycle {
        cycle,
        ..Cycle::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_become_cycle_records() {
        let report = br#"{"event": "phase", "phase": "reinit-initialize", "cycle": 1}
{"event": "reinit-cycle", "cycle": 1, "imported": true, "error": null, "objects": {"Counter": {"id": 16, "kind": "type", "library": false}}}
{"event": "reinit-born", "cycle": 1, "born": {"Counter": 1}}
{"event": "reinit-memory", "cycle": 1, "script": 0, "finalize": 0, "blocks": 3, "bytes": 96, "interned": 7}
{"event": "reinit-cycle", "cycle": 2, "imported": false, "error": {"type": "ImportError", "message": "no"}}
{"event": "reinit-me"#;
        let host = read(report);
        assert!(!host.done && host.error.is_none());
        assert_eq!(host.cycles.len(), 2);
        let first = &host.cycles[0];
        assert_eq!(first.born["Counter"], Some(1));
        assert_eq!(first.objects["Counter"].kind, "type");
        assert_eq!(
            first.left,
            Some(Left {
                blocks: 3,
                bytes: 96,
                interned: 7
            })
        );
        let second = &host.cycles[1];
        assert_eq!(
            second.error.as_ref().map(|e| e.kind.as_str()),
            Some("ImportError")
        );
        assert_eq!(second.left, None);
    }
}
