checks::declare_meta! {
    /// ## What it does
    /// TODO(owner): test-crash.
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
    pub struct TestCrash { id: "test-crash", severity: Error }
}
