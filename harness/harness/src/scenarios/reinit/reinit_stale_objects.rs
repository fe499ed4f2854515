checkmeta::declare_meta! {
    /// ## What it does
    /// Reports objects that a module hands to a runtime after the first of
    /// its process but that belong to an earlier, finalised runtime. The
    /// `reinit` scenario's embedding host tags every memory block Python
    /// allocates with the cycle (runtime) that allocated it. In each runtime
    /// after the first it looks at the module's objects: its types,
    /// exception classes and functions, its other attributes (and their types
    /// when they are its own), and what its zero-argument functions return.
    /// One is stale when its memory block was allocated by an earlier runtime:
    /// it survived `Py_FinalizeEx`, held by a C static. So is an object inside
    /// the module's own library (a static type or object): there is one for
    /// the whole process, whichever runtime is current. The message names
    /// each object once, with the runtime it came from.
    ///
    /// The module object itself is stale when its create slot hands back
    /// the one it kept in a C static (the modules Cython generates do, as
    /// measured on lxml, yarl, msgpack and PyYAML): the
    /// finalised runtime set every attribute of it to `None`
    /// (`finalize_modules`, Python/pylifecycle.c), and the message names
    /// them. An import that then fails in the new runtime because it, or a
    /// module its package loaded, is such a module (`'NoneType' object is
    /// not callable` in the package's `__init__`) is told here, once, with
    /// the modules handed back, rather than as an `import-error`.
    ///
    /// An address alone proves nothing: a fresh runtime often allocates a new
    /// object exactly where a freed one was, so the same address in two
    /// runtimes is no evidence; which runtime allocated the block is. Values
    /// CPython itself keeps across runtimes are not looked at: `None`,
    /// booleans, numbers, strings, bytes, tuples, frozensets, and on 3.12+
    /// immortal objects that are not the module's.
    ///
    /// ## Why is this bad?
    /// The object outlived the runtime it was made in. Its dict, its base
    /// classes' state and the strings naming its attributes were made by a
    /// runtime that has been torn down, and the new runtime's garbage
    /// collector does not know it (its links point into the old runtime's
    /// lists). It works by luck: attributes set in the old runtime reappear,
    /// and when its old references are released the process may crash. The
    /// common causes are a type or exception created once and kept in a C
    /// static, and PyO3's `#[pyclass]` type objects, which PyO3 creates once
    /// per process and keeps in Rust statics.
    ///
    /// ## Example
    /// ```c
    /// static PyObject *SpamError;                 /* created once per process */
    /// static int spam_exec(PyObject *m) {
    ///     if (SpamError == NULL)
    ///         SpamError = PyErr_NewException("spam.Error", NULL, NULL);
    ///     return PyModule_AddObjectRef(m, "Error", SpamError);
    /// }
    /// ```
    /// ```text
    /// warning[reinit-stale-objects]: a new runtime gets objects of a finalised one: Error (exception, from runtime 1, in runtime 2)
    /// ```
    /// On lxml 6.2.1 (Cython), CPython 3.13:
    /// ```text
    /// warning[reinit-stale-objects]: the import in runtime 2 hands back runtime 1's module object, whose attributes that runtime's finalisation set to None (158 of them: AncestorsIterator, ...)
    /// ```
    ///
    /// ## How to fix
    /// Create types and exceptions per module, in the exec slot
    /// (`PyType_FromModuleAndSpec`, `PyErr_NewException`), keep them in
    /// module state and release them in `m_clear` and `m_free`, as PEP 630
    /// and the "Isolating Extension Modules" HOWTO describe; static types
    /// become heap types. Where a C static must stay, release it in `m_free`
    /// and set it back to `NULL`, so that the next runtime makes its own.
    /// A PyO3 module cannot do that for its `#[pyclass]` types; it is safe in
    /// the first runtime of a process only, which embedders should be told.
    /// A Cython module cannot fix this in its own source: the code Cython
    /// generates keeps the module object, so a module built with it works in
    /// the first runtime of a process only, which embedders should be told.
    pub struct ReinitStaleObjects { id: "reinit-stale-objects", severity: Warning, group: Scenario }
}
