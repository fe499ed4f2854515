use std::collections::BTreeMap;

use abi::{ExportTable, PyVersion, TableKey};

use crate::registry::declare_check;
use crate::facts::Facts;
use crate::finding::Finding;
use crate::registry::name_list;

declare_check! {
    /// ## What it does
    /// Checks every `Py*`/`_Py*` symbol the module imports against the
    /// symbols that the targeted CPython's libpython really exports. The
    /// target is the version in the file name or wheel tag (with its debug
    /// flag), the `python3XY.dll` a Windows module imports, or, for an abi3
    /// module, every version from its minimum on.
    ///
    /// The export tables were read from the libpython of each CPython
    /// installed where extinspect was built (2.7, 3.6 to 3.13, and the 3.11
    /// debug build); they ship as data, and
    /// `cargo run -p devtools -- export-tables`
    /// rebuilds them. When no table exists for the
    /// target (a free-threaded build, a debug build other than 3.11, a
    /// version not listed, a plain `.so` with no version), this check does
    /// not run: it is absent, not passed. The tables come from Linux builds;
    /// on Windows `python3XY.dll` exports only the declared API, so a
    /// private symbol can pass here and still be missing there.
    ///
    /// ## Why is this bad?
    /// The dynamic loader resolves imports when the module is loaded: one
    /// missing symbol and `import` fails with
    /// `ImportError: ... undefined symbol: _PyObject_LookupAttrId`, on every
    /// machine with that version. This is what happens when a module built
    /// against one minor version is shipped for another, or when it uses a
    /// private function that a release removed.
    ///
    /// ## Example
    /// ```text
    /// spam.cpython-313-x86_64-linux-gnu.so imports _PyObject_LookupAttrId (removed in 3.13)
    /// ```
    ///
    /// ## How to fix
    /// Build against the headers of the version you tag for, and replace
    /// removed private calls with their public successors.
    pub struct UndefinedPythonSymbol {
        id: "undefined-python-symbol",
        severity: Error,
        run: Some(run),
    }
}

fn tables(facts: &Facts<'_>) -> Vec<&'static ExportTable> {
    let target = &facts.target;
    let flags_match = |t: &&ExportTable| {
        t.key.debug == target.debug && t.key.free_threaded == target.free_threaded
    };
    if let Some((min, _)) = target.abi3_min {
        return abi::export_tables()
            .iter()
            .filter(|t| t.key.version >= min && t.key.version.major == min.major)
            .filter(flags_match)
            .collect();
    }
    match target.version {
        Some((version, _)) => abi::export_table(TableKey {
            version,
            debug: target.debug,
            free_threaded: target.free_threaded,
        })
        .into_iter()
        .collect(),
        None => Vec::new(),
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let tables = tables(facts);
    if tables.is_empty() {
        return;
    }
    let mut missing: BTreeMap<&str, Vec<PyVersion>> = BTreeMap::new();
    for import in &facts.python_imports {
        for table in &tables {
            if !table.exports(&import.name) {
                missing
                    .entry(&import.name)
                    .or_default()
                    .push(table.key.version);
            }
        }
    }
    if missing.is_empty() {
        return;
    }
    let listed: Vec<String> = if tables.len() == 1 {
        missing.keys().map(|n| format!("`{n}`")).collect()
    } else {
        missing
            .iter()
            .map(|(n, versions)| format!("`{n}` (missing in {})", version_ranges(versions)))
            .collect()
    };
    let whom = if tables.len() == 1 {
        format!("CPython {}'s libpython", tables[0].key)
    } else {
        format!(
            "the libpython of every version it targets ({}–{})",
            tables[0].key,
            tables[tables.len() - 1].key
        )
    };
    out.push(
        Finding::new(
            &UndefinedPythonSymbol::META,
            format!(
                "imports {} that {whom} does not export, so the import fails with \"undefined symbol\": {}",
                if missing.len() == 1 { "1 symbol".to_string() } else { format!("{} symbols", missing.len()) },
                name_list(&listed)
            ),
        )
        .with_symbols(missing.keys().map(|n| n.to_string())),
    );
}

/// `3.6, 3.7, 3.8, 3.12` → `3.6–3.8, 3.12`.
fn version_ranges(versions: &[PyVersion]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < versions.len() {
        let start = versions[i];
        let mut end = start;
        while i + 1 < versions.len()
            && versions[i + 1].major == end.major
            && versions[i + 1].minor == end.minor + 1
        {
            i += 1;
            end = versions[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}–{end}")
        });
        i += 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_collapse_consecutive_minors() {
        let v = |minor| PyVersion { major: 3, minor };
        assert_eq!(version_ranges(&[v(6), v(7), v(8), v(12)]), "3.6–3.8, 3.12");
        assert_eq!(version_ranges(&[v(9)]), "3.9");
    }
}
