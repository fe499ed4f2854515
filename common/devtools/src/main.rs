//! `cargo run -p devtools -- COMMAND`: see `--help`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use devtools::export_tables::Outcome;
use devtools::scaffold::{self, NewCheck};
use devtools::{generated, repository_root};

const USAGE: &str = "usage: cargo run -p devtools -- COMMAND

  generate                      write every generated file (docs/checks/, docs/samples.md)
  check                         exit 1 naming each generated file that is out of date
  export-tables [--python PATH]...
                                write inspector/abi/data/exports/ from the interpreters found
                                here (or only those named)
  new-check inspector ID [--severity S]
                                a new inspector check: its file, its test, its registry line
                                (S: error, warning or info; default warning)
  new-check harness ID --in FOLDER [--severity S]
                                a new harness check beside the code that raises it (FOLDER:
                                scenarios/NAME, verdict or pytest): its file, its mod line, its
                                line in harness/harness/src/checks.rs";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("devtools: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode> {
    let root = repository_root();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["generate"] => {
            for path in generated::write(&root)? {
                println!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        ["check"] => {
            let stale = generated::stale(&root)?;
            for line in &stale {
                println!("{line}");
            }
            if stale.is_empty() {
                Ok(ExitCode::SUCCESS)
            } else {
                println!("run `cargo run -p devtools -- generate`");
                Ok(ExitCode::FAILURE)
            }
        }
        ["export-tables", rest @ ..] => export_tables(&root, rest),
        ["new-check", "inspector", id, rest @ ..] => {
            let severity = match rest {
                [] => "warning",
                ["--severity", severity] => severity,
                _ => bail!("unexpected arguments {rest:?}\n\n{USAGE}"),
            };
            let check = NewCheck::new(id, severity)?;
            for path in scaffold::inspector_check(&root, &check)? {
                println!("wrote {}", path.display());
            }
            for path in generated::write(&root)? {
                println!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        ["new-check", "harness", id, rest @ ..] => {
            let (folder, severity) = match rest {
                ["--in", folder] => (*folder, "warning"),
                ["--in", folder, "--severity", severity]
                | ["--severity", severity, "--in", folder] => (*folder, *severity),
                _ => bail!("new-check harness needs --in FOLDER\n\n{USAGE}"),
            };
            let check = NewCheck::new(id, severity)?;
            for path in scaffold::harness_check(&root, folder, &check)? {
                println!("wrote {}", path.display());
            }
            for path in generated::write(&root)? {
                println!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        ["-h" | "--help"] => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => bail!("unexpected arguments {args:?}\n\n{USAGE}"),
    }
}

fn export_tables(root: &std::path::Path, args: &[&str]) -> Result<ExitCode> {
    let mut pythons = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "--python" => pythons.push(PathBuf::from(it.next().context("--python needs a path")?)),
            other => bail!("unexpected argument {other:?}\n\n{USAGE}"),
        }
    }
    let (skipped, outcomes) = devtools::export_tables::write(root, &pythons);
    for line in skipped {
        eprintln!("{line}");
    }
    let Some(outcomes) = outcomes else {
        eprintln!("no CPython interpreter found");
        return Ok(ExitCode::FAILURE);
    };
    let mut failed = false;
    for outcome in outcomes {
        match outcome {
            Outcome::Written { key, table, new } => {
                println!(
                    "{key}\t{}\t{}\t{} symbols",
                    table.source(),
                    table.file.display(),
                    table.symbols.len()
                );
                if new {
                    eprintln!(
                        "{key} is a new table: add it to committed_tables! in inspector/abi/src/exports.rs"
                    );
                }
            }
            Outcome::Failed { key, error } => {
                eprintln!("{key}: {error}");
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
