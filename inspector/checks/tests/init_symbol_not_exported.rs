mod common;

use binary::Arch;
use checkmeta::Severity;
use common::*;

const CHECK: &str = "init-symbol-not-exported";
const LINUX_312: &str = "spam.cpython-312-x86_64-linux-gnu.so";

#[test]
fn hidden_visibility() {
    let binary = elf_x86_64()
        .hidden("PyInit_spam")
        .import("PyModuleDef_Init")
        .build();
    let report = run(LINUX_312, &binary);
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(
        finding.message,
        "`PyInit_spam` is defined but not exported: it has hidden visibility, so the loader cannot find it"
    );
    assert_eq!(finding.symbols, ["PyInit_spam"]);
    assert_silent(&report, "missing-init-symbol");
}

#[test]
fn local_binding() {
    let binary = elf_x86_64()
        .local("PyInit_spam")
        .import("PyModuleDef_Init")
        .build();
    let report = run(LINUX_312, &binary);
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &["`PyInit_spam` is defined but not exported", "it is local"],
    );
    assert_eq!(finding.symbols, ["PyInit_spam"]);
}

#[test]
fn pe_not_in_export_table() {
    let binary = pe_amd64()
        .not_in_export_table("PyInit_spam")
        .needed("python312.dll")
        .import_from("PyModuleDef_Init", "python312.dll")
        .build();
    let report = run("spam.cp312-win_amd64.pyd", &binary);
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &["`PyInit_spam`", "it is not in the PE export table"],
    );
    assert_silent(&report, "missing-init-symbol");
}

#[test]
fn hidden_export_hook_is_reported_by_its_own_name() {
    let binary = elf_x86_64()
        .hidden("PyModExport_spam")
        .import("PyModuleDef_Init")
        .build();
    // Only 3.15 and later look for the PEP 793 hook.
    let report = run("spam.cpython-315-x86_64-linux-gnu.so", &binary);
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &["`PyModExport_spam`", "hidden visibility"],
    );
    assert_eq!(finding.symbols, ["PyModExport_spam"]);
}

#[test]
fn python2_init_hidden() {
    let binary = elf_x86_64()
        .hidden("initspam")
        .import("Py_InitModule4_64")
        .build();
    let report = run("spam.so", &binary);
    let finding = only(&report, CHECK);
    assert_mentions(&finding.message, &["`initspam`", "hidden visibility"]);
}

#[test]
fn fat_file_hidden_in_both_slices_is_one_finding() {
    let binary = macho(Arch::X86_64)
        .hidden("PyInit_spam")
        .import("PyModuleDef_Init")
        .slice(Arch::Aarch64)
        .hidden("PyInit_spam")
        .import("PyModuleDef_Init")
        .build();
    let report = run("spam.cpython-312-darwin.so", &binary);
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &[
            "`PyInit_spam` is defined in the x86_64 and aarch64 slices but not exported",
            "hidden visibility",
        ],
    );
    assert_eq!(finding.symbols, ["PyInit_spam"]);
}

#[test]
fn fat_file_hidden_in_one_slice_names_it() {
    let binary = macho(Arch::X86_64)
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .slice(Arch::Aarch64)
        .hidden("PyInit_spam")
        .import("PyModuleDef_Init")
        .build();
    let report = run("spam.cpython-312-darwin.so", &binary);
    let finding = only(&report, CHECK);
    assert_mentions(&finding.message, &["is defined in the aarch64 slice but"]);
    assert_silent(&report, "missing-init-symbol");
}

#[test]
fn fat_file_with_different_reasons_gets_one_finding_each() {
    let binary = macho(Arch::X86_64)
        .hidden("PyInit_spam")
        .import("PyModuleDef_Init")
        .slice(Arch::Aarch64)
        .local("PyInit_spam")
        .import("PyModuleDef_Init")
        .build();
    let report = run("spam.cpython-312-darwin.so", &binary);
    let found = findings(&report, CHECK);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_mentions(&found[0].message, &["x86_64 slice", "hidden visibility"]);
    assert_mentions(&found[1].message, &["aarch64 slice", "it is local"]);
}

#[test]
fn exported_init_is_silent_even_with_a_static_copy_of_another() {
    // The exported definition wins over a static-table entry of the same name,
    // and another module's hidden init function is none of this check's business.
    let binary = elf_x86_64()
        .export("PyInit_spam")
        .local("PyInit_spam")
        .hidden("PyInit_eggs")
        .import("PyModuleDef_Init")
        .build();
    let report = run(LINUX_312, &binary);
    assert_silent(&report, CHECK);
    assert_silent(&report, "missing-init-symbol");
}
