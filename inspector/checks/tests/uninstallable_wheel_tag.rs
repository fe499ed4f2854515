mod common;

use checkmeta::Severity;
use common::*;

const CHECK: &str = "uninstallable-wheel-tag";

fn module() -> binary::Binary {
    elf_x86_64()
        .export("PyModExport_spam")
        .import("PyLong_FromLong")
        .build()
}

#[test]
fn a_t_in_the_python_tag_is_in_no_supported_tag_list() {
    let wheel = "spam-1.0-cp315t-abi3t-manylinux_2_34_x86_64.whl";
    let report = run_in_wheel(wheel, "spam.abi3t.so", &module());
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    assert_mentions(
        &finding.message,
        &[
            "no installer installs this wheel",
            "`cp315t-abi3t`",
            "`cp315t` is no python tag",
        ],
    );
}

#[test]
fn is_silent_on_the_tags_installers_list() {
    for wheel in [
        "spam-1.0-cp315-abi3.abi3t-manylinux_2_34_x86_64.whl",
        "spam-1.0-cp315-abi3t-manylinux_2_34_x86_64.whl",
        "spam-1.0-cp315-cp315t-manylinux_2_34_x86_64.whl",
        "spam-1.0-cp39-abi3-manylinux_2_34_x86_64.whl",
        "spam-1.0-py3-none-manylinux_2_34_x86_64.whl",
    ] {
        assert_silent(&run_in_wheel(wheel, "spam.abi3t.so", &module()), CHECK);
    }
    // Outside a wheel there is nothing to judge.
    assert_silent(&run("spam.abi3t.so", &module()), CHECK);
}
