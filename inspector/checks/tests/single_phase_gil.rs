mod common;

use checkmeta::Severity;
use common::*;

const CHECK: &str = "single-phase-gil";
const T: &str = "spam.cpython-314t-x86_64-linux-gnu.so";

fn module(imports: &[&str]) -> binary::Binary {
    elf_x86_64().export("PyInit_spam").imports(imports).build()
}

#[test]
fn a_free_threaded_single_phase_module_that_keeps_the_gil_is_a_warning() {
    let report = run(T, &module(&["PyModule_Create2", "_Py_DecRefShared"]));
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(
        finding.message,
        "is single-phase (imports `PyModule_Create2`, not `PyModuleDef_Init`), built for CPython 3.14t, and does not import `PyUnstable_Module_SetGIL`: a free-threaded CPython re-enables the GIL for the whole process when it imports it"
    );
    assert_eq!(finding.symbols, ["PyModule_Create2"]);
    let wheel = "spam-1.0-cp315-cp315t-manylinux_2_28_x86_64.whl";
    let report = run_in_wheel(wheel, "spam.so", &module(&["PyModule_Create2"]));
    assert_mentions(&only(&report, CHECK).message, &["built for CPython 3.15t"]);
    let report = run("spam.abi3t.so", &module(&["PyModule_Create2"]));
    assert_mentions(&only(&report, CHECK).message, &["built for abi3t"]);
}

#[test]
fn is_silent_when_it_declares_or_is_not_free_threaded() {
    // Declares it does not need the GIL.
    let declares = module(&["PyModule_Create2", "PyUnstable_Module_SetGIL"]);
    assert_silent(&run(T, &declares), CHECK);
    // Multi-phase: its Py_mod_gil slot is data, the harness's to read.
    assert_silent(&run(T, &module(&["PyModuleDef_Init"])), CHECK);
    // GIL-enabled targets keep the GIL anyway.
    for name in [
        "spam.cpython-314-x86_64-linux-gnu.so",
        "spam.abi3.so",
        "spam.so",
    ] {
        assert_silent(&run(name, &module(&["PyModule_Create2"])), CHECK);
    }
    // A PEP 793 hook makes 3.15 initialise it multi-phase.
    let hook = elf_x86_64()
        .export("PyInit_spam")
        .export("PyModExport_spam")
        .imports(&["PyModule_Create2"])
        .build();
    assert_silent(&run("spam.cpython-315t-x86_64-linux-gnu.so", &hook), CHECK);
}
