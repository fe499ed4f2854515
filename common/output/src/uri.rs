//! File paths as URI references (RFC 3986), for SARIF.
//!
//! A relative path stays relative, segment by segment, so that GitHub can
//! match it to a file in the repository; an absolute path becomes a
//! `file://` URI. Each segment is percent-encoded: everything outside
//! RFC 3986's unreserved set and the sub-delimiters, plus `:` (a colon in
//! a relative reference's first segment would read as a scheme), and every
//! non-ASCII byte of the UTF-8 form.

use std::path::{Component, Path, Prefix};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// What is encoded in a path segment: the controls, and every printable
/// ASCII character RFC 3986 does not allow in `segment-nz-nc`.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b':')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

fn encode(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Whether `path` names a file from the root rather than from the working
/// directory.
pub(crate) fn is_absolute(path: &str) -> bool {
    Path::new(path).is_absolute()
}

/// A relative path as a relative URI reference: `dist/a b.whl` →
/// `dist/a%20b.whl`. Separators are `/` (and `\` on Windows, where it is
/// one).
pub(crate) fn relative_uri(path: &str) -> String {
    let separators: &[char] = if cfg!(windows) { &['/', '\\'] } else { &['/'] };
    path.split(separators)
        .map(encode)
        .collect::<Vec<_>>()
        .join("/")
}

/// An absolute path as a `file://` URI: `/work/a b` → `file:///work/a%20b`,
/// `C:\x` → `file:///C:/x`. With `directory`, the URI ends in `/`, as a
/// base URI must for relative references to resolve inside it.
pub(crate) fn file_uri(path: &Path, directory: bool) -> String {
    let mut uri = String::from("file://");
    for component in path.components() {
        match component {
            Component::Prefix(prefix) => match prefix.kind() {
                Prefix::Disk(letter) | Prefix::VerbatimDisk(letter) => {
                    uri.push('/');
                    uri.push(char::from(letter));
                    uri.push(':');
                }
                _ => {
                    uri.push('/');
                    uri.push_str(&encode(&prefix.as_os_str().to_string_lossy()));
                }
            },
            Component::RootDir => {}
            Component::CurDir => uri.push_str("/."),
            Component::ParentDir => uri.push_str("/.."),
            Component::Normal(segment) => {
                uri.push('/');
                uri.push_str(&encode(&segment.to_string_lossy()));
            }
        }
    }
    if directory || uri == "file://" {
        uri.push('/');
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_keep_their_segments() {
        assert_eq!(relative_uri("dist/x-1.0-cp312.whl"), "dist/x-1.0-cp312.whl");
        assert_eq!(relative_uri("a b/c#d?.so"), "a%20b/c%23d%3F.so");
        assert_eq!(relative_uri("c:d/e"), "c%3Ad/e");
        assert_eq!(relative_uri("100%/é"), "100%25/%C3%A9");
        assert_eq!(relative_uri("../x/./y"), "../x/./y");
        assert_eq!(relative_uri("x+1,y=2;z(3)!$&'*"), "x+1,y=2;z(3)!$&'*");
    }

    #[cfg(unix)]
    #[test]
    fn absolute_paths_become_file_uris() {
        assert_eq!(
            file_uri(Path::new("/work/a b"), false),
            "file:///work/a%20b"
        );
        assert_eq!(
            file_uri(Path::new("/work/repo"), true),
            "file:///work/repo/"
        );
        assert_eq!(file_uri(Path::new("/"), true), "file:///");
        assert_eq!(
            file_uri(Path::new("/src/m\u{e9}.c"), false),
            "file:///src/m%C3%A9.c"
        );
        assert!(is_absolute("/x") && !is_absolute("x/y"));
    }
}
