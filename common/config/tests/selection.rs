//! Which checks run: the file's `select` and `ignore`, then the command
//! line's `--select` (replaces) and `--ignore` (adds).

mod support;

use std::path::Path;

use config::{Config, Overrides, Policy, Verdict};
use support::{HARNESS, INSPECTOR, key};

fn selected(
    config: &Config,
    overrides: Overrides,
    tool: &'static str,
    checks: &[&'static str],
) -> Vec<&'static str> {
    Policy::new(config, &overrides, tool, checks, None, Path::new("/w"))
        .unwrap()
        .selected()
}

fn config(select: Option<&[&str]>, ignore: &[&str]) -> Config {
    let mut config = Config::defaults("/w".into());
    config.select = select.map(|ids| ids.iter().map(|s| s.to_string()).collect());
    config.ignore = ignore.iter().map(|s| s.to_string()).collect();
    config
}

fn strings(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[test]
fn no_select_is_every_check_in_registry_order_less_the_ignored() {
    let config = config(None, &["abi3-candidate", "reimport-leak"]);
    let expected: Vec<_> = INSPECTOR
        .iter()
        .copied()
        .filter(|c| *c != "abi3-candidate")
        .collect();
    assert_eq!(
        selected(&config, Overrides::default(), "extinspect", INSPECTOR),
        expected
    );
    let expected: Vec<_> = HARNESS
        .iter()
        .copied()
        .filter(|c| *c != "reimport-leak")
        .collect();
    assert_eq!(
        selected(&config, Overrides::default(), "extharness", HARNESS),
        expected
    );
}

#[test]
fn a_shared_select_gives_each_tool_its_own_ids_in_registry_order() {
    let config = config(
        Some(&[
            "single-phase-init",
            "reimport-leak",
            "missing-init-symbol",
            "call-leak",
        ]),
        &[],
    );
    assert_eq!(
        selected(&config, Overrides::default(), "extinspect", INSPECTOR),
        vec!["missing-init-symbol", "single-phase-init"]
    );
    assert_eq!(
        selected(&config, Overrides::default(), "extharness", HARNESS),
        vec!["reimport-leak", "call-leak"]
    );
}

#[test]
fn ignore_wins_over_select() {
    let config = config(Some(&["private-api", "links-libpython"]), &["private-api"]);
    assert_eq!(
        selected(&config, Overrides::default(), "extinspect", INSPECTOR),
        vec!["links-libpython"]
    );
}

#[test]
fn command_line_select_replaces_and_ignore_adds() {
    let config = config(
        Some(&["private-api", "links-libpython"]),
        &["links-libpython"],
    );
    let overrides = Overrides {
        select: Some(strings(&[
            "links-libpython",
            "single-phase-init",
            "abi3-violation",
        ])),
        ignore: strings(&["abi3-violation"]),
        not_by_default: Vec::new(),
    };
    // The file's select is gone (private-api), its ignore stays
    // (links-libpython), the flag's ignore is added (abi3-violation).
    assert_eq!(
        selected(&config, overrides, "extinspect", INSPECTOR),
        vec!["single-phase-init"]
    );
}

#[test]
fn command_line_ignore_alone_keeps_the_file_select() {
    let config = config(Some(&["private-api", "links-libpython"]), &[]);
    let overrides = Overrides {
        select: None,
        ignore: strings(&["private-api"]),
        not_by_default: Vec::new(),
    };
    assert_eq!(
        selected(&config, overrides, "extinspect", INSPECTOR),
        vec!["links-libpython"]
    );
}

#[test]
fn the_default_selection_leaves_out_what_the_tool_says_and_all_brings_it_back() {
    let no_file = config(None, &[]);
    let defaults = || Overrides {
        not_by_default: strings(&["abi3-candidate"]),
        ..Overrides::default()
    };
    let chosen = selected(&no_file, defaults(), "extinspect", INSPECTOR);
    assert!(!chosen.contains(&"abi3-candidate") && chosen.contains(&"private-api"));
    let all = Overrides {
        select: Some(strings(&["ALL"])),
        ..defaults()
    };
    assert_eq!(
        selected(&no_file, all, "extinspect", INSPECTOR).len(),
        INSPECTOR.len()
    );
    // Named, it runs.
    let named = Overrides {
        select: Some(strings(&["abi3-candidate"])),
        ..defaults()
    };
    assert_eq!(
        selected(&no_file, named, "extinspect", INSPECTOR),
        vec!["abi3-candidate"]
    );
}

#[test]
fn an_empty_select_runs_nothing() {
    let config = config(Some(&[]), &[]);
    assert!(selected(&config, Overrides::default(), "extinspect", INSPECTOR).is_empty());
}

#[test]
fn judge_and_is_selected_agree_with_selected() {
    let config = config(Some(&["private-api"]), &[]);
    let mut policy = Policy::new(
        &config,
        &Overrides::default(),
        "extinspect",
        INSPECTOR,
        None,
        Path::new("/w"),
    )
    .unwrap();
    assert!(policy.is_selected("private-api"));
    assert!(!policy.is_selected("links-libpython"));
    assert_eq!(
        policy.judge(&key("links-libpython", "x.so")),
        Verdict::Unselected
    );
    assert!(matches!(
        policy.judge(&key("private-api", "x.so")),
        Verdict::Report(_)
    ));
}
