//! The private symbols that CPython's public macros and static inline
//! functions emit, read off an object file compiled from a generated
//! translation unit that uses every one of them: what
//! `cargo run -p devtools -- macro-symbols` writes under
//! `data/macro_symbols/<version>.txt` and the tests compare.
//!
//! The uses are enumerated from the headers themselves, under the build's
//! own macros: every function-like or object-like macro whose name starts
//! with `Py`/`PY` (`cc -E -dM`), and every `static inline` function whose
//! name starts with `Py` (`cc -E`). A use the compiler rejects (a macro that
//! declares, or wants arguments of another kind than `PyObject *`) is left
//! out and the unit compiled again, until it compiles.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::Command;

use object::{Object, ObjectSymbol};

use crate::headers::headers_version;
use crate::{PyVersion, TableKey};

pub const MACRO_COMMAND: &str = "cargo run -p devtools -- macro-symbols";

/// The builds a version's headers can be compiled for: release and debug,
/// and from 3.13 the free-threaded ones.
pub fn builds(version: PyVersion) -> Vec<TableKey> {
    let mut keys = Vec::new();
    let threads: &[bool] = if version >= PyVersion::new(3, 13) {
        &[false, true]
    } else {
        &[false]
    };
    for &free_threaded in threads {
        for debug in [false, true] {
            keys.push(TableKey {
                version,
                debug,
                free_threaded,
            });
        }
    }
    keys
}

fn flags(key: TableKey) -> Vec<&'static str> {
    let mut flags = Vec::new();
    if key.debug {
        flags.push("-DPy_DEBUG");
    }
    if key.free_threaded {
        flags.push("-DPy_GIL_DISABLED=1");
    }
    flags
}

const PRELUDE: &str = "#define PY_SSIZE_T_CLEAN\n#include <Python.h>\n";

fn cc(include: &Path, key: TableKey, args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var_os("CC").unwrap_or_else(|| "cc".into()));
    command
        .arg("-O0")
        .arg("-w")
        .arg(format!("-I{}", include.display()))
        .args(flags(key))
        .args(args);
    command
}

fn output(mut command: Command) -> Result<String, String> {
    let out = command
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{command:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// One use in the generated unit.
#[derive(Debug, Clone)]
enum Use {
    /// A macro and its number of parameters (`None`: object-like), and
    /// the macro that closes what it opens (`Py_BEGIN_ALLOW_THREADS`,
    /// `Py_END_ALLOW_THREADS`).
    Macro(String, Option<usize>, Option<(String, Option<usize>)>),
    /// A static inline function, whose address is taken.
    Inline(String),
}

impl Use {
    fn code(&self, index: usize) -> String {
        let call = |name: &str, arity: Option<usize>| match arity {
            None => format!("{name};"),
            Some(arity) => format!("{name}({});", vec!["o"; arity].join(", ")),
        };
        match self {
            Use::Macro(name, arity, close) => {
                let close = close
                    .as_ref()
                    .map(|(name, arity)| call(name, *arity))
                    .unwrap_or_default();
                format!(
                    "PyObject *use_{index}(PyObject *o) {{\n    {}\n    {close}\n    return 0;\n}}\n",
                    call(name, *arity)
                )
            }
            Use::Inline(name) => {
                format!("void *use_{index}(void) {{\n    return (void *)&{name};\n}}\n")
            }
        }
    }
}

fn public(name: &str) -> bool {
    name.starts_with("Py") || name.starts_with("PY")
}

/// Every public macro the build defines, from `cc -E -dM`.
fn macros(include: &Path, key: TableKey, dir: &Path) -> Result<Vec<Use>, String> {
    let source = dir.join("prelude.c");
    fs::write(&source, PRELUDE).map_err(|e| e.to_string())?;
    let text = output({
        let mut c = cc(include, key, &["-E", "-dM"]);
        c.arg(&source);
        c
    })?;
    let mut defined: BTreeMap<String, (Option<usize>, bool)> = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("#define ") else {
            continue;
        };
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        // Include guards expand to nothing and name no API.
        if !public(name) || name.ends_with("_H") {
            continue;
        }
        let arity = rest[end..].strip_prefix('(').map(|params| {
            let params = &params[..params.find(')').unwrap_or(params.len())];
            if params.trim().is_empty() {
                0
            } else {
                params.split(',').count()
            }
        });
        let body = &rest[end..];
        let count = |c: char| body.matches(c).count();
        let balanced = count('{') == count('}') && count('(') == count(')');
        defined.insert(name.to_owned(), (arity, balanced));
    }
    // A macro that opens a block is used with the one that closes it.
    let mut uses = Vec::new();
    for (name, &(arity, balanced)) in &defined {
        if balanced {
            uses.push(Use::Macro(name.clone(), arity, None));
        } else if name.contains("BEGIN") {
            let end = name.replace("BEGIN", "END");
            if let Some(&(end_arity, false)) = defined.get(&end) {
                uses.push(Use::Macro(name.clone(), arity, Some((end, end_arity))));
            }
        }
    }
    Ok(uses)
}

/// Every public static inline function the build defines, from `cc -E`.
fn inline_functions(include: &Path, key: TableKey, dir: &Path) -> Result<Vec<Use>, String> {
    let source = dir.join("prelude.c");
    let text = output({
        let mut c = cc(include, key, &["-E", "-P"]);
        c.arg(&source);
        c
    })?;
    let mut names = BTreeSet::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("static inline") {
        let start = from + at + "static inline".len();
        from = start;
        // The identifier right before the first parenthesis.
        let head = &text[start..];
        let Some(open) = head.find(['(', ';', '{']) else {
            break;
        };
        if !head[open..].starts_with('(') {
            continue;
        }
        let name: String = head[..open]
            .trim_end()
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if name.starts_with("Py") {
            names.insert(name);
        }
    }
    Ok(names.into_iter().map(Use::Inline).collect())
}

/// The `_Py*` symbols an object file compiled from every public use refers
/// to, for one build of the headers in `include`.
pub fn macro_symbols(include: &Path, key: TableKey) -> Result<BTreeSet<String>, String> {
    let dir = std::env::temp_dir().join(format!(
        "extinspect-macro-symbols-{}-{key}",
        std::process::id()
    ));
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let result = compile_uses(include, key, &dir);
    let _ = fs::remove_dir_all(&dir);
    result
}

fn compile_uses(include: &Path, key: TableKey, dir: &Path) -> Result<BTreeSet<String>, String> {
    let mut uses = macros(include, key, dir)?;
    uses.extend(inline_functions(include, key, dir)?);
    let source = dir.join("uses.c");
    let object_file = dir.join("uses.o");
    for _ in 0..64 {
        // Each use on lines of its own, so that an error's line names it.
        let mut text = String::from(PRELUDE);
        let mut lines: Vec<(usize, usize)> = Vec::new();
        for (index, u) in uses.iter().enumerate() {
            let first = text.lines().count() + 1;
            text.push_str(&u.code(index));
            lines.push((first, text.lines().count()));
        }
        fs::write(&source, &text).map_err(|e| e.to_string())?;
        let mut command = cc(include, key, &["-c", "-o"]);
        command.arg(&object_file).arg(&source);
        let out = command
            .output()
            .map_err(|e| format!("cannot run {command:?}: {e}"))?;
        if out.status.success() {
            let data = fs::read(&object_file).map_err(|e| e.to_string())?;
            let file = object::File::parse(&*data).map_err(|e| e.to_string())?;
            return Ok(file
                .symbols()
                .filter(|s| s.is_undefined())
                .filter_map(|s| s.name().ok())
                .filter(|n| n.starts_with("_Py"))
                .map(str::to_owned)
                .collect());
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let needle = format!("{}:", source.display());
        let bad: BTreeSet<usize> = stderr
            .lines()
            .filter_map(|l| l.split_once(&needle))
            .filter_map(|(_, rest)| rest.split(':').next()?.parse().ok())
            .collect();
        // `In function 'use_12':`
        let bad_functions: BTreeSet<usize> = stderr
            .lines()
            .filter_map(|l| l.split_once("In function"))
            .filter_map(|(_, rest)| {
                let digits: String = rest
                    .split("use_")
                    .nth(1)?
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                digits.parse().ok()
            })
            .collect();
        let before = uses.len();
        let kept: Vec<Use> = uses
            .iter()
            .zip(&lines)
            .enumerate()
            .filter(|(index, _)| !bad_functions.contains(index))
            .map(|(_, pair)| pair)
            .filter(|(_, (first, last))| !bad.iter().any(|l| (first..=last).contains(&l)))
            .map(|(u, _)| u.clone())
            .collect();
        if kept.len() == before {
            return Err(format!(
                "{command:?} failed on no use of its own:\n{stderr}"
            ));
        }
        uses = kept;
    }
    Err(format!(
        "{key}: the uses did not compile after 64 rounds ({} left)",
        uses.len()
    ))
}

/// The file of one version's headers, as committed under
/// `data/macro_symbols/<version>.txt`: every build's symbols.
pub fn render_macro_symbols(include: &Path) -> Result<(PyVersion, String), String> {
    let (version, full) = headers_version(include).map_err(|e| e.to_string())?;
    let mut by_build: BTreeMap<TableKey, BTreeSet<String>> = BTreeMap::new();
    for key in builds(version) {
        by_build.insert(key, macro_symbols(include, key)?);
    }
    let mut text = format!(
        "# The _Py* symbols that the public macros and static inline functions of CPython\n\
         # {full}'s Python.h emit, per build: an object file compiled from a unit that uses every\n\
         # Py*/PY* macro and takes the address of every Py* static inline function (cc -O0\n\
         # -I<headers>, -DPy_DEBUG for `d`, -DPy_GIL_DISABLED=1 for `t`), its undefined symbols.\n\
         # See inspector/abi/README.md. Columns: build, symbol.\n\
         # headers: {include}\n\
         # regenerate: {MACRO_COMMAND} [--include DIR]...\n",
        include = include.display(),
    );
    for (key, symbols) in by_build {
        for symbol in symbols {
            text.push_str(&format!("{key}\t{symbol}\n"));
        }
    }
    Ok((version, text))
}
