mod common;

use checkmeta::Severity;
use checks::Options;
use common::*;

const CHECK: &str = "abi3-not-free-threaded";

fn module() -> binary::Binary {
    elf_x86_64()
        .export("PyInit_spam")
        .imports(&["PyModuleDef_Init", "PyLong_FromLong"])
        .build()
}

fn at(path: &str) -> checks::FileReport {
    let file_name = path.rsplit('/').next().unwrap();
    checks::inspect(
        path.to_string(),
        file_name,
        &module(),
        None,
        &Options::default(),
    )
}

#[test]
fn an_abi3_module_in_a_free_threaded_site_packages_is_an_error() {
    let report = at("venv/lib/python3.14t/site-packages/spam.abi3.so");
    let finding = only(&report, CHECK);
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(
        finding.message,
        "it is installed in `python3.14t/site-packages`, a free-threaded CPython 3.14t's, which does not load `.abi3.so` (a free-threaded build lists no abi3 suffix; 3.15t loads `.abi3t.so`): `import spam` finds no module there"
    );
    let report = at("/usr/lib/python3.15t/lib-dynload/spam.abi3-x86_64-linux-gnu.so");
    assert_mentions(&only(&report, CHECK).message, &["CPython 3.15t"]);
}

#[test]
fn is_silent_elsewhere() {
    for path in [
        "venv/lib/python3.14/site-packages/spam.abi3.so",
        "venv/lib/python3.15t/site-packages/spam.abi3t.so",
        "venv/lib/python3.14t/site-packages/spam.cpython-314t-x86_64-linux-gnu.so",
        "build/python3.14t/spam.abi3.so",
        "spam.abi3.so",
    ] {
        assert_silent(&at(path), CHECK);
    }
    // Wheels are tag-suffix-mismatch's.
    let report = run_in_wheel(
        "spam-1.0-cp314-cp314t-manylinux_2_28_x86_64.whl",
        "spam.abi3.so",
        &module(),
    );
    assert_silent(&report, CHECK);
    assert_eq!(findings(&report, "tag-suffix-mismatch").len(), 1);
}
