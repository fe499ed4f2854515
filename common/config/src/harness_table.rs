use std::path::{MAIN_SEPARATOR, Path, PathBuf};

use crate::config::HarnessDefaults;
use crate::error::ConfigError;
use crate::lexical::absolute_from;
use crate::reader::{Source, Value, dotted, in_file_order};

const HARNESS: &[&str] = &[
    "pythons",
    "scenarios",
    "warmups",
    "runs",
    "timeout",
    "call-limit",
    "jobs",
    "malloc-debug",
    "no-call",
    "no-exercise",
    "workload",
];

/// `[harness]`, with its paths resolved against `root` (the file's
/// directory) so that the defaults mean the same from any working directory.
pub(crate) fn read_harness(
    source: &Source<'_>,
    key: &str,
    value: &Value<'_>,
    root: &Path,
) -> Result<HarnessDefaults, ConfigError> {
    let table = source.table(key, value)?;
    let mut harness = HarnessDefaults {
        line: Some(source.line(value.span())),
        ..HarnessDefaults::default()
    };
    for (name, value) in in_file_order(table) {
        let key = dotted(key, name.get_ref());
        let key = key.as_str();
        match name.get_ref().as_ref() {
            "pythons" => {
                let mut pythons = Vec::new();
                for item in source.strings(key, value)? {
                    if item.text.is_empty() {
                        return Err(source.bad_value_at(key, item.line, "holds an empty string"));
                    }
                    pythons.push(python(&item.text, root));
                }
                harness.pythons = Some(pythons);
            }
            "scenarios" => harness.scenarios = Some(texts(source, key, value)?),
            "warmups" => harness.warmups = Some(source.count(key, value)?),
            "runs" => harness.runs = Some(source.count(key, value)?),
            "timeout" => harness.timeout = Some(source.seconds(key, value)?),
            "call-limit" => harness.call_limit = Some(source.seconds(key, value)?),
            "jobs" => harness.jobs = Some(source.count(key, value)?),
            "malloc-debug" => harness.malloc_debug = Some(source.boolean(key, value)?),
            "no-call" => harness.no_call = Some(texts(source, key, value)?),
            "no-exercise" => harness.no_exercise = Some(texts(source, key, value)?),
            "workload" => {
                let file = source.string(key, value)?;
                if file.is_empty() {
                    return Err(source.bad_value(key, value, "is empty"));
                }
                harness.workload = Some(absolute_from(root, Path::new(&file)));
            }
            _ => return Err(source.unknown_key(name, key.to_owned(), HARNESS)),
        }
    }
    Ok(harness)
}

fn texts(source: &Source<'_>, key: &str, value: &Value<'_>) -> Result<Vec<String>, ConfigError> {
    Ok(source
        .strings(key, value)?
        .into_iter()
        .map(|item| item.text)
        .collect())
}

/// A bare command (`python3.12`) is looked up on `PATH` by the caller, as
/// on the command line; anything with a separator is a path from the file.
fn python(text: &str, root: &Path) -> PathBuf {
    if text.contains('/') || text.contains(MAIN_SEPARATOR) {
        absolute_from(root, Path::new(text))
    } else {
        PathBuf::from(text)
    }
}
