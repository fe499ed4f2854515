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
    let listing = String::from_utf8_lossy(&listing.stdout);
    let listed = |id: &str| listing.lines().any(|l| l.trim_start().starts_with(id));
    for meta in harness::checks::CHECKS
        .iter()
        .chain(checks::registry::CHECKS.iter().map(|c| &c.meta))
    {
        assert!(listed(meta.id), "{} missing from\n{listing}", meta.id);
    }
    // Each command's checks under one heading, the asking tool's first.
    let headings: Vec<&str> = listing
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
        .collect();
    assert_eq!(
        headings,
        ["extharness check:", "extharness pytest:", "extinspect:"],
        "{listing}"
    );
    let unknown = run(&["explain", "no-such-finding"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no check named `no-such-finding`"));

    // The inspector's ids too, with the command that reports them.
    for check in checks::registry::CHECKS {
        let page = run(&["explain", check.meta.id]);
        assert_eq!(page.status.code(), Some(0), "{}", check.meta.id);
        let text = String::from_utf8_lossy(&page.stdout);
        let first = text.lines().next().unwrap_or("");
        assert!(
            first.starts_with(check.meta.id) && first.contains("reported by `extinspect`"),
            "{first}"
        );
    }
    let own = run(&["explain", "reimport-crash"]);
    let own = String::from_utf8_lossy(&own.stdout);
    assert!(
        own.lines()
            .next()
            .unwrap_or("")
            .contains("reported by `extharness check`"),
        "{own}"
    );
}
