//! The `extharness` tool: arguments in, report out, exit status 0
//! (clean), 1 (error findings) or 2 (usage error, or something could not
//! be run). The binary and the distribution's binary both call [`main`];
//! the scenarios are the `harness` engine's, the CI flags and formats
//! `clikit`'s.

pub mod docs;
mod gate;
pub mod pytest;
pub mod render;
mod settings;
pub mod view;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use checkmeta::Group;
use clap::{Args, Parser, Subcommand};
use clikit::{CiArgs, Progress};
use harness::Step;

use crate::pytest::PytestArgs;
use crate::settings::{CheckSettings, options, seconds};

#[derive(Parser)]
#[command(
    name = "extharness",
    version,
    about = "Import CPython extension modules again and again, in subinterpreters and through shutdown, and report what only running them shows."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the scenarios on extension modules (files, wheels, directories).
    Check(Box<CheckArgs>),
    /// Print what a finding means and how to fix it (no id: list them).
    Explain { id: Option<String> },
    /// Run a pytest suite with every test repeated under the leak rule;
    /// exit 1 when a test leaks or crashes.
    Pytest(Box<PytestArgs>),
    /// The embedding host of the reinit scenario (started by extharness
    /// itself in a child process).
    #[command(hide = true)]
    ReinitHost {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<OsString>,
    },
}

#[derive(Args)]
struct CheckArgs {
    /// Extension modules (.so), wheels, or directories to walk.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    settings: CheckSettings,
    #[command(flatten)]
    ci: CiArgs,
    /// Show every native frame and every line of the module's messages
    /// (the text format shows the module's frames and first lines).
    #[arg(long, short = 'v', conflicts_with = "quiet")]
    verbose: bool,
}

/// The whole command line of `extharness`.
pub fn main() -> ExitCode {
    clikit::main("extharness", run)
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Explain { id: None } => {
            print(&docs::list())?;
            Ok(0)
        }
        Command::Explain { id: Some(id) } => match docs::explain(&id) {
            Some(text) => {
                print(&text)?;
                Ok(0)
            }
            None => {
                eprintln!("extharness: no finding named `{id}`; `extharness explain` lists them");
                Ok(2)
            }
        },
        Command::Check(args) => {
            stop_children_on_termination();
            check(*args)
        }
        Command::Pytest(args) => {
            stop_children_on_termination();
            pytest(*args)
        }
        Command::ReinitHost { args } => Ok(harness::host_main(&args).clamp(0, 255) as u8),
    }
}

fn check(args: CheckArgs) -> anyhow::Result<u8> {
    if args.paths.is_empty() && args.settings.module.is_empty() && args.settings.dist.is_empty() {
        eprintln!("extharness: no PATH, --module or --dist given; try `extharness check --help`");
        return Ok(2);
    }
    let ids = docs::ids_of(Group::Scenario);
    let mut gate = match clikit::setup(
        &args.ci,
        "extharness",
        &ids,
        &docs::not_by_default(Group::Scenario),
        &docs::every_check_id(),
    ) {
        Ok(gate) => gate,
        Err(e) => {
            eprintln!("extharness: {e}");
            return Ok(2);
        }
    };
    harness::set_cache_enabled(!args.settings.no_cache);
    let options = match options(args.settings, &gate.config) {
        Ok(options) => options,
        Err(why) => {
            eprintln!("extharness: {why}");
            return Ok(2);
        }
    };
    let format = args.ci.format;
    let progress = if args.ci.quiet {
        Progress::hidden()
    } else {
        Progress::new(format, "scenario runs")
    };
    let mut report = harness::check_with(&args.paths, &options, &|step| match step {
        Step::Queued(n) => progress.add(n as u64),
        Step::Started {
            module,
            python,
            scenario,
        } => progress.started(&format!("{} under {python}: {module}", scenario.name())),
        Step::Finished => progress.finished(),
    });
    progress.finish();
    // What could not be run or read, one line each on stderr whatever the
    // format (the report says it again in its place).
    for line in render::harness_errors(&report) {
        eprintln!("extharness: {line}");
    }
    gate::apply(&mut report, &mut gate);
    let gate_report = match gate.finish(report.summary.harness_errors == 0) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("extharness: {e}");
            return Ok(2);
        }
    };
    let output_file = args.ci.output_file.as_deref();
    let rendered = clikit::in_format(
        format,
        output_file,
        &report,
        &gate_report,
        |style| match style.concise {
            true => render::concise(&report, style.paint),
            false => render::text_with(
                &report,
                render::TextOptions {
                    paint: style.paint,
                    verbose: args.verbose,
                    quiet: args.ci.quiet,
                },
            ),
        },
        || view::view(&report, &gate, &gate_report),
    );
    emit(&rendered, output_file)?;
    let code = report.exit_code();
    Ok(if code == 1 && gate.writes_baseline() {
        0
    } else {
        code as u8
    })
}

fn emit(text: &str, output_file: Option<&std::path::Path>) -> anyhow::Result<()> {
    clikit::write_output(text, output_file).with_context(|| match output_file {
        Some(path) => format!("writing {}", path.display()),
        None => "writing to stdout".to_string(),
    })
}

/// `extharness pytest`'s name in a baseline: a baseline file holds the
/// entries of `extinspect`, `extharness check` and this, each replacing
/// only its own when it writes.
const PYTEST_TOOL: &str = "extharness-pytest";

fn pytest(args: PytestArgs) -> anyhow::Result<u8> {
    let mut gate = match clikit::setup(
        &args.ci,
        PYTEST_TOOL,
        &docs::ids_of(Group::Pytest),
        &docs::not_by_default(Group::Pytest),
        &docs::every_check_id(),
    ) {
        Ok(gate) => gate,
        Err(e) => {
            eprintln!("extharness: {e}");
            return Ok(2);
        }
    };
    let h = gate.config.harness.clone();
    let timeout = match seconds("--timeout", args.timeout.or(h.timeout).unwrap_or(60.0)) {
        Ok(timeout) => timeout,
        Err(why) => {
            eprintln!("extharness: {why}");
            return Ok(2);
        }
    };
    let runs = args.runs.or(h.runs).unwrap_or(6);
    if runs == 0 {
        eprintln!("extharness: --runs must be at least 1");
        return Ok(2);
    }
    let options = harness::pytest::Options {
        python: args.python,
        pytest_args: args.pytest_args,
        cwd: gate.cwd.clone(),
        env: std::env::vars_os().collect(),
        warmups: args.warmups.or(h.warmups).unwrap_or(3),
        runs,
        timeout,
        prefer_debug: !args.no_debug,
        force_references: args.references,
        max_restarts: args.max_restarts,
    };
    let mut report = match harness::pytest::run(&options) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("extharness: {e}");
            return Ok(2);
        }
    };
    gate::apply_pytest(&mut report, &mut gate);
    let gate_report = match gate.finish(true) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("extharness: {e}");
            return Ok(2);
        }
    };
    let format = args.ci.format;
    let output_file = args.ci.output_file.as_deref();
    let rendered = clikit::in_format(
        format,
        output_file,
        &report,
        &gate_report,
        |style| match style.concise {
            true => pytest::concise(&report, style.paint),
            false => pytest::text_with(
                &report,
                render::TextOptions {
                    paint: style.paint,
                    verbose: args.verbose,
                    quiet: args.ci.quiet,
                },
            ),
        },
        || view::view_pytest(&report, &gate, &gate_report),
    );
    emit(&rendered, output_file)?;
    Ok(if gate.writes_baseline() {
        0
    } else {
        report.exit_code() as u8
    })
}

/// Before any thread starts: Ctrl-C, SIGTERM and SIGHUP kill every child
/// and what it started (their sessions are their own, so the signal would
/// not reach them) before the harness dies of the signal. Not in the
/// reinit host, whose embedded interpreters keep their own signal handling.
fn stop_children_on_termination() {
    harness::stop_children_on_termination();
}

fn print(text: &str) -> anyhow::Result<()> {
    clikit::write_stdout(text).context("writing to stdout")
}
