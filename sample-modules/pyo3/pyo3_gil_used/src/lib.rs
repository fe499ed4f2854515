//! module:    pyo3_gil_used
//! python:    3.13+
//! inspector: abi3-candidate (3.13-3.13)
//! harness:   subinterpreter-refused, gil-required (3.13+)
//!
//! pyo3_gil_not_used with `#[pymodule(gil_used = true)]`: the module tells
//! CPython it needs the GIL, and PyO3 writes `Py_mod_gil = Py_MOD_GIL_USED`
//! into its slots (3.13 and 3.14: the PyModuleDef's m_slots; 3.15: the
//! PySlot array of its export hook). A free-threaded CPython re-enables the
//! GIL when it imports it. Since pyo3 0.30's default is `gil_used = false`
//! (see pyo3_gil_not_used), a PyO3 module gets here only by asking to.
//!
//! Inspector: nothing visible statically (abi3-candidate, info, on 3.13
//! only, as pyo3_gil_not_used).
//! Harness: gil-required (warning) on every 3.13+ interpreter, which the proof
//! confirms by reading Py_mod_gil from the slots with ctypes;
//! subinterpreter-refused (info) as every PyO3 sample.

/// A PyO3 module declaring Py_MOD_GIL_USED.
#[pyo3::pymodule(gil_used = true)]
mod pyo3_gil_used {
    use pyo3::prelude::*;

    /// The sum of two integers; overflow becomes OverflowError, not a wrap.
    #[pyfunction]
    fn add(a: i64, b: i64) -> PyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| pyo3::exceptions::PyOverflowError::new_err("sum does not fit in i64"))
    }
}
