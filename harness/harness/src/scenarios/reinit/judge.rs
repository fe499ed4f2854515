//! From the cycles' records to findings: refusals and import errors in a
//! new runtime, objects that outlived their runtime, and what each runtime
//! left behind beyond what CPython alone leaves.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::records::{Cycle, Left};
use super::reinit_leak::ReinitLeak;
use super::reinit_refused::ReinitRefused;
use super::reinit_stale_objects::ReinitStaleObjects;
use crate::probe::ExcInfo;
use crate::report::Finding;
use crate::verdict::leak::Measures;
use crate::verdict::{Context, import_error, is_import_error};

/// The scenario's result, as the probe's results are: a JSON value the
/// verdict reads back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ReinitResult {
    /// The first cycle imported the module.
    pub imported: bool,
    /// Every cycle ran to its end.
    pub completed: bool,
    /// Cycles before measuring (the first one included).
    pub warmups: u32,
    pub cycles: Vec<Cycle>,
    /// What each cycle of the same host left with no module imported.
    pub baseline: Vec<Left>,
    /// Per measured cycle: its growth beyond the baseline's growth in the
    /// same cycle, in blocks and bytes, less what CPython itself lost for
    /// handed-back modules (`cpython_losses`).
    pub measures: Measures,
    /// The name the module was imported under.
    pub module: String,
    /// Per measured cycle, the blocks and bytes subtracted from the growth:
    /// CPython's own loss for each module a create slot handed back.
    #[serde(default)]
    pub cpython_losses: Measures,
}

impl ReinitResult {
    pub(crate) fn new(
        module: &str,
        cycles: Vec<Cycle>,
        completed: bool,
        warmups: u32,
        baseline: Vec<Left>,
    ) -> ReinitResult {
        let mut measures = excess(&cycles, &baseline, warmups);
        let cpython_losses = handed_back_losses(&cycles, warmups, &measures);
        for (name, lost) in &cpython_losses {
            if let Some(growth) = measures.get_mut(name) {
                for (g, l) in growth.iter_mut().zip(lost) {
                    *g -= l;
                }
            }
        }
        ReinitResult {
            imported: cycles.first().is_some_and(|c| c.cycle == 1 && c.imported),
            completed,
            warmups,
            cycles,
            baseline,
            measures,
            module: module.to_string(),
            cpython_losses,
        }
    }

    /// The extension modules of cycle `cycle` (the module's own or its
    /// package's) whose module object an earlier runtime allocated.
    fn handed_back_in(&self, cycle: u32) -> Vec<&str> {
        self.cycles
            .iter()
            .filter(|c| c.cycle == cycle)
            .flat_map(|c| &c.modules)
            .filter(|(_, m)| m.born.is_some_and(|born| born < cycle))
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

/// What CPython itself loses, per measured cycle, for the modules a
/// multi-phase create slot hands back from an earlier runtime (Cython's
/// modules do: they keep their module object in a C static). For a
/// module object `Py_mod_create` returns, `PyModule_FromDefAndSpec2` sets
/// `md_state` to NULL without freeing it, and `PyModule_ExecDef` then
/// allocates a new `md_state` of `m_size` bytes (Objects/moduleobject.c,
/// 3.5 to 3.15; on 3.15 PEP 793 modules too, sized by `md_state_size`):
/// one block of `m_size` bytes per such module and runtime,
/// whatever the module does. Growth of cycle c over c-1 holds the block
/// cycle c-1 allocated and cycle c dropped.
fn handed_back_losses(cycles: &[Cycle], warmups: u32, measures: &Measures) -> Measures {
    let Some(measured) = measures.get("blocks").map(Vec::len) else {
        return Measures::new();
    };
    let mut blocks = vec![0; measured];
    let mut bytes = vec![0; measured];
    // Window k (from 0) of the measured growth ends with cycle warmups+1+k.
    for (k, cycle) in (warmups + 1..).take(measured).enumerate() {
        let Some(c) = cycles.iter().find(|c| c.cycle == cycle) else {
            continue;
        };
        for facts in c.modules.values() {
            let handed_back = facts.born.is_some_and(|born| born < cycle);
            if let (true, true, Some(size)) = (handed_back, facts.multi_phase, facts.m_size)
                && size >= 0
            {
                blocks[k] += 1;
                bytes[k] += size;
            }
        }
    }
    if blocks.iter().all(|b| *b == 0) {
        return Measures::new();
    }
    [("blocks".to_string(), blocks), ("bytes".to_string(), bytes)].into()
}

/// Each measured cycle's growth (what it added to what every runtime so
/// far left allocated) beyond the baseline's growth in the same cycle;
/// empty unless every cycle was finalised. Growth, not what the cycle
/// itself left: a C static holding the last runtime's objects until the
/// next initialisation frees them retains memory but does not leak it.
fn excess(cycles: &[Cycle], baseline: &[Left], warmups: u32) -> Measures {
    let mut measures = Measures::new();
    let left: Vec<Left> = cycles.iter().filter_map(|c| c.left).collect();
    if left.len() != baseline.len() || left.len() <= warmups as usize || warmups == 0 {
        return measures;
    }
    let growth = |of: &[Left], field: fn(&Left) -> u64| -> Vec<i64> {
        of.windows(2)
            .map(|w| field(&w[1]) as i64 - field(&w[0]) as i64)
            .skip(warmups as usize - 1)
            .collect()
    };
    for (name, field) in [
        ("blocks", (|l: &Left| l.blocks) as fn(&Left) -> u64),
        ("bytes", |l: &Left| l.bytes),
    ] {
        let deltas = growth(&left, field)
            .into_iter()
            .zip(growth(baseline, field))
            .map(|(m, b)| m - b)
            .collect();
        measures.insert(name.into(), deltas);
    }
    measures
}

/// An object of the module in a runtime after the first that is not that
/// runtime's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Stale {
    name: String,
    kind: String,
    /// The first cycle it was seen stale in.
    cycle: u32,
    /// The cycle whose runtime allocated it; none for a static object.
    allocated_in: Option<u32>,
    in_library: bool,
}

/// Findings from the host's result.
pub fn judge_result(
    result: &Value,
    _context: Context,
    findings: &mut Vec<Finding>,
) -> Result<(), String> {
    let result = ReinitResult::deserialize(result)
        .map_err(|e| format!("the reinit result does not parse: {e}"))?;
    if let Some(cycle) = result.cycles.iter().find(|c| c.script == Some(-1)) {
        return Err(format!(
            "the reinit cycle script failed in cycle {} (its traceback is on stderr)",
            cycle.cycle
        ));
    }
    let failed = first_failure(&result.cycles);
    // An import that fails where a finalised runtime's module objects were
    // handed back fails on what that runtime's finalisation cleared: said
    // once, with the stale modules, as what it is.
    let failed_on_stale = failed.filter(|(cycle, _)| !result.handed_back_in(*cycle).is_empty());
    if let (Some((cycle, error)), None) = (failed, failed_on_stale) {
        refusal(cycle, error, findings);
    }
    stale(&result, failed_on_stale, findings);
    leak(&result, findings);
    Ok(())
}

/// The first later runtime whose import failed, and how.
fn first_failure(cycles: &[Cycle]) -> Option<(u32, &ExcInfo)> {
    cycles
        .iter()
        .filter(|c| c.cycle > 1)
        .find_map(|c| c.error.as_ref().map(|e| (c.cycle, e)))
}

fn refusal(cycle: u32, error: &ExcInfo, findings: &mut Vec<Finding>) {
    let phase = format!("reinit-import (cycle {cycle})");
    if !is_import_error(error) {
        findings.push(import_error(error, &phase));
        return;
    }
    findings.push(
        Finding::new(
            &ReinitRefused::META,
            format!("a new runtime's import is refused: {}", error.describe()),
        )
        .with("phase", &phase)
        .with("exception", error.describe()),
    );
}

fn stale(
    result: &ReinitResult,
    failed_on_stale: Option<(u32, &ExcInfo)>,
    findings: &mut Vec<Finding>,
) {
    let cycles = &result.cycles;
    let mut found: BTreeMap<&str, Stale> = BTreeMap::new();
    for cycle in cycles.iter().filter(|c| c.cycle > 1 && c.imported) {
        for (name, object) in &cycle.objects {
            let allocated_in = cycle.born.get(name).copied().flatten();
            let earlier = allocated_in.is_some_and(|b| b < cycle.cycle);
            if (earlier || object.library) && !found.contains_key(name.as_str()) {
                found.insert(
                    name,
                    Stale {
                        name: name.clone(),
                        kind: object.kind.clone(),
                        cycle: cycle.cycle,
                        allocated_in,
                        in_library: object.library,
                    },
                );
            }
        }
    }
    // The module's own object, handed back in a later runtime: every
    // attribute that runtime's finalisation cleared is None.
    let module = cycles
        .iter()
        .filter(|c| c.cycle > 1)
        .find(|c| {
            result
                .handed_back_in(c.cycle)
                .contains(&result.module.as_str())
        })
        .map(|c| {
            let born = c.modules[&result.module].born.unwrap_or(1);
            let first: &[String] = cycles
                .first()
                .map(|c| c.none_attributes.as_slice())
                .unwrap_or_default();
            let cleared: Vec<String> = c
                .none_attributes
                .iter()
                .filter(|name| !first.contains(name))
                .cloned()
                .collect();
            (c.cycle, born, cleared)
        });
    if found.is_empty() && module.is_none() && failed_on_stale.is_none() {
        return;
    }
    let mut parts = Vec::new();
    if let Some((cycle, born, cleared)) = &module {
        let mut part =
            format!("the import in runtime {cycle} hands back runtime {born}'s module object");
        if !cleared.is_empty() {
            part.push_str(&format!(
                ", whose attributes that runtime's finalisation set to None ({} of them: {})",
                cleared.len(),
                crate::verdict::names(cleared)
            ));
        }
        parts.push(part);
    }
    let failure = failed_on_stale.map(|(cycle, error)| {
        let others: Vec<String> = result
            .handed_back_in(cycle)
            .into_iter()
            .filter(|name| *name != result.module)
            .map(str::to_string)
            .collect();
        let mut part = format!(
            "importing it in runtime {cycle} then failed: {}",
            error.describe()
        );
        if module.is_none() {
            part = format!(
                "importing it in runtime {cycle} failed ({}), with module objects of a finalised runtime handed back: {}",
                error.describe(),
                crate::verdict::names(&others)
            );
        }
        parts.push(part);
        serde_json::json!({
            "cycle": cycle,
            "exception": error.describe(),
            "handed_back": others,
        })
    });
    let described: Vec<String> = found
        .values()
        .map(|s| match s.allocated_in {
            Some(born) => format!(
                "{} ({}, from runtime {born}, in runtime {})",
                s.name, s.kind, s.cycle
            ),
            None => format!("{} (static {} in the module's library)", s.name, s.kind),
        })
        .collect();
    if !described.is_empty() {
        parts.push(format!(
            "a new runtime gets objects of a finalised one: {}",
            crate::verdict::names(&described)
        ));
    }
    let stale: Vec<&Stale> = found.values().collect();
    let mut finding = Finding::new(&ReinitStaleObjects::META, parts.join("; "))
        .with("stale_objects", (!stale.is_empty()).then_some(&stale));
    if let Some((cycle, born, cleared)) = module {
        finding = finding.with(
            "stale_module",
            serde_json::json!({
                "cycle": cycle,
                "allocated_in": born,
                "cleared_attributes": cleared,
            }),
        );
    }
    findings.push(finding.with("failure", failure));
}

/// regrtest's rule (leak.rs) on the blocks: every measured cycle grows
/// by at least one block more than the baseline's. The baseline's growth
/// repeats exactly from run to run on every version (3.8: 1,065 blocks a
/// cycle, 3.9: 1,057, 3.10 on: none), and a module that leaks nothing
/// grows exactly as much from the third cycle on; the bytes are reported
/// but not judged (a block grown by `realloc` is not a new leak, and they
/// do vary by some hundreds).
fn leak(result: &ReinitResult, findings: &mut Vec<Finding>) {
    let Some(blocks) = result.measures.get("blocks") else {
        return;
    };
    let judged: Measures = [("blocks".to_string(), blocks.clone())].into();
    if !crate::verdict::leak::judge(&judged).leaks() {
        return;
    }
    let bytes = result.measures.get("bytes").cloned().unwrap_or_default();
    let baseline: Vec<u64> = result.baseline.iter().map(|b| b.blocks).collect();
    findings.push(
        Finding::new(
            &ReinitLeak::META,
            format!(
                "each new runtime leaves more memory behind than CPython alone does: {blocks:?} memory blocks ({bytes:?} bytes) per measured cycle beyond the baseline"
            ),
        )
        .with("deltas", &result.measures)
        .with("baseline_blocks", baseline)
        .with("warmups", result.warmups)
        .with(
            "cpython_losses",
            (!result.cpython_losses.is_empty()).then_some(&result.cpython_losses),
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::reinit::records::ModuleFacts;
    use crate::scenarios::reinit::records::Object;

    fn left(blocks: u64) -> Left {
        Left {
            blocks,
            bytes: blocks * 100,
            interned: 0,
        }
    }

    fn cycles(blocks: &[u64]) -> Vec<Cycle> {
        blocks
            .iter()
            .enumerate()
            .map(|(i, b)| Cycle {
                cycle: i as u32 + 1,
                imported: true,
                left: Some(left(*b)),
                ..Cycle::default()
            })
            .collect()
    }

    fn verdict(result: &ReinitResult) -> Vec<Finding> {
        let mut findings = Vec::new();
        let value = serde_json::to_value(result).unwrap();
        let context = Context {
            references: false,
            debug_interpreter: false,
        };
        assert_eq!(judge_result(&value, context, &mut findings), Ok(()));
        findings
    }

    #[test]
    fn growth_beyond_the_baseline_after_the_warmups_is_measured() {
        // CPython 3.8 alone grows by about a thousand blocks a cycle.
        let baseline: Vec<Left> = [6000, 7000, 8000, 9000, 10000].map(left).into();
        let module = cycles(&[6100, 7114, 8128, 9142, 10156]);
        let result = ReinitResult::new("m", module, true, 2, baseline.clone());
        assert_eq!(result.measures["blocks"], [14, 14, 14]);
        let findings = verdict(&result);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].check, "reinit-leak");

        // Held until the next runtime frees it: the level rises once.
        let retained = cycles(&[6010, 7010, 8010, 9010, 10010]);
        let result = ReinitResult::new("m", retained, true, 2, baseline.clone());
        assert_eq!(result.measures["blocks"], [0, 0, 0]);
        assert!(verdict(&result).is_empty());

        // A cycle that did not grow: no leak, as regrtest rules.
        let settling = cycles(&[6000, 7003, 8005, 9005, 10006]);
        let result = ReinitResult::new("m", settling, true, 2, baseline.clone());
        assert!(verdict(&result).is_empty());

        // A host that died measured nothing.
        let result = ReinitResult::new("m", cycles(&[6000, 7000]), false, 2, baseline);
        assert!(result.measures.is_empty());
    }

    fn object(id: u64, library: bool) -> Object {
        Object {
            id,
            kind: "type".to_string(),
            library,
        }
    }

    #[test]
    fn stale_objects_are_those_an_earlier_runtime_allocated_whatever_their_address() {
        let mut runs = cycles(&[1, 1, 1]);
        for c in &mut runs {
            // The same address in every runtime: a fresh object where the
            // last one was, for `Fresh`; the very same one for `Cached`.
            c.objects.insert("Fresh".into(), object(0x1000, false));
            c.born.insert("Fresh".into(), Some(c.cycle));
            c.objects.insert("Cached".into(), object(0x2000, false));
            c.born.insert("Cached".into(), Some(1));
            c.objects.insert("Static".into(), object(0x3000, true));
            c.born.insert("Static".into(), None);
        }
        let findings = verdict(&ReinitResult::new("m", runs, true, 2, vec![]));
        assert_eq!(findings.len(), 1);
        let stale = findings[0].evidence["stale_objects"].as_array().unwrap();
        let names: Vec<&str> = stale.iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Cached", "Static"]);
        assert_eq!(stale[0]["allocated_in"], 1);
        assert_eq!(stale[0]["cycle"], 2);
    }

    fn failing(kind: &str) -> Vec<Cycle> {
        let mut runs = cycles(&[1, 1, 1]);
        for c in runs.iter_mut().skip(1) {
            c.imported = false;
            c.error = Some(ExcInfo {
                kind: kind.to_string(),
                message: "cannot load module more than once per process".to_string(),
                chain: Vec::new(),
                traceback: String::new(),
            });
        }
        runs
    }

    #[test]
    fn an_import_error_in_a_later_runtime_is_a_refusal_and_other_errors_are_import_errors() {
        let findings = verdict(&ReinitResult::new(
            "m",
            failing("ImportError"),
            true,
            2,
            vec![],
        ));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].check, "reinit-refused");
        assert_eq!(findings[0].evidence["phase"], "reinit-import (cycle 2)");

        let findings = verdict(&ReinitResult::new(
            "m",
            failing("RuntimeError"),
            true,
            2,
            vec![],
        ));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].check, "import-error");
        assert_eq!(findings[0].evidence["phase"], "reinit-import (cycle 2)");
    }

    /// Cython's kind of module: runtime 1's object, multi-phase, m_size 0.
    fn handed_back(cycle: &mut Cycle) {
        let facts = ModuleFacts {
            born: Some(1),
            multi_phase: true,
            m_size: Some(0),
        };
        cycle.modules.insert("m".into(), facts);
    }

    #[test]
    fn a_module_handed_back_from_a_finalised_runtime_is_stale_and_cpythons_block_is_not_a_leak() {
        let baseline: Vec<Left> = [100, 100, 100, 100, 100].map(left).into();
        // CPython's md_state of the handed-back module: one block a cycle
        // from the second on, 0 bytes for m_size 0.
        let mut runs = cycles(&[100, 101, 102, 103, 104]);
        for c in &mut runs {
            c.left = c.left.map(|l| Left { bytes: 10_000, ..l });
            handed_back(c);
            c.none_attributes = if c.cycle == 1 {
                vec!["unset".into()]
            } else {
                vec!["Element".into(), "unset".into()]
            };
        }
        let result = ReinitResult::new("m", runs.clone(), true, 2, baseline.clone());
        assert_eq!(result.measures["blocks"], [0, 0, 0]);
        assert_eq!(result.cpython_losses["blocks"], [1, 1, 1]);
        let findings = verdict(&result);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].check, "reinit-stale-objects");
        assert_eq!(
            findings[0].message,
            "the import in runtime 2 hands back runtime 1's module object, whose attributes \
             that runtime's finalisation set to None (1 of them: Element)"
        );

        // A single-phase module's cached object costs CPython nothing: its
        // growth stays the module's.
        for c in &mut runs {
            c.modules.get_mut("m").unwrap().multi_phase = false;
        }
        let result = ReinitResult::new("m", runs, true, 2, baseline);
        assert_eq!(result.measures["blocks"], [1, 1, 1]);
        let checks: Vec<&str> = verdict(&result).iter().map(|f| f.check).collect();
        assert_eq!(checks, ["reinit-stale-objects", "reinit-leak"]);
    }

    #[test]
    fn a_failure_of_a_handed_back_module_is_told_with_it_not_as_an_import_error() {
        let mut runs = failing("TypeError");
        for c in &mut runs {
            handed_back(c);
        }
        let findings = verdict(&ReinitResult::new("m", runs, true, 2, vec![]));
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].check, "reinit-stale-objects");
        assert!(
            findings[0]
                .message
                .ends_with("importing it in runtime 2 then failed: TypeError: cannot load module more than once per process"),
            "{}",
            findings[0].message
        );
    }
}
