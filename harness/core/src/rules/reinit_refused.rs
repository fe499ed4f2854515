checks::declare_meta! {
    /// ## What it does
    /// TODO(owner): reinit-refused.
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
    pub struct ReinitRefused { id: "reinit-refused", severity: Info }
}
