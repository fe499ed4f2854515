//! Replays what fuzzing kept (inspector/fuzz/, docs/fuzzing.md) through the
//! whole inspection of a file and of a wheel, without a fuzzer: the
//! minimised corpus of each target and the inputs of the bugs it found. No
//! input may make extinspect panic (which the inspection reports as an
//! "internal error" finding), every finding must be one line without control
//! characters, and the reports must render. The inputs are read exactly as
//! the fuzz targets read them: the same module, `extinspect::fuzz`,
//! decides.

use extinspect::fuzz;

use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The inputs in `dir`, in name order; dot-files are placeholders.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .filter(|path| !path.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    files.sort();
    files
}

fn replay(target: &str, run: fn(&[u8]) -> Result<(), String>) {
    let root = fuzz_dir();
    let corpus = inputs(&root.join("corpus").join(target));
    assert!(
        !corpus.is_empty(),
        "inspector/fuzz/corpus/{target}/ is empty: nothing to replay"
    );
    let mut all = corpus;
    all.extend(inputs(&root.join("regressions").join(target)));

    let failures: Vec<String> = all
        .iter()
        .filter_map(|path| {
            let bytes = std::fs::read(path).unwrap();
            run(&bytes)
                .err()
                .map(|failure| format!("{}: {failure}", path.display()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} {target} inputs failed (reproduce with `cargo fuzz run -s none -a {target} INPUT` in inspector/fuzz):\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn inspect_file_corpus_and_regressions_replay_cleanly() {
    replay("inspect_file", fuzz::inspect_file);
}

#[test]
fn inspect_wheel_corpus_and_regressions_replay_cleanly() {
    replay("inspect_wheel", fuzz::inspect_wheel);
}

/// The seeds' selectors name the files as they are really named (the tables
/// in the shared file are what makes the corpus meaningful).
#[test]
fn selectors_round_trip() {
    for selector in 0..=255u8 {
        assert_eq!(
            fuzz::file_selector(&fuzz::file_name(selector)),
            Some(selector)
        );
    }
    for selector in 0..16u8 {
        assert_eq!(
            fuzz::wheel_selector(fuzz::wheel_name(selector)),
            Some(selector)
        );
    }
}
