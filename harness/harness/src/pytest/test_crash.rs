checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a pytest test that killed the interpreter or hung under
    /// `extharness pytest`: a signal (SIGSEGV, SIGABRT, ...), an exit from
    /// inside the test (`os._exit`), or a run that overran `--timeout`
    /// (default 60 s per run; faulthandler's watchdog dumps every thread's
    /// Python stack and stops the process). The message names the run it
    /// happened in (a warm-up, a measured run, or pytest's own run after
    /// them) and, for a signal, the crash site: the innermost native frame
    /// outside the C runtime and the interpreter, usually the extension
    /// module's function, with file and line when it has debug information.
    /// The evidence has faulthandler's Python traceback, the native stack
    /// and the end of stderr.
    /// The harness then starts pytest again without the tests already done
    /// and this one, so the rest of the suite still runs and is reported.
    /// A death outside any test (collection, between tests, at exit) is
    /// reported the same way, for the run as a whole.
    ///
    /// ## Why is this bad?
    /// A crash takes the whole process down with no exception to catch: in
    /// a plain pytest run it also ends every test after it, and in
    /// production the application. A hang blocks its caller forever.
    /// Typical causes: a NULL from the C API used without a check, a
    /// borrowed reference used after its owner released it, a missing
    /// `Py_INCREF` on a returned object, a buffer overrun, a deadlock on
    /// the GIL.
    ///
    /// ## Example
    /// ```python
    /// def test_default_name():                      # tests/test_spam.py
    ///     assert spam.default_name() == "spam"      # getenv() -> NULL -> strlen(NULL)
    /// ```
    /// ```text
    /// crashed  tests/test_spam.py::test_default_name
    ///     error[test-crash]: the interpreter died by SIGSEGV in warm-up run 1, in default_name (_spam.c:88)
    ///       native_stack:
    ///         #0 __strlen_evex at strlen-evex.S:79 (libc.so.6)
    ///         #1 default_name at _spam.c:88 (_spam.cpython-311-x86_64-linux-gnu.so)
    ///         #2 cfunction_vectorcall_NOARGS at methodobject.c:486 (python3.11)
    ///       python_traceback:
    ///         Fatal Python error: Segmentation fault
    ///         Current thread 0x00007f65484562c0 (most recent call first):
    ///           File "/src/tests/test_spam.py", line 2 in test_default_name
    ///           ... 35 frame(s) of pytest and extharness
    /// ```
    ///
    /// ## How to fix
    /// Start at the crash site and the native stack. For more, run the test
    /// alone under `gdb --args python -m pytest NODEID`, or
    /// under a debug build of CPython, which turns many of these into
    /// assertions naming the cause. Check every pointer that can be NULL
    /// and raise instead; own the references you keep (`Py_NewRef`). A run
    /// that only crashes after a warm-up points at state the first run left
    /// behind: a freed object still cached in a C static.
    pub struct TestCrash { id: "test-crash", severity: Error, group: Pytest }
}
