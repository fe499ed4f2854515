use std::path::PathBuf;

/// Why (part of) the corpus could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{interpreter}: cannot build extension modules for it (no Python.h or EXT_SUFFIX)")]
    NoHeaders { interpreter: String },
    #[error("{tool} not found on PATH ({hint})")]
    ToolMissing { tool: String, hint: &'static str },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{what} failed ({status}): {command}\n{stderr}")]
    Command {
        what: String,
        command: String,
        status: String,
        stderr: String,
    },
    #[error("{path}: bad sample header: {message}")]
    Header { path: PathBuf, message: String },
}

impl BuildError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
