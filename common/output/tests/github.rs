//! GitHub Actions workflow commands: one line per finding whatever the
//! text, read back as the runner reads them.

mod common;

use common::*;
use output::{Run, Severity, Status, github};
use proptest::prelude::*;

#[derive(Debug, PartialEq)]
struct Command {
    name: String,
    properties: Vec<(String, String)>,
    message: String,
}

/// The runner's reading of a line (`actions/runner`, `ActionCommand`):
/// the command up to the first `::` after the leading one, properties
/// split at `,` and at the first `=`, then unescaped.
fn read(line: &str) -> Option<Command> {
    let rest = line.strip_prefix("::")?;
    let end = rest.find("::")?;
    let (info, message) = (&rest[..end], &rest[end + 2..]);
    let (name, properties) = match info.split_once(' ') {
        Some((name, properties)) => (name, properties),
        None => (info, ""),
    };
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (key, value) = p.split_once('=').unwrap_or((p, ""));
            (key.to_string(), unescape_property(value))
        })
        .collect();
    Some(Command {
        name: name.to_string(),
        properties,
        message: unescape_data(message),
    })
}

fn unescape_data(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

fn unescape_property(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

fn command_for(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

fn props(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The commands a run must produce, worked out from the module's
/// documentation.
fn expected(run: &Run) -> Vec<Command> {
    let mut all = Vec::new();
    for subject in &run.subjects {
        let file = subject.file.as_deref().filter(|f| !f.is_empty());
        for d in &subject.diagnostics {
            let qualifier = match (&subject.member, file) {
                (Some(member), Some(_)) => Some(member.as_str()),
                // The label is the file as given, even an empty one.
                _ if subject.file.as_deref() == Some(subject.label.as_str()) => None,
                _ => Some(subject.label.as_str()),
            };
            let mut message = qualifier.map(|q| format!("{q}: ")).unwrap_or_default();
            message.push_str(&d.message);
            if let Some(context) = &d.context {
                message.push_str(&format!(" ({context})"));
            }
            let mut properties = Vec::new();
            if let Some(file) = file {
                properties.push(("file", file));
                properties.push(("line", "1"));
            }
            properties.push(("title", d.check));
            all.push(Command {
                name: command_for(d.severity).into(),
                properties: props(&properties),
                message,
            });
        }
        if let Status::Error(why) = &subject.status {
            let mut properties = Vec::new();
            if let Some(file) = file {
                properties.push(("file", file));
            }
            properties.push(("title", run.tool.name));
            all.push(Command {
                name: "error".into(),
                properties: props(&properties),
                message: format!("{}: {why}", subject.label),
            });
        }
    }
    for notice in &run.notices {
        let line = notice.line.map(|l| l.to_string());
        let mut properties = Vec::new();
        if let Some(file) = notice.file.as_deref().filter(|f| !f.is_empty()) {
            properties.push(("file", file));
            if let Some(line) = &line {
                properties.push(("line", line.as_str()));
            }
        }
        properties.push(("title", run.tool.name));
        all.push(Command {
            name: command_for(notice.level).into(),
            properties: props(&properties),
            message: notice.message.clone(),
        });
    }
    all
}

fn read_all(text: &str) -> Vec<Command> {
    assert!(text.is_empty() || text.ends_with('\n'));
    assert!(
        !text.contains('\r'),
        "a carriage return would end a line for some readers"
    );
    text.lines()
        .map(|line| read(line).unwrap_or_else(|| panic!("not a workflow command: {line:?}")))
        .collect()
}

#[test]
fn realistic_runs_read_back_as_documented() {
    for (name, run) in realistic_runs() {
        assert_eq!(read_all(&github(&run)), expected(&run), "{name}");
    }
    assert_eq!(github(&empty_run(INSPECTOR, inspector_rules())), "");
}

#[test]
fn lines_name_the_member_the_test_and_the_module() {
    let text = github(&inspector_run());
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "::error file={WHEEL},line=1,title=missing-init-symbol::{MEMBER}: no exported init function `PyInit__native` for module `_native`; it exports `PyInit_native`; did you mean module `native`? (rename the file, or the init function)"
        )
    );
    assert!(
        text.contains("::warning file=pyproject.toml,line=42,title=extinspect::unused suppression")
    );
    let harness = github(&harness_run());
    assert!(harness.contains(
        "::notice title=reimport-refused::_testsinglephase: ImportError: module _testsinglephase does not support loading in subinterpreters (CPython 3.12.1, scenario subinterpreter)\n"
    ));
    assert!(harness.contains(
        "::error file=tests/test_leaks.py,line=1,title=test-leak::tests/test_leaks.py::test_roundtrip[small]: leaks 1 reference per run"
    ));
}

#[test]
fn escaping_follows_the_toolkit() {
    let mut run = empty_run(INSPECTOR, inspector_rules());
    run.notices.push(output::Notice {
        level: Severity::Error,
        message: "100% broken\r\nsecond: line, really".into(),
        file: Some("C:\\a,b:c.toml".into()),
        line: Some(3),
    });
    assert_eq!(
        github(&run),
        "::error file=C%3A\\a%2Cb%3Ac.toml,line=3,title=extinspect::100%25 broken%0D%0Asecond: line, really\n"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any strings: one line per command, and each reads back, unescaped,
    /// as what the run holds.
    #[test]
    fn hostile_runs_round_trip(run in hostile_run()) {
        let text = github(&run);
        let expected = expected(&run);
        prop_assert_eq!(text.lines().count(), expected.len());
        prop_assert_eq!(text.matches('\n').count(), expected.len());
        prop_assert_eq!(read_all(&text), expected);
    }
}
