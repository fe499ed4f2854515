use std::collections::BTreeMap;

use abi::{Exporter, PyVersion, Runtime, TableKey};
use binary::Format;

use crate::python_dll::PythonDll;

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
    /// The export tables were read from the libpython (or the statically
    /// linked executable) of each CPython installed where extinspect was
    /// built (2.7, 3.6 to 3.13, the 3.11 debug build, and Debian sid's 3.14
    /// and 3.15 with their debug builds); they ship as data, and
    /// `cargo run -p devtools -- export-tables`
    /// rebuilds them. A module is judged against its own platform's
    /// runtime: a Windows module's imports from `python3XY.dll` against
    /// that version's table plus what only Windows builds declare
    /// (`PyErr_SetFromWindowsErr`, `PyExc_WindowsError`...) minus what they
    /// cannot have (`PyOS_BeforeFork`...), both read off CPython's headers;
    /// its imports from `python3.dll` against the stable ABI up to each
    /// version it targets; a macOS module against the table adjusted for
    /// macOS the same way. When no table exists for the target (a
    /// free-threaded build, a debug build other than 3.11, 3.14 and 3.15, a
    /// version not listed such as 3.16, a plain `.so` with no version), this check does
    /// not run on it, and the run's summary says so once. The tables come
    /// from Linux builds: a private symbol can pass here and still be
    /// missing from a Windows DLL.
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

/// The runtimes one import binds to: the interpreter file it names (a PE
/// import names its DLL), or, for ELF and Mach-O, the target's libpython.
/// `Err` names the build no table describes.
fn runtimes_for(facts: &Facts<'_>, library: Option<&str>) -> Result<Vec<Runtime>, String> {
    let target = &facts.target;
    let build = |version: PyVersion| TableKey {
        version,
        debug: target.debug,
        free_threaded: target.free_threaded,
    };
    // Every version from an abi3 module's minimum on, up to the newest
    // that `newest` knows of.
    let versions = |newest: PyVersion| -> Vec<PyVersion> {
        match (target.abi3_min, target.version) {
            (Some((min, _)), _) => (min.minor..=newest.minor.max(min.minor))
                .map(|minor| PyVersion::new(min.major, minor))
                .filter(|v| v.major == newest.major || *v == min)
                .collect(),
            (None, Some((v, _))) => vec![v],
            (None, None) => Vec::new(),
        }
    };
    if facts.format == Format::Pe {
        let dll = library.and_then(PythonDll::parse);
        return match dll {
            Some(PythonDll { version: None, free_threaded: false, .. }) => {
                let newest = abi::stable_abi().latest();
                let found: Vec<Runtime> = versions(newest)
                    .into_iter()
                    .filter(|v| *v <= newest)
                    .map(Runtime::stable_dll)
                    .collect();
                if found.is_empty() { Err("python3.dll".into()) } else { Ok(found) }
            }
            Some(PythonDll { version: Some(version), debug, free_threaded, .. }) => {
                let key = TableKey { version, debug, free_threaded };
                Runtime::versioned_dll(key).map(|r| vec![r]).ok_or_else(|| key.to_string())
            }
            // python3t.dll, or an import from elsewhere.
            Some(dll) => Err(dll.name),
            None => Ok(Vec::new()),
        };
    }
    let newest = abi::export_tables()
        .iter()
        .map(|t| t.key.version)
        .max()
        .expect("tables are committed");
    let mut missing = Vec::new();
    let mut found = Vec::new();
    // abi3t loads in the GIL-enabled builds of 3.15+ as well (PEP 803):
    // those are judged too, and where tables exist.
    let keys = |version: PyVersion| -> Vec<TableKey> {
        let own = build(version);
        match target.abi3t {
            true => vec![TableKey { free_threaded: false, ..own }, own],
            false => vec![own],
        }
    };
    for key in versions(newest).into_iter().flat_map(keys) {
        let runtime = match facts.format {
            Format::Macho => Runtime::mac_libpython(key),
            _ => Runtime::libpython(key),
        };
        match runtime {
            Some(runtime) => found.push(runtime),
            None => missing.push(key.to_string()),
        }
    }
    match (found.is_empty(), target.abi3_min, missing.first()) {
        (true, _, Some(first)) => Err(first.clone()),
        // An abi3 module's newer versions are checked where tables exist.
        _ => Ok(found),
    }
}

/// The build this file targets that no export table describes (`3.16`,
/// `3.13t`), when that is why `undefined-python-symbol` did not judge it.
pub fn uncovered(facts: &Facts<'_>) -> Option<String> {
    if facts.format != Format::Pe {
        return runtimes_for(facts, None).err();
    }
    let mut libraries: Vec<Option<&str>> =
        facts.python_imports.iter().map(|i| i.library.as_deref()).collect();
    libraries.dedup();
    libraries
        .into_iter()
        .find_map(|library| runtimes_for(facts, library).err())
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let mut missing: BTreeMap<&str, Vec<Runtime>> = BTreeMap::new();
    let mut judged: Vec<Runtime> = Vec::new();
    for import in &facts.python_imports {
        let Ok(runtimes) = runtimes_for(facts, import.library.as_deref()) else {
            continue;
        };
        for runtime in runtimes {
            if !judged.iter().any(|r| same(r, &runtime)) {
                judged.push(runtime);
            }
            if !runtime.exports(&import.name) {
                missing.entry(&import.name).or_default().push(runtime);
            }
        }
    }
    if missing.is_empty() {
        return;
    }
    let several = judged.len() > 1;
    let listed: Vec<String> = if several {
        missing
            .iter()
            .map(|(n, runtimes)| {
                let versions: Vec<PyVersion> = runtimes.iter().map(|r| r.key.version).collect();
                format!("`{n}` (missing in {})", version_ranges(&versions))
            })
            .collect()
    } else {
        missing.keys().map(|n| format!("`{n}`")).collect()
    };
    let first = judged[0];
    let whom = if several {
        let versions: Vec<PyVersion> = judged.iter().map(|r| r.key.version).collect();
        let what = match first.exporter {
            Exporter::StableDll => "python3.dll".to_string(),
            Exporter::VersionedDll => "DLL".to_string(),
            _ => "libpython".to_string(),
        };
        let targets = match facts.target.abi3_min {
            Some((min, _)) => format!("abi3, CPython {min} and later"),
            None => "its targets".to_string(),
        };
        format!(
            "the {what} of some version it targets ({targets}; checked against {})",
            version_ranges(&versions)
        )
    } else {
        first.describe()
    };
    let table = if several {
        String::new()
    } else {
        match (first.exporter, first.source()) {
            (Exporter::StableDll, _) => {
                " (table: the stable-ABI list, Windows feature macros)".to_string()
            }
            (Exporter::VersionedDll, Some(source)) => {
                format!(" (table: {source}, with its headers' Windows-only declarations)")
            }
            (_, Some(source)) => format!(" (table: {source})"),
            (_, None) => String::new(),
        }
    };
    out.push(
        Finding::new(
            &UndefinedPythonSymbol::META,
            format!(
                "imports {} that {whom} does not export{table}, so the import fails with \"undefined symbol\": {}",
                if missing.len() == 1 { "1 symbol".to_string() } else { format!("{} symbols", missing.len()) },
                name_list(&listed)
            ),
        )
        .with_symbols(missing.keys().map(|n| n.to_string())),
    );
}

fn same(a: &Runtime, b: &Runtime) -> bool {
    a.key == b.key && a.exporter == b.exporter
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
