checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a child process that died during the first import of the
    /// module: killed by a signal, or exited without sending its report.
    /// The message names the signal and the phase, with the Python traceback
    /// that faulthandler wrote.
    ///
    /// ## Why is this bad?
    /// `import spam` takes the whole program down, with no exception to
    /// catch: the user sees `Segmentation fault (core dumped)` or `Aborted`,
    /// or the process just exits. Typical causes are an unchecked NULL in the
    /// init function or exec slot (a failed `PyImport_ImportModule`,
    /// `PyModule_Create` or `PyType_Ready` whose result is used anyway), an
    /// `assert()` or `abort()`, a crash in a C library's own initialisation,
    /// or C code that calls `exit()`.
    ///
    /// ## Example
    /// ```c
    /// static int spam_exec(PyObject *m) {
    ///     PyObject *helpers = PyImport_ImportModule("spam_helpers"); /* NULL: not installed */
    ///     PyObject *f = PyObject_GetAttrString(helpers, "f");        /* SIGSEGV */
    ///     return PyModule_AddObject(m, "f", f);
    /// }
    /// ```
    /// ```text
    /// error[import-crash]: killed by SIGSEGV in phase import
    ///   Fatal Python error: Segmentation fault
    ///   Current thread 0x00007f1c2e9b4740 (most recent call first):
    ///     File "<frozen importlib._bootstrap>", line 488 in _call_with_frames_removed
    ///     ...
    /// ```
    ///
    /// ## How to fix
    /// Check every C-API result for NULL and return -1 from the exec slot (or
    /// NULL from `PyInit_*`) with the exception still set, so that `import`
    /// raises instead of crashing. To find the line, run the import under
    /// `gdb -ex run --args python -c "import spam"`, or with a debug build of
    /// CPython, which catches misuse with assertions.
    pub struct ImportCrash { id: "import-crash", severity: Error, group: Scenario }
}
