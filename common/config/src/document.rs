//! The two file flavours: `extinspect.toml` (keys at the top level) and
//! `pyproject.toml` (keys under `[tool.extinspect]`).

use std::path::Path;

use toml::de::DeTable;

use crate::error::ConfigError;
use crate::reader::{Source, Value};

pub(crate) const PYPROJECT: &str = "pyproject.toml";
pub(crate) const EXTINSPECT_TOML: &str = "extinspect.toml";

/// Where the settings live in the file, as the user spells it.
pub(crate) const PYPROJECT_PREFIX: &str = "tool.extinspect";

pub(crate) fn is_pyproject(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == PYPROJECT)
}

pub(crate) fn parse<'i>(source: &Source<'_>, text: &'i str) -> Result<DeTable<'i>, ConfigError> {
    DeTable::parse(text)
        .map(|document| document.into_inner())
        .map_err(|error| ConfigError::Syntax {
            path: source.file(),
            line: error.span().map(|span| source.line(span)),
            // The error is one line; the parser's own text may not be.
            message: error
                .message()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        })
}

/// `tool.extinspect` of a pyproject document, when there is one. A `tool`
/// that is not a table is some other tool's problem.
pub(crate) fn tool_table<'t, 'i>(document: &'t DeTable<'i>) -> Option<&'t Value<'i>> {
    let tool = lookup(document, "tool")?.get_ref().as_table()?;
    lookup(tool, "extinspect")
}

fn lookup<'t, 'i>(table: &'t DeTable<'i>, key: &str) -> Option<&'t Value<'i>> {
    table
        .iter()
        .find(|(name, _)| name.get_ref() == key)
        .map(|(_, value)| value)
}
