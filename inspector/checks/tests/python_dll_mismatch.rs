mod common;

use checkmeta::Severity;
use common::*;

const CHECK: &str = "python-dll-mismatch";

/// A Windows module importing from each of `dlls`.
fn pyd(dlls: &[&str]) -> binary::Binary {
    let mut b = pe_amd64().export("PyInit_spam").needed("KERNEL32.dll");
    for dll in dlls {
        b = b.needed(dll).import_from("PyModuleDef_Init", dll);
    }
    b.build()
}

#[test]
fn version_tag_differs_from_the_dll() {
    let report = run("spam.cp311-win_amd64.pyd", &pyd(&["python312.dll"]));
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(
        finding.message,
        "tagged for CPython 3.11 by the file name but imports `python312.dll`, which only CPython 3.12 provides"
    );
    assert_eq!(finding.symbols, ["python312.dll"]);

    let report = run_in_wheel(
        "spam-1.0-cp311-cp311-win_amd64.whl",
        "spam.pyd",
        &pyd(&["python312.dll"]),
    );
    assert_mentions(
        &only(&report, CHECK).message,
        &[
            "tagged for CPython 3.11 by the wheel tag",
            "`python312.dll`",
        ],
    );
}

#[test]
fn abi3_wheel_importing_a_versioned_dll() {
    let report = run_in_wheel(
        "spam-1.0-cp38-abi3-win_amd64.whl",
        "spam.pyd",
        &pyd(&["python312.dll"]),
    );
    let finding = only(&report, CHECK);
    assert_eq!(
        finding.message,
        "tagged abi3 but imports `python312.dll` instead of `python3.dll`, so it loads only in CPython 3.12"
    );
    assert_eq!(finding.symbols, ["python312.dll"]);
    // Even when the file name names the same version.
    let report = run_in_wheel(
        "spam-1.0-cp38-abi3-win_amd64.whl",
        "spam.cp312-win_amd64.pyd",
        &pyd(&["python312.dll"]),
    );
    assert_mentions(&only(&report, CHECK).message, &["tagged abi3"]);
}

#[test]
fn debug_name_importing_a_release_dll() {
    let report = run("spam_d.cp312-win_amd64.pyd", &pyd(&["python312.dll"]));
    assert_eq!(
        only(&report, CHECK).message,
        "the tags name a debug build but it imports `python312.dll` (a release build); expected `python312_d.dll`"
    );
}

#[test]
fn release_name_importing_a_debug_dll() {
    let report = run("spam.cp312-win_amd64.pyd", &pyd(&["python312_d.dll"]));
    assert_mentions(
        &only(&report, CHECK).message,
        &[
            "the tags name a release build",
            "`python312_d.dll` (a debug build)",
            "expected `python312.dll`",
        ],
    );
}

#[test]
fn free_threaded_name_importing_a_gil_dll() {
    let report = run("spam.cp313t-win_amd64.pyd", &pyd(&["python313.dll"]));
    assert_eq!(
        only(&report, CHECK).message,
        "the tags name a free-threaded build but it imports `python313.dll` (a release build); expected `python313t.dll`"
    );
}

#[test]
fn two_interpreter_dlls() {
    let report = run("spam.pyd", &pyd(&["python311.dll", "python312.dll"]));
    let finding = only(&report, CHECK);
    assert_eq!(
        finding.message,
        "imports `python311.dll` and `python312.dll`: one module can bind to only one interpreter"
    );
    assert_eq!(finding.symbols, ["python311.dll", "python312.dll"]);
}

#[test]
fn the_same_dll_in_two_spellings_is_one_dll() {
    let binary = pe_amd64()
        .export("PyInit_spam")
        .needed("python312.dll")
        .needed("PYTHON312.DLL")
        .import_from("PyModuleDef_Init", "python312.dll")
        .build();
    assert_silent(&run("spam.cp312-win_amd64.pyd", &binary), CHECK);
}

#[test]
fn matching_dlls_are_silent() {
    for (name, dll) in [
        ("spam.cp312-win_amd64.pyd", "python312.dll"),
        ("spam.pyd", "python312.dll"),
        ("spam.pyd", "python3.dll"),
        ("spam_d.cp312-win_amd64.pyd", "python312_d.dll"),
        ("spam.cp313t-win_amd64.pyd", "python313t.dll"),
        ("spam_d.cp313t-win_amd64.pyd", "python313t_d.dll"),
    ] {
        let report = run(name, &pyd(&[dll]));
        assert_silent(&report, CHECK);
    }
    let report = run_in_wheel(
        "spam-1.0-cp38-abi3-win_amd64.whl",
        "spam.pyd",
        &pyd(&["python3.dll"]),
    );
    assert_silent(&report, CHECK);
    let tag = report.tag.expect("tag report");
    assert!(tag.abi3);
    assert_eq!(tag.abi3_min.as_deref(), Some("3.8"));
    let report = run_in_wheel(
        "spam-1.0-cp312-cp312-win_amd64.whl",
        "spam.cp312-win_amd64.pyd",
        &pyd(&["python312.dll"]),
    );
    assert_silent(&report, CHECK);
}

#[test]
fn the_dll_names_the_version_when_nothing_else_does() {
    let report = run("spam.pyd", &pyd(&["python310.dll"]));
    assert_eq!(report.tag.and_then(|t| t.python).as_deref(), Some("3.10"));
}

#[test]
fn never_on_elf() {
    // An ELF file cannot import a DLL, whatever its needed list says.
    let binary = elf_x86_64()
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .needed("python312.dll")
        .needed("python311.dll")
        .build();
    let report = run("spam.cpython-311-x86_64-linux-gnu.so", &binary);
    assert_silent(&report, CHECK);
}

#[test]
fn an_untagged_pyd_is_for_the_build_whose_dll_it_links() {
    // Every Windows interpreter, free-threaded included, loads plain `.pyd`.
    let binary = pe_amd64()
        .export("PyInit_spam")
        .imports_from(&["PyModuleDef_Init"], "python313t.dll")
        .needed("python313t.dll")
        .build();
    let report = run("spam.pyd", &binary);
    assert_silent(&report, CHECK);
    assert!(report.tag.as_ref().unwrap().free_threaded, "{report:?}");
}

#[test]
fn abi3t_wheels_may_import_either_stable_forwarder() {
    // PEP 803: an abi3t `.pyd` loads in 3.15's GIL-enabled and free-threaded
    // builds; argon2-cffi-bindings 26.2.0's cp315-abi3.abi3t wheel imports
    // python3t.dll.
    for wheel in [
        "spam-1.0-cp315-abi3.abi3t-win_amd64.whl",
        "spam-1.0-cp315-abi3t-win_amd64.whl",
    ] {
        for dll in ["python3t.dll", "python3.dll"] {
            let report = run_in_wheel(wheel, "spam.pyd", &pyd(&[dll]));
            assert_silent(&report, CHECK);
            let tag = report.tag.as_ref().unwrap();
            assert!(tag.abi3t, "{wheel} {dll}: {tag:?}");
            assert_eq!(tag.abi3_min.as_deref(), Some("3.15"));
        }
    }
    // A version-specific DLL still breaks abi3t's promise.
    let report = run_in_wheel(
        "spam-1.0-cp315-abi3t-win_amd64.whl",
        "spam.pyd",
        &pyd(&["python315t.dll"]),
    );
    assert_mentions(
        &only(&report, CHECK).message,
        &["tagged abi3", "`python315t.dll`"],
    );
    // python3t.dll alone makes an untagged `.pyd` abi3t.
    let report = run("spam.pyd", &pyd(&["python3t.dll"]));
    assert!(report.tag.as_ref().unwrap().abi3t);
}
