//! module:    pyo3_gil_not_used
//! python:    3.13+
//! inspector: abi3-candidate (3.13-3.13)
//! harness:   subinterpreter-refused
//!
//! A PyO3 module that says in so many words that it does not need the GIL:
//! `#[pymodule(gil_used = false)]`. PyO3 turns that into the
//! `Py_mod_gil = Py_MOD_GIL_NOT_USED` slot of its module definition on 3.13
//! and 3.14 (`PyModuleSlotsBuilder::with_gil_used` in pyo3 0.30's
//! `impl_/pymodule.rs`), and into the same slot of the PySlot array its
//! export hook returns on 3.15, so a free-threaded CPython keeps the GIL off.
//! pyo3 0.30's macro takes a missing `gil_used` for `false`
//! (`options.gil_used.is_some_and(..)` in pyo3-macros-backend's `module.rs`),
//! so the other PyO3 samples declare it too; this one states it, as the
//! free-threading guide asks of a module that is ready.
//!
//! Inspector: no error or warning; abi3-candidate (info) built for 3.13;
//! built for 3.14 and later it imports PyO3's `PyUnicodeWriter_*` calls
//! (3.14's writer API, outside the stable ABI), as pyo3_clean does.
//! Harness: no gil-required; an isolated subinterpreter with its own GIL
//! refuses it (PyO3 declares no Py_mod_multiple_interpreters slot):
//! subinterpreter-refused (info), as every PyO3 sample.

/// A PyO3 module declaring Py_MOD_GIL_NOT_USED.
#[pyo3::pymodule(gil_used = false)]
mod pyo3_gil_not_used {
    use pyo3::prelude::*;

    /// The sum of two integers; overflow becomes OverflowError, not a wrap.
    #[pyfunction]
    fn add(a: i64, b: i64) -> PyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| pyo3::exceptions::PyOverflowError::new_err("sum does not fit in i64"))
    }
}
