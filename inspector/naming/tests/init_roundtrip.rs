//! Init symbols decode back to the name they were made from.

mod common;

use naming::{InitKind, decode_init_symbol, export_symbol, init_symbol, is_identifier};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

proptest! {
    // Failing seeds go to the target directory, never into the source tree.
    #![proptest_config(ProptestConfig {
        cases: 1000,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_TARGET_TMPDIR"),
            "/naming-init_roundtrip.regressions"
        )))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn init_symbol_round_trips(name in common::identifier()) {
        prop_assert!(is_identifier(&name));
        let symbol = init_symbol(&name);
        let decoded = decode_init_symbol(&symbol);
        prop_assert_eq!(decoded.as_ref().map(|d| d.module.as_str()), Some(name.as_str()));
        let expected = if name.is_ascii() { InitKind::PyInit } else { InitKind::PyInitU };
        prop_assert_eq!(decoded.unwrap().kind, expected);
        // Symbols stay C identifiers, so a compiler can define them.
        prop_assert!(symbol.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    }

    #[test]
    fn export_symbol_round_trips(name in common::identifier()) {
        let symbol = export_symbol(&name);
        prop_assert_eq!(&symbol, &init_symbol(&name).replacen("PyInit", "PyModExport", 1));
        let decoded = decode_init_symbol(&symbol).unwrap();
        prop_assert_eq!(decoded.module, name.clone());
        let expected = if name.is_ascii() { InitKind::PyModExport } else { InitKind::PyModExportU };
        prop_assert_eq!(decoded.kind, expected);
    }

    #[test]
    fn dotted_names_use_last_component(pkg in common::identifier(), name in common::identifier()) {
        prop_assert_eq!(init_symbol(&format!("{pkg}.{name}")), init_symbol(&name));
    }
}
