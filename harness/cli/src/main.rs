//! The command line: arguments in, report out, exit status 0 (clean),
//! 1 (error findings) or 2 (usage error, or something could not be run).

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use extharness::pytest::PytestArgs;
use harness::{HostCommand, Options, Scenario, Settings, Workload};

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
    Pytest(PytestArgs),
    /// Write the generated check pages of both tools (docs/checks) into DIR.
    #[command(hide = true)]
    WriteDocs { dir: PathBuf },
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
    /// Check an importable module of the interpreters' environment instead.
    #[arg(long, value_name = "NAME")]
    module: Vec<String>,
    /// Only these interpreters (repeatable); default: every one found whose
    /// version the module's tag accepts.
    #[arg(long, value_name = "PATH")]
    python: Vec<PathBuf>,
    /// Load the library under this name (for libraries with several init functions).
    #[arg(long, value_name = "NAME")]
    init: Option<String>,
    /// Only these scenarios after `import` (repeatable).
    #[arg(long, value_enum)]
    scenario: Vec<ScenarioArg>,
    /// Time limit of each child interpreter, in seconds.
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS")]
    timeout: f64,
    /// Child interpreters run at once (default: the number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// A Python file whose `run()` exercises the module (enables `leaks`).
    #[arg(long, value_name = "FILE", conflicts_with = "code")]
    workload: Option<PathBuf>,
    /// Python code that exercises the module (enables `leaks`); the module is
    /// bound to its name and to `module`.
    #[arg(short = 'c', value_name = "CODE")]
    code: Option<String>,
    /// Unmeasured runs before measuring (re-imports and workloads).
    #[arg(long, default_value_t = 3)]
    warmups: u32,
    /// Measured runs (re-imports and workloads).
    #[arg(long, default_value_t = 6)]
    runs: u32,
    /// Never call this module-level function (NAME or module.NAME; repeatable).
    #[arg(long, value_name = "NAME")]
    no_call: Vec<String>,
    /// Never call this in the exercise scenario: a function (NAME,
    /// module.NAME) or a method (Type.method); fnmatch globs, repeatable.
    #[arg(long, value_name = "NAME")]
    no_exercise: Vec<String>,
    /// Time limit of one call in the exercise scenario, in seconds.
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS")]
    call_limit: f64,
    /// Run every child with PYTHONMALLOC=debug and -X dev: buffer overruns,
    /// use of freed memory and allocations without the GIL become findings.
    #[arg(long)]
    malloc_debug: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum ScenarioArg {
    Reimport,
    /// Both kinds of subinterpreter.
    Subinterpreter,
    SubinterpreterLegacy,
    SubinterpreterIsolated,
    /// Initialise and finalise the runtime again and again in one process.
    Reinit,
    Shutdown,
    Leaks,
    /// Call every function and method with fixed argument shapes (opt-in).
    Exercise,
}

impl ScenarioArg {
    fn scenarios(self) -> &'static [Scenario] {
        match self {
            ScenarioArg::Reimport => &[Scenario::Reimport],
            ScenarioArg::Subinterpreter => &[
                Scenario::SubinterpreterLegacy,
                Scenario::SubinterpreterIsolated,
            ],
            ScenarioArg::SubinterpreterLegacy => &[Scenario::SubinterpreterLegacy],
            ScenarioArg::SubinterpreterIsolated => &[Scenario::SubinterpreterIsolated],
            ScenarioArg::Shutdown => &[Scenario::Shutdown],
            ScenarioArg::Reinit => &[Scenario::Reinit],
            ScenarioArg::Leaks => &[Scenario::Leaks],
            ScenarioArg::Exercise => &[Scenario::Exercise],
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
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
            eprintln!("extharness: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Explain { id: None } => {
            print(&extharness::docs::list())?;
            Ok(0)
        }
        Command::Explain { id: Some(id) } => match extharness::docs::explain(&id) {
            Some(text) => {
                print(&text)?;
                Ok(0)
            }
            None => {
                eprintln!("extharness: no finding named `{id}`; `extharness explain` lists them");
                Ok(2)
            }
        },
        Command::WriteDocs { dir } => {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            for (name, text) in extharness::docs::pages() {
                let path = dir.join(name);
                std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            Ok(0)
        }
        Command::Check(args) => check(*args),
        Command::Pytest(args) => pytest(args),
        Command::ReinitHost { args } => Ok(harness::host_main(&args).clamp(0, 255) as u8),
    }
}

fn check(args: CheckArgs) -> anyhow::Result<u8> {
    if args.paths.is_empty() && args.module.is_empty() {
        eprintln!("extharness: no PATH or --module given; try `extharness check --help`");
        return Ok(2);
    }
    let (timeout, call_limit) = match (
        seconds("--timeout", args.timeout),
        seconds("--call-limit", args.call_limit),
    ) {
        (Ok(timeout), Ok(call_limit)) => (timeout, call_limit),
        (Err(why), _) | (_, Err(why)) => {
            eprintln!("extharness: {why}");
            return Ok(2);
        }
    };
    let workload = match (args.workload, args.code) {
        (Some(path), _) => {
            if !path.is_file() {
                eprintln!("extharness: the workload {} is not a file", path.display());
                return Ok(2);
            }
            Some(Workload::File {
                path: std::path::absolute(&path).unwrap_or(path),
            })
        }
        (None, Some(code)) => Some(Workload::Code { code }),
        (None, None) => None,
    };
    let mut scenarios: Vec<Scenario> = args
        .scenario
        .iter()
        .flat_map(|s| s.scenarios().iter().copied())
        .collect();
    if scenarios.is_empty() {
        scenarios = Options::default_scenarios(workload.is_some());
    } else if scenarios.contains(&Scenario::Leaks) && workload.is_none() {
        eprintln!("extharness: the leaks scenario needs --workload FILE or -c CODE");
        return Ok(2);
    }
    scenarios.sort();
    scenarios.dedup();
    let options = Options {
        pythons: args.python,
        modules: args.module,
        init: args.init,
        scenarios,
        settings: Settings {
            warmups: args.warmups,
            runs: args.runs.max(1),
            no_call: args.no_call,
            workload,
            no_exercise: args.no_exercise,
            call_limit,
            malloc_debug: args.malloc_debug,
            host: host(),
            ..Settings::new(timeout)
        },
        jobs: args.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        }),
    };
    let report = harness::check(&args.paths, &options);
    let rendered = match args.format {
        Format::Text => extharness::render::text(&report),
        Format::Json => extharness::render::json(&report),
    };
    print(&rendered)?;
    Ok(report.exit_code() as u8)
}

fn pytest(args: PytestArgs) -> anyhow::Result<u8> {
    let timeout = match seconds("--timeout", args.timeout) {
        Ok(timeout) => timeout,
        Err(why) => {
            eprintln!("extharness: {why}");
            return Ok(2);
        }
    };
    if args.runs == 0 {
        eprintln!("extharness: --runs must be at least 1");
        return Ok(2);
    }
    let options = harness::pytest::Options {
        python: args.python,
        pytest_args: args.pytest_args,
        cwd: std::env::current_dir().context("reading the working directory")?,
        env: std::env::vars_os().collect(),
        warmups: args.warmups,
        runs: args.runs,
        timeout,
        prefer_debug: !args.no_debug,
        force_references: args.references,
        max_restarts: args.max_restarts,
    };
    let report = match harness::pytest::run(&options) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("extharness: {e}");
            return Ok(2);
        }
    };
    print(&extharness::pytest::render(&report, args.format))?;
    Ok(report.exit_code() as u8)
}

/// A time limit from the command line: positive and at most a week, which
/// no scenario needs and past which durations and their sums overflow.
fn seconds(flag: &str, value: f64) -> Result<Duration, String> {
    const WEEK: f64 = 7.0 * 24.0 * 3600.0;
    if value.is_finite() && value > 0.0 && value <= WEEK {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(format!(
            "{flag} must be a positive number of seconds, at most {WEEK}"
        ))
    }
}

/// This very binary is the reinit scenario's embedding host.
fn host() -> Option<HostCommand> {
    let program = std::env::current_exe().ok()?;
    Some(HostCommand {
        program,
        args: vec!["reinit-host".into()],
    })
}

fn print(text: &str) -> anyhow::Result<()> {
    extinspect::write_stdout(text).context("writing to stdout")
}
