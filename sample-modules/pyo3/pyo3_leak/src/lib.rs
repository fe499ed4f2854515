//! module:    pyo3_leak
//! python:    3.9+
//! inspector: abi3-candidate
//! harness:   call-leak (exercise), subinterpreter-refused (3.12+)
//!
//! `leak(obj)` clones its borrowed argument (a new strong reference) and
//! forgets the clone, so the reference is never given back: exactly one leaked
//! reference per call, in safe Rust (`mem::forget` is not `unsafe`).
//! `no_leak(obj)` is the same function done right, as a control.
//!
//! Inspector: nothing wrong statically (abi3-candidate, info, as for
//! pyo3_clean).
//! Harness: call-leak for `leak` under a workload or the exercise scenario; the
//! import-level scenarios are clean, but an isolated subinterpreter with its own
//! GIL (3.12+) refuses it: subinterpreter-refused (info).

#[pyo3::pymodule]
mod pyo3_leak {
    use pyo3::prelude::*;

    /// Takes a new reference to `obj` and never gives it back.
    #[pyfunction]
    fn leak(obj: &Bound<'_, PyAny>) {
        // The bug: forgetting the clone skips its Py_DECREF.
        std::mem::forget(obj.clone());
    }

    /// The control: borrows `obj` and leaks nothing.
    #[pyfunction]
    fn no_leak(obj: &Bound<'_, PyAny>) {
        let _ = obj;
    }
}
