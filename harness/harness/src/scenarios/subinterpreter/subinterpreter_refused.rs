checkmeta::declare_meta! {
    /// ## What it does
    /// Reports that importing the module in a subinterpreter raised
    /// `ImportError`. The message gives the kind of subinterpreter (legacy:
    /// shares the main GIL; isolated: has its own GIL, 3.12+) and the error.
    /// CPython raises
    /// `ImportError: module spam does not support loading in subinterpreters` for
    /// a single-phase module in an isolated subinterpreter, and for a multi-phase
    /// module that does not declare `Py_MOD_PER_INTERPRETER_GIL_SUPPORTED` in one
    /// with its own GIL; a module may also refuse by itself.
    ///
    /// ## Why is this bad?
    /// It is the correct behaviour for a module that is not isolated:
    /// refusing is far better than sharing objects between interpreters (see
    /// `subinterpreter-shared-objects`). It is reported so that users know
    /// the module cannot be used from that kind of subinterpreter, as
    /// `concurrent.interpreters` (3.14) creates, or embedders that run code
    /// in subinterpreters.
    ///
    /// ## Example
    /// ```c
    /// static struct PyModuleDef spam_module = {
    ///     PyModuleDef_HEAD_INIT, "spam", NULL, -1, spam_methods,
    /// };
    /// PyMODINIT_FUNC PyInit_spam(void) { return PyModule_Create(&spam_module); }
    /// ```
    /// ```text
    /// info[subinterpreter-refused]: an isolated subinterpreter (own GIL) refused it: ImportError: module spam does not support loading in subinterpreters
    /// ```
    ///
    /// ## How to fix
    /// Nothing is wrong. To support subinterpreters, isolate the module:
    /// multi-phase init (PEP 489), module state and heap types (the
    /// "Isolating Extension Modules" HOWTO); then, and only then, declare
    /// `{Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED}`.
    pub struct SubinterpreterRefused { id: "subinterpreter-refused", severity: Info, group: Scenario }
}
