//! module:    pyo3_pyclass
//! python:    3.9+
//! inspector: abi3-candidate (3.9-3.13)
//! harness:   singleton-state, reinit-stale-objects, subinterpreter-shared-objects, subinterpreter-refused (3.12+)
//!
//! A `#[pyclass] Counter` (`Counter(start=0)`, `increment()`, getter `count`).
//! PyO3 creates a class's type object lazily, once per process, and caches it
//! in a Rust static. The module is multi-phase, so after
//! `del sys.modules["pyo3_pyclass"]` an import runs the module's exec slot again
//! and gives a new module object, but the new module holds the very `Counter`
//! type object that the first import created; and so does the module as a
//! legacy subinterpreter imports it (PyO3 checks the interpreter only for
//! submodules, not for a top-level `#[pymodule]`).
//!
//! Inspector: abi3-candidate (info), as for pyo3_clean; `PyType_FromSpec` and
//! every other import are in the stable ABI.
//! Harness: singleton-state: a re-import hands out the first import's
//! `Counter`. reinit-stale-objects: the cached type object outlives
//! Py_Finalize, so a new runtime is handed the old one. subinterpreter-shared-objects:
//! a legacy (shared-GIL) subinterpreter gets the main interpreter's `Counter`.
//! An isolated subinterpreter with its own GIL (3.12+) refuses it: subinterpreter-refused
//! (info). Calls do not leak; shutdown is clean.

use pyo3::prelude::*;

/// A counter that starts at `start` and goes up by one per `increment()`.
#[pyclass(module = "pyo3_pyclass")]
struct Counter {
    count: i64,
}

#[pymethods]
impl Counter {
    #[new]
    #[pyo3(signature = (start = 0))]
    fn new(start: i64) -> Self {
        Counter { count: start }
    }

    /// Adds one and returns the new count.
    fn increment(&mut self) -> i64 {
        self.count += 1;
        self.count
    }

    #[getter]
    fn count(&self) -> i64 {
        self.count
    }
}

#[pymodule]
mod pyo3_pyclass {
    #[pymodule_export]
    use super::Counter;
}
