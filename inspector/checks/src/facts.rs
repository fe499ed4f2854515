//! Facts derived once per file from the view, the file name and the wheel
//! tags, so that every check reads the same interpretation of them.

use std::collections::BTreeMap;

use abi::PyVersion;
use binary::{Format, Import, Reach, Slice};
use naming::{InitExport, InitKind, ModuleFile, Platform, SuffixTag};

use crate::python_dll::PythonDll;
use crate::subject::Subject;

/// Which C API the module was written against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generation {
    Python3,
    /// Imports `Py_InitModule4*`: a Python 2 module, initialised by `init<name>`.
    Python2,
}

/// Where a fact about the target interpreter came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    FileName,
    WheelTag,
    PythonDll,
    /// `--abi3-min`, for the run or for the file's path.
    Option,
    /// The configuration's `abi3-min`.
    Config,
    /// The installed distribution's `.dist-info/WHEEL` tag.
    InstalledWheel,
    /// `Requires-Python` of the installed distribution or the project.
    RequiresPython,
    /// Nothing declares an abi3 module's minimum: the newest stable-ABI
    /// symbol it imports sets it.
    Imports,
    Python2Api,
}

impl Source {
    pub fn describe(self) -> &'static str {
        match self {
            Source::FileName => "the file name",
            Source::WheelTag => "the wheel tag",
            Source::PythonDll => "the imported python DLL",
            Source::Option => "--abi3-min",
            Source::Config => "the configuration's abi3-min",
            Source::InstalledWheel => "the installed distribution's WHEEL tag",
            Source::RequiresPython => "Requires-Python",
            Source::Imports => "nothing declares it: the newest stable-ABI symbol it imports",
            Source::Python2Api => "its Python 2 imports",
        }
    }

    /// Declared by someone, rather than read off the imports.
    pub fn is_declared(self) -> bool {
        self != Source::Imports
    }
}

/// The interpreter build the file says it is for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    pub version: Option<(PyVersion, Source)>,
    pub abi3: bool,
    /// For abi3 modules: the oldest version it must load in.
    pub abi3_min: Option<(PyVersion, Source)>,
    pub debug: bool,
    /// A free-threaded build loads it: `t`, or abi3t.
    pub free_threaded: bool,
    /// PEP 803's stable ABI for free-threaded builds (`.abi3t.so`, the
    /// `abi3t` wheel tag, `python3t.dll`): from 3.15, and GIL-enabled
    /// builds load it too. Also sets `abi3` and `free_threaded`.
    pub abi3t: bool,
    /// The file name or the wheel's ABI tag names the build (a version
    /// or abi3). A plain `.pyd` or `.so` names none, so its build flags
    /// come from what it links.
    pub abi_named: bool,
}

/// An import that the interpreter provides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonImport {
    pub name: String,
    pub library: Option<String>,
}

/// Everything the checks know about one file.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub subject: Subject<'a>,
    pub format: Format,
    /// The OS whose loader would load this binary format.
    pub platform: Platform,
    /// The file name parsed against the binary's own platform.
    pub file: Option<ModuleFile>,
    /// The module name the loader would import this file as; when the name
    /// is not importable on the binary's platform, the name it would have
    /// under whatever platform's suffix it does carry.
    pub module: Option<String>,
    /// The loader on the binary's own platform would import this file.
    pub importable: bool,
    pub target: Target,
    pub generation: Generation,
    /// The symbols that would initialise `module`: `PyInit` (and from
    /// 3.15 the PEP 793 `PyModExport` form); Python 2's `init<name>`.
    pub expected_init: Vec<String>,
    /// Init functions exported by at least one slice, decoded, by symbol.
    pub init_exports: Vec<InitExport>,
    /// Imports the interpreter provides, once each, sorted by name.
    pub python_imports: Vec<PythonImport>,
    /// PE: the interpreter DLLs imported.
    pub python_dlls: Vec<PythonDll>,
}

pub fn platform_of(format: Format) -> Platform {
    match format {
        Format::Elf => Platform::Linux,
        Format::Macho => Platform::MacOs,
        Format::Pe => Platform::Windows,
    }
}

impl<'a> Facts<'a> {
    pub fn derive(subject: Subject<'a>) -> Facts<'a> {
        let format = subject.binary.format;
        let platform = platform_of(format);
        let file = naming::parse_filename(subject.file_name, platform);
        let importable = file
            .as_ref()
            .is_some_and(|f| naming::is_loadable_name(&f.module));
        let module = if importable {
            file.as_ref().map(|f| f.module.clone())
        } else {
            foreign_module_name(subject.file_name, platform)
        };
        let python_imports = python_imports(&subject.binary.slices);
        let python_dlls = python_dlls(&subject.binary.slices);
        let generation = if python_imports
            .iter()
            .any(|i| i.name.starts_with("Py_InitModule4"))
        {
            Generation::Python2
        } else {
            Generation::Python3
        };
        let mut facts = Facts {
            subject,
            format,
            platform,
            file,
            module,
            importable,
            target: Target::default(),
            generation,
            expected_init: Vec::new(),
            init_exports: Vec::new(),
            python_imports,
            python_dlls,
        };
        facts.target = facts.derive_target();
        facts.expected_init = facts.derive_expected_init();
        facts.init_exports = facts.derive_init_exports();
        facts
    }

    pub fn slices(&self) -> &'a [Slice] {
        &self.subject.binary.slices
    }

    pub fn is_fat(&self) -> bool {
        self.slices().len() > 1
    }

    fn derive_expected_init(&self) -> Vec<String> {
        let Some(module) = &self.module else {
            return Vec::new();
        };
        match self.generation {
            Generation::Python2 => vec![naming::python2_init_symbol(module)],
            Generation::Python3 if self.only_315_and_later() => {
                vec![naming::init_symbol(module), naming::export_symbol(module)]
            }
            Generation::Python3 => vec![naming::init_symbol(module)],
        }
    }

    /// Whether every interpreter the file targets is 3.15 or later, the
    /// first to look for `PyModExport_` (PEP 793) as well as `PyInit_`.
    fn only_315_and_later(&self) -> bool {
        let v315 = version(3, 15);
        match (self.target.abi3_min, self.target.version) {
            (Some((min, _)), _) => min >= v315,
            (None, Some((v, _))) => v >= v315,
            (None, None) => false,
        }
    }

    /// The exported init functions for modules other than this file's.
    pub fn other_init_exports(&self) -> Vec<&InitExport> {
        self.init_exports
            .iter()
            .filter(|e| !self.expected_init.contains(&e.symbol))
            .collect()
    }

    /// Whether this looks like a Python extension module at all.
    pub fn is_extension(&self) -> bool {
        !self.init_exports.is_empty()
            || !self.python_imports.is_empty()
            || self
                .expected_init
                .iter()
                .any(|s| self.slices().iter().any(|slice| slice.symbol(s).is_some()))
    }

    fn derive_init_exports(&self) -> Vec<InitExport> {
        let mut found: BTreeMap<String, InitExport> = BTreeMap::new();
        let py2 = match (&self.module, self.generation) {
            (Some(module), Generation::Python2) => Some(naming::python2_init_symbol(module)),
            _ => None,
        };
        for slice in self.slices() {
            for symbol in slice.exports() {
                let decoded = if py2.as_deref() == Some(symbol.name.as_str()) {
                    Some(InitExport {
                        symbol: symbol.name.clone(),
                        module: self.module.clone().unwrap_or_default(),
                        kind: InitKind::Python2,
                    })
                } else {
                    naming::decode_init_symbol(&symbol.name)
                };
                if let Some(export) = decoded {
                    found.entry(export.symbol.clone()).or_insert(export);
                }
            }
        }
        found.into_values().collect()
    }

    fn derive_target(&self) -> Target {
        let mut target = Target::default();
        let wheel_abi: Vec<naming::AbiTag> = self
            .subject
            .wheel
            .map(|w| {
                w.abi_tags
                    .iter()
                    .filter_map(|t| naming::parse_abi_tag(t))
                    .collect()
            })
            .unwrap_or_default();
        let wheel_python: Option<PyVersion> = self.subject.wheel.and_then(|w| {
            w.python_tags
                .iter()
                .filter_map(|t| naming::parse_python_tag(t))
                .min()
                .map(|(major, minor)| PyVersion { major, minor })
        });

        if let Some(file) = &self.file {
            match &file.tag {
                SuffixTag::Versioned {
                    major,
                    minor,
                    flags,
                    ..
                } => {
                    target.version = Some((version(*major, *minor), Source::FileName));
                    target.abi_named = true;
                    target.debug |= flags.debug;
                    target.free_threaded |= flags.free_threaded;
                }
                SuffixTag::Abi3 { free_threaded, .. } => {
                    target.abi3 = true;
                    target.abi_named = true;
                    target.free_threaded |= *free_threaded;
                    target.abi3t |= *free_threaded;
                }
                SuffixTag::Plain => {}
            }
            target.debug |= file.windows_debug;
        }
        for tag in &wheel_abi {
            target.abi_named |= tag.abi3 || tag.version.is_some();
            if tag.abi3 {
                target.abi3 = true;
                target.abi3t |= tag.flags.free_threaded;
            }
            if let (None, Some((major, minor))) = (&target.version, tag.version) {
                target.version = Some((version(major, minor), Source::WheelTag));
            }
            target.debug |= tag.flags.debug;
            target.free_threaded |= tag.flags.free_threaded;
        }
        for dll in &self.python_dlls {
            // Every Windows interpreter loads untagged `.pyd` files, so an
            // untagged module is for whichever build's DLL it links.
            if !target.abi_named {
                target.free_threaded |= dll.free_threaded;
            }
            match dll.version {
                None => {
                    target.abi3 = true;
                    // `python3t.dll`: the abi3t forwarder.
                    target.abi3t |= dll.free_threaded;
                }
                Some(v) if target.version.is_none() => {
                    target.version = Some((v, Source::PythonDll));
                }
                Some(_) => {}
            }
        }
        if target.abi3 {
            // An abi3 module is not for one version; the version in its
            // wheel's python tag is its minimum.
            if target.version.is_some_and(|(_, s)| s == Source::WheelTag) {
                target.version = None;
            }
            let mut min = self.declared_abi3_min(wheel_python).unwrap_or_else(|| {
                let imports = self.abi3_min_of_imports().unwrap_or(version(3, 2));
                let hook = self.init_only_by_export_hook().then_some(version(3, 15));
                (imports.max(hook.unwrap_or(imports)), Source::Imports)
            });
            // No CPython older than the suffix's first loader imports the
            // file, whatever the tags declare: `.abi3t.so` is 3.15's.
            let named = self
                .file
                .as_ref()
                .and_then(|f| naming::oldest_loader(f, self.platform))
                .map(|minor| version(3, minor));
            // On a tie the name says it better than a guess from the imports.
            let beats = |n: &PyVersion| *n > min.0 || (*n == min.0 && !min.1.is_declared());
            if let Some(named) = named.filter(beats) {
                min = (named, Source::FileName);
            }
            if target.abi3t && min.0 < version(3, 15) {
                // abi3t began with 3.15 (PEP 803); a tag or DLL said abi3t.
                let by_tag = self
                    .subject
                    .wheel
                    .is_some_and(|w| w.abi_tags.iter().any(|t| t == "abi3t"));
                let source = if by_tag {
                    Source::WheelTag
                } else {
                    Source::PythonDll
                };
                min = (version(3, 15), source);
            }
            target.abi3_min = Some(min);
        }
        if target.version.is_none() && self.generation == Generation::Python2 {
            target.version = Some((version(2, 7), Source::Python2Api));
        }
        target
    }

    /// The minimum an abi3 module's users declared, strongest first: the
    /// command line (for the run, or for the file's path) and the
    /// configuration's per-path table, the wheel's python tag, the
    /// installed distribution's WHEEL tag, `Requires-Python`.
    fn declared_abi3_min(&self, wheel_python: Option<PyVersion>) -> Option<(PyVersion, Source)> {
        use crate::subject::FloorSource;
        let options = self.subject.options;
        let floor = options.floor_for(self.subject.path);
        let of = |f: &crate::subject::Floor| {
            let source = match f.declared_by {
                FloorSource::Option => Source::Option,
                FloorSource::Config => Source::Config,
                FloorSource::InstalledWheel { .. } => Source::InstalledWheel,
                FloorSource::RequiresPython { .. } => Source::RequiresPython,
            };
            (f.version, source)
        };
        match floor {
            Some(f) if matches!(f.declared_by, FloorSource::Option) => return Some(of(f)),
            _ => {}
        }
        if let Some(v) = options.abi3_min {
            return Some((v, Source::Option));
        }
        match floor {
            Some(f) if matches!(f.declared_by, FloorSource::Config) => return Some(of(f)),
            _ => {}
        }
        if let Some(v) = wheel_python {
            return Some((v, Source::WheelTag));
        }
        floor.map(of)
    }

    /// Whether the module's only init function is PEP 793's export hook
    /// (`PyModExport_<name>`, no `PyInit_<name>`): only CPython 3.15 and
    /// later look it up (Python/importdl.c before 3.15 builds only the
    /// `PyInit` name).
    pub fn init_only_by_export_hook(&self) -> bool {
        let Some(module) = &self.module else {
            return false;
        };
        if self.generation != Generation::Python3 {
            return false;
        }
        let hook = [naming::export_symbol(module)];
        let init = [naming::init_symbol(module)];
        self.slices()
            .iter()
            .all(|slice| Facts::exports_any(slice, &hook) && !Facts::exports_any(slice, &init))
            && !self.slices().is_empty()
    }

    /// The oldest CPython 3 version the file's name (and tags) let load it,
    /// when one is known; None when any CPython 3 may (a plain `.so`).
    pub fn oldest_loading_version(&self) -> Option<(PyVersion, Source)> {
        match (self.target.abi3_min, self.target.version) {
            (Some(min), _) => Some(min),
            (None, Some(v)) => Some(v),
            (None, None) => None,
        }
    }

    /// The newest version that added a stable-ABI symbol the module
    /// imports: the oldest CPython it can load in.
    pub fn abi3_min_of_imports(&self) -> Option<PyVersion> {
        let stable = abi::stable_abi();
        self.python_imports
            .iter()
            .filter_map(|i| stable.get(&i.name).map(|s| s.added))
            .max()
    }

    /// Whether a slice exports any of `symbols`.
    pub fn exports_any(slice: &Slice, symbols: &[String]) -> bool {
        symbols
            .iter()
            .any(|s| slice.symbol(s).is_some_and(|s| s.reach == Reach::Exported))
    }

    pub fn imports(&self, name: &str) -> bool {
        self.python_imports
            .binary_search_by(|i| i.name.as_str().cmp(name))
            .is_ok()
    }
}

fn version(major: u8, minor: u8) -> PyVersion {
    PyVersion { major, minor }
}

/// The module name under the first other platform whose loader accepts
/// the suffix, so that a misnamed file still gets its init symbol checked.
fn foreign_module_name(file_name: &str, own: Platform) -> Option<String> {
    [Platform::Linux, Platform::MacOs, Platform::Windows]
        .into_iter()
        .filter(|p| *p != own)
        .filter_map(|p| naming::parse_filename(file_name, p))
        .map(|f| f.module)
        .find(|m| naming::is_loadable_name(m))
}

fn is_python_symbol(name: &str) -> bool {
    name.starts_with("Py") || name.starts_with("_Py")
}

/// A library that is the interpreter, under any platform's naming.
pub fn is_libpython(library: &str) -> bool {
    let file = library.rsplit('/').next().unwrap_or(library);
    // `libpython3.12.so.1.0`, `libpython3.13t.dylib`; not `libPythonQt`.
    let versioned = file
        .strip_prefix("libpython")
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
    versioned || PythonDll::parse(file).is_some() || library.contains("Python.framework/")
}

fn from_interpreter(import: &Import) -> bool {
    if !is_python_symbol(&import.name) {
        return false;
    }
    match &import.library {
        Some(library) => is_libpython(library),
        // ELF records no library for unversioned symbols, and Mach-O
        // flat/dynamic lookup binds to whatever the process has loaded:
        // the interpreter, for a Py* name.
        None => import.version.is_none(),
    }
}

fn python_imports(slices: &[Slice]) -> Vec<PythonImport> {
    let mut found: BTreeMap<&str, PythonImport> = BTreeMap::new();
    for import in slices.iter().flat_map(|s| &s.imports) {
        if from_interpreter(import) {
            found.entry(&import.name).or_insert_with(|| PythonImport {
                name: import.name.clone(),
                library: import.library.clone(),
            });
        }
    }
    found.into_values().collect()
}

fn python_dlls(slices: &[Slice]) -> Vec<PythonDll> {
    let mut dlls: Vec<PythonDll> = Vec::new();
    for name in slices.iter().flat_map(|s| &s.needed) {
        if let Some(dll) = PythonDll::parse(name)
            && !dlls.iter().any(|d| d.name.eq_ignore_ascii_case(name))
        {
            dlls.push(dll);
        }
    }
    dlls
}
