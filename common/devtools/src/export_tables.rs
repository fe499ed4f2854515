//! `inspector/abi/data/exports/<key>.txt`, read off the CPython
//! interpreters found here (pyenv's and PATH's) or named with `--python`:
//! generated, like the check pages, but from a machine's interpreters
//! rather than from the code, so `check` cannot verify them everywhere
//! (the abi crate's own tests compare every table whose interpreter is
//! present).

use std::path::{Path, PathBuf};

use abi::generate::{GenerateError, GeneratedTable, choose, generate};
use abi::{TableKey, export_table};

/// What one table came to.
pub enum Outcome {
    Written {
        key: TableKey,
        table: GeneratedTable,
        /// No committed table has this key yet: `committed_tables!` in
        /// inspector/abi/src/exports.rs must name it.
        new: bool,
    },
    Failed {
        key: TableKey,
        error: GenerateError,
    },
}

/// Where the tables live in the repository.
pub fn dir(root: &Path) -> PathBuf {
    root.join("inspector/abi/data/exports")
}

/// Writes a table for every interpreter discovery finds among `pythons`
/// (every one found, when empty). `None` when there is none.
pub fn write(root: &Path, pythons: &[PathBuf]) -> (Vec<String>, Option<Vec<Outcome>>) {
    let discovery = interpreters::discover(pythons);
    let skipped = discovery
        .skipped
        .iter()
        .map(|s| format!("skipped {}: {}", s.candidate.display(), s.reason))
        .collect();
    let chosen = choose(&discovery.interpreters);
    if chosen.is_empty() {
        return (skipped, None);
    }
    let dir = dir(root);
    let outcomes = chosen
        .into_iter()
        .map(|(key, interpreter)| {
            match generate(interpreter).and_then(|table| write_table(&dir, key, table)) {
                Ok(table) => Outcome::Written {
                    key,
                    table,
                    new: export_table(key).is_none(),
                },
                Err(error) => Outcome::Failed { key, error },
            }
        })
        .collect();
    (skipped, Some(outcomes))
}

fn write_table(
    dir: &Path,
    key: TableKey,
    table: GeneratedTable,
) -> Result<GeneratedTable, GenerateError> {
    let path = dir.join(format!("{key}.txt"));
    std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&path, table.render()))
        .map_err(|source| GenerateError::Io { path, source })?;
    Ok(table)
}
