//! What the caller hands the checks: one parsed file and where it came from.

use std::path::{Path, PathBuf};

use abi::PyVersion;
use binary::Binary;
use naming::WheelName;

/// Settings that change what the checks assume.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// `--abi3-min X.Y`: the oldest CPython every abi3 module of the run
    /// must load in.
    pub abi3_min: Option<PyVersion>,
    /// Minimum versions declared for some paths: `--abi3-min PATH=X.Y`, the
    /// configuration's per-path table, an installed distribution's
    /// `.dist-info`, a project's `requires-python`.
    pub floors: Vec<Floor>,
}

/// A minimum CPython version declared for the abi3 modules under a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Floor {
    /// A file, or a directory whose files it covers, as the run names them.
    pub path: PathBuf,
    pub version: PyVersion,
    pub declared_by: FloorSource,
}

/// Who declared a [`Floor`], strongest first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum FloorSource {
    /// `--abi3-min PATH=X.Y`.
    Option,
    /// The configuration's `[abi3-min]` table.
    Config,
    /// The `cpXY-abi3` tag in the `WHEEL` file of the installed
    /// distribution whose `RECORD` lists the file.
    InstalledWheel { distribution: String },
    /// `Requires-Python` of an installed distribution (its `METADATA`), or
    /// `requires-python` of the project (its `pyproject.toml`).
    RequiresPython { of: String },
}

impl Options {
    /// The strongest floor declared for `path` (`wheel.whl!member` counts
    /// as the wheel's path): a floor for the file itself, else for the
    /// nearest directory above it.
    pub fn floor_for(&self, path: &str) -> Option<&Floor> {
        let on_disk = path.split_once('!').map_or(path, |(wheel, _)| wheel);
        let path = normal(Path::new(on_disk));
        // Installed distributions' floors come absolute and clean; only
        // those given on the command line may need making so.
        let covers = |floor: &Path| {
            if floor.is_absolute() {
                path.starts_with(floor)
            } else {
                path.starts_with(normal(floor))
            }
        };
        self.floors
            .iter()
            .filter(|f| covers(&f.path))
            .min_by_key(|f| {
                (
                    f.declared_by.clone(),
                    std::cmp::Reverse(f.path.components().count()),
                )
            })
    }
}

/// A path made absolute (lexically: nothing is read), so that a floor
/// the configuration names absolutely covers a file the run names
/// relatively.
fn normal(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// One binary under inspection.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// As the run names it: a path, or `wheel.whl!member`.
    pub path: &'a str,
    /// The file's own name (no directories): the loader derives the module
    /// name and the ABI tag from it.
    pub file_name: &'a str,
    pub binary: &'a Binary,
    /// The wheel the file was read from, when it was.
    pub wheel: Option<&'a WheelName>,
    pub options: &'a Options,
}
