//! Shared by the test files: the LLVM tools the view is checked against.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// `llvm-<tool>` under any of the names Debian gives it, or None.
pub fn llvm(tool: &str) -> Option<PathBuf> {
    let names = std::iter::once(format!("llvm-{tool}"))
        .chain((14..=21).rev().map(|v| format!("llvm-{tool}-{v}")));
    let dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    for name in names {
        for dir in &dirs {
            let path = dir.join(&name);
            if path.is_file() {
                return Some(path);
            }
        }
    }
    None
}

/// llvm-nm, found once; the tests that compare against it cannot run without it.
pub fn nm_tool() -> &'static Path {
    static NM: OnceLock<PathBuf> = OnceLock::new();
    NM.get_or_init(|| llvm("nm").expect("llvm-nm (any of llvm-nm, llvm-nm-14..21) is needed"))
}

pub fn run(tool: &Path, args: &[&str], file: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", tool.display()));
    assert!(
        out.status.success(),
        "{} {args:?} {}: {}",
        tool.display(),
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The symbol names llvm-nm lists with `args`, without any `@version` suffix
/// (newer llvm-nm prints them for dynamic symbols).
pub fn nm(args: &[&str], file: &Path) -> BTreeSet<String> {
    run(nm_tool(), args, file)
        .lines()
        .filter_map(|line| line.split_whitespace().last())
        .filter(|name| !name.ends_with(':'))
        .map(|name| name.split('@').next().unwrap_or(name).to_string())
        .collect()
}

/// llvm-nm's listing as (type letter, name) pairs; undefined ones are
/// `U`, `w`, `v` (see [`is_undefined`]).
pub fn nm_typed(args: &[&str], file: &Path) -> Vec<(char, String)> {
    run(nm_tool(), args, file)
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace().rev();
            let name = fields.next()?;
            let kind = fields.next()?.chars().next()?;
            let name = name.split('@').next().unwrap_or(name);
            Some((kind, name.to_string()))
        })
        .collect()
}

pub fn is_undefined(kind: char) -> bool {
    matches!(kind, 'U' | 'w' | 'v')
}

/// The C samples built for CPython 3.12, or None (said on stderr) when no
/// 3.12 with headers is here.
pub fn c_samples_312() -> Option<sample_modules::Corpus> {
    let Some(interpreter) = interpreters::discover(&[])
        .one_per_abi()
        .into_iter()
        .find(|i| i.is_cpython() && i.version.feature() == (3, 12) && i.can_build_extensions())
        .cloned()
    else {
        eprintln!("SKIPPED: no CPython 3.12 with headers to build the ELF samples");
        return None;
    };
    Some(
        sample_modules::build(&interpreter, &sample_modules::default_root())
            .unwrap_or_else(|e| panic!("building the samples for {interpreter}: {e}")),
    )
}
