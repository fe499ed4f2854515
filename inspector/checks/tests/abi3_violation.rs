mod common;

use checkmeta::Severity;
use checks::Options;
use common::*;

const CHECK: &str = "abi3-violation";

fn abi3_module(imports: &[&str]) -> binary::Binary {
    elf_x86_64().export("PyInit_spam").imports(imports).build()
}

#[test]
fn with_no_declared_minimum_only_symbols_outside_the_stable_abi_count() {
    let report = run(
        "spam.abi3.so",
        &abi3_module(&["PyModuleDef_Init", "PyUnicode_AsUTF8", "PyLong_FromLong"]),
    );
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    // PyModuleDef_Init (3.5) sets the minimum, which abi3-floor reports;
    // no version is assumed, so it is no violation.
    assert_eq!(
        finding.message,
        "abi3 module imports 1 symbol outside the stable ABI: `PyUnicode_AsUTF8` (not in the stable ABI)"
    );
    assert_eq!(finding.symbols, ["PyUnicode_AsUTF8"]);
    let tag = report.tag.as_ref().expect("tag report");
    assert!(tag.abi3);
    assert_eq!(tag.abi3_min.as_deref(), Some("3.5"));
    assert_mentions(
        &only(&report, "abi3-floor").message,
        &["need CPython 3.5 or later"],
    );
}

#[test]
fn option_raises_the_minimum() {
    let binary = abi3_module(&["PyModuleDef_Init", "PyUnicode_AsUTF8"]);
    let report = run_with("spam.abi3.so", &binary, None, &options_abi3_min(3, 5));
    let finding = only(&report, CHECK);
    assert_eq!(
        finding.message,
        "abi3 module imports 1 symbol outside the stable ABI of 3.5 (from --abi3-min): `PyUnicode_AsUTF8` (not in the stable ABI)"
    );
    assert_eq!(finding.symbols, ["PyUnicode_AsUTF8"]);
}

#[test]
fn wheel_python_tag_sets_the_minimum() {
    let binary = abi3_module(&["PyModuleDef_Init", "PyObject_VectorcallMethod"]);
    let wheel = parse_wheel("spam-1.0-cp38-abi3-manylinux_2_17_x86_64.whl");
    let report = run_with("spam.abi3.so", &binary, Some(&wheel), &Options::default());
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &[
            "stable ABI of 3.8 (from the wheel tag)",
            "`PyObject_VectorcallMethod` (stable ABI since 3.12)",
        ],
    );
    assert_eq!(finding.symbols, ["PyObject_VectorcallMethod"]);

    // The option wins over the wheel tag.
    let report = run_with(
        "spam.abi3.so",
        &binary,
        Some(&wheel),
        &options_abi3_min(3, 12),
    );
    assert_silent(&report, CHECK);
}

#[test]
fn abi3_by_wheel_tag_alone() {
    let report = run_in_wheel(
        "spam-1.0-cp310-abi3-manylinux_2_17_x86_64.whl",
        "spam.so",
        &abi3_module(&["PyModuleDef_Init", "PyUnicode_AsUTF8"]),
    );
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &["of 3.10 (from the wheel tag)", "`PyUnicode_AsUTF8`"],
    );
}

#[test]
fn windows_python3_dll_makes_it_abi3() {
    let binary = pe_amd64()
        .export("PyInit_spam")
        .needed("python3.dll")
        .imports_from(&["PyModuleDef_Init", "PyUnicode_AsUTF8"], "python3.dll")
        .build();
    let report = run_with("spam.pyd", &binary, None, &options_abi3_min(3, 8));
    assert_eq!(only(&report, CHECK).symbols, ["PyUnicode_AsUTF8"]);
}

#[test]
fn own_exports_never_count() {
    // The module defines a `Py*`-named function itself: not an import.
    let binary = elf_x86_64()
        .export("PyInit_spam")
        .export("PyFoo_Bar")
        .export("_PyFoo_Internal")
        .import("PyModuleDef_Init")
        .build();
    let report = run_with("spam.abi3.so", &binary, None, &options_abi3_min(3, 5));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn versioned_library_imports_named_py_do_not_count() {
    let binary = elf_x86_64()
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .import_versioned("Py_fake_glibc", Some("libc.so.6"), "GLIBC_2.2.5")
        .import_versioned("PyNotFromPython", None, "GLIBC_2.2.5")
        .build();
    let report = run_with("spam.abi3.so", &binary, None, &options_abi3_min(3, 5));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn stable_imports_are_silent() {
    let binary = abi3_module(&["PyModuleDef_Init", "PyArg_ParseTuple", "_Py_Dealloc"]);
    let report = run_with("spam.abi3.so", &binary, None, &options_abi3_min(3, 5));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn version_specific_modules_are_not_checked() {
    let report = run(
        "spam.cpython-312-x86_64-linux-gnu.so",
        &abi3_module(&["PyModuleDef_Init", "PyUnicode_AsUTF8"]),
    );
    assert_silent(&report, CHECK);
}

#[test]
fn python2_modules_are_not_checked() {
    let binary = elf_x86_64()
        .export("initspam")
        .imports(&["Py_InitModule4_64", "PyString_FromString"])
        .build();
    let wheel = parse_wheel("spam-1.0-cp27-abi3-manylinux1_x86_64.whl");
    let report = run_with("spam.so", &binary, Some(&wheel), &Options::default());
    assert_silent(&report, CHECK);
}
