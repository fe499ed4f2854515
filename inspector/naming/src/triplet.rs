//! Platform triplets (Linux `SOABI` suffixes) and Windows platform tags.

use binary::Arch;

/// The architecture of a CPython `PLATFORM_TRIPLET`, or None when `triplet`
/// is not a plausible one. Accepts `<arch>-linux-<abi>` (glibc, musl,
/// Android), `<arch>-kfreebsd-gnu` and GNU/Hurd's `<arch>-gnu`. Architectures
/// CPython knows but [`Arch`] does not model give [`Arch::Other`].
pub fn triplet_arch(triplet: &str) -> Option<Arch> {
    let (arch, system) = triplet.split_once('-')?;
    let plausible = match system.split_once('-') {
        Some(("linux", abi)) => is_linux_abi(abi),
        Some(("kfreebsd", "gnu")) => true,
        Some(_) => false,
        None => system == "gnu",
    };
    if plausible { cpu_arch(arch) } else { None }
}

fn is_linux_abi(abi: &str) -> bool {
    // Debian's multiarch ABI names plus musl's and Android's; see CPython's
    // configure.ac PLATFORM_TRIPLET table.
    const VARIANTS: &[&str] = &[
        "", "eabi", "eabihf", "x32", "abi64", "abin32", "spe", "_ilp32", "sf", "f32", "f64",
    ];
    if abi == "android" || abi == "androideabi" {
        return true;
    }
    ["gnu", "musl"].iter().any(|libc| {
        abi.strip_prefix(libc)
            .is_some_and(|variant| VARIANTS.contains(&variant))
    })
}

fn cpu_arch(arch: &str) -> Option<Arch> {
    Some(match arch {
        "x86_64" => Arch::X86_64,
        "i386" | "i486" | "i586" | "i686" => Arch::X86,
        // Endianness is not part of Arch for ARM; ELF says EM_ARM/EM_AARCH64 for both.
        "arm" | "armeb" | "armv7l" | "armv7a" => Arch::Arm,
        "aarch64" | "aarch64_be" => Arch::Aarch64,
        "powerpc" => Arch::PowerPc,
        "powerpc64" => Arch::PowerPc64,
        "powerpc64le" => Arch::PowerPc64Le,
        "s390x" => Arch::S390x,
        "riscv64" => Arch::Riscv64,
        "loongarch64" => Arch::LoongArch64,
        "powerpcle" | "s390" | "riscv32" | "loongarch32" | "mips" | "mipsel" | "mips64"
        | "mips64el" | "mipsisa32r6" | "mipsisa32r6el" | "mipsisa64r6" | "mipsisa64r6el"
        | "sparc" | "sparc64" | "sh4" | "alpha" | "hppa" | "ia64" | "m68k" | "or1k" | "csky"
        | "arc" => Arch::Other,
        _ => return None,
    })
}

/// The architecture of a Windows `PYD_PLATFORM_TAG` (`win32`, `win_amd64`,
/// `win_arm32`, `win_arm64`), compared case-insensitively like Windows paths.
pub fn windows_tag_arch(tag: &str) -> Option<Arch> {
    Some(match tag.to_ascii_lowercase().as_str() {
        "win32" => Arch::X86,
        "win_amd64" => Arch::X86_64,
        "win_arm32" => Arch::Arm,
        "win_arm64" => Arch::Aarch64,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_triplets() {
        let cases = [
            ("x86_64-linux-gnu", Arch::X86_64),
            ("x86_64-linux-gnux32", Arch::X86_64),
            ("x86_64-linux-musl", Arch::X86_64),
            ("i386-linux-gnu", Arch::X86),
            ("i686-linux-android", Arch::X86),
            ("aarch64-linux-gnu", Arch::Aarch64),
            ("aarch64-linux-musl", Arch::Aarch64),
            ("aarch64-linux-android", Arch::Aarch64),
            ("arm-linux-gnueabihf", Arch::Arm),
            ("arm-linux-gnueabi", Arch::Arm),
            ("arm-linux-musleabihf", Arch::Arm),
            ("arm-linux-androideabi", Arch::Arm),
            ("powerpc-linux-gnu", Arch::PowerPc),
            ("powerpc64-linux-gnu", Arch::PowerPc64),
            ("powerpc64le-linux-gnu", Arch::PowerPc64Le),
            ("s390x-linux-gnu", Arch::S390x),
            ("riscv64-linux-gnu", Arch::Riscv64),
            ("loongarch64-linux-gnu", Arch::LoongArch64),
            ("mips64el-linux-gnuabi64", Arch::Other),
            ("x86_64-kfreebsd-gnu", Arch::X86_64),
            ("i386-gnu", Arch::X86),
        ];
        for (triplet, arch) in cases {
            assert_eq!(triplet_arch(triplet), Some(arch), "{triplet}");
        }
        for bad in [
            "darwin",
            "x86_64-darwin",
            "x86_64-linux",
            "x86_64-linux-gnu-extra",
            "x86_64-linux-glibc",
            "vax-linux-gnu",
            "x86_64-apple-darwin",
            "win_amd64",
            "",
        ] {
            assert_eq!(triplet_arch(bad), None, "{bad}");
        }
    }

    #[test]
    fn windows_tags() {
        assert_eq!(windows_tag_arch("win32"), Some(Arch::X86));
        assert_eq!(windows_tag_arch("win_amd64"), Some(Arch::X86_64));
        assert_eq!(windows_tag_arch("WIN_AMD64"), Some(Arch::X86_64));
        assert_eq!(windows_tag_arch("win_arm32"), Some(Arch::Arm));
        assert_eq!(windows_tag_arch("win_arm64"), Some(Arch::Aarch64));
        assert_eq!(windows_tag_arch("win_ia64"), None);
        assert_eq!(windows_tag_arch("x86_64-linux-gnu"), None);
    }
}
