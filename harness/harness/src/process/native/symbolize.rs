//! From a crash record to a named stack: which frames to show, which file
//! each address lies in, and what that file says the address is.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::library::{DEBUG_ROOT, Library};
use super::maps::{self, Mapping};
use super::preload::FILE_NAME;
use super::record::{self, Record};
use super::{NativeFrame, NativeStack};
use crate::probe::Target;

/// Names the frames of the crash record `raw` (the child's fd 5), marking
/// those in `target`'s library. `None` when `raw` holds no record or no
/// frame to show.
pub fn symbolize(raw: &[u8], target: &Target) -> Option<NativeStack> {
    symbolize_with(raw, target, Path::new(DEBUG_ROOT))
}

/// Names the frames of the crash record `raw` when no module is under test
/// (`extharness pytest`, whose tests may load any extension module): the
/// frames marked as the module's, and so the crash site, are those in any
/// file outside the runtime every CPython process has (see [`is_runtime`]).
/// A crash inside `strlen` called by an extension module is then placed at
/// the module's call, not in libc. `None` when `raw` holds no record or no
/// frame to show.
pub fn symbolize_any(raw: &[u8]) -> Option<NativeStack> {
    symbolize_any_with(raw, Path::new(DEBUG_ROOT))
}

/// [`symbolize`] with separate debug files looked up under `debug_root`.
pub(crate) fn symbolize_with(
    raw: &[u8],
    target: &Target,
    debug_root: &Path,
) -> Option<NativeStack> {
    symbolize_matching(raw, &ModuleMatch::new(target), debug_root)
}

/// [`symbolize_any`] with separate debug files looked up under `debug_root`.
pub(crate) fn symbolize_any_with(raw: &[u8], debug_root: &Path) -> Option<NativeStack> {
    symbolize_matching(raw, &ModuleMatch::OutsideRuntime, debug_root)
}

fn symbolize_matching(raw: &[u8], module: &ModuleMatch, debug_root: &Path) -> Option<NativeStack> {
    let record = record::parse(raw)?;
    // A library is read once however many frames it has.
    let mut libraries: HashMap<&str, Option<Library>> = HashMap::new();
    let mut frames = Vec::new();
    for (address, exact) in walk(&record) {
        let mapping = maps::find(&record.maps, address);
        let path = mapping.and_then(|m| m.path.as_deref());
        let resolved = match (mapping, path) {
            (Some(mapping), Some(path)) => {
                let library = libraries
                    .entry(path)
                    .or_insert_with(|| Library::load(Path::new(path), debug_root));
                library
                    .as_ref()
                    .and_then(|l| {
                        let at = l.address_of(mapping.file_offset(address)?)?;
                        // A return address is the instruction after the
                        // call, which may belong to the next line or, after
                        // a call that never returns, the next function.
                        Some(l.resolve(if exact { at } else { at.saturating_sub(1) }))
                    })
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        };
        let in_module = path.is_some_and(|p| module.matches(p));
        let count = resolved.len().max(1);
        let mut resolved = resolved.into_iter();
        for i in 0..count {
            let named = resolved.next().unwrap_or_default();
            frames.push(NativeFrame {
                address: format!("{address:#x}"),
                library: path.map(str::to_string),
                function: named.function,
                file: named.file,
                line: named.line,
                inlined: i + 1 < count,
                interrupted: exact && i == 0,
                in_module,
            });
        }
    }
    (!frames.is_empty()).then(|| NativeStack {
        signal: record.signal.unwrap_or_default(),
        frames,
        complete: record.complete,
    })
}

/// The addresses to name, each with whether it is the exact instruction
/// (a frame the signal interrupted) rather than a return address.
///
/// The handler's own frames come first, then the kernel's signal trampoline
/// the handler returns through. A handler that ran before and re-raised
/// (faulthandler) returns through the same trampoline, so every frame at
/// that address marks a signal: the trampoline is dropped and the frame
/// after it is the interrupted instruction.
fn walk(record: &Record) -> Vec<(u64, bool)> {
    let own = |address: u64| {
        maps::find(&record.maps, address)
            .and_then(|m: &Mapping| m.path.as_deref())
            .is_some_and(|p| Path::new(p).file_name() == Some(OsStr::new(FILE_NAME)))
    };
    let mut raw = record.frames.iter().copied().peekable();
    let mut handler_frames = false;
    while raw.next_if(|&a| own(a)).is_some() {
        handler_frames = true;
    }
    let trampoline = if handler_frames { raw.next() } else { None };
    let mut exact = trampoline.is_some();
    let mut addresses = Vec::new();
    for address in raw {
        if Some(address) == trampoline {
            exact = true;
        } else if !own(address) {
            addresses.push((address, exact || Some(address) == record.pc));
            exact = false;
        }
    }
    // The unwinder got nowhere, but the CPU said where the fault was.
    if addresses.is_empty()
        && let Some(pc) = record.pc
    {
        addresses.push((pc, true));
    }
    addresses
}

/// Which mapped files are the module under test.
enum ModuleMatch {
    /// Loaded from a path: the kernel names mappings by their resolved path.
    Path(PathBuf),
    /// `--module NAME`: a file named `LAST.` something, LAST being the last
    /// dotted component (`pkg._speedups` → `_speedups.cpython-312-….so`).
    Prefix(String),
    /// No module named: any file that is not part of the runtime.
    OutsideRuntime,
}

impl ModuleMatch {
    fn new(target: &Target) -> ModuleMatch {
        match &target.path {
            Some(path) => ModuleMatch::Path(path.canonicalize().unwrap_or_else(|_| path.clone())),
            None => {
                let last = target.name.rsplit('.').next().unwrap_or(&target.name);
                ModuleMatch::Prefix(format!("{last}."))
            }
        }
    }

    fn matches(&self, mapped: &str) -> bool {
        let mapped = Path::new(mapped);
        match self {
            ModuleMatch::Path(path) => mapped == path,
            ModuleMatch::Prefix(prefix) => mapped
                .file_name()
                .and_then(OsStr::to_str)
                .is_some_and(|n| n.starts_with(prefix.as_str())),
            ModuleMatch::OutsideRuntime => !is_runtime(mapped),
        }
    }
}

/// Shared objects every CPython process may run in whatever the test does,
/// by the name before `.so` (and before a `-2.31` version, as glibc before
/// 2.34 named its files): the C runtime and the libraries glibc split from
/// it, the dynamic loader, and the C++ runtime and unwinders, through which
/// an uncaught C++ exception aborts.
const RUNTIME_LIBRARIES: &[&str] = &[
    "libc",
    "libm",
    "libpthread",
    "libdl",
    "librt",
    "libutil",
    "ld",
    "ld64",
    "libstdc++",
    "libc++",
    "libc++abi",
    "libgcc_s",
    "libunwind",
];

/// The same, by the start of the name: the loader under its per-architecture
/// names (`ld-linux-x86-64`, `ld-musl-aarch64`), musl's C library, and
/// libpython of any version and build (`libpython3.11d`).
const RUNTIME_PREFIXES: &[&str] = &["ld-linux", "ld-musl", "libc.musl", "libpython"];

/// Whether the mapped file `path` is part of the runtime rather than code a
/// test brought in: one of the shared objects above, or the python
/// executable (`python3.11`, `python3.11d`, `python3.13t`), which holds the
/// interpreter itself when libpython is linked in statically, as Debian's
/// and pyenv's builds are. The kernel names a mapping by its resolved path,
/// so a virtual environment's `python` appears as the interpreter it links to.
fn is_runtime(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(OsStr::to_str) else {
        return false;
    };
    if let Some(version) = name.strip_prefix("python") {
        return version
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'd' | 'm' | 't' | 'u'));
    }
    let Some((stem, _)) = name.split_once(".so") else {
        return false;
    };
    let stem = match stem.rsplit_once('-') {
        Some((base, version))
            if !version.is_empty() && version.chars().all(|c| c.is_ascii_digit() || c == '.') =>
        {
            base
        }
        _ => stem,
    };
    RUNTIME_LIBRARIES.contains(&stem) || RUNTIME_PREFIXES.iter().any(|p| stem.starts_with(p))
}

#[cfg(test)]
mod tests;
