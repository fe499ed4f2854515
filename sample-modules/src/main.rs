//! `build-samples`: builds the sample corpus for every interpreter found (or
//! those named with `--python`), and the foreign-format fixtures.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

const USAGE: &str = "usage: build-samples [--python PATH]... [--root DIR] [--no-foreign]

Builds the sample modules for every CPython >= 3.8 with headers that discovery
finds (pyenv versions, python3.X[d] on PATH), or only for the --python paths,
into DIR/<tag>-<target>/ (default: target/samples), plus the Windows and macOS
fixtures into DIR/foreign/ (skipped, with one line, when clang or lld is
missing). Nothing is rebuilt when sources, compiler and
interpreter are unchanged. docs/samples.md, generated from the samples' header
comments, is written by `cargo run -p devtools -- generate`.";

struct Args {
    pythons: Vec<PathBuf>,
    root: PathBuf,
    foreign: bool,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        pythons: Vec::new(),
        root: sample_modules::default_root(),
        foreign: true,
    };
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        match arg.to_str() {
            Some("--python") => args
                .pythons
                .push(it.next().context("--python needs a path")?.into()),
            Some("--root") => args.root = it.next().context("--root needs a directory")?.into(),
            Some("--no-foreign") => args.foreign = false,
            Some("-h" | "--help") => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => bail!("unexpected argument {arg:?}\n\n{USAGE}"),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("build-samples: {e:#}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("build-samples: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Builds everything; false when any build failed (each failure is reported and
/// the others still built).
fn run(args: &Args) -> Result<bool> {
    let discovery = interpreters::discover(&args.pythons);
    for skipped in discovery
        .skipped
        .iter()
        .filter(|s| !args.pythons.is_empty() || s.origin != interpreters::Origin::Path)
    {
        eprintln!(
            "skipped {}: {}",
            skipped.candidate.display(),
            skipped.reason
        );
    }
    let mut ok = true;
    let mut built_any = false;
    for interpreter in discovery.one_per_abi() {
        if !interpreter.is_cpython() || interpreter.version.feature() < (3, 8) {
            continue;
        }
        if !interpreter.can_build_extensions() {
            eprintln!("{interpreter}: no headers, nothing built");
            continue;
        }
        match sample_modules::build(interpreter, &args.root) {
            Ok(corpus) => {
                built_any = true;
                let rebuilt = corpus.modules.iter().filter(|m| m.rebuilt).count();
                println!(
                    "{:<28} {:>2} modules ({rebuilt} rebuilt, {} not for this version) in {}",
                    interpreter.build_key(),
                    corpus.modules.len(),
                    corpus.skipped.len(),
                    corpus.dir.display()
                );
            }
            Err(e) => {
                ok = false;
                eprintln!("{interpreter}: {e}");
            }
        }
    }
    if !built_any && ok {
        bail!("no CPython >= 3.8 with headers found; name one with --python");
    }
    if args.foreign {
        match sample_modules::build_foreign(&args.root) {
            Ok(foreign) => println!(
                "{:<28} {:>2} fixtures in {}",
                "foreign (PE, Mach-O)",
                foreign.fixtures.len(),
                foreign.dir.display()
            ),
            // Only the inspector's foreign-format tests need them, and those
            // build them themselves: a machine without clang or lld still gets
            // the whole native corpus, with one line saying what was left out.
            Err(e @ sample_modules::BuildError::ToolMissing { .. }) => {
                eprintln!("{:<28} skipped: {e}", "foreign (PE, Mach-O)");
            }
            Err(e) => {
                ok = false;
                eprintln!("foreign fixtures: {e}");
            }
        }
    }
    Ok(ok)
}
