use naming::{Build, SuffixTag};

use crate::facts::Facts;
use crate::finding::Finding;
use crate::registry::declare_check;

declare_check! {
    /// ## What it does
    /// Reports an abi3 module (`.abi3.so`, `.abi3-<triplet>.so`) installed
    /// where only a free-threaded CPython imports from: a path inside a
    /// free-threaded interpreter's library (`lib/python3.14t/site-packages`,
    /// `lib/python3.15t/lib-dynload`), whose build by the same table of
    /// `EXTENSION_SUFFIXES` that `tag-suffix-mismatch` uses does not list the
    /// suffix. Files in wheels are `tag-suffix-mismatch`'s: a wheel whose
    /// tags name only free-threaded builds and that holds `.abi3.so` is
    /// reported there, once; this check covers installed trees and
    /// directories.
    ///
    /// ## Why is this bad?
    /// A free-threaded CPython never lists `.abi3.so` (`Python/dynload_shlib.c`
    /// adds it under `#ifndef Py_GIL_DISABLED` since 3.13, gh-111870: free-threaded
    /// builds loaded abi3 modules and crashed): plain abi3 is the GIL-enabled
    /// stable ABI, whose `PyObject` layout a free-threaded build does not
    /// share. 3.15t loads PEP 803's `.abi3t.so` only. The import finds no
    /// module (`ModuleNotFoundError`), or silently a pure-Python fallback.
    ///
    /// ## Example
    /// ```text
    /// venv/lib/python3.14t/site-packages/spam/_speedups.abi3.so
    /// ```
    ///
    /// ## How to fix
    /// Install the distribution's free-threaded wheel (`cp314t`), or build
    /// for abi3t (`Py_TARGET_ABI3T`, 3.15 and later, named `.abi3t.so`); an
    /// installer put it there from an sdist or a copied tree: reinstall with
    /// the free-threaded interpreter's own pip.
    pub struct Abi3NotFreeThreaded {
        id: "abi3-not-free-threaded",
        severity: Error,
        run: Some(run),
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    if facts.subject.wheel.is_some() {
        return;
    }
    let Some(file) = &facts.file else {
        return;
    };
    if !facts.importable
        || !matches!(
            file.tag,
            SuffixTag::Abi3 {
                free_threaded: false,
                ..
            }
        )
    {
        return;
    }
    let Some((minor, dir)) = free_threaded_library(facts.subject.path) else {
        return;
    };
    let build = Build {
        minor,
        debug: false,
        free_threaded: true,
    };
    if naming::loads(file, facts.platform, build) {
        return;
    }
    out.push(Finding::new(
        &Abi3NotFreeThreaded::META,
        format!(
            "it is installed in `{dir}`, a free-threaded CPython 3.{minor}t's, which does not load `{}` (a free-threaded build lists no abi3 suffix; 3.15t loads `.abi3t.so`): `import {}` finds no module there",
            file.suffix,
            facts.module.as_deref().unwrap_or(&file.module),
        ),
    ));
}

/// The minor version and the directory (`python3.14t/site-packages`) when
/// the path lies inside a free-threaded interpreter's library: a component
/// `python3.<minor>t` followed by `site-packages`, `dist-packages` or
/// `lib-dynload`.
fn free_threaded_library(path: &str) -> Option<(u8, String)> {
    let parts: Vec<&str> = path.split(['/', '\\']).collect();
    parts.windows(2).find_map(|pair| {
        let minor = pair[0].strip_prefix("python3.")?.strip_suffix('t')?;
        let minor: u8 = minor.parse().ok()?;
        matches!(pair[1], "site-packages" | "dist-packages" | "lib-dynload")
            .then(|| (minor, format!("{}/{}", pair[0], pair[1])))
    })
}
