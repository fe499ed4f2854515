use binary::{Reach, Slice};

use crate::registry::declare_check;
use crate::facts::Facts;
use crate::finding::Finding;
use crate::registry::slice_names;

declare_check! {
    /// ## What it does
    /// Finds an init function that the file defines but does not export:
    /// hidden visibility, local (`static`) binding, or, in a PE file, absent
    /// from the export table.
    ///
    /// ## Why is this bad?
    /// The loader finds the init function by name in the dynamic symbol
    /// table (ELF), the export trie (Mach-O) or the export table (PE). A
    /// definition the linker kept private is invisible to it, so the import
    /// fails exactly as if the function did not exist:
    /// `ImportError: dynamic module does not define module export function`.
    /// The usual cause is building with `-fvisibility=hidden` (or MSVC, where
    /// nothing is exported by default) and declaring the init function as
    /// plain `PyObject *` instead of `PyMODINIT_FUNC`.
    ///
    /// ## Example
    /// ```c
    /// /* cc -fvisibility=hidden ... */
    /// PyObject *PyInit_spam(void) { return PyModuleDef_Init(&def); }
    /// ```
    ///
    /// ## How to fix
    /// Declare it `PyMODINIT_FUNC PyInit_spam(void)`: the macro adds
    /// `__attribute__((visibility("default")))` or `__declspec(dllexport)`.
    /// With a linker version script or `.def` file, add the symbol to it.
    pub struct InitSymbolNotExported {
        id: "init-symbol-not-exported",
        severity: Error,
        run: Some(run),
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let expected = &facts.expected_init;
    // (symbol, reach) -> the slices where it is so; one finding for each,
    // so that a universal2 file does not say the same thing twice.
    let mut hidden: Vec<(&str, Reach, Vec<&Slice>)> = Vec::new();
    for slice in facts.slices() {
        if Facts::exports_any(slice, expected) {
            continue;
        }
        let Some(symbol) = expected.iter().find_map(|s| slice.symbol(s)) else {
            continue;
        };
        if symbol.reach == Reach::Exported {
            continue;
        }
        match hidden
            .iter_mut()
            .find(|(name, reach, _)| *name == symbol.name && *reach == symbol.reach)
        {
            Some((_, _, slices)) => slices.push(slice),
            None => hidden.push((&symbol.name, symbol.reach, vec![slice])),
        }
    }
    for (name, reach, slices) in hidden {
        let why = match reach {
            Reach::Exported => unreachable!("exported symbols were skipped"),
            Reach::Hidden => "it has hidden visibility",
            Reach::Local => {
                "it is local (declared `static`, or hidden and made local by the linker)"
            }
            Reach::NotInExportTable => "it is not in the PE export table",
        };
        let place = if facts.is_fat() {
            let plural = if slices.len() == 1 { "" } else { "s" };
            format!(" in the {} slice{plural}", slice_names(&slices))
        } else {
            String::new()
        };
        out.push(
            Finding::new(
                &InitSymbolNotExported::META,
                format!("`{name}` is defined{place} but not exported: {why}, so the loader cannot find it"),
            )
            .with_symbols([name.to_string()]),
        );
    }
}
