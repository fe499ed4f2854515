checks::declare_meta! {
    /// ## What it does
    /// TODO(owner): reinit-stale-objects.
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
    pub struct ReinitStaleObjects { id: "reinit-stale-objects", severity: Warning }
}
