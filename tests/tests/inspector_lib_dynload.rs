//! `extinspect` over CPython's own extension modules: every module in the
//! lib-dynload of every interpreter on the machine (2.7 and 3.6 on, release
//! and debug, pyenv's and the distribution's) inspects with no error
//! finding, and the init functions it reports are exactly the ones
//! `llvm-nm -D --defined-only` lists.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use checkmeta::Severity;
use checks::{FileKind, Options};
use interpreters::Interpreter;

/// Every interpreter found, not one per ABI: Debian's 3.11 ships its own
/// lib-dynload beside pyenv's.
fn everyone() -> Vec<(Interpreter, PathBuf)> {
    let discovery = interpreters::discover(&[]);
    let found: Vec<(Interpreter, PathBuf)> = discovery
        .interpreters
        .into_iter()
        .filter(|i| i.is_cpython())
        .filter_map(|i| {
            let dir = i.lib_dynload.clone()?;
            dir.is_dir().then_some((i, dir))
        })
        .collect();
    let versions: BTreeSet<(u32, u32)> = found.iter().map(|(i, _)| i.version.feature()).collect();
    assert!(
        (8..=13).all(|minor| versions.contains(&(3, minor))),
        "CPython 3.8-3.13 with a lib-dynload are expected on this machine; found {versions:?}"
    );
    found
}

fn llvm_init_exports(file: &std::path::Path, python2_init: Option<&str>) -> BTreeSet<String> {
    common::llvm(
        "llvm-nm",
        &["-D", "--defined-only", "--format=just-symbols"],
        file,
    )
    .lines()
    .map(|l| l.trim().to_string())
    .filter(|s| {
        s.starts_with("PyInit_")
            || s.starts_with("PyInitU_")
            || s.starts_with("PyModExport_")
            || s.starts_with("PyModExportU_")
            || Some(s.as_str()) == python2_init
    })
    .collect()
}

#[test]
fn every_lib_dynload_module_inspects_without_errors_and_with_llvms_init_exports() {
    let mut failures = Vec::new();
    let mut modules = 0;
    let mut seen_dirs = BTreeSet::new();
    for (interpreter, dir) in everyone() {
        // Debian's release and debug builds share one lib-dynload.
        if !seen_dirs.insert(dir.clone()) {
            continue;
        }
        let outcome = inspector::inspect_paths(std::slice::from_ref(&dir), &Options::default());
        assert!(
            !outcome.files.is_empty(),
            "{interpreter}: no module found in {}",
            dir.display()
        );
        for file in &outcome.files {
            modules += 1;
            if file.kind != FileKind::Extension {
                failures.push(format!(
                    "{}: {:?}, not an extension module",
                    file.path, file.kind
                ));
                continue;
            }
            for finding in file
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
            {
                failures.push(format!(
                    "{}: {}: {}",
                    file.path, finding.check, finding.message
                ));
            }
            let ours: BTreeSet<String> =
                file.init_symbols.iter().map(|s| s.symbol.clone()).collect();
            let python2_init = (interpreter.version.feature().0 == 2)
                .then(|| format!("init{}", file.module.clone().unwrap_or_default()));
            let theirs =
                llvm_init_exports(std::path::Path::new(&file.path), python2_init.as_deref());
            if ours != theirs {
                failures.push(format!(
                    "{}: init exports {ours:?}, llvm-nm {theirs:?}",
                    file.path
                ));
            }
        }
    }
    assert!(
        modules > 300,
        "only {modules} lib-dynload modules inspected"
    );
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The names `test_importlib.extension.test_loader.test_nonascii` imports
/// from `_testmultiphase` (CPython 3.5+): one with ASCII and non-ASCII
/// characters, one with none.
const NON_ASCII_MODULES: [&str; 2] = [
    "_testmultiphase_zkou\u{161}ka_na\u{10d}ten\u{ed}",
    "\u{ff3f}\u{30a4}\u{30f3}\u{30dd}\u{30fc}\u{30c8}\u{30c6}\u{30b9}\u{30c8}",
];

#[test]
fn testmultiphase_unicode_exports_decode_to_the_names_cpythons_tests_import() {
    let dirs: BTreeSet<PathBuf> = everyone()
        .into_iter()
        .filter(|(i, _)| i.version.feature() >= (3, 5))
        .map(|(_, dir)| dir)
        .collect();
    let want: BTreeSet<&str> = NON_ASCII_MODULES.into_iter().collect();
    let mut checked = 0;
    for dir in dirs {
        // Every build of it in the directory: Debian's release and debug
        // modules share one lib-dynload.
        let files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("_testmultiphase."))
            })
            .collect();
        let outcome = inspector::inspect_paths(&files, &Options::default());
        for file in &outcome.files {
            let decoded: BTreeSet<&str> = file
                .init_symbols
                .iter()
                .filter(|s| s.symbol.starts_with("PyInitU_"))
                .map(|s| s.module.as_str())
                .collect();
            assert_eq!(decoded, want, "{}", file.path);
            checked += 1;
        }
    }
    assert!(checked >= 8, "_testmultiphase found only {checked} times");
}

/// What a debug build's reference-counting macros import and a release
/// build's never do (inspector/abi/data/macro_symbols): `_Py_RefTotal`
/// before 3.12, the `_Py_INCREF_IncRefTotal` family from 3.12.
const DEBUG_BOOKKEEPING: [&str; 4] = [
    "_Py_RefTotal",
    "_Py_NegativeRefcount",
    "_Py_INCREF_IncRefTotal",
    "_Py_DECREF_DecRefTotal",
];

/// The debug modules (`.cpython-3XYd-...so`) of Debian's python3.11-dbg on
/// the host and of the sid root's 3.14d and 3.15d (read from the host).
fn debug_modules() -> Vec<PathBuf> {
    let mut dirs: BTreeSet<PathBuf> = everyone().into_iter().map(|(_, dir)| dir).collect();
    let root = common::realworld::cache_base().join("sid-root/root");
    if root.join(".sid-root-stamp").is_file() {
        for version in ["3.14", "3.15"] {
            dirs.insert(root.join(format!("usr/lib/python{version}/lib-dynload")));
        }
    } else {
        let how = "no Debian sid root: its 3.14d/3.15d modules are not judged; run `tests/interpreters/sid-root make`";
        assert!(std::env::var_os("CI").is_none(), "{how}");
        eprintln!("SKIPPED: {how}");
    }
    let mut modules = Vec::new();
    for dir in dirs {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.contains("d-x86_64-linux-gnu.so") && name.contains(".cpython-3") {
                modules.push(path);
            }
        }
    }
    modules.sort();
    modules
}

#[test]
fn debug_modules_are_judged_debug_and_flagged_under_a_release_name() {
    let modules = debug_modules();
    assert!(
        modules.len() > 50,
        "Debian's python3.11-dbg modules are expected: {} found",
        modules.len()
    );
    let renamed_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lib-dynload-renamed");
    let _ = std::fs::remove_dir_all(&renamed_dir);
    let mut failures = Vec::new();
    let mut flagged = 0;
    for module in &modules {
        let outcome = inspector::inspect_paths(std::slice::from_ref(module), &Options::default());
        for file in &outcome.files {
            for finding in file
                .findings
                .iter()
                .filter(|f| f.check == "abi-flags-mismatch")
            {
                failures.push(format!("{}: {}", file.path, finding.message));
            }
        }
        // The same binary under its release twin's name: `_foo.cpython-314d-...`
        // becomes `_foo.cpython-314-...`, in a directory of its own per version.
        let name = module.file_name().unwrap().to_string_lossy();
        let (stem, rest) = name.split_once(".cpython-").unwrap();
        let (abi, platform) = rest.split_once('-').unwrap();
        let release = format!("{stem}.cpython-{}-{platform}", abi.trim_end_matches('d'));
        let dir = renamed_dir.join(abi);
        std::fs::create_dir_all(&dir).unwrap();
        let renamed = dir.join(&release);
        std::fs::copy(module, &renamed).unwrap();
        let imports = common::llvm(
            "llvm-nm",
            &["-D", "--undefined-only", "--format=just-symbols"],
            module,
        );
        let bookkeeping = imports
            .lines()
            .any(|s| DEBUG_BOOKKEEPING.contains(&s.trim()));
        let outcome = inspector::inspect_paths(std::slice::from_ref(&renamed), &Options::default());
        let found = outcome.files.iter().any(|f| {
            f.findings
                .iter()
                .any(|f| f.check == "abi-flags-mismatch" && f.severity == Severity::Error)
        });
        flagged += usize::from(found);
        if found != bookkeeping {
            failures.push(format!(
                "{release} (from {}): flagged {found}, imports the debug bookkeeping {bookkeeping}",
                module.display()
            ));
        }
    }
    eprintln!(
        "{} debug modules: none flagged as they are; {flagged} flagged under the release name",
        modules.len()
    );
    // The rest use the limited API (xxlimited, _testlimitedcapi, 3.14's
    // termios and _uuid), whose macros call `Py_DecRef`, or never decref.
    assert!(
        flagged * 4 >= modules.len() * 3,
        "only {flagged} of {} renamed debug modules flagged",
        modules.len()
    );
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
