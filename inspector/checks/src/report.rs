//! The result of inspecting one file, in the shape the JSON output keeps
//! stable (see docs/json-output.md).

use serde::Serialize;

use binary::Binary;
use naming::{SuffixTag, WheelName};

use crate::facts::Facts;
use crate::finding::Finding;
use crate::registry::CHECKS;
use crate::registry::{undefined_python_symbol, unreadable_file};
use crate::subject::{Options, Subject};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// A CPython extension module: the checks ran.
    Extension,
    /// A shared object with no init function and no Python imports: not a
    /// module, so nothing to check.
    NotExtension,
    /// A library that modules link, not a module: vendored into
    /// `<dist>.libs/` or `.dylibs/`, named `lib*` with no init function, or
    /// linked by another module of the same wheel or directory. `library`
    /// says which; nothing is checked.
    Library,
    /// It could not be read or parsed: one `unreadable-file` finding.
    Unreadable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InitSymbol {
    pub symbol: String,
    pub module: String,
    /// Which CPython calls it, when the file exports both `PyInit_<name>`
    /// and PEP 793's `PyModExport_<name>` for one module.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What the file name and wheel tags say the module is for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TagReport {
    /// The suffix the loader strips (`.cpython-312-x86_64-linux-gnu.so`);
    /// absent when no loader on the binary's platform accepts the name.
    pub suffix: Option<String>,
    /// `3.12`, when the tags or the imported DLL name one version.
    pub python: Option<String>,
    pub abi3: bool,
    /// For abi3 modules: the minimum version the checks assumed.
    pub abi3_min: Option<String>,
    pub debug: bool,
    pub free_threaded: bool,
    /// PEP 803's abi3t (3.15+, loaded by GIL-enabled and free-threaded
    /// builds alike); present only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub abi3t: bool,
    /// The platform part of the suffix: a Linux triplet, `darwin`, `win_amd64`.
    pub platform: Option<String>,
    /// The wheel's tags, when the file came from a wheel.
    pub wheel: Option<WheelTags>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WheelTags {
    pub python: Vec<String>,
    pub abi: Vec<String>,
    pub platform: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileReport {
    /// As given, or `wheel.whl!member/path.so` for a wheel member.
    pub path: String,
    pub kind: FileKind,
    pub format: Option<&'static str>,
    /// One entry per slice (several for a fat Mach-O file).
    pub arch: Vec<&'static str>,
    pub module: Option<String>,
    pub tag: Option<TagReport>,
    pub init_symbols: Vec<InitSymbol>,
    pub findings: Vec<Finding>,
    /// Why a `library` is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub library: Option<String>,
    /// The libraries it links (`DT_NEEDED`, `LC_LOAD_DYLIB`, PE imports),
    /// for the run to tell which files of a wheel or directory are
    /// libraries its modules link.
    #[serde(skip)]
    pub needed: Vec<String>,
    /// Checks that could not judge this file and why, for the run's notes
    /// (not part of the JSON file entry).
    #[serde(skip)]
    pub not_checked: Vec<NotChecked>,
}

/// A check that did not run on a file for want of data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotChecked {
    pub check: &'static str,
    /// What the data lacks: the build with no export table, `3.14`.
    pub missing: String,
}

impl FileReport {
    /// Makes this file a library, for `reason`: what it was checked for as
    /// a module does not apply.
    pub fn into_library(&mut self, reason: String) {
        self.kind = FileKind::Library;
        self.library = Some(reason);
        self.module = None;
        self.tag = None;
        self.findings.clear();
        self.not_checked.clear();
    }

    /// Whether the file exports the init function of the module its name
    /// gives it: then it is a module, whoever else links it.
    pub fn exports_own_init(&self) -> bool {
        self.module
            .as_ref()
            .is_some_and(|m| self.init_symbols.iter().any(|i| &i.module == m))
    }

    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == checkmeta::Severity::Error)
    }
}

/// A report for a path that could not be read or parsed; `detail` is the
/// one-line reason.
pub fn unreadable(path: String, detail: &str) -> FileReport {
    FileReport {
        path,
        kind: FileKind::Unreadable,
        format: None,
        arch: Vec::new(),
        module: None,
        tag: None,
        init_symbols: Vec::new(),
        findings: vec![unreadable_file::finding(detail)],
        library: None,
        needed: Vec::new(),
        not_checked: Vec::new(),
    }
}

/// Whether the checks would read `binary`'s static symbol table, given a
/// view without it (`binary::parse_dynamic`): only when an expected init
/// hook is not exported (missing-init-symbol, init-symbol-not-exported and
/// whether the file is a module at all ask whether it is defined, and how),
/// or when single-phase-init may need the `_cffi_` names to tell a CFFI
/// module. A library or a module exporting its hook is judged the same
/// without it, so a reader can stop before the table.
pub fn needs_static_symbols(
    path: &str,
    file_name: &str,
    binary: &Binary,
    wheel: Option<&WheelName>,
    options: &Options,
) -> bool {
    let subject = Subject {
        path,
        file_name,
        binary,
        wheel,
        options,
    };
    let facts = Facts::derive(subject);
    let within = path.rsplit_once('!').map_or(path, |(_, member)| member);
    if naming::library_reason(std::path::Path::new(within), binary).is_some() {
        return false;
    }
    let hook_unexported = !facts.expected_init.is_empty()
        && facts
            .slices()
            .iter()
            .any(|slice| !Facts::exports_any(slice, &facts.expected_init));
    let maybe_cffi = facts.imports("PyImport_ImportModule")
        && !facts
            .init_exports
            .iter()
            .any(|e| e.symbol.starts_with("PyModExport"));
    hook_unexported || maybe_cffi
}

/// Runs every check over one parsed binary.
pub fn inspect(
    path: String,
    file_name: &str,
    binary: &Binary,
    wheel: Option<&WheelName>,
    options: &Options,
) -> FileReport {
    let label = path.clone();
    let subject = Subject {
        path: &label,
        file_name,
        binary,
        wheel,
        options,
    };
    let facts = Facts::derive(subject);
    // A wheel member's path inside the wheel: its directory may say it is
    // a vendored library.
    let within = path
        .rsplit_once('!')
        .map_or(path.as_str(), |(_, member)| member);
    let library = naming::library_reason(std::path::Path::new(within), binary);
    let kind = if library.is_some() {
        FileKind::Library
    } else if facts.is_extension() {
        FileKind::Extension
    } else {
        FileKind::NotExtension
    };
    let mut findings = Vec::new();
    let mut not_checked = Vec::new();
    if kind == FileKind::Extension {
        if let Some(missing) = undefined_python_symbol::uncovered(&facts) {
            not_checked.push(NotChecked {
                check: undefined_python_symbol::UndefinedPythonSymbol::META.id,
                missing,
            });
        }
        for check in CHECKS {
            if let Some(run) = check.run {
                run(&facts, &mut findings);
            }
        }
        // Errors first; within a severity, registry order (stable sort).
        findings.sort_by_key(|f| f.severity);
    }
    FileReport {
        path,
        kind,
        format: Some(binary.format.name()),
        arch: binary.slices.iter().map(|s| s.arch.name()).collect(),
        // A library that is not a module has no module name or ABI tag,
        // whatever its file name looks like.
        module: facts.module.clone().filter(|_| kind == FileKind::Extension),
        tag: (kind == FileKind::Extension).then(|| tag_report(&facts)),
        init_symbols: facts
            .init_exports
            .iter()
            .map(|e| InitSymbol {
                symbol: e.symbol.clone(),
                module: e.module.clone(),
                note: pair_note(&facts.init_exports, e),
            })
            .collect(),
        findings,
        library,
        needed: binary
            .slices
            .iter()
            .flat_map(|s| s.needed.iter().cloned())
            .collect(),
        not_checked,
    }
}

fn tag_report(facts: &Facts<'_>) -> TagReport {
    let target = &facts.target;
    let platform = facts.file.as_ref().and_then(|f| match &f.tag {
        SuffixTag::Versioned { platform, .. } => Some(platform.clone()),
        SuffixTag::Abi3 { triplet, .. } => triplet.clone(),
        SuffixTag::Plain => None,
    });
    TagReport {
        suffix: facts.file.as_ref().map(|f| f.suffix.clone()),
        python: target.version.map(|(v, _)| v.to_string()),
        abi3: target.abi3,
        abi3_min: target.abi3_min.map(|(v, _)| v.to_string()),
        debug: target.debug,
        free_threaded: target.free_threaded,
        abi3t: target.abi3t,
        platform,
        wheel: facts.subject.wheel.map(|w| WheelTags {
            python: w.python_tags.clone(),
            abi: w.abi_tags.clone(),
            platform: w.platform_tags.clone(),
        }),
    }
}

/// For a module exporting both init forms: CPython 3.15 and later call the
/// PEP 793 hook and ignore `PyInit_` (Python/importdl.c looks up
/// `PyModExport` first), older versions call `PyInit_`.
fn pair_note(exports: &[naming::InitExport], export: &naming::InitExport) -> Option<String> {
    use naming::InitKind::{PyInit, PyInitU, PyModExport, PyModExportU};
    let twin = |kinds: [naming::InitKind; 2]| {
        exports
            .iter()
            .find(|e| e.module == export.module && kinds.contains(&e.kind))
    };
    match export.kind {
        PyInit | PyInitU => twin([PyModExport, PyModExportU]).map(|hook| {
            format!(
                "called by CPython before 3.15; 3.15 and later call `{}`",
                hook.symbol
            )
        }),
        PyModExport | PyModExportU => twin([PyInit, PyInitU]).map(|init| {
            format!(
                "PEP 793 hook, called by CPython 3.15 and later instead of `{}`",
                init.symbol
            )
        }),
        _ => None,
    }
}
