use crate::facts::Facts;
use crate::finding::Finding;
use crate::registry::declare_check;

declare_check! {
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
    ///
    /// ## How to fix
    /// What to change, for C and for the binding generators.
    pub struct {{Type}} {
        id: "{{id}}",
        severity: {{Severity}},
        run: Some(run),
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let _ = (facts, out);
    todo!("decide `{{id}}` from the facts; push Finding::new(&{{Type}}::META, message)")
}
