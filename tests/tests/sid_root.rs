//! CPython 3.14 and 3.15 (release and debug builds) as Debian sid ships
//! them, in the root `tests/interpreters/sid-root make` builds outside the
//! clone: extinspect on their own lib-dynload finds the init functions
//! `llvm-nm` finds, and no error (the files read from the host); and the
//! sample tests run inside the root, on its four interpreters. Under CI a
//! missing root fails (`.ci/run` makes it); elsewhere the tests say in one
//! line how to make it.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use checks::FileKind;

fn sid_root() -> Option<PathBuf> {
    let root = common::realworld::cache_base().join("sid-root/root");
    if root.join(".sid-root-stamp").is_file() {
        return Some(root);
    }
    let how = "no Debian sid root with CPython 3.14/3.15: run `tests/interpreters/sid-root make`";
    assert!(std::env::var_os("CI").is_none(), "{how}");
    eprintln!("SKIPPED: {how}");
    None
}

#[test]
fn cpython_3_14_and_3_15_lib_dynload_init_exports_match_llvm_nm_and_no_error() {
    let Some(root) = sid_root() else {
        return;
    };
    for version in ["3.14", "3.15"] {
        let dir = root.join(format!("usr/lib/python{version}/lib-dynload"));
        let outcome = inspector::inspect_paths(std::slice::from_ref(&dir), &Default::default());
        // Release and debug modules share the directory.
        assert!(
            outcome.files.len() > 80,
            "{version}: {}",
            outcome.files.len()
        );
        assert_eq!(outcome.summary.errors, 0, "{version}: {:#?}", outcome.files);
        assert_eq!(outcome.summary.unreadable, 0, "{version}");
        for file in &outcome.files {
            assert_eq!(file.kind, FileKind::Extension, "{}", file.path);
            let ours: BTreeSet<String> =
                file.init_symbols.iter().map(|s| s.symbol.clone()).collect();
            let nm = common::llvm(
                "llvm-nm",
                &["-D", "--defined-only", "--format=just-symbols"],
                std::path::Path::new(&file.path),
            );
            let theirs: BTreeSet<String> = nm
                .lines()
                .map(str::trim)
                .filter(|s| s.starts_with("PyInit") || s.starts_with("PyModExport"))
                .map(str::to_string)
                .collect();
            assert_eq!(ours, theirs, "{}", file.path);
            assert!(!ours.is_empty(), "{}: no init function", file.path);
        }
    }
}

/// The sample tests, run in the root as they are on the host: there
/// discovery finds `/usr/bin/python3.14`, `python3.15`, `python3.14d` and
/// `python3.15d` (and no pyenv), builds the corpus for each with the root's
/// headers and gcc, and holds every sample to its header on each.
const IN_ROOT: &[&str] = &[
    "c_samples",
    "pyo3_samples",
    "inspector_samples",
    "harness_samples",
    "corpus_build",
];

/// The executables of `tests`' test targets `names`, built (or found up to
/// date) by the cargo that runs this test, as `cargo test` would run them.
fn test_executables(names: &[&str]) -> Vec<(String, PathBuf)> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(&cargo);
    command.args(["test", "--no-run", "--message-format=json", "-p", "tests"]);
    for name in names {
        command.args(["--test", name]);
    }
    // The profile this test was built in: `<target>/<profile>/deps/<test>`.
    let exe = std::env::current_exe().expect("the test's executable");
    if exe.ancestors().nth(2).and_then(Path::file_name) == Some("release".as_ref()) {
        command.arg("--release");
    }
    // This process's own target directory: the one its siblings are in.
    command.env("CARGO_TARGET_DIR", target_dir());
    let output = command.output().expect("running cargo test --no-run");
    assert!(
        output.status.success(),
        "cargo test --no-run: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut found = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let name = message["target"]["name"].as_str().unwrap_or_default();
        if message["reason"] == "compiler-artifact"
            && message["target"]["kind"] == serde_json::json!(["test"])
            && names.contains(&name)
            && let Some(executable) = message["executable"].as_str()
        {
            found.push((name.to_owned(), PathBuf::from(executable)));
        }
    }
    found.sort_by_key(|(name, _)| names.iter().position(|n| n == name));
    assert_eq!(found.len(), names.len(), "{found:?}");
    found
}

/// `target/` (or `$CARGO_TARGET_DIR`) of this test: its executable is in
/// `<target>/<profile>/deps/`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's executable");
    exe.ancestors()
        .nth(3)
        .expect("<target>/<profile>/deps/<test>")
        .to_path_buf()
}

/// The toolchain and cargo home the root needs to build the PyO3 samples:
/// cargo runs inside the root (see `inner_environment`).
fn rust_dirs() -> (PathBuf, PathBuf, PathBuf) {
    let cargo = PathBuf::from(std::env::var_os("CARGO").expect("run by cargo test"));
    let cargo = cargo.canonicalize().unwrap_or(cargo);
    let bin = cargo
        .parent()
        .expect("cargo is in a directory")
        .to_path_buf();
    let toolchain = bin.parent().expect("<toolchain>/bin/cargo").to_path_buf();
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(&std::env::var_os("HOME").expect("HOME is set")).join(".cargo")
        });
    (cargo, toolchain, home)
}

/// How the sample tests run in the root, and why so.
///
/// The PyO3 samples are built in the root by cargo, with the host's own
/// toolchain bind-mounted (rustc's binaries are glibc 2.36 ones and run
/// there, and the root's gcc links) and `PYO3_PYTHON` the root's
/// interpreter, exactly as on the host, rather than on the host with PyO3's
/// cross-configuration (`PYO3_CONFIG_FILE`): the tests that prove the
/// samples run in the root and build the corpus they prove through the one
/// builder (`sample_modules::build`), so there is no second way of building
/// to keep in step, nothing of an interpreter to transcribe into a config
/// file, and PyO3 reads the very interpreter it builds for. The cost is
/// binding the toolchain and cargo's home (whose registry the builds share
/// with the host's) into the root.
fn inner_environment(cargo: &Path, toolchain: &Path, cargo_home: &Path) -> Vec<String> {
    let mut env = vec![
        format!("{}=1", common::IN_SID_ROOT),
        format!("CARGO={}", cargo.display()),
        format!("CARGO_HOME={}", cargo_home.display()),
        format!(
            "PATH={}:/usr/sbin:/usr/bin:/sbin:/bin",
            toolchain.join("bin").display()
        ),
        "RUST_BACKTRACE=1".into(),
    ];
    // What the tests read from the environment on the host too.
    for name in [
        "CI",
        "EXTINSPECT_SAMPLES_DIR",
        "INSTA_UPDATE",
        "INSTA_FORCE_PASS",
    ] {
        if let Some(value) = std::env::var_os(name) {
            env.push(format!("{name}={}", value.to_string_lossy()));
        }
    }
    // The proof that one 3.8 abi3 binary loads everywhere needs the host's
    // 3.8 build; the root has no 3.8.
    if let Some(py38) = common::interpreters()
        .iter()
        .find(|i| !i.debug && i.version.feature() == (3, 8))
    {
        let corpus = common::corpus(py38);
        let module = corpus
            .module("limited_abi3")
            .expect("limited_abi3 built for 3.8");
        env.push(format!(
            "EXTINSPECT_LIMITED_ABI3_38={}",
            module.path.display()
        ));
    }
    env
}

#[test]
fn sample_tests_hold_on_cpython_3_14_and_3_15_in_the_root() {
    if sid_root().is_none() {
        return;
    }
    let started = Instant::now();
    let (cargo, toolchain, cargo_home) = rust_dirs();
    let env = inner_environment(&cargo, &toolchain, &cargo_home);
    let executables = test_executables(IN_ROOT);
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let script = workspace.join("tests/interpreters/sid-root");
    let mut binds = vec![target_dir(), toolchain.clone(), cargo_home.clone()];
    // The corpus, when it is kept outside the clone.
    binds.push(sample_modules::default_root());
    let mut failures = Vec::new();
    let mut timings = Vec::new();
    for (name, executable) in &executables {
        let run = Instant::now();
        let mut command = Command::new(&script);
        command.arg("run").current_dir(workspace);
        for bind in &binds {
            std::fs::create_dir_all(bind).ok();
            command.arg("--bind").arg(bind);
        }
        for setting in &env {
            command.arg("--env").arg(setting);
        }
        let output = command
            .arg(executable)
            .output()
            .unwrap_or_else(|e| panic!("running {} in the root: {e}", script.display()));
        timings.push(format!("{name} {:.0?}", run.elapsed()));
        if !output.status.success() {
            failures.push(format!(
                "{name} in the sid root ({}):\n--- stdout\n{}\n--- stderr\n{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    eprintln!(
        "sample tests in the sid root: {:.0?} ({})",
        started.elapsed(),
        timings.join(", ")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
