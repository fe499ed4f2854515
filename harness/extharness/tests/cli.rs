//! The `extharness` command as users and CI run it: exit statuses, text and
//! JSON output, wheels, `--module`, modules that cannot run here, and usage
//! errors. The modules are the sample corpus built for CPython 3.12.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use interpreters::Interpreter;
use sample_modules::Corpus;

fn python312() -> &'static Interpreter {
    static FOUND: OnceLock<Interpreter> = OnceLock::new();
    FOUND.get_or_init(|| {
        interpreters::discover(&[])
            .one_per_abi()
            .into_iter()
            .find(|i| i.version.feature() == (3, 12) && !i.debug && i.can_build_extensions())
            .cloned()
            .expect("CPython 3.12 with headers (pyenv) is needed")
    })
}

fn corpus() -> &'static Corpus {
    static BUILT: OnceLock<Corpus> = OnceLock::new();
    BUILT.get_or_init(|| {
        sample_modules::build(python312(), &sample_modules::default_root())
            .unwrap_or_else(|e| panic!("building the corpus: {e}"))
    })
}

fn sample(id: &str) -> PathBuf {
    corpus()
        .module(id)
        .unwrap_or_else(|| panic!("no sample {id}"))
        .path
        .clone()
}

fn extharness(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_extharness"))
        .arg("check")
        .arg("--python")
        .arg(&python312().executable)
        .args(args)
        .output()
        .expect("running extharness")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn exit_status_is_0_clean_1_with_error_findings_2_for_missing_paths() {
    let clean = sample("clean_multiphase");
    let output = extharness(&[clean.as_os_str()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    let broken = sample("hidden_init");
    let output = extharness(&[broken.as_os_str()]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(stdout(&output).contains("error[import-error]"));

    // Info and warnings alone do not fail a run.
    let refused = sample("refuse_reinit");
    let output = extharness(&[refused.as_os_str()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("info[reimport-refused]"));

    let missing = Path::new("/nonexistent/module.so");
    let output = extharness(&[clean.as_os_str(), missing.as_os_str()]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    // The readable module is still checked.
    assert!(
        stdout(&output).contains("clean_multiphase"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn text_report_snapshot() {
    let paths = [
        "clean_multiphase",
        "singlephase_state",
        "abort_reinit",
        "hidden_init",
    ]
    .map(sample);
    let args: Vec<&std::ffi::OsStr> = paths.iter().map(|p| p.as_os_str()).collect();
    let output = extharness(&args);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../../snapshots/harness");
    settings.set_prepend_module_to_snapshot(false);
    settings.add_filter(
        &regex_escape(&corpus().dir.display().to_string()),
        "[samples]",
    );
    settings.add_filter(
        &regex_escape(&python312().executable.display().to_string()),
        "[python]",
    );
    settings.add_filter(r"python 3\.12\.\d+", "python 3.12.[micro]");
    // The DWARF names the sources where this checkout is.
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let repo = repo.canonicalize().unwrap_or(repo);
    settings.add_filter(&regex_escape(&repo.display().to_string()), "[repo]");
    settings.add_filter(r" +\d+ ms", " [n] ms");
    settings.add_filter(r"0x[0-9a-f]+", "[address]");
    settings.add_filter(r#"[^ "]*/extharness-[A-Za-z0-9]+"#, "[tmp]");
    settings.add_filter(r"line \d+", "line [n]");
    // Frames outside the module depend on the machine's C library and on
    // which debug files are installed; the crash site in the message and
    // `crash_site` stay.
    settings.add_filter(
        r"(?m)^      native_stack:\n(?:        .*\n)+",
        "      native_stack: [frames]\n",
    );
    settings.bind(|| insta::assert_snapshot!("text_report", stdout(&output)));
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '/' || c == '_' || c == '-' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

#[test]
fn json_report_has_the_documented_shape() {
    let path = sample("singlephase_state");
    let output = extharness(&[path.as_os_str(), "--format".as_ref(), "json".as_ref()]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["schema"], 1);
    let module = &report["modules"][0];
    assert_eq!(module["module"], "singlephase_state");
    let interpreter = &module["interpreters"][0];
    assert!(interpreter["python"].is_string());
    assert_eq!(interpreter["debug"], false);
    let scenarios: Vec<&str> = interpreter["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        scenarios,
        [
            "import",
            "reimport",
            "subinterpreter-legacy",
            "subinterpreter-isolated",
            "reinit",
            "shutdown"
        ]
    );
    for scenario in interpreter["scenarios"].as_array().unwrap() {
        assert!(scenario["outcome"].is_string() && scenario["duration_ms"].is_u64());
    }
    let finding = &interpreter["findings"][0];
    assert_eq!(finding["check"], "singleton-state");
    assert_eq!(finding["severity"], "warning");
    assert!(finding["message"].as_str().unwrap().contains("increment"));
    assert!(finding["evidence"]["same_objects"].is_array());
    assert_eq!(report["summary"]["errors"], 1);
}

#[test]
fn foreign_binaries_are_not_runnable_here_and_alone_check_nothing() {
    let fixtures = sample_modules::build_foreign(&sample_modules::default_root()).unwrap();
    let pe = fixtures.dir.join("win_amd64").join("limited_abi3.pyd");
    // Alone, it leaves the run with nothing checked: one line, exit 2.
    let alone = extharness(&[pe.as_os_str()]);
    let stderr = String::from_utf8_lossy(&alone.stderr);
    assert_eq!(alone.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("extharness: nothing checked: no module runs under 3.12")
            && stderr
                .trim_end()
                .ends_with("a PE file loads only on Windows")
            && stderr.lines().count() == 1,
        "{stderr}"
    );
    let output = extharness(&[pe.as_os_str(), "--allow-empty".as_ref()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("not runnable here: a PE file loads only on Windows"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_wheel_is_imported_under_its_package_name_and_hostile_members_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let wheel = dir.path().join("demo-1.0-cp312-cp312-linux_x86_64.whl");
    let file_name = sample("clean_multiphase")
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&wheel).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file(format!("demo/{file_name}"), options)
        .unwrap();
    zip.write_all(&std::fs::read(sample("clean_multiphase")).unwrap())
        .unwrap();
    zip.start_file("demo/__init__.py", options).unwrap();
    zip.start_file("../escaped.so", options).unwrap();
    zip.write_all(b"not written anywhere").unwrap();
    zip.finish().unwrap();

    let output = extharness(&[wheel.as_os_str()]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("(module demo.clean_multiphase)"), "{text}");
    assert!(!text.contains("escaped"), "{text}");
    assert!(!dir.path().parent().unwrap().join("escaped.so").exists());
}

#[test]
fn module_names_an_importable_module_of_the_interpreter() {
    let output = extharness(&["--module".as_ref(), "_json".as_ref()]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("_json (module _json)"), "{text}");
    assert!(text.contains("subinterpreter-isolated"), "{text}");
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    for args in [
        vec![],
        vec!["--scenario", "leaks", "x.so"],
        vec!["--timeout", "0", "x.so"],
        vec!["--workload", "/nonexistent.py", "x.so"],
        vec!["--find-links", "/nonexistent/wheelhouse", "x.whl"],
    ] {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        let output = extharness(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("extharness: "), "{stderr}");
    }
}

/// The reinit scenario's embedding host is this very binary
/// (`extharness reinit-host`), started as a child of the check.
#[test]
fn reinit_runs_with_the_binary_as_its_own_embedding_host() {
    let refused = sample("refuse_reinit");
    let aborting = sample("abort_reinit");
    let output = extharness(&[
        "--scenario".as_ref(),
        "reinit".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        refused.as_os_str(),
        aborting.as_os_str(),
    ]);
    // reinit-crash is an error, reinit-refused only information.
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let checks = |name: &str| -> Vec<String> {
        let module = report["modules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["module"] == name)
            .unwrap_or_else(|| panic!("{name} is not in {report}"));
        module["interpreters"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["check"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(checks("refuse_reinit"), ["reinit-refused"]);
    assert_eq!(checks("abort_reinit"), ["reinit-crash"]);
}

/// The reinit host's own frames are named from its symbol table alone: the
/// distributed binary keeps `.symtab` but no DWARF (`strip = false` in the
/// root pyproject.toml, Cargo's release profile dropping debug info), which
/// this copy imitates; a crash in a module then shows how the host got there.
#[test]
fn a_reinit_crash_names_the_hosts_frames_without_debug_info() {
    let dir = tempfile::tempdir().unwrap();
    let host = dir.path().join("extharness");
    std::fs::copy(env!("CARGO_BIN_EXE_extharness"), &host).unwrap();
    let stripped = Command::new("objcopy")
        .arg("--strip-debug")
        .arg(&host)
        .output()
        .expect("objcopy (binutils) is needed");
    assert!(stripped.status.success(), "{stripped:?}");
    let aborting = sample("abort_reinit");
    let output = Command::new(&host)
        .args([
            "check",
            "--scenario",
            "reinit",
            "--format",
            "json",
            "--python",
        ])
        .arg(&python312().executable)
        .arg(&aborting)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &report["modules"][0]["interpreters"][0]["findings"][0];
    assert_eq!(finding["check"], "reinit-crash", "{report}");
    let frames: Vec<&str> = finding["evidence"]["native_stack"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let host_frames: Vec<&&str> = frames
        .iter()
        .filter(|f| f.ends_with("(extharness)"))
        .collect();
    assert!(
        host_frames
            .iter()
            .any(|f| f.contains("harness::scenarios::reinit::host::host_main")),
        "{frames:#?}"
    );
    // No frame of the host is a bare address.
    assert!(
        host_frames.iter().all(|f| !f.contains(" 0x")),
        "{frames:#?}"
    );
}

/// Without `--python`, the environment the user works in is the one that
/// runs: the active one (`VIRTUAL_ENV`), else `.venv` in the working
/// directory; its packages are visible and the report names it.
#[test]
fn the_users_virtual_environment_is_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    let root = project.join(".venv");
    let made = Command::new(&python312().executable)
        .args(["-m", "venv", "--without-pip"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    let site = root.join("lib/python3.12/site-packages/envpkg");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("__init__.py"), "").unwrap();
    let module = sample("clean_multiphase");
    std::fs::copy(&module, site.join(module.file_name().unwrap())).unwrap();
    let run = |cwd: &Path, virtual_env: Option<&Path>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_extharness"));
        command
            .args(["check", "--isolated", "--scenario", "reimport"])
            .args(["--module", "envpkg.clean_multiphase"])
            .current_dir(cwd)
            .env_remove("VIRTUAL_ENV");
        if let Some(path) = virtual_env {
            command.env("VIRTUAL_ENV", path);
        }
        command.output().unwrap()
    };
    for (cwd, active) in [
        (project.as_path(), None),
        (dir.path(), Some(root.as_path())),
    ] {
        let output = run(cwd, active);
        let text = stdout(&output);
        assert_eq!(output.status.code(), Some(0), "{text}{output:?}");
        assert!(
            text.contains(&format!(
                "  python 3.12.{} ({}, a virtual environment at {} of ",
                python312().version.micro,
                root.join("bin/python").display(),
                root.display()
            )),
            "{text}"
        );
        assert_eq!(text.matches("  python ").count(), 1, "{text}");
    }
    // Elsewhere, with none active, every interpreter found runs, and the
    // package is not there.
    let output = run(dir.path(), None);
    assert!(
        stdout(&output).contains("No module named 'envpkg'"),
        "{}",
        stdout(&output)
    );
    // A module the environment cannot load (a 3.12 build beside an
    // environment of another version) runs under the interpreters found.
    let other = interpreters::discover(&[])
        .interpreters
        .into_iter()
        .find(|i| i.version.feature() >= (3, 8) && i.version.feature() != (3, 12) && !i.debug)
        .expect("a CPython 3.8+ other than 3.12");
    let elsewhere = dir.path().join("elsewhere");
    let made = Command::new(&other.executable)
        .args(["-m", "venv", "--without-pip"])
        .arg(elsewhere.join(".venv"))
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    let output = Command::new(env!("CARGO_BIN_EXE_extharness"))
        .args([
            "check",
            "--isolated",
            "--scenario",
            "reimport",
            "--format",
            "json",
        ])
        .arg(&module)
        .current_dir(&elsewhere)
        .env_remove("VIRTUAL_ENV")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let ran = report["modules"][0]["interpreters"].as_array().unwrap();
    assert!(!ran.is_empty(), "{report:#}");
    for interpreter in ran {
        assert!(
            interpreter["version"].as_str().unwrap().starts_with("3.12")
                && interpreter["environment"].is_null(),
            "{report:#}"
        );
    }
}

/// What a run keeps under `$XDG_CACHE_HOME/extinspect` (the interpreter's
/// answer, the reinit baseline), nothing under `--no-cache`; a run that
/// finds the cache, or a damaged one, reports the same.
#[test]
fn the_caches_are_kept_under_xdg_cache_home_and_no_cache_keeps_none() {
    let clean = sample("clean_multiphase");
    let run = |cache: &Path, extra: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_extharness"))
            .arg("check")
            .args(extra)
            .args(["--scenario", "reinit", "--format", "json", "--python"])
            .arg(&python312().executable)
            .arg(&clean)
            .env("XDG_CACHE_HOME", cache)
            .output()
            .expect("running extharness");
        assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let scenarios = &report["modules"][0]["interpreters"][0]["scenarios"];
        let outcomes: Vec<String> = scenarios
            .as_array()
            .unwrap()
            .iter()
            .map(|s| format!("{} {}", s["name"], s["outcome"]))
            .collect();
        outcomes
    };
    let entries = |dir: &Path| -> Vec<PathBuf> {
        let mut found = Vec::new();
        for kind in ["interpreters", "reinit-baselines"] {
            if let Ok(read) = std::fs::read_dir(dir.join("extinspect").join(kind)) {
                found.extend(read.map(|e| e.unwrap().path()));
            }
        }
        found
    };
    let expected = vec![
        "\"import\" \"passed\"".to_string(),
        "\"reinit\" \"passed\"".to_string(),
    ];
    let cache = tempfile::tempdir().unwrap();
    assert_eq!(run(cache.path(), &["--no-cache"]), expected);
    assert!(entries(cache.path()).is_empty());
    assert_eq!(run(cache.path(), &[]), expected);
    let kept = entries(cache.path());
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert_eq!(run(cache.path(), &[]), expected);
    for entry in &kept {
        std::fs::write(entry, "{ damaged").unwrap();
    }
    assert_eq!(run(cache.path(), &[]), expected);
}
