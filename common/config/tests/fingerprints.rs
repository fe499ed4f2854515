//! A finding's identity across runs: stable when nothing about the finding
//! changed, however the path was spelt or the wheel was versioned.

mod support;

use std::path::Path;

use config::{Baseline, Config, FindingKey, Overrides, Policy, Verdict};
use support::{HARNESS, INSPECTOR, Project, key};

fn policy(root: &str, cwd: &str) -> Policy {
    Policy::new(
        &Config::defaults(root.into()),
        &Overrides::default(),
        "extinspect",
        INSPECTOR,
        None,
        Path::new(cwd),
    )
    .unwrap()
}

fn in_wheel(path: &str) -> FindingKey<'_> {
    FindingKey {
        module: Some("_m"),
        ..key("missing-init-symbol", path)
    }
}

#[test]
fn readable_text_naming_a_wheel_member_by_its_distribution() {
    let policy = policy("/w/proj", "/w/proj");
    let old = in_wheel("dist/foo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl!foo/_m.so");
    let new = in_wheel("dist/foo-1.1.post2-cp312-cp312-manylinux_2_28_x86_64.whl!foo/_m.so");
    assert_eq!(
        policy.fingerprint(&old),
        "extinspect|missing-init-symbol|dist/foo!foo/_m.so|_m|"
    );
    assert_eq!(policy.fingerprint(&old), policy.fingerprint(&new));
    let other = in_wheel("dist/bar-1.0-cp312-cp312-manylinux_2_17_x86_64.whl!foo/_m.so");
    assert_ne!(policy.fingerprint(&old), policy.fingerprint(&other));
}

#[test]
fn a_baseline_written_for_one_wheel_version_knows_the_next() {
    let project = Project::new();
    let file = project.root().join("baseline.json");
    let config = Config::defaults(project.root().to_path_buf());
    let first = Policy::new(
        &config,
        &Overrides::default(),
        "extinspect",
        INSPECTOR,
        None,
        project.root(),
    )
    .unwrap();
    let entry = first.entry(&in_wheel("dist/foo-1.0-py3-none-any.whl!foo/_m.so"), "m");
    assert_eq!(entry.path, "dist/foo!foo/_m.so");
    Baseline::write(&file, "extinspect", vec![entry]).unwrap();
    let baseline = Baseline::read(&file).unwrap();
    let mut next = Policy::new(
        &config,
        &Overrides::default(),
        "extinspect",
        INSPECTOR,
        Some(baseline),
        project.root(),
    )
    .unwrap();
    assert_eq!(
        next.judge(&in_wheel("dist/foo-2.0-py3-none-any.whl!foo/_m.so")),
        Verdict::Known
    );
}

#[test]
fn the_same_file_spelt_from_anywhere_is_the_same_identity() {
    let expected = "extinspect|private-api|build/x.so||";
    assert_eq!(
        policy("/w/proj", "/w/proj").fingerprint(&key("private-api", "build/x.so")),
        expected
    );
    assert_eq!(
        policy("/w/proj", "/w/proj/build").fingerprint(&key("private-api", "x.so")),
        expected
    );
    assert_eq!(
        policy("/w/proj", "/tmp").fingerprint(&key("private-api", "/w/proj/build/./x.so")),
        expected
    );
    assert_eq!(
        policy("/w/proj/", "/w/proj/src").fingerprint(&key("private-api", "../build/x.so")),
        expected
    );
}

#[test]
fn context_and_its_order_and_the_tool_are_part_of_it() {
    let policy = policy("/w", "/w");
    let fingerprint = |context: &[&str]| {
        let context: Vec<String> = context.iter().map(|s| s.to_string()).collect();
        policy.fingerprint(&FindingKey {
            context: &context,
            ..key("reimport-leak", "_m.so")
        })
    };
    assert_eq!(
        fingerprint(&["3.12", "reimport"]),
        "extinspect|reimport-leak|_m.so||3.12,reimport"
    );
    assert_ne!(
        fingerprint(&["3.12", "reimport"]),
        fingerprint(&["3.11", "reimport"])
    );
    assert_ne!(
        fingerprint(&["3.12", "reimport"]),
        fingerprint(&["reimport", "3.12"])
    );

    let harness = Policy::new(
        &Config::defaults("/w".into()),
        &Overrides::default(),
        "extharness",
        HARNESS,
        None,
        Path::new("/w"),
    )
    .unwrap();
    assert_ne!(
        harness.fingerprint(&key("reimport-leak", "_m.so")),
        policy.fingerprint(&key("reimport-leak", "_m.so"))
    );
}

#[test]
fn module_names_and_node_ids_are_kept_as_written() {
    let policy = policy("/w/proj", "/w/proj/sub");
    assert_eq!(
        policy.fingerprint(&key("import-error", "json")),
        "extinspect|import-error|json||"
    );
    assert_eq!(
        policy.fingerprint(&key("test-leak", "tests/test_x.py::test_y")),
        "extinspect|test-leak|tests/test_x.py::test_y||"
    );
}
