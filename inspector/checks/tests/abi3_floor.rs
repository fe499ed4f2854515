mod common;

use checkmeta::Severity;
use common::*;

const CHECK: &str = "abi3-floor";

fn module() -> binary::Binary {
    elf_x86_64()
        .export("PyInit_spam")
        .imports(&["PyModuleDef_Init", "PyUnicode_AsUTF8AndSize"])
        .build()
}

#[test]
fn an_abi3_module_with_no_declared_minimum_gets_the_version_its_imports_need() {
    let report = run("spam.abi3.so", &module());
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Info);
    assert_eq!(
        finding.message,
        "abi3 module with no declared minimum CPython: its imports need CPython 3.10 or later (`PyUnicode_AsUTF8AndSize`, stable ABI since 3.10)"
    );
    // Nothing is judged against an assumed 3.2.
    assert_silent(&report, "abi3-violation");
    assert_eq!(
        report.tag.as_ref().unwrap().abi3_min.as_deref(),
        Some("3.10")
    );
}

#[test]
fn is_silent_when_a_minimum_is_declared() {
    assert_silent(
        &run_with("spam.abi3.so", &module(), None, &options_abi3_min(3, 10)),
        CHECK,
    );
    let wheel = parse_wheel("spam-1.0-cp310-abi3-manylinux_2_28_x86_64.whl");
    assert_silent(
        &run_with("spam.abi3.so", &module(), Some(&wheel), &Default::default()),
        CHECK,
    );
    // And not for a module built for one version.
    assert_silent(
        &run("spam.cpython-312-x86_64-linux-gnu.so", &module()),
        CHECK,
    );
}

#[test]
fn a_floor_declared_for_the_files_path_counts() {
    let options = checks::Options {
        abi3_min: None,
        floors: vec![checks::Floor {
            path: "site/bcrypt".into(),
            version: abi::PyVersion::new(3, 9),
            declared_by: checks::FloorSource::InstalledWheel {
                distribution: "bcrypt-4.3.0".into(),
            },
        }],
    };
    let report = checks::inspect(
        "site/bcrypt/spam.abi3.so".into(),
        "spam.abi3.so",
        &module(),
        None,
        &options,
    );
    assert_silent(&report, CHECK);
    let violation = only(&report, "abi3-violation");
    assert_mentions(
        &violation.message,
        &[
            "of 3.9 (from the installed distribution's WHEEL tag)",
            "`PyUnicode_AsUTF8AndSize` (stable ABI since 3.10)",
        ],
    );
}

#[test]
fn a_pep_793_hook_alone_sets_the_floor_to_3_15() {
    let hook_only = elf_x86_64()
        .export("PyModExport_spam")
        .import("PyLong_FromLong")
        .build();
    let report = run("spam.abi3.so", &hook_only);
    let finding = only(&report, CHECK);
    assert_mentions(
        &finding.message,
        &[
            "PEP 793's `PyModExport_spam`",
            "needs CPython 3.15 or later",
        ],
    );
    assert!(!finding.message.contains("3.2"), "{}", finding.message);
    assert_eq!(
        report.tag.as_ref().unwrap().abi3_min.as_deref(),
        Some("3.15")
    );
}

#[test]
fn abi3t_names_its_floor_3_15() {
    // `.abi3t.so` is 3.15's: the name says the floor, no guess from imports.
    for name in ["spam.abi3t.so", "spam.abi3t-x86_64-linux-gnu.so"] {
        let report = run(name, &module());
        assert_silent(&report, CHECK);
        let tag = report.tag.as_ref().unwrap();
        assert_eq!(tag.abi3_min.as_deref(), Some("3.15"), "{name}");
        assert!(tag.abi3 && tag.abi3t && tag.free_threaded, "{tag:?}");
    }
    // Even against a lower declared minimum: nothing older loads the file.
    let report = run_with("spam.abi3t.so", &module(), None, &options_abi3_min(3, 10));
    assert_eq!(
        report.tag.as_ref().unwrap().abi3_min.as_deref(),
        Some("3.15")
    );
}
