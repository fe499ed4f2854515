mod common;

use checkmeta::Severity;
use common::*;

const CHECK: &str = "abi3t-without-export-hook";

fn init_only() -> binary::Binary {
    elf_x86_64()
        .export("PyInit_spam")
        .imports(&["PyModuleDef_Init", "PyLong_FromLong"])
        .build()
}

fn both() -> binary::Binary {
    elf_x86_64()
        .export("PyInit_spam")
        .export("PyModExport_spam")
        .imports(&["PyLong_FromLong"])
        .build()
}

#[test]
fn an_abi3t_name_on_a_pyinit_only_module_is_an_error() {
    let report = run("spam.abi3t.so", &init_only());
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(
        finding.message,
        "its name (`.abi3t.so`) says abi3t, but it exports `PyInit_spam` and no `PyModExport_spam`, and passes a `PyModuleDef` of its own to `PyModuleDef_Init`: abi3t's headers hide `PyModuleDef_HEAD_INIT`, so a module built for abi3t defines itself through the PEP 793 export hook; this one was built for another ABI, which free-threaded 3.15 would load"
    );
    assert_eq!(finding.symbols, ["PyInit_spam", "PyModuleDef_Init"]);
    let report = run("spam.abi3t-x86_64-linux-gnu.so", &init_only());
    assert_eq!(only(&report, CHECK).severity, Severity::Error);
    let wheel = "spam-1.0-cp315-abi3t-manylinux_2_34_x86_64.whl";
    let report = run_in_wheel(wheel, "spam.so", &init_only());
    assert_mentions(&only(&report, CHECK).message, &["its wheel's `abi3t` tag"]);
    let pyd = pe_amd64()
        .export("PyInit_spam")
        .imports_from(&["PyModuleDef_Init"], "python3t.dll")
        .needed("python3t.dll")
        .build();
    let report = run("spam.pyd", &pyd);
    assert_mentions(&only(&report, CHECK).message, &["`python3t.dll`"]);
}

#[test]
fn is_silent_with_the_export_hook_or_without_an_abi3t_mark() {
    assert_silent(&run("spam.abi3t.so", &both()), CHECK);
    let hook_only = elf_x86_64().export("PyModExport_spam").build();
    assert_silent(&run("spam.abi3t.so", &hook_only), CHECK);
    assert_silent(&run("spam.abi3.so", &init_only()), CHECK);
    assert_silent(
        &run("spam.cpython-315t-x86_64-linux-gnu.so", &init_only()),
        CHECK,
    );
    // A CFFI module: `_cffi_backend` creates it (argon2-cffi-bindings'
    // `cp315-abi3.abi3t` wheel).
    let cffi = pe_amd64()
        .export("PyInit__ffi")
        .imports_from(&["PyImport_ImportModule", "_Py_DecRef"], "python3t.dll")
        .needed("python3t.dll")
        .build();
    let wheel = "argon2_cffi_bindings-26.2.0-cp315-abi3.abi3t-win_amd64.whl";
    assert_silent(&run_in_wheel(wheel, "_ffi.pyd", &cffi), CHECK);
    // A plain abi3 name in an abi3t wheel is tag-suffix-mismatch's.
    let wheel = "spam-1.0-cp315-abi3.abi3t-manylinux_2_34_x86_64.whl";
    let report = run_in_wheel(wheel, "spam.abi3.so", &init_only());
    assert_silent(&report, CHECK);
    assert_eq!(findings(&report, "tag-suffix-mismatch").len(), 1);
}
