//! Which findings a per-file ignore suppresses: the glob against the path
//! made relative to the configuration root, however the tool reported it.

mod support;

use std::path::Path;

use config::{Config, FindingKey, Overrides, PerFileIgnore, Policy, Verdict};
use support::{INSPECTOR, key};

const ROOT: &str = "/w/proj";

fn policy(pattern: &str, cwd: &str) -> Policy {
    let mut config = Config::defaults(ROOT.into());
    config.per_file_ignores.push(PerFileIgnore {
        path: pattern.into(),
        checks: vec!["single-phase-init".into()],
        reason: "legacy".into(),
        line: Some(7),
    });
    Policy::new(
        &config,
        &Overrides::default(),
        "extinspect",
        INSPECTOR,
        None,
        Path::new(cwd),
    )
    .unwrap()
}

fn suppressed(pattern: &str, cwd: &str, path: &str) -> bool {
    let verdict = policy(pattern, cwd).judge(&key("single-phase-init", path));
    match verdict {
        Verdict::Suppressed { reason } => {
            assert_eq!(reason, "legacy");
            true
        }
        Verdict::Report(_) => false,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn relative_pattern_is_anchored_at_the_root() {
    let pattern = "build/**/_legacy*.so";
    assert!(suppressed(pattern, ROOT, "build/lib/_legacy_io.so"));
    assert!(suppressed(pattern, ROOT, "build/_legacy.so"));
    assert!(suppressed(pattern, ROOT, "./build/x/../lib/_legacy.so"));
    assert!(!suppressed(pattern, ROOT, "src/build/_legacy.so"));
    assert!(!suppressed(pattern, ROOT, "build/lib/legacy.so"));
}

#[test]
fn star_does_not_cross_a_slash() {
    assert!(suppressed("build/*.so", ROOT, "build/x.so"));
    assert!(!suppressed("build/*.so", ROOT, "build/lib/x.so"));
}

#[test]
fn paths_reported_from_another_working_directory_or_absolute() {
    let pattern = "build/**/_legacy*.so";
    assert!(suppressed(pattern, "/w/proj/build", "lib/_legacy_io.so"));
    assert!(suppressed(
        pattern,
        "/w/proj/src",
        "../build/lib/_legacy_io.so"
    ));
    assert!(suppressed(
        pattern,
        "/tmp",
        "/w/proj/build/lib/_legacy_io.so"
    ));
    assert!(suppressed(
        "./build/**/_legacy*.so",
        ROOT,
        "build/_legacy.so"
    ));
}

#[test]
fn a_leading_dot_slash_anchors_at_the_root() {
    assert!(suppressed("./_legacy.so", ROOT, "_legacy.so"));
    assert!(!suppressed("./_legacy.so", ROOT, "build/_legacy.so"));
    assert!(suppressed("_legacy.so", ROOT, "build/_legacy.so"));
}

#[test]
fn paths_outside_the_root_stay_absolute() {
    assert!(!suppressed(
        "build/**/_legacy*.so",
        "/elsewhere",
        "build/_legacy.so"
    ));
    assert!(suppressed(
        "/elsewhere/build/*.so",
        "/elsewhere",
        "build/_legacy.so"
    ));
    // A sibling sharing the root's name as a prefix is not under it.
    assert!(!suppressed("build/*.so", "/w/project", "build/_legacy.so"));
}

#[test]
fn pattern_without_a_slash_matches_the_file_name_at_any_depth() {
    assert!(suppressed("_legacy*.so", ROOT, "a/b/c/_legacy1.so"));
    assert!(suppressed("_legacy*.so", ROOT, "_legacy1.so"));
    assert!(!suppressed("_legacy*.so", ROOT, "_legacy1.so/other.so"));
}

#[test]
fn wheel_members_match_as_wheel_bang_member_and_as_the_member_alone() {
    let path = "dist/foo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl!foo/_m.so";
    assert!(suppressed("foo/_m.so", ROOT, path));
    assert!(suppressed("dist/foo-*.whl!foo/*.so", ROOT, path));
    assert!(suppressed("**/_m.so", ROOT, path));
    assert!(suppressed("_m.so", ROOT, path));
    assert!(!suppressed("dist/*.whl", ROOT, path));
    assert!(!suppressed("bar/_m.so", ROOT, path));
    // The wheel's own path is root-relative too.
    assert!(suppressed(
        "dist/foo-*.whl!foo/_m.so",
        "/w/proj/dist",
        &path["dist/".len()..]
    ));
}

#[test]
fn module_names_match_as_written() {
    assert!(suppressed("xml.etree.*", ROOT, "xml.etree._elementtree"));
    assert!(suppressed("json", "/anywhere", "json"));
    assert!(!suppressed("json", ROOT, "simplejson"));
}

#[test]
fn pytest_node_ids_match_as_written_and_by_their_file() {
    // A parameter with a `/` in it does not get in the way of the file part.
    let id = "tests/test_x.py::test_y[a/b]";
    assert!(suppressed("tests/test_x.py", ROOT, id));
    assert!(suppressed("tests/*.py", ROOT, id));
    assert!(suppressed("test_x.py", ROOT, id));
    let id = "tests/test_x.py::test_y[a-b]";
    assert!(suppressed("test_x.py::test_y*", ROOT, id));
    assert!(suppressed("tests/test_x.py::test_y*", ROOT, id));
    assert!(!suppressed("test_x.py::test_z*", ROOT, id));
    assert!(!suppressed("tests/test_z.py", ROOT, id));
}

#[test]
fn only_the_named_checks_are_suppressed() {
    let mut policy = policy("build/*.so", ROOT);
    let verdict = policy.judge(&FindingKey {
        severity: checkmeta::Severity::Error,
        ..key("private-api", "build/x.so")
    });
    assert_eq!(verdict, Verdict::Report(checkmeta::Severity::Error));
}

#[test]
fn the_first_matching_entry_gives_the_reason() {
    let mut config = Config::defaults(ROOT.into());
    for (pattern, reason) in [("build/*.so", "first"), ("*.so", "second")] {
        config.per_file_ignores.push(PerFileIgnore {
            path: pattern.into(),
            checks: vec!["private-api".into()],
            reason: reason.into(),
            line: None,
        });
    }
    let mut policy = Policy::new(
        &config,
        &Overrides::default(),
        "extinspect",
        INSPECTOR,
        None,
        Path::new(ROOT),
    )
    .unwrap();
    assert_eq!(
        policy.judge(&key("private-api", "build/x.so")),
        Verdict::Suppressed {
            reason: "first".into()
        }
    );
    assert_eq!(
        policy.ignored_for("private-api", "lib/y.so"),
        Some("second")
    );
    assert_eq!(policy.ignored_for("private-api", "lib/y.py"), None);
    assert_eq!(policy.ignored_for("single-phase-init", "build/x.so"), None);
}
