checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a module with which every new runtime leaves more memory
    /// allocated after `Py_FinalizeEx` than CPython alone does. The `reinit`
    /// scenario's embedding host counts, after each finalisation, the memory
    /// blocks Python allocated (through its allocators, in any runtime so far)
    /// that are still allocated. CPython itself loses memory in every cycle
    /// (3.8 and 3.9 about a thousand blocks; 3.12 and 3.13 never free the
    /// strings they intern, which are counted apart and not judged), so the
    /// same host runs with no module too, once per interpreter, as the
    /// baseline. After two warm-up cycles it is a leak when each of the three
    /// measured cycles grows by at least one block more than the baseline's
    /// same cycle: regrtest's rule, on growth beyond CPython's own. The
    /// message gives the excess blocks and bytes per measured cycle.
    ///
    /// One loss is CPython's own and is subtracted, with the evidence
    /// (`cpython_losses`): for a module object that a multi-phase create
    /// slot hands back from an earlier runtime (Cython's modules do),
    /// `PyModule_FromDefAndSpec2` sets `md_state` to NULL without freeing it
    /// and `PyModule_ExecDef` allocates a new one (Objects/moduleobject.c,
    /// 3.5 to 3.15; on 3.15 also for a module made from PEP 793 slots, which
    /// has no definition): one block of `m_size` bytes per such module and
    /// runtime, whatever the module's code does. The host reads each module's
    /// definition (`m_slots`, `m_size`), or on 3.15 its `md_state_size`, to
    /// know. That the module object is handed back at all is
    /// `reinit-stale-objects`.
    ///
    /// Growth, not what each runtime leaves: a C static that holds the last
    /// runtime's objects until the next initialisation frees them retains
    /// memory but does not accumulate it (that is `reinit-stale-objects` when
    /// the new runtime gets to see them).
    ///
    /// ## Why is this bad?
    /// An application that finalises and initialises Python again and again
    /// grows by that much every time, until it runs out. The usual cause is a
    /// C static assigned anew in every initialisation without releasing what
    /// it held, or state released only by module code that never runs at
    /// finalisation.
    ///
    /// ## Example
    /// ```c
    /// static PyObject *Spam_Type;
    /// static int spam_exec(PyObject *m) {
    ///     Spam_Type = PyType_FromSpec(&spam_spec); /* the last runtime's is lost */
    ///     return PyModule_AddObjectRef(m, "Spam", Spam_Type);
    /// }
    /// ```
    /// ```text
    /// error[reinit-leak]: each new runtime leaves more memory behind than CPython alone does: [14, 14, 14] memory blocks ([1776, 1776, 1776] bytes) per measured cycle beyond the baseline
    /// ```
    ///
    /// ## How to fix
    /// Keep such objects in module state, which CPython frees with the
    /// module, and release them in `m_clear` and `m_free`; where a C static
    /// must stay, `Py_CLEAR` it in `m_free` before the next runtime assigns
    /// it again.
    pub struct ReinitLeak { id: "reinit-leak", severity: Error, group: Scenario }
}
