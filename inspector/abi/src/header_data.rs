//! What CPython's headers say, committed as data and compiled in: which
//! declarations only some platforms' builds make (`data/platforms/`), and
//! which private symbols the public macros and static inline functions emit
//! (`data/macro_symbols/`). Both are regenerated from the headers (README).

use std::collections::BTreeSet;
use std::sync::LazyLock;

use crate::{PyVersion, TableKey};

/// Lists the committed files by version; a test checks that the lists and
/// the directories hold the same versions.
macro_rules! committed {
    ($name:ident, $dir:literal, [$($version:literal),* $(,)?]) => {
        pub(crate) const $name: &[(&str, &str)] = &[
            $(($version, include_str!(concat!("../data/", $dir, "/", $version, ".txt")))),*
        ];
    };
}

committed!(
    PLATFORM_FILES,
    "platforms",
    [
        "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15"
    ]
);
committed!(
    MACRO_FILES,
    "macro_symbols",
    [
        "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15"
    ]
);

/// A platform other than Linux, whose builds declare some symbols that
/// Linux builds do not, and lack some that they have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    Windows,
    MacOs,
}

impl Platform {
    fn word(self) -> &'static str {
        match self {
            Platform::Windows => "windows",
            Platform::MacOs => "macos",
        }
    }
}

/// One version's platform differences, read from its headers.
#[derive(Debug)]
pub struct PlatformSymbols {
    pub version: PyVersion,
    /// `(platform, sign, name)`: `+` declared there only, `+?` maybe,
    /// `-` not declared there, `-?` maybe not.
    lines: Vec<(&'static str, &'static str, &'static str)>,
}

impl PlatformSymbols {
    /// Declared by the platform's builds (certainly or maybe) and not by
    /// Linux builds.
    pub fn only_on(&self, platform: Platform, name: &str) -> bool {
        self.lines
            .iter()
            .any(|(p, sign, n)| *p == platform.word() && sign.starts_with('+') && *n == name)
    }

    /// Certainly not declared by the platform's builds, though Linux's are.
    pub fn never_on(&self, platform: Platform, name: &str) -> bool {
        self.lines
            .iter()
            .any(|(p, sign, n)| *p == platform.word() && *sign == "-" && *n == name)
    }

    /// The names declared only on the platform, certainly or maybe.
    pub fn only(&self, platform: Platform) -> impl Iterator<Item = &'static str> + '_ {
        self.lines
            .iter()
            .filter(move |(p, sign, _)| *p == platform.word() && sign.starts_with('+'))
            .map(|(_, _, n)| *n)
    }
}

fn parse_platforms(version: &str, text: &'static str) -> Result<PlatformSymbols, String> {
    let version = version.parse().map_err(|e| format!("{e}"))?;
    let mut lines = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (head, name) = line
            .split_once('\t')
            .ok_or_else(|| format!("bad line {line:?}"))?;
        let at = head
            .find(['+', '-'])
            .ok_or_else(|| format!("bad line {line:?}"))?;
        let (platform, sign) = head.split_at(at);
        if !matches!(platform, "windows" | "macos") || !matches!(sign, "+" | "+?" | "-" | "-?") {
            return Err(format!("bad line {line:?}"));
        }
        lines.push((platform, sign, name));
    }
    Ok(PlatformSymbols { version, lines })
}

/// Every version's platform differences, sorted by version.
pub fn platform_symbols_all() -> &'static [PlatformSymbols] {
    static PARSED: LazyLock<Vec<PlatformSymbols>> = LazyLock::new(|| {
        let mut all: Vec<PlatformSymbols> = PLATFORM_FILES
            .iter()
            .map(|(v, text)| {
                parse_platforms(v, text)
                    .unwrap_or_else(|e| panic!("data/platforms/{v}.txt is tested, yet {e}"))
            })
            .collect();
        all.sort_by_key(|p| p.version);
        all
    });
    &PARSED
}

pub fn platform_symbols(version: PyVersion) -> Option<&'static PlatformSymbols> {
    platform_symbols_all().iter().find(|p| p.version == version)
}

/// The private symbols one build's public macros and static inline
/// functions emit.
#[derive(Debug)]
pub struct MacroSymbols {
    pub key: TableKey,
    pub symbols: BTreeSet<&'static str>,
}

fn parse_macros(text: &'static str) -> Result<Vec<MacroSymbols>, String> {
    let mut builds: Vec<MacroSymbols> = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (key, name) = line
            .split_once('\t')
            .ok_or_else(|| format!("bad line {line:?}"))?;
        let key: TableKey = key.parse().map_err(|e| format!("{e}"))?;
        match builds.iter_mut().find(|b| b.key == key) {
            Some(build) => {
                build.symbols.insert(name);
            }
            None => builds.push(MacroSymbols {
                key,
                symbols: [name].into(),
            }),
        }
    }
    Ok(builds)
}

/// Every build's list, sorted by key.
pub fn macro_symbols_all() -> &'static [MacroSymbols] {
    static PARSED: LazyLock<Vec<MacroSymbols>> = LazyLock::new(|| {
        let mut all: Vec<MacroSymbols> = MACRO_FILES
            .iter()
            .flat_map(|(v, text)| {
                parse_macros(text)
                    .unwrap_or_else(|e| panic!("data/macro_symbols/{v}.txt is tested, yet {e}"))
            })
            .collect();
        all.sort_by_key(|m| m.key);
        all
    });
    &PARSED
}

/// What the public macros of the build `key` may emit. The version's own
/// list for that build; the union of the version's builds when
/// `exact_build` is false; for a version newer than every list, the newest
/// list of the same build (or their union); `None` for older versions.
pub fn macro_symbols(key: TableKey, exact_build: bool) -> Option<BTreeSet<&'static str>> {
    let all = macro_symbols_all();
    let newest = all.iter().map(|m| m.key.version).max()?;
    let version = if key.version > newest && key.version.major == newest.major {
        newest
    } else {
        key.version
    };
    let matching: Vec<&MacroSymbols> = all
        .iter()
        .filter(|m| m.key.version == version)
        .filter(|m| {
            !exact_build || (m.key.debug == key.debug && m.key.free_threaded == key.free_threaded)
        })
        .collect();
    if matching.is_empty() {
        return None;
    }
    Some(
        matching
            .iter()
            .flat_map(|m| m.symbols.iter().copied())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_files_parse_and_are_listed() {
        for (dir, files) in [
            ("platforms", PLATFORM_FILES),
            ("macro_symbols", MACRO_FILES),
        ] {
            let on_disk: BTreeSet<String> =
                std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/data/").to_owned() + dir)
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect();
            let listed: BTreeSet<String> = files.iter().map(|(v, _)| format!("{v}.txt")).collect();
            assert_eq!(on_disk, listed, "data/{dir} and its committed! list differ");
        }
        assert_eq!(platform_symbols_all().len(), PLATFORM_FILES.len());
        assert!(!macro_symbols_all().is_empty());
    }

    #[test]
    fn free_threaded_decref_is_known_and_newer_versions_fall_back() {
        let v313t: TableKey = "3.13t".parse().unwrap();
        let list = macro_symbols(v313t, true).unwrap();
        assert!(list.contains("_Py_DecRefShared") && list.contains("_Py_MergeZeroLocalRefcount"));
        let release = macro_symbols("3.13".parse().unwrap(), true).unwrap();
        assert!(!release.contains("_Py_DecRefShared"));
        // A version newer than every list takes the newest list of its build.
        let v315t = macro_symbols("3.15t".parse().unwrap(), true).unwrap();
        assert!(v315t.contains("_Py_DecRefShared"));
        let v316t: TableKey = "3.16t".parse().unwrap();
        assert_eq!(macro_symbols(v316t, true), Some(v315t));
        assert!(
            macro_symbols("3.12".parse().unwrap(), true)
                .unwrap()
                .contains("_Py_FatalErrorFunc")
        );
        assert!(macro_symbols("2.7".parse().unwrap(), true).is_none());
    }

    #[test]
    fn windows_error_functions_are_windows_only() {
        let p = platform_symbols(PyVersion::new(3, 12)).unwrap();
        assert!(p.only_on(Platform::Windows, "PyErr_SetFromWindowsErr"));
        assert!(p.only_on(Platform::Windows, "PyExc_WindowsError"));
        assert!(p.never_on(Platform::Windows, "PyOS_BeforeFork"));
        assert!(!p.only_on(Platform::Windows, "PyList_New"));
    }
}
