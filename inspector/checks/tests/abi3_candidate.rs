mod common;

use checkmeta::Severity;
use common::*;

const CHECK: &str = "abi3-candidate";

fn module(imports: &[&str]) -> binary::Binary {
    elf_x86_64().export("PyInit_spam").imports(imports).build()
}

#[test]
fn names_the_newest_added_version() {
    let report = run(
        "spam.cpython-312-x86_64-linux-gnu.so",
        &module(&[
            "PyModuleDef_Init",
            "PyArg_ParseTuple",
            "PyModule_AddFunctions",
        ]),
    );
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Info);
    assert_eq!(
        finding.message,
        "all 3 symbols it imports from the interpreter are in the stable ABI of 3.7: built with Py_LIMITED_API=0x03070000 it could ship as one abi3 module for 3.7 and later"
    );
}

#[test]
fn two_digit_minor_is_hex_in_the_macro() {
    let report = run(
        "spam.cpython-313-x86_64-linux-gnu.so",
        &module(&["PyModuleDef_Init", "PyObject_VectorcallMethod"]),
    );
    assert_mentions(
        &only(&report, CHECK).message,
        &["stable ABI of 3.12", "Py_LIMITED_API=0x030C0000"],
    );
}

#[test]
fn one_symbol_is_singular() {
    let report = run(
        "spam.cpython-312-x86_64-linux-gnu.so",
        &module(&["PyModuleDef_Init"]),
    );
    assert_mentions(
        &only(&report, CHECK).message,
        &["the one symbol it imports from the interpreter is in the stable ABI of 3.5"],
    );
}

/// From 3.12 a debug build's `Py_INCREF` calls `_Py_INCREF_IncRefTotal`;
/// built with `Py_LIMITED_API`, the same source calls `_Py_IncRef`.
#[test]
fn a_debug_builds_reference_bookkeeping_does_not_count() {
    let imports = [
        "PyModuleDef_Init",
        "_Py_INCREF_IncRefTotal",
        "_Py_DECREF_DecRefTotal",
    ];
    for version in ["312", "314", "315"] {
        let debug = run(
            &format!("spam.cpython-{version}d-x86_64-linux-gnu.so"),
            &module(&imports),
        );
        assert_mentions(
            &only(&debug, CHECK).message,
            &["the one symbol it imports from the interpreter is in the stable ABI of 3.5"],
        );
        // A release build that imports them is no candidate: its source
        // calls them itself.
        let release = run(
            &format!("spam.cpython-{version}-x86_64-linux-gnu.so"),
            &module(&imports),
        );
        assert!(
            release.findings.iter().all(|f| f.check != CHECK),
            "{version}: {:?}",
            release.findings
        );
    }
}

#[test]
fn debug_builds_are_still_candidates() {
    let report = run(
        "spam.cpython-311d-x86_64-linux-gnu.so",
        &module(&["PyModuleDef_Init"]),
    );
    only(&report, CHECK);
}

#[test]
fn one_non_stable_import_makes_it_silent() {
    let report = run(
        "spam.cpython-312-x86_64-linux-gnu.so",
        &module(&["PyModuleDef_Init", "PyUnicode_AsUTF8"]),
    );
    assert_silent(&report, CHECK);
}

#[test]
fn abi3_modules_are_silent() {
    let report = run("spam.abi3.so", &module(&["PyModuleDef_Init"]));
    assert_silent(&report, CHECK);
}

#[test]
fn free_threaded_modules_are_silent() {
    let report = run(
        "spam.cpython-313t-x86_64-linux-gnu.so",
        &module(&["PyModuleDef_Init"]),
    );
    assert_silent(&report, CHECK);
    assert!(report.tag.expect("tag report").free_threaded);
}

#[test]
fn unknown_version_is_silent() {
    let report = run("spam.so", &module(&["PyModuleDef_Init"]));
    assert_silent(&report, CHECK);
}

#[test]
fn python2_modules_are_silent() {
    let binary = elf_x86_64()
        .export("initspam")
        .imports(&["Py_InitModule4_64", "PyArg_ParseTuple"])
        .build();
    let wheel = parse_wheel("spam-1.0-cp27-cp27mu-manylinux1_x86_64.whl");
    let report = run_with(
        "spam.so",
        &binary,
        Some(&wheel),
        &checks::Options::default(),
    );
    assert_silent(&report, CHECK);
}

#[test]
fn a_pep_793_hook_alone_makes_the_candidate_3_15() {
    let hook_only = elf_x86_64()
        .export("PyModExport_spam")
        .import("PyLong_FromLong")
        .build();
    let report = run("spam.cpython-315-x86_64-linux-gnu.so", &hook_only);
    assert_eq!(
        only(&report, CHECK).message,
        "the one symbol it imports from the interpreter is in the stable ABI of 3.2, and its only init function, PEP 793's export hook, is looked up from 3.15 on: built with Py_LIMITED_API=0x030F0000 it could ship as one abi3 module for 3.15 and later"
    );
}
