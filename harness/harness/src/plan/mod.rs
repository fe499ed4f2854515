//! A whole run: interpreters found, modules gathered (inputs.rs) and
//! matched with the interpreters that load them (select.rs), the wheels
//! installed into a throwaway environment of each interpreter that runs
//! them (venv.rs), scenarios run side by side on `jobs` threads, and the
//! report assembled in a stable order.

mod dist;
mod early;
mod inputs;
mod names;
mod once;
mod select;
mod venv;

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};

use interpreters::{Interpreter, Requires, active_environment, discover};
use naming::SuffixTag;

use crate::probe::Target;
use crate::process::Settings;
use crate::process::reaper::{self, Scope};
use crate::report::{
    Chosen, EnvironmentReport, InterpreterReport, ModuleReport, Outcome, PassedOver, Report,
    Scenario, ScenarioReport,
};
use crate::scenarios;
use crate::verdict::{Context, Judged};
use inputs::{ModuleInput, Wheel, gather};
use select::accepts;
use venv::{Sources, Venv};

#[derive(Debug, Clone)]
pub struct Options {
    /// `--python`: only these interpreters (else every one discovered).
    pub pythons: Vec<PathBuf>,
    /// `--module`: importable names checked as well as the paths.
    pub modules: Vec<String>,
    /// `--dist`: installed distributions whose every extension module is
    /// checked.
    pub dists: Vec<String>,
    /// `--init`: the name to load a library under.
    pub init: Option<String>,
    /// The scenarios after `import`, which always runs first: a module
    /// that does not import has nothing else to show.
    pub scenarios: Vec<Scenario>,
    pub settings: Settings,
    pub jobs: usize,
    /// `--find-links`: where pip may find the wheels' dependencies, as
    /// well as the index the user's pip configuration names.
    pub find_links: Vec<PathBuf>,
    /// `--no-index`: pip does not ask the package index.
    pub no_index: bool,
    /// Which of the interpreters discovered run when `pythons` is empty,
    /// and why; the report repeats the why.
    pub versions: Versions,
}

/// The interpreters a run uses, by version, and the reason in words
/// (`requires-python >=3.9 in ./pyproject.toml`).
#[derive(Debug, Clone)]
pub struct Versions {
    /// None: every interpreter given (`--python`).
    pub requires: Option<Requires>,
    pub why: String,
}

impl Versions {
    /// The floor when the project says nothing: 3.8 is the oldest abi3
    /// floor still targeted; 3.6 and 3.7 run when named with `--python`.
    pub const FLOOR: &'static str = ">=3.8";

    /// Every interpreter found from [`Versions::FLOOR`] on.
    pub fn from_floor(why: impl Into<String>) -> Versions {
        Versions {
            requires: Some(Requires::parse(Self::FLOOR).expect("the floor parses")),
            why: why.into(),
        }
    }
}

impl Default for Versions {
    fn default() -> Versions {
        Versions::from_floor("every one found from 3.8 on")
    }
}

impl Options {
    /// The default scenarios: every one but `exercise`, which calls the
    /// module's functions with made-up arguments (some have side effects)
    /// and so must be asked for; `leaks` only with a workload.
    pub fn default_scenarios(with_workload: bool) -> Vec<Scenario> {
        Scenario::ALL
            .into_iter()
            .filter(|s| {
                !matches!(s, Scenario::Import | Scenario::Exercise)
                    && (with_workload || *s != Scenario::Leaks)
            })
            .collect()
    }
}

/// A module on an interpreter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Unit {
    module: usize,
    interpreter: usize,
}

/// Where a run is, for a progress display; sent from the worker threads.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    /// This many more scenario runs are queued.
    Queued(usize),
    /// A child interpreter starts one.
    Started {
        module: &'a str,
        python: &'a str,
        scenario: Scenario,
    },
    /// One ended (the same fields as its [`Step::Started`]).
    Finished {
        module: &'a str,
        python: &'a str,
        scenario: Scenario,
    },
}

pub fn check(paths: &[PathBuf], options: &Options) -> Report {
    check_with(paths, options, &|_| {})
}

/// [`check`], telling `progress` where it is.
pub fn check_with(
    paths: &[PathBuf],
    options: &Options,
    progress: &(dyn Fn(Step<'_>) + Sync),
) -> Report {
    // A user working in a virtual environment means its interpreter, with
    // its packages, as `python` there does: it runs every module it can
    // load, and the other interpreters found run only the rest (a cp313
    // build beside a 3.12 environment). `--python` chooses them all.
    let cwd = std::env::current_dir().unwrap_or_default();
    let environment = if options.pythons.is_empty() {
        active_environment(&cwd)
    } else {
        None
    };
    let discovery = match &environment {
        Some(python) => discover(&[]).with(python),
        None => discover(&options.pythons),
    };
    let interpreter_errors: Vec<PassedOver> = if options.pythons.is_empty() {
        // The user's environment, when it does not answer, is worth a line.
        discovery
            .skipped
            .iter()
            .filter(|s| Some(&s.candidate) == environment.as_ref())
            .map(|s| PassedOver {
                python: s.candidate.clone(),
                reason: s.reason.clone(),
            })
            .collect()
    } else {
        discovery
            .skipped
            .iter()
            .map(|s| PassedOver {
                python: s.candidate.clone(),
                reason: s.reason.clone(),
            })
            .collect()
    };
    let mut interpreters = discovery.interpreters;
    // Outside the range asked for, an interpreter is not this run's: the
    // project's own environment stays, as the user chose it.
    if options.pythons.is_empty()
        && let Some(requires) = &options.versions.requires
    {
        interpreters.retain(|i| {
            requires.contains(i.version) || Some(i.program()) == environment.as_deref()
        });
    }
    let chosen = Chosen::new(
        interpreters.iter().map(|i| i.version.feature()),
        &options.versions.why,
    );
    let roots: Vec<PathBuf> = interpreters
        .iter()
        .filter_map(|i| i.environment.as_ref())
        .flat_map(|e| e.site_packages.iter().cloned())
        .collect();
    let (from_dists, dist_problems) = dist::files(&options.dists, &interpreters);
    let mut paths = paths.to_vec();
    for (file, _) in &from_dists {
        if !paths.contains(file) {
            paths.push(file.clone());
        }
    }
    let mut inputs = gather(&paths, &options.modules, options.init.as_deref(), &roots);
    inputs.modules.extend(dist_problems);

    let mut plans: Vec<(Vec<usize>, Vec<PassedOver>)> = Vec::new();
    let mut units = Vec::new();
    for (m, module) in inputs.modules.iter().enumerate() {
        let mut chosen = Vec::new();
        let mut passed_over = Vec::new();
        if module.error.is_none() && module.not_runnable.is_none() {
            let users = |i: &Interpreter| Some(i.program()) == environment.as_deref();
            let in_environment = interpreters
                .iter()
                .any(|i| users(i) && accepts(&module.build, i).is_ok());
            for (i, interpreter) in interpreters.iter().enumerate() {
                let verdict = match accepts(&module.build, interpreter) {
                    Ok(()) if in_environment && !users(interpreter) => Err(format!(
                        "the virtual environment you work in ({}) runs it",
                        environment.as_deref().unwrap_or(Path::new("")).display()
                    )),
                    other => other,
                };
                match verdict {
                    Ok(()) => {
                        chosen.push(i);
                        units.push(Unit {
                            module: m,
                            interpreter: i,
                        });
                    }
                    Err(reason) => passed_over.push(PassedOver {
                        python: interpreter.program().to_path_buf(),
                        reason,
                    }),
                }
            }
        }
        plans.push((chosen, passed_over));
    }

    let venvs = make_venvs(
        &inputs.modules,
        &inputs.wheels,
        &plans,
        &interpreters,
        options,
    );
    let placed: HashMap<Unit, Placed> = units
        .iter()
        .map(|unit| {
            let module = &inputs.modules[unit.module];
            let venv = venvs.get(&unit.interpreter);
            (*unit, place(module, &inputs.wheels, venv))
        })
        .collect();
    let results = run_units(
        &units,
        &inputs.modules,
        &interpreters,
        &venvs,
        &placed,
        options,
        progress,
    );
    // Each child's strays were killed as it ended, when they could be told
    // apart from a running child's; what is left goes now.
    reaper::sweep(Scope::All);

    let mut modules = inputs
        .modules
        .iter()
        .zip(plans)
        .enumerate()
        .map(|(m, (module, (chosen, passed_over)))| {
            assemble(
                m,
                module,
                &chosen,
                passed_over,
                &interpreters,
                &results,
                &placed,
                options,
            )
        })
        .collect::<Vec<_>>();
    once::report_once(&mut modules);
    name_distributions(&mut modules, &from_dists);
    let mut report = Report::new(modules, interpreter_errors);
    report.interpreters = Some(chosen);
    report
}

/// In a `--dist` run, a `gil-required` finding names the distribution too:
/// what a user of a whole environment installs and upgrades.
fn name_distributions(modules: &mut [ModuleReport], owners: &[(PathBuf, String)]) {
    for module in modules {
        let Some((_, dist)) = owners
            .iter()
            .find(|(f, _)| f.as_path() == Path::new(&module.path))
        else {
            continue;
        };
        for interpreter in &mut module.interpreters {
            for finding in &mut interpreter.findings {
                crate::scenarios::import::gil_required::name_distribution(finding, dist);
            }
        }
    }
}

type Results = HashMap<(Unit, Scenario), Judged>;

/// Each interpreter's throwaway environment with the run's wheels it runs
/// installed (or why there is none), made side by side on `jobs` threads.
fn make_venvs(
    modules: &[ModuleInput],
    wheels: &[Wheel],
    plans: &[(Vec<usize>, Vec<PassedOver>)],
    interpreters: &[Interpreter],
    options: &Options,
) -> HashMap<usize, Result<Venv, String>> {
    let mut wanted: Vec<(usize, Vec<PathBuf>)> = Vec::new();
    for (i, _) in interpreters.iter().enumerate() {
        let mut chosen: Vec<usize> = modules
            .iter()
            .zip(plans)
            .filter(|(_, (chosen, _))| chosen.contains(&i))
            .filter_map(|(module, _)| module.wheel.as_ref().map(|w| w.wheel))
            .filter(|w| wheels[*w].not_installable.is_none())
            .collect();
        chosen.sort();
        chosen.dedup();
        if chosen.is_empty() {
            continue;
        }
        // The pure wheels given beside them are their dependencies, most
        // likely.
        let pure =
            (0..wheels.len()).filter(|w| wheels[*w].pure && wheels[*w].not_installable.is_none());
        let paths = chosen
            .into_iter()
            .chain(pure)
            .map(|w| wheels[w].path.clone())
            .collect();
        wanted.push((i, paths));
    }
    let sources = Sources {
        find_links: options.find_links.clone(),
        no_index: options.no_index,
    };
    // A download may take longer than a scenario, never less.
    let limit = options.settings.timeout.max(INSTALL_LIMIT);
    let made = Mutex::new(HashMap::new());
    let queue = Mutex::new(wanted.into_iter());
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some((i, paths)) = next else { return };
                    let venv = venv::create(&interpreters[i], &paths, &sources, limit);
                    made.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(i, venv);
                }
            });
        }
    });
    made.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// How long pip has to install one interpreter's wheels, at least.
const INSTALL_LIMIT: std::time::Duration = std::time::Duration::from_secs(600);

/// Where a unit runs.
struct Placed {
    /// In the interpreter's throwaway environment.
    in_venv: bool,
    /// The module as the children import it.
    target: Target,
    /// What the report says about the environment it ran in.
    note: Option<String>,
}

/// A wheel's member runs from the throwaway environment it is installed
/// in, else from the extracted wheel; any other module as it is.
fn place(module: &ModuleInput, wheels: &[Wheel], venv: Option<&Result<Venv, String>>) -> Placed {
    let extracted = |note: Option<String>| Placed {
        in_venv: false,
        target: module.target.clone(),
        note: note.map(|why| format!("run from the extracted wheel: {why}")),
    };
    let Some(member) = &module.wheel else {
        return extracted(None);
    };
    if let Some(why) = &wheels[member.wheel].not_installable {
        return extracted(Some(why.clone()));
    }
    let venv = match venv {
        Some(Ok(venv)) => venv,
        Some(Err(why)) => return extracted(Some(why.clone())),
        None => return extracted(None),
    };
    let Some(relative) = &member.installed else {
        return extracted(Some(
            "the member installs outside the site directory".to_string(),
        ));
    };
    match venv.locate(relative) {
        Some(path) => Placed {
            in_venv: true,
            target: Target {
                name: module.target.name.clone(),
                path: Some(path),
                sys_path: Vec::new(),
            },
            note: venv.note.clone(),
        },
        None => extracted(Some(format!(
            "pip installed no {} in the site directory",
            relative.display()
        ))),
    }
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    m: usize,
    module: &ModuleInput,
    chosen: &[usize],
    passed_over: Vec<PassedOver>,
    interpreters: &[Interpreter],
    results: &Results,
    placed: &HashMap<Unit, Placed>,
    options: &Options,
) -> ModuleReport {
    let mut not_runnable = module.not_runnable.clone();
    if not_runnable.is_none() && module.error.is_none() && chosen.is_empty() {
        not_runnable = Some(if interpreters.is_empty() {
            "no Python interpreter was found".to_string()
        } else {
            "no interpreter here loads it".to_string()
        });
    }
    let mut reports = Vec::new();
    for &i in chosen {
        let unit = Unit {
            module: m,
            interpreter: i,
        };
        let interpreter = &interpreters[i];
        let mut scenarios = Vec::new();
        let mut findings = Vec::new();
        let import = results.get(&(unit, Scenario::Import));
        let asked = options
            .scenarios
            .iter()
            .copied()
            .filter(|s| *s != Scenario::Import);
        for scenario in std::iter::once(Scenario::Import).chain(asked) {
            match results.get(&(unit, scenario)) {
                Some(judged) => {
                    scenarios.push(judged.report.clone());
                    findings.extend(judged.findings.iter().cloned());
                }
                None => scenarios.push(ScenarioReport {
                    name: scenario,
                    outcome: Outcome::Skipped,
                    duration_ms: 0,
                    phase: None,
                    detail: Some(match import {
                        Some(j) if j.report.outcome == Outcome::Error => {
                            "the import scenario could not run".to_string()
                        }
                        _ => "the module does not import".to_string(),
                    }),
                }),
            }
        }
        reports.push(InterpreterReport {
            python: interpreter.program().to_path_buf(),
            environment: interpreter
                .environment
                .as_ref()
                .map(|environment| EnvironmentReport {
                    prefix: environment.prefix.clone(),
                    base: environment.base.clone(),
                }),
            environment_note: placed
                .get(&unit)
                .and_then(|p| p.note.clone())
                .or_else(|| interpreter.found_as.clone()),
            version: format!("{}{}", interpreter.version, interpreter.abiflags),
            debug: interpreter.debug,
            scenarios,
            findings,
        });
    }
    ModuleReport {
        path: module.display.clone(),
        module: module.target.name.clone(),
        not_runnable,
        error: module.error.clone(),
        passed_over,
        interpreters: reports,
    }
}

/// Runs every unit's import, then (when it imported) its other scenarios,
/// on `jobs` threads sharing one queue.
fn run_units(
    units: &[Unit],
    modules: &[ModuleInput],
    interpreters: &[Interpreter],
    venvs: &HashMap<usize, Result<Venv, String>>,
    placed: &HashMap<Unit, Placed>,
    options: &Options,
    progress: &(dyn Fn(Step<'_>) + Sync),
) -> Results {
    struct State {
        queue: VecDeque<(Unit, Scenario)>,
        in_flight: usize,
        results: Results,
    }
    let state = Mutex::new(State {
        queue: units.iter().map(|u| (*u, Scenario::Import)).collect(),
        in_flight: 0,
        results: HashMap::new(),
    });
    let wake = Condvar::new();
    progress(Step::Queued(units.len()));
    let early = early::Early::new(
        units.iter().map(|unit| match venvs.get(&unit.interpreter) {
            Some(Ok(venv)) if placed[unit].in_venv => &venv.interpreter,
            _ => &interpreters[unit.interpreter],
        }),
        &options.scenarios,
        &options.settings,
    );
    let worker = || {
        loop {
            if early.run_one(&options.settings) {
                continue;
            }
            let (unit, scenario) = {
                let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    if let Some(task) = s.queue.pop_front() {
                        s.in_flight += 1;
                        break task;
                    }
                    if s.in_flight == 0 {
                        return;
                    }
                    s = wake.wait(s).unwrap_or_else(|e| e.into_inner());
                }
            };
            let python = interpreters[unit.interpreter].version.to_string();
            progress(Step::Started {
                module: &modules[unit.module].display,
                python: &python,
                scenario,
            });
            let place = &placed[&unit];
            let interpreter = match venvs.get(&unit.interpreter) {
                Some(Ok(venv)) if place.in_venv => &venv.interpreter,
                _ => &interpreters[unit.interpreter],
            };
            let judged = run_one(
                interpreter,
                &modules[unit.module],
                &place.target,
                scenario,
                &options.settings,
            );
            let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
            if scenario == Scenario::Import && judged.imported {
                let version = interpreters[unit.interpreter].version.feature();
                // `import` always runs first; asked for again, it would
                // queue itself after every success.
                for next in early::longest_first(&options.scenarios) {
                    match unavailable(next, version, &options.settings) {
                        None => {
                            s.queue.push_back((unit, next));
                            progress(Step::Queued(1));
                        }
                        Some(reason) => {
                            s.results
                                .insert((unit, next), Judged::skipped(next, reason));
                        }
                    }
                }
            }
            s.results.insert((unit, scenario), judged);
            s.in_flight -= 1;
            progress(Step::Finished {
                module: &modules[unit.module].display,
                python: &python,
                scenario,
            });
            wake.notify_all();
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.max(1) {
            scope.spawn(worker);
        }
    });
    state
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .results
}

/// Why a scenario cannot run here, if it cannot.
fn unavailable(
    scenario: Scenario,
    version: (u32, u32),
    settings: &Settings,
) -> Option<&'static str> {
    if scenario == Scenario::Reinit && settings.host.is_none() {
        return Some(
            "the reinit scenario needs the embedding host, which the extharness binary provides",
        );
    }
    scenario.unavailable_on(version)
}

fn run_one(
    interpreter: &Interpreter,
    module: &ModuleInput,
    target: &Target,
    scenario: Scenario,
    settings: &Settings,
) -> Judged {
    let references = interpreter.debug
        && match &module.build.tag {
            // An importable module of the debug interpreter's own
            // environment is built for it.
            None => module.target.path.is_none(),
            Some(SuffixTag::Versioned { flags, .. }) => flags.debug,
            Some(_) => false,
        };
    let context = Context {
        references,
        debug_interpreter: interpreter.debug,
    };
    scenarios::run(interpreter, target, scenario, settings, context)
}
