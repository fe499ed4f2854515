//! What one fuzz input means and what counts as a failure, shared by the fuzz
//! targets (`inspector/fuzz/fuzz_targets/`) and by
//! `inspector/extinspect/tests/fuzz_corpus.rs`, so that the corpus and the
//! regressions are replayed exactly as they were fuzzed. See docs/fuzzing.md.
//!
//! An input is one selector byte followed by the bytes of a file (target
//! `inspect_file`) or of a wheel (target `inspect_wheel`). The selector picks
//! the name the bytes are inspected under, since the name decides the module
//! name and the tags the binary is held to; taking it from the input lets the
//! fuzzer explore the naming checks too. Seeds get the selector of their real
//! name ([`file_selector`], [`wheel_selector`]), so a corpus file is
//! `selector ++ original bytes` (`tail -c +2 input > x.so` recovers the file).

use checks::{FileReport, Options};

/// The high nibble of an `inspect_file` selector: the module name.
pub const MODULES: [&str; 16] = [
    "clean_multiphase",
    "limited_abi3",
    "fake_abi3",
    "hidden_init",
    "init_name_mismatch",
    "multi_init",
    "links_libpython",
    "café",
    "模块",
    "xxlimited",
    "_testmultiphase",
    "_testsinglephase",
    "_testimportmultiple",
    "crypt",
    "mod",
    "not-an-identifier",
];

/// The low nibble of an `inspect_file` selector: the loader suffix.
pub const SUFFIXES: [&str; 16] = [
    ".cpython-312-x86_64-linux-gnu.so",
    ".abi3.so",
    ".cpython-312-darwin.so",
    ".cp312-win_amd64.pyd",
    ".so",
    ".pyd",
    ".cpython-311-x86_64-linux-gnu.so",
    ".cpython-311d-x86_64-linux-gnu.so",
    ".cpython-313t-x86_64-linux-gnu.so",
    ".cpython-312-aarch64-linux-gnu.so",
    ".cp312-win_arm64.pyd",
    ".cp311-win_amd64.pyd",
    ".cpython-36m-x86_64-linux-gnu.so",
    ".abi3t.so",
    "_d.cp313t-win_amd64.pyd",
    "",
];

/// The low nibble of an `inspect_wheel` selector: the wheel's file name.
pub const WHEELS: [&str; 16] = [
    "pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "pkg-1.0-cp38-abi3-manylinux_2_17_x86_64.whl",
    "pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl",
    "pkg-1.0-cp312-cp312-macosx_10_9_universal2.whl",
    "pkg-1.0-cp312-cp312-win_amd64.whl",
    "pkg-1.0-cp38-abi3-win_amd64.whl",
    "pkg-1.0-cp312-cp312-win_arm64.whl",
    "pkg-1.0-cp311-cp311-win_amd64.whl",
    "pkg-1.0-cp312-cp312-musllinux_1_2_x86_64.whl",
    "pkg-1.0-cp313-cp313t-manylinux_2_28_aarch64.whl",
    "pkg-1.0-py3-none-any.whl",
    "pkg-1.0-1-cp312-cp312-linux_x86_64.whl",
    "pkg-1.0-cp311.cp312-cp311.cp312-manylinux_2_17_x86_64.whl",
    "pkg-1.0-cp36-cp36m-manylinux1_x86_64.whl",
    "pkg-1.0-cp38-abi3-macosx_10_9_x86_64.whl",
    "not-a-wheel.zip",
];

/// Bits 4 and 5 of an `inspect_wheel` selector: `--abi3-min`.
pub const ABI3_MIN: [Option<(u8, u8)>; 4] = [None, Some((3, 2)), Some((3, 8)), Some((3, 12))];

/// What marks a finding made from a panic (`run.rs`'s `internal_error`).
pub const INTERNAL_ERROR: &str = "internal error";

pub fn file_name(selector: u8) -> String {
    format!(
        "{}{}",
        MODULES[usize::from(selector >> 4)],
        SUFFIXES[usize::from(selector & 0x0f)]
    )
}

/// The selector whose name is `file_name`, if the tables have it.
pub fn file_selector(file_name: &str) -> Option<u8> {
    (0..=255u8).find(|&s| self::file_name(s) == file_name)
}

pub fn wheel_name(selector: u8) -> &'static str {
    WHEELS[usize::from(selector & 0x0f)]
}

pub fn wheel_options(selector: u8) -> Options {
    Options {
        abi3_min: ABI3_MIN[usize::from((selector >> 4) & 0x03)]
            .map(|(major, minor)| abi::PyVersion::new(major, minor)),
        floors: Vec::new(),
    }
}

/// The selector (with no `--abi3-min`) whose name is `wheel_name`.
pub fn wheel_selector(wheel_name: &str) -> Option<u8> {
    (0..16u8).find(|&s| self::wheel_name(s) == wheel_name)
}

/// Target `inspect_file`: the whole inspection of one file, then rendering.
/// `Err` is what the fuzzer must treat as a crash.
pub fn inspect_file(input: &[u8]) -> Result<(), String> {
    let Some((&selector, bytes)) = input.split_first() else {
        return Ok(());
    };
    let name = file_name(selector);
    let report = inspector::inspect_file_bytes(name.clone(), &name, bytes, &Options::default());
    verify(std::slice::from_ref(&report))
}

/// Target `inspect_wheel`: the whole inspection of one wheel, then rendering.
pub fn inspect_wheel(input: &[u8]) -> Result<(), String> {
    let Some((&selector, bytes)) = input.split_first() else {
        return Ok(());
    };
    let name = wheel_name(selector);
    let reports = inspector::inspect_wheel_bytes(name, name, bytes, &wheel_options(selector));
    verify(&reports)
}

/// No panic turned into a finding; every label and message one line with
/// no control characters (names from the file can hold any byte, and a
/// report line must be neither forged nor able to drive a terminal); the
/// reports render as JSON and as text.
pub fn verify(reports: &[FileReport]) -> Result<(), String> {
    for report in reports {
        if report.path.contains(char::is_control) {
            return Err(format!(
                "a report's label has a control character: {:?}",
                report.path
            ));
        }
        // The text output shows the module name (from the file's name) too.
        if let Some(module) = report
            .module
            .as_deref()
            .filter(|m| m.contains(char::is_control))
        {
            return Err(format!(
                "{}: the module name has a control character: {module:?}",
                report.path
            ));
        }
        for finding in &report.findings {
            if finding.message.contains(INTERNAL_ERROR) {
                return Err(format!("{}: {}", report.path, finding.message));
            }
            if finding.message.contains(char::is_control) {
                return Err(format!(
                    "{}: a `{}` finding's message has a control character (one line, and no terminal escapes): {:?}",
                    report.path, finding.check, finding.message
                ));
            }
        }
    }
    let outcome = inspector::Outcome {
        schema: 1,
        files: reports.to_vec(),
        summary: inspector::Summary::default(),
        io_error: false,
    };
    let json = crate::render::json(&outcome);
    let text = crate::render::text(&outcome);
    if json.is_empty() || text.is_empty() {
        return Err("a renderer wrote nothing".into());
    }
    if text.contains(|c: char| c.is_control() && c != '\n') {
        return Err(format!("the text output has a control character: {text:?}"));
    }
    Ok(())
}
