checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a module that cannot be imported: loading it by path fails in
    /// a fresh interpreter. The message classifies the cause: no init
    /// function, an undefined symbol (named), a shared object that cannot be
    /// opened, an init function that returned NULL without an exception, one
    /// that raised (the exception is given), one that returned something
    /// other than a module, or one that returned a value with an exception
    /// set; an initialisation that imports a module the environment lacks
    /// (`missing-dependency`); or, for a module in a package, a package
    /// whose own import raised before the module was loaded
    /// (`parent-import-failed`: the package's failure, or the
    /// environment's, not the module's). The original error is dug out of
    /// wrapping `ImportError`s (`__cause__`, numpy's "Original error was:
    /// ..."). The other scenarios are skipped for that interpreter. A
    /// package's or environment's failure is the same for every module it
    /// stops, so it is reported once per run and interpreter, on the first
    /// of them, with the others in its evidence (`also_stopped`); their
    /// import scenarios are marked skipped with a pointer to it.
    ///
    /// ## Why is this bad?
    /// Nobody can use the module with this interpreter. Users see one of:
    /// `ImportError: dynamic module does not define module export function (PyInit_spam)`,
    /// `ImportError: .../spam.so: undefined symbol: spam_helper`,
    /// `ImportError: libspam.so.1: cannot open shared object file: No such file or directory`,
    /// `SystemError: initialization of spam failed without raising an exception`,
    /// `SystemError: initialization of spam did not return an extension module`
    /// (or `init function of spam returned uninitialized object`),
    /// `SystemError: initialization of spam raised unreported exception`.
    ///
    /// ## Example
    /// ```c
    /// PyMODINIT_FUNC PyInit_spam(void) {
    ///     if (spam_lib_init() < 0)
    ///         return NULL;                /* no exception set */
    ///     return PyModuleDef_Init(&spam_module);
    /// }
    /// ```
    /// ```text
    /// error[import-error]: init returned NULL without an exception: SystemError: initialization of spam failed without raising an exception
    /// ```
    ///
    /// ## How to fix
    /// Follow the cause: name the init function after the file
    /// (`PyInit_<name>`) and export it, link or bundle the missing library
    /// (`ldd`, `auditwheel repair`, `delocate`), build against this
    /// interpreter's headers, and set an exception exactly when the init
    /// function returns NULL; install what the package depends on (in the
    /// environment the harness runs, `--python .venv/bin/python`). `extinspect`
    /// finds missing init functions and undefined `Py*` symbols without
    /// running anything.
    pub struct ImportError { id: "import-error", severity: Error, group: Scenario }
}
