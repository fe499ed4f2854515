//! JUnit XML, for the test-report views of Jenkins, GitLab, Azure DevOps
//! and the GitHub test-reporter actions.
//!
//! `<testsuites name=TOOL tests failures errors>` holds one `<testsuite>`
//! per subject, named by its label, with `tests`, `failures`, `errors` and
//! `skipped` counts. (The root carries no `skipped` count: the Jenkins
//! schema most consumers validate against, `junit-10.xsd`, does not allow
//! one there; the per-suite counts add up to it.) In a subject's suite:
//!
//! - a subject that was not checked has one case named after it, with
//!   `<skipped message=WHY/>` (`Status::Skipped`) or `<error message=WHY/>`
//!   (`Status::Error`);
//! - every check that ran (and any check a diagnostic names) is a case
//!   `<testcase classname=LABEL name=CHECK>`. With error-severity
//!   diagnostics it has one `<failure message=FIRST type=CHECK>` whose text
//!   lists each of them (`error: message (context)`, and `  at file:line`
//!   for a source line); warnings and infos do not fail, and are listed the
//!   same way in the case's `<system-out>`;
//! - a check a per-file ignore suppressed is a case with
//!   `<skipped message="ignored: REASON"/>`.
//!
//! Notices, which are about the run rather than a test, are the
//! `<system-out>` of a last suite named after the tool, with no cases
//! (present only when there are notices).
//!
//! The document is well-formed for any input: characters XML 1.0 forbids
//! are dropped, markup characters escaped, and whitespace in attributes
//! written as character references so that it survives a parser's
//! normalisation.

mod cases;
mod xml_text;

use std::borrow::Cow;

use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesStart, BytesText, Event};
use quick_xml::name::QName;

use crate::view::Run;
use cases::{Case, Outcome, Suite, errored, failed, notice_suite, skipped, subject_suite};

/// The run as a JUnit XML document.
pub fn junit(run: &Run) -> String {
    let mut suites: Vec<Suite> = run.subjects.iter().map(subject_suite).collect();
    if !run.notices.is_empty() {
        suites.push(notice_suite(run.tool.name, &run.notices));
    }
    let total =
        |outcome: fn(&Outcome) -> bool| -> usize { suites.iter().map(|s| s.count(outcome)).sum() };
    let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
    let root = element(
        "testsuites",
        &[
            ("name", run.tool.name.to_string()),
            ("tests", tests.to_string()),
            ("failures", total(failed).to_string()),
            ("errors", total(errored).to_string()),
        ],
    );

    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a `Vec` cannot fail.
    let infallible = "writing XML into memory";
    writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .expect(infallible);
    if suites.is_empty() {
        writer.write_event(Event::Empty(root)).expect(infallible);
    } else {
        writer
            .write_event(Event::Start(root.borrow()))
            .expect(infallible);
        for suite in &suites {
            write_suite(&mut writer, suite).expect(infallible);
        }
        writer
            .write_event(Event::End(root.to_end()))
            .expect(infallible);
    }
    let mut text = String::from_utf8(writer.into_inner()).expect("the writer was given UTF-8");
    text.push('\n');
    text
}

fn write_suite(writer: &mut Writer<Vec<u8>>, suite: &Suite) -> std::io::Result<()> {
    let start = element(
        "testsuite",
        &[
            ("name", suite.name.clone()),
            ("tests", suite.cases.len().to_string()),
            ("failures", suite.count(failed).to_string()),
            ("errors", suite.count(errored).to_string()),
            ("skipped", suite.count(skipped).to_string()),
        ],
    );
    if suite.cases.is_empty() && suite.system_out.is_none() {
        return writer.write_event(Event::Empty(start));
    }
    writer.write_event(Event::Start(start.borrow()))?;
    for case in &suite.cases {
        write_case(writer, case)?;
    }
    if let Some(out) = &suite.system_out {
        write_text_element(writer, element("system-out", &[]), out)?;
    }
    writer.write_event(Event::End(start.to_end()))
}

fn write_case(writer: &mut Writer<Vec<u8>>, case: &Case) -> std::io::Result<()> {
    let start = element(
        "testcase",
        &[
            ("classname", case.classname.clone()),
            ("name", case.name.clone()),
        ],
    );
    if matches!(case.outcome, Outcome::Passed) && case.system_out.is_none() {
        return writer.write_event(Event::Empty(start));
    }
    writer.write_event(Event::Start(start.borrow()))?;
    match &case.outcome {
        Outcome::Passed => {}
        Outcome::Failed {
            message,
            kind,
            text,
        } => {
            let failure = element(
                "failure",
                &[("message", message.clone()), ("type", kind.clone())],
            );
            write_text_element(writer, failure, text)?;
        }
        Outcome::Errored { message } => {
            let error = element("error", &[("message", message.clone())]);
            writer.write_event(Event::Empty(error))?;
        }
        Outcome::Skipped { message } => {
            let skipped = element("skipped", &[("message", message.clone())]);
            writer.write_event(Event::Empty(skipped))?;
        }
    }
    if let Some(out) = &case.system_out {
        write_text_element(writer, element("system-out", &[]), out)?;
    }
    writer.write_event(Event::End(start.to_end()))
}

fn write_text_element(
    writer: &mut Writer<Vec<u8>>,
    start: BytesStart<'_>,
    text: &str,
) -> std::io::Result<()> {
    writer.write_event(Event::Start(start.borrow()))?;
    writer.write_event(Event::Text(BytesText::from_escaped(xml_text::escape_text(
        text,
    ))))?;
    writer.write_event(Event::End(start.to_end()))
}

/// A start tag whose attribute values are escaped here, not by quick-xml,
/// which leaves newlines and forbidden characters as they are.
fn element(name: &'static str, attributes: &[(&'static str, String)]) -> BytesStart<'static> {
    let mut start = BytesStart::new(name);
    for (key, value) in attributes {
        start.push_attribute(Attribute {
            key: QName(key),
            value: Cow::Owned(xml_text::escape_attribute(value)),
        });
    }
    start
}
