//! Packaging tags (PEP 425 and the platform-tag specs).

use binary::Arch;

use crate::platform::{AbiFlags, Platform, split_version};
use crate::triplet::windows_tag_arch;

/// What a wheel platform tag promises.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlatformTag {
    pub platform: Platform,
    /// Every architecture the binary must contain; empty means any.
    pub arches: Vec<Arch>,
}

/// What a wheel ABI tag promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AbiTag {
    /// `(major, minor)` of a `cpXY` tag; None for `abi3`, `abi3t` and `none`.
    pub version: Option<(u8, u8)>,
    /// `abi3`, or `abi3t` (free-threaded stable ABI, with `flags.free_threaded`).
    pub abi3: bool,
    pub flags: AbiFlags,
}

/// Parse `cp312`, `cp312d`, `cp313t`, `cp313td`, `cp37m`, `cp27mu`, `abi3`,
/// `abi3t` or `none`. Other implementations' tags (`pypy310_pp73`) give None.
/// Python 2's `u` (wide Unicode) is accepted but not recorded.
pub fn parse_abi_tag(tag: &str) -> Option<AbiTag> {
    let stable = |free_threaded| AbiTag {
        abi3: true,
        flags: AbiFlags {
            free_threaded,
            ..AbiFlags::default()
        },
        ..AbiTag::default()
    };
    match tag {
        "none" => return Some(AbiTag::default()),
        "abi3" => return Some(stable(false)),
        "abi3t" => return Some(stable(true)),
        _ => {}
    }
    let (major, minor, flags) = split_version(tag.strip_prefix("cp")?)?;
    let flags = match major {
        3 => AbiFlags::parse_cpython3(flags, minor)?,
        2 => AbiFlags::parse_cpython3(flags.strip_suffix('u').unwrap_or(flags), 7)
            .filter(|f| !f.free_threaded)?,
        _ => return None,
    };
    Some(AbiTag {
        version: Some((major, minor)),
        abi3: false,
        flags,
    })
}

/// `cp38` -> (3, 8), `cp310` -> (3, 10), and the generic `py38` likewise;
/// None for major-only tags (`py3`) and other implementations (`pp310`).
pub fn parse_python_tag(tag: &str) -> Option<(u8, u8)> {
    let digits = tag.strip_prefix("cp").or_else(|| tag.strip_prefix("py"))?;
    match split_version(digits)? {
        (major @ (2 | 3), minor, "") => Some((major, minor)),
        _ => None,
    }
}

/// Why no installer installs a wheel with these python and ABI tag sets
/// (compressed sets split on `.`): no pair of them is in any CPython's
/// supported-tag list as `packaging.tags` builds it (pip vendors it; uv
/// builds the same list). `cpython_tags` spells the interpreter tag
/// `cp<XY>`, digits only, and pairs it with the interpreter's own ABI tags
/// (`cp<XY>[t][d]`), `abi3` (GIL-enabled builds), `abi3t` (free-threaded
/// builds, PEP 803) or `none`; `compatible_tags` adds `py*`/`cp<XY>` with
/// `none`. None when some pair is installable, or when a tag belongs to
/// another implementation (nothing certain to say).
pub fn uninstallable_reason(python_tags: &[String], abi_tags: &[String]) -> Option<String> {
    let mut reasons = Vec::new();
    for python in python_tags {
        for abi in abi_tags {
            match pair_reason(python, abi) {
                None => return None,
                Some(reason) => {
                    if !reasons.contains(&reason) {
                        reasons.push(reason);
                    }
                }
            }
        }
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

fn pair_reason(python: &str, abi: &str) -> Option<String> {
    let digits = python.strip_prefix("cp")?;
    let (major, minor, flags) = split_version(digits)?;
    if !flags.is_empty() {
        return Some(format!(
            "`{python}` is no python tag: an interpreter's is `cp{major}{minor}`, its version alone; build flags such as `{flags}` belong in the ABI tag (`cp{major}{minor}{flags}`, or `abi3t` for PEP 803's stable ABI)"
        ));
    }
    match abi {
        "abi3" | "abi3t" | "none" => None,
        _ => {
            let (abi_major, abi_minor, _) = split_version(abi.strip_prefix("cp")?)?;
            ((abi_major, abi_minor) != (major, minor)).then(|| {
                format!(
                    "ABI tag `{abi}` is listed only with python tag `cp{abi_major}{abi_minor}`, not `{python}`"
                )
            })
        }
    }
}

/// The newest CPython 3 minor version whose naming rules we know.
pub const NEWEST_MINOR: u8 = 15;

/// The release (non-debug) CPython builds up to [`NEWEST_MINOR`] that an
/// installer puts this wheel on, as `packaging.tags.cpython_tags` lists
/// their tags: `cp<XY>-cp<XY>[t]` for that build, `cp<XY>-abi3` for the
/// GIL-enabled builds of 3.XY and later, `cp<XY>-abi3t` for the
/// free-threaded ones (`_abi3t_applies`), `cp<XY>-none` for 3.XY. Debug
/// builds are left out: installers give them release wheels too, which on
/// Windows they cannot load, and no wheel tag can say otherwise.
/// Other python tags (`py3`, other implementations) give nothing.
pub fn installing_builds(python_tags: &[String], abi_tags: &[String]) -> Vec<crate::Build> {
    let mut builds = Vec::new();
    let mut add = |build: crate::Build| {
        if build.exists() && build.minor <= NEWEST_MINOR && !builds.contains(&build) {
            builds.push(build);
        }
    };
    let release = |minor, free_threaded| crate::Build {
        minor,
        debug: false,
        free_threaded,
    };
    for python in python_tags {
        let Some((3, minor, "")) = python.strip_prefix("cp").and_then(split_version) else {
            continue;
        };
        for abi in abi_tags {
            match abi.as_str() {
                "abi3" => (minor.max(2)..=NEWEST_MINOR).for_each(|m| add(release(m, false))),
                "abi3t" => (minor.max(2)..=NEWEST_MINOR).for_each(|m| add(release(m, true))),
                "none" => {
                    add(release(minor, false));
                    add(release(minor, true));
                }
                _ => match parse_abi_tag(abi) {
                    Some(AbiTag {
                        version: Some((3, abi_minor)),
                        flags,
                        ..
                    }) if abi_minor == minor && !flags.debug => {
                        add(release(minor, flags.free_threaded))
                    }
                    _ => {}
                },
            }
        }
    }
    builds.sort();
    builds
}

/// Parse a platform tag (manylinux, musllinux, linux, android, macosx,
/// Windows); None for `any` and anything unknown.
pub fn parse_platform_tag(tag: &str) -> Option<PlatformTag> {
    let linux = |arches| PlatformTag {
        platform: Platform::Linux,
        arches,
    };
    if let Some(arch) = windows_tag_arch(tag).filter(|_| tag == tag.to_ascii_lowercase()) {
        return Some(PlatformTag {
            platform: Platform::Windows,
            arches: vec![arch],
        });
    }
    if let Some(rest) = tag.strip_prefix("macosx_") {
        let arch = skip_numbers(rest, 2)?;
        return Some(PlatformTag {
            platform: Platform::MacOs,
            arches: macos_arches(arch)?,
        });
    }
    if let Some(rest) = tag.strip_prefix("android_") {
        return Some(linux(vec![android_arch(skip_numbers(rest, 1)?)?]));
    }
    let arch = ["manylinux1_", "manylinux2010_", "manylinux2014_"]
        .iter()
        .find_map(|p| tag.strip_prefix(p))
        .or_else(|| skip_numbers(tag.strip_prefix("manylinux_")?, 2))
        .or_else(|| skip_numbers(tag.strip_prefix("musllinux_")?, 2))
        .or_else(|| tag.strip_prefix("linux_"))?;
    Some(linux(vec![linux_arch(arch)?]))
}

/// Drops `count` leading `<digits>_` groups (`11_0_arm64` -> `arm64`).
fn skip_numbers(mut s: &str, count: usize) -> Option<&str> {
    for _ in 0..count {
        let (number, rest) = s.split_once('_')?;
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s = rest;
    }
    Some(s)
}

/// `platform.machine()` with `-`/`.` replaced by `_`, as Linux tags spell it.
fn linux_arch(arch: &str) -> Option<Arch> {
    Some(match arch {
        "x86_64" => Arch::X86_64,
        "i386" | "i486" | "i586" | "i686" => Arch::X86,
        "aarch64" | "arm64" => Arch::Aarch64,
        "ppc" => Arch::PowerPc,
        "ppc64" => Arch::PowerPc64,
        "ppc64le" => Arch::PowerPc64Le,
        "s390x" => Arch::S390x,
        "riscv64" => Arch::Riscv64,
        "loongarch64" => Arch::LoongArch64,
        _ if arch.starts_with("armv") => Arch::Arm,
        _ if !arch.is_empty()
            && arch
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') =>
        {
            Arch::Other
        }
        _ => return None,
    })
}

fn android_arch(abi: &str) -> Option<Arch> {
    Some(match abi {
        "arm64_v8a" => Arch::Aarch64,
        "armeabi_v7a" => Arch::Arm,
        "x86" => Arch::X86,
        "x86_64" => Arch::X86_64,
        _ => return None,
    })
}

/// macOS arch names, including the multi-arch ("fat") names of
/// packaging.tags.mac_platforms.
fn macos_arches(arch: &str) -> Option<Vec<Arch>> {
    use Arch::{Aarch64, PowerPc, PowerPc64, X86, X86_64};
    Some(match arch {
        "x86_64" => vec![X86_64],
        "arm64" => vec![Aarch64],
        "i386" => vec![X86],
        "ppc" => vec![PowerPc],
        "ppc64" => vec![PowerPc64],
        "universal2" => vec![X86_64, Aarch64],
        "intel" => vec![X86, X86_64],
        "fat" => vec![X86, PowerPc],
        "fat3" => vec![X86, PowerPc, X86_64],
        "fat64" => vec![PowerPc64, X86_64],
        "fat32" => vec![X86, PowerPc],
        "universal" => vec![X86, PowerPc, PowerPc64, X86_64],
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
