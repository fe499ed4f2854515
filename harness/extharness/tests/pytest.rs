//! `extharness pytest` on the suite in tests/pytest-suite/, over the sample
//! corpus built for CPython 3.11 (release and debug): leaks become
//! test-leak, a segfault becomes test-crash with its native stack and the
//! tests after it still run, a crash in a sample's C function is placed
//! there, pytest's own failures and skips keep their word, the debug build of
//! the same version takes over and counts references only when the modules
//! are built for it, and the exit status says all of it.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use interpreters::Interpreter;
use serde_json::Value;

const SUITE: &str = "tests/pytest-suite/test_samples.py";

/// CPython 3.11 release and debug builds with pytest (Debian's python3.11,
/// python3.11d and python3-pytest); None when this machine lacks them.
struct Pythons {
    release: Interpreter,
    debug: Interpreter,
    /// Corpus directories: the release build, the debug build.
    samples: (PathBuf, PathBuf),
}

fn pythons() -> Option<&'static Pythons> {
    static FOUND: OnceLock<Option<Pythons>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let discovery = interpreters::discover(&[]);
            let with_pytest = |debug: bool| {
                discovery
                    .interpreters
                    .iter()
                    .find(|i| {
                        i.version.feature() == (3, 11)
                            && i.debug == debug
                            && !i.free_threaded
                            && imports_pytest(&i.executable)
                    })
                    .cloned()
            };
            let (release, debug) = (with_pytest(false)?, with_pytest(true)?);
            let corpus = |wanted: &Interpreter| {
                let builder = discovery
                    .one_per_abi()
                    .into_iter()
                    .find(|i| i.build_key() == wanted.build_key() && i.can_build_extensions())
                    .expect("headers to build the samples for CPython 3.11");
                sample_modules::build(builder, &sample_modules::default_root())
                    .unwrap_or_else(|e| panic!("building the corpus for {builder}: {e}"))
                    .dir
            };
            let samples = (corpus(&release), corpus(&debug));
            Some(Pythons {
                release,
                debug,
                samples,
            })
        })
        .as_ref()
}

macro_rules! need_pythons {
    () => {
        match pythons() {
            Some(p) => p,
            // CI installs them (.ci/run): there, a missing one is a failure,
            // not a reason to prove nothing.
            None if std::env::var_os("CI").is_some() => panic!(
                "CI must have CPython 3.11 and its debug build with pytest (apt install python3.11-dbg python3-pytest)"
            ),
            None => {
                eprintln!(
                    "skipped: needs CPython 3.11 and its debug build with pytest (apt install python3.11-dbg python3-pytest)"
                );
                return;
            }
        }
    };
}

fn imports_pytest(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import pytest"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `extharness pytest ARGS` from the workspace root, with the samples
/// directories (like PATH) for the suite's conftest.
fn extharness(samples: &[&Path], args: &[&OsStr]) -> Output {
    extharness_with(samples, &[], args)
}

/// [`extharness`] with more environment, which pytest gets too.
fn extharness_with(samples: &[&Path], env: &[(&str, &str)], args: &[&OsStr]) -> Output {
    let samples = std::env::join_paths(samples).expect("sample paths");
    Command::new(env!("CARGO_BIN_EXE_extharness"))
        .arg("pytest")
        .args(args)
        .current_dir(workspace_root())
        .env("EXTHARNESS_SAMPLES", samples)
        .envs(env.iter().copied())
        .output()
        .expect("running extharness")
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn test<'a>(report: &'a Value, name: &str) -> &'a Value {
    let nodeid = format!("{SUITE}::{name}");
    report["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["nodeid"] == nodeid.as_str())
        .unwrap_or_else(|| panic!("no {nodeid} in {report:#}"))
}

fn checks(test: &Value) -> Vec<&str> {
    test["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect()
}

#[test]
fn the_suite_reports_leaks_crashes_and_pytests_own_outcomes() {
    let p = need_pythons!();
    let output = extharness(
        &[&p.samples.0],
        &[
            "--python".as_ref(),
            p.release.executable.as_os_str(),
            "--no-debug".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            "--".as_ref(),
            SUITE.as_ref(),
        ],
    );
    let report = json(&output);
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    assert_eq!(report["interpreter"]["debug"], false);
    assert_eq!(
        report["interpreter"]["reason"],
        "the given interpreter (--no-debug)"
    );

    let outcomes: Vec<(&str, &str)> = report["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let nodeid = t["nodeid"].as_str().unwrap();
            (
                nodeid.rsplit("::").next().unwrap(),
                t["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("test_clean", "passed"),
            ("test_clean_with_fixtures", "passed"),
            ("test_error_type", "passed"),
            ("test_leak", "leaked"),
            ("test_error_path_leak", "leaked"),
            ("test_fails", "failed"),
            ("test_skipped", "skipped"),
            ("test_segfault", "crashed"),
            ("test_clean_after_segfault", "passed"),
            ("test_leak_after_segfault", "leaked"),
        ]
    );

    let clean = test(&report, "test_clean");
    assert_eq!(clean["runs"], 9);
    assert_eq!(
        clean["deltas"]["blocks"],
        serde_json::json!([0, 0, 0, 0, 0, 0])
    );
    for name in ["test_leak", "test_error_path_leak"] {
        let leak = test(&report, name);
        assert_eq!(checks(leak), ["test-leak"], "{leak:#}");
        assert_eq!(
            leak["findings"][0]["evidence"]["leaking"],
            serde_json::json!(["blocks"])
        );
        assert_eq!(
            leak["deltas"]["blocks"],
            serde_json::json!(vec![10; 6]),
            "{leak:#}"
        );
    }
    // The attribution pass names the test's line that made what leaks (the
    // object passed to `leak`) and no clean test gets one.
    let source = std::fs::read_to_string(workspace_root().join(SUITE)).unwrap();
    let line = 1 + source
        .lines()
        .position(|l| l.trim() == "leak_per_call.leak(object())")
        .unwrap();
    let site = format!("test_samples.py:{line}");
    let leak = &test(&report, "test_leak")["findings"][0];
    let sites = leak["evidence"]["allocation_sites"].as_array().unwrap();
    assert!(
        sites
            .iter()
            .any(|s| s["site"].as_str().unwrap().ends_with(&site) && s["blocks_per_run"] == 10),
        "{leak:#}"
    );
    assert!(
        leak["message"]
            .as_str()
            .unwrap()
            .ends_with(&format!("; most: 10 blocks/run allocated at {site}")),
        "{leak:#}"
    );

    // pytest's own verdicts: reported, not measured, not findings.
    let fails = test(&report, "test_fails");
    assert_eq!(fails["pytest_outcome"], "failed");
    assert!(fails["message"].as_str().unwrap().starts_with("assert"));
    assert!(checks(fails).is_empty() && fails.get("deltas").is_none());
    let skipped = test(&report, "test_skipped");
    assert_eq!(skipped["message"], "Skipped: skipped on purpose");
    assert!(checks(skipped).is_empty());

    let crashed = test(&report, "test_segfault");
    assert_eq!(checks(crashed), ["test-crash"]);
    let evidence = &crashed["findings"][0]["evidence"];
    assert_eq!(evidence["signal"], "SIGSEGV");
    assert_eq!(evidence["run"], "warm-up run 1");
    assert!(
        evidence["python_traceback"]
            .as_str()
            .unwrap()
            .contains("in test_segfault"),
        "{evidence:#}"
    );
    // `ctypes.string_at(0)` is `strlen(NULL)` called from `_ctypes`: the
    // fault is in libc, and the crash site is the first frame past it, in
    // the extension module that made the call. Whether that frame has a
    // name depends on the debug files installed, so only its library is
    // asserted, and that the message names whatever the site is called.
    let stack: Vec<&str> = evidence["native_stack"]
        .as_array()
        .unwrap_or_else(|| panic!("no native stack: {evidence:#}"))
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    let library = evidence["crash_site"]["library"].as_str().unwrap();
    assert!(file_name(library).starts_with("_ctypes."), "{evidence:#}");
    let site = stack
        .iter()
        .position(|l| l.contains(&format!("({}", file_name(library))))
        .unwrap();
    assert!(
        stack[..site].iter().any(|l| l.ends_with("(libc.so.6)")),
        "{stack:#?}"
    );
    let message = crashed["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("the interpreter died by SIGSEGV in warm-up run 1, in "),
        "{message}"
    );
    assert_eq!(crashed["session"], 0);

    // The tests after the crash ran in a second session, without the
    // tests already done.
    for name in ["test_clean_after_segfault", "test_leak_after_segfault"] {
        assert_eq!(test(&report, name)["session"], 1);
    }
    let sessions = report["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0]["ending"]["name"], "SIGSEGV");
    assert_eq!(sessions[1]["deselected"], 8);
    assert_eq!(sessions[1]["exitstatus"], 0);
    let summary = &report["summary"];
    assert_eq!(
        (
            &summary["leaked"],
            &summary["crashed"],
            &summary["failed"],
            &summary["restarts"]
        ),
        (&3.into(), &1.into(), &1.into(), &1.into())
    );
}

#[test]
fn only_clean_tests_exit_0_and_pytest_arguments_pass_through() {
    let p = need_pythons!();
    let output = extharness(
        &[&p.samples.0],
        &[
            "--python".as_ref(),
            p.release.executable.as_os_str(),
            "--no-debug".as_ref(),
            "--".as_ref(),
            SUITE.as_ref(),
            "-k".as_ref(),
            "clean".as_ref(),
        ],
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    let tests: Vec<&str> = text.lines().filter(|l| l.contains("::")).collect();
    assert_eq!(
        tests,
        [
            format!("passed   {SUITE}::test_clean"),
            format!("passed   {SUITE}::test_clean_with_fixtures"),
            format!("passed   {SUITE}::TestCleanUnittest::test_error_type"),
            format!("passed   {SUITE}::test_clean_after_segfault"),
        ]
    );
    assert!(text.contains("4 test(s): 4 passed, 0 failed"), "{text}");
}

#[test]
fn an_interpreter_that_cannot_run_pytest_exits_2_with_one_line() {
    let missing = extharness(&[], &["--python".as_ref(), "/nonexistent/python3".as_ref()]);
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("/nonexistent/python3"), "{stderr}");
    assert!(missing.stdout.is_empty());

    let without_pytest = interpreters::discover(&[])
        .interpreters
        .into_iter()
        .find(|i| i.version.feature() >= (3, 8) && !imports_pytest(&i.executable));
    let Some(python) = without_pytest else {
        eprintln!("no interpreter without pytest here: that half is not checked");
        return;
    };
    let output = extharness(&[], &["--python".as_ref(), python.executable.as_os_str()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim_end(),
        format!(
            "extharness: pytest is not installed for {}",
            python.executable.display()
        )
    );
}

#[test]
fn a_hang_and_an_exit_inside_a_test_are_crashes_of_that_test() {
    let p = need_pythons!();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("test_stops.py"),
        "import os, time\n\
         def test_hangs():\n    time.sleep(60)\n\
         def test_exits():\n    os._exit(3)\n\
         def test_after():\n    pass\n",
    )
    .unwrap();
    let output = extharness(
        &[],
        &[
            "--python".as_ref(),
            p.release.executable.as_os_str(),
            "--no-debug".as_ref(),
            "--timeout".as_ref(),
            "1".as_ref(),
            "--warmups".as_ref(),
            "0".as_ref(),
            "--runs".as_ref(),
            "2".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            dir.path().as_os_str(),
        ],
    );
    let report = json(&output);
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    let messages: Vec<(&str, &str)> = report["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["outcome"].as_str().unwrap(),
                t["findings"][0]["message"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            (
                "crashed",
                "the test hung (stopped after 1 s) in measured run 1"
            ),
            (
                "crashed",
                "the interpreter exited with status 3 in measured run 1"
            ),
            ("passed", ""),
        ]
    );
    assert!(
        report["tests"][0]["findings"][0]["evidence"]["python_traceback"]
            .as_str()
            .unwrap()
            .contains("in test_hangs")
    );
}

#[test]
fn a_crash_in_a_modules_c_function_is_placed_there_unless_the_user_preloads() {
    let p = need_pythons!();
    let dir = tempfile::tempdir().expect("tempdir");
    // buffer_overrun.fill() writes one byte past a 12-byte PyMem block; the
    // debug interpreter's allocator hooks see it as it frees the block, and
    // abort from inside the interpreter, called by `fill`.
    std::fs::write(
        dir.path().join("test_native.py"),
        "import os, sys\n\
         sys.path[:0] = os.environ['EXTHARNESS_SAMPLES'].split(os.pathsep)\n\
         import buffer_overrun\n\
         def test_preload():\n    assert os.environ.get('LD_PRELOAD') == os.environ.get('EXPECT_PRELOAD')\n\
         def test_overrun():\n    buffer_overrun.fill()\n",
    )
    .unwrap();
    let run = |env: &[(&str, &str)]| {
        let output = extharness_with(
            &[&p.samples.1],
            env,
            &[
                "--python".as_ref(),
                p.debug.executable.as_os_str(),
                "--warmups".as_ref(),
                "0".as_ref(),
                "--runs".as_ref(),
                "1".as_ref(),
                "--format".as_ref(),
                "json".as_ref(),
                dir.path().as_os_str(),
            ],
        );
        let report = json(&output);
        assert_eq!(output.status.code(), Some(1), "{report:#}");
        let tests = report["tests"].as_array().unwrap().clone();
        // Without warm-ups the first run's caches count as a leak: only
        // pytest's word on the environment matters here.
        assert_eq!(tests[0]["pytest_outcome"], "passed", "{report:#}");
        assert_eq!(tests[1]["outcome"], "crashed", "{report:#}");
        tests[1]["findings"][0].clone()
    };

    // The handler takes itself out of the environment as it loads: the
    // tests see no LD_PRELOAD.
    let finding = run(&[]);
    let source = workspace_root().join("sample-modules/c/buffer_overrun.c");
    let line = std::fs::read_to_string(&source)
        .unwrap()
        .lines()
        .position(|l| l.contains("PyMem_Free"))
        .unwrap()
        + 1;
    assert_eq!(
        finding["message"],
        format!(
            "the interpreter died by SIGABRT in measured run 1, in fill (buffer_overrun.c:{line})"
        ),
        "{finding:#}"
    );
    let site = &finding["evidence"]["crash_site"];
    assert_eq!(site["function"], "fill");
    assert_eq!(site["line"], line);
    assert_eq!(
        Path::new(site["file"].as_str().unwrap())
            .canonicalize()
            .unwrap(),
        source.canonicalize().unwrap()
    );
    assert!(
        file_name(site["library"].as_str().unwrap()).starts_with("buffer_overrun.cpython-311d-"),
        "{site:#}"
    );
    let stack = finding["evidence"]["native_stack"].as_array().unwrap();
    assert!(
        stack[0].as_str().unwrap().ends_with("(libc.so.6)"),
        "the abort itself comes first: {stack:#?}"
    );

    // A preload of the user's stays, for the tests and what they start, and
    // the crash is reported without a native stack.
    let preload = "libc.so.6";
    let finding = run(&[("LD_PRELOAD", preload), ("EXPECT_PRELOAD", preload)]);
    assert_eq!(
        finding["message"],
        "the interpreter died by SIGABRT in measured run 1"
    );
    let evidence = finding["evidence"].as_object().unwrap();
    assert!(
        !evidence.contains_key("native_stack") && !evidence.contains_key("crash_site"),
        "{evidence:#?}"
    );
}

#[test]
fn the_debug_build_takes_over_and_counts_references_of_modules_built_for_it() {
    let p = need_pythons!();
    let nodeids = [
        format!("{SUITE}::test_clean"),
        format!("{SUITE}::test_clean_with_fixtures"),
        format!("{SUITE}::test_leak"),
    ];
    let run = |samples: &[&Path], format: &str| {
        let mut args: Vec<&OsStr> = vec![
            "--python".as_ref(),
            p.release.executable.as_os_str(),
            "--format".as_ref(),
            format.as_ref(),
            "--".as_ref(),
        ];
        args.extend(nodeids.iter().map(OsStr::new));
        extharness(samples, &args)
    };

    // The debug builds first on the path: the debug interpreter imports
    // them, the release one falls through to its own.
    let output = run(&[&p.samples.1, &p.samples.0], "json");
    let report = json(&output);
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    let interpreter = &report["interpreter"];
    assert_eq!(interpreter["python"], p.debug.executable.to_str().unwrap());
    assert_eq!(
        interpreter["requested"],
        p.release.executable.to_str().unwrap()
    );
    assert_eq!(interpreter["debug"], true);
    assert!(
        interpreter["reason"]
            .as_str()
            .unwrap()
            .starts_with("the debug build of the same version"),
        "{interpreter:#}"
    );
    let leak = test(&report, "test_leak");
    assert_eq!(leak["deltas"]["references"], serde_json::json!(vec![10; 6]));
    assert_eq!(
        leak["findings"][0]["evidence"]["leaking"],
        serde_json::json!(["blocks", "references"])
    );
    for name in ["test_clean", "test_clean_with_fixtures"] {
        let clean = test(&report, name);
        assert_eq!(clean["outcome"], "passed", "{clean:#}");
        assert_eq!(clean["deltas"]["references"], serde_json::json!(vec![0; 6]));
    }
    let clean = test(&report, "test_clean");
    assert!(
        clean["measured"]
            .as_array()
            .unwrap()
            .contains(&"references".into())
    );

    // Only release builds (Debian's debug interpreter imports them too):
    // their inline reference counting leaves the debug total wrong, so
    // the verdict rests on memory blocks, and the text says why.
    let output = run(&[&p.samples.0], "text");
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("(3.11"), "{text}");
    assert!(text.contains("d, debug build)"), "{text}");
    assert!(
        text.contains("note: references not counted: extension modules not built for this debug interpreter are loaded"),
        "{text}"
    );
    assert!(
        text.contains(&format!("leaked   {SUITE}::test_leak\n    error[test-leak]: the test leaks: memory blocks [10, 10, 10, 10, 10, 10] per measured run (verdict on memory blocks, file descriptors)")),
        "{text}"
    );
}
