use std::collections::BTreeMap;
use std::path::PathBuf;

use checkmeta::Severity;

/// What a configuration file says, validated, with its paths resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The file read; `None` for [`Config::defaults`].
    pub path: Option<PathBuf>,
    /// Absolute: the file's directory (for defaults, the directory given).
    /// Per-file-ignore patterns and baseline paths are relative to it.
    pub root: PathBuf,
    /// Check ids of either tool; `None` selects every check.
    pub select: Option<Vec<String>>,
    /// Check ids turned off after `select`.
    pub ignore: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    pub per_file_ignores: Vec<PerFileIgnore>,
    /// `X.Y`, a CPython version with a stable ABI (3.2 or later).
    pub abi3_min: Option<String>,
    /// `[abi3-min]` as a table: `X.Y` per path (absolute, under `root`).
    pub abi3_min_paths: Vec<(PathBuf, String)>,
    pub harness: HarnessDefaults,
}

impl Config {
    /// The configuration when no file is found: every check, at its own
    /// severity, nothing ignored.
    pub fn defaults(root: PathBuf) -> Config {
        Config {
            path: None,
            root,
            select: None,
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            per_file_ignores: Vec::new(),
            abi3_min: None,
            abi3_min_paths: Vec::new(),
            harness: HarnessDefaults::default(),
        }
    }
}

/// One `[[per-file-ignores]]` entry: these checks do not apply to the files
/// the glob matches, for the reason given.
#[derive(Debug, Clone, PartialEq)]
pub struct PerFileIgnore {
    pub path: String,
    pub checks: Vec<String>,
    pub reason: String,
    /// 1-based line of the entry in the file, to point at an unused one.
    pub line: Option<u32>,
}

/// `[harness]`: defaults for `extharness check`; its command-line flags win.
/// The scenario names and the numbers' ranges beyond those checked here are
/// the caller's to validate (it knows the scenarios), hence `line`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HarnessDefaults {
    /// Bare commands (`python3.12`) as written; paths (containing `/`)
    /// resolved against the configuration file's directory.
    pub pythons: Option<Vec<PathBuf>>,
    pub scenarios: Option<Vec<String>>,
    pub warmups: Option<u32>,
    pub runs: Option<u32>,
    /// Seconds, > 0.
    pub timeout: Option<f64>,
    /// Seconds, > 0.
    pub call_limit: Option<f64>,
    pub jobs: Option<usize>,
    pub malloc_debug: Option<bool>,
    pub no_call: Option<Vec<String>>,
    pub no_exercise: Option<Vec<String>>,
    /// Resolved against the configuration file's directory.
    pub workload: Option<PathBuf>,
    /// Line of the `[harness]` table, for the caller's own value errors.
    pub line: Option<u32>,
}
