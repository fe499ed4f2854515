//! A baseline written by one run hides exactly those findings in the next:
//! by identity, as a multiset, shared between the two tools.

mod support;

use std::fs;
use std::path::Path;

use checkmeta::Severity;
use config::{Baseline, BaselineSummary, Config, Entry, FindingKey, Overrides, Policy, Verdict};
use support::{HARNESS, INSPECTOR, Project, key};

fn policy(
    root: &Path,
    tool: &'static str,
    checks: &[&'static str],
    baseline: Option<Baseline>,
) -> Policy {
    let config = Config::defaults(root.to_path_buf());
    Policy::new(&config, &Overrides::default(), tool, checks, baseline, root).unwrap()
}

/// Judges `findings` and returns the entries of those reported.
fn record(policy: &mut Policy, findings: &[FindingKey<'_>]) -> Vec<Entry> {
    let mut entries = Vec::new();
    for finding in findings {
        if matches!(policy.judge(finding), Verdict::Report(_)) {
            entries.push(policy.entry(finding, &format!("{} in {}", finding.check, finding.path)));
        }
    }
    entries
}

#[test]
fn written_then_read_then_judged_known_versus_new() {
    let project = Project::new();
    let file = project.root().join("baseline.json");
    let symbols = vec!["PyFoo".to_owned(), "_PyBar".to_owned()];
    let old = [
        key("single-phase-init", "build/a.so"),
        FindingKey {
            context: &symbols,
            ..key("private-api", "build/a.so")
        },
        key("links-libpython", "build/b.so"),
        key("links-libpython", "build/b.so"),
    ];
    let entries = record(
        &mut policy(project.root(), "extinspect", INSPECTOR, None),
        &old,
    );
    Baseline::write(&file, "extinspect", entries.clone()).unwrap();

    let baseline = Baseline::read(&file).unwrap();
    let mut sorted = entries;
    sorted.sort();
    assert_eq!(baseline.entries(), sorted.as_slice());

    let mut policy = policy(project.root(), "extinspect", INSPECTOR, Some(baseline));
    let other_symbols = vec!["PyFoo".to_owned()];
    assert_eq!(
        policy.judge(&key("single-phase-init", "build/a.so")),
        Verdict::Known
    );
    // Same check and path, other context: a new finding.
    let changed = FindingKey {
        context: &other_symbols,
        ..key("private-api", "build/a.so")
    };
    assert_eq!(policy.judge(&changed), Verdict::Report(Severity::Warning));
    // Two entries absorb two findings; the third is new.
    assert_eq!(
        policy.judge(&key("links-libpython", "build/b.so")),
        Verdict::Known
    );
    assert_eq!(
        policy.judge(&key("links-libpython", "build/b.so")),
        Verdict::Known
    );
    assert_eq!(
        policy.judge(&key("links-libpython", "build/b.so")),
        Verdict::Report(Severity::Warning)
    );
    // The private-api entry with both symbols matched nothing: fixed.
    assert_eq!(
        policy.baseline_summary(),
        Some(BaselineSummary {
            path: file,
            known: 3,
            fixed: 1
        })
    );
}

#[test]
fn no_baseline_no_summary() {
    let project = Project::new();
    assert_eq!(
        policy(project.root(), "extinspect", INSPECTOR, None).baseline_summary(),
        None
    );
}

#[test]
fn the_message_is_not_part_of_the_identity() {
    let project = Project::new();
    let file = project.root().join("baseline.json");
    let mut entry = policy(project.root(), "extinspect", INSPECTOR, None)
        .entry(&key("private-api", "a.so"), "old");
    entry.message = "worded differently since".into();
    Baseline::write(&file, "extinspect", vec![entry]).unwrap();
    let mut policy = policy(
        project.root(),
        "extinspect",
        INSPECTOR,
        Some(Baseline::read(&file).unwrap()),
    );
    assert_eq!(policy.judge(&key("private-api", "a.so")), Verdict::Known);
}

#[test]
fn other_tools_entries_are_kept_and_never_counted_as_fixed() {
    let project = Project::new();
    let file = project.root().join("baseline.json");
    let context = vec!["3.12".to_owned(), "reimport".to_owned()];
    let harness_finding = FindingKey {
        module: Some("_m"),
        context: &context,
        ..key("reimport-leak", "build/_m.so")
    };
    let harness_entries = record(
        &mut policy(project.root(), "extharness", HARNESS, None),
        &[harness_finding],
    );
    Baseline::write(&file, "extharness", harness_entries.clone()).unwrap();
    let inspector_entries = record(
        &mut policy(project.root(), "extinspect", INSPECTOR, None),
        &[key("private-api", "build/_m.so")],
    );
    Baseline::write(&file, "extinspect", inspector_entries.clone()).unwrap();

    let both = Baseline::read(&file).unwrap();
    let mut expected: Vec<Entry> = harness_entries
        .iter()
        .chain(&inspector_entries)
        .cloned()
        .collect();
    expected.sort();
    assert_eq!(both.entries(), expected.as_slice());

    let mut inspector = policy(project.root(), "extinspect", INSPECTOR, Some(both.clone()));
    assert_eq!(
        inspector.judge(&key("private-api", "build/_m.so")),
        Verdict::Known
    );
    // The harness entry did not match (the inspector never reports it) and
    // is still not fixed.
    assert_eq!(
        inspector.baseline_summary().map(|s| (s.known, s.fixed)),
        Some((1, 0))
    );
    // A harness finding is not absorbed by the inspector's policy either.
    let mut inspector = policy(project.root(), "extinspect", INSPECTOR, Some(both.clone()));
    assert!(matches!(
        inspector.judge(&FindingKey {
            check: "reimport-leak",
            ..harness_finding
        }),
        Verdict::Report(_)
    ));

    let mut harness = policy(project.root(), "extharness", HARNESS, Some(both));
    assert_eq!(harness.judge(&harness_finding), Verdict::Known);
    assert_eq!(
        harness.baseline_summary().map(|s| (s.known, s.fixed)),
        Some((1, 0))
    );

    // Writing the harness's entries again replaces only the harness's.
    Baseline::write(&file, "extharness", vec![]).unwrap();
    assert_eq!(
        Baseline::read(&file).unwrap().entries(),
        inspector_entries.as_slice()
    );
}

#[test]
fn entries_of_checks_that_did_not_run_are_not_fixed() {
    let project = Project::new();
    let file = project.root().join("baseline.json");
    let entries = record(
        &mut policy(project.root(), "extinspect", INSPECTOR, None),
        &[key("private-api", "a.so"), key("links-libpython", "a.so")],
    );
    Baseline::write(&file, "extinspect", entries).unwrap();
    let config = Config::defaults(project.root().to_path_buf());
    let overrides = Overrides {
        select: Some(vec!["private-api".into()]),
        ignore: vec![],
        ..Overrides::default()
    };
    let policy = Policy::new(
        &config,
        &overrides,
        "extinspect",
        INSPECTOR,
        Some(Baseline::read(&file).unwrap()),
        project.root(),
    )
    .unwrap();
    assert_eq!(
        policy.baseline_summary().map(|s| (s.known, s.fixed)),
        Some((0, 1))
    );
}

#[test]
fn the_file_is_sorted_pretty_schema_one_json() {
    let project = Project::new();
    let file = project.root().join("baseline.json");
    let mut policy = policy(project.root(), "extinspect", INSPECTOR, None);
    let entries = record(
        &mut policy,
        &[key("single-phase-init", "z.so"), key("private-api", "a.so")],
    );
    Baseline::write(&file, "extinspect", entries).unwrap();
    let text = fs::read_to_string(&file).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["schema"], 1);
    let checks: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert_eq!(checks, ["private-api", "single-phase-init"]);
    assert!(text.contains("\n  \"findings\": [\n"), "{text}");
    assert!(text.ends_with("}\n"));
}

#[test]
fn writing_is_atomic_and_leaves_no_temporary_file() {
    let project = Project::new();
    let file = project.root().join("baseline.json");
    let entry = policy(project.root(), "extinspect", INSPECTOR, None)
        .entry(&key("private-api", "a.so"), "m");
    Baseline::write(&file, "extinspect", vec![entry.clone()]).unwrap();
    Baseline::write(&file, "extinspect", vec![entry]).unwrap();
    let names: Vec<String> = fs::read_dir(project.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["baseline.json"]);
}

#[test]
fn a_file_that_is_not_a_baseline_is_not_overwritten() {
    let project = Project::new();
    let file = project.write("baseline.json", "{\"schema\": 2, \"findings\": []}");
    let error = Baseline::write(&file, "extinspect", vec![])
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        format!(
            "{}: baseline schema is 2; this version reads schema 1 (write it again with --write-baseline)",
            file.display()
        )
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "{\"schema\": 2, \"findings\": []}"
    );
}

#[test]
fn read_errors_name_the_file_and_the_problem() {
    let project = Project::new();
    let missing = project.root().join("none.json");
    let message = Baseline::read(&missing).unwrap_err().to_string();
    assert!(
        message.starts_with(&format!(
            "{}: cannot read the baseline: ",
            missing.display()
        )),
        "{message}"
    );

    let broken = project.write("broken.json", "{\"schema\": 1,\n \"findings\": [}");
    let message = Baseline::read(&broken).unwrap_err().to_string();
    assert!(
        message.starts_with(&format!("{}: not a baseline file: ", broken.display())),
        "{message}"
    );
    assert!(message.contains("line 2"), "{message}");

    let unversioned = project.write("old.json", "{\"findings\": []}");
    assert_eq!(
        Baseline::read(&unversioned).unwrap_err().to_string(),
        format!(
            "{}: baseline schema is missing; this version reads schema 1 (write it again with --write-baseline)",
            unversioned.display()
        )
    );

    let wrong_entry = project.write(
        "entry.json",
        "{\"schema\": 1, \"findings\": [{\"tool\": \"x\"}]}",
    );
    let message = Baseline::read(&wrong_entry).unwrap_err().to_string();
    assert!(
        message.starts_with(&format!(
            "{}: not a baseline file: missing field",
            wrong_entry.display()
        )),
        "{message}"
    );

    for message in [
        Baseline::read(&missing).unwrap_err().to_string(),
        Baseline::read(&broken).unwrap_err().to_string(),
    ] {
        assert!(!message.contains('\n'), "{message}");
    }
}
