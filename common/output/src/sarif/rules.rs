//! `tool.driver.rules`: one reporting descriptor per check, built from the
//! check's own documentation so that GitHub shows what `extinspect explain`
//! shows.

use checkmeta::{CheckMeta, Severity};

use super::level;
use super::log::{Configuration, MultiformatText, ReportingDescriptor, Tags, Text};
use crate::view::Run;

/// GitHub's limits on a rule's `name` and on its descriptions, in
/// characters: longer ones are cut, and marked so.
const NAME_LIMIT: usize = 255;
const DESCRIPTION_LIMIT: usize = 1024;

/// The rules a run's results can refer to, in the order of
/// `tool.driver.rules`: the run's own, then any check a diagnostic names
/// that the run did not list (so that every `ruleId` resolves).
pub(super) struct RuleTable<'a> {
    run: &'a Run,
    ids: Vec<&'static str>,
}

impl<'a> RuleTable<'a> {
    pub fn new(run: &'a Run) -> RuleTable<'a> {
        let mut ids: Vec<&'static str> = Vec::new();
        let listed = run.rules.iter().map(|m| m.id);
        let named = run
            .subjects
            .iter()
            .flat_map(|s| s.diagnostics.iter().map(|d| d.check));
        for id in listed.chain(named) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        RuleTable { run, ids }
    }

    /// The index of `id` in `tool.driver.rules`.
    pub fn index(&self, id: &str) -> usize {
        self.ids
            .iter()
            .position(|known| *known == id)
            .expect("every diagnostic's check is in the table")
    }

    pub fn descriptors(&self) -> Vec<ReportingDescriptor> {
        self.ids
            .iter()
            .map(|id| match self.run.rules.iter().find(|m| m.id == *id) {
                Some(meta) => documented(self.run, meta),
                None => undocumented(self.run, id),
            })
            .collect()
    }
}

fn documented(run: &Run, meta: &CheckMeta) -> ReportingDescriptor {
    let help = checkmeta::doc_text(meta.doc).trim().to_string();
    let what = paragraphs(&section(&help, "## What it does"));
    let summary = meta.summary();
    let short = if summary.is_empty() {
        meta.id.to_string()
    } else {
        summary
    };
    let full = if what.is_empty() { short.clone() } else { what };
    ReportingDescriptor {
        id: meta.id.to_string(),
        name: limit(&upper_camel_case(meta.id), NAME_LIMIT),
        short_description: Text {
            text: limit(&short, DESCRIPTION_LIMIT),
        },
        full_description: Text {
            text: limit(&full, DESCRIPTION_LIMIT),
        },
        help: MultiformatText {
            text: help.clone(),
            markdown: help,
        },
        help_uri: help_uri(run, meta.id),
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: Tags {
            tags: vec![run.tool.name.to_string()],
        },
    }
}

/// A check the run reported but did not list: GitHub requires both
/// descriptions and help text, so they name the check and its page.
fn undocumented(run: &Run, id: &str) -> ReportingDescriptor {
    let uri = help_uri(run, id);
    let text = format!("{id}: see {uri}");
    ReportingDescriptor {
        id: id.to_string(),
        name: limit(&upper_camel_case(id), NAME_LIMIT),
        short_description: Text {
            text: limit(id, DESCRIPTION_LIMIT),
        },
        full_description: Text {
            text: limit(&text, DESCRIPTION_LIMIT),
        },
        help: MultiformatText {
            text: text.clone(),
            markdown: format!("`{id}`: see <{uri}>"),
        },
        help_uri: uri,
        default_configuration: Configuration {
            level: level(Severity::Warning),
        },
        properties: Tags {
            tags: vec![run.tool.name.to_string()],
        },
    }
}

fn help_uri(run: &Run, id: &str) -> String {
    format!("{}/{id}.md", run.tool.docs_base.trim_end_matches('/'))
}

/// `missing-init-symbol` → `MissingInitSymbol`.
pub(crate) fn upper_camel_case(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

/// The text under `heading`, up to the next heading of the same level.
fn section(doc: &str, heading: &str) -> String {
    let mut lines = doc.lines().skip_while(|l| l.trim() != heading).skip(1);
    let mut out = Vec::new();
    let mut fenced = false;
    for line in lines.by_ref() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        if !fenced && line.starts_with("## ") {
            break;
        }
        out.push(line);
    }
    out.join("\n").trim().to_string()
}

/// Plain text for a description: the lines of each paragraph joined into
/// one, paragraphs separated by a blank line, fenced code kept as it is.
fn paragraphs(markdown: &str) -> String {
    let mut blocks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut fenced = false;
    for line in markdown.lines() {
        let fence = line.trim_start().starts_with("```");
        if fenced || fence {
            if !fenced && !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(line);
            if fence {
                fenced = !fenced;
                if !fenced {
                    blocks.push(std::mem::take(&mut current));
                }
            }
        } else if line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(line.trim());
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    blocks.join("\n\n")
}

/// `text` cut to at most `max` characters, the last one `…` when cut.
pub(crate) fn limit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// Whether `version` is a Semantic Versioning 2.0.0 version, which is all
/// `semanticVersion` may hold.
pub(crate) fn is_semver(version: &str) -> bool {
    let (rest, build) = match version.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (version, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let numeric = |id: &str| {
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && (id == "0" || !id.starts_with('0'))
    };
    let identifier =
        |id: &str| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| numeric(p))
        && pre.is_none_or(|pre| {
            pre.split('.').all(|id| {
                identifier(id) && (!id.bytes().all(|b| b.is_ascii_digit()) || numeric(id))
            })
        })
        && build.is_none_or(|build| build.split('.').all(identifier))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_upper_camel_case() {
        assert_eq!(upper_camel_case("missing-init-symbol"), "MissingInitSymbol");
        assert_eq!(upper_camel_case("abi3-violation"), "Abi3Violation");
        assert_eq!(upper_camel_case("private-api"), "PrivateApi");
    }

    #[test]
    fn sections_stop_at_the_next_heading_and_unwrap() {
        let doc = "## What it does\nChecks a\nthing.\n\nSecond.\n\n## Why is this bad?\nNo.\n";
        let what = section(doc, "## What it does");
        assert_eq!(what, "Checks a\nthing.\n\nSecond.");
        assert_eq!(paragraphs(&what), "Checks a thing.\n\nSecond.");
        assert_eq!(
            paragraphs("a\n```c\nint x;\n\nint y;\n```\nb"),
            "a\n\n```c\nint x;\n\nint y;\n```\n\nb"
        );
    }

    #[test]
    fn limits_cut_on_characters() {
        assert_eq!(limit("abc", 3), "abc");
        assert_eq!(limit("ééééé", 3), "éé…");
    }

    #[test]
    fn semantic_versions() {
        for good in [
            "0.1.0",
            "1.2.3-rc.1",
            "0.0.0-test",
            "1.0.0+build.5",
            "1.0.0-x-y.0a",
        ] {
            assert!(is_semver(good), "{good}");
        }
        for bad in [
            "1.2", "01.2.3", "1.2.3-", "1.2.3-01", "1.2.3+", "v1.2.3", "",
        ] {
            assert!(!is_semver(bad), "{bad}");
        }
    }
}
