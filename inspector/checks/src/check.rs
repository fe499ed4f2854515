//! What a check is: an id, a severity, its documentation and a function
//! over the facts of one file.

use crate::facts::Facts;
use crate::finding::Finding;
use crate::severity::Severity;

/// A check's identity and documentation. The documentation is the doc
/// comment on the check's type, captured by [`declare_check!`], so that
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

/// Declares a check type whose doc comment becomes its documentation.
macro_rules! declare_check {
    (
        $(#[doc = $doc:literal])+
        pub struct $name:ident {
            id: $id:literal,
            severity: $severity:ident,
            run: $run:expr $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        pub struct $name;

        impl $name {
            pub const META: $crate::check::CheckMeta = $crate::check::CheckMeta {
                id: $id,
                severity: $crate::severity::Severity::$severity,
                doc: concat!($($doc, "\n"),+),
            };
            pub const CHECK: $crate::check::Check = $crate::check::Check {
                meta: Self::META,
                run: $run,
            };
        }
    };
}
pub(crate) use declare_check;

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
