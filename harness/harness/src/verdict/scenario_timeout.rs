checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a scenario that did not finish within the time limit
    /// (`--timeout`, default 60 s) before reaching finalization: a hang in
    /// the import, a re-import, a subinterpreter or the workload. It gives
    /// the phase reached and the traceback of every thread, which
    /// faulthandler dumps (`faulthandler.dump_traceback_later`) just before
    /// the child is killed.
    ///
    /// ## Why is this bad?
    /// Code that hangs is worse than code that fails: nothing reports it, and
    /// the program, test run or CI job waits forever. Typical causes: a
    /// deadlock on the GIL (a C function that waits, with the GIL held, for a
    /// thread that needs the GIL), init code that blocks on the network, a
    /// device or a lock, an endless retry loop; or a workload that is
    /// simply slower than the limit.
    ///
    /// ## Example
    /// ```c
    /// static void *work(void *arg) {
    ///     PyGILState_STATE g = PyGILState_Ensure();  /* waits for the GIL... */
    ///     PyGILState_Release(g);
    ///     return NULL;
    /// }
    /// static int spam_exec(PyObject *m) {
    ///     pthread_t t;
    ///     pthread_create(&t, NULL, work, NULL);
    ///     pthread_join(t, NULL);                      /* ...which the import holds */
    ///     return 0;
    /// }
    /// ```
    /// ```text
    /// error[scenario-timeout]: the import scenario did not finish within 60 s (phase import)
    ///   Thread 0x00007f1c2e9b4740 (most recent call first):
    ///     ...
    /// ```
    ///
    /// ## How to fix
    /// Release the GIL around blocking waits (`Py_BEGIN_ALLOW_THREADS` ...
    /// `Py_END_ALLOW_THREADS`), do not block during import, and bound every
    /// wait. If the workload is only slow, raise `--timeout`.
    pub struct ScenarioTimeout { id: "scenario-timeout", severity: Error, group: Scenario }
}
