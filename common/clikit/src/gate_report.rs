use std::path::PathBuf;

use serde::Serialize;

/// What the configuration and the baseline did to a run, in the JSON
/// report under `gate` (docs/configuration.md).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GateReport {
    /// The configuration file read, if any.
    pub config: Option<PathBuf>,
    /// Findings not shown: their check is not selected.
    pub unselected: usize,
    /// Of those, per check, the findings of checks that only the default
    /// selection leaves out (`--select ALL` shows them).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub off_by_default: std::collections::BTreeMap<String, usize>,
    /// Findings not shown: a per-file ignore covers them.
    pub suppressed: usize,
    /// Per-file ignores of this tool that matched nothing in this run.
    pub unused_suppressions: Vec<UnusedSuppression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineReport>,
    /// `--write-baseline`: where this run's findings were recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wrote_baseline: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnusedSuppression {
    pub path: String,
    pub checks: Vec<String>,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineReport {
    pub path: PathBuf,
    /// Findings not shown: the baseline records them.
    pub known: usize,
    /// Baseline entries of this tool that nothing matched: fixed since.
    pub fixed: usize,
}

impl GateReport {
    /// The report's run-level messages, for the CI formats.
    pub fn notices(&self) -> Vec<output::Notice> {
        let config = self.config.as_ref().map(|p| p.display().to_string());
        let mut notices: Vec<output::Notice> = self
            .unused_suppressions
            .iter()
            .map(|s| output::Notice {
                level: checkmeta::Severity::Warning,
                message: format!(
                    "the per-file ignore of {} for `{}` matched nothing in this run ({})",
                    s.checks.join(", "),
                    s.path,
                    s.reason
                ),
                file: config.clone(),
                line: s.line,
            })
            .collect();
        if let Some(b) = &self.baseline {
            notices.push(output::Notice {
                level: checkmeta::Severity::Info,
                message: format!(
                    "baseline {}: {} known finding(s) not shown, {} entr{} fixed since",
                    b.path.display(),
                    b.known,
                    b.fixed,
                    if b.fixed == 1 { "y" } else { "ies" }
                ),
                file: None,
                line: None,
            });
        }
        if let Some(path) = &self.wrote_baseline {
            notices.push(output::Notice {
                level: checkmeta::Severity::Info,
                message: format!("findings recorded as the baseline in {}", path.display()),
                file: None,
                line: None,
            });
        }
        notices
    }

    /// Lines for the text report, after the summary.
    pub fn text_lines(&self) -> Vec<String> {
        self.notices()
            .into_iter()
            .map(|n| match (&n.file, n.line) {
                (Some(file), Some(line)) => format!("{}: {file}:{line}: {}", n.level.name(), n.message),
                (Some(file), None) => format!("{}: {file}: {}", n.level.name(), n.message),
                _ => format!("{}: {}", n.level.name(), n.message),
            })
            .chain(self.off_by_default.iter().map(|(check, n)| {
                format!(
                    "note: {n} {check} finding(s) not shown: the check is not selected by default (`--select {check}` or `--select ALL` shows them)"
                )
            }))
            .chain({
                let others = self.unselected - self.off_by_default.values().sum::<usize>();
                (others + self.suppressed > 0).then(|| {
                    format!(
                        "note: {} finding(s) of unselected checks and {} covered by per-file ignores not shown",
                        others, self.suppressed
                    )
                })
            })
            .collect()
    }
}
