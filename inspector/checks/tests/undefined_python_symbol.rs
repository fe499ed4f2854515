mod common;

use checkmeta::Severity;
use common::*;

const CHECK: &str = "undefined-python-symbol";

fn module(imports: &[&str]) -> binary::Binary {
    elf_x86_64().export("PyInit_spam").imports(imports).build()
}

#[test]
fn symbol_removed_from_the_tagged_version() {
    // _PyObject_LookupAttrId is exported by 3.12 and gone in 3.13.
    let binary = module(&["PyModuleDef_Init", "_PyObject_LookupAttrId"]);
    let report = run("spam.cpython-313-x86_64-linux-gnu.so", &binary);
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(
        finding.message,
        "imports 1 symbol that CPython 3.13's libpython does not export (table: CPython 3.13.0, libpython3.13.so.1.0), so the import fails with \"undefined symbol\": `_PyObject_LookupAttrId`"
    );
    assert_eq!(finding.symbols, ["_PyObject_LookupAttrId"]);
    assert_silent(&run("spam.cpython-312-x86_64-linux-gnu.so", &binary), CHECK);
}

#[test]
fn invented_symbol() {
    let report = run(
        "spam.cpython-312-x86_64-linux-gnu.so",
        &module(&["PyModuleDef_Init", "PyNotAFunction", "PyNotAFunctionEither"]),
    );
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &[
            "imports 2 symbols that CPython 3.12's libpython does not export",
            "`PyNotAFunction`, `PyNotAFunctionEither`",
        ],
    );
    assert_eq!(finding.symbols, ["PyNotAFunction", "PyNotAFunctionEither"]);
}

#[test]
fn symbol_absent_from_one_older_version() {
    // The 3.9 data lacks PyCFunction_New (a macro over PyCFunction_NewEx there).
    let binary = module(&["PyModuleDef_Init", "PyCFunction_New"]);
    let report = run("spam.cpython-39-x86_64-linux-gnu.so", &binary);
    assert_mentions(
        &only(&report, CHECK).message,
        &["CPython 3.9's libpython", "`PyCFunction_New`"],
    );
    assert_silent(&run("spam.cpython-310-x86_64-linux-gnu.so", &binary), CHECK);
}

#[test]
fn version_from_the_wheel_tag() {
    let binary = module(&["PyModuleDef_Init", "PyCFunction_New"]);
    let report = run_in_wheel(
        "spam-1.0-cp39-cp39-manylinux_2_17_x86_64.whl",
        "spam.so",
        &binary,
    );
    assert_mentions(&only(&report, CHECK).message, &["CPython 3.9's"]);
}

#[test]
fn abi3_checks_every_version_from_the_minimum() {
    let binary = module(&["PyModuleDef_Init", "PyThread_get_thread_native_id"]);
    let report = run_with("spam.abi3.so", &binary, None, &options_abi3_min(3, 6));
    let finding = only(&report, CHECK);
    assert_eq!(
        finding.message,
        "imports 1 symbol that the libpython of some version it targets (abi3, CPython 3.6 and later; checked against 3.6–3.15) does not export, so the import fails with \"undefined symbol\": `PyThread_get_thread_native_id` (missing in 3.6–3.7)"
    );
    assert_eq!(finding.symbols, ["PyThread_get_thread_native_id"]);
    let report = run_with("spam.abi3.so", &binary, None, &options_abi3_min(3, 8));
    assert_silent(&report, CHECK);
}

#[test]
fn debug_table_is_used_for_debug_builds() {
    // Only the 3.11 debug build has a table; it exports the debug-only API.
    let binary = module(&["PyModuleDef_Init", "PyNotAFunction"]);
    let report = run("spam.cpython-311d-x86_64-linux-gnu.so", &binary);
    assert_mentions(
        &only(&report, CHECK).message,
        &["CPython 3.11d's libpython"],
    );
}

#[test]
fn python2_module_against_2_7() {
    let good = elf_x86_64()
        .export("initspam")
        .imports(&["Py_InitModule4_64", "PyArg_ParseTuple"])
        .build();
    assert_silent(&run("spam.so", &good), CHECK);
    let bad = elf_x86_64()
        .export("initspam")
        .imports(&["Py_InitModule4_64", "PyModuleDef_Init"])
        .build();
    assert_mentions(
        &only(&run("spam.so", &bad), CHECK).message,
        &["CPython 2.7's libpython", "`PyModuleDef_Init`"],
    );
}

#[test]
fn no_table_no_check() {
    let binary = module(&["PyModuleDef_Init", "PyNotAFunction"]);
    for (name, missing) in [
        ("spam.cpython-313t-x86_64-linux-gnu.so", Some("3.13t")),
        ("spam.cpython-312d-x86_64-linux-gnu.so", Some("3.12d")),
        ("spam.cpython-316-x86_64-linux-gnu.so", Some("3.16")),
        ("spam.so", None),
    ] {
        let report = run(name, &binary);
        assert_silent(&report, CHECK);
        // The run's summary says once what was not checked, and why.
        let said: Vec<(&str, &str)> = report
            .not_checked
            .iter()
            .map(|n| (n.check, n.missing.as_str()))
            .collect();
        assert_eq!(
            said,
            missing.map(|m| (CHECK, m)).into_iter().collect::<Vec<_>>(),
            "{name}"
        );
    }
    // abi3t loads in 3.15's GIL-enabled builds too (PEP 803): judged against
    // that table, though no free-threaded one exists.
    let report = run_with("spam.abi3t.so", &binary, None, &options_abi3_min(3, 6));
    assert_mentions(
        &only(&report, CHECK).message,
        &["CPython 3.15's libpython", "`PyNotAFunction`"],
    );
    let good = module(&["PyModuleDef_Init", "PyLong_FromLong"]);
    assert_silent(&run("spam.abi3t.so", &good), CHECK);
}

fn pe_module(imports: &[&str], dll: &str) -> binary::Binary {
    pe_amd64()
        .export("PyInit_spam")
        .imports_from(imports, dll)
        .needed(dll)
        .build()
}

const WINDOWS_API: [&str; 4] = [
    "PyExc_WindowsError",
    "PyErr_SetFromWindowsErr",
    "PyErr_SetFromWindowsErrWithFilename",
    "PyErr_SetExcFromWindowsErrWithFilenameObject",
];

#[test]
fn windows_api_is_exported_by_the_windows_dlls() {
    // cffi, pillow, psutil: Windows-only stable-ABI functions, which the
    // Linux tables lack, from python312.dll and from python3.dll.
    let mut imports = vec!["PyModuleDef_Init"];
    imports.extend(WINDOWS_API);
    let report = run(
        "spam.cp312-win_amd64.pyd",
        &pe_module(&imports, "python312.dll"),
    );
    assert_silent(&report, CHECK);
    let report = run_in_wheel(
        "spam-1.0-cp37-abi3-win_amd64.whl",
        "spam.pyd",
        &pe_module(&imports, "python3.dll"),
    );
    assert_silent(&report, CHECK);
    // The same imports in a Linux module are undefined.
    let report = run("spam.cpython-312-x86_64-linux-gnu.so", &module(&imports));
    assert_eq!(only(&report, CHECK).symbols.len(), 4);
}

#[test]
fn windows_dll_lacks_posix_only_api_and_names_itself() {
    let binary = pe_module(&["PyModuleDef_Init", "PyOS_BeforeFork"], "python312.dll");
    let finding = run("spam.cp312-win_amd64.pyd", &binary);
    let finding = only(&finding, CHECK);
    assert_eq!(
        finding.message,
        "imports 1 symbol that CPython 3.12's python312.dll does not export (table: CPython 3.12.1, libpython3.12.so.1.0, with its headers' Windows-only declarations), so the import fails with \"undefined symbol\": `PyOS_BeforeFork`"
    );
}

#[test]
fn python3_dll_is_judged_by_the_stable_abi_of_each_version() {
    // Py_NewRef is stable from 3.10; an abi3 module for 3.7 and later
    // cannot load it from 3.7's python3.dll.
    let binary = pe_module(
        &["PyModuleDef_Init", "Py_NewRef", "_PyObject_LookupAttr"],
        "python3.dll",
    );
    let report = run_in_wheel("spam-1.0-cp37-abi3-win_amd64.whl", "spam.pyd", &binary);
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &[
            "the python3.dll of some version it targets (abi3, CPython 3.7 and later; checked against 3.7–",
            "`Py_NewRef` (missing in 3.7–3.9)",
            "`_PyObject_LookupAttr` (missing in 3.7–",
        ],
    );
}
