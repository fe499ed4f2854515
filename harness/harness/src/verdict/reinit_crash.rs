checkmeta::declare_meta! {
    /// ## What it does
    /// Reports an embedding process that died in the `reinit` scenario. An
    /// embedding host (the `extharness` binary itself, loading the
    /// interpreter's `libpython`) runs five cycles in one process:
    /// `Py_InitializeEx`, import the module, call its zero-argument functions
    /// (`--no-call` spares some), `Py_FinalizeEx`. A death by signal, an exit
    /// without a report or an overrun of the time limit in any step is
    /// reported with the step and the cycle (`reinit-import (cycle 2)`), the
    /// signal, and the native and Python stacks when they were captured. When
    /// the very first `Py_InitializeEx` fails, the module was not loaded yet:
    /// that is reported as the harness's failure, not as this finding.
    ///
    /// ## Why is this bad?
    /// Applications that embed Python (plugin hosts, test runners, tools
    /// with a "restart the interpreter" command) call `Py_Initialize` and
    /// `Py_FinalizeEx` more than once. A module whose C statics outlive
    /// finalisation (an "initialised" flag, a cached object, a type created
    /// once) meets them again in the next runtime, where the objects they
    /// point to belong to a runtime that no longer exists. The whole
    /// application dies, with no exception to catch. CPython itself had such
    /// bugs: on 3.12.0 to 3.12.4 calling any keyword-parsing function of a
    /// lib-dynload module in a second runtime crashes (CPython gh-122334).
    ///
    /// ## Example
    /// ```c
    /// static int initialised;
    /// static int spam_exec(PyObject *m) {
    ///     if (initialised)
    ///         abort();                  /* or: use what the first runtime cached */
    ///     initialised = 1;
    ///     return 0;
    /// }
    /// ```
    /// ```text
    /// error[reinit-crash]: the interpreter died by SIGABRT in phase reinit-import (cycle 2), in spam_exec (spam.c:4)
    /// ```
    ///
    /// ## How to fix
    /// Keep Python objects in module state (multi-phase init, PEP 489; the
    /// "Isolating Extension Modules" HOWTO) rather than in C statics, and
    /// release what statics must hold in `m_free`, setting them back to
    /// `NULL`, so that the next runtime starts from scratch. A module that
    /// truly cannot be initialised twice in a process should raise
    /// `ImportError` instead (see `reinit-refused`).
    pub struct ReinitCrash { id: "reinit-crash", severity: Error, group: Scenario }
}
