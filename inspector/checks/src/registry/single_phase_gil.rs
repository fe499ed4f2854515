use crate::facts::{Facts, Generation};
use crate::finding::Finding;
use crate::registry::declare_check;
use crate::registry::single_phase_init::CREATE;

declare_check! {
    /// ## What it does
    /// Reports a single-phase module (it imports `PyModule_Create2` and not
    /// `PyModuleDef_Init`, as `single-phase-init` decides, and exports no
    /// PEP 793 export hook) built for a free-threaded CPython (a `t` name or
    /// tag, or abi3t) that does not import `PyUnstable_Module_SetGIL`: the
    /// one way a single-phase module declares that it does not need the GIL.
    /// The static twin of the harness's `gil-required`, which reads what a
    /// multi-phase module declares in its `Py_mod_gil` slot; that slot lives
    /// in data, not in the imports, so multi-phase modules are left to the
    /// harness.
    ///
    /// ## Why is this bad?
    /// CPython assumes that a module which does not say otherwise needs the
    /// GIL: after a single-phase `PyInit_` returns, `_PyImport_CheckGILForModule`
    /// (Python/import.c) re-enables the GIL unless the module called
    /// `PyUnstable_Module_SetGIL(module, Py_MOD_GIL_NOT_USED)`, and warns once
    /// per interpreter ("The global interpreter lock (GIL) has been enabled to
    /// load module ..."), naming only the first such module. Every thread of
    /// the process then runs under the GIL again. A warning: the module may
    /// really need the GIL, and then re-enabling it is right.
    ///
    /// ## Example
    /// ```c
    /// PyMODINIT_FUNC PyInit_spam(void) { return PyModule_Create(&spam_module); }
    /// ```
    ///
    /// ## How to fix
    /// Once the module is thread-safe without the GIL: in C, call
    /// `PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED)` under
    /// `#ifdef Py_GIL_DISABLED` after creating it (or go multi-phase with a
    /// `{Py_mod_gil, Py_MOD_GIL_NOT_USED}` slot); Cython:
    /// `# cython: freethreading_compatible = True`; PyO3:
    /// `#[pymodule(gil_used = false)]`; pybind11: `py::mod_gil_not_used()`;
    /// nanobind: `NB_MODULE(..., nb::gil_not_used())` (nanobind's
    /// `FREE_THREADED` build).
    pub struct SinglePhaseGil {
        id: "single-phase-gil",
        severity: Warning,
        run: Some(run),
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    if !facts.target.free_threaded
        || facts.generation != Generation::Python3
        || facts.imports("PyModuleDef_Init")
        || facts.imports("PyUnstable_Module_SetGIL")
    {
        return;
    }
    let Some(create) = CREATE.iter().find(|c| facts.imports(c)) else {
        return;
    };
    if facts
        .init_exports
        .iter()
        .any(|e| e.symbol.starts_with("PyModExport"))
    {
        return;
    }
    let build = if facts.target.abi3t {
        "abi3t".to_string()
    } else {
        match facts.target.version {
            Some((v, _)) => format!("CPython {v}t"),
            None => "a free-threaded CPython".to_string(),
        }
    };
    out.push(
        Finding::new(
            &SinglePhaseGil::META,
            format!(
                "is single-phase (imports `{create}`, not `PyModuleDef_Init`), built for {build}, and does not import `PyUnstable_Module_SetGIL`: a free-threaded CPython re-enables the GIL for the whole process when it imports it"
            ),
        )
        .with_symbols([create.to_string()]),
    );
}
