use abi::{PyVersion, SymbolKind, stable_abi};

#[test]
fn the_list_parses_whole() {
    let abi = stable_abi();
    let rows = abi::STABLE_ABI_TSV
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .count();
    assert_eq!(abi.len(), rows);
    assert_eq!(abi.len(), 968);
    let names: Vec<&str> = abi.iter().map(|s| s.name).collect();
    assert!(
        names.windows(2).all(|w| w[0] < w[1]),
        "a name is listed twice"
    );
}

#[test]
fn known_symbols() {
    let abi = stable_abi();
    let init = abi.get("PyModuleDef_Init").unwrap();
    assert_eq!(init.added, PyVersion::new(3, 5));
    assert_eq!(init.kind, SymbolKind::Function);
    assert!(!init.abi_only && init.ifdef.is_none());

    let none = abi.get("_Py_NoneStruct").unwrap();
    assert_eq!((none.kind, none.abi_only), (SymbolKind::Data, true));
    assert_eq!(abi.get("PyOS_AfterFork").unwrap().ifdef, Some("HAVE_FORK"));
    assert_eq!(
        abi.get("PyType_FromMetaclass").unwrap().added,
        PyVersion::new(3, 12)
    );
    assert!(abi.get("PyUnicode_AsUTF8").is_none(), "full API only");
    assert!(abi.latest() >= PyVersion::new(3, 13));
}
