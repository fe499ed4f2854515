checkmeta::declare_meta! {
    /// ## What it does
    /// Reports an interpreter that crashed during finalization or in exit hooks,
    /// after the module was imported and used. The scenario imports the module,
    /// calls each zero-argument module function once and lets the program end
    /// normally; the message gives the signal (or abort) and the phase.
    ///
    /// ## Why is this bad?
    /// Every program that imports the module ends in a crash: the shell's `$?`
    /// is 139 or 134 instead of 0 (CI jobs fail after every test passed),
    /// `Segmentation fault (core dumped)` is printed, and output not yet
    /// flushed is lost. Typical causes: a C `atexit()` hook (or a
    /// `Py_AtExit` function) that touches the Python API after
    /// `Py_FinalizeEx` has torn the runtime down; an `m_free` or `tp_dealloc`
    /// that uses state already freed; a native thread calling into Python
    /// during finalization.
    ///
    /// ## Example
    /// ```c
    /// static void spam_at_exit(void) {
    ///     PyErr_SetString(PyExc_RuntimeError, "bye");   /* no runtime left */
    /// }
    /// static int spam_exec(PyObject *m) {
    ///     atexit(spam_at_exit);
    ///     return 0;
    /// }
    /// ```
    /// ```text
    /// error[shutdown-crash]: killed by SIGSEGV in phase finalize
    /// ```
    ///
    /// ## How to fix
    /// Never call the Python API from C `atexit()` hooks or `Py_AtExit`
    /// functions. Do Python-level clean-up in a handler registered with
    /// Python's `atexit` module, which runs while the interpreter is still
    /// intact, or in `m_clear`/`m_free`, and make those tolerate being called
    /// late: clear pointers with `Py_CLEAR` and check them for NULL. Stop
    /// native threads before the interpreter finalizes.
    pub struct ShutdownCrash { id: "shutdown-crash", severity: Error, group: Scenario }
}
