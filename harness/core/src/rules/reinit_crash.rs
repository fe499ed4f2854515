checks::declare_meta! {
    /// ## What it does
    /// TODO(owner): reinit-crash.
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
    pub struct ReinitCrash { id: "reinit-crash", severity: Error }
}
