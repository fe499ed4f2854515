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
    /// not reported.
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
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let stable = abi::stable_abi();
    let private: Vec<&str> = facts
        .python_imports
        .iter()
        .map(|i| i.name.as_str())
        .filter(|n| n.starts_with("_Py") && stable.get(n).is_none())
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
