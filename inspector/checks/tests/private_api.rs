mod common;

use checkmeta::Severity;
use common::*;

const CHECK: &str = "private-api";
const NAME: &str = "spam.cpython-312-x86_64-linux-gnu.so";

fn module(imports: &[&str]) -> binary::Binary {
    elf_x86_64().export("PyInit_spam").imports(imports).build()
}

#[test]
fn non_stable_private_symbols_are_listed() {
    let report = run(
        NAME,
        &module(&[
            "PyModuleDef_Init",
            "_PyUnicode_FromId",
            "_PyObject_LookupAttrId",
        ]),
    );
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(
        finding.message,
        "imports 2 private CPython symbols, which may change or vanish in any release: `_PyObject_LookupAttrId`, `_PyUnicode_FromId`"
    );
    assert_eq!(
        finding.symbols,
        ["_PyObject_LookupAttrId", "_PyUnicode_FromId"]
    );
}

#[test]
fn one_symbol_is_singular() {
    let report = run(NAME, &module(&["PyModuleDef_Init", "_PyUnicode_FromId"]));
    assert_mentions(
        &only(&report, CHECK).message,
        &["imports 1 private CPython symbol, which"],
    );
}

#[test]
fn long_lists_are_cut_but_symbols_keep_all() {
    let names: Vec<String> = (0..10).map(|i| format!("_PyPrivate_{i:02}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let report = run("spam.so", &module(&refs));
    let finding = only(&report, CHECK);
    assert_mentions(&finding.message, &["imports 10 private", "and 2 more"]);
    assert_eq!(finding.symbols, names);
}

#[test]
fn stable_abi_underscore_names_are_not_private() {
    // Public macros expand to these; they are in the stable ABI (abi_only).
    let report = run(
        NAME,
        &module(&[
            "PyModuleDef_Init",
            "_Py_Dealloc",
            "_Py_NoneStruct",
            "_PyObject_GC_New",
        ]),
    );
    assert_silent(&report, CHECK);
}

#[test]
fn public_and_exported_names_are_not_private() {
    let binary = elf_x86_64()
        .export("PyInit_spam")
        .export("_PySpam_Helper")
        .imports(&["PyModuleDef_Init", "PyUnicode_AsUTF8"])
        .import_versioned("_Py_not_python", Some("libfoo.so.1"), "FOO_1.0")
        .build();
    let report = run(NAME, &binary);
    assert_silent(&report, CHECK);
}

#[test]
fn what_public_macros_emit_is_not_reported() {
    // Py_DECREF on a free-threaded build calls _Py_DecRefShared and
    // _Py_MergeZeroLocalRefcount; Py_FatalError on 3.12 calls
    // _Py_FatalErrorFunc.
    let binary = module(&[
        "PyModuleDef_Init",
        "_Py_DecRefShared",
        "_Py_MergeZeroLocalRefcount",
        "_PyUnicode_FromId",
    ]);
    let report = run("spam.cpython-313t-x86_64-linux-gnu.so", &binary);
    assert_eq!(only(&report, CHECK).symbols, ["_PyUnicode_FromId"]);
    // A release build's Py_DECREF emits neither.
    let report = run("spam.cpython-313-x86_64-linux-gnu.so", &binary);
    assert_eq!(
        only(&report, CHECK).symbols,
        [
            "_PyUnicode_FromId",
            "_Py_DecRefShared",
            "_Py_MergeZeroLocalRefcount"
        ]
    );
    // 3.14t has no list of its own: the newest free-threaded one (3.13t).
    let report = run("spam.cpython-314t-x86_64-linux-gnu.so", &binary);
    assert_eq!(only(&report, CHECK).symbols, ["_PyUnicode_FromId"]);
    let fatal = module(&["PyModuleDef_Init", "_Py_FatalErrorFunc"]);
    assert_silent(&run(NAME, &fatal), CHECK);
}
