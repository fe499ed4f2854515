//! A gate that checked nothing does not pass: no extension module under the
//! paths, every input unreadable, exit 2 with one line saying why;
//! `--allow-empty` lets an empty run pass.

use std::path::Path;
use std::process::{Command, Output};

fn extinspect(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_extinspect"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("running extinspect")
}

/// Exit 2, nothing on stdout, and exactly `line` on stderr.
fn fails_with(output: &Output, line: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr, format!("{line}\n"));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
}

#[test]
fn an_empty_directory_a_missing_path_and_a_text_file_fail_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("emptydir")).unwrap();
    std::fs::write(dir.path().join("x.so"), "hello\n").unwrap();
    fails_with(
        &extinspect(dir.path(), &["emptydir"]),
        "extinspect: nothing checked: no extension module under emptydir/",
    );
    fails_with(
        &extinspect(dir.path(), &["dist"]),
        "extinspect: nothing checked: dist: cannot read: No such file or directory (os error 2)",
    );
    fails_with(
        &extinspect(dir.path(), &["dist", "build"]),
        "extinspect: nothing checked: none of the 2 files could be read (the first: dist: \
         cannot read: No such file or directory (os error 2))",
    );
    // A text file named as a module is the error finding it always was:
    // the run fails with its report.
    let text = extinspect(dir.path(), &["x.so"]);
    assert_eq!(text.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&text.stdout)
            .contains("error[unreadable-file]: not an ELF, Mach-O or PE file: text file")
    );
}

#[test]
fn allow_empty_passes_an_empty_run_but_not_an_unreadable_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("emptydir")).unwrap();
    std::fs::write(dir.path().join("x.so"), "hello\n").unwrap();
    let empty = extinspect(dir.path(), &["emptydir", "--allow-empty"]);
    assert_eq!(empty.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&empty.stderr), "");
    // The text file stays the error finding it is; a missing path an I/O
    // error.
    let text = extinspect(dir.path(), &["x.so", "--allow-empty"]);
    assert_eq!(text.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&text.stdout).contains("error[unreadable-file]"));
    let missing = extinspect(dir.path(), &["dist", "--allow-empty"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn a_machine_format_still_gets_its_document() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("emptydir")).unwrap();
    let output = extinspect(dir.path(), &["emptydir", "--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "extinspect: nothing checked: no extension module under emptydir/\n"
    );
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["summary"]["files"], 0);
}
