//! The `extinspect` tool: arguments in, report out, exit status 0
//! (clean), 1 (error findings) or 2 (usage or I/O error). The binary and
//! the distribution's binary both call [`main`]; the inspection itself is
//! the `inspector` engine, the CI flags and formats are `clikit`'s.

pub mod docs;
pub mod fuzz;
mod gate;
pub mod render;
mod view;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use clikit::{CiArgs, Progress};
use inspector::Step;

#[derive(Parser)]
#[command(
    name = "extinspect",
    version,
    about = "Report every way a CPython extension module will fail to load, without running it.",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Shared objects (.so, .pyd, .dylib), wheels, or directories to walk.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    ci: CiArgs,
    /// The oldest CPython abi3 modules must load in: `X.Y` for every module
    /// of the run, `PATH=X.Y` for those under PATH (repeatable). Overrides
    /// the configuration's `abi3-min`, the wheel tag, the installed
    /// distribution's metadata and `requires-python`.
    #[arg(long, value_name = "[PATH=]X.Y", value_parser = parse_abi3_min)]
    abi3_min: Vec<Abi3Min>,
    /// Exit 0 when the paths hold no extension module, instead of 2 with
    /// one line saying why (a misspelled or empty `dist/` must not pass a
    /// gate by accident). A path that cannot be read still fails the run.
    #[arg(long)]
    allow_empty: bool,
}

/// One `--abi3-min`.
#[derive(Debug, Clone)]
enum Abi3Min {
    Run(abi::PyVersion),
    Path(PathBuf, abi::PyVersion),
}

fn parse_abi3_min(text: &str) -> Result<Abi3Min, String> {
    let version = |v: &str| {
        v.parse::<abi::PyVersion>()
            .map_err(|e| format!("{e}"))
            .and_then(|version| {
                if version.major == 3 && version.minor >= 2 {
                    Ok(version)
                } else {
                    Err(format!("{v}: abi3 began with CPython 3.2"))
                }
            })
    };
    match text.rsplit_once('=') {
        Some((path, v)) if !path.is_empty() => Ok(Abi3Min::Path(PathBuf::from(path), version(v)?)),
        _ => Ok(Abi3Min::Run(version(text)?)),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Print what a check of either tool does, why, and how to fix what it finds (no id: list them all).
    Explain { check: Option<String> },
}

/// The whole command line of `extinspect`.
pub fn main() -> ExitCode {
    clikit::main("extinspect", run)
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Some(Command::Explain { check: None }) => {
            print(&docs::list())?;
            Ok(0)
        }
        Some(Command::Explain { check: Some(id) }) => match docs::explain(&id) {
            Some(text) => {
                print(&text)?;
                Ok(0)
            }
            None => {
                eprintln!(
                    "extinspect: no check named `{id}` in either tool; `extinspect explain` lists them all"
                );
                Ok(2)
            }
        },
        None => {
            if cli.paths.is_empty() {
                eprintln!("extinspect: no PATH given; try `extinspect --help`");
                return Ok(2);
            }
            inspect(&cli)
        }
    }
}

fn inspect(cli: &Cli) -> anyhow::Result<u8> {
    let ids: Vec<&'static str> = checks::registry::CHECKS.iter().map(|c| c.meta.id).collect();
    let not_by_default: Vec<&'static str> = checks::registry::CHECKS
        .iter()
        .filter(|c| !c.meta.default_selected)
        .map(|c| c.meta.id)
        .collect();
    let mut gate = match clikit::setup(
        &cli.ci,
        "extinspect",
        &ids,
        &not_by_default,
        &docs::every_check_id(),
    ) {
        Ok(gate) => gate,
        Err(e) => {
            eprintln!("extinspect: {e}");
            return Ok(2);
        }
    };
    let config_file = gate
        .config
        .path
        .clone()
        .unwrap_or_else(|| PathBuf::from("?"));
    let config_version = |text: &str| {
        text.parse::<abi::PyVersion>()
            .map_err(|e| format!("{}: abi3-min: {e}", config_file.display()))
    };
    let mut options = checks::Options::default();
    for given in &cli.abi3_min {
        match given {
            Abi3Min::Run(version) => options.abi3_min = Some(*version),
            Abi3Min::Path(path, version) => options.floors.push(checks::Floor {
                path: path.clone(),
                version: *version,
                declared_by: checks::FloorSource::Option,
            }),
        }
    }
    if options.abi3_min.is_none()
        && let Some(text) = &gate.config.abi3_min
    {
        match config_version(text) {
            Ok(version) => options.abi3_min = Some(version),
            Err(e) => {
                eprintln!("extinspect: {e}");
                return Ok(2);
            }
        }
    }
    // The project is the one whose configuration this is: its
    // requires-python, when it has one, is the floor of last resort.
    if gate.config.path.is_some()
        && let Some(floor) = inspector::floors::project_floor(&gate.config.root)
    {
        options.floors.push(floor);
    }
    for (path, text) in &gate.config.abi3_min_paths {
        match config_version(text) {
            Ok(version) => options.floors.push(checks::Floor {
                path: path.clone(),
                version,
                declared_by: checks::FloorSource::Config,
            }),
            Err(e) => {
                eprintln!("extinspect: {e}");
                return Ok(2);
            }
        }
    }
    let format = cli.ci.format;
    let progress = if cli.ci.quiet {
        Progress::hidden()
    } else {
        Progress::new(format, "files")
    };
    let mut outcome = inspector::inspect_paths_with(&cli.paths, &options, &mut |step| match step {
        Step::Found(n) => progress.add(n as u64),
        Step::Inspecting(path) => progress.started(&path.display().to_string()),
        Step::Inspected => progress.finished(),
    });
    progress.finish();
    // `--allow-empty` lets the run end as it would: an unreadable input
    // still fails it, with its own exit status.
    let nothing_checked = nothing_checked(&cli.paths, &outcome).filter(|_| !cli.allow_empty);
    gate::apply(&mut outcome, &mut gate);
    let report = match gate.finish(!outcome.io_error) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("extinspect: {e}");
            return Ok(2);
        }
    };
    let output_file = cli.ci.output_file.as_deref();
    if let Some(why) = &nothing_checked {
        eprintln!("{}", clikit::empty::line("extinspect", why));
        // The line is the whole answer at a terminal; a machine reading a
        // format, or a file asked for, still gets its document.
        if !format.is_json() && output_file.is_none() {
            return Ok(2);
        }
    }
    let rendered = clikit::in_format(
        format,
        output_file,
        &outcome,
        &report,
        |style| match style.concise {
            true => render::concise(&outcome, style.paint),
            false => render::text_with(&outcome, style.paint, cli.ci.quiet),
        },
        || view::view(&outcome, &gate, &report),
    );
    clikit::write_output(&rendered, output_file).with_context(|| match output_file {
        Some(path) => format!("writing {}", path.display()),
        None => "writing to stdout".to_string(),
    })?;
    Ok(if outcome.io_error || nothing_checked.is_some() {
        2
    } else if gate.writes_baseline() {
        0
    } else {
        outcome.exit_code() as u8
    })
}

/// Why the run checked no extension module, if it did not: nothing found
/// under the paths, every input unreadable, or only other files.
fn nothing_checked(paths: &[PathBuf], outcome: &inspector::Outcome) -> Option<String> {
    let summary = &outcome.summary;
    if summary.extensions > 0 {
        return None;
    }
    let places = clikit::empty::places(paths);
    let why = |file: &checks::FileReport| {
        let detail = file
            .findings
            .first()
            .map_or("unreadable", |f| f.message.as_str());
        format!("{}: {detail}", file.path)
    };
    let unreadable: Vec<&checks::FileReport> = outcome
        .files
        .iter()
        .filter(|f| f.kind == checks::FileKind::Unreadable)
        .collect();
    // A broken artifact (not a binary, truncated, not a zip) is an
    // unreadable-file error finding that already fails the run, with its
    // report; only inputs that could not be read from disk at all (the
    // engine's `cannot read`/`cannot open wheel`) leave nothing to report.
    let from_disk = |f: &&checks::FileReport| {
        f.findings.first().is_some_and(|finding| {
            finding.message.starts_with("cannot read: ")
                || finding.message.starts_with("cannot open wheel: ")
        })
    };
    if unreadable.iter().any(|f| !from_disk(f)) {
        return None;
    }
    Some(match (outcome.files.len(), unreadable.first()) {
        (0, _) => format!("no extension module under {places}"),
        (1, Some(file)) => why(file),
        (n, Some(first)) if unreadable.len() == n => {
            format!(
                "none of the {n} files could be read (the first: {})",
                why(first)
            )
        }
        (n, first) => format!(
            "no extension module under {places} ({n} file(s): {} libraries, {} other shared \
             objects{})",
            summary.libraries,
            summary.not_extensions,
            first.map_or(String::new(), |f| format!(
                ", {} unreadable, the first {}",
                unreadable.len(),
                why(f)
            ))
        ),
    })
}

fn print(text: &str) -> anyhow::Result<()> {
    clikit::write_stdout(text).context("writing to stdout")
}
