mod common;

use checkmeta::Severity;
use common::*;

const CHECK: &str = "single-phase-init";
const NAME: &str = "spam.cpython-312-x86_64-linux-gnu.so";

fn module(imports: &[&str]) -> binary::Binary {
    elf_x86_64().export("PyInit_spam").imports(imports).build()
}

#[test]
fn module_create_without_def_init() {
    let report = run(NAME, &module(&["PyModule_Create2", "PyLong_FromLong"]));
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(
        finding.message,
        "uses single-phase init (imports `PyModule_Create2`, not `PyModuleDef_Init`): it cannot be isolated per interpreter and keeps process-wide state"
    );
    assert_eq!(finding.symbols, ["PyModule_Create2"]);
}

#[test]
fn trace_refs_variant() {
    let report = run(NAME, &module(&["PyModule_Create2TraceRefs"]));
    assert_eq!(only(&report, CHECK).symbols, ["PyModule_Create2TraceRefs"]);
}

#[test]
fn multi_phase_is_silent() {
    assert_silent(&run(NAME, &module(&["PyModuleDef_Init"])), CHECK);
    // Both: a module that also creates sub-modules with PyModule_Create.
    assert_silent(
        &run(NAME, &module(&["PyModuleDef_Init", "PyModule_Create2"])),
        CHECK,
    );
}

#[test]
fn neither_is_silent() {
    // PEP 793 modules (PyModExport_) need neither.
    let binary = elf_x86_64()
        .export("PyModExport_spam")
        .imports(&["PyLong_FromLong"])
        .build();
    assert_silent(&run(NAME, &binary), CHECK);
}

#[test]
fn python2_modules_are_silent() {
    let binary = elf_x86_64()
        .export("initspam")
        .imports(&["Py_InitModule4_64", "PyModule_Create2"])
        .build();
    assert_silent(&run("spam.so", &binary), CHECK);
}

#[test]
fn a_non_interpreter_import_of_the_name_does_not_count() {
    let binary = elf_x86_64()
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .import_versioned("PyModule_Create2", Some("libshim.so.1"), "SHIM_1")
        .build();
    assert_silent(&run(NAME, &binary), CHECK);
}

#[test]
fn a_cffi_module_is_single_phase_though_it_imports_no_create_function() {
    // zstandard's `_cffi`: _cffi_backend makes the module.
    let cffi = elf_x86_64()
        .export("PyInit__cffi")
        .local("_cffi_const_ZSTD_BLOCKSIZE_MAX")
        .imports(&["PyImport_ImportModule", "PyObject_CallMethod"])
        .build();
    let report = run("_cffi.cpython-312-x86_64-linux-gnu.so", &cffi);
    assert_mentions(
        &only(&report, "single-phase-init").message,
        &["a CFFI module"],
    );
    // Stripped, it cannot be told: nothing is said.
    let stripped = elf_x86_64()
        .export("PyInit__cffi")
        .imports(&["PyImport_ImportModule", "PyObject_CallMethod"])
        .build();
    assert_silent(
        &run("_cffi.cpython-312-x86_64-linux-gnu.so", &stripped),
        "single-phase-init",
    );
}
