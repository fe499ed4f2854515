checks::declare_meta! {
    /// ## What it does
    /// TODO(owner): gil-misuse.
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
    pub struct GilMisuse { id: "gil-misuse", severity: Error }
}
