use crate::registry::declare_check;
use crate::facts::Facts;
use crate::finding::Finding;
use crate::registry::{describe_inits, slice_names};

declare_check! {
    /// ## What it does
    /// Checks that the file exports the init function for the module its
    /// name says it is: `PyInit_<name>`, or `PyInitU_<punycode>` for a
    /// non-ASCII name (and on 3.15+ the `PyModExport_` forms of PEP 793).
    /// The message lists the init functions the file does export and the
    /// closest one.
    ///
    /// ## Why is this bad?
    /// CPython derives the symbol from the file name (`foo.cpython-312-x86_64-linux-gnu.so`
    /// → `PyInit_foo`) and looks it up with `dlsym`/`GetProcAddress`. When it
    /// is absent, `import foo` fails with
    /// `ImportError: dynamic module does not define module export function (PyInit_foo)`.
    /// This happens when a module is renamed but its `PyModuleDef`/init
    /// function is not, or when a build system names the output after the
    /// wrong target.
    ///
    /// ## Example
    /// ```c
    /// /* built as spam.cpython-312-x86_64-linux-gnu.so */
    /// PyMODINIT_FUNC PyInit_eggs(void) { return PyModuleDef_Init(&def); }
    /// ```
    ///
    /// ## How to fix
    /// Make the file name and the init function agree: rename the function
    /// to `PyInit_spam`, or name the file after the module it initialises
    /// (`eggs.cpython-312-x86_64-linux-gnu.so`). For non-ASCII module names
    /// the function is `PyInitU_` followed by the module name in Python's
    /// punycode with `-` replaced by `_`; `extinspect` prints the exact name.
    ///
    /// A module whose only init is PEP 793's `PyModExport_<name>` hook loads
    /// only in CPython 3.15 and later: before 3.15, `Python/importdl.c`
    /// looks up `PyInit_<name>` alone. Name it for 3.15 and later
    /// (`.cpython-315-…`, `.abi3t.so`, or abi3 with a declared minimum of
    /// 3.15), or export `PyInit_<name>` too: 3.15 uses the hook when both
    /// are there.
    pub struct MissingInitSymbol {
        id: "missing-init-symbol",
        severity: Error,
        run: Some(run),
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(module) = &facts.module else { return };
    let expected = &facts.expected_init;
    let missing: Vec<_> = facts
        .slices()
        .iter()
        .filter(|slice| {
            !Facts::exports_any(slice, expected)
                && !expected.iter().any(|s| slice.symbol(s).is_some())
        })
        .collect();
    if missing.is_empty() {
        return;
    }
    let wanted = &expected[0];
    let mut message = format!("no exported init function `{wanted}` for module `{module}`");
    if missing.len() < facts.slices().len() {
        let plural = if missing.len() == 1 { "" } else { "s" };
        message.push_str(&format!(" in the {} slice{plural}", slice_names(&missing)));
    }
    let hook = naming::export_symbol(module);
    let only_hook = facts.init_exports.iter().any(|e| e.symbol == hook);
    if only_hook {
        message.push_str(&format!(
            ": its init is PEP 793's `{hook}`, which CPython looks up from 3.15 on, but {}, and CPython before 3.15 looks up only `{wanted}` (Python/importdl.c)",
            older_loader(facts)
        ));
    }
    // The export hook of this same module is not another module to suggest.
    let others: Vec<_> = facts
        .other_init_exports()
        .into_iter()
        .filter(|e| &e.module != module)
        .collect();
    if others.is_empty() && only_hook {
        message.push_str(&format!(
            "; export `{wanted}` as well (CPython 3.15 still prefers the hook), or name and tag the file for 3.15 and later only"
        ));
    } else if others.is_empty() {
        message.push_str("; the file exports no init function at all");
    } else {
        message.push_str(&format!("; it exports {}", describe_inits(&others)));
        let closest = others
            .iter()
            .max_by(|a, b| {
                let score = |m: &str| strsim::normalized_levenshtein(m, module);
                score(&a.module)
                    .total_cmp(&score(&b.module))
                    .then_with(|| b.module.cmp(&a.module))
            })
            .expect("others is not empty");
        message.push_str(&format!(
            "; did you mean module `{}`? (rename the file, or the init function)",
            closest.module
        ));
    }
    if missing.iter().any(|s| !s.has_static_symbols) && facts.format == binary::Format::Pe {
        message.push_str(
            "; this PE file has no COFF symbol table, so an unexported definition would not be visible",
        );
    }
    let symbols = std::iter::once(wanted.clone()).chain(others.iter().map(|e| e.symbol.clone()));
    out.push(Finding::new(&MissingInitSymbol::META, message).with_symbols(symbols));
}

/// Why a CPython older than 3.15 may load the file.
fn older_loader(facts: &Facts<'_>) -> String {
    let target = &facts.target;
    match (target.abi3_min, target.version) {
        (Some((min, source)), _) => format!(
            "it is an abi3 module for CPython {min} and later ({})",
            source.describe()
        ),
        (None, Some((version, source))) => {
            format!("{} names CPython {version}", source.describe())
        }
        (None, None) => {
            let suffix = facts.file.as_ref().map_or("its suffix", |f| f.suffix.as_str());
            format!("`{suffix}` names no version, so every CPython loads it")
        }
    }
}
