checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a child process that died while the module was being used. That is
    /// while it ran the workload (`run()` from `--workload FILE`, or `-c CODE`),
    /// called the module's zero-argument functions, which the shutdown
    /// scenario calls once each, or, in the `exercise` scenario, called one of
    /// the module's functions, types or methods with made-up arguments. The
    /// message names the signal and the phase, with faulthandler's Python
    /// traceback, which shows the call; an exercise phase names the callable
    /// and the argument shape (`exercise, calling parse(dict)`, also as the
    /// `function` and `shape` evidence). The exercise scenario then starts
    /// again without that callable, so one crash does not hide the others'
    /// findings.
    ///
    /// ## Why is this bad?
    /// A Python call takes the whole process down, with no exception to
    /// catch. Typical causes: a NULL from the C API or libc used without a
    /// check, a borrowed reference used after its owner released it, a
    /// missing `Py_INCREF` on a returned object (it is freed while still in
    /// use), a buffer overrun, or arguments parsed with the wrong format.
    ///
    /// ## Example
    /// ```c
    /// static PyObject *spam_default_name(PyObject *m, PyObject *noargs) {
    ///     const char *name = getenv("SPAM_NAME");  /* NULL in a clean environment */
    ///     return PyUnicode_FromString(name);        /* strlen(NULL): SIGSEGV */
    /// }
    /// ```
    /// ```text
    /// error[call-crash]: killed by SIGSEGV in phase use
    ///   Fatal Python error: Segmentation fault
    ///   Current thread 0x00007f1c2e9b4740 (most recent call first):
    ///     ...
    /// ```
    ///
    /// ## How to fix
    /// Check every pointer that can be NULL and raise an exception instead
    /// (`PyErr_SetString`, then return NULL); own the references you keep
    /// (`Py_NewRef`); let `PyArg_ParseTuple` or Argument Clinic check
    /// argument types; arguments of a type you do not expect must raise, not
    /// crash. Reproduce the call on its own under `gdb` or with a debug
    /// build of CPython, which turns many of these into assertions.
    pub struct CallCrash { id: "call-crash", severity: Error, group: Scenario }
}
