//! `gil-required`: the module does not declare that it runs without the
//! GIL, so a free-threaded CPython turns the GIL back on to load it.

use super::Declared;
use crate::report::Finding;

checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a module that does not declare `Py_MOD_GIL_NOT_USED`, so
    /// that a free-threaded CPython (3.13t, 3.14t, 3.15t) re-enables the
    /// GIL for the whole process when it imports it. On a GIL-enabled
    /// CPython 3.13 or newer it is decided from what the module declares,
    /// read after the import: the `Py_mod_gil` slot of the `PyModuleDef`
    /// a multi-phase `PyInit_` returned, or of the `PySlot` array a PEP 793
    /// `PyModExport_` hook returns (3.15; the hook is called again, which
    /// its contract allows). On a free-threaded CPython it is decided by
    /// what happened: `sys._is_gil_enabled()` turned true during the
    /// module's own import, in a process of its own (the harness runs each
    /// module's import in a fresh child), so the warning CPython prints
    /// only for the first such module cannot hide the others. No
    /// free-threaded CPython is available where extinspect is tested:
    /// that path is covered by unit tests of its decision only.
    ///
    /// Not decided (no finding): before 3.13, where the slot does not
    /// exist; for a GIL build of a Cython, pybind11 or nanobind module
    /// without the slot, since those write it only into free-threaded
    /// builds (Cython's `#if CYTHON_COMPILING_IN_CPYTHON_FREETHREADING`,
    /// pybind11's `#ifdef Py_GIL_DISABLED`), so that its absence says
    /// nothing about the module's `t` build; for a single-phase module on a GIL-enabled CPython, whose
    /// only way to declare is a call to `PyUnstable_Module_SetGIL`, a
    /// function that exists only in free-threaded builds (so a GIL build
    /// never shows it); and when the GIL was already on before the module
    /// was imported (its package, or `PYTHON_GIL=1`). The evidence says
    /// what was read and how.
    ///
    /// ## Why is this bad?
    /// One such module anywhere in a program puts the whole process back
    /// on the GIL: every thread is serialised again and the free-threaded
    /// build's point is lost, with one `RuntimeWarning` ("The global
    /// interpreter lock (GIL) has been enabled to load module ...") for the
    /// first culprit only. Users cannot tell which of their modules to
    /// blame. Declare the slot once the module is safe to run without the
    /// GIL (shared state locked or per-thread); declaring it on a module
    /// that is not is worse than the warning.
    ///
    /// ## Example
    /// ```c
    /// static PyModuleDef_Slot spam_slots[] = {
    ///     {Py_mod_exec, spam_exec},
    ///     {0, NULL},                       /* no Py_mod_gil */
    /// };
    /// ```
    /// ```text
    /// warning[gil-required]: spam does not declare Py_MOD_GIL_NOT_USED: a free-threaded CPython re-enables the GIL when it imports it (Py_mod_gil absent from PyModule_GetDef(module)->m_slots, read through ctypes)
    /// ```
    ///
    /// ## How to fix
    /// Make the module safe without the GIL, then declare it:
    /// - C, multi-phase: `{Py_mod_gil, Py_MOD_GIL_NOT_USED}` in the slots
    ///   (guarded by `#ifdef Py_mod_gil` for older CPythons); PEP 793:
    ///   `PySlot_DATA(Py_mod_gil, Py_MOD_GIL_NOT_USED)`;
    /// - C, single-phase: `#ifdef Py_GIL_DISABLED`
    ///   `PyUnstable_Module_SetGIL(module, Py_MOD_GIL_NOT_USED);` in `PyInit_`;
    /// - Cython 3.1+: `# cython: freethreading_compatible = True` (or the
    ///   `freethreading_compatible` compiler directive);
    /// - PyO3: `#[pymodule(gil_used = false)]`;
    /// - pybind11 2.13+: `PYBIND11_MODULE(name, m, py::mod_gil_not_used())`;
    /// - nanobind 2.2+: the `FREE_THREADED` option of `nanobind_add_module()`.
    pub struct GilRequired { id: "gil-required", severity: Warning, group: Scenario }
}

/// The fix, per binding generator, in one line for the message.
const FIX: &str = "declare it once the module is safe without the GIL: C {Py_mod_gil, Py_MOD_GIL_NOT_USED} (single-phase: PyUnstable_Module_SetGIL), Cython `# cython: freethreading_compatible = True`, PyO3 #[pymodule(gil_used = false)], pybind11 py::mod_gil_not_used(), nanobind FREE_THREADED in nanobind_add_module()";

/// Whether the module would keep a free-threaded CPython on the GIL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Yes, and why (what was read or seen).
    Required(String),
    /// It declares `Py_MOD_GIL_NOT_USED`, or a free-threaded import left
    /// the GIL off.
    NotRequired,
    /// Cannot be told here, and why.
    Undecided(String),
}

/// The decision from what the probe read or saw (`import.py`).
pub fn decide(d: &Declared) -> Decision {
    if d.free_threaded == Some(true) {
        return match (d.gil_enabled_before, d.gil_enabled_after) {
            (Some(true), _) => Decision::Undecided(
                "the GIL was already enabled before the module's import (its package, or PYTHON_GIL=1)".into(),
            ),
            (_, Some(true)) => Decision::Required(
                "sys._is_gil_enabled() turned true when this free-threaded CPython imported it".into(),
            ),
            (_, Some(false)) => Decision::NotRequired,
            (_, None) => Decision::Undecided("sys._is_gil_enabled() is missing".into()),
        };
    }
    if d.version < [3, 13] {
        return Decision::Undecided(format!(
            "CPython {}.{} has no Py_mod_gil slot (it exists from 3.13)",
            d.version[0], d.version[1]
        ));
    }
    if let Some(error) = &d.error {
        return Decision::Undecided(format!("the declaration could not be read: {error}"));
    }
    match d.kind.as_deref() {
        Some("multi-phase" | "export-hook") => {}
        _ => {
            return Decision::Undecided(
                d.how
                    .clone()
                    .unwrap_or_else(|| "the declaration was not read".into()),
            );
        }
    }
    let how = d.how.as_deref().unwrap_or("its slots");
    match d.gil.as_ref().and_then(|v| v.as_str()) {
        Some("Py_MOD_GIL_NOT_USED") => Decision::NotRequired,
        Some(other) => Decision::Required(format!("Py_mod_gil is {other} in {how}")),
        None => match &d.gil {
            Some(value) => Decision::Required(format!(
                "Py_mod_gil is {value}, not Py_MOD_GIL_NOT_USED, in {how}"
            )),
            None => match &d.generator {
                Some(generator) => Decision::Undecided(format!(
                    "Py_mod_gil absent from {how}, and {generator} writes it only into free-threaded builds: a GIL build cannot show the declaration"
                )),
                None => Decision::Required(format!("Py_mod_gil absent from {how}")),
            },
        },
    }
}

/// The finding, with everything read as evidence.
pub fn finding(why: &str, declared: &Declared) -> Finding {
    let module = declared.module.as_deref().unwrap_or("the module");
    Finding::new(
        &GilRequired::META,
        format!(
            "{module} does not declare Py_MOD_GIL_NOT_USED: a free-threaded CPython re-enables the GIL when it imports it ({why}); {FIX}"
        ),
    )
    .with("declared", declared)
}

/// Names the distribution that installed the module (`--dist`), in the
/// message and the evidence; other findings are left as they are.
pub fn name_distribution(finding: &mut Finding, dist: &str) {
    if finding.check != GilRequired::META.id || finding.evidence.contains_key("distribution") {
        return;
    }
    if let Some(at) = finding.message.find(" does not declare") {
        finding
            .message
            .insert_str(at, &format!(" (distribution {dist})"));
    }
    finding.evidence.insert("distribution".into(), dist.into());
}

/// One line for a whole run: which modules would keep a free-threaded
/// CPython on the GIL, with their distributions when known; None when none.
pub fn summary_line(report: &crate::report::Report) -> Option<String> {
    let mut culprits: Vec<String> = Vec::new();
    for module in &report.modules {
        for interpreter in &module.interpreters {
            for finding in interpreter
                .findings
                .iter()
                .filter(|f| f.check == GilRequired::META.id)
            {
                let name = match finding
                    .evidence
                    .get("distribution")
                    .and_then(|d| d.as_str())
                {
                    Some(dist) => format!("{} ({dist})", module.module),
                    None => module.module.clone(),
                };
                if !culprits.contains(&name) {
                    culprits.push(name);
                }
            }
        }
    }
    (!culprits.is_empty()).then(|| {
        format!(
            "gil-required: {} module(s) would keep a free-threaded CPython on the GIL: {}",
            culprits.len(),
            culprits.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn declared(value: serde_json::Value) -> Declared {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn slots_decide_on_gil_enabled_313_and_newer() {
        let multi = |gil: Option<&str>| {
            let mut v = json!({"version": [3, 13], "module": "spam", "kind": "multi-phase", "how": "m_slots"});
            if let Some(gil) = gil {
                v["gil"] = json!(gil);
            }
            decide(&declared(v))
        };
        assert_eq!(multi(Some("Py_MOD_GIL_NOT_USED")), Decision::NotRequired);
        assert_eq!(
            multi(Some("Py_MOD_GIL_USED")),
            Decision::Required("Py_mod_gil is Py_MOD_GIL_USED in m_slots".into())
        );
        assert_eq!(
            multi(None),
            Decision::Required("Py_mod_gil absent from m_slots".into())
        );
        let hook = declared(
            json!({"version": [3, 15], "kind": "export-hook", "how": "PyModExport_spam", "gil": 7}),
        );
        assert!(matches!(decide(&hook), Decision::Required(why) if why.contains("is 7")));
    }

    #[test]
    fn what_cannot_be_told_is_not_a_finding() {
        for v in [
            json!({"version": [3, 12], "kind": "multi-phase"}),
            json!({"version": [3, 13], "kind": "single-phase", "how": "m_slots is NULL"}),
            json!({"version": [3, 14], "kind": "unread", "how": "not a module"}),
            json!({"version": [3, 13], "kind": "multi-phase", "error": "no ctypes"}),
            json!({"version": [3, 13], "kind": "multi-phase", "generator": "Cython"}),
        ] {
            assert!(
                matches!(decide(&declared(v.clone())), Decision::Undecided(_)),
                "{v}"
            );
        }
    }

    /// The free-threaded path, which no interpreter here can exercise: the
    /// GIL's state around the module's own import decides, whatever the
    /// slots say (a single-phase module's call to PyUnstable_Module_SetGIL
    /// shows only there).
    #[test]
    fn a_free_threaded_import_decides_by_the_gil_it_left_on() {
        let ft = |before: bool, after: bool| {
            decide(&declared(json!({
                "version": [3, 14], "free_threaded": true, "kind": "single-phase",
                "gil_enabled_before": before, "gil_enabled_after": after,
            })))
        };
        assert!(
            matches!(ft(false, true), Decision::Required(why) if why.contains("_is_gil_enabled"))
        );
        assert_eq!(ft(false, false), Decision::NotRequired);
        assert!(matches!(ft(true, true), Decision::Undecided(_)));
        let slots_say_not_used = declared(json!({
            "version": [3, 13], "free_threaded": true, "kind": "multi-phase",
            "gil": "Py_MOD_GIL_NOT_USED", "gil_enabled_before": false, "gil_enabled_after": true,
        }));
        assert!(matches!(decide(&slots_say_not_used), Decision::Required(_)));
    }

    #[test]
    fn the_message_names_the_module_and_every_fix() {
        let d = declared(
            json!({"version": [3, 13], "module": "pkg.spam", "kind": "multi-phase", "how": "m_slots"}),
        );
        let Decision::Required(why) = decide(&d) else {
            panic!()
        };
        let f = finding(&why, &d);
        for part in [
            "pkg.spam",
            "Py_mod_gil, Py_MOD_GIL_NOT_USED",
            "freethreading_compatible",
            "gil_used = false",
            "mod_gil_not_used()",
            "FREE_THREADED",
        ] {
            assert!(f.message.contains(part), "{part}: {}", f.message);
        }
        assert_eq!(f.evidence["declared"]["kind"], "multi-phase");
        let mut named = f.clone();
        name_distribution(&mut named, "spam-dist");
        assert!(
            named
                .message
                .starts_with("pkg.spam (distribution spam-dist) does not declare")
        );
        assert_eq!(named.evidence["distribution"], "spam-dist");
    }
}
