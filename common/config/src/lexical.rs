//! Path arithmetic on text alone: findings name files that may be inside
//! wheels, on other machines' layouts, or gone, so the filesystem is never
//! asked.

use std::path::{Component, Path, PathBuf};

/// `.` and `..` resolved without following symbolic links; a `..` above the
/// root stays at the root, one above a relative start is kept.
pub(crate) fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                Some(Component::ParentDir | Component::CurDir) | None => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` joined onto `base` when relative, then cleaned.
pub(crate) fn absolute_from(base: &Path, path: &Path) -> PathBuf {
    clean(&base.join(path))
}

/// `path` relative to `root` when it lies under it (both cleaned), else
/// `path` itself; the root itself is `.`.
pub(crate) fn relative_to(path: &Path, root: &Path) -> PathBuf {
    match path.strip_prefix(root) {
        Ok(rest) if rest.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rest) => rest.to_owned(),
        Err(_) => path.to_owned(),
    }
}

/// The path with `/` between components, whatever the platform.
pub(crate) fn slashed(path: &Path) -> String {
    let mut out = String::new();
    for component in path.components() {
        match component {
            Component::Prefix(prefix) => out.push_str(&prefix.as_os_str().to_string_lossy()),
            Component::RootDir => out.push('/'),
            other => {
                if !(out.is_empty() || out.ends_with('/')) {
                    out.push('/');
                }
                out.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    if out.is_empty() { ".".to_owned() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_dots_without_climbing_above_the_root() {
        assert_eq!(clean(Path::new("/a/./b/../c")), Path::new("/a/c"));
        assert_eq!(clean(Path::new("/../a")), Path::new("/a"));
        assert_eq!(clean(Path::new("../a/../../b")), Path::new("../../b"));
        assert_eq!(clean(Path::new("./")), Path::new(""));
    }

    #[test]
    fn relative_under_the_root_absolute_outside_it() {
        let root = Path::new("/w/proj");
        assert_eq!(
            relative_to(Path::new("/w/proj/a/b.so"), root),
            Path::new("a/b.so")
        );
        assert_eq!(
            relative_to(Path::new("/w/project/b.so"), root),
            Path::new("/w/project/b.so")
        );
        assert_eq!(relative_to(root, root), Path::new("."));
        assert_eq!(slashed(Path::new("/w/proj/a")), "/w/proj/a");
        assert_eq!(slashed(Path::new("a//b/")), "a/b");
        assert_eq!(slashed(Path::new("")), ".");
    }
}
