use naming::SuffixTag;

use crate::facts::{Facts, Generation};
use crate::finding::Finding;
use crate::registry::declare_check;

declare_check! {
    /// ## What it does
    /// Reports a module marked abi3t (named `.abi3t.so` or
    /// `.abi3t-<triplet>.so`, or with no ABI in its name inside an
    /// `abi3t`-tagged wheel, or importing `python3t.dll`) that exports
    /// `PyInit_<name>` and no PEP 793 `PyModExport_<name>`, and that builds
    /// its module from a `PyModuleDef` of its own: it imports
    /// `PyModuleDef_Init`, `PyModule_Create2` or `PyModule_FromDefAndSpec2`.
    /// A `PyInit_` that has another module create its module is not judged:
    /// a CFFI module's `PyInit_` has `_cffi_backend` (built for the running
    /// interpreter) make it, and argon2-cffi-bindings' `cp315-abi3.abi3t`
    /// wheel holds such a `_ffi.pyd`, which imports none of the three. A
    /// file whose name is plain abi3 is not judged either: the
    /// free-threaded builds an abi3t tag admits never load it, which
    /// `tag-suffix-mismatch` reports.
    ///
    /// ## Why is this bad?
    /// abi3t (PEP 803) makes `PyObject` opaque, and CPython 3.15's headers
    /// then hide `PyModuleDef_Base` and `PyModuleDef_HEAD_INIT`
    /// (`Include/moduleobject.h`, under `#ifndef _Py_OPAQUE_PYOBJECT`, which
    /// `Include/pyabi.h` defines for `Py_TARGET_ABI3T`). Compiled for abi3t
    /// 3.15 (`-DPy_TARGET_ABI3T`) against 3.15.2's headers, a `PyModuleDef`
    /// with `PyModuleDef_HEAD_INIT` fails ("variable 'def' has initializer
    /// but incomplete type", "'PyModuleDef_HEAD_INIT' undeclared"). A
    /// `PyInit_` that returns `PyModule_New(...)` does compile, but 3.15
    /// refuses the module it returns ("SystemError: initialization of spam
    /// did not return a valid extension module"): it has no def. So a
    /// `PyInit_`-only file with an abi3t name that passes a `PyModuleDef` of
    /// its own to CPython was built for another ABI, which free-threaded 3.15
    /// would load and run with the wrong object layout. An abi3t module
    /// exports the export hook (`PyMODEXPORT_FUNC PyModExport_spam(void)`),
    /// and may export `PyInit_` beside it for older interpreters.
    ///
    /// ## Example
    /// ```c
    /// // spam.abi3t.so
    /// PyMODINIT_FUNC PyInit_spam(void) { return PyModuleDef_Init(&spam_def); }
    /// ```
    ///
    /// ## How to fix
    /// Build with `Py_TARGET_ABI3T` and define the module by its slots,
    /// returned from `PyModExport_<name>` (PEP 793); or, for a module built
    /// for the GIL-enabled stable ABI, name it `.abi3.so` and tag its wheel
    /// `abi3`, without `abi3t`.
    pub struct Abi3tWithoutExportHook {
        id: "abi3t-without-export-hook",
        severity: Error,
        run: Some(run),
    }
}

/// The functions that take a `PyModuleDef` the module defines.
const USES_DEF: [&str; 4] = [
    "PyModuleDef_Init",
    "PyModule_Create2",
    "PyModule_FromDefAndSpec2",
    "PyModule_Create2TraceRefs",
];

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    if !facts.target.abi3t || facts.generation != Generation::Python3 {
        return;
    }
    let Some(file) = &facts.file else {
        return;
    };
    match file.tag {
        SuffixTag::Abi3 {
            free_threaded: true,
            ..
        }
        | SuffixTag::Plain => {}
        _ => return,
    }
    let Some(module) = &facts.module else {
        return;
    };
    let Some(uses_def) = USES_DEF.iter().find(|f| facts.imports(f)) else {
        return;
    };
    let init = [naming::init_symbol(module)];
    let hook = [naming::export_symbol(module)];
    let slices = facts.slices();
    let init_only = !slices.is_empty()
        && slices
            .iter()
            .all(|s| Facts::exports_any(s, &init) && !Facts::exports_any(s, &hook));
    if !init_only {
        return;
    }
    let marked_by = match file.tag {
        SuffixTag::Abi3 { .. } => format!("its name (`{}`)", file.suffix),
        _ if facts
            .subject
            .wheel
            .is_some_and(|w| w.abi_tags.iter().any(|t| t == "abi3t")) =>
        {
            "its wheel's `abi3t` tag".to_string()
        }
        _ => "its import of `python3t.dll`".to_string(),
    };
    out.push(
        Finding::new(
            &Abi3tWithoutExportHook::META,
            format!(
                "{marked_by} says abi3t, but it exports `{}` and no `{}`, and passes a `PyModuleDef` of its own to `{uses_def}`: abi3t's headers hide `PyModuleDef_HEAD_INIT`, so a module built for abi3t defines itself through the PEP 793 export hook; this one was built for another ABI, which free-threaded 3.15 would load",
                init[0], hook[0],
            ),
        )
        .with_symbols([init[0].clone(), uses_def.to_string()]),
    );
}
