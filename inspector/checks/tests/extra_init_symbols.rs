mod common;

use checkmeta::Severity;
use common::*;

const CHECK: &str = "extra-init-symbols";
const LINUX_312: &str = "spam.cpython-312-x86_64-linux-gnu.so";

#[test]
fn lists_the_other_modules_decoded() {
    let binary = elf_x86_64()
        .export("PyInit_spam")
        .export("PyInit_spam_legacy")
        .export("PyInitU_caf_dma")
        .export("PyModExport_eggs")
        .import("PyModuleDef_Init")
        .build();
    let report = run(LINUX_312, &binary);
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Info);
    assert_mentions(
        &finding.message,
        &[
            "also exports",
            "`PyInitU_caf_dma` (module `café`)",
            "`PyInit_spam_legacy` (module `spam_legacy`)",
            "`PyModExport_eggs` (module `eggs`)",
        ],
    );
    assert!(
        !finding.message.contains("`PyInit_spam`"),
        "{}",
        finding.message
    );
    let mut symbols = finding.symbols.clone();
    symbols.sort();
    assert_eq!(
        symbols,
        ["PyInitU_caf_dma", "PyInit_spam_legacy", "PyModExport_eggs"]
    );
    assert_silent(&report, "missing-init-symbol");
}

#[test]
fn silent_when_the_own_init_is_missing() {
    // Then missing-init-symbol lists the exports instead.
    let binary = elf_x86_64()
        .export("PyInit_eggs")
        .export("PyInit_ham")
        .import("PyModuleDef_Init")
        .build();
    let report = run(LINUX_312, &binary);
    assert_silent(&report, CHECK);
    only(&report, "missing-init-symbol");
}

#[test]
fn silent_when_the_own_init_is_hidden() {
    let binary = elf_x86_64()
        .hidden("PyInit_spam")
        .export("PyInit_eggs")
        .import("PyModuleDef_Init")
        .build();
    let report = run(LINUX_312, &binary);
    assert_silent(&report, CHECK);
    only(&report, "init-symbol-not-exported");
}

#[test]
fn both_hooks_of_the_own_module_are_not_extra() {
    let binary = elf_x86_64()
        .export("PyInit_spam")
        .export("PyModExport_spam")
        .import("PyModuleDef_Init")
        .build();
    let report = run(LINUX_312, &binary);
    assert_silent(&report, CHECK);
}

#[test]
fn ordinary_functions_are_not_init_functions() {
    let binary = elf_x86_64()
        .export("PyInit_spam")
        .export("PyInit_")
        .export("PyInit_a-b")
        .export("spam_helper")
        .export("initspam")
        .import("PyModuleDef_Init")
        .build();
    let report = run(LINUX_312, &binary);
    assert_silent(&report, CHECK);
    assert_eq!(report.init_symbols.len(), 1, "{:#?}", report.init_symbols);
}
