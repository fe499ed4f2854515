checks::declare_meta! {
    /// ## What it does
    /// TODO(owner): memory-corruption.
    ///
    /// ## Why is this bad?
    /// TODO.
    ///
    /// ## Example
    /// ```text
    /// TODO
    /// ```
    ///
    /// ## How to fix
    /// TODO.
    pub struct MemoryCorruption { id: "memory-corruption", severity: Error }
}
