//! Writes `data/exports/<key>.txt` from the CPython interpreters found here
//! (pyenv's and PATH's), or only from those named with `--python PATH`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use abi::generate::{choose, generate};
use abi::{TableKey, export_table};

fn main() -> ExitCode {
    let explicit = match parse_args(std::env::args().skip(1)) {
        Ok(paths) => paths,
        Err(message) => {
            eprintln!("{message}\nusage: regenerate-export-tables [--python PATH]...");
            return ExitCode::FAILURE;
        }
    };
    let discovery = interpreters::discover(&explicit);
    for skipped in &discovery.skipped {
        eprintln!(
            "skipped {}: {}",
            skipped.candidate.display(),
            skipped.reason
        );
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/exports");
    let mut failed = false;
    let chosen = choose(&discovery.interpreters);
    if chosen.is_empty() {
        eprintln!("no CPython interpreter found");
        return ExitCode::FAILURE;
    }
    for (key, interpreter) in chosen {
        match generate(interpreter)
            .and_then(|table| write(&dir, key, &table.render()).map(|()| table))
        {
            Ok(table) => {
                println!(
                    "{key}\t{}\t{}\t{} symbols",
                    table.source(),
                    table.file.display(),
                    table.symbols.len()
                );
                if export_table(key).is_none() {
                    eprintln!(
                        "{key} is a new table: add it to committed_tables! in inspector/abi/src/exports.rs"
                    );
                }
            }
            Err(err) => {
                eprintln!("{key}: {err}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Vec<PathBuf>, String> {
    let mut paths = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--python" => paths.push(args.next().ok_or("--python needs a path")?.into()),
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    Ok(paths)
}

fn write(dir: &Path, key: TableKey, text: &str) -> Result<(), abi::generate::GenerateError> {
    let path = dir.join(format!("{key}.txt"));
    std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&path, text))
        .map_err(|source| abi::generate::GenerateError::Io { path, source })
}
