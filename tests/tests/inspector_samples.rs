//! `extinspect` over the sample corpus: every sample yields exactly the
//! findings its header promises, in every format it is built in (ELF for
//! each interpreter under test, PE and Mach-O from the foreign builder), and
//! the text and JSON reports are pinned by snapshots.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use checks::{FileKind, Options};
use interpreters::Version;
use sample_modules::{ForeignFixture, Sample};

/// A sample's abi3 minimum is the version its header says it limits itself
/// to, passed as a user would: `--abi3-min`.
fn options_for(sample: &Sample) -> Options {
    Options {
        abi3_min: sample.limited_api.map(|(major, minor)| abi::PyVersion {
            major: major as u8,
            minor: minor as u8,
        }),
        floors: Vec::new(),
    }
}

/// What the header promises, for a file of `format`. On Windows two
/// promises cannot be kept by the file alone: `links-libpython` is an
/// ELF/Mach-O check (a Windows module must link `python3XY.dll`), and an
/// abi3 module's name there is a plain `.pyd`, so a full-API module that
/// links `python312.dll` claims nothing until a wheel tags it abi3 (the
/// wheel tests cover that).
fn promised(sample: &Sample, version: Version, format: &str) -> BTreeSet<String> {
    let claims_abi3_by_name_only = sample.limited_api.is_none();
    sample
        .inspector_expected_on(version)
        .into_iter()
        .filter(|id| !(format == "pe" && *id == "links-libpython"))
        .filter(|id| {
            !(format == "pe"
                && matches!(*id, "abi3-violation" | "abi3-floor")
                && claims_abi3_by_name_only)
        })
        .map(str::to_owned)
        .collect()
}

fn found(path: &Path, options: &Options) -> Result<(String, BTreeSet<String>), String> {
    let outcome = inspector::inspect_paths(&[path.to_path_buf()], options);
    let [file] = outcome.files.as_slice() else {
        return Err(format!("expected one report, got {}", outcome.files.len()));
    };
    if file.kind != FileKind::Extension {
        return Err(format!("not inspected as an extension: {file:?}"));
    }
    let format = file.format.unwrap_or_default().to_string();
    Ok((
        format,
        file.findings.iter().map(|f| f.check.to_string()).collect(),
    ))
}

/// `version`: the CPython the file was built for.
fn compare(path: &Path, sample: &Sample, version: Version, failures: &mut Vec<String>) {
    match found(path, &options_for(sample)) {
        Err(why) => failures.push(format!("{}: {why}", path.display())),
        Ok((format, ids)) => {
            let want = promised(sample, version, &format);
            if ids != want {
                let outcome = inspector::inspect_paths(&[path.to_path_buf()], &options_for(sample));
                failures.push(format!(
                    "{}: header promises {want:?}, found {ids:?}\n{}",
                    path.display(),
                    extinspect::render::text(&outcome)
                ));
            }
        }
    }
}

#[test]
fn elf_builds_for_every_interpreter_yield_the_promised_findings() {
    let mut failures = Vec::new();
    let mut inspected = 0;
    for interpreter in common::interpreters() {
        let corpus = common::corpus(interpreter);
        for module in &corpus.modules {
            inspected += 1;
            compare(
                &module.path,
                &module.sample,
                interpreter.version,
                &mut failures,
            );
        }
    }
    assert!(inspected > 0, "no sample was built");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn foreign_builds_yield_the_promised_findings() {
    if common::skipped_in_sid_root(
        "the foreign fixtures need clang and lld, which the root has not; the host run proves them",
    ) {
        return;
    }
    let catalog = sample_modules::catalog().expect("catalog");
    let mut failures = Vec::new();
    let honest: Vec<&ForeignFixture> = common::foreign()
        .fixtures
        .iter()
        .filter(|f| f.mislabel.is_none())
        .collect();
    assert!(
        honest.len() >= 16 * 5,
        "only {} foreign fixtures",
        honest.len()
    );
    for fixture in honest {
        let sample = catalog
            .iter()
            .find(|s| s.id == fixture.sample_id)
            .expect("fixture of a catalogued sample");
        let (major, minor) = fixture.python;
        let version = Version::new(major, minor, 0);
        compare(&fixture.path, sample, version, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Each mislabelled copy of `clean_multiphase`, and what its label hides.
const MISLABELLED: &[(&str, &[&str])] = &[
    // COFF machine ARM64, named win_amd64.
    (
        "pe_arm64_named_amd64",
        &["tag-arch-mismatch", "abi3-candidate"],
    ),
    // Tagged cp311, imports python312.dll.
    (
        "cp311_imports_python312",
        &["python-dll-mismatch", "abi3-candidate"],
    ),
    // EM_AARCH64, named x86_64-linux-gnu.
    (
        "elf_aarch64_named_x86_64",
        &["tag-arch-mismatch", "abi3-candidate"],
    ),
    // A Linux ELF named .pyd: no loader on Linux looks for it, and with no
    // version in an importable name, no abi3 advice either.
    ("elf_named_pyd", &["suffix-not-importable"]),
];

#[test]
fn mislabelled_fixtures_are_caught() {
    if common::skipped_in_sid_root(
        "the foreign fixtures need clang and lld, which the root has not; the host run proves them",
    ) {
        return;
    }
    let mut failures = Vec::new();
    for (case, want) in MISLABELLED {
        let fixture = common::foreign()
            .fixtures
            .iter()
            .find(|f| {
                f.mislabel.is_some()
                    && f.path.parent().and_then(|p| p.file_name()) == Some(case.as_ref())
            })
            .unwrap_or_else(|| panic!("no mislabelled fixture {case}"));
        let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
        match found(&fixture.path, &Options::default()) {
            Err(why) => failures.push(format!("{case}: {why}")),
            Ok((_, ids)) if ids != want => {
                failures.push(format!("{case}: want {want:?}, found {ids:?}"))
            }
            Ok(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Samples are snapshotted as CPython 3.12 builds them, on the host; those
/// 3.12 cannot build as the host's 3.13 builds them (the free-threading
/// ones, `python: 3.13+`), and those neither can build (the PEP 793 ones) as
/// the release 3.15 builds them, in the sid root.
fn snapshotted_here(sample: &Sample) -> bool {
    let on_host = [(3, 12), (3, 13)]
        .iter()
        .any(|&(major, minor)| sample.supports(Version::new(major, minor, 0)));
    on_host != common::in_sid_root()
}

/// The host's release build of 3.13.
fn python313() -> &'static interpreters::Interpreter {
    common::interpreters()
        .iter()
        .find(|i| i.version.feature() == (3, 13) && !i.debug && !i.free_threaded)
        .expect("CPython 3.13 is needed to snapshot the samples 3.12 cannot build")
}

/// The build of each sample for the interpreter [`snapshotted_here`] names,
/// and (for 3.12) every foreign build, one report.
fn snapshot_paths(sample: &Sample) -> Vec<PathBuf> {
    if common::in_sid_root() {
        let python315 = common::interpreters()
            .iter()
            .find(|i| i.version.feature() == (3, 15) && !i.debug && !i.free_threaded)
            .expect("the sid root has CPython 3.15");
        let corpus = common::corpus(python315);
        return corpus
            .module(&sample.id)
            .map(|m| m.path.clone())
            .into_iter()
            .collect();
    }
    let python = if sample.supports(Version::new(3, 12, 0)) {
        common::python312()
    } else {
        python313()
    };
    let corpus = common::corpus(python);
    let mut paths: Vec<PathBuf> = corpus
        .module(&sample.id)
        .map(|m| m.path.clone())
        .into_iter()
        .collect();
    let mut foreign: Vec<PathBuf> = common::foreign()
        .fixtures
        .iter()
        .filter(|f| f.sample_id == sample.id && f.mislabel.is_none() && f.python == (3, 12))
        .map(|f| f.path.clone())
        .collect();
    foreign.sort();
    paths.extend(foreign);
    paths
}

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/inspector");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

/// Reports name files by absolute path; snapshots must not.
fn stable(report: String) -> String {
    let root = sample_modules::default_root();
    let root = root.canonicalize().unwrap_or(root);
    report.replace(&root.display().to_string(), "[samples]")
}

#[test]
fn reports_match_snapshots() {
    let catalog = sample_modules::catalog().expect("catalog");
    settings().bind(|| {
        for sample in catalog.iter().filter(|s| snapshotted_here(s)) {
            let paths = snapshot_paths(sample);
            assert!(!paths.is_empty(), "{}: nothing built", sample.id);
            let outcome = inspector::inspect_paths(&paths, &options_for(sample));
            insta::assert_snapshot!(
                format!("{}.text", sample.id),
                stable(extinspect::render::text(&outcome))
            );
            insta::assert_snapshot!(
                format!("{}.json", sample.id),
                stable(extinspect::render::json(&outcome))
            );
        }
        if common::in_sid_root() {
            return;
        }
        let mut mislabelled: Vec<PathBuf> = common::foreign()
            .fixtures
            .iter()
            .filter(|f| f.mislabel.is_some())
            .map(|f| f.path.clone())
            .collect();
        mislabelled.sort();
        let outcome = inspector::inspect_paths(&mislabelled, &Options::default());
        insta::assert_snapshot!(
            "mislabelled.text",
            stable(extinspect::render::text(&outcome))
        );
        insta::assert_snapshot!(
            "mislabelled.json",
            stable(extinspect::render::json(&outcome))
        );
    });
}
