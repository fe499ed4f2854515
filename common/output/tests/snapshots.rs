//! Every format for one small realistic run, reviewed as a whole: what a
//! user sees when they pick the format. Stored in `snapshots/output/`.

mod common;

use std::path::PathBuf;

use common::*;
use output::{Notice, Run, Severity, SourceLocation, Status, Subject, Suppressed};

/// `extharness check dist/spam-...whl --module _testsinglephase broken.so`:
/// a wheel member with a crash and a warning, a module name, a file that
/// could not be checked, and a notice about the configuration.
fn run() -> Run {
    let label = format!("{WHEEL}!{MEMBER}");
    let mut crash = diagnostic(
        "reinit-crash",
        Severity::Error,
        "SIGSEGV in cycle 2 at spam_clear (spam.c:88)",
        &label,
    );
    crash.context = Some("CPython 3.12.1, scenario reinit".into());
    crash.source = Some(SourceLocation {
        file: "/work/repo/src/spam.c".into(),
        line: 88,
    });
    crash.properties.insert("signal".into(), "SIGSEGV".into());
    let mut state = diagnostic(
        "singleton-state",
        Severity::Warning,
        "`_cache` keeps its value across re-imports",
        &label,
    );
    state.context = Some("CPython 3.12.1, scenario reimport".into());
    let member = Subject {
        label,
        file: Some(WHEEL.into()),
        member: Some(MEMBER.into()),
        module: Some("spam._native".into()),
        status: Status::Checked,
        checked: vec!["singleton-state", "reinit-crash"],
        suppressed: vec![Suppressed {
            check: "reimport-refused",
            reason: "single-phase by design, see #7".into(),
        }],
        diagnostics: vec![state, crash],
    };
    let mut refused = diagnostic(
        "reimport-refused",
        Severity::Info,
        "ImportError: module _testsinglephase does not support loading in subinterpreters",
        "_testsinglephase",
    );
    refused.context = Some("CPython 3.12.1, scenario subinterpreter".into());
    let module = Subject {
        label: "_testsinglephase".into(),
        file: None,
        member: None,
        module: Some("_testsinglephase".into()),
        status: Status::Checked,
        checked: vec!["singleton-state", "reinit-crash", "reimport-refused"],
        suppressed: Vec::new(),
        diagnostics: vec![refused],
    };
    let broken = Subject {
        label: "build/broken.cpython-312-x86_64-linux-gnu.so".into(),
        file: Some("build/broken.cpython-312-x86_64-linux-gnu.so".into()),
        member: None,
        module: None,
        status: Status::Error("harness error: child exited before reporting".into()),
        checked: Vec::new(),
        suppressed: Vec::new(),
        diagnostics: Vec::new(),
    };
    Run {
        tool: HARNESS,
        rules: harness_rules()[..3].to_vec(),
        subjects: vec![member, module, broken],
        notices: vec![Notice {
            level: Severity::Warning,
            message: "unused ignore: `singleton-state` for `build/old/*.so`".into(),
            file: Some("pyproject.toml".into()),
            line: Some(31),
        }],
        cwd: PathBuf::from("/work/repo"),
    }
}

#[test]
fn every_format_matches_its_snapshot() {
    let run = run();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../../snapshots/output");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        insta::assert_snapshot!("json_lines", output::json_lines(&run));
        insta::assert_snapshot!("sarif", output::sarif(&run));
        insta::assert_snapshot!("junit", output::junit(&run));
        insta::assert_snapshot!("github", output::github(&run));
    });
}
