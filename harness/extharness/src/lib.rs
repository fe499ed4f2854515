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
    /// Print what a check of either tool means and how to fix it (no id: list them all).
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
    /// Exit 0 when no module runs under the interpreters chosen, instead of
    /// 2 with one line saying why (a misspelled or empty `dist/` must not
    /// pass a gate by accident). An input that cannot be read still fails
    /// the run.
    #[arg(long)]
    allow_empty: bool,
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
                eprintln!(
                    "extharness: no check named `{id}` in either tool; `extharness explain` lists them all"
                );
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
    let options = match options(args.settings, &gate.config, &gate.cwd) {
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
    let timeout = options.settings.timeout;
    let mut report = harness::check_with(&args.paths, &options, &|step| match step {
        Step::Queued(n) => progress.add(n as u64),
        Step::Started {
            module,
            python,
            scenario,
        } => progress.begin(progress_label(module, python, scenario), Some(timeout)),
        Step::Finished {
            module,
            python,
            scenario,
        } => progress.end(&progress_label(module, python, scenario)),
    });
    progress.finish();
    let nothing_checked = nothing_checked(&args.paths, &report).filter(|_| !args.allow_empty);
    let output_file = args.ci.output_file.as_deref();
    // The text report at the terminal says what could not be read in its
    // place; a second line on stderr would say it twice.
    let report_at_terminal = !format.is_json() && output_file.is_none();
    if let Some(why) = &nothing_checked {
        eprintln!("{}", clikit::empty::line("extharness", why));
    } else {
        // What could not be run or read, one line each on stderr whatever
        // the format (the report says it again in its place).
        let unreadable: Vec<String> = report
            .modules
            .iter()
            .filter_map(|m| Some(format!("{}: {}", m.path, m.error.as_ref()?)))
            .collect();
        for line in render::harness_errors(&report) {
            if !(report_at_terminal && unreadable.contains(&line)) {
                eprintln!("extharness: {line}");
            }
        }
    }
    gate::apply(&mut report, &mut gate);
    let gate_report = match gate.finish(report.summary.harness_errors == 0) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("extharness: {e}");
            return Ok(2);
        }
    };
    // The line is the whole answer at a terminal; a machine reading a
    // format, or a file asked for, still gets its document.
    if nothing_checked.is_some() && report_at_terminal {
        return Ok(2);
    }
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
    Ok(if nothing_checked.is_some() {
        2
    } else if code == 1 && gate.writes_baseline() {
        0
    } else {
        code as u8
    })
}

/// Why no scenario ran, if none did: no module found under the paths,
/// none readable, or none that an interpreter chosen loads.
fn nothing_checked(paths: &[PathBuf], report: &harness::Report) -> Option<String> {
    if report.modules.iter().any(|m| !m.interpreters.is_empty()) {
        return None;
    }
    let Some(first) = report.modules.first() else {
        return Some(format!(
            "no extension module under {}",
            clikit::empty::places(paths)
        ));
    };
    let n = report.modules.len();
    let why = |m: &harness::ModuleReport| {
        let label = match m.module.as_str() {
            "" => m.path.clone(),
            name if name == m.path => name.to_string(),
            name => format!("{} (module {name})", m.path),
        };
        let reason = m
            .error
            .as_deref()
            .or(m.not_runnable.as_deref())
            .unwrap_or("it did not run");
        // Which interpreter refused it, and why: the first is enough to
        // see whether `--python` or the module's build is wrong.
        let refused = m
            .passed_over
            .first()
            .map(|p| format!(" ({}: {})", p.python.display(), p.reason))
            .unwrap_or_default();
        format!("{label}: {reason}{refused}")
    };
    if report.modules.iter().all(|m| m.error.is_some()) {
        return Some(match n {
            1 => why(first),
            _ => format!(
                "none of the {n} inputs could be read (the first: {})",
                why(first)
            ),
        });
    }
    let interpreters = match &report.interpreters {
        Some(chosen) => format!("{} ({})", chosen.ranges(), chosen.why),
        None => "the interpreters chosen".to_string(),
    };
    let runnable = report
        .modules
        .iter()
        .find(|m| m.error.is_none())
        .unwrap_or(first);
    Some(match n {
        1 => format!("no module runs under {interpreters}: {}", why(runnable)),
        _ => format!(
            "none of the {n} modules runs under {interpreters} (the first: {})",
            why(runnable)
        ),
    })
}

/// The module first (a terminal cuts the end of the line), then the
/// scenario and interpreter: `shutdown_hang · shutdown under 3.12.1`.
fn progress_label(module: &str, python: &str, scenario: harness::Scenario) -> String {
    // A file (`dist/x.whl!pkg/_m.cpython-312-x86_64-linux-gnu.so`) by its
    // module's name; `--module pkg.sub` as it is.
    let path = std::path::Path::new(module);
    let is_file = path.extension().is_some_and(|e| {
        ["so", "pyd", "dylib"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    });
    let name = match path.file_name() {
        Some(file) if is_file => {
            let file = file.to_string_lossy();
            file.split('.').next().unwrap_or_default().to_string()
        }
        _ => module.to_string(),
    };
    format!("{name} · {} under {python}", scenario.name())
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
