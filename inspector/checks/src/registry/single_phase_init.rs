use crate::registry::declare_check;
use crate::facts::{Facts, Generation};
use crate::finding::Finding;

declare_check! {
    /// ## What it does
    /// Reports a module that creates itself with `PyModule_Create` (it imports
    /// `PyModule_Create2`) and does not use multi-phase initialisation (it
    /// does not import `PyModuleDef_Init`); and a CFFI module (out-of-line
    /// API mode), which `_cffi_backend` creates with `PyModule_Create`,
    /// known by the `_cffi_*` functions CFFI generates when the static
    /// symbol table shows them (a stripped CFFI module is not reported).
    ///
    /// ## Why is this bad?
    /// Legacy single-phase init returns a finished module object from the
    /// init function. CPython cannot re-run it for another interpreter, so
    /// the module cannot be imported into subinterpreters with their own GIL
    /// (PEP 684), is copied by `__dict__` rather than re-initialised on
    /// re-import, and usually keeps its state in C globals shared by the
    /// whole process. Such state survives `del sys.modules[...]` and
    /// `Py_Finalize`, and leaks between interpreters.
    ///
    /// ## Example
    /// ```c
    /// PyMODINIT_FUNC PyInit_spam(void) { return PyModule_Create(&spam_module); }
    /// ```
    ///
    /// ## How to fix
    /// Convert to multi-phase initialisation (PEP 489): return
    /// `PyModuleDef_Init(&spam_module)`, move the work into a `Py_mod_exec`
    /// slot, and move C globals into module state (`m_size`,
    /// `PyModule_GetState`). See the "Isolating Extension Modules" HOWTO.
    pub struct SinglePhaseInit {
        id: "single-phase-init",
        severity: Warning,
        run: Some(run),
    }
}

/// With `Py_TRACE_REFS`, `PyModule_Create` expands to the `TraceRefs` form.
pub(crate) const CREATE: [&str; 2] = ["PyModule_Create2", "PyModule_Create2TraceRefs"];

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    if facts.generation != Generation::Python3 || facts.imports("PyModuleDef_Init") {
        return;
    }
    let Some(create) = CREATE.iter().find(|c| facts.imports(c)) else {
        cffi(facts, out);
        return;
    };
    out.push(
        Finding::new(
            &SinglePhaseInit::META,
            format!(
                "uses single-phase init (imports `{create}`, not `PyModuleDef_Init`): it cannot be isolated per interpreter and keeps process-wide state"
            ),
        )
        .with_symbols([create.to_string()]),
    );
}

/// A CFFI module (out-of-line API mode) creates no module itself: its
/// `PyInit_` imports `_cffi_backend` and has it make the module, with
/// `PyModule_Create` (cffi's `_cffi_init`, `b_init_cffi_1_0_external_module`),
/// so it is single-phase though it imports neither. CFFI names every
/// function and constant it generates `_cffi_*`; those names are in the
/// static symbol table unless the file was stripped, and a stripped one
/// cannot be told from the imports alone, so it is not reported.
fn cffi(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let generated = facts
        .slices()
        .iter()
        .any(|slice| slice.symbols.iter().any(|s| s.name.starts_with("_cffi_")));
    // A module with a PEP 793 export hook is multi-phase whatever else it
    // links (cryptography's Rust module embeds CFFI bindings).
    let exports_hook = facts
        .init_exports
        .iter()
        .any(|e| e.symbol.starts_with("PyModExport"));
    if !generated || exports_hook || !facts.imports("PyImport_ImportModule") {
        return;
    }
    out.push(Finding::new(
        &SinglePhaseInit::META,
        "uses single-phase init: a CFFI module (its `_cffi_*` functions), which `_cffi_backend` creates with `PyModule_Create`: it cannot be isolated per interpreter and keeps process-wide state",
    ));
}
