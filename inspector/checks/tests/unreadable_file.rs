use checkmeta::Severity;
use checks::FileKind;

#[test]
fn one_error_finding_on_one_line() {
    let report = checks::unreadable(
        "broken.cpython-312-x86_64-linux-gnu.so".to_string(),
        "truncated or malformed ELF file:\n  section header   out of range\n",
    );
    assert_eq!(report.kind, FileKind::Unreadable);
    assert_eq!(report.path, "broken.cpython-312-x86_64-linux-gnu.so");
    assert_eq!(report.format, None);
    assert!(report.arch.is_empty());
    assert_eq!(report.module, None);
    assert_eq!(report.tag, None);
    assert!(report.init_symbols.is_empty());
    assert!(report.has_errors());
    let [finding] = report.findings.as_slice() else {
        panic!("{:#?}", report.findings)
    };
    assert_eq!(finding.check, "unreadable-file");
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(
        finding.message,
        "truncated or malformed ELF file: section header out of range"
    );
    assert!(finding.symbols.is_empty());
}

#[test]
fn registered_but_never_run_by_inspect() {
    let check = checks::registry::lookup("unreadable-file").expect("registered");
    assert!(check.run.is_none());
}
