//! CPython's stable ABI: the symbols an abi3 extension may import, and the
//! version that added each.

use std::sync::LazyLock;

use crate::PyVersion;

/// `data/stable_abi.tsv`, CPython's `Misc/stable_abi.toml` flattened; the one
/// copy in the repository.
pub const STABLE_ABI_TSV: &str = include_str!("../data/stable_abi.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Function,
    Data,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StableSymbol {
    pub name: &'static str,
    pub kind: SymbolKind,
    /// The first version whose runtime exports it as part of the stable ABI.
    pub added: PyVersion,
    /// Exported for old abi3 extensions but no longer declared by the Limited
    /// API headers, so a new extension cannot have been compiled to use it.
    pub abi_only: bool,
    /// The feature macro the export depends on (`MS_WINDOWS`, `HAVE_FORK`...):
    /// runtimes built without it do not have the symbol.
    pub ifdef: Option<&'static str>,
}

/// The stable-ABI list, sorted by name.
#[derive(Debug)]
pub struct StableAbi {
    symbols: Vec<StableSymbol>,
}

impl StableAbi {
    pub fn get(&self, name: &str) -> Option<&StableSymbol> {
        self.symbols
            .binary_search_by(|s| s.name.cmp(name))
            .ok()
            .map(|i| &self.symbols[i])
    }

    pub fn iter(&self) -> impl Iterator<Item = &StableSymbol> {
        self.symbols.iter()
    }

    pub fn len(&self) -> usize {
        self.symbols.len()
    }

    pub fn is_empty(&self) -> bool {
        self.symbols.is_empty()
    }

    /// The newest version the list knows of.
    pub fn latest(&self) -> PyVersion {
        self.symbols
            .iter()
            .map(|s| s.added)
            .max()
            .expect("the stable ABI list is not empty")
    }
}

/// The stable ABI, parsed on first use.
pub fn stable_abi() -> &'static StableAbi {
    static PARSED: LazyLock<StableAbi> = LazyLock::new(|| {
        parse(STABLE_ABI_TSV).unwrap_or_else(|line| {
            panic!("data/stable_abi.tsv is compiled in and tested, yet line {line:?} is bad")
        })
    });
    &PARSED
}

/// Parses the tsv; the error is the first bad line.
fn parse(text: &'static str) -> Result<StableAbi, &'static str> {
    let mut symbols = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| parse_line(line).ok_or(line))
        .collect::<Result<Vec<_>, _>>()?;
    symbols.sort_by_key(|s| s.name);
    Ok(StableAbi { symbols })
}

fn parse_line(line: &'static str) -> Option<StableSymbol> {
    let [name, kind, added, abi_only, ifdef] = line.split('\t').collect::<Vec<_>>()[..] else {
        return None;
    };
    Some(StableSymbol {
        name,
        kind: match kind {
            "function" => SymbolKind::Function,
            "data" => SymbolKind::Data,
            _ => return None,
        },
        added: added.parse().ok()?,
        abi_only: match abi_only {
            "yes" => true,
            "no" => false,
            _ => return None,
        },
        ifdef: (ifdef != "-").then_some(ifdef),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_malformed_lines() {
        for bad in [
            "Py_X\tfunction\t3.2\tno",
            "Py_X\tfunc\t3.2\tno\t-",
            "Py_X\tfunction\t3\tno\t-",
            "Py_X\tfunction\t3.2\tmaybe\t-",
            "Py_X\tfunction\t3.2\tno\t-\textra",
        ] {
            assert_eq!(parse(bad).err(), Some(bad));
        }
        let one = parse("# comment\n\nPy_X\tdata\t3.13\tyes\tHAVE_FORK\n").unwrap();
        assert_eq!(
            one.get("Py_X"),
            Some(&StableSymbol {
                name: "Py_X",
                kind: SymbolKind::Data,
                added: PyVersion::new(3, 13),
                abi_only: true,
                ifdef: Some("HAVE_FORK"),
            })
        );
    }
}
