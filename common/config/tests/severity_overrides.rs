//! `[severity]` changes how a finding is reported, and nothing else.

mod support;

use checkmeta::Severity;
use config::{FindingKey, Overrides, Policy, Verdict};
use support::{INSPECTOR, Project, key};

fn policy(project: &Project, text: &str) -> Policy {
    let config = project.config(text);
    Policy::new(
        &config,
        &Overrides::default(),
        "extinspect",
        INSPECTOR,
        None,
        project.root(),
    )
    .unwrap()
}

#[test]
fn an_override_raises_or_lowers_a_check_and_leaves_the_others() {
    let project = Project::new();
    let mut policy = policy(
        &project,
        "[severity]\nprivate-api = \"error\"\nmissing-init-symbol = \"info\"\n",
    );
    let at = |check, severity| FindingKey {
        severity,
        ..key(check, "x.so")
    };
    assert_eq!(
        policy.judge(&at("private-api", Severity::Warning)),
        Verdict::Report(Severity::Error)
    );
    assert_eq!(
        policy.judge(&at("missing-init-symbol", Severity::Error)),
        Verdict::Report(Severity::Info)
    );
    assert_eq!(
        policy.judge(&at("single-phase-init", Severity::Warning)),
        Verdict::Report(Severity::Warning)
    );
}

#[test]
fn suppression_and_selection_come_before_severity() {
    let project = Project::new();
    let text = "ignore = [\"abi3-candidate\"]\n\n[severity]\nprivate-api = \"error\"\nabi3-candidate = \"error\"\n\n[[per-file-ignores]]\npath = \"vendor/**\"\nchecks = [\"private-api\"]\nreason = \"vendored\"\n";
    let mut policy = policy(&project, text);
    assert_eq!(
        policy.judge(&key("private-api", "vendor/a/x.so")),
        Verdict::Suppressed {
            reason: "vendored".into()
        }
    );
    assert_eq!(
        policy.judge(&key("abi3-candidate", "x.so")),
        Verdict::Unselected
    );
}
