mod common;

use binary::Arch;
use checkmeta::Severity;
use common::*;

const CHECK: &str = "links-libpython";

fn elf_needing(library: &str) -> binary::Binary {
    elf_x86_64()
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .needed("libc.so.6")
        .needed(library)
        .build()
}

fn macho_needing(library: &str) -> binary::Binary {
    macho(Arch::Aarch64)
        .export("PyInit_spam")
        .import_from("PyModuleDef_Init", library)
        .needed("/usr/lib/libSystem.B.dylib")
        .needed(library)
        .build()
}

#[test]
fn elf_libpython_of_any_build() {
    for (name, library) in [
        (
            "spam.cpython-312-x86_64-linux-gnu.so",
            "libpython3.12.so.1.0",
        ),
        (
            "spam.cpython-313t-x86_64-linux-gnu.so",
            "libpython3.13t.so.1.0",
        ),
        (
            "spam.cpython-311d-x86_64-linux-gnu.so",
            "libpython3.11d.so.1.0",
        ),
        ("spam.abi3.so", "libpython3.so"),
        ("spam.so", "/opt/python/lib/libpython2.7.so.1.0"),
    ] {
        let report = run(name, &elf_needing(library));
        let finding = only(&report, CHECK);
        assert_eq!(finding.severity, Severity::Warning);
        assert_eq!(
            finding.message,
            format!(
                "links `{library}` (DT_NEEDED): it will not load under a statically linked interpreter"
            )
        );
        assert_eq!(finding.symbols, [library]);
    }
}

#[test]
fn macho_libpython_and_framework() {
    for library in [
        "@rpath/libpython3.12.dylib",
        "/Library/Frameworks/Python.framework/Versions/3.12/Python",
    ] {
        let report = run("spam.cpython-312-darwin.so", &macho_needing(library));
        let finding = only(&report, CHECK);
        assert_eq!(
            finding.message,
            format!(
                "links `{library}` (LC_LOAD_DYLIB): it will not load under a statically linked interpreter"
            )
        );
        assert_eq!(finding.symbols, [library]);
    }
}

#[test]
fn fat_file_lists_each_library_once() {
    let binary = macho(Arch::X86_64)
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .needed("@rpath/libpython3.12.dylib")
        .slice(Arch::Aarch64)
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .needed("@rpath/libpython3.12.dylib")
        .build();
    let report = run("spam.cpython-312-darwin.so", &binary);
    assert_eq!(only(&report, CHECK).symbols, ["@rpath/libpython3.12.dylib"]);
}

#[test]
fn never_for_pe() {
    let binary = pe_amd64()
        .export("PyInit_spam")
        .needed("python312.dll")
        .needed("libpython3.12.dll")
        .import_from("PyModuleDef_Init", "python312.dll")
        .build();
    assert_silent(&run("spam.cp312-win_amd64.pyd", &binary), CHECK);
}

#[test]
fn other_libraries_are_silent() {
    for library in [
        "libstdc++.so.6",
        "libboost_python312.so.1.83.0",
        "libpyside6.abi3.so.6.6",
        "libshiboken6.abi3.so.6.6",
        "libpythonfoo.so",
        "libPythonQt-Qt5-Python3.8.so.1",
    ] {
        let report = run(
            "spam.cpython-312-x86_64-linux-gnu.so",
            &elf_needing(library),
        );
        assert_silent(&report, CHECK);
    }
    let report = run(
        "spam.cpython-312-darwin.so",
        &macho_needing("/usr/lib/libc++.1.dylib"),
    );
    assert_silent(&report, CHECK);
}

#[test]
fn py_names_from_another_dylib_are_not_interpreter_imports() {
    // PythonQt's functions start with `Py` too; a two-level namespace says
    // they come from PythonQt, not from the interpreter.
    let binary = macho(Arch::Aarch64)
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .import_from("PythonQt_init", "@rpath/libPythonQt.dylib")
        .needed("@rpath/libPythonQt.dylib")
        .build();
    let report = run("spam.cpython-312-darwin.so", &binary);
    assert_eq!(check_ids(&report), ["abi3-candidate"], "{report:?}");
}
