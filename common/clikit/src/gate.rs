use std::path::PathBuf;

use config::{Baseline, Config, Entry, FindingKey, Overrides, Policy, Verdict};

use crate::CiArgs;
use crate::gate_report::{BaselineReport, GateReport, UnusedSuppression};

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("{0}")]
    Config(#[from] config::ConfigError),
    #[error("{0}")]
    Baseline(#[from] config::BaselineError),
    #[error("reading the working directory: {0}")]
    Cwd(std::io::Error),
}

/// The configuration, the policy built from it and the command line, and
/// what the run's findings did against it.
pub struct Gate {
    pub config: Config,
    pub policy: Policy,
    /// The directory reported relative paths are relative to.
    pub cwd: PathBuf,
    write_baseline: Option<PathBuf>,
    tool: &'static str,
    unselected: usize,
    /// Of `unselected`, per check: those only the default selection hides.
    off_by_default: std::collections::BTreeMap<String, usize>,
    suppressed: usize,
    recorded: Vec<Entry>,
}

/// Finds and reads the configuration (unless `--isolated`), reads the
/// baseline, and builds the policy for `tool`, which runs `tool_checks`.
/// `known` is every check id of both tools: one configuration file serves
/// both, so either tool must accept the other's ids in it.
pub fn setup(
    args: &CiArgs,
    tool: &'static str,
    tool_checks: &[&'static str],
    not_by_default: &[&'static str],
    known: &[&'static str],
) -> Result<Gate, SetupError> {
    let cwd = std::env::current_dir().map_err(SetupError::Cwd)?;
    let path = match (&args.config, args.isolated) {
        (Some(path), _) => Some(path.clone()),
        (None, true) => None,
        (None, false) => config::discover(&cwd)?,
    };
    let config = match &path {
        Some(path) => config::load(path, known)?,
        None => Config::defaults(cwd.clone()),
    };
    let baseline = args.baseline.as_deref().map(Baseline::read).transpose()?;
    let overrides = Overrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        not_by_default: not_by_default.iter().map(|id| id.to_string()).collect(),
    };
    let policy = Policy::new(&config, &overrides, tool, tool_checks, baseline, &cwd)?;
    Ok(Gate {
        config,
        policy,
        cwd,
        write_baseline: args.write_baseline.clone(),
        tool,
        unselected: 0,
        off_by_default: std::collections::BTreeMap::new(),
        suppressed: 0,
        recorded: Vec::new(),
    })
}

impl Gate {
    /// The severity to report a finding with, or `None` when the policy
    /// hides it. Findings the baseline knows are recorded again by
    /// `--write-baseline`: rewriting a baseline must not forget old debt.
    pub fn judge(&mut self, key: &FindingKey<'_>, message: &str) -> Option<checkmeta::Severity> {
        let verdict = self.policy.judge(key);
        if matches!(verdict, Verdict::Report(_) | Verdict::Known) && self.write_baseline.is_some() {
            self.recorded.push(self.policy.entry(key, message));
        }
        match verdict {
            Verdict::Report(severity) => Some(severity),
            Verdict::Unselected => {
                self.unselected += 1;
                if self.policy.off_by_default(key.check) {
                    *self
                        .off_by_default
                        .entry(key.check.to_string())
                        .or_default() += 1;
                }
                None
            }
            Verdict::Suppressed { .. } => {
                self.suppressed += 1;
                None
            }
            Verdict::Known => None,
        }
    }

    /// `--write-baseline` was given: findings do not fail the run.
    pub fn writes_baseline(&self) -> bool {
        self.write_baseline.is_some()
    }

    /// Writes the baseline when asked and the run is `complete` (a run
    /// that could not read or run everything would record too little),
    /// and says what the gate did.
    pub fn finish(&self, complete: bool) -> Result<GateReport, SetupError> {
        if let Some(path) = self.write_baseline.as_ref().filter(|_| complete) {
            Baseline::write(path, self.tool, self.recorded.clone())?;
        }
        Ok(GateReport {
            config: self.config.path.clone(),
            unselected: self.unselected,
            off_by_default: self.off_by_default.clone(),
            suppressed: self.suppressed,
            unused_suppressions: self
                .policy
                .unused_suppressions()
                .into_iter()
                .map(|s| UnusedSuppression {
                    path: s.path.clone(),
                    checks: s.checks.clone(),
                    reason: s.reason.clone(),
                    line: s.line,
                })
                .collect(),
            baseline: self.policy.baseline_summary().map(|b| BaselineReport {
                path: b.path,
                known: b.known,
                fixed: b.fixed,
            }),
            wrote_baseline: self.write_baseline.clone().filter(|_| complete),
        })
    }
}
