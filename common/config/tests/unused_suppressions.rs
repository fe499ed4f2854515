//! Per-file ignores that matched nothing are reported, so that stale and
//! mistyped entries do not pile up; only entries that could have matched.

mod support;

use std::path::Path;

use config::{Config, Overrides, PerFileIgnore, Policy, Verdict};
use support::{HARNESS, INSPECTOR, key};

const ROOT: &str = "/w/proj";

fn entry(path: &str, checks: &[&str], line: u32) -> PerFileIgnore {
    PerFileIgnore {
        path: path.into(),
        checks: checks.iter().map(|c| c.to_string()).collect(),
        reason: format!("reason {line}"),
        line: Some(line),
    }
}

fn config() -> Config {
    let mut config = Config::defaults(ROOT.into());
    config.ignore = vec!["abi3-candidate".into()];
    config.per_file_ignores = vec![
        entry("build/*.so", &["private-api"], 1),  // matches below
        entry("legacy/*.so", &["private-api"], 2), // matches nothing
        entry("*.so", &["reimport-leak"], 3),      // the harness's only
        entry("*.so", &["abi3-candidate"], 4),     // a check that is off
        entry("gone/*.so", &["abi3-candidate", "links-libpython"], 5), // one that runs
        entry("*.so", &["reimport-leak", "single-phase-init"], 6), // mixed, unmatched
    ];
    config
}

fn lines(unused: Vec<&PerFileIgnore>) -> Vec<u32> {
    unused.into_iter().map(|e| e.line.unwrap()).collect()
}

#[test]
fn entries_naming_a_running_check_of_this_tool_that_matched_nothing() {
    let mut policy = Policy::new(
        &config(),
        &Overrides::default(),
        "extinspect",
        INSPECTOR,
        None,
        Path::new(ROOT),
    )
    .unwrap();
    assert!(matches!(
        policy.judge(&key("private-api", "build/x.so")),
        Verdict::Suppressed { .. }
    ));
    assert_eq!(lines(policy.unused_suppressions()), vec![2, 5, 6]);
}

#[test]
fn the_other_tool_sees_its_own_entries() {
    let mut policy = Policy::new(
        &config(),
        &Overrides::default(),
        "extharness",
        HARNESS,
        None,
        Path::new(ROOT),
    )
    .unwrap();
    assert_eq!(lines(policy.unused_suppressions()), vec![3, 6]);
    policy.judge(&key("reimport-leak", "x.so"));
    assert!(policy.unused_suppressions().is_empty());
}

#[test]
fn a_finding_of_an_unselected_check_does_not_use_an_entry() {
    let overrides = Overrides {
        select: None,
        ignore: vec!["private-api".into()],
        ..Overrides::default()
    };
    let mut policy = Policy::new(
        &config(),
        &overrides,
        "extinspect",
        INSPECTOR,
        None,
        Path::new(ROOT),
    )
    .unwrap();
    assert_eq!(
        policy.judge(&key("private-api", "build/x.so")),
        Verdict::Unselected
    );
    // Entries 1 and 2 name only private-api, which did not run.
    assert_eq!(lines(policy.unused_suppressions()), vec![5, 6]);
}

#[test]
fn asking_for_a_reason_is_not_a_match() {
    let policy = Policy::new(
        &config(),
        &Overrides::default(),
        "extinspect",
        INSPECTOR,
        None,
        Path::new(ROOT),
    )
    .unwrap();
    assert_eq!(
        policy.ignored_for("private-api", "build/x.so"),
        Some("reason 1")
    );
    assert_eq!(lines(policy.unused_suppressions()), vec![1, 2, 5, 6]);
}

#[test]
fn overlapping_entries_are_both_used() {
    let mut config = Config::defaults(ROOT.into());
    config.per_file_ignores = vec![
        entry("build/*.so", &["private-api"], 1),
        entry("*.so", &["private-api"], 2),
    ];
    let mut policy = Policy::new(
        &config,
        &Overrides::default(),
        "extinspect",
        INSPECTOR,
        None,
        Path::new(ROOT),
    )
    .unwrap();
    policy.judge(&key("private-api", "build/x.so"));
    assert!(policy.unused_suppressions().is_empty());
}
