//! The last line of defence: a panic while inspecting one file is that
//! file's finding, and every other file is still inspected and reported.

use std::io::Write;

use super::*;

fn panics_on_b(
    label: String,
    file_name: &str,
    bytes: &[u8],
    wheel: Option<&naming::WheelName>,
    options: &Options,
) -> FileReport {
    if file_name.starts_with("b.") {
        panic!("boom in {file_name}");
    }
    inspect_named(label, file_name, bytes, wheel, options)
}

fn messages(report: &FileReport) -> Vec<(String, String)> {
    report
        .findings
        .iter()
        .map(|f| (f.check.to_string(), f.message.clone()))
        .collect()
}

fn wheel_with(members: &[&str], contents: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for member in members {
        zip.start_file(*member, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(contents).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_panic_in_one_file_is_its_finding_and_the_others_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let elf = std::fs::read(std::env::current_exe().unwrap()).unwrap();
    for name in ["a.so", "b.so", "c.so"] {
        std::fs::write(dir.path().join(name), &elf).unwrap();
    }
    std::fs::write(
        dir.path().join("pkg-1.0-py3-none-any.whl"),
        wheel_with(&["pkg/a.so", "pkg/b.so", "pkg/c.so"], b"not a binary"),
    )
    .unwrap();

    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = inspect_all(
        &[dir.path().to_path_buf()],
        &Options::default(),
        &mut |_| {},
        &panics_on_b,
    );
    std::panic::set_hook(quiet);

    let labels: Vec<&str> = outcome
        .files
        .iter()
        .map(|f| f.path.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["a.so", "b.so", "c.so", "a.so", "b.so", "c.so"],
        "{:#?}",
        outcome.files
    );
    for (index, file) in outcome.files.iter().enumerate() {
        let found = messages(file);
        let internal = found.iter().any(|(_, m)| m.contains("internal error"));
        if labels[index] == "b.so" {
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].0, "unreadable-file");
            assert!(found[0].1.contains("boom in b.so"), "{found:?}");
            assert!(internal, "{found:?}");
        } else {
            assert!(!internal, "{}: {found:?}", file.path);
        }
    }
    // The wheel's members are not binaries; they say so, unharmed.
    assert!(messages(&outcome.files[3])[0].1.contains("not an ELF"));
    assert_eq!(outcome.summary.files, 6);
    assert!(!outcome.io_error);
}
