//! goblin as the independent second reader: every binary at hand is read by
//! both, and the facts the view reports must agree (tests/second_reader/
//! says which differences are goblin's and why). The files: the foreign
//! fixtures (PE, Mach-O thin and universal2), the C samples built for a
//! CPython 3.12, every module in the lib-dynload of each pyenv CPython,
//! and the binaries in the wheels cached under ~/.cache/extinspect/.
//! None of those may fall into a damaged-file class
//! (`second_reader::Explained`): on real files the two readers agree with
//! no excuse a damaged file needs. The committed fuzz corpus is compared
//! too (`fuzz_corpus_agrees`), where those classes are counted.

mod common;
mod second_reader;

use std::io::Read;
use std::path::{Path, PathBuf};

fn check(label: &str, data: &[u8], failures: &mut Vec<String>) -> bool {
    let view = binary::parse(data);
    let theirs = second_reader::goblin(data);
    match (&view, &theirs) {
        (Ok(view), Ok(theirs)) => {
            for class in &theirs.explained {
                failures.push(format!(
                    "{label}: a real file in the damaged-file class {class:?}"
                ));
            }
            for disagreement in second_reader::compare(view, theirs) {
                failures.push(format!("{label}: {disagreement}"));
            }
            true
        }
        (Err(e), Ok(_)) => {
            failures.push(format!("{label}: only goblin reads it; ours: {e}"));
            false
        }
        (Ok(_), Err(e)) => {
            failures.push(format!("{label}: only ours reads it; goblin: {e}"));
            false
        }
        (Err(_), Err(_)) => false,
    }
}

fn check_files(paths: &[PathBuf]) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut read = 0;
    for path in paths {
        let data = std::fs::read(path).unwrap();
        read += usize::from(check(&path.display().to_string(), &data, &mut failures));
    }
    (read, failures)
}

fn assert_agree(what: &str, (read, failures): (usize, Vec<String>), at_least: usize) {
    assert!(
        failures.is_empty(),
        "{what}: {} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(read >= at_least, "{what}: only {read} files read by both");
    eprintln!("{what}: {read} files agree");
}

#[test]
fn foreign_fixtures_agree() {
    let corpus = sample_modules::build_foreign(&sample_modules::default_root())
        .unwrap_or_else(|e| panic!("building the foreign fixtures: {e}"));
    let paths: Vec<PathBuf> = corpus.fixtures.iter().map(|f| f.path.clone()).collect();
    assert_agree("foreign fixtures", check_files(&paths), 20);
}

#[test]
fn built_c_samples_agree() {
    let Some(built) = common::c_samples_312() else {
        return;
    };
    let paths: Vec<PathBuf> = built.modules.iter().map(|m| m.path.clone()).collect();
    assert_agree("C samples", check_files(&paths), 10);
}

fn pyenv_root() -> Option<PathBuf> {
    std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".pyenv")))
        .filter(|p| p.is_dir())
}

fn sorted_dir(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.sort();
    paths
}

#[test]
fn pyenv_lib_dynload_agrees() {
    let Some(root) = pyenv_root() else {
        eprintln!("SKIPPED: no pyenv root");
        return;
    };
    let mut paths = Vec::new();
    for version in sorted_dir(&root.join("versions")) {
        for lib in sorted_dir(&version.join("lib")) {
            let is_python = lib
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("python"));
            if !is_python {
                continue;
            }
            paths.extend(
                sorted_dir(&lib.join("lib-dynload"))
                    .into_iter()
                    .filter(|p| p.extension().is_some_and(|e| e == "so")),
            );
        }
    }
    if paths.is_empty() {
        eprintln!("SKIPPED: no lib-dynload modules under {}", root.display());
        return;
    }
    let at_least = paths.len();
    assert_agree("pyenv lib-dynload", check_files(&paths), at_least);
}

fn wheels(dir: &Path, found: &mut Vec<PathBuf>) {
    for path in sorted_dir(dir) {
        if path.is_dir() {
            wheels(&path, found);
        } else if path.extension().is_some_and(|e| e == "whl") {
            found.push(path);
        }
    }
}

#[test]
fn cached_wheels_agree() {
    let Some(home) = std::env::var_os("HOME") else {
        return;
    };
    let mut found = Vec::new();
    wheels(&Path::new(&home).join(".cache/extinspect"), &mut found);
    let mut failures = Vec::new();
    let mut read = 0;
    for wheel in found {
        let file = std::fs::File::open(&wheel).unwrap();
        let Ok(mut archive) = zip::ZipArchive::new(file) else {
            continue;
        };
        for index in 0..archive.len() {
            let Ok(mut member) = archive.by_index(index) else {
                continue;
            };
            let Ok(name) = member.name().map(|n| n.to_string()) else {
                continue;
            };
            let binary = [".so", ".pyd", ".dylib", ".dll"]
                .iter()
                .any(|s| name.ends_with(s) || name.contains(".so."));
            if !binary || !member.is_file() {
                continue;
            }
            let mut data = Vec::new();
            member.read_to_end(&mut data).unwrap();
            let label = format!("{}!{name}", wheel.display());
            read += usize::from(check(&label, &data, &mut failures));
        }
    }
    assert_agree("cached wheels", (read, failures), 0);
}

/// The committed fuzz corpus of `inspect_file` (its selector byte dropped):
/// mutants of real modules, read by both wherever both can, as the fuzz
/// target `goblin_agrees` reads them, and compared as the real files are:
/// machine, exports, imports (name, library, version), needed libraries
/// and, for ELF, every defined symbol's reach. A file goblin cannot read,
/// or on which goblin panics, is skipped (goblin's limit, not a
/// disagreement).
///
/// Damaged files bring two differences the real files never show, each
/// excused only where a condition on the file says it is that difference
/// (`second_reader::Explained`, which gives the reasons):
/// - `ElfDynsymNotDtSymtab`: the dynamic segment does not lead to the
///   section headers' `.dynsym` (no `PT_DYNAMIC`, or `DT_SYMTAB` /
///   `DT_STRTAB` elsewhere or absent); goblin is then made to read the
///   section's table too, and everything must still agree;
/// - `PeExportNameNotUtf8`: an export name that is not UTF-8, which goblin
///   leaves unnamed and the view decodes lossily.
///
/// A third, Mach-O exports in LC_SYMTAB as externals but absent from the
/// export trie, was the view's error and is fixed in the reader: with a
/// trie, dyld looks names up in the trie alone.
#[test]
fn fuzz_corpus_agrees() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/inspect_file");
    let mut failures = Vec::new();
    let mut read = 0;
    let mut explained: std::collections::BTreeMap<second_reader::Explained, usize> =
        Default::default();
    for path in sorted_dir(&dir) {
        let input = std::fs::read(&path).unwrap();
        let Some((_, data)) = input.split_first() else {
            continue;
        };
        let Ok(view) = binary::parse(data) else {
            continue;
        };
        // A panic inside goblin is goblin's bug, not a disagreement.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let theirs = std::panic::catch_unwind(|| second_reader::goblin(data));
        std::panic::set_hook(hook);
        let Ok(Ok(theirs)) = theirs else {
            continue;
        };
        read += 1;
        for class in &theirs.explained {
            *explained.entry(*class).or_default() += 1;
        }
        for disagreement in second_reader::compare(&view, &theirs) {
            failures.push(format!("{}: {disagreement}", path.display()));
        }
    }
    eprintln!("fuzz corpus: files in an explained class: {explained:?}");
    assert_agree("fuzz corpus", (read, failures), 100);
}
