//! A gate that checked nothing does not pass: no module under the paths,
//! none readable, none that the interpreters chosen load, exit 2 with one
//! line saying why; `--allow-empty` lets an empty run pass. And the
//! interpreters chosen by default come from the project's
//! `requires-python`, which must parse.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use interpreters::Interpreter;

fn extharness(dir: &Path, args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_extharness"))
        .current_dir(dir)
        .arg("check")
        .args(args)
        .output()
        .expect("running extharness")
}

fn os(args: &[&str]) -> Vec<std::ffi::OsString> {
    args.iter().map(|a| a.into()).collect()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    let args = os(args);
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    extharness(dir, &args)
}

/// Exit 2, nothing on stdout, and exactly `line` on stderr.
fn fails_with(output: &Output, line: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr, format!("{line}\n"));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("emptydir")).unwrap();
    std::fs::write(dir.path().join("x.so"), "hello\n").unwrap();
    dir
}

#[test]
fn an_empty_directory_a_missing_path_and_a_text_file_fail_with_one_line() {
    let dir = setup();
    fails_with(
        &run(dir.path(), &["emptydir"]),
        "extharness: nothing checked: no extension module under emptydir/",
    );
    // Reported once: the one line, not a line and a report.
    fails_with(
        &run(dir.path(), &["dist"]),
        "extharness: nothing checked: dist: cannot read: No such file or directory (os error 2)",
    );
    fails_with(
        &run(dir.path(), &["x.so"]),
        "extharness: nothing checked: x.so: not an ELF, Mach-O or PE file: text file",
    );
    fails_with(
        &run(dir.path(), &["dist", "x.so"]),
        "extharness: nothing checked: none of the 2 inputs could be read (the first: dist: \
         cannot read: No such file or directory (os error 2))",
    );
}

#[test]
fn allow_empty_passes_an_empty_run_but_not_an_unreadable_one() {
    let dir = setup();
    let empty = run(dir.path(), &["emptydir", "--allow-empty"]);
    assert_eq!(empty.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&empty.stderr), "");
    // Not a binary: an unreadable input, as the inspector's
    // unreadable-file, whatever --allow-empty says.
    let text = run(dir.path(), &["x.so", "--allow-empty"]);
    assert_eq!(text.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&text.stdout)
            .contains("error: not an ELF, Mach-O or PE file: text file")
    );
}

/// Two interpreters of different versions, release builds.
fn two_versions() -> Option<(Interpreter, Interpreter)> {
    let found = interpreters::discover(&[]);
    let mut release: Vec<Interpreter> = found
        .interpreters
        .into_iter()
        .filter(|i| !i.debug && !i.free_threaded && i.version.feature() >= (3, 8))
        .filter(|i| i.lib_dynload.is_some())
        .collect();
    release.sort_by_key(|i| i.version);
    release.dedup_by_key(|i| i.version.feature());
    let newest = release.pop()?;
    let older = release.pop()?;
    Some((older, newest))
}

/// A module of `interpreter`'s own standard library, built for it alone.
fn stdlib_module(interpreter: &Interpreter) -> PathBuf {
    let dir = interpreter.lib_dynload.clone().unwrap();
    std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("_json.cpython-")
        })
        .unwrap_or_else(|| panic!("no _json in {}", dir.display()))
}

#[test]
fn a_module_no_interpreter_asked_for_loads_fails_with_one_line() {
    let Some((older, newest)) = two_versions() else {
        println!("SKIPPED: two CPython versions from 3.8 are needed");
        return;
    };
    let dir = setup();
    let module = stdlib_module(&newest);
    let output = extharness(
        dir.path(),
        &[
            module.as_os_str(),
            "--python".as_ref(),
            older.executable.as_os_str(),
        ],
    );
    let (major, minor) = older.version.feature();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "extharness: nothing checked: no module runs under {major}.{minor} (named with \
             --python): {} (module _json): no interpreter here loads it (",
            module.display()
        )),
        "{stderr}"
    );
    let allowed = extharness(
        dir.path(),
        &[
            module.as_os_str(),
            "--python".as_ref(),
            older.executable.as_os_str(),
            "--allow-empty".as_ref(),
        ],
    );
    assert_eq!(allowed.status.code(), Some(0));
}

#[test]
fn requires_python_chooses_the_interpreters_and_must_parse() {
    let Some((_, newest)) = two_versions() else {
        println!("SKIPPED: two CPython versions from 3.8 are needed");
        return;
    };
    let dir = setup();
    let (major, minor) = newest.version.feature();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        format!("[project]\nname = \"x\"\nrequires-python = \">={major}.{minor}\"\n"),
    )
    .unwrap();
    let sub = dir.path().join("src");
    std::fs::create_dir(&sub).unwrap();
    let module = stdlib_module(&newest);
    let output = extharness(
        &sub,
        &[
            module.as_os_str(),
            "--scenario".as_ref(),
            "reimport".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let chosen = &report["interpreters"];
    assert_eq!(
        chosen["why"],
        format!("requires-python >={major}.{minor} in ../pyproject.toml")
    );
    for version in chosen["versions"].as_array().unwrap() {
        let (a, b) = version.as_str().unwrap().split_once('.').unwrap();
        let version: (u32, u32) = (a.parse().unwrap(), b.parse().unwrap());
        assert!(version >= (major, minor), "{chosen}");
    }

    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\nrequires-python = \">=3.x\"\n",
    )
    .unwrap();
    fails_with(
        &extharness(&sub, &[module.as_os_str()]),
        "extharness: ../pyproject.toml: [project] requires-python: `>=3.x` is not a PEP 440 \
         version specifier: `>=3.x`: `3.x` is not a version (at `.x`)",
    );
}
