use super::*;
use Arch::*;

fn plat(tag: &str) -> Option<(Platform, Vec<Arch>)> {
    parse_platform_tag(tag).map(|p| (p.platform, p.arches))
}

#[test]
fn linux_platform_tags() {
    for (tag, arch) in [
        ("manylinux1_x86_64", X86_64),
        ("manylinux1_i686", X86),
        ("manylinux2010_x86_64", X86_64),
        ("manylinux2014_aarch64", Aarch64),
        ("manylinux2014_ppc64le", PowerPc64Le),
        ("manylinux2014_ppc64", PowerPc64),
        ("manylinux2014_s390x", S390x),
        ("manylinux_2_17_x86_64", X86_64),
        ("manylinux_2_34_x86_64", X86_64),
        ("manylinux_2_31_riscv64", Riscv64),
        ("manylinux_2_36_loongarch64", LoongArch64),
        ("musllinux_1_2_armv7l", Arm),
        ("musllinux_1_1_x86_64", X86_64),
        ("linux_x86_64", X86_64),
        ("linux_armv7l", Arm),
        ("linux_armv6l", Arm),
        ("linux_mips64", Other),
        ("android_21_arm64_v8a", Aarch64),
        ("android_24_x86_64", X86_64),
    ] {
        assert_eq!(plat(tag), Some((Platform::Linux, vec![arch])), "{tag}");
    }
}

#[test]
fn macos_and_windows_platform_tags() {
    let mac = |a: &[Arch]| Some((Platform::MacOs, a.to_vec()));
    assert_eq!(plat("macosx_11_0_arm64"), mac(&[Aarch64]));
    assert_eq!(plat("macosx_10_9_x86_64"), mac(&[X86_64]));
    assert_eq!(plat("macosx_10_9_universal2"), mac(&[X86_64, Aarch64]));
    assert_eq!(plat("macosx_10_9_intel"), mac(&[X86, X86_64]));
    assert_eq!(plat("macosx_10_6_i386"), mac(&[X86]));
    let win = |a| Some((Platform::Windows, vec![a]));
    assert_eq!(plat("win32"), win(X86));
    assert_eq!(plat("win_amd64"), win(X86_64));
    assert_eq!(plat("win_arm64"), win(Aarch64));
    assert_eq!(plat("win_arm32"), win(Arm));
}

#[test]
fn unknown_platform_tags() {
    for tag in [
        "any",
        "",
        "WIN_AMD64",
        "macosx_11_arm64",
        "macosx_11_0_sparc",
        "manylinux_2_x86_64",
        "manylinux_x_17_x86_64",
        "manylinux_2_17_",
        "manylinux3_x86_64",
        "linux_",
        "linux_X86",
        "ios_13_0_arm64_iphoneos",
        "android_21_mips",
    ] {
        assert_eq!(plat(tag), None, "{tag}");
    }
}

#[test]
fn abi_tags() {
    let cp = |v, debug, pymalloc, free_threaded| {
        Some(AbiTag {
            version: Some(v),
            abi3: false,
            flags: AbiFlags {
                debug,
                pymalloc,
                free_threaded,
            },
        })
    };
    assert_eq!(parse_abi_tag("cp312"), cp((3, 12), false, false, false));
    assert_eq!(parse_abi_tag("cp312d"), cp((3, 12), true, false, false));
    assert_eq!(parse_abi_tag("cp313t"), cp((3, 13), false, false, true));
    assert_eq!(parse_abi_tag("cp313td"), cp((3, 13), true, false, true));
    assert_eq!(parse_abi_tag("cp37m"), cp((3, 7), false, true, false));
    assert_eq!(parse_abi_tag("cp36dm"), cp((3, 6), true, true, false));
    assert_eq!(parse_abi_tag("cp27mu"), cp((2, 7), false, true, false));
    assert_eq!(parse_abi_tag("cp27m"), cp((2, 7), false, true, false));
    let abi3 = parse_abi_tag("abi3").unwrap();
    assert!(abi3.abi3 && abi3.version.is_none() && !abi3.flags.free_threaded);
    assert!(parse_abi_tag("abi3t").unwrap().flags.free_threaded);
    assert_eq!(parse_abi_tag("none"), Some(AbiTag::default()));
    for bad in [
        "cp38m",
        "cp312t",
        "cp3",
        "pypy310_pp73",
        "cp312x",
        "",
        "ABI3",
        "cp27t",
    ] {
        assert_eq!(parse_abi_tag(bad), None, "{bad}");
    }
}

#[test]
fn python_tags() {
    assert_eq!(parse_python_tag("cp38"), Some((3, 8)));
    assert_eq!(parse_python_tag("cp310"), Some((3, 10)));
    assert_eq!(parse_python_tag("py38"), Some((3, 8)));
    assert_eq!(parse_python_tag("cp27"), Some((2, 7)));
    for bad in ["py3", "py2", "pp310", "cp313t", "cp", "cp3100", "cp48"] {
        assert_eq!(parse_python_tag(bad), None, "{bad}");
    }
}

#[test]
fn installable_and_uninstallable_tag_sets() {
    let set = |s: &str| s.split('.').map(str::to_owned).collect::<Vec<_>>();
    let reason = |py: &str, abi: &str| uninstallable_reason(&set(py), &set(abi));
    // What packaging.tags lists for some CPython.
    for (py, abi) in [
        ("cp315", "abi3.abi3t"),
        ("cp315", "abi3t"),
        ("cp39", "abi3t"),
        ("cp315", "cp315t"),
        ("cp313", "cp313td"),
        ("cp312", "none"),
        ("py3", "none"),
        ("cp38", "abi3"),
        ("pp310", "pypy310_pp73"),
        // One installable pair is enough.
        ("cp314t.cp315", "abi3t"),
    ] {
        assert_eq!(reason(py, abi), None, "{py}-{abi}");
    }
    let r = reason("cp315t", "abi3t").expect("cp315t-abi3t is uninstallable");
    assert!(r.contains("`cp315t` is no python tag"), "{r}");
    assert!(r.contains("`cp315`") && !r.contains("  "), "{r}");
    let r = reason("cp314", "cp315").expect("mismatched versions");
    assert!(
        r.contains("`cp315` is listed only with python tag `cp315`"),
        "{r}"
    );
    assert!(reason("cp312d", "cp312d").is_some());
}

#[test]
fn builds_an_installer_puts_a_wheel_on() {
    use crate::Build;
    let set = |s: &str| s.split('.').map(str::to_owned).collect::<Vec<_>>();
    let on = |py: &str, abi: &str| installing_builds(&set(py), &set(abi));
    let b = |minor, free_threaded| Build {
        minor,
        debug: false,
        free_threaded,
    };
    assert_eq!(on("cp315", "abi3.abi3t"), vec![b(15, false), b(15, true)]);
    assert_eq!(on("cp315", "cp315t"), vec![b(15, true)]);
    assert_eq!(on("cp312", "cp312"), vec![b(12, false)]);
    assert_eq!(
        on("cp313", "abi3"),
        vec![b(13, false), b(14, false), b(15, false)]
    );
    // packaging lists cp3X-abi3t for free-threaded builds from 3.X on.
    assert_eq!(
        on("cp39", "abi3t"),
        vec![b(13, true), b(14, true), b(15, true)]
    );
    assert_eq!(on("cp315t", "abi3t"), vec![]);
    assert_eq!(on("py3", "none"), vec![]);
    assert_eq!(on("cp312", "cp312d"), vec![]);
}
