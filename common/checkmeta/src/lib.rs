//! What a check is, for both tools: its id, severity, group and
//! documentation. The configuration, the CI formats and both tools' check
//! registries need only this, so it stands apart from the checks
//! themselves (and from the binary readers and ABI tables they pull in).

use serde::Serialize;

/// How bad a finding is. Only `Error` fails a run (exit status 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Which part of the toolkit raises a check: users read it in the index of
/// checks, and the tools decide by it (a JUnit report lists a module's
/// scenario checks, `extharness pytest` reports only its own), so it is
/// data on the check, never read off the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    /// `extinspect`, from the binary.
    Inspector,
    /// `extharness check`, from a scenario's child interpreter.
    Scenario,
    /// `extharness pytest`, from the project's own test suite.
    Pytest,
}

impl Group {
    /// The command that reports checks of this group.
    pub fn tool(self) -> &'static str {
        match self {
            Group::Inspector => "extinspect",
            Group::Scenario => "extharness check",
            Group::Pytest => "extharness pytest",
        }
    }
}

/// A check's identity and documentation. The documentation is the doc
/// comment on the check's type, captured by [`declare_meta!`], so that
/// `explain` and `docs/checks/*.md` cannot drift from the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckMeta {
    pub id: &'static str,
    pub severity: Severity,
    pub group: Group,
    pub doc: &'static str,
    /// Selected when the configuration and the command line select
    /// nothing, as ruff's default rule set: a CI gate starts from the
    /// checks worth failing or warning on; `--select ALL` adds the rest.
    pub default_selected: bool,
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

/// Declares a unit type whose doc comment becomes its documentation, with
/// its [`CheckMeta`] as the associated constant `META`. This is the one
/// place a doc comment is captured: the inspector's checks go through it
/// (by way of their `declare_check!`), and so do the harness's.
///
/// ```
/// checkmeta::declare_meta! {
///     /// ## What it does
///     /// Reports spam.
///     pub struct Spam { id: "spam", severity: Warning, group: Scenario }
/// }
///
/// assert_eq!(Spam::META.id, "spam");
/// assert_eq!(Spam::META.severity, checkmeta::Severity::Warning);
/// assert_eq!(Spam::META.group, checkmeta::Group::Scenario);
/// assert_eq!(Spam::META.doc, " ## What it does\n Reports spam.\n");
/// assert_eq!(Spam::META.summary(), "Reports spam.");
/// ```
#[macro_export]
macro_rules! declare_meta {
    (
        $(#[doc = $doc:literal])+
        pub struct $name:ident {
            id: $id:literal,
            severity: $severity:ident,
            group: $group:ident
            $(, selected_by_default: $selected:literal)? $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        pub struct $name;

        impl $name {
            pub const META: $crate::CheckMeta = $crate::CheckMeta {
                id: $id,
                severity: $crate::Severity::$severity,
                group: $crate::Group::$group,
                doc: concat!($($doc, "\n"),+),
                default_selected: $crate::__selected_by_default!($($selected)?),
            };
        }
    };
}

/// `selected_by_default` of [`declare_meta!`]: true unless a check says.
#[doc(hidden)]
#[macro_export]
macro_rules! __selected_by_default {
    () => {
        true
    };
    ($selected:literal) => {
        $selected
    };
}

/// What is wrong with a registry's metadata: duplicate ids, ids that are
/// not kebab-case, docs without the four headings or without a summary.
/// Both tools' registry tests assert this is empty, over both registries
/// at once, since a configuration file names the checks of both.
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

#[cfg(test)]
mod tests {
    use super::*;

    declare_meta! {
        /// ## What it does
        /// Reports eggs. And more.
        ///
        /// ## Why is this bad?
        /// x
        ///
        /// ## Example
        /// x
        ///
        /// ## How to fix
        /// x
        pub struct Eggs { id: "eggs", severity: Info, group: Inspector }
    }

    declare_meta! {
        /// Undocumented.
        pub struct Bad { id: "Bad_id", severity: Error, group: Pytest }
    }

    #[test]
    fn a_documented_registry_has_no_problems() {
        assert!(registry_problems([&Eggs::META]).is_empty());
        assert_eq!(Eggs::META.summary(), "Reports eggs.");
    }

    #[test]
    fn every_problem_is_named() {
        let problems = registry_problems([&Eggs::META, &Bad::META, &Eggs::META]);
        assert!(problems.contains(&"duplicate id eggs".to_string()));
        assert!(problems.contains(&"Bad_id is not kebab-case".to_string()));
        assert!(problems.contains(&"Bad_id lacks ## Example".to_string()));
        assert!(problems.contains(&"Bad_id has no summary".to_string()));
    }
}
