mod common;

use checkmeta::Severity;
use common::*;

const CHECK: &str = "abi-flags-mismatch";

/// What `Py_DECREF` and `Py_INCREF` leave in a module of each 3.14 build
/// (inspector/abi/data/macro_symbols/3.14.txt).
const GIL: &[&str] = &["_Py_Dealloc"];
const FREE_THREADED: &[&str] = &["_Py_DecRefShared", "_Py_MergeZeroLocalRefcount"];
const DEBUG: &[&str] = &[
    "_Py_Dealloc",
    "_Py_DECREF_DecRefTotal",
    "_Py_INCREF_IncRefTotal",
    "_Py_NegativeRefcount",
];

fn module(refcounting: &[&str]) -> binary::Binary {
    elf_x86_64()
        .export("PyInit_spam")
        .imports(&["PyModuleDef_Init", "PyLong_FromLong"])
        .imports(refcounting)
        .build()
}

#[test]
fn a_gil_build_named_free_threaded_is_an_error() {
    let report = run("spam.cpython-314t-x86_64-linux-gnu.so", &module(GIL));
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(
        finding.message,
        "the file name names a free-threaded CPython 3.14 build, but the binary is a GIL-enabled build (certain): it imports `_Py_Dealloc`, which only a GIL-enabled build's public macros emit, and none of what the free-threaded build's emit"
    );
    assert_eq!(finding.symbols, ["_Py_Dealloc"]);
    // The same by the wheel's tag, on a file whose name names no build, and on Windows.
    let wheel = "spam-1.0-cp315-cp315t-manylinux_2_28_x86_64.whl";
    let report = run_in_wheel(wheel, "spam.so", &module(GIL));
    assert_mentions(
        &only(&report, CHECK).message,
        &["the wheel tag names a free-threaded CPython 3.15 build"],
    );
    let pyd = pe_amd64()
        .export("PyInit_spam")
        .imports_from(&["PyModuleDef_Init", "_Py_Dealloc"], "python314t.dll")
        .needed("python314t.dll")
        .build();
    let report = run("spam.cp314t-win_amd64.pyd", &pyd);
    assert_eq!(only(&report, CHECK).severity, Severity::Error);
}

#[test]
fn a_free_threaded_build_named_gil_enabled_is_an_error() {
    let report = run(
        "spam.cpython-314-x86_64-linux-gnu.so",
        &module(FREE_THREADED),
    );
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    assert_mentions(
        &finding.message,
        &[
            "names a GIL-enabled CPython 3.14 build, but the binary is a free-threaded build (certain)",
            "`_Py_DecRefShared`, `_Py_MergeZeroLocalRefcount`",
        ],
    );
    // 3.13 had free-threaded builds too.
    let report = run(
        "spam.cpython-313-x86_64-linux-gnu.so",
        &module(FREE_THREADED),
    );
    assert_eq!(only(&report, CHECK).severity, Severity::Error);
}

#[test]
fn a_debug_build_named_release_is_an_error() {
    let report = run("spam.cpython-314-x86_64-linux-gnu.so", &module(DEBUG));
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    assert_mentions(
        &finding.message,
        &[
            "names a release CPython 3.14 build, but the binary is a debug build (certain)",
            "`_Py_DECREF_DecRefTotal`",
            "`_Py_INCREF_IncRefTotal`",
            "`_Py_NegativeRefcount`",
        ],
    );
    // Before 3.12 the debug macros touched `_Py_RefTotal` directly.
    let old = module(&["_Py_Dealloc", "_Py_RefTotal", "_Py_NegativeRefcount"]);
    let report = run("spam.cpython-311-x86_64-linux-gnu.so", &old);
    assert_mentions(&only(&report, CHECK).message, &["`_Py_RefTotal`"]);
}

#[test]
fn a_symbol_the_named_runtime_exports_is_no_evidence() {
    // `_Py_FatalErrorFunc` is in 3.14d's list only, but release 3.14 exports
    // it and a module may call it by name.
    let report = run(
        "spam.cpython-314-x86_64-linux-gnu.so",
        &module(&["_Py_Dealloc", "_Py_FatalErrorFunc"]),
    );
    assert_silent(&report, CHECK);
    // A 3.6 or 3.7 release `Py_DECREF` under `Py_LIMITED_API` calls the
    // exported `_Py_Dealloc` (CPython's own xxlimited does), though the
    // release macros without it inline the deallocation.
    for name in [
        "xxlimited.cpython-36m-x86_64-linux-gnu.so",
        "xxlimited.cpython-37m-x86_64-linux-gnu.so",
    ] {
        assert_silent(&run(name, &module(GIL)), CHECK);
    }
}

#[test]
fn a_release_build_named_debug_is_a_weak_warning() {
    let report = run("spam.cpython-314d-x86_64-linux-gnu.so", &module(GIL));
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Warning);
    assert_mentions(
        &finding.message,
        &[
            "names a debug CPython 3.14 build, but the binary is probably a release build (weak: from what it lacks)",
            "imports `_Py_Dealloc`",
            "`_Py_INCREF_IncRefTotal`",
        ],
    );
    // A free-threaded one: `_Py_DecRefShared` is the release build's own.
    let report = run(
        "spam.cpython-314td-x86_64-linux-gnu.so",
        &module(FREE_THREADED),
    );
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    assert_mentions(
        &finding.message,
        &["names a debug CPython 3.14 build", "`_Py_DecRefShared`"],
    );
}

#[test]
fn is_silent_on_builds_that_match_their_names() {
    for (name, refcounting) in [
        ("spam.cpython-314-x86_64-linux-gnu.so", GIL),
        ("spam.cpython-314t-x86_64-linux-gnu.so", FREE_THREADED),
        ("spam.cpython-314d-x86_64-linux-gnu.so", DEBUG),
        (
            "spam.cpython-314td-x86_64-linux-gnu.so",
            &[
                "_Py_MergeZeroLocalRefcount",
                "_Py_DecRefSharedDebug",
                "_Py_INCREF_IncRefTotal",
            ][..],
        ),
        (
            "spam.cpython-311d-x86_64-linux-gnu.so",
            &["_Py_Dealloc", "_Py_RefTotal"][..],
        ),
        // PyO3 calls the functions on free-threaded builds: no evidence.
        (
            "spam.cpython-314t-x86_64-linux-gnu.so",
            &["_Py_DecRef", "_Py_IncRef"][..],
        ),
        // A module that never decrefs says nothing.
        ("spam.cpython-314t-x86_64-linux-gnu.so", &[][..]),
        ("spam.cpython-314d-x86_64-linux-gnu.so", &[][..]),
    ] {
        assert_silent(&run(name, &module(refcounting)), CHECK);
    }
}

#[test]
fn unnamed_abi3_and_mixed_modules_are_not_judged() {
    // No build named.
    assert_silent(&run("spam.so", &module(FREE_THREADED)), CHECK);
    // abi3 names no flags.
    assert_silent(&run("spam.abi3.so", &module(FREE_THREADED)), CHECK);
    // Both builds' calls: one may be a direct call.
    let both = [GIL, FREE_THREADED].concat();
    assert_silent(
        &run("spam.cpython-314t-x86_64-linux-gnu.so", &module(&both)),
        CHECK,
    );
    // A GIL-enabled name in a `cp314t` wheel is judged by its name (and is
    // tag-suffix-mismatch's); a wheel tagged for both builds names neither.
    let report = run_in_wheel(
        "spam-1.0-cp314-cp314t-manylinux_2_28_x86_64.whl",
        "spam.cpython-314-x86_64-linux-gnu.so",
        &module(GIL),
    );
    assert_silent(&report, CHECK);
    assert_eq!(findings(&report, "tag-suffix-mismatch").len(), 1);
    let report = run_in_wheel(
        "spam-1.0-cp314-cp314.cp314t-manylinux_2_28_x86_64.whl",
        "spam.so",
        &module(FREE_THREADED),
    );
    assert_silent(&report, CHECK);
    // No free-threaded build before 3.13.
    assert_silent(
        &run(
            "spam.cpython-312-x86_64-linux-gnu.so",
            &module(FREE_THREADED),
        ),
        CHECK,
    );
}
