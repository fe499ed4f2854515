use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use checkmeta::Severity;

use crate::baseline::{Baseline, BaselineSummary, Entry};
use crate::config::{Config, PerFileIgnore};
use crate::error::ConfigError;
use crate::finding_path::{Located, locate};
use crate::fingerprint::fingerprint;
use crate::lexical::clean;
use crate::pattern::Pattern;
use crate::suggest::closest;

/// What the command line says on top of the file: `--select` replaces the
/// file's `select`; `--ignore` adds to its `ignore`. `select` may name
/// `ALL`, every check of the tool.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    /// The tool's checks that are not selected when nothing selects: its
    /// default selection is every other check.
    pub not_by_default: Vec<String>,
}

/// The `select` entry that selects every check.
pub const ALL: &str = "ALL";

/// The decision on one finding.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Reported, at this (possibly overridden) severity.
    Report(Severity),
    /// Its check is not selected.
    Unselected,
    /// A per-file ignore turns its check off for its file.
    Suppressed { reason: String },
    /// The baseline has it.
    Known,
}

/// A finding, as much of it as the gate needs.
#[derive(Debug, Clone, Copy)]
pub struct FindingKey<'a> {
    pub check: &'a str,
    /// The check's own severity.
    pub severity: Severity,
    /// The path as the tool reports it: a file path relative to the
    /// working directory or absolute, `wheel.whl!member/path.so`, a module
    /// name (`--module`), or a pytest node id `tests/test_x.py::test_y`.
    pub path: &'a str,
    pub module: Option<&'a str>,
    /// Parts of the identity beyond check, path and module (interpreter
    /// and scenario, function name, sorted symbols). Order matters.
    pub context: &'a [String],
}

/// Everything that decides what one run of one tool counts.
#[derive(Debug)]
pub struct Policy {
    tool: &'static str,
    tool_checks: Vec<&'static str>,
    select: Option<Vec<String>>,
    ignore: Vec<String>,
    not_by_default: Vec<String>,
    severity: BTreeMap<String, Severity>,
    suppressions: Vec<Suppression>,
    cwd: PathBuf,
    root: PathBuf,
    baseline: Option<BaselineState>,
}

#[derive(Debug)]
struct Suppression {
    entry: PerFileIgnore,
    pattern: Pattern,
    matched: usize,
}

/// check, normalised path, module, context: an [`Entry`] without its tool
/// (always this one) and message (not part of the identity).
type Identity = (String, String, Option<String>, Vec<String>);

#[derive(Debug)]
struct BaselineState {
    path: PathBuf,
    /// A multiset: N entries of one identity absorb at most N findings.
    remaining: HashMap<Identity, usize>,
    known: usize,
}

impl Policy {
    /// `tool`: "extinspect" or "extharness"; `tool_checks`: that tool's ids
    /// (registry order); `cwd`: the absolute working directory the reported
    /// paths are relative to. Fails when an override names an id that is not
    /// one of `tool_checks`, or (for a `Config` built in code) a glob is
    /// invalid.
    pub fn new(
        config: &Config,
        overrides: &Overrides,
        tool: &'static str,
        tool_checks: &[&'static str],
        baseline: Option<Baseline>,
        cwd: &Path,
    ) -> Result<Policy, ConfigError> {
        for (flag, ids) in [
            ("--select", overrides.select.as_deref().unwrap_or_default()),
            ("--ignore", overrides.ignore.as_slice()),
        ] {
            if let Some(id) = ids.iter().find(|id| {
                !tool_checks.contains(&id.as_str()) && (flag != "--select" || id.as_str() != ALL)
            }) {
                return Err(ConfigError::UnknownOverride {
                    flag,
                    id: id.clone(),
                    suggestion: closest(id, tool_checks.iter().copied()).map(str::to_owned),
                });
            }
        }
        let suppressions = config
            .per_file_ignores
            .iter()
            .map(|entry| {
                let pattern =
                    Pattern::compile(&entry.path).map_err(|error| ConfigError::BadGlob {
                        path: config.path.clone(),
                        line: entry.line,
                        key: "per-file-ignores.path".to_owned(),
                        pattern: entry.path.clone(),
                        message: error.kind().to_string(),
                    })?;
                Ok(Suppression {
                    entry: entry.clone(),
                    pattern,
                    matched: 0,
                })
            })
            .collect::<Result<_, ConfigError>>()?;
        let baseline = baseline.map(|baseline| {
            let mut remaining = HashMap::new();
            for entry in baseline.entries().iter().filter(|entry| entry.tool == tool) {
                let identity = (
                    entry.check.clone(),
                    entry.path.clone(),
                    entry.module.clone(),
                    entry.context.clone(),
                );
                *remaining.entry(identity).or_insert(0) += 1;
            }
            BaselineState {
                path: baseline.path().to_owned(),
                remaining,
                known: 0,
            }
        });
        Ok(Policy {
            tool,
            tool_checks: tool_checks.to_vec(),
            select: overrides.select.clone().or_else(|| config.select.clone()),
            ignore: config
                .ignore
                .iter()
                .chain(&overrides.ignore)
                .cloned()
                .collect(),
            not_by_default: overrides.not_by_default.clone(),
            severity: config.severity.clone(),
            suppressions,
            cwd: clean(cwd),
            root: clean(&config.root),
            baseline,
        })
    }

    /// The tool's checks that are selected, in registry order.
    pub fn selected(&self) -> Vec<&'static str> {
        self.tool_checks
            .iter()
            .copied()
            .filter(|check| self.is_selected(check))
            .collect()
    }

    pub fn is_selected(&self, check: &str) -> bool {
        let chosen = match &self.select {
            None => !self.not_by_default.iter().any(|id| id == check),
            Some(select) => select.iter().any(|id| id == check || id == ALL),
        };
        chosen && !self.ignore.iter().any(|id| id == check)
    }

    /// Whether `check` is unselected only because the tool's default
    /// selection leaves it out.
    pub fn off_by_default(&self, check: &str) -> bool {
        self.select.is_none()
            && self.not_by_default.iter().any(|id| id == check)
            && !self.ignore.iter().any(|id| id == check)
    }

    /// The decision on one finding, in this order: unselected, suppressed
    /// by a per-file ignore, known in the baseline, reported at its
    /// (possibly overridden) severity. Counts what matched, for
    /// [`Policy::unused_suppressions`] and [`Policy::baseline_summary`].
    pub fn judge(&mut self, finding: &FindingKey<'_>) -> Verdict {
        if !self.is_selected(finding.check) {
            return Verdict::Unselected;
        }
        let located = locate(finding.path, &self.cwd, &self.root);
        let mut reason = None;
        // Every matching entry counts as used, so that none of two
        // overlapping entries is reported as unused while both apply.
        for suppression in &mut self.suppressions {
            if suppression.applies(finding.check, &located) {
                suppression.matched += 1;
                reason.get_or_insert_with(|| suppression.entry.reason.clone());
            }
        }
        if let Some(reason) = reason {
            return Verdict::Suppressed { reason };
        }
        if let Some(baseline) = &mut self.baseline {
            let identity = (
                finding.check.to_owned(),
                located.identity(),
                finding.module.map(str::to_owned),
                finding.context.to_vec(),
            );
            if let Some(left) = baseline
                .remaining
                .get_mut(&identity)
                .filter(|left| **left > 0)
            {
                *left -= 1;
                baseline.known += 1;
                return Verdict::Known;
            }
        }
        let severity = self
            .severity
            .get(finding.check)
            .copied()
            .unwrap_or(finding.severity);
        Verdict::Report(severity)
    }

    /// For reports that list every check of a subject (JUnit): the reason
    /// when a per-file ignore turns `check` off for `path`. Not counted as
    /// a match.
    pub fn ignored_for(&self, check: &str, path: &str) -> Option<&str> {
        let located = locate(path, &self.cwd, &self.root);
        self.suppressions
            .iter()
            .find(|suppression| suppression.applies(check, &located))
            .map(|suppression| suppression.entry.reason.as_str())
    }

    /// The identity of a finding across runs, as readable text: the
    /// baseline's key and the SARIF fingerprint, e.g.
    /// `extinspect|missing-init-symbol|dist/foo!foo/_m.so|_m|`.
    pub fn fingerprint(&self, finding: &FindingKey<'_>) -> String {
        let located = locate(finding.path, &self.cwd, &self.root);
        fingerprint(
            self.tool,
            finding.check,
            &located.identity(),
            finding.module,
            finding.context,
        )
    }

    /// Per-file ignores that name at least one of this tool's selected
    /// checks and matched no finding of this run: stale, or mistyped. (An
    /// entry whose checks did not run cannot have matched; it is not
    /// reported.)
    pub fn unused_suppressions(&self) -> Vec<&PerFileIgnore> {
        self.suppressions
            .iter()
            .filter(|suppression| suppression.matched == 0)
            .filter(|suppression| {
                suppression.entry.checks.iter().any(|check| {
                    self.tool_checks.contains(&check.as_str()) && self.is_selected(check)
                })
            })
            .map(|suppression| &suppression.entry)
            .collect()
    }

    /// `None` without a baseline. `fixed` counts this tool's entries of
    /// selected checks that matched nothing; other tools' entries and those
    /// of checks that did not run are never counted.
    pub fn baseline_summary(&self) -> Option<BaselineSummary> {
        let baseline = self.baseline.as_ref()?;
        let fixed = baseline
            .remaining
            .iter()
            .filter(|((check, ..), _)| {
                self.tool_checks.contains(&check.as_str()) && self.is_selected(check)
            })
            .map(|(_, left)| left)
            .sum();
        Some(BaselineSummary {
            path: baseline.path.clone(),
            known: baseline.known,
            fixed,
        })
    }

    /// The baseline entry for a reported finding (`--write-baseline`:
    /// collect one per [`Verdict::Report`], then [`Baseline::write`]).
    pub fn entry(&self, finding: &FindingKey<'_>, message: &str) -> Entry {
        let located = locate(finding.path, &self.cwd, &self.root);
        Entry {
            tool: self.tool.to_owned(),
            check: finding.check.to_owned(),
            path: located.identity(),
            module: finding.module.map(str::to_owned),
            context: finding.context.to_vec(),
            message: message.to_owned(),
        }
    }
}

impl Suppression {
    fn applies(&self, check: &str, located: &Located<'_>) -> bool {
        self.entry.checks.iter().any(|id| id == check) && self.pattern.matches(located)
    }
}
