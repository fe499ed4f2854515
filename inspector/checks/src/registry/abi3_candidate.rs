use abi::PyVersion;

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
    let mut needed = PyVersion { major: 3, minor: 2 };
    for import in &facts.python_imports {
        match stable.get(&import.name) {
            Some(symbol) => needed = needed.max(symbol.added),
            None => return,
        }
    }
    let n = facts.python_imports.len();
    let all = if n == 1 {
        "the one symbol".to_string()
    } else {
        format!("all {n} symbols")
    };
    let are = if n == 1 { "is" } else { "are" };
    let mut fits =
        format!("{all} it imports from the interpreter {are} in the stable ABI of {needed}");
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
