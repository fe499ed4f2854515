//! The same finding on several interpreters, said once: "on 3.8–3.11,
//! 3.13". Two findings are the same when their check, severity, message
//! and evidence agree once what names the interpreter is taken out (its
//! version, its path, its tag in file names, addresses); the tracebacks,
//! native stacks and stderr, which differ in line numbers of CPython's own
//! code and in addresses, are not compared, and the group shows the first
//! interpreter's. Anything else that differs keeps the findings apart: a
//! wrong merge would hide a difference, a missed one only repeats a line.

use harness::{Finding, InterpreterReport, ModuleReport};
use serde_json::Value;

/// Evidence that differs between interpreters in its details without
/// making the finding another one.
const PER_RUN: &[&str] = &[
    "python_traceback",
    "native_stack",
    "stderr",
    "allocator_report",
];

/// A finding and the interpreters (indices into the module's) it was
/// raised on.
pub struct Group<'a> {
    pub finding: &'a Finding,
    pub on: Vec<usize>,
    /// The members' per-run evidence is not all the same as the first's.
    pub details_differ: bool,
}

/// The module's findings, grouped, in the order of their first appearance.
pub fn groups(module: &ModuleReport) -> Vec<Group<'_>> {
    let mut groups: Vec<(String, String, Group)> = Vec::new();
    for (index, interpreter) in module.interpreters.iter().enumerate() {
        for finding in &interpreter.findings {
            let key = key(finding, interpreter);
            let details = details(finding, interpreter);
            // A finding joins a group only once per interpreter: two equal
            // findings under one interpreter stay two.
            match groups
                .iter_mut()
                .find(|(k, _, g)| *k == key && !g.on.contains(&index))
            {
                Some((_, first, group)) => {
                    group.on.push(index);
                    group.details_differ |= *first != details;
                }
                None => groups.push((
                    key,
                    details,
                    Group {
                        finding,
                        on: vec![index],
                        details_differ: false,
                    },
                )),
            }
        }
    }
    groups.into_iter().map(|(_, _, g)| g).collect()
}

fn key(finding: &Finding, interpreter: &InterpreterReport) -> String {
    let mut evidence = finding.evidence.clone();
    evidence.retain(|k, _| !PER_RUN.contains(&k.as_str()));
    normalise(
        &format!(
            "{}\u{0}{}\u{0}{}\u{0}{}",
            finding.check,
            finding.severity.name(),
            finding.message,
            Value::Object(evidence)
        ),
        interpreter,
    )
}

fn details(finding: &Finding, interpreter: &InterpreterReport) -> String {
    let mut evidence = finding.evidence.clone();
    evidence.retain(|k, _| PER_RUN.contains(&k.as_str()));
    normalise(&Value::Object(evidence).to_string(), interpreter)
}

/// The text with the interpreter's names for itself replaced: its path,
/// `3.12.1d`, `3.12.1`, `3.12`, `cpython-312`, `python3.12`, and
/// addresses.
fn normalise(text: &str, interpreter: &InterpreterReport) -> String {
    let mut text = text.replace(&interpreter.python.display().to_string(), "{python}");
    let (numbers, _) = split_version(&interpreter.version);
    let parts: Vec<&str> = numbers.split('.').collect();
    let mut names = vec![interpreter.version.clone(), numbers.to_string()];
    if let [major, minor, ..] = parts.as_slice() {
        names.push(format!("cpython-{major}{minor}"));
        names.push(format!("{major}.{minor}"));
    }
    for name in names.iter().filter(|n| !n.is_empty()) {
        text = replace_word(&text, name, "{version}");
    }
    hex_addresses(&text)
}

/// `3.12.1d` → (`3.12.1`, `d`).
fn split_version(version: &str) -> (&str, &str) {
    let end = version
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(version.len());
    version.split_at(end)
}

/// Occurrences of `word` not inside a longer number (`3.12` in `13.12` or
/// `3.121` stays).
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let number = |c: char| c.is_ascii_digit() || c == '.';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + word.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(|c| c.is_ascii_digit())
            || after.is_some_and(|c| c.is_ascii_digit())
            || (after == Some('.')
                && rest[at + word.len() + 1..]
                    .chars()
                    .next()
                    .is_some_and(number))
        {
            out.push_str(word);
        } else {
            out.push_str(with);
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

fn hex_addresses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '0' && text[i + 1..].starts_with('x') {
            let digits = text[i + 2..]
                .chars()
                .take_while(char::is_ascii_hexdigit)
                .count();
            if digits > 0 {
                out.push_str("0x…");
                for _ in 0..digits + 1 {
                    chars.next();
                }
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The interpreters' names in a group: `3.12`, `3.12d` (the abiflags
/// kept), the full version when two of the module's would read the same.
pub fn labels(module: &ModuleReport) -> Vec<String> {
    let short: Vec<String> = module
        .interpreters
        .iter()
        .map(|i| {
            let (numbers, flags) = split_version(&i.version);
            let minor: Vec<&str> = numbers.split('.').take(2).collect();
            format!("{}{flags}", minor.join("."))
        })
        .collect();
    short
        .iter()
        .enumerate()
        .map(|(i, label)| {
            if short.iter().filter(|l| *l == label).count() > 1 {
                module.interpreters[i].version.clone()
            } else {
                label.clone()
            }
        })
        .collect()
}

/// `3.8–3.11, 3.13`: runs of three or more of the module's interpreters in
/// a row as a range.
pub fn on(members: &[usize], labels: &[String]) -> String {
    let mut parts = Vec::new();
    let mut start = 0;
    while start < members.len() {
        let mut end = start;
        while end + 1 < members.len() && members[end + 1] == members[end] + 1 {
            end += 1;
        }
        if end - start >= 2 {
            parts.push(format!(
                "{}–{}",
                labels[members[start]], labels[members[end]]
            ));
        } else {
            for &member in &members[start..=end] {
                parts.push(labels[member].clone());
            }
        }
        start = end + 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interpreter(version: &str) -> InterpreterReport {
        InterpreterReport {
            python: format!("/opt/python/{version}/bin/python3").into(),
            environment: None,
            environment_note: None,
            version: version.into(),
            debug: version.ends_with('d'),
            scenarios: Vec::new(),
            findings: Vec::new(),
        }
    }

    #[test]
    fn the_interpreters_names_for_itself_are_taken_out_and_nothing_else() {
        let i = interpreter("3.12.1");
        assert_eq!(
            normalise(
                "/opt/python/3.12.1/bin/python3 loaded m.cpython-312-x86_64-linux-gnu.so on 3.12 (3.12.1) at 0x7f12ab, 13.12 and 3.121 and 3.12.7",
                &i
            ),
            "{python} loaded m.{version}-x86_64-linux-gnu.so on {version} ({version}) at 0x…, 13.12 and 3.121 and 3.12.7"
        );
    }

    #[test]
    fn ranges_need_three_in_a_row() {
        let labels: Vec<String> = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
            .map(String::from)
            .to_vec();
        assert_eq!(on(&[0, 1, 2, 3, 5], &labels), "3.8–3.11, 3.13");
        assert_eq!(on(&[0, 1, 3], &labels), "3.8, 3.9, 3.11");
        assert_eq!(on(&[4], &labels), "3.12");
    }

    #[test]
    fn two_builds_of_one_version_are_told_apart() {
        let module = ModuleReport {
            path: "m.so".into(),
            module: "m".into(),
            not_runnable: None,
            error: None,
            passed_over: Vec::new(),
            interpreters: vec![
                interpreter("3.11.2"),
                interpreter("3.11.2d"),
                interpreter("3.12.1"),
                interpreter("3.12.4"),
            ],
        };
        assert_eq!(labels(&module), ["3.11", "3.11d", "3.12.1", "3.12.4"]);
    }
}
