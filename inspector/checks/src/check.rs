//! What a check is: an id, a severity, its documentation and a function
//! over the facts of one file.

use crate::facts::Facts;
use crate::finding::Finding;
use crate::severity::Severity;

/// A check's identity and documentation. The documentation is the doc
/// comment on the check's type, captured by
/// [`declare_meta!`](crate::declare_meta), so that
/// `extinspect explain` and `docs/checks/*.md` cannot drift from the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckMeta {
    pub id: &'static str,
    pub severity: Severity,
    pub doc: &'static str,
}

impl CheckMeta {
    /// The first sentence under `## What it does`, for listings.
    pub fn summary(&self) -> String {
        let mut lines = self
            .doc
            .lines()
            .map(str::trim)
            .skip_while(|l| *l != "## What it does")
            .skip(1)
            .skip_while(|l| l.is_empty());
        let mut summary = String::new();
        for line in lines.by_ref().take_while(|l| !l.is_empty()) {
            if !summary.is_empty() {
                summary.push(' ');
            }
            summary.push_str(line);
        }
        match summary.find(". ") {
            Some(end) => summary[..=end].to_string(),
            None => summary,
        }
    }
}

/// A registered check. `run` is `None` for checks the driver raises
/// itself (`unreadable-file`: there are no facts about a file that cannot
/// be parsed).
#[derive(Debug, Clone, Copy)]
pub struct Check {
    pub meta: CheckMeta,
    pub run: Option<fn(&Facts<'_>, &mut Vec<Finding>)>,
}

/// Declares a unit type whose doc comment becomes its documentation, with
/// its [`CheckMeta`] as the associated constant `META`. This is the one
/// place the doc comment is captured: the inspector's checks go through it
/// (by way of `declare_check!`), and so does any other crate that keeps a
/// registry of documented findings, such as the runtime harness.
///
/// ```
/// checks::declare_meta! {
///     /// ## What it does
///     /// Reports spam.
///     pub struct Spam { id: "spam", severity: Warning }
/// }
///
/// assert_eq!(Spam::META.id, "spam");
/// assert_eq!(Spam::META.severity, checks::Severity::Warning);
/// assert_eq!(Spam::META.doc, " ## What it does\n Reports spam.\n");
/// assert_eq!(Spam::META.summary(), "Reports spam.");
/// ```
#[macro_export]
macro_rules! declare_meta {
    (
        $(#[doc = $doc:literal])+
        pub struct $name:ident {
            id: $id:literal,
            severity: $severity:ident $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        pub struct $name;

        impl $name {
            pub const META: $crate::CheckMeta = $crate::CheckMeta {
                id: $id,
                severity: $crate::Severity::$severity,
                doc: concat!($($doc, "\n"),+),
            };
        }
    };
}

/// Declares a check type whose doc comment becomes its documentation:
/// [`declare_meta!`](crate::declare_meta) plus the constant `CHECK` that
/// pairs `META` with the check's function.
macro_rules! declare_check {
    (
        $(#[doc = $doc:literal])+
        pub struct $name:ident {
            id: $id:literal,
            severity: $severity:ident,
            run: $run:expr $(,)?
        }
    ) => {
        $crate::declare_meta! {
            $(#[doc = $doc])+
            pub struct $name {
                id: $id,
                severity: $severity,
            }
        }

        impl $name {
            pub const CHECK: $crate::check::Check = $crate::check::Check {
                meta: Self::META,
                run: $run,
            };
        }
    };
}
pub(crate) use declare_check;

/// What is wrong with a registry's metadata: duplicate ids, ids that are
/// not kebab-case, docs without the four headings or without a summary.
/// Both tools' registry tests assert this is empty.
pub fn registry_problems<'a>(metas: impl IntoIterator<Item = &'a CheckMeta>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for meta in metas {
        if !seen.insert(meta.id) {
            problems.push(format!("duplicate id {}", meta.id));
        }
        if !meta
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            problems.push(format!("{} is not kebab-case", meta.id));
        }
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## How to fix",
        ] {
            if !meta.doc.contains(heading) {
                problems.push(format!("{} lacks {heading}", meta.id));
            }
        }
        if meta.summary().is_empty() {
            problems.push(format!("{} has no summary", meta.id));
        }
    }
    problems
}

/// Strips the one leading space rustdoc leaves on each `///` line.
pub fn doc_text(doc: &str) -> String {
    let mut text: String = doc
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    text.push('\n');
    text
}
