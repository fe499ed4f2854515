//! module:    pyo3_clean
//! python:    3.9+
//! inspector: abi3-candidate (3.9-3.13)
//! harness:   subinterpreter-refused (3.12+)
//!
//! The well-behaved PyO3 reference: a `#[pymodule]` with two plain functions
//! (`add`, `greet`) and no state. PyO3 0.30 initialises modules in multiple
//! phases (PEP 489), so a re-import gives a new module object with new function
//! objects. It declares no `Py_mod_multiple_interpreters` slot, which CPython
//! reads as "subinterpreters sharing the main GIL only".
//!
//! Inspector: no error or warning. Although built version-specific (not abi3),
//! every C-API symbol it imports is in the stable ABI: its only `_Py*` imports
//! are `_Py_Dealloc` and `_Py_NoneStruct` (and `_Py_IncRef`/`_Py_DecRef` on a
//! debug build), all stable-ABI refcounting symbols. So: abi3-candidate (info).
//! Built for 3.9-3.11 it does import symbols that joined the stable ABI later
//! (`PyObject_VectorcallMethod` in 3.12; on 3.9 also `PyObject_CallNoArgs` and
//! `PyUnicode_AsUTF8AndSize`, 3.10). Built for 3.14 and later it is not a
//! candidate: there PyO3 builds strings with `PyUnicodeWriter_*`, 3.14's
//! writer API, which is outside the stable ABI.
//! Harness: re-import, calls and shutdown are clean, and a legacy (shared-GIL)
//! subinterpreter imports it; an isolated subinterpreter with its own GIL
//! (3.12+) refuses it with ImportError: subinterpreter-refused (info).

/// A well-behaved PyO3 module: two plain functions and nothing else.
#[pyo3::pymodule]
mod pyo3_clean {
    use pyo3::prelude::*;

    /// The sum of two integers; overflow becomes OverflowError, not a wrap.
    #[pyfunction]
    fn add(a: i64, b: i64) -> PyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| pyo3::exceptions::PyOverflowError::new_err("sum does not fit in i64"))
    }

    /// A greeting for `name`, through a str round trip.
    #[pyfunction]
    fn greet(name: &str) -> String {
        format!("Hello, {name}!")
    }
}
