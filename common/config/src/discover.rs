use std::fs;
use std::path::{Path, PathBuf};

use crate::document::{EXTINSPECT_TOML, PYPROJECT, parse, tool_table};
use crate::error::ConfigError;
use crate::lexical::clean;
use crate::reader::Source;

/// The configuration file that applies to `start` (a directory; a file
/// stands for its directory): in `start` and then each directory above it,
/// `extinspect.toml` if present, else `pyproject.toml` if it has a
/// `[tool.extinspect]` table; the nearest wins. `None`: use the defaults.
///
/// A `pyproject.toml` that cannot be read or parsed is an error rather than
/// passed over: whether it configures us cannot be told.
pub fn discover(start: &Path) -> Result<Option<PathBuf>, ConfigError> {
    let start = std::path::absolute(start).map_err(|source| ConfigError::Resolve {
        path: start.to_owned(),
        source,
    })?;
    let start = clean(&start);
    let first = if start.is_file() {
        start.parent().unwrap_or(&start)
    } else {
        &start
    };
    for directory in first.ancestors() {
        let dedicated = directory.join(EXTINSPECT_TOML);
        if dedicated.is_file() {
            return Ok(Some(dedicated));
        }
        let pyproject = directory.join(PYPROJECT);
        if pyproject.is_file() && configures_us(&pyproject)? {
            return Ok(Some(pyproject));
        }
    }
    Ok(None)
}

fn configures_us(pyproject: &Path) -> Result<bool, ConfigError> {
    let text = fs::read_to_string(pyproject).map_err(|source| ConfigError::Read {
        path: pyproject.to_owned(),
        source,
    })?;
    let document = parse(&Source::new(pyproject, &text), &text)?;
    Ok(tool_table(&document).is_some())
}
