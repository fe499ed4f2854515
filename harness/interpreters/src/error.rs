use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Why an interpreter could not be asked what it is. Displayed as
/// `PATH: REASON`; [`ProbeError::reason`] is the reason alone.
#[derive(Debug)]
pub enum ProbeError {
    /// It could not be started: missing, not executable, or (`what` says)
    /// an executable for another machine.
    Spawn {
        path: PathBuf,
        source: std::io::Error,
        /// What the file is, when exec refused its format.
        what: Option<String>,
    },
    Failed {
        path: PathBuf,
        status: std::process::ExitStatus,
        stderr: String,
    },
    BadReport {
        path: PathBuf,
        source: serde_json::Error,
        /// The start of what it printed instead.
        printed: String,
    },
    TimedOut {
        path: PathBuf,
        limit: Duration,
    },
    /// The private directory the probe runs in could not be made.
    Prepare {
        path: PathBuf,
        dir: PathBuf,
        source: std::io::Error,
    },
}

impl ProbeError {
    pub fn path(&self) -> &PathBuf {
        match self {
            ProbeError::Spawn { path, .. }
            | ProbeError::Failed { path, .. }
            | ProbeError::BadReport { path, .. }
            | ProbeError::TimedOut { path, .. }
            | ProbeError::Prepare { path, .. } => path,
        }
    }

    /// What went wrong, without the interpreter's path.
    pub fn reason(&self) -> String {
        match self {
            ProbeError::Spawn {
                source,
                what: Some(what),
                ..
            } => format!("cannot run: {source}: {what}"),
            ProbeError::Spawn { source, .. } => format!("cannot run: {source}"),
            ProbeError::Failed { status, stderr, .. } if stderr.is_empty() => {
                format!("probe exited with {status}")
            }
            ProbeError::Failed { status, stderr, .. } => {
                format!("probe exited with {status}: {stderr}")
            }
            ProbeError::BadReport {
                source, printed, ..
            } if printed.is_empty() => {
                format!("probe answered something that is not its JSON report: {source}")
            }
            ProbeError::BadReport {
                source, printed, ..
            } => format!(
                "probe answered something that is not its JSON report ({source}): {printed:?}"
            ),
            ProbeError::TimedOut { limit, .. } => format!(
                "probe did not answer within {} s and was killed",
                limit.as_secs()
            ),
            ProbeError::Prepare { dir, source, .. } => format!(
                "cannot prepare a private directory in {}: {source}",
                dir.display()
            ),
        }
    }
}

impl fmt::Display for ProbeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path().display(), self.reason())
    }
}

impl std::error::Error for ProbeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProbeError::Spawn { source, .. } | ProbeError::Prepare { source, .. } => Some(source),
            ProbeError::BadReport { source, .. } => Some(source),
            _ => None,
        }
    }
}
