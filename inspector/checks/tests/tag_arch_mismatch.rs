mod common;

use binary::Arch;
use checkmeta::Severity;
use common::*;

const CHECK: &str = "tag-arch-mismatch";

fn module(builder: Builder) -> binary::Binary {
    builder
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .build()
}

#[test]
fn elf_aarch64_named_x86_64() {
    let report = run(
        "spam.cpython-312-x86_64-linux-gnu.so",
        &module(elf(Arch::Aarch64)),
    );
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(
        finding.message,
        "the file name says x86_64 (`x86_64-linux-gnu`), but the ELF machine is aarch64"
    );
}

#[test]
fn abi3_triplet_suffix_is_checked_too() {
    let report = run("spam.abi3-x86_64-linux-gnu.so", &module(elf(Arch::Aarch64)));
    assert_mentions(
        &only(&report, CHECK).message,
        &["`x86_64-linux-gnu`", "aarch64"],
    );
}

#[test]
fn pe_x86_named_win_amd64() {
    let binary = pe(Arch::X86)
        .export("PyInit_spam")
        .needed("python312.dll")
        .import_from("PyModuleDef_Init", "python312.dll")
        .build();
    let report = run("spam.cp312-win_amd64.pyd", &binary);
    assert_eq!(
        only(&report, CHECK).message,
        "the file name says x86_64 (`win_amd64`), but the PE machine is i686"
    );
    assert_silent(&run("spam.cp312-win32.pyd", &binary), CHECK);
}

#[test]
fn universal2_wheel_with_one_slice() {
    let report = run_in_wheel(
        "spam-1.0-cp312-cp312-macosx_10_9_universal2.whl",
        "spam.cpython-312-darwin.so",
        &module(macho(Arch::X86_64)),
    );
    let finding = only(&report, CHECK);
    assert_eq!(
        finding.message,
        "the wheel tag `macosx_10_9_universal2` needs aarch64, but the Mach-O file has x86_64"
    );

    let fat = macho(Arch::X86_64)
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .slice(Arch::Aarch64)
        .export("PyInit_spam")
        .import("PyModuleDef_Init")
        .build();
    let report = run_in_wheel(
        "spam-1.0-cp312-cp312-macosx_10_9_universal2.whl",
        "spam.cpython-312-darwin.so",
        &fat,
    );
    assert_silent(&report, CHECK);
}

#[test]
fn macos_wheel_holding_an_elf_file() {
    let report = run_in_wheel(
        "spam-1.0-cp312-cp312-macosx_11_0_arm64.whl",
        "spam.cpython-312-x86_64-linux-gnu.so",
        &module(elf_x86_64()),
    );
    assert_eq!(
        only(&report, CHECK).message,
        "the wheel tag `macosx_11_0_arm64` is for macOS, but this is an ELF file"
    );
}

#[test]
fn pure_wheel_holding_a_binary() {
    let report = run_in_wheel(
        "spam-1.0-py3-none-any.whl",
        "spam.cpython-312-x86_64-linux-gnu.so",
        &module(elf_x86_64()),
    );
    assert_eq!(
        only(&report, CHECK).message,
        "the wheel is tagged `any`, but this ELF extension runs only on Linux"
    );
}

#[test]
fn wheel_arch_differs_from_the_binary() {
    let report = run_in_wheel(
        "spam-1.0-cp312-cp312-manylinux_2_17_aarch64.whl",
        "spam.cpython-312-aarch64-linux-gnu.so",
        &module(elf_x86_64()),
    );
    let found = findings(&report, CHECK);
    // The file name and the wheel tag each say aarch64.
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_mentions(&found[0].message, &["the file name says aarch64"]);
    assert_mentions(
        &found[1].message,
        &["the wheel tag `manylinux_2_17_aarch64` needs aarch64, but the ELF file has x86_64"],
    );
}

#[test]
fn compressed_tag_set_matching_is_clean() {
    let report = run_in_wheel(
        "spam-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "spam.cpython-312-x86_64-linux-gnu.so",
        &module(elf_x86_64()),
    );
    assert_silent(&report, CHECK);
    let wheel = report.tag.and_then(|t| t.wheel).expect("wheel tags");
    assert_eq!(
        wheel.platform,
        ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
    );
}

#[test]
fn matching_names_are_clean() {
    assert_silent(
        &run(
            "spam.cpython-312-aarch64-linux-gnu.so",
            &module(elf(Arch::Aarch64)),
        ),
        CHECK,
    );
    assert_silent(
        &run_in_wheel(
            "spam-1.0-cp312-cp312-macosx_11_0_arm64.whl",
            "spam.cpython-312-darwin.so",
            &module(macho(Arch::Aarch64)),
        ),
        CHECK,
    );
    let pe_arm64 = pe(Arch::Aarch64)
        .export("PyInit_spam")
        .needed("python312.dll")
        .import_from("PyModuleDef_Init", "python312.dll")
        .build();
    assert_silent(
        &run_in_wheel(
            "spam-1.0-cp312-cp312-win_arm64.whl",
            "spam.cp312-win_arm64.pyd",
            &pe_arm64,
        ),
        CHECK,
    );
    // A plain name says nothing about the architecture.
    assert_silent(&run("spam.so", &module(elf(Arch::Riscv64))), CHECK);
}
