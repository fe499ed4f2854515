checkmeta::declare_meta! {
    /// ## What it does
    /// Reports objects of the module that a subinterpreter shares with the main
    /// interpreter: the very same objects, compared by address. Compared are the
    /// module's attributes, their types when the module defines them, and what
    /// its zero-argument functions return (every module-level function that takes
    /// no arguments is called once per interpreter).
    ///
    /// ## Why is this bad?
    /// Python objects belong to one interpreter. In a subinterpreter with its
    /// own GIL, two threads change a shared object's reference count with no
    /// common lock: a data race that corrupts counts and frees live objects.
    /// Even with a shared GIL, objects of one interpreter end up used and
    /// freed by another, possibly after their own interpreter has ended.
    /// Causes: a C static caching a Python object (`static PyObject *cache`),
    /// static types (`static PyTypeObject`), and single-phase modules, whose
    /// dict CPython copies into every interpreter that imports them.
    ///
    /// ## Example
    /// ```c
    /// static PyObject *cache;                  /* one dict for all interpreters */
    /// static int spam_exec(PyObject *m) {
    ///     if (cache == NULL)
    ///         cache = PyDict_New();
    ///     return PyModule_AddObjectRef(m, "cache", cache);
    /// }
    /// /* and in spam_slots: claims what is not true */
    /// {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
    /// ```
    /// ```text
    /// error[subinterpreter-shared-objects]: an isolated subinterpreter (own GIL) gets the main interpreter's objects: cache
    /// ```
    ///
    /// ## How to fix
    /// Keep objects in per-module state (multi-phase init, PEP 489;
    /// `PyModule_GetState`) and create types per module with
    /// `PyType_FromModuleAndSpec`, as the "Isolating Extension Modules" HOWTO
    /// describes. Until then, declare `Py_mod_multiple_interpreters`
    /// truthfully: with `Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED`, CPython
    /// refuses the import in subinterpreters with an `ImportError` instead.
    pub struct SubinterpreterSharedObjects { id: "subinterpreter-shared-objects", severity: Error, group: Scenario }
}
