mod common;

use binary::Arch;
use checkmeta::Severity;
use common::*;

const CHECK: &str = "suffix-not-importable";

fn linux_module() -> binary::Binary {
    elf_x86_64()
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .build()
}

fn macos_module() -> binary::Binary {
    macho(Arch::Aarch64)
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .build()
}

fn windows_module(dll: &str) -> binary::Binary {
    pe_amd64()
        .export("PyInit_spam")
        .needed("KERNEL32.dll")
        .needed(dll)
        .import_from("PyModuleDef_Init", dll)
        .import_from("PyUnicode_AsUTF8", dll)
        .build()
}

#[test]
fn elf_named_pyd() {
    let report = run("spam.cp312-win_amd64.pyd", &linux_module());
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    assert_mentions(
        &finding.message,
        &[
            "no CPython on Linux would load `spam.cp312-win_amd64.pyd`",
            "its loader accepts",
            "the name is one for Windows, but this is an ELF file",
        ],
    );
    // The init function is still checked under the name it carries.
    assert_eq!(report.module.as_deref(), Some("spam"));
    assert_silent(&report, "missing-init-symbol");
}

#[test]
fn pe_named_so() {
    let report = run(
        "spam.cpython-312-x86_64-linux-gnu.so",
        &windows_module("python312.dll"),
    );
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &[
            "no CPython on Windows would load",
            "`.cpXY-<platform>.pyd` or `.pyd`",
            "the name is one for Linux, but this is a PE file",
        ],
    );
    let report = run("spam.so", &windows_module("python312.dll"));
    assert_mentions(
        &only(&report, CHECK).message,
        &["the name is one for Linux, but this is a PE file"],
    );
}

#[test]
fn macho_with_a_linux_triplet() {
    let name = "spam.cpython-312-x86_64-linux-gnu.so";
    let report = run(name, &macos_module());
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &[
            "no CPython on macOS would load",
            "after its loader strips `.so`, `spam.cpython-312-x86_64-linux-gnu` is not a module name",
            "the name is one for Linux, but this is a Mach-O file",
        ],
    );
    assert_eq!(report.module.as_deref(), Some("spam"));
    assert_silent(&report, "missing-init-symbol");
}

#[test]
fn macho_named_dylib() {
    let report = run("libspam.dylib", &macos_module());
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &[
            "no CPython on macOS would load `libspam.dylib`",
            "`.cpython-XY-darwin.so`, `.abi3.so` or `.so`",
        ],
    );
    assert!(!finding.message.contains("the name is one for"));
}

#[test]
fn name_that_is_not_an_identifier() {
    let report = run("my-spam.cpython-312-x86_64-linux-gnu.so", &linux_module());
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &[
            "after its loader strips `.cpython-312-x86_64-linux-gnu.so`, `my-spam` is not a module name",
        ],
    );
}

#[test]
fn importable_names_are_silent() {
    let linux = linux_module();
    for name in [
        "spam.cpython-312-x86_64-linux-gnu.so",
        "spam.abi3.so",
        "spam.so",
        "spam.cpython-313t-x86_64-linux-gnu.so",
    ] {
        assert_silent(&run(name, &linux), CHECK);
    }
    for name in ["spam.cpython-312-darwin.so", "spam.abi3.so", "spam.so"] {
        assert_silent(&run(name, &macos_module()), CHECK);
    }
    let report = run(
        "spam_d.cp312-win_amd64.pyd",
        &windows_module("python312_d.dll"),
    );
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    let tag = report.tag.expect("an extension has a tag report");
    assert!(tag.debug);
    assert_eq!(tag.suffix.as_deref(), Some("_d.cp312-win_amd64.pyd"));
    assert_eq!(report.module.as_deref(), Some("spam"));
    // Windows file names are case-insensitive.
    assert_silent(
        &run("spam.CP312-WIN_AMD64.PYD", &windows_module("python312.dll")),
        CHECK,
    );
}

#[test]
fn clean_linux_module_has_no_findings() {
    let binary = elf_x86_64()
        .export("PyInit_foo")
        .import("PyModuleDef_Init")
        .import("PyUnicode_AsUTF8")
        .build();
    let report = run("foo.cpython-312-x86_64-linux-gnu.so", &binary);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    let tag = report.tag.expect("an extension has a tag report");
    assert_eq!(tag.python.as_deref(), Some("3.12"));
    assert_eq!(tag.platform.as_deref(), Some("x86_64-linux-gnu"));
}

#[test]
fn a_name_import_cannot_spell_but_the_loader_takes_is_importable() {
    // charset_normalizer ships mypyc's shared module under this name, and
    // importlib.import_module loads it.
    let mypyc = elf_x86_64()
        .export("PyInit_81d243bd2c585b0f4821__mypyc")
        .import("PyModule_Create2")
        .build();
    let report = run(
        "81d243bd2c585b0f4821__mypyc.cpython-312-x86_64-linux-gnu.so",
        &mypyc,
    );
    assert_silent(&report, CHECK);
    assert_silent(&report, "missing-init-symbol");
    assert_eq!(
        report.module.as_deref(),
        Some("81d243bd2c585b0f4821__mypyc")
    );
    // No init symbol can carry a `-`: the loader cannot load it.
    let report = run("my-module.cpython-312-x86_64-linux-gnu.so", &linux_module());
    only(&report, CHECK);
}
