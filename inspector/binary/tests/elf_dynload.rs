//! Every extension module in every pyenv CPython's lib-dynload, read by
//! `binary` and by llvm-nm: the init exports and the undefined symbols must agree.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use binary::{Format, Reach};

fn pyenv_root() -> Option<PathBuf> {
    if let Some(root) = std::env::var_os("PYENV_ROOT") {
        return Some(root.into());
    }
    let out = Command::new("pyenv").arg("root").output().ok()?;
    let root = String::from_utf8(out.stdout).ok()?;
    Some(root.trim().into()).filter(|r: &PathBuf| out.status.success() && r.is_dir())
}

fn dynload_modules(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(versions) = std::fs::read_dir(root.join("versions")) else {
        return found;
    };
    for version in versions.flatten() {
        let Ok(libs) = std::fs::read_dir(version.path().join("lib")) else {
            continue;
        };
        for lib in libs.flatten() {
            if !lib.file_name().to_string_lossy().starts_with("python") {
                continue;
            }
            let Ok(modules) = std::fs::read_dir(lib.path().join("lib-dynload")) else {
                continue;
            };
            found.extend(
                modules
                    .flatten()
                    .map(|m| m.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "so")),
            );
        }
    }
    found.sort();
    found
}

fn is_init(name: &str) -> bool {
    name.starts_with("PyInit_") || name.starts_with("init")
}

#[test]
fn lib_dynload_matches_llvm_nm() {
    let Some(root) = pyenv_root() else {
        eprintln!("SKIPPED: no pyenv root (set PYENV_ROOT or install pyenv)");
        return;
    };
    let modules = dynload_modules(&root);
    if modules.is_empty() {
        eprintln!("SKIPPED: no lib-dynload/*.so under {}", root.display());
        return;
    }
    // Two workers: the llvm-nm runs dominate.
    let chunks: Vec<&[PathBuf]> = modules.chunks(modules.len().div_ceil(2)).collect();
    let versioned_libc: usize = std::thread::scope(|scope| {
        let jobs: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.iter().map(|p| check(p)).sum::<usize>()))
            .collect();
        jobs.into_iter().map(|j| j.join().unwrap()).sum()
    });
    assert!(
        versioned_libc > 0,
        "no import carried a GLIBC_ version and libc.so.6 in {} modules",
        modules.len()
    );
    eprintln!("checked {} modules under {}", modules.len(), root.display());
}

/// Compares one module with llvm-nm; returns how many of its imports carry
/// a GLIBC version and libc.so.6.
fn check(path: &Path) -> usize {
    let data = std::fs::read(path).unwrap();
    let parsed = binary::parse(&data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(parsed.format, Format::Elf, "{}", path.display());
    let [slice] = parsed.slices.as_slice() else {
        panic!("{}: one slice expected", path.display());
    };
    assert!(slice.is_shared_library, "{}", path.display());
    assert_eq!(slice.bits, 64, "{}", path.display());

    let listed = common::nm_typed(&["-D"], path);
    let ours: BTreeSet<String> = slice
        .exports()
        .map(|s| s.name.clone())
        .filter(|n| is_init(n))
        .collect();
    let theirs: BTreeSet<String> = listed
        .iter()
        .filter(|(kind, name)| !common::is_undefined(*kind) && is_init(name))
        .map(|(_, name)| name.clone())
        .collect();
    assert!(!ours.is_empty(), "{}: no init export", path.display());
    assert_eq!(ours, theirs, "{}: init exports", path.display());

    let ours: BTreeSet<String> = slice.imports.iter().map(|i| i.name.clone()).collect();
    let theirs: BTreeSet<String> = listed
        .iter()
        .filter(|(kind, _)| common::is_undefined(*kind))
        .map(|(_, name)| name.clone())
        .collect();
    assert_eq!(ours, theirs, "{}: undefined symbols", path.display());

    for symbol in &slice.symbols {
        if symbol.reach != Reach::Exported {
            assert!(slice.has_static_symbols, "{}: {symbol:?}", path.display());
        }
    }
    slice
        .imports
        .iter()
        .filter(|i| {
            i.version
                .as_deref()
                .is_some_and(|v| v.starts_with("GLIBC_"))
                && i.library.as_deref() == Some("libc.so.6")
        })
        .count()
}
