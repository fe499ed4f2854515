use crate::registry::declare_check;
use crate::facts::{Facts, Generation};
use crate::finding::Finding;
use crate::registry::name_list;

declare_check! {
    /// ## What it does
    /// For an abi3 module (named `.abi3.so`, in a wheel tagged `abi3`, or a
    /// Windows module importing `python3.dll`), lists every symbol it imports
    /// from the interpreter that is outside the stable ABI of its minimum
    /// version, with the version that added it or "not in the stable ABI".
    /// The minimum is the one its users declared, strongest first:
    /// `--abi3-min X.Y` (for the run, or `--abi3-min PATH=X.Y` for a path),
    /// the configuration's `abi3-min`, the wheel's python tag (`cp38-abi3`
    /// means 3.8), the `cpXY-abi3` tag in the `.dist-info/WHEEL` of the
    /// installed distribution whose `RECORD` lists the file, its
    /// `Requires-Python`, or the `requires-python` of the project whose
    /// configuration is used (its `pyproject.toml`). With none
    /// declared, no version is assumed: only symbols outside the stable ABI
    /// altogether are reported, and `abi3-floor` says which version the
    /// imports need.
    ///
    /// Only symbols the module imports count. Functions the module defines
    /// itself, even ones named `Py*`, are not part of its ABI contract.
    ///
    /// ## Why is this bad?
    /// An abi3 wheel promises one binary for every CPython from its minimum
    /// version on. A symbol outside the stable ABI can change meaning,
    /// calling convention or struct layout between versions, or disappear:
    /// the module then fails to import ("undefined symbol") or corrupts memory
    /// on some version its users have and its authors never tested.
    ///
    /// ## Example
    /// ```c
    /// /* no Py_LIMITED_API, yet named spam.abi3.so */
    /// const char *s = PyUnicode_AsUTF8(obj);   /* not in the stable ABI */
    /// ```
    ///
    /// ## How to fix
    /// Define `Py_LIMITED_API` (e.g. `0x03080000`) before including
    /// `Python.h`, so that the compiler rejects what the limited API lacks,
    /// and replace those calls (`PyUnicode_AsUTF8AndSize` instead of
    /// `PyUnicode_AsUTF8` from 3.10). Or raise the minimum version, or stop
    /// tagging the module abi3.
    pub struct Abi3Violation {
        id: "abi3-violation",
        severity: Error,
        run: Some(run),
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some((min, source)) = facts.target.abi3_min else {
        return;
    };
    if facts.generation != Generation::Python3 {
        return;
    }
    let stable = abi::stable_abi();
    let declared = source.is_declared();
    let outside: Vec<(&str, String)> = facts
        .python_imports
        .iter()
        .filter_map(|import| match stable.get(&import.name) {
            None => Some((import.name.as_str(), "not in the stable ABI".to_string())),
            Some(symbol) if declared && symbol.added > min => Some((
                import.name.as_str(),
                format!("stable ABI since {}", symbol.added),
            )),
            Some(_) => None,
        })
        .collect();
    if outside.is_empty() {
        return;
    }
    let from = if declared {
        format!(" of {min} (from {})", source.describe())
    } else {
        String::new()
    };
    let listed: Vec<String> = outside
        .iter()
        .map(|(n, why)| format!("`{n}` ({why})"))
        .collect();
    out.push(
        Finding::new(
            &Abi3Violation::META,
            format!(
                "abi3 module imports {} outside the stable ABI{from}: {}",
                plural(outside.len()),
                name_list(&listed)
            ),
        )
        .with_symbols(outside.iter().map(|(n, _)| n.to_string())),
    );
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 symbol".into()
    } else {
        format!("{n} symbols")
    }
}
