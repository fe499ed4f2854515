//! `new-check`: the files of a new check, from the templates beside this
//! crate, and its one line in a registry. What a check decides is the
//! developer's to write: the templates' `todo!()`s fail until it is.

use std::path::{Path, PathBuf};

/// A new check's id, in kebab-case (`spam-eggs`), and what follows from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCheck {
    pub id: String,
    /// `Error`, `Warning` or `Info`.
    pub severity: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("`{0}` is not a check id: lowercase words joined by `-`")]
    BadId(String),
    #[error("`{0}` is not a severity: Error, Warning or Info")]
    BadSeverity(String),
    #[error("`{0}` is taken: a check of either tool has that id")]
    Taken(String),
    #[error("{} exists already", .0.display())]
    Exists(PathBuf),
    #[error("{}: not the list or declarations the scaffold expects there", .0.display())]
    NoRegistry(PathBuf),
    #[error(
        "`{0}` is no folder of harness/harness/src with a mod.rs (scenarios/NAME, verdict, pytest)"
    )]
    NoFolder(String),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl NewCheck {
    pub fn new(id: &str, severity: &str) -> Result<Self, Error> {
        let words_ok = !id.is_empty()
            && id.split('-').all(|word| {
                !word.is_empty()
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if !words_ok || !id.as_bytes()[0].is_ascii_lowercase() {
            return Err(Error::BadId(id.to_string()));
        }
        let severity = match severity.to_ascii_lowercase().as_str() {
            "error" => "Error",
            "warning" => "Warning",
            "info" => "Info",
            _ => return Err(Error::BadSeverity(severity.to_string())),
        };
        let taken = checks::registry::CHECKS
            .iter()
            .map(|c| c.meta.id)
            .chain(harness::checks::CHECKS.iter().map(|m| m.id))
            .any(|known| known == id);
        if taken {
            return Err(Error::Taken(id.to_string()));
        }
        Ok(NewCheck {
            id: id.to_string(),
            severity: severity.to_string(),
        })
    }

    /// `spam_eggs`: the module and file name.
    pub fn module(&self) -> String {
        self.id.replace('-', "_")
    }

    /// `SpamEggs`: the type whose doc comment is the check's documentation.
    pub fn type_name(&self) -> String {
        self.id
            .split('-')
            .map(|word| {
                let mut chars = word.chars();
                let first = chars.next().map(|c| c.to_ascii_uppercase());
                first.into_iter().chain(chars).collect::<String>()
            })
            .collect()
    }

    fn fill(&self, template: &str) -> String {
        template
            .replace("{{id}}", &self.id)
            .replace("{{Type}}", &self.type_name())
            .replace("{{Severity}}", &self.severity)
            .replace("{{severity}}", &self.severity.to_ascii_lowercase())
            .replace("{{summary}}", "what this check finds, in one sentence")
    }
}

/// Writes an inspector check: its file, its test, and its line in the
/// registry. Returns the files touched, relative to `root`. Nothing is
/// written unless every file can be.
pub fn inspector_check(root: &Path, check: &NewCheck) -> Result<Vec<PathBuf>, Error> {
    let module = check.module();
    let source = PathBuf::from(format!("inspector/checks/src/registry/{module}.rs"));
    let test = PathBuf::from(format!("inspector/checks/tests/{module}.rs"));
    let registry = PathBuf::from("inspector/checks/src/registry/mod.rs");
    let entry = format!("{module}::{}", check.type_name());
    let listed = changed(root, &registry, |text| with_entry(text, &entry))?;
    write_all(
        root,
        &[
            (
                source,
                check.fill(include_str!("../templates/inspector_check.rs")),
                true,
            ),
            (
                test,
                check.fill(include_str!("../templates/inspector_test.rs")),
                true,
            ),
            (registry, listed, false),
        ],
    )
}

/// Writes a harness check beside the code that raises it, in `folder`
/// (`scenarios/<name>`, `verdict` or `pytest`, under harness/harness/src):
/// its file, its `mod` line there (and, in a scenario's folder, its entry in
/// the scenario's `CHECKS`), and its line in the harness's one list.
/// The code that raises it and its test are the developer's to write.
/// Nothing is written unless every file can be.
pub fn harness_check(root: &Path, folder: &str, check: &NewCheck) -> Result<Vec<PathBuf>, Error> {
    let src = PathBuf::from("harness/harness/src");
    let dir = src.join(folder);
    let parent = dir.join("mod.rs");
    if folder.is_empty() || folder.contains("..") || !root.join(&parent).is_file() {
        return Err(Error::NoFolder(folder.to_string()));
    }
    let group = if folder == "pytest" {
        "Pytest"
    } else {
        "Scenario"
    };
    let module = check.module();
    let source = dir.join(format!("{module}.rs"));
    let text = check
        .fill(include_str!("../templates/harness_check.rs"))
        .replace("{{Group}}", group);
    let meta = format!("{module}::{}::META", check.type_name());
    let declared = changed(root, &parent, |text| {
        let text = with_module(text, &module)?;
        if folder.starts_with("scenarios/") {
            // A scenario's own check is one it exists to find.
            with_scenario_check(&text, &meta)
        } else {
            Some(text)
        }
    })?;
    let list = src.join("checks.rs");
    let path = format!("{}::{meta}", folder.replace('/', "::"));
    let listed = changed(root, &list, |text| with_listed(text, &path))?;
    write_all(
        root,
        &[
            (source, text, true),
            (parent, declared, false),
            (list, listed, false),
        ],
    )
}

/// `text` with `pub mod <module>;` after its last `pub mod` line, or after
/// its module documentation when it has none.
fn with_module(text: &str, module: &str) -> Option<String> {
    let line = format!("pub mod {module};\n");
    if let Some(last) = text.rfind("\npub mod ") {
        let end = last + 1 + text[last + 1..].find('\n')? + 1;
        return Some(format!("{}{line}{}", &text[..end], &text[end..]));
    }
    let docs: usize = text
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.len() + 1)
        .sum();
    Some(format!("{}\n{line}{}", &text[..docs], &text[docs..]))
}

/// `text` with `meta` as the last entry of its `pub const CHECKS` list.
fn with_scenario_check(text: &str, meta: &str) -> Option<String> {
    let start = text.find("pub const CHECKS: &[CheckMeta] = &[")?;
    let end = start + text[start..].find("];")?;
    let body = text[start..end].trim_end();
    let separator = if body.ends_with('[') || body.ends_with(',') {
        ""
    } else {
        ","
    };
    Some(format!(
        "{}{body}{separator}\n    {meta},\n{}",
        &text[..start],
        &text[end..]
    ))
}

/// `text` with `path` as the last entry of its `CHECKS` list.
fn with_listed(text: &str, path: &str) -> Option<String> {
    let start = text.find("pub static CHECKS: &[CheckMeta] = &[\n")?;
    let end = start + text[start..].find("\n];\n")? + 1;
    Some(format!("{}    {path},\n{}", &text[..end], &text[end..]))
}

/// The file `relative` as `change` makes it, or why it cannot.
fn changed(
    root: &Path,
    relative: &Path,
    change: impl FnOnce(&str) -> Option<String>,
) -> Result<String, Error> {
    let path = root.join(relative);
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io { path, source })?;
    change(&text).ok_or_else(|| Error::NoRegistry(relative.to_path_buf()))
}

/// Writes `(path, text, new)` files, after checking that none of the new
/// ones exists; returns their paths.
fn write_all(root: &Path, files: &[(PathBuf, String, bool)]) -> Result<Vec<PathBuf>, Error> {
    for (relative, _, new) in files {
        if *new && root.join(relative).exists() {
            return Err(Error::Exists(relative.clone()));
        }
    }
    for (relative, text, _) in files {
        let path = root.join(relative);
        std::fs::write(&path, text).map_err(|source| Error::Io { path, source })?;
    }
    Ok(files.iter().map(|(path, _, _)| path.clone()).collect())
}

/// `text` with `entry` as the last line of its `registry! { ... }` list.
fn with_entry(text: &str, entry: &str) -> Option<String> {
    let start = text.find("\nregistry! {\n")? + 1;
    let end = start + text[start..].find("\n}\n")? + 1;
    Some(format!("{}    {entry},\n{}", &text[..end], &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_id() {
        let check = NewCheck::new("spam-eggs2", "warning").unwrap();
        assert_eq!(check.module(), "spam_eggs2");
        assert_eq!(check.type_name(), "SpamEggs2");
        assert_eq!(check.severity, "Warning");
    }

    #[test]
    fn bad_and_taken_ids_are_refused() {
        for id in [
            "",
            "Spam",
            "spam_eggs",
            "-spam",
            "spam--eggs",
            "2spam",
            "spam-",
        ] {
            assert!(
                matches!(NewCheck::new(id, "info"), Err(Error::BadId(_))),
                "{id}"
            );
        }
        assert!(matches!(
            NewCheck::new("private-api", "info"),
            Err(Error::Taken(_))
        ));
        assert!(matches!(
            NewCheck::new("singleton-state", "info"),
            Err(Error::Taken(_))
        ));
        assert!(matches!(
            NewCheck::new("spam", "fatal"),
            Err(Error::BadSeverity(_))
        ));
    }

    #[test]
    fn the_entry_ends_the_list() {
        let text = "x\nregistry! {\n    a::A,\n}\n\nfn f() {\n}\n";
        assert_eq!(
            with_entry(text, "b::B").unwrap(),
            "x\nregistry! {\n    a::A,\n    b::B,\n}\n\nfn f() {\n}\n"
        );
        assert_eq!(with_entry("no list\n", "b::B"), None);
    }

    #[test]
    fn a_module_goes_after_the_last_or_after_the_docs() {
        assert_eq!(
            with_module("//! A.\n\npub mod a;\npub mod b;\n\nuse x;\n", "c").unwrap(),
            "//! A.\n\npub mod a;\npub mod b;\npub mod c;\n\nuse x;\n"
        );
        assert_eq!(
            with_module("//! A.\n//! B.\n\nuse x;\n", "c").unwrap(),
            "//! A.\n//! B.\n\npub mod c;\n\nuse x;\n"
        );
    }

    #[test]
    fn a_scenario_check_ends_its_list() {
        let empty = "pub const CHECKS: &[CheckMeta] = &[];\n";
        assert_eq!(
            with_scenario_check(empty, "c::C::META").unwrap(),
            "pub const CHECKS: &[CheckMeta] = &[\n    c::C::META,\n];\n"
        );
        let one = "pub const CHECKS: &[CheckMeta] = &[\n    a::A::META,\n];\n";
        assert_eq!(
            with_scenario_check(one, "c::C::META").unwrap(),
            "pub const CHECKS: &[CheckMeta] = &[\n    a::A::META,\n    c::C::META,\n];\n"
        );
    }
}
