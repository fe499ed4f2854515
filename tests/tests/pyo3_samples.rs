//! The PyO3 samples do on every interpreter what their headers say: each proof
//! script prints facts as one JSON line and the checks here hold them against
//! the expected values and against the sample's `harness:` header.

mod common;

use std::fs;

use common::{ensure, on_every_interpreter};
use interpreters::Interpreter;
use sample_modules::{BuiltModule, Mode};
use serde_json::{Value, json};

const CLEAN: &str = include_str!("proofs/pyo3_clean.py");
const PYCLASS: &str = include_str!("proofs/pyo3_pyclass.py");
const LEAK: &str = include_str!("proofs/pyo3_leak.py");
const SUBINTERPRETERS: &str = include_str!("proofs/pyo3_subinterpreters.py");

/// Every PyO3 sample, for the proofs that hold for all of them.
const SAMPLES: [&str; 5] = [
    "pyo3_clean",
    "pyo3_pyclass",
    "pyo3_leak",
    "pyo3_gil_not_used",
    "pyo3_gil_used",
];

/// `facts[key] == want`, else a message naming the key.
fn expect(facts: &Value, key: &str, want: Value) -> Result<(), String> {
    let got = &facts[key];
    ensure(*got == want, || {
        format!("{key}: expected {want}, got {got} (all facts: {facts})")
    })
}

/// Whether the sample's `harness:` header expects `finding` on `interp`'s
/// version, in any run (`call-leak` needs the exercise scenario).
fn harness_says(module: &BuiltModule, interp: &Interpreter, finding: &str) -> bool {
    module
        .sample
        .harness_expected(interp.version, &[Mode::Exercise, Mode::MallocDebug])
        .contains(&finding)
}

#[test]
fn pyo3_clean_functions_work_and_reimport_is_fresh() {
    on_every_interpreter("pyo3_clean", |interp, corpus, module| {
        let facts = common::facts(interp, &corpus.dir, CLEAN, &[])?;
        // The module imported is the file the corpus built, not another one on sys.path.
        let file = fs::canonicalize(facts["file"].as_str().unwrap_or_default())
            .map_err(|e| e.to_string())?;
        let built = fs::canonicalize(&module.path).map_err(|e| e.to_string())?;
        ensure(file == built, || {
            format!("imported {file:?}, built {built:?}")
        })?;
        expect(&facts, "add", json!(5))?;
        expect(&facts, "add_negative", json!(-3))?;
        expect(&facts, "greet", json!("Hello, café!"))?;
        expect(&facts, "overflow", json!("OverflowError"))?;
        expect(&facts, "bad_argument", json!("TypeError"))?;
        expect(&facts, "reimport_new_module", json!(true))?;
        expect(&facts, "reimport_new_function", json!(true))?;
        expect(&facts, "reimport_add", json!(42))
    });
}

/// Observed on 3.9-3.13 and 3.11d: the re-import is a new module object, yet its
/// `Counter` is the very type object of the first import (PyO3 caches it in a
/// static), so instances made before the re-import pass `isinstance` against it.
#[test]
fn pyo3_pyclass_counter_works_and_reimport_keeps_the_type() {
    on_every_interpreter("pyo3_pyclass", |interp, corpus, module| {
        let facts = common::facts(interp, &corpus.dir, PYCLASS, &[])?;
        expect(&facts, "fresh", json!(0))?;
        expect(&facts, "start", json!(10))?;
        expect(&facts, "increments", json!([1, 2, 3]))?;
        expect(&facts, "other_increment", json!(11))?;
        // Independent instances: three increments of one left the other alone.
        expect(&facts, "after", json!([3, 11]))?;
        expect(&facts, "setter", json!("AttributeError"))?;
        expect(&facts, "count_after_setter", json!(3))?;
        expect(&facts, "type_module", json!("pyo3_pyclass"))?;
        expect(&facts, "reimport_new_module", json!(true))?;
        expect(&facts, "reimport_counter", json!(6))?;
        // A re-import handing back the same type object is singleton state.
        let singleton = harness_says(module, interp, "singleton-state");
        ensure(singleton, || "the header must list singleton-state".into())?;
        expect(&facts, "reimport_same_type", json!(singleton))?;
        expect(&facts, "old_instance_is_new_type", json!(singleton))
    });
}

#[test]
fn pyo3_leak_leaks_one_reference_per_call() {
    on_every_interpreter("pyo3_leak", |interp, corpus, module| {
        ensure(harness_says(module, interp, "call-leak"), || {
            "the header must list call-leak".into()
        })?;
        let facts = common::facts(interp, &corpus.dir, LEAK, &["1", "7", "1000"])?;
        expect(&facts, "leak", json!({"1": 1, "7": 7, "1000": 1000}))?;
        expect(&facts, "no_leak", json!({"1": 0, "7": 0, "1000": 0}))
    });
}

/// What each sample's header claims about subinterpreters: a legacy one
/// (shared GIL) imports every PyO3 sample, sharing `Counter` with the main
/// interpreter when the header says subinterpreter-shared-objects; an isolated
/// one with its own GIL (3.12+) refuses every one, as `subinterpreter-refused
/// (3.12+)` says, and before 3.12 nothing refuses it.
#[test]
fn pyo3_samples_in_subinterpreters() {
    for id in SAMPLES {
        on_every_interpreter(id, |interp, corpus, module| {
            let facts = common::facts(
                interp,
                &corpus.dir,
                SUBINTERPRETERS,
                &[&module.sample.module],
            )?;
            let shared: &[&str] = if harness_says(module, interp, "subinterpreter-shared-objects") {
                &["Counter"]
            } else {
                &[]
            };
            let legacy = json!({"imported": true, "error": null, "shared_types": shared});
            expect(&facts, "legacy", legacy)?;
            let refused = harness_says(module, interp, "subinterpreter-refused");
            if interp.version.feature() < (3, 12) {
                ensure(!refused, || {
                    "the header must not expect subinterpreter-refused before 3.12".into()
                })?;
                return expect(&facts, "isolated", Value::Null);
            }
            ensure(refused, || {
                "the header must list subinterpreter-refused for 3.12+".into()
            })?;
            let error = format!(
                "ImportError: module {} does not support loading in subinterpreters",
                module.sample.module
            );
            expect(
                &facts,
                "isolated",
                json!({"imported": false, "error": error}),
            )
        });
    }
}

/// `#[pymodule(gil_used = ...)]` on 3.13+, read from the slots with ctypes
/// (proofs/gil_slots.py): `false` writes `Py_mod_gil = Py_MOD_GIL_NOT_USED`,
/// `true` writes `Py_MOD_GIL_USED`, and no `gil_used` at all is `false` in
/// pyo3 0.30 (pyo3_clean, pyo3_leak, pyo3_pyclass). Each sample declares
/// Py_MOD_GIL_NOT_USED exactly when its header expects no `gil-required`;
/// before 3.13 PyO3 writes no slot, and no header expects the finding.
#[test]
fn pyo3_samples_declare_what_gil_used_says() {
    let declared_by_source = |id: &str| match id {
        "pyo3_gil_used" => "Py_MOD_GIL_USED",
        _ => "Py_MOD_GIL_NOT_USED",
    };
    for id in SAMPLES {
        on_every_interpreter(id, |interp, corpus, module| {
            let required = harness_says(module, interp, "gil-required");
            if interp.version.feature() < (3, 13) {
                return ensure(!required, || "gil-required is decided on 3.13+ only".into());
            }
            let facts = common::gil_facts(interp, corpus, module)?;
            expect(&facts, "py_mod_gil", json!([declared_by_source(id)]))?;
            // From 3.15 CPython calls PyO3's export hook, not PyInit_.
            let read_from = if interp.version.feature() >= (3, 15) {
                format!("PyModExport_{id}()")
            } else {
                "PyModule_GetDef(module).m_slots".to_owned()
            };
            expect(&facts, "read_from", json!(read_from))?;
            ensure(required == (id == "pyo3_gil_used"), || {
                format!("the header's gil-required: {required}")
            })
        });
    }
}

/// The two `gil_used` samples work as any PyO3 module does.
#[test]
fn pyo3_gil_samples_add() {
    for id in ["pyo3_gil_not_used", "pyo3_gil_used"] {
        on_every_interpreter(id, |interp, corpus, module| {
            let facts = common::facts(
                interp,
                &corpus.dir,
                "m = importlib.import_module(sys.argv[1])\nreport(add=m.add(2, 3), overflow=error_of(lambda: m.add(2**62, 2**62)))",
                &[&module.sample.module],
            )?;
            expect(&facts, "add", json!(5))?;
            expect(
                &facts,
                "overflow",
                json!("OverflowError: sum does not fit in i64"),
            )
        });
    }
}

/// A second build right after the first (which `common::corpus` did) is a
/// no-op: cargo has nothing to do and no module file is rewritten, so the
/// files' mtimes stay put.
#[test]
fn pyo3_rebuild_changes_nothing() {
    let mtime = |m: &BuiltModule| fs::metadata(&m.path).and_then(|md| md.modified()).unwrap();
    for interp in common::interpreters() {
        let first = common::corpus(interp);
        let built: Vec<_> = first
            .modules
            .iter()
            .filter(|m| m.sample.id.starts_with("pyo3_"))
            .collect();
        let before: Vec<_> = built.iter().map(|m| mtime(m)).collect();
        let again = sample_modules::build(interp, &sample_modules::default_root())
            .unwrap_or_else(|e| panic!("rebuilding for {interp}: {e}"));
        for (module, before) in built.iter().zip(before) {
            let id = &module.sample.id;
            let now = again
                .module(id)
                .unwrap_or_else(|| panic!("{}: {id} not rebuilt at all", interp.tag()));
            assert_eq!(now.path, module.path);
            assert!(!now.rebuilt, "{}: {id} reported rebuilt", interp.tag());
            assert_eq!(mtime(now), before, "{}: {id} rewritten", interp.tag());
        }
    }
}
