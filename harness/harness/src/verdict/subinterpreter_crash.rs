checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a child process that died while creating a subinterpreter,
    /// importing the module in one, or ending it. The message names the phase
    /// (create, import or end) and the signal, with faulthandler's Python
    /// traceback.
    ///
    /// ## Why is this bad?
    /// Any program that uses subinterpreters, such as
    /// `concurrent.interpreters` (3.14) or an embedder, dies with the module,
    /// with no exception to catch. Typical causes: init code that assumes
    /// one interpreter per process (it reuses a static type or an object
    /// created by the main interpreter, or calls `abort()` on a second
    /// initialisation), `PyGILState_Ensure` from a subinterpreter (the
    /// `PyGILState` API knows only the main interpreter), or an `m_clear`,
    /// `m_free` or `tp_dealloc`, run as the subinterpreter ends, that
    /// releases objects or C state still shared with the main interpreter.
    ///
    /// ## Example
    /// ```c
    /// static int initialised;
    /// static int spam_exec(PyObject *m) {
    ///     if (initialised)
    ///         abort();                    /* "cannot happen": a subinterpreter does it */
    ///     initialised = 1;
    ///     return 0;
    /// }
    /// ```
    /// ```text
    /// error[subinterpreter-crash]: killed by SIGABRT in phase subinterpreter import (legacy, shared GIL)
    ///   Fatal Python error: Aborted
    ///   ...
    /// ```
    ///
    /// ## How to fix
    /// Isolate the module (multi-phase init, module state, heap types; the
    /// "Isolating Extension Modules" HOWTO), or refuse cleanly: raise
    /// `ImportError` from the exec slot, or on 3.12+ declare
    /// `{Py_mod_multiple_interpreters, Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED}`,
    /// so that the program gets an exception it can handle.
    pub struct SubinterpreterCrash { id: "subinterpreter-crash", severity: Error, group: Scenario }
}
