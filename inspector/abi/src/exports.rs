//! What each CPython runtime exports to extension modules, one table per ABI,
//! read from real Linux builds (see the README and `regenerate-export-tables`).

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use crate::{ParseVersionError, PyVersion};

/// Which runtime ABI a table describes: a feature version, plus the debug
/// (`d`) and free-threaded (`t`) builds, whose exports differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableKey {
    pub version: PyVersion,
    pub debug: bool,
    pub free_threaded: bool,
}

impl TableKey {
    pub const fn release(version: PyVersion) -> Self {
        Self {
            version,
            debug: false,
            free_threaded: false,
        }
    }
}

/// `3.12`, `3.11d`, `3.13t`, `3.13td`: the flags in the order of CPython's
/// `sys.abiflags`.
impl fmt::Display for TableKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = if self.free_threaded { "t" } else { "" };
        let d = if self.debug { "d" } else { "" };
        write!(f, "{}{t}{d}", self.version)
    }
}

impl FromStr for TableKey {
    type Err = ParseVersionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (rest, debug) = match text.strip_suffix('d') {
            Some(rest) => (rest, true),
            None => (text, false),
        };
        let (version, free_threaded) = match rest.strip_suffix('t') {
            Some(version) => (version, true),
            None => (rest, false),
        };
        let version = version
            .parse()
            .map_err(|_| ParseVersionError(text.to_owned()))?;
        Ok(Self {
            version,
            debug,
            free_threaded,
        })
    }
}

/// The `Py*` and `_Py*` symbols one runtime exports.
#[derive(Debug)]
pub struct ExportTable {
    pub key: TableKey,
    /// The interpreter and file the table was read from, e.g.
    /// `CPython 3.12.1, libpython3.12.so.1.0`.
    pub source: &'static str,
    /// Sorted, so that lookups can bisect.
    symbols: Vec<&'static str>,
}

impl ExportTable {
    pub fn exports(&self, name: &str) -> bool {
        self.symbols.binary_search(&name).is_ok()
    }

    pub fn len(&self) -> usize {
        self.symbols.len()
    }

    pub fn is_empty(&self) -> bool {
        self.symbols.is_empty()
    }

    /// The exported names, sorted.
    pub fn symbols(&self) -> impl ExactSizeIterator<Item = &'static str> + '_ {
        self.symbols.iter().copied()
    }
}

/// Lists the committed tables by key; a test checks that the list and
/// `data/exports` hold the same keys.
macro_rules! committed_tables {
    ($($key:literal),* $(,)?) => {
        const COMMITTED: &[(&str, &str)] = &[
            $(($key, include_str!(concat!("../data/exports/", $key, ".txt")))),*
        ];
    };
}

committed_tables![
    "2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.11d", "3.12", "3.13", "3.14", "3.14d",
    "3.15", "3.15d",
];

/// Every committed table, sorted by key.
pub fn export_tables() -> &'static [ExportTable] {
    static TABLES: LazyLock<Vec<ExportTable>> = LazyLock::new(|| {
        let mut tables: Vec<ExportTable> = COMMITTED
            .iter()
            .map(|(key, text)| {
                parse(key, text).unwrap_or_else(|why| {
                    panic!("data/exports/{key}.txt is compiled in and tested, yet {why}")
                })
            })
            .collect();
        tables.sort_by_key(|t| t.key);
        tables
    });
    &TABLES
}

pub fn export_table(key: TableKey) -> Option<&'static ExportTable> {
    let tables = export_tables();
    tables
        .binary_search_by_key(&key, |t| t.key)
        .ok()
        .map(|i| &tables[i])
}

pub(crate) const SOURCE_HEADER: &str = "# source: ";

pub(crate) fn parse(key: &str, text: &'static str) -> Result<ExportTable, String> {
    let key = key.parse().map_err(|e| format!("{e}"))?;
    let source = text
        .lines()
        .find_map(|l| l.strip_prefix(SOURCE_HEADER))
        .ok_or_else(|| format!("it has no {SOURCE_HEADER:?} line"))?;
    let symbols: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    if let Some(pair) = symbols.windows(2).find(|pair| pair[0] >= pair[1]) {
        return Err(format!("it is not sorted and unique at {pair:?}"));
    }
    Ok(ExportTable {
        key,
        source,
        symbols,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for text in ["2.7", "3.12", "3.11d", "3.13t", "3.13td"] {
            let key: TableKey = text.parse().unwrap();
            assert_eq!(key.to_string(), text);
        }
        let key: TableKey = "3.13td".parse().unwrap();
        assert!(key.debug && key.free_threaded);
        for bad in ["3", "3.13dt", "d", "3.13x", ""] {
            assert!(bad.parse::<TableKey>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn release_sorts_before_its_debug_build() {
        let release = TableKey::release(PyVersion::new(3, 11));
        let debug: TableKey = "3.11d".parse().unwrap();
        assert!(release < debug && debug < TableKey::release(PyVersion::new(3, 12)));
    }

    #[test]
    fn parse_demands_a_source_and_sorted_symbols() {
        let table = parse("3.12", "# source: CPython 3.12.1, x\nPy_A\nPy_B\n").unwrap();
        assert_eq!(table.source, "CPython 3.12.1, x");
        assert!(table.exports("Py_A") && table.exports("Py_B") && !table.exports("Py_C"));
        assert!(parse("3.12", "Py_A\n").is_err());
        assert!(parse("3.12", "# source: s\nPy_B\nPy_A\n").is_err());
        assert!(parse("3.12", "# source: s\nPy_A\nPy_A\n").is_err());
    }
}
