checks::declare_meta! {
    /// ## What it does
    /// TODO(owner): test-leak.
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
    pub struct TestLeak { id: "test-leak", severity: Error }
}
