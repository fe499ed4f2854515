//! What is not a loadable binary is an error, with a one-line message that
//! says what the bytes are; and no input whatsoever makes `parse` panic.

use std::path::{Path, PathBuf};
use std::process::Command;

use binary::{BinaryError, Format};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

fn error(data: &[u8]) -> BinaryError {
    let error = binary::parse(data).expect_err("not a loadable binary");
    let message = error.to_string();
    assert!(!message.contains('\n'), "two lines: {message:?}");
    assert!(!message.is_empty());
    error
}

fn not_a_binary(data: &[u8], what: &str) {
    match error(data) {
        BinaryError::NotABinary { what: said } => assert!(said.contains(what), "{said:?}"),
        other => panic!("{other}"),
    }
}

#[test]
fn non_binaries_say_what_they_are() {
    not_a_binary(b"", "empty file");
    not_a_binary(b"import sys\nprint(sys.version)\n", "text file");
    not_a_binary("ünïcode text, UTF-8\n".as_bytes(), "text file");
    not_a_binary(b"#!/bin/sh\nexit 0\n", "script");
    not_a_binary(b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "zip archive");
    not_a_binary(
        b"!<arch>\n/               0           0     0     644     4",
        "static archive",
    );
    not_a_binary(b"\xca\xfe\xba\xbe\x00\x00\x00\x34rest", "Java class");
    not_a_binary(
        b"\x00\x01\x02\x03\xff\xfe\xfd",
        "unrecognised data (starts with 00 01 02 03",
    );
    assert_eq!(
        error(b"").to_string(),
        "not an ELF, Mach-O or PE file: empty file"
    );
}

#[test]
fn truncated_headers_are_malformed_in_their_format() {
    let cases: [(&[u8], Format); 5] = [
        (b"\x7fELF", Format::Elf),
        (b"\x7fELF\x02\x01\x01\x00", Format::Elf),
        (b"\xcf\xfa\xed\xfe\x07\x00", Format::Macho),
        (b"\xca\xfe\xba\xbe\x00\x00\x00\x02", Format::Macho),
        (b"MZ\x90\x00", Format::Pe),
    ];
    for (data, format) in cases {
        match error(data) {
            BinaryError::Malformed { format: said, .. } => assert_eq!(said, format, "{data:?}"),
            other => panic!("{data:?}: {other}"),
        }
        assert!(
            error(data)
                .to_string()
                .starts_with("truncated or malformed "),
            "{}",
            error(data)
        );
    }
}

/// `clang --target=<triple> -c` of a one-line C file, or None without clang.
fn object_file(triple: &str) -> Option<Vec<u8>> {
    let clang = [
        "clang", "clang-14", "clang-15", "clang-16", "clang-17", "clang-18", "clang-19",
    ]
    .into_iter()
    .find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })?;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("binary-errors");
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("one.c");
    std::fs::write(&source, "int one(void) { return 1; }\n").unwrap();
    let output = dir.join(format!("{triple}.o"));
    let status = Command::new(clang)
        .arg(format!("--target={triple}"))
        .args(["-c", "-o"])
        .args([output.as_path(), source.as_path()])
        .status()
        .ok()?;
    assert!(status.success(), "clang --target={triple} failed");
    Some(std::fs::read(output).unwrap())
}

#[test]
fn object_files_are_rejected() {
    let Some(coff) = object_file("x86_64-pc-windows-msvc") else {
        eprintln!("SKIPPED: no clang to make object files");
        return;
    };
    not_a_binary(&coff, "COFF object file (x86-64)");
    let macho = object_file("arm64-apple-macos11").unwrap();
    assert_eq!(
        error(&macho).to_string(),
        "unsupported Mach-O file type: object file"
    );
    let elf = object_file("x86_64-linux-gnu").unwrap();
    assert_eq!(
        error(&elf).to_string(),
        "unsupported ELF file type: relocatable object file"
    );
}

/// One real file of each format from the foreign fixtures.
fn real_files() -> Vec<PathBuf> {
    let corpus = sample_modules::build_foreign(&sample_modules::default_root())
        .unwrap_or_else(|e| panic!("building the foreign fixtures: {e}"));
    let pick = |dir: &str| {
        corpus
            .fixtures
            .iter()
            .find(|f| f.path.parent().is_some_and(|p| p.ends_with(dir)))
            .unwrap_or_else(|| panic!("no fixture in {dir}"))
            .path
            .clone()
    };
    vec![
        pick("win_amd64"),
        pick("macos_arm64"),
        pick("macos_universal2"),
        pick("elf_aarch64_named_x86_64"),
    ]
}

#[test]
fn every_prefix_parses_or_fails_without_panicking() {
    for path in real_files() {
        let data = std::fs::read(&path).unwrap();
        binary::parse(&data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for len in (0..data.len()).step_by(97) {
            if let Err(e) = binary::parse(&data[..len]) {
                assert!(!e.to_string().contains('\n'), "{}: {e}", path.display());
            }
        }
        truncated_is_malformed(&path, &data);
    }
}

/// Cut in half, each file's tables point past its end.
fn truncated_is_malformed(path: &Path, data: &[u8]) {
    match binary::parse(&data[..data.len() / 2]) {
        Err(BinaryError::Malformed { .. }) => {}
        other => panic!("{}: half a file gave {other:?}", path.display()),
    }
}

#[test]
fn single_byte_corruption_never_panics() {
    for path in real_files() {
        let data = std::fs::read(&path).unwrap();
        // Every byte of the headers and load commands, where the parsers
        // take their offsets and counts from.
        for at in 0..data.len().min(4096) {
            for value in [0x00, 0xff, 0x7f, 0x80] {
                let mut copy = data.clone();
                copy[at] = value;
                let _ = binary::parse(&copy);
            }
        }
    }
}

proptest! {
    // Failing seeds go to the target directory, never into the source tree.
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_TARGET_TMPDIR"),
            "/binary-errors.regressions"
        )))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
        if let Err(e) = binary::parse(&data) {
            prop_assert!(!e.to_string().contains('\n'));
        }
    }

    #[test]
    fn random_bytes_behind_a_magic_never_panic(
        magic in prop::sample::select(vec![
            &b"\x7fELF\x01\x01\x01\x00"[..],
            &b"\x7fELF\x02\x01\x01\x00"[..],
            &b"\x7fELF\x02\x02\x01\x00"[..],
            &b"\xcf\xfa\xed\xfe"[..],
            &b"\xce\xfa\xed\xfe"[..],
            &b"\xfe\xed\xfa\xcf"[..],
            &b"\xca\xfe\xba\xbe\x00\x00\x00\x02"[..],
            &b"\xca\xfe\xba\xbf\x00\x00\x00\x01"[..],
            &b"MZ"[..],
        ]),
        rest in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut data = magic.to_vec();
        data.extend(rest);
        if let Err(e) = binary::parse(&data) {
            prop_assert!(!e.to_string().contains('\n'));
        }
    }
}
