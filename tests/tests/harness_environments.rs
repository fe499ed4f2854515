//! extharness where users have their modules: in a virtual environment
//! (`python -m venv`, symlinked and copied), inside a package, and calling
//! functions that raise what `except Exception` does not catch.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use harness::{Options, Outcome, Scenario};
use interpreters::Interpreter;

/// A venv of `interpreter` in `dir`, without pip (nothing is downloaded):
/// its interpreter and its `site-packages`.
fn venv(interpreter: &Interpreter, dir: &Path, copies: bool) -> (PathBuf, PathBuf) {
    let mut command = Command::new(&interpreter.executable);
    command.args(["-m", "venv", "--without-pip"]);
    if copies {
        command.arg("--copies");
    }
    let output = command.arg(dir).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let python = dir.join("bin/python");
    let output = Command::new(&python)
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ])
        .output()
        .unwrap();
    let site = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    assert!(site.is_dir(), "{}", site.display());
    (python, site)
}

fn options(python: &Path, modules: &[&str], scenarios: &[Scenario]) -> Options {
    let interpreter = common::python312();
    let mut options = common::harness_options(interpreter, Duration::from_secs(60));
    options.pythons = vec![python.to_path_buf()];
    options.modules = modules.iter().map(|m| m.to_string()).collect();
    options.scenarios = scenarios.to_vec();
    options
}

/// A module installed in a venv's `site-packages`, inside a package, is
/// found by every scenario the venv's interpreter runs (the reinit host's
/// embedded runtimes too), and the report names the environment.
#[test]
fn a_module_of_a_venv_imports_in_every_scenario_symlinked_or_copied() {
    let mut failures = Vec::new();
    for interpreter in common::interpreters().iter().filter(|i| !i.debug) {
        let corpus = common::corpus(interpreter);
        let sample = corpus.module("clean_multiphase").unwrap();
        for copies in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().join("env");
            let (python, site) = venv(interpreter, &root, copies);
            let package = site.join("envpkg");
            std::fs::create_dir_all(&package).unwrap();
            std::fs::write(package.join("__init__.py"), "").unwrap();
            std::fs::copy(&sample.path, package.join(sample.path.file_name().unwrap())).unwrap();
            let scenarios = Options::default_scenarios(false);
            let report = harness::check(
                &[],
                &options(&python, &["envpkg.clean_multiphase"], &scenarios),
            );
            let label = format!(
                "{} {}",
                interpreter.tag(),
                if copies { "copies" } else { "symlinks" }
            );
            let Some(module) = report.modules.first() else {
                failures.push(format!("{label}: no module in {report:#?}"));
                continue;
            };
            let Some(ran) = module.interpreters.first() else {
                failures.push(format!("{label}: not run: {module:#?}"));
                continue;
            };
            if ran.python != python {
                failures.push(format!(
                    "{label}: ran {} rather than the venv's",
                    ran.python.display()
                ));
            }
            match &ran.environment {
                Some(environment) if environment.prefix == root => {}
                other => failures.push(format!("{label}: environment {other:?}")),
            }
            let ids = common::finding_ids(module);
            if ids.contains("import-error") || ids.contains("import-crash") {
                failures.push(format!("{label}: {ids:?} {:#?}", ran.findings));
            }
            let version = interpreter.version.feature();
            for scenario in &ran.scenarios {
                // A scenario this version cannot run is skipped; no other.
                let skip_ok = scenario.name.unavailable_on(version).is_some();
                let bad = match scenario.outcome {
                    Outcome::Error => true,
                    Outcome::Skipped => !skip_ok,
                    _ => false,
                };
                if bad {
                    failures.push(format!("{label}: {scenario:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// `_thread.exit()` raises SystemExit, which `except Exception` lets
/// through: a function that raises it has raised, not crashed the
/// interpreter, in the shutdown scenario and in every embedded runtime.
#[test]
fn a_function_that_raises_a_base_exception_is_no_crash() {
    let mut failures = Vec::new();
    for interpreter in common::interpreters() {
        let mut options = common::harness_options(interpreter, Duration::from_secs(60));
        options.modules = vec!["_thread".into()];
        options.scenarios = vec![Scenario::Shutdown, Scenario::Reinit];
        // It raises KeyboardInterrupt in the main thread at a later time,
        // wherever the probe is then.
        options.settings.no_call = vec!["interrupt_main".into()];
        let report = harness::check(&[], &options);
        for module in &report.modules {
            for ran in &module.interpreters {
                let passed = ran.scenarios.iter().all(|s| s.outcome == Outcome::Passed);
                if !passed || !ran.findings.is_empty() {
                    failures.push(format!(
                        "{}: {:#?} {:#?}",
                        ran.version, ran.scenarios, ran.findings
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// A module file named by its path is imported by its dotted name, with
/// its package first: from a package with an `__init__.py` (which imports
/// the module itself, as packages do), from a namespace package below the
/// environment's site directory, and, when the package's `__init__` fails,
/// with that as the cause rather than the module's initialisation.
#[test]
fn a_path_inside_a_package_is_imported_by_its_dotted_name_package_first() {
    let interpreter = common::python312();
    let corpus = common::corpus(interpreter);
    let sample = &corpus.module("clean_multiphase").unwrap().path;
    let file = sample.file_name().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (python, site) = venv(interpreter, &dir.path().join("env"), false);
    let place = |package: &str, init: Option<&str>| {
        let at = site.join(package.replace('.', "/"));
        std::fs::create_dir_all(&at).unwrap();
        if let Some(init) = init {
            std::fs::write(at.join("__init__.py"), init).unwrap();
        }
        std::fs::copy(sample, at.join(file)).unwrap();
        at.join(file)
    };
    let regular = place("regular", Some("from . import clean_multiphase\n"));
    let namespace = place("space.inner", None);
    let broken = place("broken", Some("import extharness_missing_dependency\n"));
    let report = harness::check(
        &[regular, namespace, broken],
        &options(&python, &[], &[Scenario::Reimport]),
    );
    let names: Vec<&str> = report.modules.iter().map(|m| m.module.as_str()).collect();
    assert_eq!(
        names,
        [
            "regular.clean_multiphase",
            "space.inner.clean_multiphase",
            "broken.clean_multiphase"
        ]
    );
    for module in &report.modules[..2] {
        let ids = common::finding_ids(module);
        assert!(!ids.contains("import-error"), "{module:#?}");
        let ran = &module.interpreters[0];
        assert!(
            ran.scenarios.iter().all(|s| s.outcome == Outcome::Passed),
            "{module:#?}"
        );
    }
    let broken = &report.modules[2].interpreters[0].findings;
    assert_eq!(broken.len(), 1, "{broken:#?}");
    assert_eq!(broken[0].check, "import-error");
    assert_eq!(broken[0].evidence["cause"], "parent-import-failed");
    assert_eq!(
        broken[0].message,
        "the module does not import: importing its package broken raised ModuleNotFoundError: \
         No module named 'extharness_missing_dependency'"
    );
}

/// What auditwheel and its kin vendor into `<dist>.libs/`, and a `lib*`
/// shared object without an init function, are libraries that modules
/// link: listed as such, never imported, never a finding.
#[test]
fn vendored_and_lib_named_libraries_are_not_modules() {
    let interpreter = common::python312();
    let corpus = common::corpus(interpreter);
    let sample = &corpus.module("clean_multiphase").unwrap().path;
    let dir = tempfile::tempdir().unwrap();
    let vendored = dir.path().join("pkg.libs/libvendored-1a2b3c4d.so");
    std::fs::create_dir_all(vendored.parent().unwrap()).unwrap();
    std::fs::copy(sample, &vendored).unwrap();
    let source = dir.path().join("plain.c");
    std::fs::write(&source, "int plain_answer(void) { return 42; }\n").unwrap();
    let plain = dir.path().join("libplain.so");
    let compiled = Command::new(sample_modules::find_tool(&["cc", "gcc", "clang"]).unwrap())
        .args(["-shared", "-fPIC", "-o"])
        .arg(&plain)
        .arg(&source)
        .output()
        .unwrap();
    assert!(compiled.status.success(), "{compiled:?}");
    let report = harness::check(
        &[vendored, plain],
        &options(&interpreter.executable, &[], &[Scenario::Reimport]),
    );
    let reasons: Vec<Option<&str>> = report
        .modules
        .iter()
        .map(|m| m.not_runnable.as_deref())
        .collect();
    assert_eq!(
        reasons,
        [
            Some("a library vendored into pkg.libs/, which modules link: not a module"),
            Some("a library (named lib*, with no init function), which modules link: not a module"),
        ]
    );
    assert!(report.modules.iter().all(|m| m.interpreters.is_empty()));
}

/// `--dist NAME` checks every extension module a distribution installed in
/// the environment owns, as its RECORD lists them, package first; the
/// libraries it vendors are listed as such; a distribution that is not
/// installed is an input that could not be read.
#[test]
fn an_installed_distribution_is_checked_module_by_module() {
    let interpreter = common::python312();
    let corpus = common::corpus(interpreter);
    let sample = &corpus.module("clean_multiphase").unwrap().path;
    let file = sample.file_name().unwrap().to_string_lossy().into_owned();
    let dir = tempfile::tempdir().unwrap();
    let (python, site) = venv(interpreter, &dir.path().join("env"), false);
    for (path, text) in [
        ("distpkg/__init__.py", ""),
        (
            "distpkg-1.0.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: distpkg\nVersion: 1.0\n",
        ),
        (
            "distpkg-1.0.dist-info/RECORD",
            &format!(
                "distpkg/__init__.py,,\ndistpkg/sub/{file},,\ndistpkg/{file},,\n\
                 distpkg.libs/libvendored-0a1b2c3d.so,,\ndistpkg-1.0.dist-info/RECORD,,\n"
            ),
        ),
    ] {
        std::fs::create_dir_all(site.join(path).parent().unwrap()).unwrap();
        std::fs::write(site.join(path), text).unwrap();
    }
    for place in [format!("distpkg/{file}"), format!("distpkg/sub/{file}")] {
        std::fs::create_dir_all(site.join(&place).parent().unwrap()).unwrap();
        std::fs::copy(sample, site.join(place)).unwrap();
    }
    std::fs::create_dir_all(site.join("distpkg.libs")).unwrap();
    std::fs::copy(sample, site.join("distpkg.libs/libvendored-0a1b2c3d.so")).unwrap();
    let mut options = options(&python, &[], &[Scenario::Reimport]);
    options.dists = vec!["distpkg".into(), "no-such-distribution".into()];
    let report = harness::check(&[], &options);
    let rows: Vec<(String, String, bool, Option<&str>)> = report
        .modules
        .iter()
        .map(|m| {
            (
                m.path
                    .strip_prefix(&site.display().to_string())
                    .unwrap_or(&m.path)
                    .to_string(),
                m.module.clone(),
                m.interpreters.iter().all(|i| i.findings.is_empty()) && !m.interpreters.is_empty(),
                m.not_runnable.as_deref().or(m.error.as_deref()),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                format!("/distpkg/{file}"),
                "distpkg.clean_multiphase".into(),
                true,
                None
            ),
            (
                "/distpkg.libs/libvendored-0a1b2c3d.so".into(),
                String::new(),
                false,
                Some("a library vendored into distpkg.libs/, which modules link: not a module"),
            ),
            (
                format!("/distpkg/sub/{file}"),
                "distpkg.sub.clean_multiphase".into(),
                true,
                None
            ),
            (
                "--dist no-such-distribution".into(),
                String::new(),
                false,
                Some("no interpreter here has a distribution named no-such-distribution installed"),
            ),
        ]
    );
}

/// A module whose `Py_mod_create` hands back the module it made before (as
/// Cython's does) costs one block per re-import that is CPython's, not the
/// module's: `PyModule_FromDefAndSpec2` resets the module's `md_state` and
/// `PyModule_ExecDef` allocates it anew (`Objects/moduleobject.c`). That
/// block is not reported; a block the module itself leaks on top is.
#[test]
fn cpythons_block_per_handed_back_module_is_not_a_leak() {
    const SOURCE: &str = r#"
#define PY_SSIZE_T_CLEAN
#include <Python.h>
static PyObject *cached = NULL;
static PyObject *create(PyObject *spec, PyModuleDef *def) {
    if (cached) { Py_INCREF(cached); return cached; }
    PyObject *name = PyObject_GetAttrString(spec, "name");
    if (!name) return NULL;
    cached = PyModule_NewObject(name);
    Py_DECREF(name);
    Py_XINCREF(cached);
    return cached;
}
static int exec_module(PyObject *m) {
#ifdef LEAK
    (void)PyList_New(0); /* one object lost per initialisation */
#endif
    return 0;
}
static PyModuleDef_Slot slots[] = {{Py_mod_create, create}, {Py_mod_exec, exec_module}, {0, NULL}};
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, NAME, NULL, 0, NULL, slots};
PyMODINIT_FUNC INIT(void) { return PyModuleDef_Init(&def); }
"#;
    let interpreter = common::python312();
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("handed_back.c");
    std::fs::write(&source, SOURCE).unwrap();
    let suffix = interpreter.ext_suffix.as_deref().unwrap();
    let include = interpreter.include_dir.as_deref().unwrap();
    let build = |name: &str, leak: bool| {
        let out = dir.path().join(format!("{name}{suffix}"));
        let mut cc = Command::new(sample_modules::find_tool(&["cc", "gcc", "clang"]).unwrap());
        cc.args(["-shared", "-fPIC", "-O1"])
            .arg(format!("-I{}", include.display()))
            .arg(format!("-DNAME=\"{name}\""))
            .arg(format!("-DINIT=PyInit_{name}"));
        if leak {
            cc.arg("-DLEAK");
        }
        let output = cc.arg("-o").arg(&out).arg(&source).output().unwrap();
        assert!(output.status.success(), "{output:?}");
        out
    };
    let quiet = build("handed_back", false);
    let leaky = build("handed_back_leaky", true);
    let report = harness::check(
        &[quiet, leaky],
        &options(&interpreter.executable, &[], &[Scenario::Reimport]),
    );
    let findings: Vec<(String, String)> = report
        .modules
        .iter()
        .flat_map(|m| {
            m.interpreters.iter().flat_map(|i| {
                i.findings
                    .iter()
                    .map(|f| (m.module.clone(), f.message.clone()))
            })
        })
        .collect();
    assert_eq!(
        findings,
        [(
            "handed_back_leaky".to_string(),
            // The C module keeps one list per exec: attributed by type.
            "re-importing leaks: memory blocks [1, 1, 1, 1, 1, 1] per measured run (verdict on \
             memory blocks, file descriptors); most: 1 list object/run surviving"
                .to_string()
        )],
        "{report:#?}"
    );
}

/// A wheel in `dir`, named as pip expects, with its `.dist-info` (METADATA,
/// WHEEL, RECORD) and `files` (path, bytes).
fn wheel(dir: &Path, name: &str, tag: &str, requires: &[&str], files: &[(&str, &[u8])]) -> PathBuf {
    use std::io::Write;
    let info = format!("{name}-1.0.dist-info");
    let mut metadata = format!("Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n");
    for requirement in requires {
        metadata.push_str(&format!("Requires-Dist: {requirement}\n"));
    }
    let purelib = tag.ends_with("-none-any");
    let wheel_file = format!(
        "Wheel-Version: 1.0\nGenerator: extinspect-tests\nRoot-Is-Purelib: {purelib}\nTag: {tag}\n"
    );
    let mut all: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(path, bytes)| (path.to_string(), bytes.to_vec()))
        .collect();
    all.push((format!("{info}/METADATA"), metadata.into_bytes()));
    all.push((format!("{info}/WHEEL"), wheel_file.into_bytes()));
    let mut record: String = all.iter().map(|(path, _)| format!("{path},,\n")).collect();
    record.push_str(&format!("{info}/RECORD,,\n"));
    all.push((format!("{info}/RECORD"), record.into_bytes()));
    let path = dir.join(format!("{name}-1.0-{tag}.whl"));
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for (member, bytes) in all {
        zip.start_file(member, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap();
    path
}

/// A wheel is installed, with its dependencies, into a throwaway venv of
/// the interpreter, and its module imported from there under its dotted
/// name, its package's `__init__` first (which imports the dependency).
/// Without the dependency's wheel at hand, the report says which one is
/// missing, and the import fails for that cause, not as a harness error.
#[test]
fn a_wheel_is_installed_with_its_dependencies_into_a_throwaway_venv() {
    let interpreter = common::python312();
    let corpus = common::corpus(interpreter);
    let sample = &corpus.module("clean_multiphase").unwrap().path;
    let file = sample.file_name().unwrap().to_string_lossy().into_owned();
    let dir = tempfile::tempdir().unwrap();
    let links = dir.path().join("links");
    std::fs::create_dir_all(&links).unwrap();
    wheel(
        &links,
        "extharness_demo_b",
        "py3-none-any",
        &[],
        &[("extharness_demo_b/__init__.py", b"VALUE = 1\n")],
    );
    let a = wheel(
        dir.path(),
        "extharness_demo_a",
        "cp312-cp312-linux_x86_64",
        &["extharness_demo_b"],
        &[
            (
                "extharness_demo_a/__init__.py",
                b"import extharness_demo_b\nfrom . import clean_multiphase\n",
            ),
            (
                &format!("extharness_demo_a/{file}"),
                &std::fs::read(sample).unwrap(),
            ),
        ],
    );
    let mut options = options(&interpreter.executable, &[], &[Scenario::Reimport]);
    options.no_index = true;
    options.find_links = vec![links];
    let report = harness::check(std::slice::from_ref(&a), &options);
    let [module] = report.modules.as_slice() else {
        panic!("one module: {report:#?}");
    };
    assert_eq!(module.module, "extharness_demo_a.clean_multiphase");
    assert_eq!(
        module.path,
        format!("{}!extharness_demo_a/{file}", a.display())
    );
    let ran = &module.interpreters[0];
    assert_eq!(ran.python, interpreter.executable);
    assert_eq!(ran.environment_note, None, "{module:#?}");
    assert!(ran.findings.is_empty(), "{module:#?}");
    assert!(
        ran.scenarios.iter().all(|s| s.outcome == Outcome::Passed),
        "{module:#?}"
    );

    options.find_links.clear();
    let report = harness::check(std::slice::from_ref(&a), &options);
    let ran = &report.modules[0].interpreters[0];
    let note = ran.environment_note.as_deref().unwrap_or_default();
    assert!(
        note.starts_with("dependencies not installed: ERROR: ")
            && note.contains("extharness_demo_b"),
        "{report:#?}"
    );
    let [finding] = ran.findings.as_slice() else {
        panic!("one finding: {report:#?}");
    };
    assert_eq!(finding.check, "import-error");
    let cause = &finding.evidence["cause"];
    assert!(
        cause == "parent-import-failed" || cause == "missing-dependency",
        "{finding:#?}"
    );
    assert!(
        finding.message.contains("extharness_demo_b"),
        "{finding:#?}"
    );
    assert_eq!(report.summary.harness_errors, 0, "{report:#?}");
}
