mod common;

use binary::Arch;
use checkmeta::Severity;
use checks::FileKind;
use common::*;

const CHECK: &str = "missing-init-symbol";
const LINUX_312: &str = ".cpython-312-x86_64-linux-gnu.so";

#[test]
fn did_you_mean_picks_the_closest_of_several_init_exports() {
    let binary = elf_x86_64()
        .export("PyInit_eggs")
        .export("PyInit_spamm")
        .export("PyInit_sp")
        .import("PyModuleDef_Init")
        .build();
    let report = run(&format!("spam{LINUX_312}"), &binary);
    assert_eq!(report.kind, FileKind::Extension);
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    assert_mentions(
        &finding.message,
        &[
            "no exported init function `PyInit_spam` for module `spam`",
            "`PyInit_eggs` (module `eggs`)",
            "`PyInit_sp` (module `sp`)",
            "`PyInit_spamm` (module `spamm`)",
            "did you mean module `spamm`?",
        ],
    );
    assert!(!finding.message.contains("slice"), "{}", finding.message);
    assert!(!finding.message.contains("COFF"), "{}", finding.message);
    assert_eq!(
        finding.symbols,
        ["PyInit_spam", "PyInit_eggs", "PyInit_sp", "PyInit_spamm"]
    );
    // The extra exports are only reported alongside the module's own init.
    assert_silent(&report, "extra-init-symbols");
}

#[test]
fn no_init_export_at_all_says_so() {
    let binary = elf_x86_64().import("PyModuleDef_Init").build();
    let report = run(&format!("spam{LINUX_312}"), &binary);
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &["`PyInit_spam`", "the file exports no init function at all"],
    );
    assert!(!finding.message.contains("did you mean"));
    assert_eq!(finding.symbols, ["PyInit_spam"]);
}

#[test]
fn non_ascii_module_expects_punycode_init() {
    let name = format!("café{LINUX_312}");
    let bad = elf_x86_64()
        .export("PyInit_cafe")
        .import("PyModuleDef_Init")
        .build();
    let report = run(&name, &bad);
    assert_eq!(report.module.as_deref(), Some("café"));
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &[
            "`PyInitU_caf_dma` for module `café`",
            "did you mean module `cafe`?",
        ],
    );
    assert_eq!(finding.symbols[0], "PyInitU_caf_dma");

    let good = elf_x86_64()
        .export("PyInitU_caf_dma")
        .import("PyModuleDef_Init")
        .build();
    let report = run(&name, &good);
    assert_silent(&report, CHECK);
    assert_eq!(report.init_symbols.len(), 1);
    assert_eq!(report.init_symbols[0].symbol, "PyInitU_caf_dma");
    assert_eq!(report.init_symbols[0].module, "café");
}

#[test]
fn pep_793_export_hook_satisfies_it() {
    // PEP 793 hooks are looked up from 3.15 on.
    let binary = elf_x86_64()
        .export("PyModExport_spam")
        .import("PyModuleDef_Init")
        .build();
    let report = run("spam.cpython-315-x86_64-linux-gnu.so", &binary);
    assert_silent(&report, CHECK);
    assert_silent(&report, "init-symbol-not-exported");
    assert_silent(&report, "extra-init-symbols");
}

#[test]
fn python2_module_needs_init_name() {
    let bad = elf_x86_64()
        .export("PyInit_spam")
        .import("Py_InitModule4_64")
        .build();
    let report = run("spam.so", &bad);
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &["no exported init function `initspam` for module `spam`"],
    );
    assert_eq!(finding.symbols[0], "initspam");

    let good = elf_x86_64()
        .export("initspam")
        .import("Py_InitModule4_64")
        .build();
    let report = run("spam.so", &good);
    assert_silent(&report, CHECK);
    assert_eq!(report.init_symbols[0].symbol, "initspam");
    assert_eq!(report.init_symbols[0].module, "spam");
}

#[test]
fn fat_macho_names_the_slice_that_lacks_it() {
    let binary = macho(Arch::X86_64)
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .slice(Arch::Aarch64)
        .import("PyModuleDef_Init")
        .build();
    let report = run("spam.cpython-312-darwin.so", &binary);
    assert_eq!(report.arch, ["x86_64", "aarch64"]);
    let finding = only(&report, CHECK);
    assert_mentions(&finding.message, &["`PyInit_spam`", "in the aarch64 slice"]);
    assert!(!finding.message.contains("x86_64"), "{}", finding.message);
}

#[test]
fn fat_macho_lacking_it_everywhere_names_no_slice() {
    let binary = macho(Arch::X86_64)
        .import("PyModuleDef_Init")
        .slice(Arch::Aarch64)
        .import("PyModuleDef_Init")
        .build();
    let report = run("spam.cpython-312-darwin.so", &binary);
    let finding = only(&report, CHECK);
    assert_eq!(
        finding.message,
        "no exported init function `PyInit_spam` for module `spam`; the file exports no init function at all"
    );
}

#[test]
fn fat_macho_with_init_everywhere_is_clean() {
    let binary = macho(Arch::X86_64)
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .slice(Arch::Aarch64)
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .build();
    let report = run("spam.cpython-312-darwin.so", &binary);
    assert_silent(&report, CHECK);
}

#[test]
fn pe_without_coff_symbols_gets_a_note() {
    let binary = pe_amd64()
        .export("PyInit_eggs")
        .needed("python312.dll")
        .import_from("PyModuleDef_Init", "python312.dll")
        .no_static_symbols()
        .build();
    let report = run("spam.cp312-win_amd64.pyd", &binary);
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &[
            "`PyInit_spam`",
            "did you mean module `eggs`?",
            "this PE file has no COFF symbol table",
        ],
    );

    // With a symbol table, the absence is real and the note is not needed.
    let with_symtab = pe_amd64()
        .export("PyInit_eggs")
        .needed("python312.dll")
        .import_from("PyModuleDef_Init", "python312.dll")
        .build();
    let report = run("spam.cp312-win_amd64.pyd", &with_symtab);
    assert!(!only(&report, CHECK).message.contains("COFF"));

    // An ELF file without .symtab does not get the PE note.
    let elf_stripped = elf_x86_64()
        .export("PyInit_eggs")
        .import("PyModuleDef_Init")
        .no_static_symbols()
        .build();
    let report = run(&format!("spam{LINUX_312}"), &elf_stripped);
    assert!(!only(&report, CHECK).message.contains("COFF"));
}

#[test]
fn hidden_definition_is_left_to_init_symbol_not_exported() {
    let binary = elf_x86_64()
        .hidden("PyInit_spam")
        .import("PyModuleDef_Init")
        .build();
    let report = run(&format!("spam{LINUX_312}"), &binary);
    assert_silent(&report, CHECK);
    only(&report, "init-symbol-not-exported");
}

#[test]
fn good_module_is_clean() {
    let binary = elf_x86_64()
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .import("PyUnicode_AsUTF8")
        .build();
    let report = run(&format!("spam{LINUX_312}"), &binary);
    assert_eq!(report.kind, FileKind::Extension);
    assert_eq!(report.module.as_deref(), Some("spam"));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn a_library_that_is_not_a_module_gets_nothing() {
    let binary = elf_x86_64()
        .export("foo_init")
        .export("foo_compute")
        .import_versioned("malloc", Some("libc.so.6"), "GLIBC_2.2.5")
        .needed("libc.so.6")
        .build();
    for (name, kind) in [
        ("libfoo.so", FileKind::Library),
        (&format!("foo{LINUX_312}"), FileKind::NotExtension),
    ] {
        let report = run(name, &binary);
        assert_eq!(report.kind, kind, "{name}");
        assert!(report.findings.is_empty(), "{name}: {:#?}", report.findings);
        assert_eq!(report.module, None, "{name}");
        assert_eq!(report.tag, None, "{name}");
        assert!(report.init_symbols.is_empty(), "{name}");
        assert_eq!(report.format, Some("elf"));
    }
}

#[test]
fn a_pep_793_hook_alone_does_not_load_before_3_15() {
    let binary = elf_x86_64()
        .export("PyModExport_spam")
        .import("PyModuleDef_Init")
        .build();
    let report = run("spam.cpython-312-x86_64-linux-gnu.so", &binary);
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    assert_mentions(
        &finding.message,
        &[
            "no exported init function `PyInit_spam` for module `spam`",
            "its init is PEP 793's `PyModExport_spam`",
            "the file name names CPython 3.12",
            "CPython before 3.15 looks up only `PyInit_spam` (Python/importdl.c)",
        ],
    );
    // The hook is this module's own: no "did you mean" naming the same module.
    assert!(
        !finding.message.contains("did you mean"),
        "{}",
        finding.message
    );
}

fn hook_only(module: &str) -> binary::Binary {
    elf_x86_64()
        .export(&format!("PyModExport_{module}"))
        .import("PyLong_FromLong")
        .build()
}

#[test]
fn a_hook_alone_is_the_init_of_3_15_targets() {
    for name in [
        "hx.abi3t.so",
        "hx.abi3t-x86_64-linux-gnu.so",
        "hx.cpython-315-x86_64-linux-gnu.so",
        "hx.cpython-315t-x86_64-linux-gnu.so",
        "hx.cpython-315d-x86_64-linux-gnu.so",
        // abi3 with nothing declared: the hook itself makes it 3.15's.
        "hx.abi3.so",
    ] {
        let report = run(name, &hook_only("hx"));
        assert_silent(&report, CHECK);
        assert_silent(&report, "init-symbol-not-exported");
        assert_silent(&report, "extra-init-symbols");
    }
    let wheel = "cryptography-51.0.1-cp315-abi3.abi3t-manylinux_2_34_x86_64.whl";
    let report = run_in_wheel(
        wheel,
        "_rust.abi3t-x86_64-linux-gnu.so",
        &hook_only("_rust"),
    );
    assert_silent(&report, CHECK);
}

#[test]
fn a_hook_alone_is_an_error_where_an_older_cpython_loads_the_file() {
    // abi3 declared for 3.11: 3.11-3.14 would look up PyInit_hx.
    let report = run_with(
        "hx.abi3.so",
        &hook_only("hx"),
        None,
        &options_abi3_min(3, 11),
    );
    assert_mentions(
        &only(&report, CHECK).message,
        &[
            "abi3 module for CPython 3.11 and later (--abi3-min)",
            "Python/importdl.c",
        ],
    );
    let wheel = "hx-1.0-cp39-abi3-manylinux_2_17_x86_64.whl";
    let report = run_in_wheel(wheel, "hx.abi3.so", &hook_only("hx"));
    assert_mentions(
        &only(&report, CHECK).message,
        &["abi3 module for CPython 3.9 and later (the wheel tag)"],
    );
    // `.so` names no version: every CPython loads it.
    let report = run("hx.so", &hook_only("hx"));
    assert_mentions(
        &only(&report, CHECK).message,
        &["`.so` names no version, so every CPython loads it"],
    );
    // `.abi3-<triplet>.so` is 3.15's (Debian's 3.14 lists it by a patch of
    // its own), and the hook alone sets the floor: 3.15.
    let report = run("hx.abi3-x86_64-linux-gnu.so", &hook_only("hx"));
    assert_eq!(
        report.tag.as_ref().unwrap().abi3_min.as_deref(),
        Some("3.15")
    );
    assert_silent(&report, CHECK);
}

#[test]
fn both_hooks_are_fine_and_the_report_says_which_cpython_calls_which() {
    let binary = elf_x86_64()
        .export("PyInit_both")
        .export("PyModExport_both")
        .import("PyModuleDef_Init")
        .build();
    for name in [
        "both.cpython-314-x86_64-linux-gnu.so",
        "both.cpython-315-x86_64-linux-gnu.so",
        "both.abi3.so",
        "both.so",
    ] {
        let report = run(name, &binary);
        assert_silent(&report, CHECK);
        assert_silent(&report, "extra-init-symbols");
        let notes: Vec<_> = report
            .init_symbols
            .iter()
            .map(|s| (s.symbol.as_str(), s.note.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(notes.len(), 2, "{name}");
        assert!(notes[0].1.contains("before 3.15"), "{notes:?}");
        assert!(notes[1].1.contains("3.15 and later"), "{notes:?}");
    }
}
