//! Which modules can run on this machine, and under which interpreters.

use binary::{Arch, Binary, Format};
use interpreters::Interpreter;
use naming::SuffixTag;

/// What a module's file says about the interpreters that can load it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    /// The loader suffix's tag; None for `--module` (any interpreter).
    pub tag: Option<SuffixTag>,
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
    tag: Option<SuffixTag>,
    binary: Option<&Binary>,
    wheel_abi3_min: Option<(u32, u32)>,
) -> Build {
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
    Build { tag, abi3_min }
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
    match &build.tag {
        None | Some(SuffixTag::Plain) => {
            if interpreter.free_threaded {
                return Err(
                    "an untagged module is not built for a free-threaded interpreter".into(),
                );
            }
        }
        Some(SuffixTag::Abi3 { free_threaded, .. }) => {
            if interpreter.free_threaded != *free_threaded {
                return Err("the stable ABI of another threading model".into());
            }
            let min = build.abi3_min.unwrap_or((3, 2));
            if version < min {
                return Err(format!("abi3 module needs {}.{} or newer", min.0, min.1));
            }
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
