checkmeta::declare_meta! {
    /// ## What it does
    /// Reports the module's functions, types and exception classes that a
    /// re-import hands back unchanged: the very same objects as in the first
    /// import, listed by name. The module is removed with
    /// `del sys.modules[name]`, `gc.collect()` runs, and it is imported again.
    ///
    /// ## Why is this bad?
    /// A new import should give new objects. When it does not, the module
    /// has one state for the whole process: attributes set on its classes,
    /// counters and caches survive removal from `sys.modules`, tests that
    /// re-import it are not isolated, and the same objects are likely handed
    /// to subinterpreters too. There are two causes. Single-phase init
    /// (`PyModule_Create` with `m_size = -1`): CPython keeps a copy of the
    /// module's dict and hands it back, and `PyInit_spam` is not called
    /// again. Or C statics caching objects: an exception type created once,
    /// or PyO3's `#[pyclass]` type objects, created once per process.
    ///
    /// ## Example
    /// ```c
    /// static PyObject *SpamError;               /* created once per process */
    /// static int spam_exec(PyObject *m) {
    ///     if (SpamError == NULL)
    ///         SpamError = PyErr_NewException("spam.Error", NULL, NULL);
    ///     return PyModule_AddObjectRef(m, "Error", SpamError);
    /// }
    /// ```
    /// ```text
    /// warning[singleton-state]: a re-import hands back the first import's objects: Error
    /// ```
    ///
    /// ## How to fix
    /// Use multi-phase init (PEP 489) and keep state in module state
    /// (`m_size`, `PyModule_GetState`) as PEP 630 and the "Isolating
    /// Extension Modules" HOWTO describe: create types per module with
    /// `PyType_FromModuleAndSpec` and exceptions in the exec slot, store them
    /// in module state, and reach them with `PyType_GetModuleState`.
    pub struct SingletonState { id: "singleton-state", severity: Warning, group: Scenario }
}
