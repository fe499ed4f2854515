//! What the path a tool reports with a finding denotes, and its forms for
//! per-file-ignore matching and for identities across runs.

use std::path::Path;

use crate::lexical::{absolute_from, clean, relative_to, slashed};

/// A reported path, classified and normalised against the working
/// directory and the configuration root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Located<'a> {
    /// A file: relative to the root when under it, else absolute.
    File(String),
    /// A member of a wheel; `wheel` normalised as a [`Located::File`].
    Member { wheel: String, member: &'a str },
    /// A module name (`--module`): matched and identified as written.
    Module(&'a str),
    /// A pytest node id: relative to pytest's rootdir already, so kept as
    /// written; `file` is the part before the first `::`.
    NodeId { text: &'a str, file: &'a str },
}

/// Both `cwd` and `root` must be absolute and [`clean`]ed.
pub(crate) fn locate<'a>(path: &'a str, cwd: &Path, root: &Path) -> Located<'a> {
    if let Some((file, _)) = path.split_once("::") {
        return Located::NodeId { text: path, file };
    }
    if let Some(end) = path.find(".whl!") {
        let (wheel, member) = path.split_at(end + ".whl".len());
        return Located::Member {
            wheel: file_form(wheel, cwd, root),
            member: &member[1..],
        };
    }
    if is_module_name(path) {
        return Located::Module(path);
    }
    Located::File(file_form(path, cwd, root))
}

/// The form of a reported path that per-file-ignore patterns match: a file
/// joined onto `cwd` when relative, made relative to `root` when under it,
/// `.` and `..` resolved as text, `/` between components; a wheel member as
/// `<wheel>!<member>` with the wheel so normalised; a module name or a
/// pytest node id as written. `cwd` and `root` should be absolute.
pub fn normalise(path: &str, cwd: &Path, root: &Path) -> String {
    locate(path, &clean(cwd), &clean(root)).matched_form()
}

impl Located<'_> {
    /// The text a pattern containing `/` is matched against first (wheel
    /// members: `<wheel>!<member>`).
    pub fn matched_form(&self) -> String {
        match self {
            Located::File(file) => file.clone(),
            Located::Member { wheel, member } => format!("{wheel}!{member}"),
            Located::Module(text) | Located::NodeId { text, .. } => (*text).to_owned(),
        }
    }

    /// Every text a pattern is matched against; patterns without `/` match
    /// the file name alone, as in `.gitignore`.
    pub fn candidates(&self, file_name_only: bool) -> Vec<String> {
        match (self, file_name_only) {
            (Located::File(file), false) => vec![file.clone()],
            (Located::File(file), true) => vec![last(file).to_owned()],
            (Located::Member { member, .. }, false) => {
                vec![self.matched_form(), (*member).to_owned()]
            }
            (Located::Member { member, .. }, true) => vec![last(member).to_owned()],
            (Located::Module(text), _) => vec![(*text).to_owned()],
            (Located::NodeId { text, file }, false) => vec![(*text).to_owned(), (*file).to_owned()],
            (Located::NodeId { text, file }, true) => {
                let name = last(file);
                vec![name.to_owned(), format!("{name}{}", &text[file.len()..])]
            }
        }
    }

    /// The path part of a finding's identity: a wheel member is named by
    /// the wheel's distribution, so that a new version in the wheel's file
    /// name does not make every finding in it new.
    pub fn identity(&self) -> String {
        match self {
            Located::Member { wheel, member } => {
                let (directory, file) = match wheel.rfind('/') {
                    Some(slash) => wheel.split_at(slash + 1),
                    None => ("", wheel.as_str()),
                };
                let distribution = match file.find('-') {
                    Some(dash) => &file[..dash],
                    None => file.strip_suffix(".whl").unwrap_or(file),
                };
                format!("{directory}{distribution}!{member}")
            }
            other => other.matched_form(),
        }
    }
}

fn file_form(path: &str, cwd: &Path, root: &Path) -> String {
    slashed(&relative_to(&absolute_from(cwd, Path::new(path)), root))
}

fn last(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `json`, `xml.etree.ElementTree`: dotted identifiers, the last not an
/// extension-module or wheel suffix (`_m.so` and `_m.abi3.so` are files).
/// A file named like a module (`README`) is taken for one; that changes
/// nothing unless the working directory is not the root.
fn is_module_name(text: &str) -> bool {
    const FILE_SUFFIXES: &[&str] = &["so", "pyd", "dylib", "dll", "sl", "whl", "py"];
    let identifier = |part: &str| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
            && chars.all(|c| c == '_' || c.is_alphanumeric())
    };
    let parts: Vec<&str> = text.split('.').collect();
    parts.iter().all(|part| identifier(part))
        && !(parts.len() > 1 && FILE_SUFFIXES.contains(&parts[parts.len() - 1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CWD: &str = "/w/proj/sub";
    const ROOT: &str = "/w/proj";

    fn at(path: &str) -> Located<'_> {
        locate(path, Path::new(CWD), Path::new(ROOT))
    }

    #[test]
    fn classifies_each_kind_of_reported_path() {
        assert_eq!(at("_m.so"), Located::File("sub/_m.so".into()));
        assert_eq!(at("../build/x.so"), Located::File("build/x.so".into()));
        assert_eq!(
            at("/elsewhere/x.so"),
            Located::File("/elsewhere/x.so".into())
        );
        assert_eq!(
            at("xml.etree._elementtree"),
            Located::Module("xml.etree._elementtree")
        );
        assert_eq!(
            at("d/foo-1.0-py3-none-any.whl!pkg/_m.so"),
            Located::Member {
                wheel: "sub/d/foo-1.0-py3-none-any.whl".into(),
                member: "pkg/_m.so"
            }
        );
        assert_eq!(
            at("tests/test_x.py::test_y[a/b]"),
            Located::NodeId {
                text: "tests/test_x.py::test_y[a/b]",
                file: "tests/test_x.py"
            }
        );
    }

    #[test]
    fn identity_names_a_wheel_by_its_distribution() {
        assert_eq!(
            at("d/foo-1.0-py3-none-any.whl!pkg/_m.so").identity(),
            "sub/d/foo!pkg/_m.so"
        );
        assert_eq!(at("/abs/odd.whl!m.so").identity(), "/abs/odd!m.so");
    }
}
