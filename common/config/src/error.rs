use std::io;
use std::path::{Path, PathBuf};

/// A configuration that cannot be used. Every message is one line that
/// starts with the file (as the caller named it) and, when known, the line:
/// `path:line: problem`. Errors about command-line overrides start with the
/// flag instead.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    /// The file's directory could not be made absolute (no working directory).
    #[error("{}: cannot resolve against the working directory: {source}", path.display())]
    Resolve { path: PathBuf, source: io::Error },
    #[error("{}: invalid TOML: {message}", at(path, *line))]
    Syntax {
        path: PathBuf,
        line: Option<u32>,
        message: String,
    },
    /// Passed explicitly, but the `pyproject.toml` has no `[tool.extinspect]`.
    #[error("{}: no [tool.extinspect] table", path.display())]
    NoToolTable { path: PathBuf },
    #[error("{}: unknown key `{key}`; expected one of: {}", at(path, Some(*line)), expected.join(", "))]
    UnknownKey {
        path: PathBuf,
        line: u32,
        /// Dotted, as the user wrote it (`tool.extinspect.harness.timout`).
        key: String,
        expected: &'static [&'static str],
    },
    #[error("{}: `{key}` must be {expected}, not {found}", at(path, Some(*line)))]
    WrongType {
        path: PathBuf,
        line: u32,
        key: String,
        expected: &'static str,
        found: String,
    },
    #[error("{}: `{key}`: no check named `{id}`{}", at(path, Some(*line)), did_you_mean(suggestion.as_deref()))]
    UnknownCheck {
        path: PathBuf,
        line: u32,
        key: String,
        id: String,
        suggestion: Option<String>,
    },
    #[error("{}: `{key}`: unknown severity `{value}`; expected error, warning or info", at(path, Some(*line)))]
    BadSeverity {
        path: PathBuf,
        line: u32,
        key: String,
        value: String,
    },
    /// `path` is `None` for a [`crate::Config`] built in code, not read.
    #[error("{}: `{key}`: invalid glob `{pattern}`: {message}", at_optional(path.as_deref(), *line))]
    BadGlob {
        path: Option<PathBuf>,
        line: Option<u32>,
        key: String,
        pattern: String,
        message: String,
    },
    #[error("{}: a `{table}` entry has no `{key}`", at(path, Some(*line)))]
    MissingKey {
        path: PathBuf,
        line: u32,
        /// Dotted path of the array of tables.
        table: String,
        key: &'static str,
    },
    #[error("{}: `{key}` is empty; say why these checks do not apply to these files", at(path, Some(*line)))]
    EmptyReason {
        path: PathBuf,
        line: u32,
        key: String,
    },
    #[error("{}: `{key}` is `{value}`; expected a CPython version X.Y with a stable ABI (3.2 or later)", at(path, Some(*line)))]
    BadAbi3Min {
        path: PathBuf,
        line: u32,
        key: String,
        value: String,
    },
    /// A value of the right type outside what the key accepts.
    #[error("{}: `{key}` {problem}", at(path, Some(*line)))]
    BadValue {
        path: PathBuf,
        line: u32,
        key: String,
        problem: String,
    },
    /// `--select`/`--ignore` names an id that is not one of the tool's checks.
    #[error("{flag}: no check named `{id}`{}", did_you_mean(suggestion.as_deref()))]
    UnknownOverride {
        flag: &'static str,
        id: String,
        suggestion: Option<String>,
    },
}

fn at(path: &Path, line: Option<u32>) -> String {
    match line {
        Some(line) => format!("{}:{line}", path.display()),
        None => path.display().to_string(),
    }
}

fn at_optional(path: Option<&Path>, line: Option<u32>) -> String {
    match path {
        Some(path) => at(path, line),
        None => "configuration".to_owned(),
    }
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |id| format!("; did you mean `{id}`?"))
}
