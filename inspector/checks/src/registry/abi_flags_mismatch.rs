use std::collections::BTreeSet;

use abi::{PyVersion, TableKey};
use naming::SuffixTag;

use crate::facts::Facts;
use crate::finding::Finding;
use crate::registry::declare_check;

declare_check! {
    /// ## What it does
    /// For a module whose file name or wheel tag names a build
    /// (`.cpython-314t-x86_64-linux-gnu.so`, `cp314t`, `cp314t-win_amd64.pyd`,
    /// `_d.pyd`, `cpython-311d`), checks that the binary was compiled for that
    /// build's flags, free-threaded (`t`) and debug (`d`), by the private
    /// symbols the public reference-counting macros of each build emit
    /// (`abi::macro_symbols`, compiled from each version's headers): only a
    /// free-threaded build's `Py_DECREF` calls `_Py_MergeZeroLocalRefcount`
    /// and `_Py_DecRefShared` (`_Py_DecRefSharedDebug` in `td`), only a
    /// GIL-enabled one's calls `_Py_Dealloc`, and only a debug build's emit
    /// `_Py_INCREF_IncRefTotal`, `_Py_DECREF_DecRefTotal`,
    /// `_Py_NegativeRefcount` (3.12 on) or `_Py_RefTotal` (before 3.12).
    /// The file name's build is judged first; the wheel tag's only for a
    /// name that names none (a name and a tag that disagree are
    /// `tag-suffix-mismatch`'s).
    ///
    /// An error when the module imports symbols that only the other build
    /// emits and none that only the named build emits: a module compiled for
    /// the named build that used `Py_DECREF` would import the latter, and a
    /// symbol the named build's runtime exports (an export table says so)
    /// is left out, since the module may call it by name. A warning, stated
    /// as weak, when a module named for a debug build imports the call its
    /// release twin's `Py_DECREF` makes (`_Py_Dealloc`, or
    /// `_Py_MergeZeroLocalRefcount` on `t`) without the debug build's
    /// bookkeeping, which a debug `Py_DECREF` emits beside it: a release build
    /// most likely, but the call may be a direct one. A module importing
    /// both builds' symbols, or neither (it never decrefs, or it is Rust: PyO3
    /// calls `_Py_DecRef` on free-threaded builds), is not judged. Real
    /// free-threaded wheels (numpy, lxml, msgspec, cffi, greenlet, ...) import
    /// `_Py_DecRefShared` and never `_Py_Dealloc`.
    ///
    /// ## Why is this bad?
    /// The flags change the object layout that the macros compile into the
    /// module. A GIL-enabled build in a `t` file loads on free-threaded
    /// CPython (`_Py_Dealloc` is exported there too) and then reads and writes
    /// `ob_refcnt` and `ob_type` at offsets that belong to other fields of a
    /// free-threaded `PyObject` (`ob_tid`, `ob_ref_local`, ...): memory
    /// corruption, not an error message. A free-threaded or debug build
    /// under a GIL-enabled or release name fails to import with "undefined
    /// symbol: _Py_DecRefShared" (or `_Py_INCREF_IncRefTotal`), on every
    /// interpreter that installs or finds it.
    ///
    /// ## Example
    /// ```text
    /// spam-1.0-cp314-cp314t-manylinux_2_28_x86_64.whl!spam.cpython-314t-x86_64-linux-gnu.so
    /// (imports _Py_Dealloc: compiled against a GIL-enabled 3.14's headers)
    /// ```
    ///
    /// ## How to fix
    /// Build each flavour with its own interpreter's headers and
    /// configuration (`python3.14t -m build`, or cibuildwheel's `cp314t-*`
    /// identifiers) and do not rename one build's files into another's.
    pub struct AbiFlagsMismatch {
        id: "abi-flags-mismatch",
        severity: Error,
        run: Some(run),
    }
}

/// One of the two build flags the check compares.
#[derive(Clone, Copy)]
enum Flag {
    FreeThreaded,
    Debug,
}

impl Flag {
    fn of(self, key: TableKey) -> bool {
        match self {
            Flag::FreeThreaded => key.free_threaded,
            Flag::Debug => key.debug,
        }
    }

    fn build_name(self, on: bool) -> &'static str {
        match (self, on) {
            (Flag::FreeThreaded, true) => "free-threaded",
            (Flag::FreeThreaded, false) => "GIL-enabled",
            (Flag::Debug, true) => "debug",
            (Flag::Debug, false) => "release",
        }
    }
}

/// The public `Py_DECREF`'s deallocation call, which a debug build emits
/// beside its own bookkeeping: GIL-enabled builds call `_Py_Dealloc`,
/// free-threaded ones `_Py_MergeZeroLocalRefcount` (Include/refcount.h).
const DECREF_CALL: [&str; 2] = ["_Py_Dealloc", "_Py_MergeZeroLocalRefcount"];

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some((claimed, named_by)) = claim(facts) else {
        return;
    };
    let version = claimed.version;
    let builds = builds_of(version);
    if builds.is_empty() {
        return;
    }
    for flag in [Flag::FreeThreaded, Flag::Debug] {
        let claim = flag.of(claimed);
        let with: BTreeSet<&str> = union(&builds, |k| flag.of(k));
        let without: BTreeSet<&str> = union(&builds, |k| !flag.of(k));
        // No build of this version has the flag (no `t` before 3.13).
        if with.is_empty() || without.is_empty() {
            continue;
        }
        let (own_list, other_list) = if claim {
            (&with, &without)
        } else {
            (&without, &with)
        };
        let own: Vec<String> = imported(facts, own_list.difference(other_list));
        let runtime = abi::export_table(claimed);
        let other: Vec<String> = imported(facts, other_list.difference(own_list))
            .into_iter()
            // A symbol the named build's runtime exports may be a direct
            // call (3.6 and 3.7 release runtimes export `_Py_Dealloc` for
            // their limited API's `Py_DECREF`); but a free-threaded runtime
            // exports the GIL-enabled `Py_DECREF`'s `_Py_Dealloc` too, and a
            // module under a `t` name calling it decrefs the GIL way.
            .filter(|s| {
                (matches!(flag, Flag::FreeThreaded) && DECREF_CALL.contains(&s.as_str()))
                    || !runtime.is_some_and(|t| t.exports(s))
            })
            .collect();
        if !other.is_empty() && own.is_empty() {
            out.push(
                Finding::new(
                    &AbiFlagsMismatch::META,
                    format!(
                        "{named_by} names a {} CPython {version} build, but the binary is a {} build (certain): it imports {}, which only a {} build's public macros emit, and none of what the {} build's emit",
                        flag.build_name(claim),
                        flag.build_name(!claim),
                        quoted(&other),
                        flag.build_name(!claim),
                        flag.build_name(claim),
                    ),
                )
                .with_symbols(other),
            );
        } else if let (Flag::Debug, true, true) = (flag, claim, own.is_empty()) {
            weak_release_build(facts, claimed, named_by, &with, &without, out);
        }
    }
}

/// The build the file's name names (`cpython-314t`, `cp314t-win_amd64`,
/// `_d`), else its wheel's versioned ABI tag (`cp314t`), and which of the
/// two named it: a name and a tag that disagree are `tag-suffix-mismatch`'s,
/// and each is judged by its own flags.
fn claim(facts: &Facts<'_>) -> Option<(TableKey, &'static str)> {
    let key = |major, minor, debug, free_threaded| TableKey {
        version: PyVersion { major, minor },
        debug,
        free_threaded,
    };
    if let Some(file) = &facts.file {
        if let SuffixTag::Versioned {
            major,
            minor,
            flags,
            ..
        } = &file.tag
        {
            let debug = flags.debug || file.windows_debug;
            return Some((
                key(*major, *minor, debug, flags.free_threaded),
                "the file name",
            ));
        }
        if !matches!(file.tag, SuffixTag::Plain) {
            return None;
        }
    }
    let wheel = facts.subject.wheel?;
    let tags: Vec<naming::AbiTag> = wheel
        .abi_tags
        .iter()
        .filter_map(|t| naming::parse_abi_tag(t))
        .filter(|t| !t.abi3)
        .collect();
    // One versioned tag names one build; several (`cp314.cp314t`) name none.
    match tags.as_slice() {
        [tag] => {
            let (major, minor) = tag.version?;
            let debug = tag.flags.debug || facts.file.as_ref().is_some_and(|f| f.windows_debug);
            Some((
                key(major, minor, debug, tag.flags.free_threaded),
                "the wheel tag",
            ))
        }
        _ => None,
    }
}

/// A module named for a debug build that makes its release twin's
/// `Py_DECREF` call without the debug bookkeeping beside it.
fn weak_release_build(
    facts: &Facts<'_>,
    claimed: TableKey,
    named_by: &str,
    debug_only: &BTreeSet<&str>,
    release: &BTreeSet<&str>,
    out: &mut Vec<Finding>,
) {
    let Some(own_build) = abi::macro_symbols(claimed, true) else {
        return;
    };
    // Only where the debug build's own macros emit the call too, beside
    // their bookkeeping (every version the lists cover).
    let Some(call) = DECREF_CALL
        .iter()
        .find(|c| own_build.contains(*c) && facts.imports(c))
    else {
        return;
    };
    let bookkeeping: Vec<String> = debug_only
        .difference(release)
        .filter(|s| own_build.contains(*s))
        .map(|s| s.to_string())
        .collect();
    if bookkeeping.is_empty() {
        return;
    }
    let mut finding = Finding::new(
            &AbiFlagsMismatch::META,
            format!(
                "{named_by} names a debug CPython {} build, but the binary is probably a release build (weak: from what it lacks): it imports `{call}`, which `Py_DECREF` calls on release and debug builds alike, and none of {}, which a debug build's `Py_DECREF` and `Py_INCREF` emit beside it",
                claimed.version,
                quoted(&bookkeeping),
            ),
        )
        .with_symbols([call.to_string()]);
    // Weak evidence: a warning, whatever the check's own severity.
    finding.severity = checkmeta::Severity::Warning;
    out.push(finding);
}

/// The macro lists of every build of `version` the data has.
fn builds_of(version: PyVersion) -> Vec<(TableKey, BTreeSet<&'static str>)> {
    let mut builds = Vec::new();
    for debug in [false, true] {
        for free_threaded in [false, true] {
            let key = TableKey {
                version,
                debug,
                free_threaded,
            };
            if let Some(symbols) = abi::macro_symbols(key, true) {
                builds.push((key, symbols));
            }
        }
    }
    builds
}

fn union(
    builds: &[(TableKey, BTreeSet<&'static str>)],
    pick: impl Fn(TableKey) -> bool,
) -> BTreeSet<&'static str> {
    builds
        .iter()
        .filter(|(k, _)| pick(*k))
        .flat_map(|(_, s)| s.iter().copied())
        .collect()
}

fn imported<'s>(facts: &Facts<'_>, symbols: impl Iterator<Item = &'s &'s str>) -> Vec<String> {
    symbols
        .filter(|s| facts.imports(s))
        .map(|s| s.to_string())
        .collect()
}

fn quoted(symbols: &[String]) -> String {
    let quoted: Vec<String> = symbols.iter().map(|s| format!("`{s}`")).collect();
    crate::registry::name_list(&quoted)
}
