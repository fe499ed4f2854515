use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use checkmeta::Severity;
use toml::de::DeTable;

use crate::config::{Config, PerFileIgnore};
use crate::document::{PYPROJECT_PREFIX, is_pyproject, parse, tool_table};
use crate::error::ConfigError;
use crate::harness_table::read_harness;
use crate::lexical::clean;
use crate::pattern::Pattern;
use crate::reader::{Item, Source, Value, dotted, in_file_order};
use crate::severity_name::parse_severity;
use crate::suggest::closest;

const TOP_LEVEL: &[&str] = &[
    "select",
    "ignore",
    "abi3-min",
    "severity",
    "per-file-ignores",
    "harness",
];
const PER_FILE_IGNORE: &[&str] = &["path", "checks", "reason"];

/// Reads and validates a configuration file: `pyproject.toml` (by its
/// name) under `[tool.extinspect]`, any other name with its keys at the top
/// level. `known` is every check id of both tools.
pub fn load(path: &Path, known: &[&str]) -> Result<Config, ConfigError> {
    let text = fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    let source = Source::new(path, &text);
    let document = parse(&source, &text)?;
    let mut config = Config::defaults(directory_of(path)?);
    config.path = Some(path.to_owned());
    if is_pyproject(path) {
        let settings = tool_table(&document).ok_or_else(|| ConfigError::NoToolTable {
            path: path.to_owned(),
        })?;
        let table = source.table(PYPROJECT_PREFIX, settings)?;
        read_settings(&source, table, PYPROJECT_PREFIX, known, &mut config)?;
    } else {
        read_settings(&source, &document, "", known, &mut config)?;
    }
    Ok(config)
}

fn directory_of(path: &Path) -> Result<PathBuf, ConfigError> {
    let absolute = std::path::absolute(path).map_err(|source| ConfigError::Resolve {
        path: path.to_owned(),
        source,
    })?;
    let absolute = clean(&absolute);
    Ok(absolute
        .parent()
        .map_or(absolute.clone(), Path::to_path_buf))
}

fn read_settings(
    source: &Source<'_>,
    table: &DeTable<'_>,
    prefix: &str,
    known: &[&str],
    config: &mut Config,
) -> Result<(), ConfigError> {
    for (key, value) in in_file_order(table) {
        let name = dotted(prefix, key.get_ref());
        match key.get_ref().as_ref() {
            "select" => config.select = Some(check_ids(source, &name, value, known)?),
            "ignore" => config.ignore = check_ids(source, &name, value, known)?,
            "abi3-min" if value.get_ref().as_table().is_some() => {
                // `[abi3-min]` with `"path" = "X.Y"`: per path, relative
                // to the configuration's directory.
                for (path, version) in in_file_order(source.table(&name, value)?) {
                    let key = dotted(&name, path.get_ref());
                    let version = abi3_min(source, &key, version)?;
                    let path = config.root.join(path.get_ref().as_ref() as &str);
                    config.abi3_min_paths.push((path, version));
                }
            }
            "abi3-min" => config.abi3_min = Some(abi3_min(source, &name, value)?),
            "severity" => config.severity = severities(source, &name, value, known)?,
            "per-file-ignores" => {
                config.per_file_ignores = per_file_ignores(source, &name, value, known)?;
            }
            "harness" => config.harness = read_harness(source, &name, value, &config.root)?,
            _ => return Err(source.unknown_key(key, name, TOP_LEVEL)),
        }
    }
    Ok(())
}

fn check_ids(
    source: &Source<'_>,
    key: &str,
    value: &Value<'_>,
    known: &[&str],
) -> Result<Vec<String>, ConfigError> {
    let items = source.strings(key, value)?;
    for item in &items {
        if key.ends_with("select") && item.text == crate::policy::ALL {
            continue;
        }
        known_check(source, key, item, known)?;
    }
    Ok(items.into_iter().map(|item| item.text).collect())
}

fn known_check(
    source: &Source<'_>,
    key: &str,
    item: &Item,
    known: &[&str],
) -> Result<(), ConfigError> {
    if known.contains(&item.text.as_str()) {
        return Ok(());
    }
    Err(ConfigError::UnknownCheck {
        path: source.file(),
        line: item.line,
        key: key.to_owned(),
        id: item.text.clone(),
        suggestion: closest(&item.text, known.iter().copied()).map(str::to_owned),
    })
}

/// `X.Y` with a stable ABI: abi3 began with CPython 3.2, and a major
/// version other than 3 has none.
fn abi3_min(source: &Source<'_>, key: &str, value: &Value<'_>) -> Result<String, ConfigError> {
    let text = source.string(key, value)?;
    let number = |part: &str| {
        (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u8>().ok())
            .flatten()
    };
    let valid = match text.split_once('.') {
        Some((major, minor)) => number(major) == Some(3) && number(minor).is_some_and(|m| m >= 2),
        None => false,
    };
    if valid {
        Ok(text)
    } else {
        Err(ConfigError::BadAbi3Min {
            path: source.file(),
            line: source.line(value.span()),
            key: key.to_owned(),
            value: text,
        })
    }
}

fn severities(
    source: &Source<'_>,
    key: &str,
    value: &Value<'_>,
    known: &[&str],
) -> Result<BTreeMap<String, Severity>, ConfigError> {
    let table = source.table(key, value)?;
    let mut severities = BTreeMap::new();
    for (check, level) in in_file_order(table) {
        let name = dotted(key, check.get_ref());
        let item = Item {
            text: check.get_ref().to_string(),
            line: source.line(check.span()),
        };
        known_check(source, &name, &item, known)?;
        let text = source.string(&name, level)?;
        let severity = parse_severity(&text).ok_or_else(|| ConfigError::BadSeverity {
            path: source.file(),
            line: source.line(level.span()),
            key: name,
            value: text,
        })?;
        severities.insert(item.text, severity);
    }
    Ok(severities)
}

fn per_file_ignores(
    source: &Source<'_>,
    key: &str,
    value: &Value<'_>,
    known: &[&str],
) -> Result<Vec<PerFileIgnore>, ConfigError> {
    const EXPECTED: &str = "an array of tables ([[per-file-ignores]] entries)";
    let entries = value
        .get_ref()
        .as_array()
        .ok_or_else(|| source.wrong_type(key, value, EXPECTED))?;
    entries
        .iter()
        .map(|entry| per_file_ignore(source, key, entry, known))
        .collect()
}

fn per_file_ignore(
    source: &Source<'_>,
    key: &str,
    entry: &Value<'_>,
    known: &[&str],
) -> Result<PerFileIgnore, ConfigError> {
    let table = entry
        .get_ref()
        .as_table()
        .ok_or_else(|| ConfigError::WrongType {
            path: source.file(),
            line: source.line(entry.span()),
            key: key.to_owned(),
            expected: "an array of tables ([[per-file-ignores]] entries)",
            found: "an array holding something else".to_owned(),
        })?;
    let line = source.line(entry.span());
    let (mut path, mut checks, mut reason) = (None, None, None);
    for (name, value) in in_file_order(table) {
        let dotted_name = dotted(key, name.get_ref());
        match name.get_ref().as_ref() {
            "path" => {
                let pattern = source.string(&dotted_name, value)?;
                if pattern.is_empty() {
                    return Err(source.bad_value(&dotted_name, value, "is empty"));
                }
                if let Err(error) = Pattern::compile(&pattern) {
                    return Err(ConfigError::BadGlob {
                        path: Some(source.file()),
                        line: Some(source.line(value.span())),
                        key: dotted_name,
                        pattern,
                        message: error.kind().to_string(),
                    });
                }
                path = Some(pattern);
            }
            "checks" => {
                let ids = check_ids(source, &dotted_name, value, known)?;
                if ids.is_empty() {
                    return Err(source.bad_value(
                        &dotted_name,
                        value,
                        "is empty; name the checks that do not apply to these files",
                    ));
                }
                checks = Some(ids);
            }
            "reason" => {
                let text = source.string(&dotted_name, value)?;
                if text.trim().is_empty() {
                    return Err(ConfigError::EmptyReason {
                        path: source.file(),
                        line: source.line(value.span()),
                        key: dotted_name,
                    });
                }
                reason = Some(text);
            }
            _ => return Err(source.unknown_key(name, dotted_name, PER_FILE_IGNORE)),
        }
    }
    let missing = |what: &'static str| ConfigError::MissingKey {
        path: source.file(),
        line,
        table: key.to_owned(),
        key: what,
    };
    Ok(PerFileIgnore {
        path: path.ok_or_else(|| missing("path"))?,
        checks: checks.ok_or_else(|| missing("checks"))?,
        reason: reason.ok_or_else(|| missing("reason"))?,
        line: Some(line),
    })
}
