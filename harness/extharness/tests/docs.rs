//! `explain` prints the harness's check pages (the pages under docs/checks/
//! are verified against the code by the devtools crate's tests).

use std::process::Command;

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
        harness::checks::CHECKS.len()
    );
    let unknown = run(&["explain", "no-such-finding"]);
    assert_eq!(unknown.status.code(), Some(2));
}
