//! extinspect on real wheels from PyPI (tests/realworld/wheels.toml, written
//! by tests/realworld/pick_wheels.py) and on the installed trees of the
//! harness's real distributions (the site-packages of the venvs
//! tests/tests/realworld.rs installs them into, one per CPython 3.12+, with
//! the `[[installed]]` distributions of tests/realworld/distributions.toml
//! besides): every error and warning must be one tests/realworld/
//! inspector-expectations.toml lists, with its reason, and every one listed
//! must be found. Infos are not compared. In the installed trees every abi3
//! module's floor must be the one its `.dist-info/WHEEL` tag declares.
//!
//! A finding is named by its file and its check. A wheel member is
//! `<wheel file>!<member>`; a file of an installed tree is
//! `<tag>:<path under site-packages>` (`cp312:numpy/...`).
//!
//! The wheels are downloaded once into a cache outside the clone
//! (`$XDG_CACHE_HOME` or `~/.cache`, `extinspect/realworld-wheels/`, one
//! `<sha256>/<file>` each, kept only when the sha256 is right), by
//! tests/realworld/fetch_wheels.py through the index pip uses.
//!
//! To write the expectations anew (after a fix changed what the checks
//! find): `EXTINSPECT_REALWORLD_DRAFT=/tmp/draft.toml cargo test -p tests
//! --test inspector_realworld` writes every current finding in the file's
//! format, keeping the reasons of the entries that still hold and
//! `reason = "TODO"` (with each message as a comment) for the new ones.
//! A failure prints the same blocks for what does not match.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use checkmeta::Severity;
use checks::{FileReport, Options};
use common::realworld;

const WHEELS: &str = include_str!("../realworld/wheels.toml");
const EXPECTED: &str = include_str!("../realworld/inspector-expectations.toml");
const FETCH: &str = include_str!("../realworld/fetch_wheels.py");

/// The abi3 modules of the installed trees and the minimum their
/// distribution's `.dist-info/WHEEL` tag declares (`cp39-abi3`: 3.9).
const INSTALLED_ABI3_FLOORS: &[(&str, &str)] = &[
    ("_argon2_cffi_bindings/_ffi.abi3.so", "3.10"),
    ("bcrypt/_bcrypt.abi3.so", "3.9"),
    ("cryptography/hazmat/bindings/_rust.abi3.so", "3.11"),
    ("nacl/_sodium.abi3.so", "3.8"),
    ("psutil/_psutil_linux.abi3.so", "3.6"),
];

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Wheels {
    wheel: Vec<PinnedWheel>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct PinnedWheel {
    name: String,
    version: String,
    language: String,
    file: String,
    sha256: String,
    size: u64,
    #[serde(default)]
    note: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expectations {
    #[serde(default)]
    finding: Vec<Expected>,
}

/// Findings of one check on some files, and why.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    check: String,
    files: Vec<String>,
    /// `FALSE: ...` for a finding that is wrong and is to go when the
    /// check is fixed.
    reason: String,
}

/// `(file, check)` to the finding's severity and messages.
type Found = BTreeMap<(String, String), (Severity, Vec<String>)>;

fn wheels() -> Wheels {
    let wheels: Wheels = toml::from_str(WHEELS).expect("tests/realworld/wheels.toml parses");
    for wheel in &wheels.wheel {
        let normal = wheel.name.replace(['-', '.'], "_").to_lowercase();
        assert!(
            wheel
                .file
                .to_lowercase()
                .starts_with(&format!("{normal}-{}-", wheel.version))
                && wheel.file.ends_with(".whl")
                && wheel.sha256.len() == 64,
            "{}: not a pinned wheel of {} {}",
            wheel.file,
            wheel.name,
            wheel.version
        );
    }
    wheels
}

fn expectations() -> Expectations {
    let expectations: Expectations =
        toml::from_str(EXPECTED).expect("tests/realworld/inspector-expectations.toml parses");
    for entry in &expectations.finding {
        assert!(
            checks::registry::lookup(&entry.check).is_some(),
            "no inspector check named {}",
            entry.check
        );
        assert!(
            entry.reason.trim().len() > 30,
            "{}: a reason, please",
            entry.check
        );
    }
    expectations
}

/// Every pinned wheel in the cache, downloaded first when missing.
fn download(wheels: &Wheels) -> Vec<PathBuf> {
    let cache = realworld::cache_base().join("realworld-wheels");
    let path = |w: &PinnedWheel| cache.join(&w.sha256).join(&w.file);
    let missing: String = wheels
        .wheel
        .iter()
        .filter(|w| !path(w).is_file())
        .map(|w| format!("{} {} {}\n", w.name, w.file, w.sha256))
        .collect();
    if !missing.is_empty() {
        std::fs::create_dir_all(&cache).unwrap();
        let mut child = Command::new(&common::python312().executable)
            .arg("-c")
            .arg(FETCH)
            .arg(&cache)
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(missing.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "downloading the pinned wheels: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    wheels.wheel.iter().map(path).collect()
}

/// The errors and warnings of `reports`, each file named by `label`.
fn collect(reports: &[FileReport], label: impl Fn(&str) -> String, found: &mut Found) {
    for report in reports {
        for finding in &report.findings {
            if finding.severity == Severity::Info {
                continue;
            }
            let entry = found
                .entry((label(&report.path), finding.check.to_string()))
                .or_insert((finding.severity, Vec::new()));
            entry.1.push(finding.message.clone());
        }
    }
}

/// A wheel member's label: the wheel's file name, `!`, the member.
fn wheel_label(path: &str) -> String {
    let (wheel, member) = path
        .split_once(".whl!")
        .map_or((path, None), |(w, m)| (w, Some(m)));
    let file = Path::new(wheel).file_name().unwrap().to_string_lossy();
    match member {
        Some(member) => format!("{file}.whl!{member}"),
        None => file.into_owned(),
    }
}

/// TOML blocks for `keys`, grouped by check and by the reason `reasons`
/// gives (TODO where none), each TODO file with its message as a comment.
fn draft(
    keys: &BTreeSet<&(String, String)>,
    found: &Found,
    reasons: &BTreeMap<(String, String), String>,
) -> String {
    let mut groups: BTreeMap<(String, String), Vec<&String>> = BTreeMap::new();
    for key in keys {
        let reason = reasons.get(*key).cloned().unwrap_or_else(|| "TODO".into());
        groups
            .entry((key.1.clone(), reason))
            .or_default()
            .push(&key.0);
    }
    let mut out = String::new();
    for ((check, reason), files) in groups {
        out.push_str(&format!("[[finding]]\ncheck = \"{check}\"\nfiles = [\n"));
        for file in files {
            if reason == "TODO" {
                if let Some((severity, messages)) = found.get(&(file.clone(), check.clone())) {
                    for message in messages {
                        let short: String = message.chars().take(300).collect();
                        out.push_str(&format!("    # {}: {short}\n", severity.name()));
                    }
                }
            }
            out.push_str(&format!("    {},\n", toml_string(file)));
        }
        out.push_str("]\n");
        if reason.contains('\n') {
            out.push_str(&format!("reason = \"\"\"\n{}\n\"\"\"\n\n", reason.trim()));
        } else {
            out.push_str(&format!("reason = {}\n\n", toml_string(&reason)));
        }
    }
    out
}

fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

#[test]
fn real_wheels_and_installed_trees_find_what_the_expectations_list() {
    let started = std::time::Instant::now();
    let wheels = wheels();
    assert!(wheels.wheel.len() >= 60, "{} wheels", wheels.wheel.len());
    let paths = download(&wheels);
    let downloaded = started.elapsed();

    let mut found = Found::new();
    let outcome = inspector::inspect_paths(&paths, &Options::default());
    assert!(!outcome.io_error, "a wheel could not be read");
    let mut inspected: BTreeSet<String> = BTreeSet::new();
    for report in &outcome.files {
        inspected.insert(
            wheel_label(&report.path)
                .split('!')
                .next()
                .unwrap()
                .to_owned(),
        );
    }
    collect(&outcome.files, wheel_label, &mut found);
    let modules = outcome
        .files
        .iter()
        .filter(|r| r.kind == checks::FileKind::Extension)
        .count();
    // Every wheel has a binary the inspector read.
    for wheel in &wheels.wheel {
        assert!(
            inspected.contains(&wheel.file),
            "nothing inspected in {}",
            wheel.file
        );
    }

    // The installed trees: the harness's venvs (3.12+), as directories.
    let requirements = realworld::requirements(&realworld::pinned());
    let mut tags = BTreeSet::new();
    for interpreter in common::interpreters()
        .iter()
        .filter(|i| !i.debug && !i.free_threaded && i.version.feature() >= (3, 12))
    {
        let (python, _) = realworld::environment(interpreter, &requirements);
        let site = realworld::site_packages(&python, interpreter);
        assert!(site.is_dir(), "{}", site.display());
        let tag = interpreter.tag();
        let outcome = inspector::inspect_paths(std::slice::from_ref(&site), &Options::default());
        assert!(!outcome.io_error, "{} could not be read", site.display());
        let prefix = format!("{}/", site.display());
        // Every abi3 module's floor is its distribution's WHEEL tag
        // (`cp39-abi3`), read from its `.dist-info`: none is guessed from
        // the imports (abi3-floor).
        let mut floors = BTreeMap::new();
        for report in &outcome.files {
            let Some(file_tag) = report.tag.as_ref().filter(|t| t.abi3) else {
                continue;
            };
            let path = report.path.strip_prefix(&prefix).unwrap_or(&report.path);
            assert!(
                !report.findings.iter().any(|f| f.check == "abi3-floor"),
                "{tag}: {path}: no floor from its .dist-info"
            );
            floors.insert(
                path.to_owned(),
                file_tag.abi3_min.clone().unwrap_or_default(),
            );
        }
        let wheel_tags: BTreeMap<String, String> = INSTALLED_ABI3_FLOORS
            .iter()
            .map(|(path, floor)| (path.to_string(), floor.to_string()))
            .collect();
        assert_eq!(floors, wheel_tags, "{tag}: the abi3 floors");
        collect(
            &outcome.files,
            |path| format!("{tag}:{}", path.strip_prefix(&prefix).unwrap_or(path)),
            &mut found,
        );
        tags.insert(tag);
    }
    assert!(!tags.is_empty(), "no CPython 3.12+ here");

    // What is expected of the trees this machine has.
    let expectations = expectations();
    let mut reasons: BTreeMap<(String, String), String> = BTreeMap::new();
    for entry in &expectations.finding {
        for file in &entry.files {
            let key = (file.clone(), entry.check.clone());
            let previous = reasons.insert(key, entry.reason.clone());
            assert!(previous.is_none(), "listed twice: {file} {}", entry.check);
        }
    }
    let applies = |file: &str| match file.split_once(':') {
        Some((tag, _)) if !file.contains(".whl!") => tags.contains(tag),
        _ => true,
    };
    let found_keys: BTreeSet<&(String, String)> = found.keys().collect();
    let unexplained: BTreeSet<&(String, String)> = found_keys
        .iter()
        .copied()
        .filter(|k| !reasons.contains_key(*k))
        .collect();
    let absent: Vec<&(String, String)> = reasons
        .keys()
        .filter(|k| applies(&k.0) && !found.contains_key(*k))
        .collect();

    if let Some(file) = std::env::var_os("EXTINSPECT_REALWORLD_DRAFT") {
        let header = EXPECTED.split("[[finding]]").next().unwrap_or_default();
        std::fs::write(
            &file,
            format!("{header}{}", draft(&found_keys, &found, &reasons)),
        )
        .unwrap();
        eprintln!(
            "inspector_realworld: the current findings are in {}",
            file.to_string_lossy()
        );
    }

    let mut counts: BTreeMap<(&str, String), usize> = BTreeMap::new();
    for ((_, check), (severity, _)) in &found {
        *counts.entry((severity.name(), check.clone())).or_default() += 1;
    }
    eprintln!(
        "inspector_realworld: {} wheels ({} files, {modules} modules) and the site-packages of {tags:?}; \
         {} errors and warnings {counts:?}; download {downloaded:.1?}, all {:.1?}",
        wheels.wheel.len(),
        outcome.files.len(),
        found.len(),
        started.elapsed()
    );

    let mut failures = String::new();
    if !unexplained.is_empty() {
        failures.push_str(&format!(
            "{} found, not in tests/realworld/inspector-expectations.toml (a draft to paste, \
             reasons to write):\n\n{}",
            unexplained.len(),
            draft(&unexplained, &found, &BTreeMap::new())
        ));
    }
    if !absent.is_empty() {
        failures.push_str("listed in tests/realworld/inspector-expectations.toml, not found:\n");
        for (file, check) in &absent {
            failures.push_str(&format!("    {check}: {file}\n"));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

/// Copies a wheel (argv[1]) to argv[2], its extension modules renamed to
/// argv[4]'s ABI (`cpython-314t`), `.cpython-314-<triplet>.so` and
/// `.abi3.so` alike, and writes those modules, renamed, under argv[3].
const RENAME_WHEEL: &str = r#"
import os, re, sys, zipfile
source, target, loose, abi = sys.argv[1:5]
with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
    for info in src.infolist():
        name, n = re.subn(r"\.(cpython-3\d+|abi3)(-x86_64-linux-gnu)?\.so$", f".{abi}-x86_64-linux-gnu.so", info.filename)
        data = src.read(info)
        out.writestr(name, data)
        if n:
            path = os.path.join(loose, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
"#;

/// A pinned wheel's python and ABI tags, and whether it is for manylinux
/// x86_64.
fn tags_of(file: &str) -> (String, String, bool) {
    let parts: Vec<&str> = file.trim_end_matches(".whl").rsplitn(4, '-').collect();
    let (platform, abi, python) = (parts[0], parts[1], parts[2]);
    (
        python.to_string(),
        abi.to_string(),
        platform.contains("manylinux") && platform.ends_with("x86_64"),
    )
}

/// What only a free-threaded build's `Py_DECREF` imports.
const FREE_THREADED_DECREF: [&str; 2] = ["_Py_DecRefShared", "_Py_MergeZeroLocalRefcount"];

/// Each project's real free-threaded wheels (`cp314t`, `cp315t`, manylinux
/// x86_64) get no abi-flags-mismatch, and their GIL-enabled twins (the
/// same release's `cp314`/`cp315` wheel, or its abi3 one), their modules
/// renamed to `.cpython-314t-x86_64-linux-gnu.so` in a `cp314-cp314t`
/// wheel and loose, are flagged: exactly the modules whose imports (by
/// llvm-nm) show a GIL-enabled `Py_DECREF` (`_Py_Dealloc`, without what a
/// free-threaded one imports); and the real free-threaded modules renamed
/// to the GIL-enabled name are flagged exactly when they import what a
/// free-threaded `Py_DECREF` does (PyO3's call `_Py_DecRef` instead).
/// markupsafe's `_speedups` never decrefs, so nothing tells its builds
/// apart.
#[test]
fn gil_enabled_twins_renamed_free_threaded_are_flagged_and_the_real_ones_are_not() {
    let wheels = wheels();
    let paths = download(&wheels);
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("free-threaded-twins");
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(&out_dir).unwrap();
    // Project: (free-threaded wheels, twin modules, twin modules flagged).
    let mut projects: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for (wheel, path) in wheels.wheel.iter().zip(&paths) {
        let (python, abi, x86_64) = tags_of(&wheel.file);
        if !x86_64 || !abi.ends_with('t') || abi.starts_with("abi3") {
            continue;
        }
        let outcome = inspector::inspect_paths(std::slice::from_ref(path), &Options::default());
        for report in &outcome.files {
            for finding in report
                .findings
                .iter()
                .filter(|f| f.check == "abi-flags-mismatch")
            {
                failures.push(format!("{}: {}", report.path, finding.message));
            }
        }
        let (twin, twin_path) = wheels
            .wheel
            .iter()
            .zip(&paths)
            .find(|(w, _)| {
                let (p, a, x) = tags_of(&w.file);
                w.name == wheel.name
                    && w.version == wheel.version
                    && x
                    && (a == python
                        || (a == "abi3"
                            && naming::parse_python_tag(&p) <= naming::parse_python_tag(&python)))
            })
            .unwrap_or_else(|| panic!("{}: no GIL-enabled twin pinned", wheel.file));
        let (twin_python, twin_abi, _) = tags_of(&twin.file);
        let renamed = out_dir.join(twin.file.replacen(
            &format!("-{twin_python}-{twin_abi}-"),
            &format!("-{python}-{abi}-"),
            1,
        ));
        let loose = out_dir.join(format!("{}-{abi}", wheel.name));
        let status = Command::new(&common::python312().executable)
            .arg("-c")
            .arg(RENAME_WHEEL)
            .arg(twin_path)
            .arg(&renamed)
            .arg(&loose)
            .arg(format!("cpython-{}", abi.trim_start_matches("cp")))
            .status()
            .expect("python runs");
        assert!(status.success(), "renaming {}", twin.file);
        // The reverse: the free-threaded build under the GIL-enabled name is
        // flagged when it imports what only a free-threaded `Py_DECREF` does.
        let reverse = out_dir.join(format!("{}-{abi}-as-{python}", wheel.name));
        let status = Command::new(&common::python312().executable)
            .arg("-c")
            .arg(RENAME_WHEEL)
            .arg(path)
            .arg(out_dir.join(format!("{}-{abi}-as-{python}.zip", wheel.name)))
            .arg(&reverse)
            .arg(format!("cpython-{}", python.trim_start_matches("cp")))
            .status()
            .expect("python runs");
        assert!(status.success(), "renaming {}", wheel.file);
        let outcome = inspector::inspect_paths(std::slice::from_ref(&reverse), &Options::default());
        for report in outcome
            .files
            .iter()
            .filter(|r| r.kind == checks::FileKind::Extension)
        {
            let imports = common::llvm(
                "llvm-nm",
                &["-D", "--undefined-only", "--format=just-symbols"],
                Path::new(&report.path),
            );
            let free_threaded_decref = imports
                .lines()
                .any(|s| FREE_THREADED_DECREF.contains(&s.trim()));
            let flagged = report
                .findings
                .iter()
                .any(|f| f.check == "abi-flags-mismatch" && f.severity == Severity::Error);
            if flagged != free_threaded_decref {
                failures.push(format!(
                    "{} renamed GIL-enabled: abi-flags-mismatch {flagged}, a free-threaded Py_DECREF {free_threaded_decref}",
                    report.path
                ));
            }
        }
        let entry = projects.entry(wheel.name.clone()).or_default();
        entry.0 += 1;
        let flagged = |outcome: &inspector::Outcome, member: &str| {
            outcome.files.iter().any(|r| {
                r.path.ends_with(member)
                    && r.findings
                        .iter()
                        .any(|f| f.check == "abi-flags-mismatch" && f.severity == Severity::Error)
            })
        };
        let in_wheel =
            inspector::inspect_paths(std::slice::from_ref(&renamed), &Options::default());
        let as_files = inspector::inspect_paths(std::slice::from_ref(&loose), &Options::default());
        for report in as_files
            .files
            .iter()
            .filter(|r| r.kind == checks::FileKind::Extension)
        {
            let member = report
                .path
                .strip_prefix(&format!("{}/", loose.display()))
                .unwrap();
            let imports = common::llvm(
                "llvm-nm",
                &["-D", "--undefined-only", "--format=just-symbols"],
                Path::new(&report.path),
            );
            let imports: BTreeSet<&str> = imports.lines().map(str::trim).collect();
            let gil_decref = imports.contains("_Py_Dealloc")
                && !FREE_THREADED_DECREF.iter().any(|s| imports.contains(s));
            entry.1 += 1;
            entry.2 += usize::from(gil_decref);
            for (how, outcome) in [("renamed", &as_files), ("in the renamed wheel", &in_wheel)] {
                if flagged(outcome, member) != gil_decref {
                    failures.push(format!(
                        "{} {how}: abi-flags-mismatch {}, a GIL-enabled Py_DECREF {gil_decref}",
                        member,
                        flagged(outcome, member)
                    ));
                }
            }
        }
    }
    for (project, (wheels, modules, flagged)) in &projects {
        eprintln!(
            "{project}: {wheels} free-threaded wheel(s); twin: {flagged} of {modules} modules flagged"
        );
    }
    assert!(
        projects.len() >= 10,
        "free-threaded manylinux x86_64 wheels of {} projects",
        projects.len()
    );
    let unflagged: Vec<&String> = projects
        .iter()
        .filter(|(_, (_, _, flagged))| *flagged == 0)
        .map(|(p, _)| p)
        .collect();
    assert_eq!(
        unflagged,
        ["markupsafe"],
        "projects whose twin nothing flags"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
