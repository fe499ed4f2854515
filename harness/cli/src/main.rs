//! The command line: arguments in, report out, exit status 0 (clean),
//! 1 (error findings) or 2 (usage error, or something could not be run).

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use extharness::pytest::PytestArgs;
use extinspect::ci::{self, GateArgs, Progress};
use harness::{HostCommand, Options, Scenario, Settings, Step, Workload};

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
    /// Only these interpreters (repeatable); default: the configuration's
    /// `harness.pythons`, else every one found whose version the module's
    /// tag accepts.
    #[arg(long, value_name = "PATH")]
    python: Vec<PathBuf>,
    /// Load the library under this name (for libraries with several init functions).
    #[arg(long, value_name = "NAME")]
    init: Option<String>,
    /// Only these scenarios after `import` (repeatable).
    #[arg(long, value_enum)]
    scenario: Vec<ScenarioArg>,
    /// Time limit of each child interpreter, in seconds [default: 60].
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,
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
    /// Unmeasured runs before measuring (re-imports and workloads) [default: 3].
    #[arg(long)]
    warmups: Option<u32>,
    /// Measured runs (re-imports and workloads) [default: 6].
    #[arg(long)]
    runs: Option<u32>,
    /// Never call this module-level function (NAME or module.NAME; repeatable).
    #[arg(long, value_name = "NAME")]
    no_call: Vec<String>,
    /// Never call this in the exercise scenario: a function (NAME,
    /// module.NAME) or a method (Type.method); fnmatch globs, repeatable.
    #[arg(long, value_name = "NAME")]
    no_exercise: Vec<String>,
    /// Time limit of one call in the exercise scenario, in seconds [default: 2].
    #[arg(long, value_name = "SECONDS")]
    call_limit: Option<f64>,
    /// Run every child with PYTHONMALLOC=debug and -X dev: buffer overruns,
    /// use of freed memory and allocations without the GIL become findings.
    #[arg(long)]
    malloc_debug: bool,
    #[command(flatten)]
    gate: GateArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
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

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("extharness: {}", ci::panic_line(info));
    }));
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
        Command::Check(args) => {
            stop_children_on_termination();
            check(*args)
        }
        Command::Pytest(args) => {
            stop_children_on_termination();
            pytest(args)
        }
        Command::ReinitHost { args } => Ok(harness::host_main(&args).clamp(0, 255) as u8),
    }
}

fn check(args: CheckArgs) -> anyhow::Result<u8> {
    if args.paths.is_empty() && args.module.is_empty() {
        eprintln!("extharness: no PATH or --module given; try `extharness check --help`");
        return Ok(2);
    }
    let ids: Vec<&'static str> = harness::registry::CHECKS
        .iter()
        .map(|m| m.id)
        .filter(|id| !id.starts_with("test-"))
        .collect();
    let mut gate = match ci::setup(&args.gate, "extharness", &ids) {
        Ok(gate) => gate,
        Err(e) => {
            eprintln!("extharness: {e}");
            return Ok(2);
        }
    };
    let options = match options(args.clone_settings(), &gate.config) {
        Ok(options) => options,
        Err(why) => {
            eprintln!("extharness: {why}");
            return Ok(2);
        }
    };
    let format = args.gate.format;
    let progress = Progress::new(format, "scenario runs");
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
    for line in extharness::render::harness_errors(&report) {
        eprintln!("extharness: {line}");
    }
    extharness::gatekeep::apply(&mut report, &mut gate);
    let gate_report = match gate.finish(report.summary.harness_errors == 0) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("extharness: {e}");
            return Ok(2);
        }
    };
    let output_file = args.gate.output_file.as_deref();
    let rendered = extinspect::render::in_format(
        format,
        output_file,
        &report,
        &gate_report,
        |paint| extharness::render::text_styled(&report, paint),
        || extharness::view::view(&report, &gate, &gate_report),
    );
    emit(&rendered, output_file)?;
    let code = report.exit_code();
    Ok(if code == 1 && gate.writes_baseline() {
        0
    } else {
        code as u8
    })
}

/// The settings of `extharness check` that the configuration's `[harness]`
/// table can give defaults for.
struct CheckSettings {
    python: Vec<PathBuf>,
    module: Vec<String>,
    init: Option<String>,
    scenario: Vec<ScenarioArg>,
    timeout: Option<f64>,
    jobs: Option<usize>,
    workload: Option<PathBuf>,
    code: Option<String>,
    warmups: Option<u32>,
    runs: Option<u32>,
    no_call: Vec<String>,
    no_exercise: Vec<String>,
    call_limit: Option<f64>,
    malloc_debug: bool,
}

impl CheckArgs {
    fn clone_settings(&self) -> CheckSettings {
        CheckSettings {
            python: self.python.clone(),
            module: self.module.clone(),
            init: self.init.clone(),
            scenario: self.scenario.clone(),
            timeout: self.timeout,
            jobs: self.jobs,
            workload: self.workload.clone(),
            code: self.code.clone(),
            warmups: self.warmups,
            runs: self.runs,
            no_call: self.no_call.clone(),
            no_exercise: self.no_exercise.clone(),
            call_limit: self.call_limit,
            malloc_debug: self.malloc_debug,
        }
    }
}

/// The command line over the configuration over the defaults. Errors are
/// one line, naming the configuration file when the value came from it.
fn options(args: CheckSettings, config: &gate::Config) -> Result<Options, String> {
    let h = &config.harness;
    let file = || {
        let path = config
            .path
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        match h.line {
            Some(line) => format!("{path}:{line}: [harness]"),
            None => format!("{path}: [harness]"),
        }
    };
    let timeout = match (args.timeout, h.timeout) {
        (Some(t), _) => seconds("--timeout", t)?,
        (None, Some(t)) => seconds("timeout", t).map_err(|e| format!("{} {e}", file()))?,
        (None, None) => Duration::from_secs(60),
    };
    let call_limit = match (args.call_limit, h.call_limit) {
        (Some(t), _) => seconds("--call-limit", t)?,
        (None, Some(t)) => seconds("call-limit", t).map_err(|e| format!("{} {e}", file()))?,
        (None, None) => Duration::from_secs(2),
    };
    // The command line's workload, file or code, beats the file's.
    let from_file = if args.code.is_some() {
        None
    } else {
        h.workload.clone()
    };
    let workload = match (args.workload.or(from_file), args.code) {
        (Some(path), _) => {
            if !path.is_file() {
                return Err(format!("the workload {} is not a file", path.display()));
            }
            Some(Workload::File {
                path: std::path::absolute(&path).unwrap_or(path),
            })
        }
        (None, Some(code)) => Some(Workload::Code { code }),
        (None, None) => None,
    };
    let scenario_args: Vec<ScenarioArg> = if !args.scenario.is_empty() {
        args.scenario
    } else {
        let mut parsed = Vec::new();
        for name in h.scenarios.iter().flatten() {
            parsed.push(
                ScenarioArg::from_str(name, false)
                    .map_err(|_| format!("{} scenarios: no scenario named `{name}`", file()))?,
            );
        }
        parsed
    };
    let mut scenarios: Vec<Scenario> = scenario_args
        .iter()
        .flat_map(|s| s.scenarios().iter().copied())
        .collect();
    if scenarios.is_empty() {
        scenarios = Options::default_scenarios(workload.is_some());
    } else if scenarios.contains(&Scenario::Leaks) && workload.is_none() {
        return Err("the leaks scenario needs --workload FILE or -c CODE".to_string());
    }
    scenarios.sort();
    scenarios.dedup();
    let pick = |cli: Vec<String>, file: &Option<Vec<String>>| {
        if cli.is_empty() {
            file.clone().unwrap_or_default()
        } else {
            cli
        }
    };
    Ok(Options {
        pythons: if args.python.is_empty() {
            h.pythons.clone().unwrap_or_default()
        } else {
            args.python
        },
        modules: args.module,
        init: args.init,
        scenarios,
        settings: Settings {
            warmups: args.warmups.or(h.warmups).unwrap_or(3),
            runs: args.runs.or(h.runs).unwrap_or(6).max(1),
            no_call: pick(args.no_call, &h.no_call),
            workload,
            no_exercise: pick(args.no_exercise, &h.no_exercise),
            call_limit,
            malloc_debug: args.malloc_debug || h.malloc_debug.unwrap_or(false),
            host: host(),
            ..Settings::new(timeout)
        },
        jobs: args.jobs.or(h.jobs).unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        }),
    })
}

fn emit(text: &str, output_file: Option<&std::path::Path>) -> anyhow::Result<()> {
    ci::write_output(text, output_file).with_context(|| match output_file {
        Some(path) => format!("writing {}", path.display()),
        None => "writing to stdout".to_string(),
    })
}

/// `extharness pytest`'s name in a baseline: a baseline file holds the
/// entries of `extinspect`, `extharness check` and this, each replacing
/// only its own when it writes.
const PYTEST_TOOL: &str = "extharness-pytest";

fn pytest(args: PytestArgs) -> anyhow::Result<u8> {
    let mut gate = match ci::setup(&args.gate, PYTEST_TOOL, &["test-leak", "test-crash"]) {
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
    extharness::gatekeep::apply_pytest(&mut report, &mut gate);
    let gate_report = match gate.finish(true) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("extharness: {e}");
            return Ok(2);
        }
    };
    let format = args.gate.format;
    let output_file = args.gate.output_file.as_deref();
    let rendered = extinspect::render::in_format(
        format,
        output_file,
        &report,
        &gate_report,
        |paint| extharness::pytest::text_styled(&report, paint),
        || extharness::view::view_pytest(&report, &gate, &gate_report),
    );
    emit(&rendered, output_file)?;
    Ok(if gate.writes_baseline() {
        0
    } else {
        report.exit_code() as u8
    })
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

/// Before any thread starts: Ctrl-C, SIGTERM and SIGHUP kill every child
/// and what it started (their sessions are their own, so the signal would
/// not reach them) before the harness dies of the signal. Not in the
/// reinit host, whose embedded interpreters keep their own signal handling.
fn stop_children_on_termination() {
    harness::stop_children_on_termination();
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
