use clap::ValueEnum;

/// `--format`: the same findings and the same exit status in every format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people at a terminal (coloured there, unless NO_COLOR is set).
    Text,
    /// One line per finding: `path: check [severity] message`, then the
    /// summary (ruff's `concise`).
    Concise,
    /// One document with everything the run learned.
    Json,
    /// One JSON object per finding per line.
    JsonLines,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML: a test case per module and check.
    Junit,
    /// GitHub Actions workflow commands: annotations on the files.
    Github,
}

impl Format {
    /// Formats that machines read in full: a progress bar on a shared
    /// terminal would be noise around them.
    pub fn is_json(self) -> bool {
        matches!(self, Format::Json | Format::JsonLines | Format::Sarif)
    }

    /// The tool's own lines for people: `text` and `concise`.
    pub fn is_text(self) -> bool {
        matches!(self, Format::Text | Format::Concise)
    }
}
