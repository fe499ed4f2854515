checkmeta::declare_meta! {
    /// ## What it does
    /// Reports C API calls made without holding the GIL, as CPython's own
    /// checks caught them: a Python allocator (`PyMem_*`, `PyObject_*`)
    /// called without the GIL (the debug allocator hooks, on under
    /// `--malloc-debug` and in every debug interpreter), a function that
    /// needs the thread state called while it is released
    /// (`PyThreadState_Get`), or the GIL released by a thread that does not
    /// hold it. Each aborts the process with a "Fatal Python error"; the
    /// harness reports the crash where it happened (for example
    /// `call-crash`, or `shutdown-crash` for a C exit hook that touches
    /// Python after finalization) and this finding with the error's text.
    ///
    /// ## Why is this bad?
    /// The GIL protects the interpreter's state, the allocators' included.
    /// Without it, calls race other threads and corrupt memory now and then,
    /// under load, in production. From 3.12 allocator state belongs to the
    /// interpreter of the current thread state, so an allocator called with
    /// the thread state released crashes outright.
    ///
    /// ## Example
    /// ```c
    /// Py_BEGIN_ALLOW_THREADS
    /// result = compute(data);
    /// PyMem_Free(scratch);          /* the GIL is released here */
    /// Py_END_ALLOW_THREADS
    /// ```
    /// ```text
    /// error[gil-misuse]: a Python allocator called without the GIL in phase use, calling release_scratch(): _PyMem_DebugFree: Python memory allocator called without holding the GIL
    /// ```
    ///
    /// ## How to fix
    /// Between `Py_BEGIN_ALLOW_THREADS` and `Py_END_ALLOW_THREADS` use only
    /// plain C: `PyMem_RawMalloc`/`PyMem_RawFree` or `malloc`/`free` for
    /// memory, and move every other C API call outside the block. Threads
    /// created in C take the GIL with `PyGILState_Ensure` first. Exit hooks
    /// registered with C's `atexit` must not call Python at all; use
    /// `Py_AtExit` or Python's `atexit` module.
    pub struct GilMisuse { id: "gil-misuse", severity: Error, group: Scenario }
}
