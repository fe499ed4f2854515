use crate::registry::declare_check;
use crate::facts::Facts;
use crate::finding::Finding;
use crate::registry::describe_inits;

declare_check! {
    /// ## What it does
    /// Lists the init functions the file exports besides the one for its
    /// own module, each decoded to the module name it initialises.
    ///
    /// ## Why is this bad?
    /// It is not always bad: one shared object can hold several modules, and
    /// a copy or link of it under another module's name imports that module
    /// (CPython's own `_testimportmultiple` does this). But an extra init
    /// function is also what a stale object file, a copy-pasted
    /// `PyInit_`, or a module that was renamed in one place leaves behind,
    /// so `extinspect` says what is there.
    ///
    /// ## Example
    /// ```c
    /// PyMODINIT_FUNC PyInit_spam(void) { ... }
    /// PyMODINIT_FUNC PyInit_spam_legacy(void) { ... }   /* never imported */
    /// ```
    ///
    /// ## How to fix
    /// Nothing, if the extra modules are intended. Otherwise delete the
    /// extra init functions, or make them `static`.
    pub struct ExtraInitSymbols {
        id: "extra-init-symbols",
        severity: Info,
        run: Some(run),
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let expected = &facts.expected_init;
    let has_own = facts
        .init_exports
        .iter()
        .any(|e| expected.contains(&e.symbol));
    if !has_own {
        return;
    }
    // Before 3.15 a `PyModExport_` hook for the same module is not
    // another module: it is the forward-compatible pair of `PyInit_`.
    let extra: Vec<_> = facts
        .other_init_exports()
        .into_iter()
        .filter(|e| facts.module.as_ref() != Some(&e.module))
        .collect();
    if extra.is_empty() {
        return;
    }
    out.push(
        Finding::new(
            &ExtraInitSymbols::META,
            format!(
                "also exports {}; a copy of this file named for one of those modules imports it",
                describe_inits(&extra)
            ),
        )
        .with_symbols(extra.iter().map(|e| e.symbol.clone())),
    );
}
