checkmeta::declare_meta! {
    /// ## What it does
    /// Reports an interpreter that did not exit within the time limit
    /// (`--timeout`, default 60 s) after the program finished. The module was
    /// imported and used and the program ended, but the process was still alive;
    /// the harness then kills the child's whole process group.
    ///
    /// ## Why is this bad?
    /// Scripts, test runs and CI jobs never end; services cannot be stopped
    /// without being killed, losing what their exit hooks should have
    /// written. Typical causes: an exit hook (a C `atexit()` hook, a C++
    /// static destructor, a Python `atexit` handler) joining a native thread that
    /// never ends, or a non-daemon `threading.Thread` that the module started
    /// and never stops: `Py_FinalizeEx` waits for every non-daemon thread
    /// before it runs Python's `atexit` handlers, so those cannot stop it.
    ///
    /// ## Example
    /// ```c
    /// static pthread_t worker;
    /// static void *work(void *arg) { for (;;) wait_for_job(); }
    /// static void stop_worker(void) { pthread_join(worker, NULL); }  /* never returns */
    /// static int spam_exec(PyObject *m) {
    ///     pthread_create(&worker, NULL, work, NULL);
    ///     atexit(stop_worker);
    ///     return 0;
    /// }
    /// ```
    /// ```text
    /// error[shutdown-hang]: did not exit within 60 s after the program finished; process group killed
    /// ```
    ///
    /// ## How to fix
    /// Tell a thread to stop (a flag, a sentinel in its queue) before joining
    /// it, and do not join forever from an exit hook. Make background
    /// threads daemon threads, or give the module an explicit `close()` (or
    /// context manager) that stops them.
    pub struct ShutdownHang { id: "shutdown-hang", severity: Error, group: Scenario }
}
