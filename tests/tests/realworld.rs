//! extharness on real distributions from PyPI (tests/realworld/
//! distributions.toml), installed into a venv of every CPython 3.12+ the
//! tests find, as users install them: every extension module is checked
//! three ways, by distribution (`--dist`), by name (`--module`) and by its
//! path inside the venv, and once more from the downloaded wheels (each
//! installed by the harness, with its dependencies from the same download
//! directory, into a throwaway venv); none may
//! give a harness failure or an import error, which would be the harness's
//! mistake: each of these modules imports in the venv's own interpreter.
//!
//! The venvs are kept in a cache outside the clone (`$XDG_CACHE_HOME` or
//! `~/.cache`, `extinspect/realworld/`), one per interpreter and pinned
//! list; pip downloads the wheels (PyPI) once and checks each against its
//! pinned sha256.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use harness::{Options, Outcome, Report};
use interpreters::Interpreter;

const PINNED: &str = include_str!("../realworld/distributions.toml");

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Pinned {
    distribution: Vec<Wheel>,
    dependency: Vec<Wheel>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Wheel {
    name: String,
    version: String,
    #[serde(default)]
    language: Option<String>,
    /// The top-level name its extension modules are imported under.
    #[serde(default)]
    package: Option<String>,
    #[serde(default)]
    of: Option<String>,
    sha256: Vec<String>,
}

fn pinned() -> Pinned {
    toml::from_str(PINNED).expect("tests/realworld/distributions.toml parses")
}

/// pip's requirements file: every pinned wheel with its hashes.
fn requirements(pinned: &Pinned) -> String {
    pinned
        .distribution
        .iter()
        .chain(&pinned.dependency)
        .map(|w| {
            let hashes: Vec<String> = w
                .sha256
                .iter()
                .map(|h| format!("--hash=sha256:{h}"))
                .collect();
            format!("{}=={} {}\n", w.name, w.version, hashes.join(" "))
        })
        .collect()
}

fn cache_root() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache")
        });
    base.join("extinspect/realworld")
}

/// The venv of `interpreter` with every pinned wheel installed, made once
/// per interpreter and pinned list (their hash names the directory), and
/// the directory of the wheels it was installed from.
fn environment(interpreter: &Interpreter, requirements: &str) -> (PathBuf, PathBuf) {
    let identity = format!(
        "{}\n{}\n{requirements}",
        interpreter.executable.display(),
        interpreter.version
    );
    let key = format!("{}-{:016x}", interpreter.tag(), fnv(identity.as_bytes()));
    let root = cache_root().join(key);
    let python = root.join("bin/python");
    let wheels = root.join("wheels");
    let done = root.join("extinspect-installed");
    if done.is_file() {
        return (python, wheels);
    }
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.parent().unwrap()).unwrap();
    run(Command::new(&interpreter.executable)
        .args(["-m", "venv"])
        .arg(&root));
    let file = root.join("requirements.txt");
    std::fs::write(&file, requirements).unwrap();
    let pip = |verb: &str| {
        let mut command = Command::new(&python);
        command
            .args(["-m", "pip", verb, "--quiet", "--disable-pip-version-check"])
            .args(["--require-hashes", "--no-deps", "--only-binary", ":all:"]);
        command
    };
    run(pip("download").arg("-d").arg(&wheels).arg("-r").arg(&file));
    run(pip("install")
        .arg("--no-index")
        .arg("--find-links")
        .arg(&wheels)
        .arg("-r")
        .arg(&file));
    std::fs::write(&done, "").unwrap();
    (python, wheels)
}

/// The wheels of `wanted` in `dir`, by the normalised name that starts a
/// wheel's file name.
fn wheels_of<'a>(dir: &Path, wanted: impl Iterator<Item = &'a Wheel>) -> Vec<PathBuf> {
    let normal = |name: &str| name.replace(['-', '.'], "_").to_lowercase();
    let names: Vec<String> = wanted.map(|d| normal(&d.name)).collect();
    let mut wheels: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let name = file.split('-').next().unwrap_or_default();
            file.ends_with(".whl") && names.contains(&normal(name))
        })
        .collect();
    wheels.sort();
    wheels
}

fn run(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// FNV-1a: a stable name for a pinned list.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x100000001b3)
    })
}

fn options(python: &Path) -> Options {
    let interpreter = common::python312();
    let mut options = common::harness_options(interpreter, Duration::from_secs(120));
    options.pythons = vec![python.to_path_buf()];
    // The import scenario alone: it is what the three ways must agree on.
    options.scenarios = Vec::new();
    options
}

/// `(name, path)` of every module the report checked.
fn modules(report: &Report) -> BTreeSet<(String, String)> {
    report
        .modules
        .iter()
        .filter(|m| m.not_runnable.is_none())
        .map(|m| (m.module.clone(), m.path.clone()))
        .collect()
}

/// Harness failures and import errors, one line each.
fn problems(way: &str, report: &Report) -> Vec<String> {
    let mut found = Vec::new();
    for module in &report.modules {
        if let Some(error) = &module.error {
            found.push(format!("{way}: {}: {error}", module.path));
        }
        for ran in &module.interpreters {
            if let Some(note) = &ran.environment_note {
                found.push(format!("{way}: {}: {note}", module.module));
            }
            for scenario in &ran.scenarios {
                if scenario.outcome == Outcome::Error {
                    found.push(format!("{way}: {}: {scenario:?}", module.module));
                }
            }
            for finding in &ran.findings {
                found.push(format!(
                    "{way}: {}: {}: {}",
                    module.module, finding.check, finding.message
                ));
            }
        }
    }
    found
}

#[test]
fn real_distributions_import_three_ways_without_harness_errors() {
    let pinned = pinned();
    assert!(pinned.distribution.len() >= 20);
    for wheel in &pinned.distribution {
        assert!(
            wheel.language.is_some() && wheel.package.is_some() && !wheel.sha256.is_empty(),
            "{}",
            wheel.name
        );
    }
    for wheel in &pinned.dependency {
        assert!(wheel.of.is_some(), "{}", wheel.name);
    }
    let requirements = requirements(&pinned);
    let interpreters: Vec<&Interpreter> = common::interpreters()
        .iter()
        .filter(|i| !i.debug && i.version.feature() >= (3, 12))
        .collect();
    assert!(!interpreters.is_empty(), "no CPython 3.12+ here");
    let mut failures = Vec::new();
    for interpreter in interpreters {
        let (python, wheels) = environment(interpreter, &requirements);
        let mut by_dist = options(&python);
        by_dist.dists = pinned.distribution.iter().map(|d| d.name.clone()).collect();
        let report = harness::check(&[], &by_dist);
        failures.extend(problems("--dist", &report));
        let found = modules(&report);
        // Every distribution has modules; psutil's abi3 one too.
        for dist in &pinned.distribution {
            let package = dist.package.as_deref();
            if !found
                .iter()
                .any(|(name, _)| name.split('.').next() == package)
            {
                failures.push(format!(
                    "{}: no module of {} was checked",
                    interpreter.tag(),
                    dist.name
                ));
            }
        }
        let mut by_name = options(&python);
        by_name.modules = found.iter().map(|(name, _)| name.clone()).collect();
        let named = harness::check(&[], &by_name);
        failures.extend(problems("--module", &named));
        let paths: Vec<PathBuf> = found.iter().map(|(_, path)| PathBuf::from(path)).collect();
        let by_path = harness::check(&paths, &options(&python));
        failures.extend(problems("path", &by_path));
        let path_names: BTreeSet<(String, String)> = modules(&by_path);
        if path_names != found {
            failures.push(format!(
                "{}: a path gets another name than its distribution gives it: {:?}",
                interpreter.tag(),
                path_names.symmetric_difference(&found).collect::<Vec<_>>()
            ));
        }
        // The wheels as downloaded, installed with their dependencies from
        // the same directory (no index) into a throwaway venv of the
        // interpreter: the same modules.
        let mut downloaded = wheels_of(&wheels, pinned.distribution.iter());
        assert_eq!(
            downloaded.len(),
            pinned.distribution.len(),
            "{downloaded:?}"
        );
        // What a package of a distribution imports that the distribution
        // does not require (greenlet.tests imports objgraph) is given
        // beside the wheels, as a user would install it.
        let required_by_none = pinned.dependency.iter().filter(|d| {
            !pinned
                .distribution
                .iter()
                .any(|dist| Some(&dist.name) == d.of.as_ref())
        });
        downloaded.extend(wheels_of(&wheels, required_by_none));
        let mut from_cache = options(&python);
        from_cache.find_links = vec![wheels.clone()];
        from_cache.no_index = true;
        let from_wheels = harness::check(&downloaded, &from_cache);
        failures.extend(problems("wheel", &from_wheels));
        let wheel_names: BTreeSet<String> =
            modules(&from_wheels).into_iter().map(|(n, _)| n).collect();
        let names: BTreeSet<String> = found.iter().map(|(n, _)| n.clone()).collect();
        if wheel_names != names {
            failures.push(format!(
                "{}: the wheels name other modules than the installed distributions: {:?}",
                interpreter.tag(),
                wheel_names.symmetric_difference(&names).collect::<Vec<_>>()
            ));
        }
        eprintln!(
            "realworld: {} modules of {} distributions on {}",
            found.len(),
            pinned.distribution.len(),
            interpreter.tag()
        );
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
