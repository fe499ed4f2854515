//! Which modules can run on this machine, and under which interpreters.

use binary::{Arch, Binary, Format};
use interpreters::Interpreter;
use naming::SuffixTag;

/// What a module's file says about the interpreters that can load it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    /// The loader suffix's tag; None for `--module` (any interpreter).
    pub tag: Option<SuffixTag>,
    /// The loader suffix as the file name writes it (`.abi3t.so`); None
    /// for `--module`.
    pub suffix: Option<String>,
    /// For abi3 modules: the oldest version that has every stable-ABI
    /// symbol the module imports (or that its wheel tag names).
    pub abi3_min: Option<(u32, u32)>,
}

/// The oldest interpreter the probe runs on.
pub const OLDEST: (u32, u32) = (3, 6);

/// The machine's architecture, as binaries name it.
pub fn host_arch() -> Option<Arch> {
    Some(match std::env::consts::ARCH {
        "x86_64" => Arch::X86_64,
        "x86" => Arch::X86,
        "aarch64" => Arch::Aarch64,
        "arm" => Arch::Arm,
        "powerpc64" if cfg!(target_endian = "little") => Arch::PowerPc64Le,
        "powerpc64" => Arch::PowerPc64,
        "s390x" => Arch::S390x,
        "riscv64" => Arch::Riscv64,
        "loongarch64" => Arch::LoongArch64,
        _ => return None,
    })
}

/// Why a binary cannot be loaded here at all, if it cannot.
pub fn not_runnable(binary: &Binary) -> Option<String> {
    if !cfg!(target_os = "linux") {
        return Some("the harness runs modules on Linux only".into());
    }
    match binary.format {
        Format::Elf => {}
        Format::Macho => return Some("a Mach-O file loads only on macOS".into()),
        Format::Pe => return Some("a PE file loads only on Windows".into()),
    }
    let slice = binary.slices.first()?;
    if !slice.is_shared_library {
        return Some("not a shared object (ET_DYN)".into());
    }
    let host = host_arch()?;
    (slice.arch != host).then(|| {
        format!(
            "built for {}, and this machine is {}",
            slice.arch.name(),
            host.name()
        )
    })
}

/// The module's build, from its file name's tag and its imports.
pub fn build_of(
    file: Option<naming::ModuleFile>,
    binary: Option<&Binary>,
    wheel_abi3_min: Option<(u32, u32)>,
) -> Build {
    let (tag, suffix) = match file {
        Some(file) => (Some(file.tag), Some(file.suffix)),
        None => (None, None),
    };
    let abi3_min = match &tag {
        Some(SuffixTag::Abi3 { .. }) => {
            let from_imports = binary.and_then(newest_stable_import);
            Some(
                from_imports
                    .into_iter()
                    .chain(wheel_abi3_min)
                    .max()
                    .unwrap_or((3, 2)),
            )
        }
        _ => None,
    };
    Build {
        tag,
        suffix,
        abi3_min,
    }
}

/// The version that added the newest stable-ABI symbol the module imports.
fn newest_stable_import(binary: &Binary) -> Option<(u32, u32)> {
    let stable = abi::stable_abi();
    binary
        .slices
        .iter()
        .flat_map(|s| &s.imports)
        .filter_map(|i| stable.get(&i.name))
        .map(|s| (u32::from(s.added.major), u32::from(s.added.minor)))
        .max()
}

/// Whether `interpreter` loads a module of this build, or why not.
pub fn accepts(build: &Build, interpreter: &Interpreter) -> Result<(), String> {
    let version = interpreter.version.feature();
    if !interpreter.is_cpython() {
        return Err(format!("{} is not CPython", interpreter.implementation));
    }
    if version < OLDEST {
        return Err(format!(
            "the harness needs Python {}.{} or newer",
            OLDEST.0, OLDEST.1
        ));
    }
    // The interpreter's own `EXTENSION_SUFFIXES` is what its import system
    // finds a module by: a suffix it lists loads there, one it does not list
    // does not (3.15 lists `.abi3t.so` without being free-threaded; 3.14d
    // lists the release `.cpython-314-` suffix). What the name alone cannot
    // tell (the version an abi3 module needs, and that an untagged `.so` is
    // built for the GIL) is still judged below. Interpreters from a
    // discovery cache older than the list fall back to the rules.
    if let (Some(listed), Some(suffix)) = (&interpreter.extension_suffixes, &build.suffix) {
        if !listed.iter().any(|s| s == suffix) {
            return Err(format!(
                "its suffix {suffix} is not among the interpreter's EXTENSION_SUFFIXES ({})",
                listed.join(" ")
            ));
        }
        return match &build.tag {
            None | Some(SuffixTag::Plain) if interpreter.free_threaded => {
                Err("an untagged module is not built for a free-threaded interpreter".into())
            }
            Some(SuffixTag::Abi3 { .. }) => abi3_floor(build, version),
            _ => Ok(()),
        };
    }
    match &build.tag {
        None | Some(SuffixTag::Plain) => {
            if interpreter.free_threaded {
                return Err(
                    "an untagged module is not built for a free-threaded interpreter".into(),
                );
            }
        }
        Some(SuffixTag::Abi3 { free_threaded, .. }) => {
            // abi3t (PEP 803) loads in both builds of 3.15 on; abi3 is not
            // the free-threaded build's.
            if *free_threaded && version < (3, 15) {
                return Err("the free-threaded stable ABI (abi3t) exists from 3.15".into());
            }
            if !*free_threaded && interpreter.free_threaded {
                return Err("the stable ABI of another threading model".into());
            }
            abi3_floor(build, version)?;
        }
        Some(SuffixTag::Versioned {
            major,
            minor,
            flags,
            ..
        }) => {
            let wanted = (u32::from(*major), u32::from(*minor));
            if version != wanted {
                return Err(format!("built for {}.{}", wanted.0, wanted.1));
            }
            if flags.free_threaded != interpreter.free_threaded {
                return Err("built for another threading model (t flag)".into());
            }
            if flags.debug && !interpreter.debug {
                return Err("a debug (d) build loads only in a debug interpreter".into());
            }
            // Debug and release builds share one ABI from 3.8 (bpo-36465).
            if !flags.debug && interpreter.debug && version < (3, 8) {
                return Err("before 3.8 a debug interpreter cannot load release modules".into());
            }
        }
    }
    Ok(())
}

/// An abi3 module imports stable-ABI functions from the version that added
/// them on: an older interpreter lists the suffix but fails the import.
fn abi3_floor(build: &Build, version: (u32, u32)) -> Result<(), String> {
    let min = build.abi3_min.unwrap_or((3, 2));
    if version < min {
        return Err(format!("abi3 module needs {}.{} or newer", min.0, min.1));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interpreter(version: [u32; 3], debug: bool, suffixes: Option<&[&str]>) -> Interpreter {
        serde_json::from_value(serde_json::json!({
            "executable": "/usr/bin/python",
            "implementation": "cpython",
            "version": version,
            "abiflags": if debug { "d" } else { "" },
            "debug": debug,
            "free_threaded": false,
            "ext_suffix": null,
            "extension_suffixes": suffixes,
            "soabi": null,
            "multiarch": "x86_64-linux-gnu",
            "platform": "linux-x86_64",
            "include_dir": null,
            "lib_dynload": null,
            "libdir": null,
            "ldlibrary": null,
            "shared": true,
            "pointer_size": 8,
        }))
        .unwrap()
    }

    fn build(file_name: &str) -> Build {
        build_of(
            naming::parse_filename(file_name, naming::Platform::Linux),
            None,
            None,
        )
    }

    /// 3.15's own list (docs/interpreters-3.14-3.15.md): abi3t without
    /// being free-threaded.
    const PY315: &[&str] = &[
        ".cpython-315-x86_64-linux-gnu.so",
        ".abi3-x86_64-linux-gnu.so",
        ".abi3.so",
        ".abi3t-x86_64-linux-gnu.so",
        ".abi3t.so",
        ".so",
    ];
    const PY314D: &[&str] = &[
        ".cpython-314d-x86_64-linux-gnu.so",
        ".cpython-314-x86_64-linux-gnu.so",
        ".abi3.so",
        ".abi3-x86_64-linux-gnu.so",
        ".so",
    ];

    #[test]
    fn the_interpreters_own_suffixes_decide() {
        let py315 = interpreter([3, 15, 2], false, Some(PY315));
        let py314d = interpreter([3, 14, 10], true, Some(PY314D));
        for name in [
            "hx_ft.abi3t.so",
            "hx.abi3t-x86_64-linux-gnu.so",
            "hx.abi3.so",
        ] {
            assert_eq!(accepts(&build(name), &py315), Ok(()), "{name}");
        }
        assert_eq!(
            accepts(&build("hx_ft.abi3t.so"), &py314d),
            Err(
                "its suffix .abi3t.so is not among the interpreter's EXTENSION_SUFFIXES \
                 (.cpython-314d-x86_64-linux-gnu.so .cpython-314-x86_64-linux-gnu.so \
                 .abi3.so .abi3-x86_64-linux-gnu.so .so)"
                    .into()
            )
        );
        assert_eq!(
            accepts(&build("m.cpython-314-x86_64-linux-gnu.so"), &py314d),
            Ok(())
        );
        assert!(accepts(&build("m.cpython-314-aarch64-linux-gnu.so"), &py314d).is_err());
        assert!(accepts(&build("m.cpython-315-x86_64-linux-gnu.so"), &py314d).is_err());
        // `--module`: any interpreter.
        let by_name = Build {
            tag: None,
            suffix: None,
            abi3_min: None,
        };
        assert_eq!(accepts(&by_name, &py315), Ok(()));
    }

    #[test]
    fn what_the_name_cannot_tell_is_still_judged() {
        let py315 = interpreter([3, 15, 2], false, Some(PY315));
        let mut abi3 = build("hx.abi3.so");
        abi3.abi3_min = Some((3, 16));
        assert_eq!(
            accepts(&abi3, &py315),
            Err("abi3 module needs 3.16 or newer".into())
        );
    }

    #[test]
    fn without_the_list_the_rules_decide() {
        let py315 = interpreter([3, 15, 2], false, None);
        let py314 = interpreter([3, 14, 10], false, None);
        assert_eq!(accepts(&build("hx_ft.abi3t.so"), &py315), Ok(()));
        assert_eq!(
            accepts(&build("hx_ft.abi3t.so"), &py314),
            Err("the free-threaded stable ABI (abi3t) exists from 3.15".into())
        );
        assert_eq!(accepts(&build("hx.abi3.so"), &py314), Ok(()));
    }
}
