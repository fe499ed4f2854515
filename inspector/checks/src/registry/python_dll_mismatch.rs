use binary::Format;

use crate::registry::declare_check;
use crate::facts::{Facts, Source};
use crate::finding::Finding;
use crate::python_dll::PythonDll;

declare_check! {
    /// ## What it does
    /// For a Windows module, compares the interpreter DLL it imports with the
    /// interpreter its tags name: a `cp311` module must import
    /// `python311.dll`; an abi3 module must import `python3.dll`, not
    /// `python3XY.dll` (an abi3t one, PEP 803, `python3.dll` or
    /// `python3t.dll`); a debug (`_d`) or free-threaded (`t`) module must
    /// import the matching debug or free-threaded DLL; and one module must
    /// not import two interpreter DLLs.
    ///
    /// ## Why is this bad?
    /// On Windows a module is bound by name to the DLL it was linked
    /// against. A `cp311` module that imports `python312.dll` fails in 3.11
    /// with "DLL load failed"; or, worse, when both interpreters are
    /// installed, it loads a second interpreter into the process. An abi3
    /// module linked against `python312.dll` loads only in 3.12, so the
    /// wheel's promise of one binary for every version is false.
    ///
    /// ## Example
    /// ```text
    /// spam.cp311-win_amd64.pyd  imports  python312.dll
    /// ```
    ///
    /// ## How to fix
    /// Build with the headers and import library of the interpreter you tag
    /// for. For abi3, define `Py_LIMITED_API` before including `Python.h`:
    /// `pyconfig.h` then links `python3.lib` instead of `python3XY.lib`.
    pub struct PythonDllMismatch {
        id: "python-dll-mismatch",
        severity: Error,
        run: Some(run),
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    if facts.format != Format::Pe || facts.python_dlls.is_empty() {
        return;
    }
    let mut push = |message: String, dlls: Vec<String>| {
        out.push(Finding::new(&PythonDllMismatch::META, message).with_symbols(dlls));
    };
    let dlls = &facts.python_dlls;
    if dlls.len() > 1 {
        let names: Vec<_> = dlls.iter().map(|d| d.name.clone()).collect();
        push(
            format!(
                "imports {}: one module can bind to only one interpreter",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            names,
        );
    }
    let target = &facts.target;
    let tagged_version = target
        .version
        .filter(|(_, source)| matches!(source, Source::FileName | Source::WheelTag));
    let abi3_by_tag = target.abi3
        && (matches!(&facts.file, Some(f) if matches!(f.tag, naming::SuffixTag::Abi3 { .. }))
            || facts
                .subject
                .wheel
                .is_some_and(|w| w.abi_tags.iter().any(|t| t == "abi3" || t == "abi3t")));
    let stable_dll = match target.abi3t {
        true => "`python3t.dll` or `python3.dll`",
        false => "`python3.dll`",
    };
    for dll in dlls {
        match (dll.version, tagged_version) {
            (Some(v), Some((tag, source))) if v != tag => push(
                format!(
                    "tagged for CPython {tag} by {} but imports `{}`, which only CPython {v} provides",
                    source.describe(),
                    dll.name
                ),
                vec![dll.name.clone()],
            ),
            (Some(v), _) if abi3_by_tag => push(
                format!(
                    "tagged abi3 but imports `{}` instead of {stable_dll}, so it loads only in CPython {v}",
                    dll.name
                ),
                vec![dll.name.clone()],
            ),
            _ => {}
        }
        let expected = PythonDll::expected_name(dll.version, target.debug, target.free_threaded);
        // A debug interpreter loads only `_d` names, so debug always
        // counts; free-threading only where a tag names the build.
        // An abi3t module (PEP 803) loads in 3.15's GIL-enabled and
        // free-threaded builds alike: `python3.dll` and `python3t.dll` are
        // both stable forwarders, and which of them each build ships is the
        // installer's layout (python/cpython#148690), not a mismatch to report.
        let stable_forwarder = target.abi3t && dll.version.is_none();
        let ft_mismatch =
            target.abi_named && !stable_forwarder && dll.free_threaded != target.free_threaded;
        if dll.debug != target.debug || ft_mismatch {
            let build = |debug: bool, ft: bool| match (debug, ft) {
                (false, false) => "a release build",
                (true, false) => "a debug build",
                (false, true) => "a free-threaded build",
                (true, true) => "a free-threaded debug build",
            };
            push(
                format!(
                    "the tags name {} but it imports `{}` ({}); expected `{expected}`",
                    build(target.debug, target.free_threaded),
                    dll.name,
                    build(dll.debug, dll.free_threaded)
                ),
                vec![dll.name.clone()],
            );
        }
    }
}
