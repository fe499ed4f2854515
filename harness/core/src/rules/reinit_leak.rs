checks::declare_meta! {
    /// ## What it does
    /// TODO(owner): reinit-leak.
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
    pub struct ReinitLeak { id: "reinit-leak", severity: Error }
}
