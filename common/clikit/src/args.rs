use std::path::PathBuf;

use clap::Args;

use crate::Format;

/// The flags both tools take for CI: format, where to write, which
/// configuration, which checks, which baseline.
#[derive(Debug, Clone, Args)]
pub struct CiArgs {
    /// How to write the report (`--output-format` is the same flag, as
    /// ruff names it).
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Only the findings and the summary: no progress bar, no per-file or
    /// per-scenario lines for what passed.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Read this configuration file (extinspect.toml, or a pyproject.toml
    /// with [tool.extinspect]) instead of searching from the working
    /// directory upwards.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,
    /// Only these checks (comma-separated ids; replaces the file's `select`).
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Not these checks (comma-separated ids; added to the file's `ignore`).
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Report only findings that FILE (written by --write-baseline) does not
    /// already record.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record this run's findings in FILE as the baseline (keeping the other
    /// tool's entries in it) and exit 0 unless something could not be run.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}
