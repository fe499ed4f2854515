use crate::facts::{Facts, Generation, Source};
use crate::finding::Finding;
use crate::registry::declare_check;

declare_check! {
    /// ## What it does
    /// For an abi3 module whose minimum CPython version nobody declared,
    /// says which version its imports need: the newest version that added
    /// a stable-ABI symbol it imports, and those symbols. The minimum is
    /// declared by a `cpXY-abi3` wheel tag, the installed distribution's
    /// `.dist-info/WHEEL` tag or `Requires-Python`, the project's
    /// `requires-python`, the configuration's `abi3-min` or
    /// `--abi3-min [PATH=]X.Y`; with any of them, `abi3-violation` judges
    /// the imports against it instead.
    ///
    /// ## Why is this bad?
    /// It is not, by itself: without a declared minimum no version can be
    /// called violated, so nothing is assumed (an abi3 module is not judged
    /// against 3.2). But the module loads only from the version its imports
    /// need, and nothing tells installers so: a user of an older CPython
    /// gets `undefined symbol: PyUnicode_AsUTF8AndSize` at import time
    /// instead of a wheel that pip refuses to install.
    ///
    /// ## Example
    /// ```text
    /// spam.abi3.so, built with Py_LIMITED_API=0x030a0000, in no wheel
    /// ```
    /// ```text
    /// info[abi3-floor]: abi3 module with no declared minimum CPython: its imports need CPython 3.10 or later (`PyUnicode_AsUTF8AndSize`, stable ABI since 3.10)
    /// ```
    ///
    /// ## How to fix
    /// Tag the wheel with the minimum (`cp310-abi3`: `py-limited-api = "cp310"`
    /// for setuptools, `abi3-py310` for PyO3), set `requires-python`, or tell
    /// extinspect (`--abi3-min 3.10`, or `abi3-min` in the configuration).
    pub struct Abi3Floor {
        id: "abi3-floor",
        severity: Info,
        run: Some(run),
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some((min, Source::Imports)) = facts.target.abi3_min else {
        return;
    };
    if facts.generation != Generation::Python3 {
        return;
    }
    let stable = abi::stable_abi();
    let needing: Vec<&str> = facts
        .python_imports
        .iter()
        .filter(|i| stable.get(&i.name).is_some_and(|s| s.added == min))
        .map(|i| i.name.as_str())
        .collect();
    if facts.init_only_by_export_hook() && min == (abi::PyVersion { major: 3, minor: 15 }) {
        let hook = facts
            .module
            .as_deref()
            .map(naming::export_symbol)
            .unwrap_or_default();
        out.push(
            Finding::new(
                &Abi3Floor::META,
                format!(
                    "abi3 module with no declared minimum CPython: its only init function, PEP 793's `{hook}`, needs CPython 3.15 or later (older versions look up only `PyInit_`)"
                ),
            )
            .with_symbols([hook]),
        );
        return;
    }
    let why = if needing.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = needing.iter().map(|n| format!("`{n}`")).collect();
        format!(
            " ({}, stable ABI since {min})",
            crate::registry::name_list(&names)
        )
    };
    out.push(
        Finding::new(
            &Abi3Floor::META,
            format!(
                "abi3 module with no declared minimum CPython: its imports need CPython {min} or later{why}"
            ),
        )
        .with_symbols(needing.iter().map(|n| n.to_string())),
    );
}
