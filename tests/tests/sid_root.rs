//! CPython 3.14 and 3.15 (release and debug builds) as Debian sid ships
//! them, in the root `tests/interpreters/sid-root make` builds outside the
//! clone: extinspect on their own lib-dynload finds the init functions
//! `llvm-nm` finds, and no error (the files read from the host); the naming
//! table matches each interpreter's `EXTENSION_SUFFIXES`; the harness, run
//! inside the root by `tests/src/bin/harness-check`, gives the findings each
//! module should on all four interpreters; and the sample tests run inside
//! the root, on its four interpreters. Under CI a missing root fails
//! (`.ci/run` makes it); elsewhere each test says in one line how to make it.

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

/// The naming table (`naming::RULES`) against what the root's four
/// interpreters list: each suffix in their `EXTENSION_SUFFIXES` parses to a
/// form the table says that build loads, and for the x86_64-linux-gnu
/// triplet the table lists no suffix the interpreter does not.
#[test]
fn naming_table_matches_the_extension_suffixes_of_3_14_and_3_15() {
    let Some(_root) = sid_root() else {
        return;
    };
    let probe = "import importlib.machinery, json; print(json.dumps(importlib.machinery.EXTENSION_SUFFIXES))";
    for (python, minor, debug) in [
        ("python3.14", 14, false),
        ("python3.15", 15, false),
        ("python3.14d", 14, true),
        ("python3.15d", 15, true),
    ] {
        let stdout = in_root(&[], &[python, "-c", probe]);
        let listed: Vec<String> =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{python}: {e}: {stdout:?}"));
        let build = naming::Build {
            minor,
            debug,
            free_threaded: false,
        };
        // Debian patched 3.15's `.abi3-<triplet>.so` (gh-122931) into its
        // 3.14; the table is upstream's, which wheels are built for.
        let debian_only = |suffix: &str| minor == 14 && suffix == ".abi3-x86_64-linux-gnu.so";
        for suffix in listed.iter().filter(|s| !debian_only(s)) {
            let name = format!("spam{suffix}");
            let file = naming::parse_filename(&name, naming::Platform::Linux)
                .unwrap_or_else(|| panic!("{python}: {suffix} does not parse"));
            assert_eq!((file.module.as_str(), &file.suffix), ("spam", suffix));
            assert!(
                naming::loads(&file, naming::Platform::Linux, build),
                "{python} lists {suffix}, the table says {build:?} does not load it"
            );
        }
        let ours = naming::extension_suffixes(naming::Platform::Linux, build, "x86_64-linux-gnu");
        let extra: Vec<&String> = ours.iter().filter(|s| !listed.contains(s)).collect();
        assert!(
            extra.is_empty(),
            "{python} does not list {extra:?}; it lists {listed:?}"
        );
        let upstream = listed.iter().filter(|s| !debian_only(s)).count();
        assert_eq!(ours.len(), upstream, "{python}: {ours:?} vs {listed:?}");
        if minor == 14 {
            assert!(
                listed.iter().any(|s| debian_only(s)),
                "{python}: {listed:?}"
            );
        }
    }
}

/// The PEP 793 module the harness test compiles in the root: `PyModExport_`
/// returning `PySlot`s, no `PyInit_`, declaring what a clean module declares
/// (own-GIL subinterpreters, no GIL needed). `EXPORT` and `NAME` make the
/// abi3t twin from the same source; `NO_GIL_SLOT` a twin that leaves
/// `Py_mod_gil` out, which `gil-required` reads from its `PySlot` array.
const PEP793: &str = r#"#include <Python.h>
static PyObject *hello(PyObject *self, PyObject *unused) { return PyUnicode_FromString("hello"); }
static PyMethodDef methods[] = {{"hello", hello, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
PyABIInfo_VAR(abi_info);
static PySlot slots[] = {
    PySlot_STATIC_DATA(Py_mod_name, NAME),
    PySlot_STATIC_DATA(Py_mod_methods, methods),
    PySlot_DATA(Py_mod_abi, &abi_info),
    {.sl_id = Py_mod_multiple_interpreters, .sl_ptr = Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#ifndef NO_GIL_SLOT
    {.sl_id = Py_mod_gil, .sl_ptr = Py_MOD_GIL_NOT_USED},
#endif
    PySlot_END,
};
PyMODEXPORT_FUNC EXPORT(void) { return slots; }
"#;

/// `tests/interpreters/sid-root run`, from the workspace, with `binds`
/// bind-mounted and `env` (`NAME=VALUE`) set for the command; the command
/// itself is the caller's to add.
fn sid_root_run(binds: &[&Path], env: &[String]) -> Command {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut run = Command::new(workspace.join("tests/interpreters/sid-root"));
    run.arg("run").current_dir(workspace);
    for bind in binds {
        run.arg("--bind").arg(bind);
    }
    for setting in env {
        run.arg("--env").arg(setting);
    }
    run
}

/// Runs `command` in the sid root, binding `binds` too; its stdout.
fn in_root(binds: &[&Path], command: &[&str]) -> String {
    let output = sid_root_run(binds, &[])
        .args(command)
        .output()
        .expect("sid-root run");
    assert!(
        output.status.success(),
        "{command:?}: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// CPython's own modules the harness test runs on every root interpreter.
const LIB_DYNLOAD_MODULES: [&str; 5] = [
    "_bz2",
    "_decimal",
    "_testmultiphase",
    "_testsinglephase",
    "readline",
];

#[test]
fn the_harness_on_3_14_and_3_15_runs_cpython_modules_a_pep_793_module_and_an_abi3t_module() {
    if sid_root().is_none() {
        return;
    }
    // The modules are compiled in a directory under /tmp, which the root
    // shares at the same path.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("pep793.c");
    std::fs::write(&src, PEP793).unwrap();
    let pep793 = dir.path().join("hx793.cpython-315-x86_64-linux-gnu.so");
    let abi3t = dir.path().join("hxt.abi3t.so");
    let gil = dir.path().join("hxg.cpython-315-x86_64-linux-gnu.so");
    let gcc = |name: &str, abi3t: bool, out: &std::path::Path| {
        let mut args = vec![
            "gcc".to_string(),
            "-shared".into(),
            "-fPIC".into(),
            "-O1".into(),
            "-I/usr/include/python3.15".into(),
            format!("-DNAME=\"{name}\""),
            format!("-DEXPORT=PyModExport_{name}"),
        ];
        if abi3t {
            args.push("-DPy_TARGET_ABI3T=0x030f0000".into());
        }
        if name == "hxg" {
            args.push("-DNO_GIL_SLOT".into());
        }
        args.extend([
            src.display().to_string(),
            "-o".into(),
            out.display().to_string(),
        ]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        in_root(&[], &args);
    };
    gcc("hx793", false, &pep793);
    gcc("hxt", true, &abi3t);
    gcc("hxg", false, &gil);

    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_harness-check"));
    let bin_dir = exe.parent().unwrap();
    for python in ["3.14", "3.15", "3.14d", "3.15d"] {
        let version = python.trim_end_matches('d');
        let tag = format!("{}{}", version.replace('.', ""), &python[version.len()..]);
        let dynload = format!("/usr/lib/python{version}/lib-dynload");
        let mut paths: Vec<String> = LIB_DYNLOAD_MODULES
            .iter()
            .map(|m| format!("{dynload}/{m}.cpython-{tag}-x86_64-linux-gnu.so"))
            .collect();
        paths.push(pep793.display().to_string());
        paths.push(abi3t.display().to_string());
        paths.push(gil.display().to_string());
        let interpreter = format!("/usr/bin/python{python}");
        let mut command = vec![exe.to_str().unwrap(), "--python", &interpreter];
        command.extend(paths.iter().map(String::as_str));
        let report: serde_json::Value =
            serde_json::from_str(&in_root(&[bin_dir], &command)).unwrap();
        let mut ran = BTreeSet::new();
        let mut found = BTreeSet::new();
        for module in report["modules"].as_array().unwrap() {
            let name = module["module"].as_str().unwrap().to_string();
            for run in module["interpreters"].as_array().unwrap() {
                ran.insert(name.clone());
                for scenario in run["scenarios"].as_array().unwrap() {
                    assert_ne!(
                        scenario["outcome"], "harness-error",
                        "{python} {name}: {scenario}"
                    );
                }
                for finding in run["findings"].as_array().unwrap() {
                    if finding["check"] == "gil-required" {
                        // Read from the PySlot array the hook returned
                        // again, Py_mod_abi's PyABIInfo with it.
                        let declared = &finding["evidence"]["declared"];
                        assert_eq!(declared["kind"], "export-hook", "{finding}");
                        assert_eq!(
                            declared["abi"]["flags"],
                            serde_json::json!(["GIL"]),
                            "{finding}"
                        );
                        assert_eq!(
                            declared["multiple_interpreters"],
                            "Py_MOD_PER_INTERPRETER_GIL_SUPPORTED",
                            "{finding}"
                        );
                    }
                    let kind = finding["evidence"]["kind"].as_str().unwrap_or("");
                    found.insert(
                        format!("{name} {} {kind}", finding["check"].as_str().unwrap())
                            .trim()
                            .to_string(),
                    );
                }
            }
        }
        // Both PEP 793 modules load on both 3.15 builds: 3.15d lists the
        // release `.cpython-315-` suffix and both list `.abi3t.so`; neither
        // 3.14 build lists either suffix.
        let mut expected_ran: BTreeSet<String> =
            LIB_DYNLOAD_MODULES.iter().map(|m| m.to_string()).collect();
        if version == "3.15" {
            expected_ran.extend(["hx793".to_string(), "hxt".to_string(), "hxg".to_string()]);
        }
        assert_eq!(ran, expected_ran, "{python}: {report}");
        let expected: BTreeSet<String> = [
            // What `_testsinglephase` exists to test: a single-phase module
            // whose re-import hands back CPython's cached copy of its dict,
            // whose dict a legacy subinterpreter gets copied (the main
            // interpreter's very functions), and which an own-GIL
            // subinterpreter refuses (single-phase).
            "_testsinglephase singleton-state",
            "_testsinglephase subinterpreter-shared-objects legacy",
            "_testsinglephase subinterpreter-refused isolated",
            // readline declares multiple-interpreter support without a
            // per-interpreter GIL (Py_MOD_MULTIPLE_INTERPRETERS_SUPPORTED):
            // own-GIL subinterpreters refuse it, as CPython means them to.
            "readline subinterpreter-refused isolated",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain(
            // The twin without Py_mod_gil: a free-threaded 3.15 would
            // re-enable the GIL for it.
            (version == "3.15").then(|| "hxg gil-required".to_string()),
        )
        .collect();
        // _bz2, _decimal (multi-phase from 3.13), _testmultiphase and both
        // PEP 793 modules (module state only, own-GIL support declared):
        // nothing, in every scenario, reinit included.
        assert_eq!(found, expected, "{python}: {report}");
    }
}

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
    let mut binds = vec![target_dir(), toolchain.clone(), cargo_home.clone()];
    // The corpus, when it is kept outside the clone.
    binds.push(sample_modules::default_root());
    for bind in &binds {
        std::fs::create_dir_all(bind).ok();
    }
    let bind_paths: Vec<&Path> = binds.iter().map(PathBuf::as_path).collect();
    let mut failures = Vec::new();
    let mut timings = Vec::new();
    for (name, executable) in &executables {
        let run = Instant::now();
        let output = sid_root_run(&bind_paths, &env)
            .arg(executable)
            .output()
            .unwrap_or_else(|e| panic!("running {name} in the root: {e}"));
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
