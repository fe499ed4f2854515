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
    /// The oldest CPython an abi3 module must load in (overrides the wheel
    /// tag and the configuration's `abi3-min`).
    #[arg(long, value_name = "X.Y")]
    abi3_min: Option<abi::PyVersion>,
}

#[derive(Subcommand)]
enum Command {
    /// Print what a check does, why, and how to fix what it finds (no id: list them).
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
                eprintln!("extinspect: no check named `{id}`; `extinspect explain` lists them");
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
    let mut gate = match clikit::setup(&cli.ci, "extinspect", &ids, &docs::every_check_id()) {
        Ok(gate) => gate,
        Err(e) => {
            eprintln!("extinspect: {e}");
            return Ok(2);
        }
    };
    let abi3_min = match (cli.abi3_min, &gate.config.abi3_min) {
        (Some(version), _) => Some(version),
        (None, Some(text)) => match text.parse::<abi::PyVersion>() {
            Ok(version) => Some(version),
            Err(e) => {
                let file = gate
                    .config
                    .path
                    .as_deref()
                    .unwrap_or(std::path::Path::new("?"));
                eprintln!("extinspect: {}: abi3-min: {e}", file.display());
                return Ok(2);
            }
        },
        (None, None) => None,
    };
    let options = checks::Options { abi3_min };
    let format = cli.ci.format;
    let progress = Progress::new(format, "files");
    let mut outcome = inspector::inspect_paths_with(&cli.paths, &options, &mut |step| match step {
        Step::Found(n) => progress.add(n as u64),
        Step::Inspecting(path) => progress.started(&path.display().to_string()),
        Step::Inspected => progress.finished(),
    });
    progress.finish();
    gate::apply(&mut outcome, &mut gate);
    let report = match gate.finish(!outcome.io_error) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("extinspect: {e}");
            return Ok(2);
        }
    };
    let output_file = cli.ci.output_file.as_deref();
    let rendered = clikit::in_format(
        format,
        output_file,
        &outcome,
        &report,
        |paint| render::text_styled(&outcome, paint),
        || view::view(&outcome, &gate, &report),
    );
    clikit::write_output(&rendered, output_file).with_context(|| match output_file {
        Some(path) => format!("writing {}", path.display()),
        None => "writing to stdout".to_string(),
    })?;
    Ok(if outcome.io_error {
        2
    } else if gate.writes_baseline() {
        0
    } else {
        outcome.exit_code() as u8
    })
}

fn print(text: &str) -> anyhow::Result<()> {
    clikit::write_stdout(text).context("writing to stdout")
}
