mod common;

use checkmeta::Severity;
use common::*;

const CHECK: &str = "tag-suffix-mismatch";

fn module() -> binary::Binary {
    elf_x86_64()
        .export("PyInit_spam")
        .export("PyModExport_spam")
        .import("PyLong_FromLong")
        .build()
}

#[test]
fn an_abi3t_wheel_holding_an_abi3_name_does_not_load_on_free_threaded_3_15() {
    let wheel = "spam-1.0-cp315-abi3.abi3t-manylinux_2_34_x86_64.whl";
    let report = run_in_wheel(wheel, "spam.abi3.so", &module());
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(
        finding.message,
        "its wheel's tags `cp315-abi3.abi3t` have installers put it on CPython build `3.15t`, which does not load `.abi3.so`: GIL-enabled CPython 3.2 and later load it, so `import spam` finds no module there"
    );
}

#[test]
fn names_older_builds_an_abi3_wheel_admits() {
    let wheel = "spam-1.0-cp39-abi3-manylinux_2_34_x86_64.whl";
    let report = run_in_wheel(wheel, "spam.abi3-x86_64-linux-gnu.so", &module());
    assert_mentions(
        &only(&report, CHECK).message,
        &[
            "`3.9`",
            "`3.14`",
            "GIL-enabled CPython 3.15 and later load it",
        ],
    );
    // A versioned name in another version's wheel.
    let wheel = "spam-1.0-cp315-cp315t-manylinux_2_34_x86_64.whl";
    let report = run_in_wheel(wheel, "spam.cpython-315-x86_64-linux-gnu.so", &module());
    assert_mentions(
        &only(&report, CHECK).message,
        &["`3.15t`", "only CPython 3.15 loads it"],
    );
}

#[test]
fn is_silent_where_the_name_fits_the_tags() {
    for (wheel, name) in [
        (
            "spam-1.0-cp315-abi3.abi3t-manylinux_2_34_x86_64.whl",
            "spam.abi3t.so",
        ),
        (
            "spam-1.0-cp315-abi3.abi3t-manylinux_2_34_x86_64.whl",
            "spam.abi3t-x86_64-linux-gnu.so",
        ),
        (
            "spam-1.0-cp39-abi3-manylinux_2_34_x86_64.whl",
            "spam.abi3.so",
        ),
        (
            "spam-1.0-cp315-cp315t-manylinux_2_34_x86_64.whl",
            "spam.cpython-315t-x86_64-linux-gnu.so",
        ),
        ("spam-1.0-cp314-cp314-manylinux_2_34_x86_64.whl", "spam.so"),
        (
            "spam-1.0-py3-none-manylinux_2_34_x86_64.whl",
            "spam.abi3.so",
        ),
    ] {
        assert_silent(&run_in_wheel(wheel, name, &module()), CHECK);
    }
    assert_silent(&run("spam.abi3.so", &module()), CHECK);
}
