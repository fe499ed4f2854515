use std::collections::BTreeSet;
use std::path::Path;

use abi::generate::{choose, generate};
use abi::{ExportTable, PyVersion, TableKey, export_table, export_tables, stable_abi};

fn table(key: &str) -> &'static ExportTable {
    export_table(key.parse().unwrap()).unwrap_or_else(|| panic!("no {key} table"))
}

#[test]
fn every_file_in_data_exports_is_compiled_in() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/exports");
    let on_disk: BTreeSet<String> = dir
        .read_dir()
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let listed: BTreeSet<String> = export_tables()
        .iter()
        .map(|t| format!("{}.txt", t.key))
        .collect();
    assert_eq!(
        on_disk, listed,
        "data/exports and committed_tables! in src/exports.rs disagree"
    );
}

#[test]
fn tables_are_sorted_by_key_and_found_by_it() {
    let keys: Vec<TableKey> = export_tables().iter().map(|t| t.key).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
    for t in export_tables() {
        assert!(std::ptr::eq(export_table(t.key).unwrap(), t));
        assert!(t.len() > 1000, "{}: {} symbols", t.key, t.len());
        assert!(t.source.starts_with("CPython "), "{}", t.source);
    }
    assert!(export_table("3.13t".parse().unwrap()).is_none());
}

/// The committed tables are what `regenerate-export-tables` would write from
/// the interpreters here, compared where the very build a table came from
/// (same version, same file) is present.
#[test]
fn committed_tables_match_the_interpreters_here() {
    let discovery = interpreters::discover(&[]);
    let mut compared = Vec::new();
    let mut passed_over = Vec::new();
    for (key, interpreter) in choose(&discovery.interpreters) {
        let Some(committed) = export_table(key) else {
            passed_over.push(format!("{key}: no committed table ({interpreter})"));
            continue;
        };
        let generated = generate(interpreter).unwrap();
        if generated.source() != committed.source {
            passed_over.push(format!(
                "{key}: committed from {}, here {}",
                committed.source,
                generated.source()
            ));
            continue;
        }
        let committed_symbols: BTreeSet<&str> = committed.symbols().collect();
        let generated_symbols: BTreeSet<&str> =
            generated.symbols.iter().map(String::as_str).collect();
        let only_committed: Vec<_> = committed_symbols.difference(&generated_symbols).collect();
        let only_here: Vec<_> = generated_symbols.difference(&committed_symbols).collect();
        assert!(
            only_committed.is_empty() && only_here.is_empty(),
            "{key}: the committed table differs from {} (regenerate it):\n\
             only committed: {only_committed:?}\nonly here: {only_here:?}",
            generated.file.display()
        );
        compared.push(key);
    }
    assert!(
        !compared.is_empty(),
        "no interpreter a committed table came from is here; passed over: {passed_over:#?}"
    );
}

#[test]
fn generated_text_parses_back() {
    let discovery = interpreters::discover(&[]);
    let (_, interpreter) = *choose(&discovery.interpreters)
        .first()
        .expect("a CPython interpreter");
    let generated = generate(interpreter).unwrap();
    let text = generated.render();
    assert!(text.contains(&format!("# source: {}\n", generated.source())));
    let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(body, generated.symbols);
}

#[test]
fn module_def_init_is_exported_from_3_5_on() {
    assert!(!table("2.7").exports("PyModuleDef_Init"));
    assert!(table("2.7").exports("Py_InitModule4_64"));
    for t in export_tables() {
        if t.key.version >= PyVersion::new(3, 5) {
            assert!(t.exports("PyModuleDef_Init"), "{}", t.key);
            assert!(t.exports("PyUnicode_AsUTF8"), "{}", t.key);
        }
    }
}

#[test]
fn only_the_debug_build_exports_reference_debugging() {
    for name in ["_Py_RefTotal", "_Py_NegativeRefcount"] {
        assert!(table("3.11d").exports(name), "{name}");
        assert!(!table("3.11").exports(name), "{name}");
    }
}

/// Feature macros a Linux runtime is built without: the Windows-only API, the
/// stack check only Windows defines, and reference debugging, which only
/// debug builds have.
fn absent_on_linux(ifdef: &str, debug: bool) -> bool {
    match ifdef {
        "MS_WINDOWS" | "USE_STACKCHECK" => true,
        "Py_REF_DEBUG" => !debug,
        _ => false,
    }
}

/// Where a runtime lacks a stable-ABI symbol the list says it has, and why.
const KNOWN_GAPS: &[(&str, &str, &str)] = &[
    // Misc/stable_abi.toml says 3.2, but the function is new in 3.8.
    ("3.6", "PyThread_get_thread_native_id", "new in 3.8"),
    ("3.7", "PyThread_get_thread_native_id", "new in 3.8"),
    // A macro over PyCFunction_NewEx whose function 3.9 stopped compiling,
    // breaking abi3 extensions built against 3.4-3.8 that import it; 3.10
    // declares the function again for the stable ABI (see its methodobject.h).
    ("3.9", "PyCFunction_New", "dropped by 3.9"),
];

#[test]
fn every_table_exports_the_stable_abi_of_its_version() {
    let mut gaps = Vec::new();
    for t in export_tables() {
        if t.key.version.major < 3 {
            continue;
        }
        for symbol in stable_abi().iter() {
            let expected = symbol.added <= t.key.version
                && !symbol
                    .ifdef
                    .is_some_and(|ifdef| absent_on_linux(ifdef, t.key.debug));
            if expected && !t.exports(symbol.name) {
                gaps.push((t.key.to_string(), symbol.name));
            }
        }
    }
    let known: Vec<(String, &str)> = KNOWN_GAPS
        .iter()
        .map(|(key, name, _)| (key.to_string(), *name))
        .collect();
    assert_eq!(gaps, known);
}

#[test]
fn the_3_12_table_has_every_stable_function_without_an_ifdef() {
    let t = table("3.12");
    let missing: Vec<&str> = stable_abi()
        .iter()
        .filter(|s| s.added <= PyVersion::new(3, 12) && s.ifdef.is_none())
        .map(|s| s.name)
        .filter(|name| !t.exports(name))
        .collect();
    assert_eq!(missing, Vec::<&str>::new());
}
