checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a module whose every re-import leaks references, memory blocks or
    /// file descriptors. The module is removed from `sys.modules` and imported
    /// again, cycle after cycle; after warm-up cycles the harness measures what
    /// each cycle adds: the total reference count (debug builds only), allocated
    /// memory blocks, and open file descriptors. It is a leak when every delta of
    /// a measure is positive, and for file descriptors when any delta is not
    /// zero: the rule of CPython's `regrtest -R`. The message lists the deltas
    /// per measure and the measures the verdict rests on.
    ///
    /// One block per re-import is not counted when every re-import hands
    /// back the very module object of the first (a `Py_mod_create` that
    /// returns the module it made before, as Cython's generated code does):
    /// CPython's `PyModule_FromDefAndSpec2` sets that module's `md_state` to
    /// NULL and `PyModule_ExecDef` allocates the state anew (`PyMem_Malloc`
    /// of `m_size` bytes, a block even for 0), so CPython itself loses the
    /// previous block on every re-import of such a module
    /// (`Objects/moduleobject.c`). What the module leaks beyond it is
    /// reported, and the evidence's `not_counted` names the rule, the block
    /// per run it subtracted from `deltas` and the CPython source.
    ///
    /// When the measured cycles grew, the module is re-imported three times
    /// more under `tracemalloc` to say what leaked: `surviving_types` are the
    /// types of GC-tracked objects that outlive the cycles (at least one
    /// more per cycle), and `allocation_sites` the Python tracebacks that
    /// allocated the blocks still held. tracemalloc sees Python frames only,
    /// and a module's initialisation has none of its own: its allocations
    /// are put on importlib's line that called it (`origin: import`), so
    /// for a re-import the types say more. The message ends with the top
    /// type (`; most: 1 dict object/run surviving`).
    ///
    /// ## Why is this bad?
    /// Each initialisation allocates something that the end of the module
    /// does not release. Test suites, plugin loaders and applications that
    /// create and end interpreters grow without bound. A one-off cache shows
    /// up once and then as zeros; growth in every cycle is a leak. Typical
    /// causes: a C static overwritten on each exec without releasing the
    /// previous object, module state without `m_clear`/`m_free`, a file or
    /// socket opened in the exec slot and never closed.
    ///
    /// ## Example
    /// ```c
    /// static PyObject *table;
    /// static int spam_exec(PyObject *m) {
    ///     table = PyDict_New();           /* the previous dict is never released */
    ///     return PyModule_AddObjectRef(m, "table", table);
    /// }
    /// ```
    /// ```text
    /// error[reimport-leak]: every re-import leaks: references +1 +1 +1, memory blocks +1 +1 +1, file descriptors 0 0 0 (verdict on references and memory blocks)
    /// ```
    ///
    /// ## How to fix
    /// Keep objects and resources in module state and release them in
    /// `m_clear` and `m_free` (with `m_traverse` for the GC); if a C static
    /// must stay, release the old object before replacing it (`Py_XSETREF`).
    /// Check a fix with a debug build: `sys.gettotalrefcount()` around
    /// `del sys.modules["spam"]; gc.collect(); import spam`.
    pub struct ReimportLeak { id: "reimport-leak", severity: Error, group: Scenario }
}
