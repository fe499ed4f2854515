//! Extension-module file names: the suffixes in
//! `importlib.machinery.EXTENSION_SUFFIXES` across CPython versions.

use crate::platform::{AbiFlags, Platform, split_version};
use crate::triplet::{triplet_arch, windows_tag_arch};

/// What an accepted suffix says about the interpreter that loads it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SuffixTag {
    /// `.so` / `.pyd`: any CPython (and Python 2) on the platform.
    Plain,
    /// `.abi3.so`, `.abi3t.so` (PEP 803's stable ABI for free-threaded
    /// builds, which 3.15's GIL-enabled builds load too: `free_threaded`
    /// means abi3t), `.abi3-<platform>.so` or `.abi3t-<platform>.so`
    /// (3.15), `<platform>` a Linux triplet or `darwin` (`triplet`). Which
    /// builds load each: [`crate::loaders`].
    Abi3 {
        free_threaded: bool,
        triplet: Option<String>,
    },
    /// `.cpython-XY<flags>-<platform>.so` or `.cpXY[t]-<platform>.pyd`.
    /// `platform` is the Linux triplet, `darwin`, or the lowercased Windows tag.
    /// On Windows, debug builds are marked by `_d` ([`ModuleFile::windows_debug`]),
    /// not by `flags.debug`.
    Versioned {
        major: u8,
        minor: u8,
        flags: AbiFlags,
        platform: String,
    },
}

/// A file name split into module name and loader suffix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ModuleFile {
    /// What precedes the suffix; not necessarily an identifier.
    pub module: String,
    /// The stripped suffix as written in the file name, `_d` included.
    pub suffix: String,
    pub tag: SuffixTag,
    /// `_d` precedes the suffix: only a Windows debug build loads it.
    pub windows_debug: bool,
}

/// Strip the LONGEST suffix that some CPython's loader accepts on `platform`;
/// None when no accepted suffix matches, or only one that leaves no module name.
/// The remaining name is returned even if it is not an identifier.
pub fn parse_filename(file_name: &str, platform: Platform) -> Option<ModuleFile> {
    // Windows paths are case-insensitive; ASCII lowercasing keeps byte offsets.
    let folded = match platform {
        Platform::Windows => file_name.to_ascii_lowercase(),
        _ => file_name.to_owned(),
    };
    // Smallest start first, so the first match is the longest suffix.
    (1..folded.len())
        .filter(|&start| folded.is_char_boundary(start))
        .find_map(|start| {
            let (tag, windows_debug) = classify(&folded[start..], platform)?;
            Some(ModuleFile {
                module: file_name[..start].to_owned(),
                suffix: file_name[start..].to_owned(),
                tag,
                windows_debug,
            })
        })
}

fn classify(suffix: &str, platform: Platform) -> Option<(SuffixTag, bool)> {
    match platform {
        Platform::Linux => Some((unix_suffix(suffix, true)?, false)),
        Platform::MacOs => Some((unix_suffix(suffix, false)?, false)),
        Platform::Windows => match suffix.strip_prefix("_d") {
            Some(rest) => Some((windows_suffix(rest)?, true)),
            None => Some((windows_suffix(suffix)?, false)),
        },
    }
}

fn unix_suffix(suffix: &str, linux: bool) -> Option<SuffixTag> {
    if suffix == ".so" {
        return Some(SuffixTag::Plain);
    }
    let inner = suffix.strip_prefix('.')?.strip_suffix(".so")?;
    match inner {
        "abi3" => return Some(abi3(false, None)),
        "abi3t" => return Some(abi3(true, None)),
        _ => {}
    }
    // 3.15's forms with SOABI_PLATFORM (gh-122931): `.abi3-<triplet>.so`,
    // `.abi3t-<triplet>.so` (cryptography 51 ships `_rust.abi3t-x86_64-linux-gnu.so`),
    // and on macOS `.abi3-darwin.so`, `.abi3t-darwin.so`. Who loads them:
    // crate::loaders::RULES.
    for (prefix, free_threaded) in [("abi3-", false), ("abi3t-", true)] {
        if let Some(platform) = inner.strip_prefix(prefix) {
            let plausible = match linux {
                true => triplet_arch(platform).is_some(),
                false => platform == "darwin",
            };
            return plausible.then(|| abi3(free_threaded, Some(platform.to_owned())));
        }
    }
    let (version, platform) = inner.strip_prefix("cpython-")?.split_once('-')?;
    let (major, minor, flags) = split_version(version)?;
    let plausible = match linux {
        true => triplet_arch(platform).is_some(),
        false => platform == "darwin",
    };
    if major != 3 || !plausible {
        return None;
    }
    Some(SuffixTag::Versioned {
        major,
        minor,
        flags: AbiFlags::parse_cpython3(flags, minor)?,
        platform: platform.to_owned(),
    })
}

fn abi3(free_threaded: bool, triplet: Option<String>) -> SuffixTag {
    SuffixTag::Abi3 {
        free_threaded,
        triplet,
    }
}

/// `suffix` is already lowercased and has any `_d` removed.
fn windows_suffix(suffix: &str) -> Option<SuffixTag> {
    if suffix == ".pyd" {
        return Some(SuffixTag::Plain);
    }
    let inner = suffix.strip_prefix('.')?.strip_suffix(".pyd")?;
    let (version, tag) = inner.strip_prefix("cp")?.split_once('-')?;
    let (major, minor, flags) = split_version(version)?;
    // Windows spells debug as `_d`, and never had `m`: only `t` is a flag here.
    let free_threaded = match flags {
        "" => false,
        "t" if minor >= 13 => true,
        _ => return None,
    };
    if major != 3 || windows_tag_arch(tag).is_none() {
        return None;
    }
    Some(SuffixTag::Versioned {
        major,
        minor,
        flags: AbiFlags {
            free_threaded,
            ..AbiFlags::default()
        },
        platform: tag.to_owned(),
    })
}

#[cfg(test)]
mod tests;
