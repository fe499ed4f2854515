//! Typed reading of a parsed TOML table, keeping the file and line of every
//! value so that each error can point at it.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::error::ConfigError;

pub(crate) type Value<'i> = Spanned<DeValue<'i>>;

/// The file being read, for error locations.
pub(crate) struct Source<'a> {
    pub path: &'a Path,
    text: &'a str,
}

/// A string from an array, with the line it is on.
pub(crate) struct Item {
    pub text: String,
    pub line: u32,
}

impl<'a> Source<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        Source { path, text }
    }

    pub fn line(&self, span: Range<usize>) -> u32 {
        let end = span.start.min(self.text.len());
        let newlines = self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        u32::try_from(newlines + 1).unwrap_or(u32::MAX)
    }

    pub fn file(&self) -> PathBuf {
        self.path.to_owned()
    }

    pub fn unknown_key(
        &self,
        key: &Spanned<DeString<'_>>,
        dotted: String,
        expected: &'static [&'static str],
    ) -> ConfigError {
        ConfigError::UnknownKey {
            path: self.file(),
            line: self.line(key.span()),
            key: dotted,
            expected,
        }
    }

    pub fn wrong_type(&self, key: &str, value: &Value<'_>, expected: &'static str) -> ConfigError {
        ConfigError::WrongType {
            path: self.file(),
            line: self.line(value.span()),
            key: key.to_owned(),
            expected,
            found: a(value.get_ref()).to_owned(),
        }
    }

    pub fn bad_value(
        &self,
        key: &str,
        value: &Value<'_>,
        problem: impl Into<String>,
    ) -> ConfigError {
        self.bad_value_at(key, self.line(value.span()), problem)
    }

    pub fn bad_value_at(&self, key: &str, line: u32, problem: impl Into<String>) -> ConfigError {
        ConfigError::BadValue {
            path: self.file(),
            line,
            key: key.to_owned(),
            problem: problem.into(),
        }
    }

    pub fn table<'t, 'i>(
        &self,
        key: &str,
        value: &'t Value<'i>,
    ) -> Result<&'t DeTable<'i>, ConfigError> {
        value
            .get_ref()
            .as_table()
            .ok_or_else(|| self.wrong_type(key, value, "a table"))
    }

    pub fn string(&self, key: &str, value: &Value<'_>) -> Result<String, ConfigError> {
        value
            .get_ref()
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| self.wrong_type(key, value, "a string"))
    }

    pub fn strings(&self, key: &str, value: &Value<'_>) -> Result<Vec<Item>, ConfigError> {
        const EXPECTED: &str = "an array of strings";
        let array = value
            .get_ref()
            .as_array()
            .ok_or_else(|| self.wrong_type(key, value, EXPECTED))?;
        array
            .iter()
            .map(|item| match item.get_ref().as_str() {
                Some(text) => Ok(Item {
                    text: text.to_owned(),
                    line: self.line(item.span()),
                }),
                // Point at the offending item, not at the array's first line.
                None => Err(ConfigError::WrongType {
                    path: self.file(),
                    line: self.line(item.span()),
                    key: key.to_owned(),
                    expected: EXPECTED,
                    found: format!("an array holding {}", a(item.get_ref())),
                }),
            })
            .collect()
    }

    pub fn boolean(&self, key: &str, value: &Value<'_>) -> Result<bool, ConfigError> {
        value
            .get_ref()
            .as_bool()
            .ok_or_else(|| self.wrong_type(key, value, "a boolean (true or false)"))
    }

    /// A non-negative integer that fits `T`.
    pub fn count<T: TryFrom<i128>>(&self, key: &str, value: &Value<'_>) -> Result<T, ConfigError> {
        const EXPECTED: &str = "a non-negative integer";
        let integer = value
            .get_ref()
            .as_integer()
            .ok_or_else(|| self.wrong_type(key, value, EXPECTED))?;
        let number = i128::from_str_radix(integer.as_str(), integer.radix())
            .map_err(|_| self.bad_value(key, value, "is too large"))?;
        if number < 0 {
            return Err(self.bad_value(
                key,
                value,
                format!("is {number}; it must not be negative"),
            ));
        }
        T::try_from(number)
            .map_err(|_| self.bad_value(key, value, format!("is {number}, too large")))
    }

    /// A positive, finite number of seconds (integer or float).
    pub fn seconds(&self, key: &str, value: &Value<'_>) -> Result<f64, ConfigError> {
        let seconds = match value.get_ref() {
            DeValue::Float(float) => float.as_str().parse::<f64>().ok(),
            DeValue::Integer(integer) => i128::from_str_radix(integer.as_str(), integer.radix())
                .ok()
                .map(|n| n as f64),
            _ => return Err(self.wrong_type(key, value, "a number of seconds")),
        };
        match seconds {
            Some(s) if s.is_finite() && s > 0.0 => Ok(s),
            _ => Err(self.bad_value(key, value, "must be a number of seconds greater than 0")),
        }
    }
}

/// A table's entries in the order they appear in the file, so that the
/// first problem reported is the first one a reader of the file meets.
pub(crate) fn in_file_order<'t, 'i>(
    table: &'t DeTable<'i>,
) -> Vec<(&'t Spanned<DeString<'i>>, &'t Value<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

/// `prefix.key`, quoting a key that a bare TOML key could not spell, so the
/// path can be found again in the file.
pub(crate) fn dotted(prefix: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let key = if bare {
        key.to_owned()
    } else {
        format!("{key:?}")
    };
    if prefix.is_empty() {
        key
    } else {
        format!("{prefix}.{key}")
    }
}

fn a(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::dotted;

    #[test]
    fn quotes_only_keys_a_bare_key_cannot_spell() {
        assert_eq!(
            dotted("tool.extinspect", "harness"),
            "tool.extinspect.harness"
        );
        assert_eq!(dotted("", "abi3-min"), "abi3-min");
        assert_eq!(dotted("severity", "a.b"), "severity.\"a.b\"");
        assert_eq!(dotted("", ""), "\"\"");
    }
}
