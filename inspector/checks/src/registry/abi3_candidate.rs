use std::collections::BTreeSet;

use abi::{PyVersion, TableKey};

use crate::registry::declare_check;
use crate::facts::{Facts, Generation};
use crate::finding::Finding;

declare_check! {
    /// ## What it does
    /// For a module built for one CPython version (`cp312`), checks whether
    /// every symbol it imports from the interpreter is in the stable ABI of
    /// some version, and names the oldest such version.
    ///
    /// ## Why is this bad?
    /// It is an opportunity, not a defect. A version-specific module needs a
    /// new build and a new wheel for every CPython release; an abi3 module
    /// built once with `Py_LIMITED_API` loads in every version from its
    /// minimum on. When the imports already fit the stable ABI, switching is
    /// often only a matter of defining `Py_LIMITED_API` and fixing what the
    /// compiler then rejects: macros that read struct fields compile to
    /// field accesses, not imports, so the imports alone cannot prove it.
    ///
    /// Not selected by default: on a CI gate it would speak for most
    /// modules on every run (226 of the 320 findings on the README's sample
    /// corpus demo). The run ends with one line saying how many modules it
    /// would have named;
    /// `--select abi3-candidate` (or `ALL`) lists them.
    ///
    /// ## Example
    /// ```text
    /// spam.cpython-312-x86_64-linux-gnu.so: all 14 imports are in the stable ABI of 3.5
    /// ```
    ///
    /// ## How to fix
    /// Build with `#define Py_LIMITED_API 0x030X0000` (or setuptools'
    /// `py_limited_api=True`, maturin's `abi3-py3X` feature), name the file
    /// `.abi3.so`, and tag the wheel `cp3X-abi3`.
    pub struct Abi3Candidate {
        id: "abi3-candidate",
        severity: Info,
        run: Some(run),
        selected_by_default: false,
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let target = &facts.target;
    // Free-threaded builds have no stable ABI to move to before 3.15's
    // abi3t, and Python 2 never had one. Debug builds load release-built
    // abi3 modules (3.8+), so a debug-tagged module is still a candidate.
    if target.abi3
        || target.version.is_none()
        || target.free_threaded
        || facts.generation != Generation::Python3
        || facts.python_imports.is_empty()
    {
        return;
    }
    let stable = abi::stable_abi();
    let debug_only = debug_bookkeeping(facts);
    let (counted, bookkeeping): (Vec<_>, Vec<_>) = facts
        .python_imports
        .iter()
        .partition(|i| !debug_only.contains(i.name.as_str()));
    if counted.is_empty() {
        return;
    }
    let mut needed = PyVersion { major: 3, minor: 2 };
    for import in &counted {
        match stable.get(&import.name) {
            Some(symbol) => needed = needed.max(symbol.added),
            None => return,
        }
    }
    let n = counted.len();
    let all = if n == 1 {
        "the one symbol".to_string()
    } else {
        format!("all {n} symbols")
    };
    let are = if n == 1 { "is" } else { "are" };
    let mut fits =
        format!("{all} it imports from the interpreter {are} in the stable ABI of {needed}");
    if !bookkeeping.is_empty() {
        let names: Vec<&str> = bookkeeping.iter().map(|i| i.name.as_str()).collect();
        fits.push_str(&format!(
            " (leaving out the debug build's reference bookkeeping, {}, which a Py_LIMITED_API build does not call)",
            names.join(", ")
        ));
    }
    // PEP 793's hook alone is looked up only from 3.15 (Python/importdl.c).
    let v315 = PyVersion {
        major: 3,
        minor: 15,
    };
    if facts.init_only_by_export_hook() && needed < v315 {
        needed = v315;
        fits.push_str(", and its only init function, PEP 793's export hook, is looked up from 3.15 on");
    }
    out.push(Finding::new(
        &Abi3Candidate::META,
        format!(
            "{fits}: built with Py_LIMITED_API=0x{:02X}{:02X}0000 it could ship as one abi3 module for {needed} and later",
            needed.major,
            needed.minor
        ),
    ));
}

/// What a debug build's public macros emit and a release build's do not:
/// from 3.12, `Py_INCREF` on a `Py_REF_DEBUG` build calls
/// `_Py_INCREF_IncRefTotal`, outside the stable ABI. The same source built
/// with `Py_LIMITED_API` calls `_Py_IncRef` instead (`Include/refcount.h`),
/// so these imports say nothing about whether it fits the stable ABI.
fn debug_bookkeeping(facts: &Facts<'_>) -> BTreeSet<&'static str> {
    let target = &facts.target;
    let Some((version, _)) = target.version.filter(|_| target.debug) else {
        return BTreeSet::new();
    };
    let key = |debug| TableKey {
        version,
        debug,
        free_threaded: target.free_threaded,
    };
    let (Some(debug), Some(release)) = (
        abi::macro_symbols(key(true), true),
        abi::macro_symbols(key(false), true),
    ) else {
        return BTreeSet::new();
    };
    debug.difference(&release).copied().collect()
}
