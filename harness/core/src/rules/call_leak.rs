checks::declare_meta! {
    /// ## What it does
    /// Reports a workload that leaks references, memory blocks or file
    /// descriptors. The workload (`run()` from `--workload FILE`, or `-c CODE`)
    /// runs repeatedly with `regrtest -R`'s clean-up between runs
    /// (`gc.collect()`, type cache and other caches cleared); after warm-up runs
    /// the harness measures what each run adds: total references
    /// (`sys.gettotalrefcount()`, debug builds only, corrected on 3.12+ for
    /// strings interned during the run), allocated memory blocks
    /// (`sys.getallocatedblocks()`) and open file descriptors. It is a leak when
    /// every reference delta, or every block delta, is at least 1, or when any
    /// file-descriptor delta is not zero. The message gives the deltas and the
    /// measures the verdict rests on.
    ///
    /// ## Why is this bad?
    /// Memory or descriptors grow with every call until a long-running process
    /// runs out; one-off caches give zeros or mixed deltas, so growth in every
    /// run is a leak. Only a debug interpreter counts references, so the harness
    /// also runs the debug build of the same version when there is one.
    ///
    /// ## Example
    /// ```c
    /// static PyObject *spam_store(PyObject *m, PyObject *obj) {
    ///     Py_INCREF(obj);                           /* never given back */
    ///     Py_RETURN_NONE;
    /// }
    /// ```
    /// ```python
    /// import spam                                   # workload.py
    /// def run():
    ///     for _ in range(100):
    ///         spam.store(object())
    /// ```
    /// ```text
    /// error[call-leak]: the workload leaks: references +100 +100 +100, memory blocks +100 +100 +100, file descriptors 0 0 0 (verdict on references and memory blocks)
    /// ```
    ///
    /// ## How to fix
    /// Release every new reference on every path, error paths included
    /// (`Py_XDECREF` before each `return NULL`), and close what you open.
    /// Narrow the workload to one call and watch `sys.gettotalrefcount()`.
    pub struct CallLeak { id: "call-leak", severity: Error }
}
