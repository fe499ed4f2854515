//! What a module binds to at load time, per platform: a Linux libpython (an
//! export table), a Windows `python3XY.dll` (that table, plus what only
//! Windows builds declare, minus what they cannot have), or `python3.dll`
//! (the stable ABI up to its version, as CPython's `PC/python3dll.c` is
//! generated from `Misc/stable_abi.toml`).

use crate::{
    ExportTable, Platform, PlatformSymbols, PyVersion, TableKey, export_table, platform_symbols,
    stable_abi,
};

/// `Misc/stable_abi.toml`'s `[feature_macro.*]` entries and their `windows`
/// value: `Some(true)` defined on Windows, `Some(false)` not, `None` ("maybe":
/// depends on the build). `Tools/build/stable_abi.py` lists in
/// `python3dll.c` only the symbols whose feature macro is `windows = true`.
pub const FEATURE_MACROS_ON_WINDOWS: &[(&str, Option<bool>)] = &[
    ("MS_WINDOWS", Some(true)),
    ("HAVE_FORK", Some(false)),
    ("USE_STACKCHECK", None),
    ("PY_HAVE_THREAD_NATIVE_ID", Some(true)),
    ("Py_REF_DEBUG", None),
];

fn on_windows(ifdef: Option<&str>) -> Option<bool> {
    match ifdef {
        None => Some(true),
        Some(name) => FEATURE_MACROS_ON_WINDOWS
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, on)| *on),
    }
}

/// Which file a runtime's exports come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exporter {
    /// A Linux (ELF) libpython: the export table as read.
    Libpython,
    /// A macOS libpython: the Linux table adjusted by what the headers
    /// declare only on macOS.
    MacLibpython,
    /// `python3XY.dll`.
    VersionedDll,
    /// `python3.dll`, the stable-ABI forwarder.
    StableDll,
}

/// The symbols one runtime exports to extension modules.
#[derive(Debug, Clone, Copy)]
pub struct Runtime {
    pub key: TableKey,
    pub exporter: Exporter,
    table: Option<&'static ExportTable>,
    platform: Option<&'static PlatformSymbols>,
}

impl Runtime {
    /// The Linux libpython of `key`, when a table was read for it.
    pub fn libpython(key: TableKey) -> Option<Runtime> {
        Some(Runtime {
            key,
            exporter: Exporter::Libpython,
            table: Some(export_table(key)?),
            platform: None,
        })
    }

    /// The macOS libpython of `key`: its Linux table, with the declarations
    /// only macOS builds make added and those they certainly lack removed.
    pub fn mac_libpython(key: TableKey) -> Option<Runtime> {
        Some(Runtime {
            exporter: Exporter::MacLibpython,
            platform: platform_symbols(key.version),
            ..Runtime::libpython(key)?
        })
    }

    /// `python3XY.dll` (`python3XYt.dll`, `python3XY_d.dll`), from the
    /// Linux table of the same build.
    pub fn versioned_dll(key: TableKey) -> Option<Runtime> {
        Some(Runtime {
            exporter: Exporter::VersionedDll,
            platform: platform_symbols(key.version),
            ..Runtime::libpython(key)?
        })
    }

    /// `python3.dll` of CPython `version`: every stable-ABI function and data
    /// symbol added by then, ABI-only ones included, whose feature macro is
    /// defined on Windows.
    pub fn stable_dll(version: PyVersion) -> Runtime {
        Runtime {
            key: TableKey::release(version),
            exporter: Exporter::StableDll,
            table: None,
            platform: None,
        }
    }

    /// What exports these symbols, for messages: `CPython 3.12's
    /// python312.dll`.
    pub fn describe(&self) -> String {
        let key = self.key;
        let dll = |digits: String| {
            let t = if key.free_threaded { "t" } else { "" };
            let d = if key.debug { "_d" } else { "" };
            format!("python{digits}{t}{d}.dll")
        };
        match self.exporter {
            Exporter::Libpython => format!("CPython {key}'s libpython"),
            Exporter::MacLibpython => format!("CPython {key}'s libpython (on macOS)"),
            Exporter::VersionedDll => format!(
                "CPython {key}'s {}",
                dll(format!("{}{}", key.version.major, key.version.minor))
            ),
            Exporter::StableDll => format!("CPython {}'s {}", key.version, dll("3".into())),
        }
    }

    /// Where the answer comes from, for messages: the table's source.
    pub fn source(&self) -> Option<&'static str> {
        self.table.map(|t| t.source)
    }

    pub fn exports(&self, name: &str) -> bool {
        let stable = stable_abi().get(name);
        match self.exporter {
            Exporter::Libpython => self.table.is_some_and(|t| t.exports(name)),
            Exporter::MacLibpython => {
                let platform = |f: fn(&PlatformSymbols, Platform, &str) -> bool| {
                    self.platform.is_some_and(|p| f(p, Platform::MacOs, name))
                };
                platform(PlatformSymbols::only_on)
                    || (self.table.is_some_and(|t| t.exports(name))
                        && !platform(PlatformSymbols::never_on))
            }
            Exporter::VersionedDll => {
                let stable_here = stable.filter(|s| s.added <= self.key.version);
                if stable_here
                    .is_some_and(|s| on_windows(s.ifdef) == Some(true) && s.ifdef.is_some())
                {
                    return true;
                }
                if stable_here.is_some_and(|s| on_windows(s.ifdef) == Some(false)) {
                    return false;
                }
                let platform = |f: fn(&PlatformSymbols, Platform, &str) -> bool| {
                    self.platform.is_some_and(|p| f(p, Platform::Windows, name))
                };
                platform(PlatformSymbols::only_on)
                    || (self.table.is_some_and(|t| t.exports(name))
                        && !platform(PlatformSymbols::never_on))
            }
            Exporter::StableDll => stable
                .is_some_and(|s| s.added <= self.key.version && on_windows(s.ifdef) == Some(true)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> TableKey {
        text.parse().unwrap()
    }

    #[test]
    fn windows_dlls_export_the_windows_api() {
        let dll = Runtime::versioned_dll(key("3.12")).unwrap();
        let linux = Runtime::libpython(key("3.12")).unwrap();
        for name in [
            "PyExc_WindowsError",
            "PyErr_SetFromWindowsErr",
            "PyErr_SetFromWindowsErrWithFilename",
            "PyErr_SetExcFromWindowsErrWithFilenameObject",
        ] {
            assert!(dll.exports(name) && !linux.exports(name), "{name}");
            assert!(
                Runtime::stable_dll(PyVersion::new(3, 12)).exports(name),
                "{name}"
            );
        }
        // fork() is POSIX: the Linux libpython has it, no DLL does.
        for name in ["PyOS_BeforeFork", "PyOS_AfterFork", "PyOS_AfterFork_Child"] {
            assert!(linux.exports(name) && !dll.exports(name), "{name}");
            assert!(
                !Runtime::stable_dll(PyVersion::new(3, 12)).exports(name),
                "{name}"
            );
        }
        assert!(dll.exports("PyList_New") && dll.exports("_PyObject_GC_New"));
        assert_eq!(dll.describe(), "CPython 3.12's python312.dll");
    }

    #[test]
    fn python3_dll_is_the_stable_abi_up_to_its_version() {
        let dll = Runtime::stable_dll(PyVersion::new(3, 9));
        assert!(dll.exports("PyList_New") && dll.exports("PyUnicode_DecodeMBCS"));
        assert!(!dll.exports("_PyObject_LookupAttr") && !dll.exports("Py_NewRef"));
        assert!(Runtime::stable_dll(PyVersion::new(3, 10)).exports("Py_NewRef"));
        // ABI-only symbols are exported for old extensions.
        assert!(dll.exports("_Py_Dealloc") || stable_abi().get("_Py_Dealloc").is_none());
        assert_eq!(dll.describe(), "CPython 3.9's python3.dll");
    }
}
