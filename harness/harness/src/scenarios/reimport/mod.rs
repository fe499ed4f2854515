//! The reimport scenario: drop the module from `sys.modules`, import it
//! again, and compare (`reimport.py`): a re-import that hands back the
//! first import's objects keeps singleton state, one that raises refuses
//! a second import, and one whose measures grow by the leak rule leaks.

pub mod reimport_leak;
pub mod reimport_refused;
pub mod singleton_state;

use checkmeta::CheckMeta;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::probe::ExcInfo;
use crate::report::Finding;
use crate::verdict::leak::{Attribution, Measures};
use crate::verdict::reimport_crash::ReimportCrash;
use crate::verdict::{self, Context, import_error, is_import_error, leak_finding, names};
use reimport_leak::ReimportLeak;
use reimport_refused::ReimportRefused;
use singleton_state::SingletonState;

/// The checks this scenario exists to find (its crash the verdict raises).
pub const CHECKS: &[CheckMeta] = &[
    SingletonState::META,
    ReimportRefused::META,
    ReimportLeak::META,
    ReimportCrash::META,
];

#[derive(Deserialize)]
struct ReimportResult {
    #[serde(default)]
    cycles: u32,
    error: Option<ExcInfo>,
    #[serde(default)]
    same: Vec<Same>,
    #[serde(default)]
    measures: Measures,
    /// Every re-import handed back the first module object.
    #[serde(default)]
    handed_back: bool,
    /// Only when the measured cycles grew.
    #[serde(default)]
    attribution: Option<Attribution>,
}

#[derive(Deserialize, Serialize)]
struct Same {
    name: String,
    kind: String,
}

pub fn judge_result(
    result: &Value,
    context: Context,
    findings: &mut Vec<Finding>,
) -> Result<(), String> {
    let r: ReimportResult = verdict::parse("reimport", result)?;
    if !r.same.is_empty() {
        let same: Vec<String> = r
            .same
            .iter()
            .map(|s| format!("{} ({})", s.name, s.kind))
            .collect();
        findings.push(
            Finding::new(
                &SingletonState::META,
                format!(
                    "a re-import hands back the first import's objects: {}",
                    names(&same)
                ),
            )
            .with("same_objects", &r.same),
        );
    }
    if let Some(error) = &r.error {
        let phase = format!("reimport (cycle {})", r.cycles + 1);
        if is_import_error(error) {
            findings.push(
                Finding::new(
                    &ReimportRefused::META,
                    format!(
                        "the module refuses a second import: {}: {}",
                        error.kind, error.message
                    ),
                )
                .with("phase", &phase)
                .with("exception", format!("{}: {}", error.kind, error.message)),
            );
        } else {
            findings.push(import_error(error, &phase));
        }
    }
    let leak = leak_finding(
        &ReimportLeak::META,
        "re-importing leaks",
        &without_cpythons_block(&r),
        r.attribution.as_ref(),
        context,
        findings,
    );
    if let Some(leak) = leak
        && r.handed_back
    {
        leak.evidence.insert("not_counted".into(), cpythons_block());
    }
    Ok(())
}

/// The rule [`without_cpythons_block`] applied, as evidence: what it
/// subtracted from `deltas` and where CPython loses it.
fn cpythons_block() -> Value {
    serde_json::json!({
        "rule": "handed-back-module",
        "blocks_per_run": 1,
        "why": "every re-import handed back the module Py_mod_create made before: \
            PyModule_FromDefAndSpec2 sets its md_state to NULL and PyModule_ExecDef \
            allocates md_state anew, so CPython itself loses the previous block",
        "source": "Objects/moduleobject.c (PyModule_FromDefAndSpec2, PyModule_ExecDef)",
    })
}

/// The measures less what CPython itself loses per re-import of a module
/// whose `Py_mod_create` hands back the module it made before (Cython's
/// does): `PyModule_FromDefAndSpec2` sets that module's `md_state` to NULL,
/// and `PyModule_ExecDef` then allocates its state anew (`PyMem_Malloc`
/// of `m_size` bytes, a block even for 0), so the previous allocation is
/// lost: one block per re-import, whatever the module does
/// (`Objects/moduleobject.c`; measured on 3.8, 3.11, 3.12 and 3.13 with a C module of
/// that shape). The module's own leaks
/// are what remains.
fn without_cpythons_block(r: &ReimportResult) -> Measures {
    let mut measures = r.measures.clone();
    if r.handed_back
        && let Some(blocks) = measures.get_mut("blocks")
    {
        for delta in blocks {
            *delta -= 1;
        }
    }
    measures
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTEXT: Context = Context {
        references: false,
        debug_interpreter: false,
    };

    #[test]
    fn the_same_objects_are_singleton_state() {
        let result = serde_json::json!({
            "scenario": "reimport", "imported": true, "cycles": 9, "error": null,
            "same": [{"name": "cache", "kind": "dict"}],
            "warmups": 3, "measures": {"blocks": [0, 0, 0]}, "interned_correction": true,
        });
        let mut findings = Vec::new();
        judge_result(&result, CONTEXT, &mut findings).unwrap();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].check, "singleton-state");
        assert_eq!(
            findings[0].message,
            "a re-import hands back the first import's objects: cache (dict)"
        );
    }

    /// One block per re-import is CPython's when the module hands back the
    /// module it made before; a second one is the module's.
    #[test]
    fn cpythons_block_per_handed_back_module_is_not_the_modules() {
        let result = |handed_back: bool, blocks: &[i64]| {
            serde_json::json!({
                "cycles": 9, "error": null, "same": [], "handed_back": handed_back,
                "measures": {"blocks": blocks, "descriptors": [0, 0, 0]},
            })
        };
        let judged = |value: serde_json::Value| {
            let mut findings = Vec::new();
            judge_result(&value, CONTEXT, &mut findings).unwrap();
            findings
        };
        assert!(judged(result(true, &[1, 1, 1])).is_empty());
        let leaks = judged(result(false, &[1, 1, 1]));
        assert_eq!(leaks[0].check, "reimport-leak");
        let more = judged(result(true, &[2, 2, 2]));
        assert_eq!(
            more[0].message,
            "re-importing leaks: memory blocks [1, 1, 1] per measured run (verdict on memory blocks, file descriptors)"
        );
        // What was subtracted, and why, is in the evidence.
        let rule = &more[0].evidence["not_counted"];
        assert_eq!(rule["rule"], "handed-back-module");
        assert_eq!(rule["blocks_per_run"], 1);
        assert!(
            rule["source"]
                .as_str()
                .unwrap()
                .starts_with("Objects/moduleobject.c")
        );
        assert!(!leaks[0].evidence.contains_key("not_counted"));
    }

    /// The attribution pass's types and sites end up in the evidence, and
    /// the top type in the message.
    #[test]
    fn a_leak_says_what_leaked() {
        let result = serde_json::json!({
            "cycles": 9, "error": null, "same": [], "handed_back": false,
            "measures": {"blocks": [2, 2, 2]},
            "attribution": {
                "runs": 3,
                "sites": [{"site": "<frozen importlib._bootstrap>:228", "origin": "import",
                           "count": 6, "size": 400, "frames": ["<frozen importlib._bootstrap>:228"]}],
                "types": [{"type": "dict", "count": 3}],
            },
        });
        let mut findings = Vec::new();
        judge_result(&result, CONTEXT, &mut findings).unwrap();
        assert!(
            findings[0]
                .message
                .ends_with("; most: 1 dict object/run surviving"),
            "{}",
            findings[0].message
        );
        assert_eq!(
            findings[0].evidence["allocation_sites"][0]["blocks_per_run"],
            2
        );
        assert_eq!(findings[0].evidence["surviving_types"][0]["type"], "dict");
    }

    /// A result the probe and this type disagree on is the harness's
    /// failure, never a pass.
    #[test]
    fn a_malformed_result_is_a_harness_error() {
        let result = serde_json::json!({"cycles": "nine", "same": []});
        let error = judge_result(&result, CONTEXT, &mut Vec::new()).unwrap_err();
        assert!(
            error.starts_with("the probe's reimport result is malformed: "),
            "{error}"
        );
    }
}
