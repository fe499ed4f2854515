//! The command line: arguments in, report out, exit status 0 (clean),
//! 1 (error findings) or 2 (usage or I/O error).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

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
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The oldest CPython an abi3 module must load in (overrides the wheel tag).
    #[arg(long, value_name = "X.Y")]
    abi3_min: Option<abi::PyVersion>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Print what a check does, why, and how to fix what it finds (no id: list them).
    Explain { check: Option<String> },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("extinspect: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Some(Command::Explain { check: None }) => {
            print(&extinspect::docs::list())?;
            Ok(0)
        }
        Some(Command::Explain { check: Some(id) }) => match extinspect::docs::explain(&id) {
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
            let options = checks::Options {
                abi3_min: cli.abi3_min,
            };
            let outcome = extinspect::inspect_paths(&cli.paths, &options);
            let rendered = match cli.format {
                Format::Text => extinspect::render::text(&outcome),
                Format::Json => extinspect::render::json(&outcome),
            };
            print(&rendered)?;
            Ok(outcome.exit_code() as u8)
        }
    }
}

fn print(text: &str) -> anyhow::Result<()> {
    extinspect::write_stdout(text).context("writing to stdout")
}
