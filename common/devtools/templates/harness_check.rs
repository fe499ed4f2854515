checkmeta::declare_meta! {
    /// ## What it does
    /// Reports {{summary}}.
    ///
    /// ## Why is this bad?
    /// What the module's users will see, and why its author must act.
    ///
    /// ## Example
    /// ```c
    /// /* the code that makes a module get this finding */
    /// ```
    /// ```text
    /// {{severity}}[{{id}}]: the message the judge writes
    /// ```
    ///
    /// ## How to fix
    /// What to change, for C and for the binding generators.
    pub struct {{Type}} { id: "{{id}}", severity: {{Severity}}, group: {{Group}} }
}
