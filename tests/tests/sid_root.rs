//! CPython 3.14 and 3.15 (release and debug builds) as Debian sid ships
//! them, in the root `tests/interpreters/sid-root make` builds outside the
//! clone: extinspect on their own lib-dynload finds the init functions
//! `llvm-nm` finds, and no error. The files are read from the host; nothing
//! runs in the root. Under CI a missing root fails (`.ci/run` makes it);
//! elsewhere the test says in one line how to make it.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

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
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let script = repo.join("tests/interpreters/sid-root");
    let probe = "import importlib.machinery, json; print(json.dumps(importlib.machinery.EXTENSION_SUFFIXES))";
    for (python, minor, debug) in [
        ("python3.14", 14, false),
        ("python3.15", 15, false),
        ("python3.14d", 14, true),
        ("python3.15d", 15, true),
    ] {
        let output = std::process::Command::new(&script)
            .args(["run", python, "-c", probe])
            .current_dir(&repo)
            .output()
            .unwrap_or_else(|e| panic!("{}: {e}", script.display()));
        assert!(
            output.status.success(),
            "{python}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let listed: Vec<String> = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{python}: {e}: {:?}", output.stdout));
        let build = naming::Build {
            minor,
            debug,
            free_threaded: false,
        };
        for suffix in &listed {
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
        assert_eq!(ours.len(), listed.len(), "{python}: {ours:?} vs {listed:?}");
    }
}
