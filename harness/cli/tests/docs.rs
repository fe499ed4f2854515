//! The generated pages under docs/checks/ match the code, and `explain`
//! prints them.

use std::path::Path;
use std::process::Command;

#[test]
fn generated_check_pages_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks");
    let pages = extharness::docs::pages();
    let mut stale = Vec::new();
    for (name, text) in &pages {
        if std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.clone());
        }
    }
    for entry in std::fs::read_dir(&dir).expect("docs/checks exists") {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !pages.iter().any(|(page, _)| *page == name) {
            stale.push(format!("{name} (no such check)"));
        }
    }
    assert!(
        stale.is_empty(),
        "docs/checks is stale: {stale:?}; run `{}`",
        extinspect::docs::WRITE_COMMAND
    );
}

#[test]
fn explain_prints_a_page_and_lists_every_finding() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_extharness"))
            .args(args)
            .output()
            .unwrap()
    };
    let page = run(&["explain", "singleton-state"]);
    assert_eq!(page.status.code(), Some(0));
    let text = String::from_utf8_lossy(&page.stdout);
    assert!(text.starts_with("singleton-state (warning)"), "{text}");
    assert!(text.contains("## How to fix"));
    let listing = run(&["explain"]);
    assert_eq!(
        String::from_utf8_lossy(&listing.stdout).lines().count(),
        harness::registry::CHECKS.len()
    );
    let unknown = run(&["explain", "no-such-finding"]);
    assert_eq!(unknown.status.code(), Some(2));
}
