use super::*;

fn decoded(symbol: &str) -> Option<(String, InitKind)> {
    decode_init_symbol(symbol).map(|e| (e.module, e.kind))
}

#[test]
fn encodes_like_importdl() {
    assert_eq!(init_symbol("spam"), "PyInit_spam");
    assert_eq!(init_symbol("pkg.sub._spam"), "PyInit__spam");
    assert_eq!(init_symbol("café"), "PyInitU_caf_dma");
    assert_eq!(init_symbol("pkg.模块"), "PyInitU_gfs105b");
    assert_eq!(export_symbol("spam"), "PyModExport_spam");
    assert_eq!(export_symbol("café"), "PyModExportU_caf_dma");
    assert_eq!(python2_init_symbol("a.spam"), "initspam");
    // Case of basic code points is kept.
    assert_eq!(init_symbol("Café"), "PyInitU_Caf_dma");
}

#[test]
fn decodes_testmultiphase_exports() {
    // From `llvm-nm -D --defined-only _testmultiphase.cpython-312-*.so`; the
    // names are those test_importlib/extension/test_loader.py imports.
    assert_eq!(
        decoded("PyInitU__testmultiphase_zkouka_naten_evc07gi8e"),
        Some((
            "_testmultiphase_zkou\u{161}ka_na\u{10d}ten\u{ed}".into(),
            InitKind::PyInitU
        ))
    );
    assert_eq!(
        decoded("PyInitU_eckzbwbhc6jpgzcx415x"),
        Some((
            "\u{ff3f}\u{30a4}\u{30f3}\u{30dd}\u{30fc}\u{30c8}\u{30c6}\u{30b9}\u{30c8}".into(),
            InitKind::PyInitU
        ))
    );
    assert_eq!(
        decoded("PyInit__testmultiphase_export_null"),
        Some(("_testmultiphase_export_null".into(), InitKind::PyInit))
    );
    assert_eq!(decoded("PyInit_x"), Some(("x".into(), InitKind::PyInit)));
}

#[test]
fn decodes_all_forms() {
    assert_eq!(
        decoded("PyInitU_caf_dma"),
        Some(("café".into(), InitKind::PyInitU))
    );
    assert_eq!(
        decoded("PyInitU_gfs105b"),
        Some(("模块".into(), InitKind::PyInitU))
    );
    assert_eq!(
        decoded("PyModExport_spam"),
        Some(("spam".into(), InitKind::PyModExport))
    );
    assert_eq!(
        decoded("PyModExportU_caf_dma"),
        Some(("café".into(), InitKind::PyModExportU))
    );
    // Underscores in the basic part: the delimiter is the last one.
    assert_eq!(
        decoded(&init_symbol("a_b_é")),
        Some(("a_b_é".into(), InitKind::PyInitU))
    );
    assert_eq!(
        decoded(&init_symbol("_é")),
        Some(("_é".into(), InitKind::PyInitU))
    );
    assert_eq!(
        decoded(&init_symbol("é_")),
        Some(("é_".into(), InitKind::PyInitU))
    );
}

#[test]
fn rejects_non_init_and_bad_punycode() {
    for bad in [
        "PyInit_",
        "PyInitU_",
        "PyInit",
        "PyInit_a-b",
        "PyInit_a.b",
        "pyinit_spam",
        "initspam",
        "PyModExport_",
        "_PyInit_spam",
        // Pure ASCII results would have been PyInit_.
        "PyInitU_spam_",
        // Not canonical (uppercase digits, trailing garbage), or truncated.
        "PyInitU_caf_DMA",
        "PyInitU_caf_dma_",
        "PyInitU_z",
        "PyInitU_99999999999999999999999999",
        // Decodes to a control character, which no identifier contains.
        "PyInitU_a_a",
        // Would need a delimiter-free decode of non-digits.
        "PyInitU_caf_dm!",
    ] {
        assert_eq!(decoded(bad), None, "{bad}");
    }
}

#[test]
fn python2_init() {
    let e = decode_python2_init_symbol("initspam").unwrap();
    assert_eq!((e.module.as_str(), e.kind), ("spam", InitKind::Python2));
    assert_eq!(decode_python2_init_symbol("init"), None);
    assert_eq!(decode_python2_init_symbol("initcafé"), None);
    assert_eq!(decode_python2_init_symbol("PyInit_spam"), None);
}
