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
        "imports 1 symbol that CPython 3.13's libpython does not export, so the import fails with \"undefined symbol\": `_PyObject_LookupAttrId`"
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
        "imports 1 symbol that the libpython of every version it targets (3.6–3.13) does not export, so the import fails with \"undefined symbol\": `PyThread_get_thread_native_id` (missing in 3.6–3.7)"
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
    for name in [
        "spam.cpython-313t-x86_64-linux-gnu.so",
        "spam.cpython-312d-x86_64-linux-gnu.so",
        "spam.cpython-314-x86_64-linux-gnu.so",
        "spam.so",
    ] {
        assert_silent(&run(name, &binary), CHECK);
    }
    // abi3t: no free-threaded tables either.
    let report = run_with("spam.abi3t.so", &binary, None, &options_abi3_min(3, 6));
    assert_silent(&report, CHECK);
}
