checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a module that imports in the first runtime of a process but
    /// raises `ImportError` when a later runtime imports it, after
    /// `Py_FinalizeEx` and `Py_InitializeEx` in the same process (the
    /// `reinit` scenario's embedding host). The message is the module's
    /// (numpy's is "cannot load module more than once per process"). Any
    /// other exception in a later runtime's import is an `import-error` with
    /// the phase `reinit-import (cycle N)`.
    ///
    /// ## Why is this bad?
    /// It is not a defect. A module whose C state cannot be initialised twice
    /// in a process (C globals, a C library that initialises once) is right
    /// to refuse: handing a new runtime objects of the old one, or crashing,
    /// would be worse. It is reported so that embedders know: an application
    /// that finalises Python and initialises it again can use the module
    /// only in the first runtime.
    ///
    /// ## Example
    /// ```c
    /// static int initialised;
    /// static int spam_exec(PyObject *m) {
    ///     if (initialised) {
    ///         PyErr_SetString(PyExc_ImportError,
    ///                         "cannot load module more than once per process");
    ///         return -1;
    ///     }
    ///     initialised = 1;
    ///     return 0;
    /// }
    /// ```
    /// ```text
    /// info[reinit-refused]: a new runtime's import is refused: ImportError: cannot load module more than once per process
    /// ```
    ///
    /// ## How to fix
    /// Nothing, if the state cannot be made per runtime. Otherwise keep it in
    /// module state, which CPython frees with the module at finalisation, or
    /// release it in `m_free` and reset the flag there, so that every
    /// runtime initialises its own, and drop the refusal.
    pub struct ReinitRefused { id: "reinit-refused", severity: Info, group: Scenario }
}
