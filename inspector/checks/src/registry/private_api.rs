use std::collections::BTreeSet;

use abi::TableKey;

use crate::registry::declare_check;
use crate::facts::Facts;
use crate::finding::Finding;
use crate::registry::name_list;

declare_check! {
    /// ## What it does
    /// Lists the private C-API symbols (`_Py*`) the module imports that are
    /// not part of the stable ABI.
    ///
    /// ## Why is this bad?
    /// Underscore names are CPython's internals: no compatibility promise
    /// covers them, and they are renamed, changed or removed in minor (and
    /// occasionally patch) releases. CPython 3.13 alone removed or hid
    /// dozens of them, breaking extensions that relied on them at import
    /// time. A few `_Py*` names are part of the stable ABI because public
    /// macros expand to them (`_Py_Dealloc`, `_Py_NoneStruct`); those are
    /// not reported. Nor are the private symbols that the public macros and
    /// static inline functions of the module's own build emit, such as
    /// `_Py_DecRefShared` from `Py_DECREF` on free-threaded builds or
    /// `_Py_FatalErrorFunc` from `Py_FatalError` on 3.12: lists derived
    /// from each version's headers, per build (release, debug,
    /// free-threaded); when the build is not known, the union of the
    /// version's builds, and for a version newer than the lists, the newest
    /// list.
    ///
    /// Not selected by default: on the 82 real wheels and two installed
    /// trees of `tests/realworld/`, it is 339 of the 449 errors and warnings, nearly all
    /// for code that Cython, pybind11, mypyc and PyO3 generate, which the
    /// module's author cannot change but by upgrading the generator. The run
    /// ends with one line saying how many findings it had;
    /// `--select private-api` (or `ALL`) lists them, which is worth doing
    /// before each new CPython release.
    ///
    /// ## Example
    /// ```c
    /// PyObject *key = _PyUnicode_FromId(&PyId_name);
    /// ```
    ///
    /// ## How to fix
    /// Use the public equivalent (see the "What's New" porting notes of the
    /// release that removed it), vendor the helper, or use a compatibility
    /// layer such as `pythoncapi-compat`.
    pub struct PrivateApi {
        id: "private-api",
        severity: Warning,
        run: Some(run),
        selected_by_default: false,
    }
}

/// The private symbols the public macros of the module's build emit.
fn from_public_macros(facts: &Facts<'_>) -> BTreeSet<&'static str> {
    let target = &facts.target;
    let keys: Vec<(TableKey, bool)> = match target.version {
        Some((version, _)) => vec![(
            TableKey {
                version,
                debug: target.debug,
                free_threaded: target.free_threaded,
            },
            target.abi_named,
        )],
        // abi3 or no version: every version's, from the minimum on.
        None => abi::macro_symbols_all()
            .iter()
            .filter(|m| target.abi3_min.is_none_or(|(min, _)| m.key.version >= min))
            .map(|m| (m.key, true))
            .collect(),
    };
    keys.into_iter()
        .filter_map(|(key, exact)| abi::macro_symbols(key, exact))
        .flatten()
        .collect()
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let stable = abi::stable_abi();
    let emitted = from_public_macros(facts);
    let private: Vec<&str> = facts
        .python_imports
        .iter()
        .map(|i| i.name.as_str())
        .filter(|n| n.starts_with("_Py") && stable.get(n).is_none() && !emitted.contains(n))
        .collect();
    if private.is_empty() {
        return;
    }
    let quoted: Vec<String> = private.iter().map(|n| format!("`{n}`")).collect();
    out.push(
        Finding::new(
            &PrivateApi::META,
            format!(
                "imports {} private CPython symbol{}, which may change or vanish in any release: {}",
                private.len(),
                if private.len() == 1 { "" } else { "s" },
                name_list(&quoted)
            ),
        )
        .with_symbols(private.iter().map(|n| n.to_string())),
    );
}
