checkmeta::declare_meta! {
    /// ## What it does
    /// Reports heap corruption that CPython's debug allocator hooks caught: a
    /// write past the end or before the start of a block (the guard bytes
    /// around it changed), a block freed by another allocator family than
    /// the one that allocated it or freed twice (`bad ID`), and a reference
    /// count driven below zero (debug builds). The hooks are on under
    /// `--malloc-debug` (`-X dev`, which sets `PYTHONMALLOC=debug`) and in
    /// every debug interpreter. They abort the process with a "Fatal Python
    /// error"; the harness reports the crash where it happened (for example
    /// `call-crash`) and this finding with the allocator's own description of
    /// the damaged block: its size, API and the bytes that changed.
    ///
    /// ## Why is this bad?
    /// A release build rarely notices: the extra byte lands in the block's
    /// slack or in a neighbour, and the damage shows later, somewhere else,
    /// as a crash nobody can trace back. The hooks put guard bytes around
    /// every block and check them on every free, so the bug is caught at the
    /// free that follows it.
    ///
    /// ## Example
    /// ```c
    /// char *buffer = PyMem_Malloc(12);
    /// for (size_t i = 0; i <= 12; i++)   /* one byte too many */
    ///     buffer[i] = 'x';
    /// PyMem_Free(buffer);
    /// ```
    /// ```text
    /// error[memory-corruption]: a write past the end of a heap block in phase use, calling fill(): _PyMem_DebugRawFree: bad trailing pad byte
    /// ```
    ///
    /// ## How to fix
    /// Fix the size arithmetic: the evidence gives the bytes originally
    /// requested and where the guard bytes changed. Free with the family
    /// that allocated (`PyMem_Free` for `PyMem_Malloc`, `PyObject_Free` for
    /// `PyObject_Malloc`). Run the workload under `PYTHONTRACEMALLOC=25` to
    /// get the traceback of the block's allocation.
    pub struct MemoryCorruption { id: "memory-corruption", severity: Error, group: Scenario }
}
