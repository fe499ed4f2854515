checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a module that refuses a second import in one process with
    /// `ImportError`. The second import follows `del sys.modules[name]`; the
    /// message is the module's (numpy's is "cannot load module more than once per
    /// process").
    ///
    /// ## Why is this bad?
    /// It is not a defect. A module whose C state cannot be initialised twice
    /// (C globals, a C library that initialises once per process) is right to
    /// refuse: handing out stale objects or crashing would be worse. It is
    /// reported so that users know that re-importing does not work: test
    /// suites and plugin loaders that remove and re-import modules will get
    /// this error, and so, usually, will subinterpreters.
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
    /// info[reimport-refused]: the second import raised ImportError: cannot load module more than once per process
    /// ```
    ///
    /// ## How to fix
    /// Nothing, if the state cannot be made per module. Otherwise move it
    /// into module state (multi-phase init, PEP 489; the "Isolating Extension
    /// Modules" HOWTO), so that every import initialises its own, and drop
    /// the refusal.
    pub struct ReimportRefused { id: "reimport-refused", severity: Info, group: Scenario }
}
