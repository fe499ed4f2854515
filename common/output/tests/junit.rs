//! JUnit XML: well-formed for any input, counts that add up, the layout the
//! module documents, and valid against the Jenkins JUnit schema.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::xml::{Element, parse};
use common::*;
use output::{Run, Severity, Status, junit};
use proptest::prelude::*;

fn xml_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

/// What a string reads back as: without the characters XML cannot hold.
fn kept(text: &str) -> String {
    text.chars().filter(|c| xml_char(*c)).collect()
}

fn render(run: &Run) -> Element {
    let document = junit(run);
    assert!(document.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    parse(&document).unwrap_or_else(|e| panic!("not well-formed: {e}\n{document}"))
}

fn suite<'a>(root: &'a Element, name: &str) -> &'a Element {
    root.children_named("testsuite")
        .find(|s| s.attribute("name") == Some(name))
        .unwrap_or_else(|| panic!("no suite {name}"))
}

fn case<'a>(suite: &'a Element, name: &str) -> &'a Element {
    suite
        .children_named("testcase")
        .find(|c| c.attribute("name") == Some(name))
        .unwrap_or_else(|| panic!("no case {name}"))
}

/// Each suite's counts are those of its cases, and the root's the sums.
fn counts_add_up(root: &Element) -> Result<(), String> {
    let mut totals = [0usize; 3];
    for suite in root.children_named("testsuite") {
        let cases: Vec<&Element> = suite.children_named("testcase").collect();
        let with = |name: &str| cases.iter().filter(|c| c.child(name).is_some()).count();
        let expected = [cases.len(), with("failure"), with("error"), with("skipped")];
        let found = ["tests", "failures", "errors", "skipped"].map(|a| suite.count(a));
        if expected != found {
            return Err(format!(
                "suite {:?}: {found:?} != {expected:?}",
                suite.attribute("name")
            ));
        }
        for (total, n) in totals.iter_mut().zip(&expected[..3]) {
            *total += n;
        }
    }
    let found = ["tests", "failures", "errors"].map(|a| root.count(a));
    if found != totals {
        return Err(format!("testsuites: {found:?} != {totals:?}"));
    }
    Ok(())
}

#[test]
fn an_inspector_run_has_the_documented_layout() {
    let run = inspector_run();
    let root = render(&run);
    assert_eq!(root.name, "testsuites");
    assert_eq!(root.attribute("name"), Some("extinspect"));
    counts_add_up(&root).unwrap();
    let suites: Vec<_> = root.children_named("testsuite").collect();
    assert_eq!(
        suites.len(),
        run.subjects.len() + 1,
        "one per subject, one for the notices"
    );

    let member = suite(&root, &run.subjects[0].label);
    assert_eq!(member.count("tests"), run.rules.len());
    assert_eq!(member.count("failures"), 1);
    assert_eq!(member.count("skipped"), 1);
    let missing = case(member, "missing-init-symbol");
    assert_eq!(
        missing.attribute("classname"),
        Some(run.subjects[0].label.as_str())
    );
    let failure = missing.child("failure").unwrap();
    assert_eq!(failure.attribute("type"), Some("missing-init-symbol"));
    assert_eq!(
        failure.attribute("message"),
        Some(run.subjects[0].diagnostics[0].message.as_str())
    );
    assert_eq!(
        failure.text,
        format!("error: {}\n", run.subjects[0].diagnostics[0].message)
    );
    let private = case(member, "private-api");
    assert!(private.child("failure").is_none(), "warnings do not fail");
    assert!(
        private
            .child("system-out")
            .unwrap()
            .text
            .starts_with("warning: uses 2 private")
    );
    let ignored = case(member, "single-phase-init");
    assert_eq!(
        ignored.child("skipped").unwrap().attribute("message"),
        Some("ignored: legacy module, tracked in #12")
    );

    let init_py = suite(&root, &run.subjects[3].label);
    assert_eq!(init_py.count("tests"), 1);
    let only = case(init_py, &run.subjects[3].label);
    assert_eq!(
        only.child("skipped").unwrap().attribute("message"),
        Some("not an extension module")
    );

    let broken = suite(&root, &run.subjects[4].label);
    let only = case(broken, &run.subjects[4].label);
    assert_eq!(
        only.child("error").unwrap().attribute("message"),
        Some("unreadable: ELF header cut short at 12 bytes")
    );

    let notices = suite(&root, "extinspect");
    assert_eq!(notices.count("tests"), 0);
    assert_eq!(
        notices.child("system-out").unwrap().text,
        "warning: unused suppression: `abi3-candidate` for `build/old/*.so` matched no file (pyproject.toml:42)\n"
    );
}

#[test]
fn harness_contexts_and_source_lines_are_in_the_text() {
    let run = harness_run();
    let root = render(&run);
    counts_add_up(&root).unwrap();
    let state = suite(&root, &run.subjects[0].label);
    let crash = case(state, "reinit-crash").child("failure").unwrap();
    assert_eq!(
        crash.text,
        "error: SIGABRT in cycle 2 at abort_reinit_init (abort_reinit.c:57) (CPython 3.12.1, scenario reinit)\n  at /work/repo/sample-modules/c/abort_reinit.c:57\n"
    );
    let module = suite(&root, "_testsinglephase");
    let refused = case(module, "reimport-refused");
    assert!(refused.child("failure").is_none());
    assert!(
        refused
            .child("system-out")
            .unwrap()
            .text
            .starts_with("info: ImportError")
    );
    assert_eq!(root.count("errors"), 1);
    let empty = render(&empty_run(HARNESS, harness_rules()));
    assert_eq!(
        (
            empty.count("tests"),
            empty.count("failures"),
            empty.count("errors")
        ),
        (0, 0, 0)
    );
    assert!(empty.children.is_empty());
}

/// The counts a run must produce, worked out from the run itself.
fn expected_counts(run: &Run) -> [usize; 3] {
    let [mut tests, mut failures, mut errors] = [0; 3];
    for subject in &run.subjects {
        match subject.status {
            Status::Checked => {}
            Status::Skipped(_) => tests += 1,
            Status::Error(_) => {
                tests += 1;
                errors += 1;
            }
        }
        let mut checks: Vec<&str> = subject.checked.clone();
        for d in &subject.diagnostics {
            if !checks.contains(&d.check) {
                checks.push(d.check);
            }
        }
        let mut seen = Vec::new();
        for check in &checks {
            if seen.contains(check) {
                continue;
            }
            seen.push(*check);
            tests += 1;
            let failing = subject
                .diagnostics
                .iter()
                .any(|d| d.check == *check && d.severity == Severity::Error);
            failures += usize::from(failing);
        }
        tests += subject
            .suppressed
            .iter()
            .filter(|s| !checks.contains(&s.check))
            .count();
    }
    [tests, failures, errors]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any strings: the document is well-formed XML 1.0, the counts are
    /// those of the run, and every name and message reads back as written
    /// (less the characters XML cannot hold).
    #[test]
    fn hostile_runs_stay_well_formed(run in hostile_run()) {
        let document = junit(&run);
        let root = parse(&document).map_err(|e| TestCaseError::fail(format!("{e}\n{document}")))?;
        counts_add_up(&root).map_err(TestCaseError::fail)?;
        let found = ["tests", "failures", "errors"].map(|a| root.count(a));
        prop_assert_eq!(found, expected_counts(&run));
        let suites: Vec<&Element> = root.children_named("testsuite").collect();
        prop_assert_eq!(suites.len(), run.subjects.len() + usize::from(!run.notices.is_empty()));
        for (subject, suite) in run.subjects.iter().zip(&suites) {
            let label = kept(&subject.label);
            prop_assert_eq!(suite.attribute("name"), Some(label.as_str()));
            for case in suite.children_named("testcase") {
                prop_assert_eq!(case.attribute("classname"), Some(label.as_str()));
            }
            if let Status::Skipped(why) | Status::Error(why) = &subject.status {
                let first = suite.children_named("testcase").next().unwrap();
                let outcome = first.child("skipped").or(first.child("error")).unwrap();
                let why = kept(why);
                prop_assert_eq!(outcome.attribute("message"), Some(why.as_str()));
            }
            for diagnostic in &subject.diagnostics {
                let case = suite
                    .children_named("testcase")
                    .find(|c| c.attribute("name") == Some(diagnostic.check))
                    .unwrap();
                let line = format!("{}: {}", diagnostic.severity.name(), kept(&diagnostic.message));
                let text = match diagnostic.severity {
                    Severity::Error => &case.child("failure").unwrap().text,
                    _ => &case.child("system-out").unwrap().text,
                };
                prop_assert!(text.contains(&line), "{:?} not in {:?}", line, text);
            }
        }
        for notice in &run.notices {
            let out = &suites.last().unwrap().child("system-out").unwrap().text;
            prop_assert!(out.contains(&kept(&notice.message)));
        }
    }
}

fn xmllint_problems(xmllint: &std::path::Path, document: &str) -> Option<String> {
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/junit-10.xsd");
    let mut child = Command::new(xmllint)
        .args(["--noout", "--nonet", "--schema", schema, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xmllint runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(document.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (!output.status.success()).then(|| String::from_utf8_lossy(&output.stderr).into_owned())
}

/// The Jenkins xUnit plugin's `junit-10.xsd` accepts every realistic run
/// and one made of hostile strings; and it does reject what it should (a
/// `skipped` count on `<testsuites>`, which is why there is none).
#[test]
fn documents_are_valid_against_the_jenkins_schema() {
    let Some(xmllint) = required_tool("xmllint") else {
        return;
    };
    let mut runs = realistic_runs();
    let mut hostile = harness_run();
    hostile.subjects[0].label = "a<b>&\"c\"\u{1}\r\n\t]]>'\u{fffe}".into();
    hostile.subjects[0].diagnostics[1].message = "x\0y\r\nz]]>&amp;".into();
    hostile.subjects[1].suppressed.push(output::Suppressed {
        check: "test-leak",
        reason: "\"quoted\" <reason>\n".into(),
    });
    hostile.notices[0].message = "\u{1b}[31mred\u{1b}[0m".into();
    runs.push(("hostile", hostile));
    for (name, run) in &runs {
        let document = junit(run);
        if let Some(problems) = xmllint_problems(&xmllint, &document) {
            panic!("{name}: {problems}\n{document}");
        }
    }
    let invalid = junit(&inspector_run()).replacen("errors=\"1\"", "errors=\"1\" skipped=\"1\"", 1);
    assert!(
        xmllint_problems(&xmllint, &invalid).is_some(),
        "the schema check is not vacuous"
    );
}
