//! `extharness check`'s settings: the command line over the
//! configuration's `[harness]` table over the defaults.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use clap::builder::{PossibleValue, PossibleValuesParser};
use harness::{HostCommand, Options, Scenario, Settings, Versions, Workload};
use interpreters::Requires;

/// The flags of `extharness check` that the configuration's `[harness]`
/// table can give defaults for.
#[derive(Debug, Args)]
pub struct CheckSettings {
    /// Check an importable module of the interpreters' environment instead.
    #[arg(long, value_name = "NAME")]
    pub module: Vec<String>,
    /// Only these interpreters (repeatable; a virtual environment's
    /// `bin/python` runs in that environment); default: the configuration's
    /// `harness.pythons`, else every one found whose version the module's
    /// tag accepts, the environment you work in (`$VIRTUAL_ENV`, else
    /// `.venv` here) alone for what it can load.
    #[arg(long, value_name = "PATH")]
    pub python: Vec<PathBuf>,
    /// Check every extension module of this installed distribution
    /// (repeatable; found by the interpreters' `importlib.metadata`, from
    /// its RECORD).
    #[arg(long, value_name = "NAME")]
    pub dist: Vec<String>,
    /// Load the library under this name (for libraries with several init functions).
    #[arg(long, value_name = "NAME")]
    pub init: Option<String>,
    /// Only these scenarios after `import` (repeatable).
    #[arg(long, value_name = "SCENARIO", value_parser = scenario_names())]
    pub scenario: Vec<String>,
    /// Time limit of each child interpreter, in seconds [default: 60].
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Child interpreters run at once (default: the number of cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// A Python file whose `run()` exercises the module (enables `leaks`).
    #[arg(long, value_name = "FILE", conflicts_with = "code")]
    pub workload: Option<PathBuf>,
    /// Python code that exercises the module (enables `leaks`); the module is
    /// bound to its name and to `module`.
    #[arg(short = 'c', value_name = "CODE")]
    pub code: Option<String>,
    /// Unmeasured runs before measuring (re-imports and workloads) [default: 3].
    #[arg(long)]
    pub warmups: Option<u32>,
    /// Measured runs (re-imports and workloads) [default: 6].
    #[arg(long)]
    pub runs: Option<u32>,
    /// Never call this module-level function (NAME or module.NAME; repeatable).
    #[arg(long, value_name = "NAME")]
    pub no_call: Vec<String>,
    /// Never call this in the exercise scenario: a function (NAME,
    /// module.NAME) or a method (Type.method); fnmatch globs, repeatable.
    #[arg(long, value_name = "NAME")]
    pub no_exercise: Vec<String>,
    /// Time limit of one call in the exercise scenario, in seconds [default: 2].
    #[arg(long, value_name = "SECONDS")]
    pub call_limit: Option<f64>,
    /// A directory of wheels (or a URL) where pip may find the dependencies
    /// of the wheels checked (repeatable), as well as the index your pip
    /// configuration names. Each wheel is installed, with them, into a
    /// throwaway virtual environment of each interpreter that runs it.
    #[arg(long, value_name = "DIR")]
    pub find_links: Vec<PathBuf>,
    /// pip does not ask the package index for the wheels' dependencies
    /// (only `--find-links` and your pip configuration's links).
    #[arg(long)]
    pub no_index: bool,
    /// Run every child with PYTHONMALLOC=debug and -X dev: buffer overruns,
    /// use of freed memory and allocations without the GIL become findings.
    #[arg(long)]
    pub malloc_debug: bool,
    /// Neither read nor write the caches of interpreter facts and reinit
    /// baselines kept across runs (`$XDG_CACHE_HOME/extinspect/`).
    #[arg(long)]
    pub no_cache: bool,
}

/// `--scenario`'s choices, from the harness's own list.
fn scenario_names() -> PossibleValuesParser {
    PossibleValuesParser::new(Scenario::CHOICES.iter().map(|choice| {
        let value = PossibleValue::new(choice.name);
        match choice.help {
            Some(help) => value.help(help),
            None => value,
        }
    }))
}

/// The command line over the configuration over the defaults. Errors are
/// one line, naming the configuration file when the value came from it.
pub fn options(
    args: CheckSettings,
    config: &config::Config,
    cwd: &Path,
) -> Result<Options, String> {
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
    let mut scenarios: Vec<Scenario> = Vec::new();
    if !args.scenario.is_empty() {
        for name in &args.scenario {
            // clap accepted only the choices' names.
            scenarios.extend(Scenario::choice(name).unwrap_or_default());
        }
    } else {
        for name in h.scenarios.iter().flatten() {
            let chosen = Scenario::choice(name)
                .ok_or_else(|| format!("{} scenarios: no scenario named `{name}`", file()))?;
            scenarios.extend(chosen);
        }
    }
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
    for link in &args.find_links {
        if !link.to_string_lossy().contains("://") && !link.exists() {
            return Err(format!(
                "--find-links {}: no such directory",
                link.display()
            ));
        }
    }
    let versions = if !args.python.is_empty() {
        Versions {
            requires: None,
            why: "named with --python".to_string(),
        }
    } else if h.pythons.as_ref().is_some_and(|p| !p.is_empty()) {
        Versions {
            requires: None,
            why: format!("{} pythons", file()),
        }
    } else {
        project_versions(cwd)?
    };
    Ok(Options {
        versions,
        pythons: if args.python.is_empty() {
            h.pythons.clone().unwrap_or_default()
        } else {
            args.python
        },
        modules: args.module,
        dists: args.dist,
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
        find_links: args.find_links,
        no_index: args.no_index,
    })
}

/// A time limit from the command line: positive and at most a week, which
/// no scenario needs and past which durations and their sums overflow.
pub fn seconds(flag: &str, value: f64) -> Result<Duration, String> {
    const WEEK: f64 = 7.0 * 24.0 * 3600.0;
    if value.is_finite() && value > 0.0 && value <= WEEK {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(format!(
            "{flag} must be a positive number of seconds, at most {WEEK}"
        ))
    }
}

/// The interpreters a run uses when none is named: those the nearest
/// project (the `pyproject.toml` in `cwd` or above, as the configuration
/// is found) supports by its `requires-python`, else every one from 3.8 on.
/// A `requires-python` that cannot be read is an error, not a reason to
/// run something else.
fn project_versions(cwd: &Path) -> Result<Versions, String> {
    let Some((dir, levels)) = cwd
        .ancestors()
        .zip(0..)
        .find(|(dir, _)| dir.join("pyproject.toml").is_file())
    else {
        return Ok(Versions::from_floor(
            "every one found from 3.8 on: no pyproject.toml here or above; 3.6 and 3.7 run when named with --python",
        ));
    };
    let path = dir.join("pyproject.toml");
    let shown = match levels {
        0 => "./pyproject.toml".to_string(),
        n => format!("{}pyproject.toml", "../".repeat(n)),
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let document: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let why = e
            .message()
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .to_string();
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].lines().count().max(1));
        match line {
            Some(line) => format!("{shown}:{line}: {why}"),
            None => format!("{shown}: {why}"),
        }
    })?;
    let specifiers = match document
        .get("project")
        .and_then(|p| p.get("requires-python"))
    {
        None => {
            return Ok(Versions::from_floor(format!(
                "every one found from 3.8 on: {shown} has no requires-python"
            )));
        }
        Some(toml::Value::String(text)) => text,
        Some(_) => {
            return Err(format!(
                "{shown}: [project] requires-python must be a string"
            ));
        }
    };
    let requires = Requires::parse(specifiers)
        .map_err(|e| format!("{shown}: [project] requires-python: {e}"))?;
    Ok(Versions {
        why: format!("requires-python {} in {shown}", requires.text()),
        requires: Some(requires),
    })
}

/// This very binary is the reinit scenario's embedding host.
fn host() -> Option<HostCommand> {
    let program = std::env::current_exe().ok()?;
    Some(HostCommand {
        program,
        args: vec!["reinit-host".into()],
    })
}
