checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a child process that died while the module was being imported
    /// again, after `del sys.modules[name]` and `gc.collect()`. The message gives
    /// the signal and faulthandler's Python traceback.
    ///
    /// ## Why is this bad?
    /// The first import works, so the module looks fine until something
    /// imports it again: a test suite, a plugin loader, code that removes it
    /// from `sys.modules`. Then the process dies, with no exception to catch.
    /// Typical causes: the end of the first module (`m_free`, `m_clear`)
    /// released an object that a C static still points to and the next exec
    /// uses it; the init code assumes C statics are still empty; or it calls
    /// `abort()` on a second initialisation.
    ///
    /// ## Example
    /// ```c
    /// static PyObject *cache;
    /// static int spam_exec(PyObject *m) {
    ///     if (cache == NULL)
    ///         cache = PyDict_New();
    ///     return PyModule_AddObjectRef(m, "cache", cache);
    /// }
    /// static void spam_free(void *m) {
    ///     Py_DECREF(cache);               /* cache still points at the freed dict */
    /// }
    /// ```
    /// ```text
    /// error[reimport-crash]: killed by SIGSEGV in phase reimport
    ///   Fatal Python error: Segmentation fault
    ///   ...
    /// ```
    ///
    /// ## How to fix
    /// Keep per-module objects in module state rather than C statics; where
    /// a static must stay, reset it when releasing (`Py_CLEAR(cache)`) and
    /// initialise it again in the next exec. A module that truly cannot be
    /// initialised twice should raise `ImportError` instead (see
    /// `reimport-refused`).
    pub struct ReimportCrash { id: "reimport-crash", severity: Error, group: Scenario }
}
