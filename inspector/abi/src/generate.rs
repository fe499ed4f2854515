//! Reading export tables from the interpreters on this machine: what
//! `regenerate-export-tables` writes and the tests compare with the committed
//! tables.

use std::fs;
use std::path::{Path, PathBuf};

use interpreters::{Interpreter, Origin};
use object::{Object, ObjectSymbol, SymbolFlags, elf};

use crate::exports::SOURCE_HEADER;
use crate::{PyVersion, TableKey};

pub const REGENERATE_COMMAND: &str = "cargo run -p devtools -- export-tables";

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a readable ELF file: {source}")]
    Object {
        path: PathBuf,
        source: object::Error,
    },
    #[error("{interpreter}: neither the executable nor a shared libpython exports Py* symbols")]
    NoExports { interpreter: String },
}

/// A table read from one interpreter, not yet written.
#[derive(Debug, Clone)]
pub struct GeneratedTable {
    pub key: TableKey,
    /// `3.12.1`.
    pub cpython: String,
    /// The file whose dynamic symbols were read: libpython, or the executable
    /// when the interpreter is linked statically (Debian's are).
    pub file: PathBuf,
    pub origin: Origin,
    /// Sorted and unique.
    pub symbols: Vec<String>,
}

impl GeneratedTable {
    /// What [`crate::ExportTable::source`] says of it.
    pub fn source(&self) -> String {
        let name = self.file.file_name().unwrap_or_default().to_string_lossy();
        format!("CPython {}, {name}", self.cpython)
    }

    /// The table as committed under `data/exports/<key>.txt`.
    pub fn render(&self) -> String {
        let origin = match self.origin {
            Origin::Pyenv => "pyenv",
            Origin::Path => "PATH",
            Origin::Explicit => "--python",
            Origin::Uv => "uv's installations",
        };
        let mut text = format!(
            "# The Py* and _Py* symbols CPython {cpython} ({key}) exports to extension modules:\n\
             # the defined, global or weak, default- or protected-visibility entries of its\n\
             # ELF .dynsym. A Linux build; see inspector/abi/README.md.\n\
             {SOURCE_HEADER}{source}\n\
             # file: {file} (found on {origin})\n\
             # regenerate: {REGENERATE_COMMAND}\n",
            cpython = self.cpython,
            key = self.key,
            source = self.source(),
            file = self.file.display(),
        );
        for symbol in &self.symbols {
            text.push_str(symbol);
            text.push('\n');
        }
        text
    }
}

/// The table an interpreter's exports belong in; `None` for implementations
/// other than CPython.
pub fn table_key(interpreter: &Interpreter) -> Option<TableKey> {
    let v = interpreter.version;
    Some(TableKey {
        version: PyVersion::new(v.major.try_into().ok()?, v.minor.try_into().ok()?),
        debug: interpreter.debug,
        free_threaded: interpreter.free_threaded,
    })
    .filter(|_| interpreter.is_cpython())
}

/// One interpreter per table, sorted by key: pyenv's builds over others (they
/// are the ones CI has), then the newest micro version.
pub fn choose(interpreters: &[Interpreter]) -> Vec<(TableKey, &Interpreter)> {
    let rank = |i: &Interpreter| (i.origin == Origin::Pyenv, i.version);
    let mut chosen: Vec<(TableKey, &Interpreter)> = Vec::new();
    for candidate in interpreters {
        let Some(key) = table_key(candidate) else {
            continue;
        };
        match chosen.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) if rank(candidate) > rank(slot.1) => slot.1 = candidate,
            Some(_) => {}
            None => chosen.push((key, candidate)),
        }
    }
    chosen.sort_by_key(|(key, _)| *key);
    chosen
}

/// Reads the table of one CPython interpreter.
pub fn generate(interpreter: &Interpreter) -> Result<GeneratedTable, GenerateError> {
    let no_exports = || GenerateError::NoExports {
        interpreter: interpreter.to_string(),
    };
    let key = table_key(interpreter).ok_or_else(no_exports)?;
    // A statically linked interpreter exports the API from the executable,
    // even when a libpython for embedders is installed beside it.
    let mut file = interpreter.executable.clone();
    let mut symbols = python_exports(&file)?;
    if symbols.is_empty() {
        let lib = interpreter.libpython().ok_or_else(no_exports)?;
        file = fs::canonicalize(&lib).map_err(|source| GenerateError::Io { path: lib, source })?;
        symbols = python_exports(&file)?;
    }
    if symbols.is_empty() {
        return Err(no_exports());
    }
    Ok(GeneratedTable {
        key,
        cpython: interpreter.version.to_string(),
        file,
        origin: interpreter.origin.clone(),
        symbols,
    })
}

/// The `Py*` and `_Py*` symbols an ELF file defines for others to bind to,
/// sorted and unique.
pub fn python_exports(path: &Path) -> Result<Vec<String>, GenerateError> {
    let data = fs::read(path).map_err(|source| GenerateError::Io {
        path: path.to_owned(),
        source,
    })?;
    let file = object::File::parse(&*data).map_err(|source| GenerateError::Object {
        path: path.to_owned(),
        source,
    })?;
    let mut names: Vec<String> = file
        .dynamic_symbols()
        .filter(|s| !s.is_undefined() && s.is_global() && binds_from_outside(s.flags()))
        .filter_map(|s| s.name().ok().map(str::to_owned))
        .filter(|name| name.starts_with("Py") || name.starts_with("_Py"))
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// Hidden and internal symbols can sit in `.dynsym` yet never resolve another
/// object's references.
fn binds_from_outside<S, I>(flags: SymbolFlags<S, I>) -> bool {
    match flags {
        SymbolFlags::Elf { st_other, .. } => {
            matches!(st_other.visibility(), elf::STV_DEFAULT | elf::STV_PROTECTED)
        }
        _ => true,
    }
}
