//! The dotted name a module file is imported by, as Python's import system
//! finds it: its path below an import root, the package directories joined
//! by dots. A user who names `site-packages/msgpack/_cmsgpack.so` means
//! `msgpack._cmsgpack`, whose relative imports need `msgpack`.

use std::path::{Path, PathBuf};

/// Where a module file sits: the package it is in (`msgpack`, `a.b`), or
/// none at the top level, and the directory to import it from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub package: Option<String>,
    pub root: PathBuf,
}

/// The placement of a module file in `dir`. Below one of `roots` (the site
/// directories of the interpreters that will run it), every directory is a
/// package, as namespace packages need no `__init__.py`; elsewhere the
/// packages are the directories with an `__init__.py` (or `.pyc`) above it,
/// up to the outermost, and the root is the directory above that. `None`
/// when a directory on the way cannot be a package name: the file is then
/// imported as a top-level module from its own directory.
pub fn placement(dir: &Path, roots: &[PathBuf]) -> Option<Placement> {
    let dir = absolute(dir);
    let below_root = roots
        .iter()
        .map(|r| absolute(r))
        .filter(|root| dir.starts_with(root))
        .max_by_key(|root| root.components().count());
    if let Some(root) = below_root {
        let parts: Vec<String> = dir
            .strip_prefix(&root)
            .ok()?
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.iter().all(|p| naming::is_identifier(p)) {
            return Some(Placement {
                package: (!parts.is_empty()).then(|| parts.join(".")),
                root,
            });
        }
        return None;
    }
    let mut parts = Vec::new();
    let mut at = dir.as_path();
    while is_package(at) {
        let name = at.file_name()?.to_string_lossy().into_owned();
        if !naming::is_identifier(&name) {
            return None;
        }
        parts.push(name);
        at = at.parent()?;
    }
    parts.reverse();
    Some(Placement {
        package: (!parts.is_empty()).then(|| parts.join(".")),
        root: at.to_path_buf(),
    })
}

fn is_package(dir: &Path) -> bool {
    ["__init__.py", "__init__.pyc"]
        .iter()
        .any(|name| dir.join(name).is_file())
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in files {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        dir
    }

    fn at(dir: &Path, package: Option<&str>, root: &str) -> Option<Placement> {
        Some(Placement {
            package: package.map(str::to_string),
            root: dir.join(root),
        })
    }

    #[test]
    fn packages_are_the_directories_with_an_init_up_to_the_outermost() {
        let d = tree(&[
            "project/src/pkg/__init__.py",
            "project/src/pkg/sub/__init__.py",
            "project/src/pkg/sub/_ext.so",
            "project/build/_top.so",
        ]);
        let root = d.path();
        assert_eq!(
            placement(&root.join("project/src/pkg/sub"), &[]),
            at(root, Some("pkg.sub"), "project/src")
        );
        assert_eq!(
            placement(&root.join("project/src/pkg"), &[]),
            at(root, Some("pkg"), "project/src")
        );
        // Not in a package: a top-level module of its own directory.
        assert_eq!(
            placement(&root.join("project/build"), &[]),
            at(root, None, "project/build")
        );
    }

    #[test]
    fn below_a_site_directory_namespace_packages_count() {
        // google/ has no __init__.py (a namespace package), protobuf/ has.
        let d = tree(&[
            "venv/lib/python3.12/site-packages/google/protobuf/__init__.py",
            "venv/lib/python3.12/site-packages/google/protobuf/_upb.so",
            "venv/lib/python3.12/site-packages/_cffi_backend.so",
        ]);
        let site = d.path().join("venv/lib/python3.12/site-packages");
        let roots = [site.clone()];
        assert_eq!(
            placement(&site.join("google/protobuf"), &roots),
            at(
                d.path(),
                Some("google.protobuf"),
                "venv/lib/python3.12/site-packages"
            )
        );
        assert_eq!(
            placement(&site, &roots),
            at(d.path(), None, "venv/lib/python3.12/site-packages")
        );
        // Without the root the walk stops at the namespace package.
        assert_eq!(
            placement(&site.join("google/protobuf"), &[]),
            at(
                d.path(),
                Some("protobuf"),
                "venv/lib/python3.12/site-packages/google"
            )
        );
    }

    #[test]
    fn an_editable_install_is_found_from_its_source_tree() {
        // pip install -e puts a .pth naming project/src on sys.path: the
        // modules are where the source tree has them.
        let d = tree(&["project/src/pkg/__init__.py", "venv/site-packages/pkg.pth"]);
        assert_eq!(
            placement(
                &d.path().join("project/src/pkg"),
                &[d.path().join("venv/site-packages")]
            ),
            at(d.path(), Some("pkg"), "project/src")
        );
    }

    #[test]
    fn a_directory_no_import_can_name_is_no_package() {
        let d = tree(&[
            "site/my-pkg/__init__.py",
            "site/my-pkg/_ext.so",
            "other/2pkg/__init__.py",
        ]);
        let roots = [d.path().join("site")];
        assert_eq!(placement(&d.path().join("site/my-pkg"), &roots), None);
        assert_eq!(placement(&d.path().join("other/2pkg"), &[]), None);
    }
}
