use std::path::PathBuf;

/// Why an interpreter could not be asked what it is.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{path}: cannot run: {source}")]
    Spawn {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: probe exited with {status}: {stderr}")]
    Failed {
        path: PathBuf,
        status: std::process::ExitStatus,
        stderr: String,
    },
    #[error("{path}: probe answered something that is not its JSON report: {source}")]
    BadReport {
        path: PathBuf,
        source: serde_json::Error,
    },
}
