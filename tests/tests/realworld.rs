//! extharness on real distributions from PyPI (tests/realworld/
//! distributions.toml), installed into a venv of every CPython 3.12+ the
//! tests find, as users install them: every extension module is checked
//! with the default scenarios three ways, by distribution (`--dist`), by
//! name (`--module`) and by its path inside the venv, and once more from
//! the downloaded wheels (each installed by the harness, with its
//! dependencies from the same download directory, into a throwaway venv).
//! None may give a harness failure or leave a dependency missing; every
//! finding of each way must be one tests/realworld/expectations.toml lists,
//! with its reason, for that CPython version, and every finding listed must
//! be found: the comparison fails both ways.
//!
//! The venvs are kept in a cache outside the clone (`$XDG_CACHE_HOME` or
//! `~/.cache`, `extinspect/realworld/`), one per interpreter and pinned
//! list; pip downloads the wheels (PyPI) once and checks each against its
//! pinned sha256. The `[[installed]]` entries are installed into the same
//! venvs for extinspect's installed-tree proof (inspector_realworld.rs) and
//! checked by no way here: not by distribution, not from the wheels.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::realworld::{Wheel, environment, pinned, requirements};
use harness::{Options, Outcome, Report};
use interpreters::Interpreter;

const EXPECTED: &str = include_str!("../realworld/expectations.toml");

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expectations {
    finding: Vec<Expected>,
}

/// Findings of one check on some modules, on some CPython versions, and
/// why they are right.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    check: String,
    /// Feature versions: `3.12`.
    python: Vec<String>,
    modules: Vec<String>,
    reason: String,
    /// Found in some runs only; either way passes.
    #[serde(default)]
    intermittent: bool,
}

/// What `version` must find, and what it may find besides, as
/// `(module, check)`; `None` when no entry names the version.
fn expected(version: &str) -> Option<(BTreeSet<(String, String)>, BTreeSet<(String, String)>)> {
    let expectations: Expectations =
        toml::from_str(EXPECTED).expect("tests/realworld/expectations.toml parses");
    let mut required = BTreeSet::new();
    let mut intermittent = BTreeSet::new();
    let mut named = false;
    for entry in &expectations.finding {
        assert!(
            entry.reason.trim().len() > 40,
            "{}: a reason, please",
            entry.check
        );
        assert!(
            harness::checks::lookup(&entry.check).is_some(),
            "no check named {}",
            entry.check
        );
        if !entry.python.iter().any(|p| p == version) {
            continue;
        }
        named = true;
        let into = if entry.intermittent {
            &mut intermittent
        } else {
            &mut required
        };
        into.extend(
            entry
                .modules
                .iter()
                .map(|m| (m.clone(), entry.check.clone())),
        );
    }
    named.then_some((required, intermittent))
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

fn options(python: &Path) -> Options {
    let interpreter = common::python312();
    let mut options = common::harness_options(interpreter, Duration::from_secs(120));
    options.pythons = vec![python.to_path_buf()];
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

/// Harness failures and environment notes (a dependency not installed),
/// one line each.
fn harness_failures(way: &str, report: &Report) -> Vec<String> {
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
        }
    }
    found
}

/// The report's findings against the expectations of `version`: what was
/// found and is not listed, and what is listed and was not found.
fn compare(way: &str, version: &str, report: &Report) -> Vec<String> {
    let Some((required, intermittent)) = expected(version) else {
        return vec![format!(
            "tests/realworld/expectations.toml names no finding for CPython {version}: \
             run the default scenarios on it and list what they find, with reasons"
        )];
    };
    let mut found = BTreeSet::new();
    let mut messages = std::collections::BTreeMap::new();
    for module in &report.modules {
        for ran in &module.interpreters {
            for finding in &ran.findings {
                let key = (module.module.clone(), finding.check.to_string());
                messages.insert(key.clone(), finding.message.clone());
                found.insert(key);
            }
        }
    }
    let mut failures = Vec::new();
    for key in found.difference(&required) {
        if !intermittent.contains(key) {
            failures.push(format!(
                "{way} on {version}: not in expectations.toml: {} {}: {}",
                key.0, key.1, messages[key]
            ));
        }
    }
    for key in required.difference(&found) {
        failures.push(format!(
            "{way} on {version}: listed in expectations.toml, not found: {} {}",
            key.0, key.1
        ));
    }
    failures
}

#[test]
fn real_distributions_find_what_the_expectations_list_three_ways_and_from_wheels() {
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
    // Installed for the inspector only: none is checked here, so none may
    // be a distribution or a dependency too.
    for wheel in &pinned.installed {
        assert!(
            wheel.language.is_some()
                && !wheel.sha256.is_empty()
                && wheel.package.is_none()
                && wheel.of.is_none()
                && !pinned
                    .distribution
                    .iter()
                    .chain(&pinned.dependency)
                    .any(|w| w.name == wheel.name),
            "{}",
            wheel.name
        );
    }
    let requirements = requirements(&pinned);
    let interpreters: Vec<&Interpreter> = common::interpreters()
        .iter()
        .filter(|i| !i.debug && i.version.feature() >= (3, 12))
        .collect();
    assert!(!interpreters.is_empty(), "no CPython 3.12+ here");
    let mut failures = Vec::new();
    for interpreter in interpreters {
        let (major, minor) = interpreter.version.feature();
        let version = format!("{major}.{minor}");
        let (python, wheels) = environment(interpreter, &requirements);
        let mut check = |way: &str, report: &Report| {
            failures.extend(harness_failures(way, report));
            failures.extend(compare(way, &version, report));
        };
        let mut by_dist = options(&python);
        by_dist.dists = pinned.distribution.iter().map(|d| d.name.clone()).collect();
        let report = harness::check(&[], &by_dist);
        check("--dist", &report);
        let found = modules(&report);

        let mut by_name = options(&python);
        by_name.modules = found.iter().map(|(name, _)| name.clone()).collect();
        check("--module", &harness::check(&[], &by_name));

        let paths: Vec<PathBuf> = found.iter().map(|(_, path)| PathBuf::from(path)).collect();
        let by_path = harness::check(&paths, &options(&python));
        check("path", &by_path);
        let path_names: BTreeSet<(String, String)> = modules(&by_path);

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
        check("wheel", &from_wheels);

        // Every distribution has modules; psutil's abi3 one too.
        for dist in &pinned.distribution {
            let package = dist.package.as_deref();
            if !found
                .iter()
                .any(|(name, _)| name.split('.').next() == package)
            {
                failures.push(format!("{version}: no module of {} was checked", dist.name));
            }
        }
        if path_names != found {
            failures.push(format!(
                "{version}: a path gets another name than its distribution gives it: {:?}",
                path_names.symmetric_difference(&found).collect::<Vec<_>>()
            ));
        }
        let wheel_names: BTreeSet<String> =
            modules(&from_wheels).into_iter().map(|(n, _)| n).collect();
        let names: BTreeSet<String> = found.iter().map(|(n, _)| n.clone()).collect();
        if wheel_names != names {
            failures.push(format!(
                "{version}: the wheels name other modules than the installed distributions: {:?}",
                wheel_names.symmetric_difference(&names).collect::<Vec<_>>()
            ));
        }
        eprintln!(
            "realworld: {} modules of {} distributions on {version}",
            found.len(),
            pinned.distribution.len(),
        );
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
