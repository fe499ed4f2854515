checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a pytest test that leaks references, memory blocks or file
    /// descriptors (`extharness pytest`). Each test runs `--warmups` times
    /// (default 3), then `--runs` measured times (default 6), each time
    /// through pytest's own setup, call and teardown, with `regrtest -R`'s
    /// clean-up in between (`gc.collect()`, type cache and other caches
    /// cleared); then pytest runs it once more and reports it as usual. The
    /// harness measures what each measured run adds: allocated memory blocks
    /// (`sys.getallocatedblocks()`), open file descriptors, and on a debug
    /// interpreter total references (`sys.gettotalrefcount()`). It is a
    /// leak when every block delta, or every reference delta, is at least 1,
    /// or when any descriptor delta is not zero. References count only when
    /// every extension module loaded was built for the debug interpreter
    /// (its file name carries the `d` tag, `.cpython-311d-...so`), or with
    /// `--references`. A test that fails, errors or skips is not measured.
    ///
    /// When the measured runs grew, the test runs three times more under
    /// `tracemalloc`, with GC-tracked objects counted by type before and
    /// after (the measured runs are over, so their deltas are untouched).
    /// The evidence's `allocation_sites` are the Python tracebacks holding
    /// at least one more memory block per run (top five; for memory a C
    /// function allocates, the Python line that called the function that
    /// allocated), `surviving_types` the types whose GC-tracked objects
    /// grew by at least one per run. The message ends with the top of
    /// each: `; most: 10 blocks/run allocated at test_spam.py:3`.
    ///
    /// ## Why is this bad?
    /// What a test leaks, the code it exercises leaks in production on
    /// every call, until a long-running process runs out of memory or
    /// descriptors. Growth in every measured run, after warm-ups that let
    /// caches fill, is the rule CPython's own test suite uses to find leaks.
    /// Unlike pytest-leaks, which reports leaks and exits 0, this fails the
    /// run, so a CI job can gate on it.
    ///
    /// ## Example
    /// ```c
    /// static PyObject *spam_store(PyObject *m, PyObject *obj) {
    ///     Py_INCREF(obj);                           /* never given back */
    ///     Py_RETURN_NONE;
    /// }
    /// ```
    /// ```python
    /// def test_store():                             # tests/test_spam.py
    ///     for _ in range(10):
    ///         spam.store(object())
    /// ```
    /// ```text
    /// leaked   tests/test_spam.py::test_store
    ///     error[test-leak]: the test leaks: memory blocks [10, 10, 10, 10, 10, 10] per measured run (verdict on memory blocks, file descriptors); most: 10 blocks/run allocated at test_spam.py:3
    /// ```
    ///
    /// ## How to fix
    /// Release every new reference on every path, error paths included
    /// (`Py_XDECREF` before each `return NULL`), and close what you open.
    /// Build the module for the debug interpreter (`python3.11d`) to have
    /// references counted too: the harness switches to it by itself when
    /// it runs the suite. A test that caches on purpose should fill its
    /// cache in a fixture of wider scope, which the repetitions keep up.
    pub struct TestLeak { id: "test-leak", severity: Error, group: Pytest }
}
