use super::*;
use Platform::{Linux, MacOs, Windows};

fn parsed(name: &str, platform: Platform) -> (String, String, SuffixTag, bool) {
    let m = parse_filename(name, platform).unwrap_or_else(|| panic!("{name} on {platform:?}"));
    (m.module, m.suffix, m.tag, m.windows_debug)
}

fn module(name: &str, platform: Platform) -> Option<String> {
    parse_filename(name, platform).map(|m| m.module)
}

fn versioned(major: u8, minor: u8, flags: AbiFlags, platform: &str) -> SuffixTag {
    SuffixTag::Versioned {
        major,
        minor,
        flags,
        platform: platform.into(),
    }
}

const NONE: AbiFlags = AbiFlags {
    debug: false,
    pymalloc: false,
    free_threaded: false,
};

#[test]
fn linux_versioned_takes_longest_suffix() {
    let (m, s, tag, dbg) = parsed("foo.cpython-312-x86_64-linux-gnu.so", Linux);
    assert_eq!(m, "foo");
    assert_eq!(s, ".cpython-312-x86_64-linux-gnu.so");
    assert_eq!(tag, versioned(3, 12, NONE, "x86_64-linux-gnu"));
    assert!(!dbg);
    // A dotted name keeps everything before the suffix.
    assert_eq!(
        module("a.b.cpython-310-aarch64-linux-gnu.so", Linux).unwrap(),
        "a.b"
    );
}

#[test]
fn linux_flag_forms() {
    let pymalloc = AbiFlags {
        pymalloc: true,
        ..NONE
    };
    let (m, _, tag, _) = parsed("_ssl.cpython-36m-x86_64-linux-gnu.so", Linux);
    assert_eq!(m, "_ssl");
    assert_eq!(tag, versioned(3, 6, pymalloc, "x86_64-linux-gnu"));
    let dm = AbiFlags {
        debug: true,
        ..pymalloc
    };
    let (_, _, tag, _) = parsed("x.cpython-37dm-i386-linux-gnu.so", Linux);
    assert_eq!(tag, versioned(3, 7, dm, "i386-linux-gnu"));
    let d = AbiFlags {
        debug: true,
        ..NONE
    };
    let (_, _, tag, _) = parsed("x.cpython-311d-x86_64-linux-gnu.so", Linux);
    assert_eq!(tag, versioned(3, 11, d, "x86_64-linux-gnu"));
    let t = AbiFlags {
        free_threaded: true,
        ..NONE
    };
    let (_, _, tag, _) = parsed("x.cpython-313t-aarch64-linux-musl.so", Linux);
    assert_eq!(tag, versioned(3, 13, t, "aarch64-linux-musl"));
    let td = AbiFlags { debug: true, ..t };
    let (_, _, tag, _) = parsed("x.cpython-313td-arm-linux-gnueabihf.so", Linux);
    assert_eq!(tag, versioned(3, 13, td, "arm-linux-gnueabihf"));
    // Flags no CPython produced leave only `.so` to strip.
    for bad in [
        "x.cpython-38m-x86_64-linux-gnu.so",
        "x.cpython-312t-x86_64-linux-gnu.so",
        "x.cpython-313dt-x86_64-linux-gnu.so",
        "x.cpython-37md-x86_64-linux-gnu.so",
        "x.cpython-312u-x86_64-linux-gnu.so",
        "x.cpython-27-x86_64-linux-gnu.so",
        "x.cpython-3-x86_64-linux-gnu.so",
        "x.cpython-3100-x86_64-linux-gnu.so",
    ] {
        let (m, s, tag, _) = parsed(bad, Linux);
        assert_eq!((s.as_str(), tag), (".so", SuffixTag::Plain), "{bad}");
        assert_eq!(m, bad.strip_suffix(".so").unwrap());
    }
}

#[test]
fn linux_two_digit_and_zero_minors() {
    let (_, _, tag, _) = parsed("x.cpython-399-riscv64-linux-gnu.so", Linux);
    assert_eq!(tag, versioned(3, 99, NONE, "riscv64-linux-gnu"));
    let (_, _, tag, _) = parsed("x.cpython-30-s390x-linux-gnu.so", Linux);
    assert_eq!(tag, versioned(3, 0, NONE, "s390x-linux-gnu"));
}

#[test]
fn abi3_forms() {
    let abi3 = |ft, t: Option<&str>| SuffixTag::Abi3 {
        free_threaded: ft,
        triplet: t.map(Into::into),
    };
    for platform in [Linux, MacOs] {
        assert_eq!(parsed("x.abi3.so", platform).2, abi3(false, None));
        assert_eq!(parsed("x.abi3t.so", platform).2, abi3(true, None));
    }
    let (m, s, tag, _) = parsed("x.abi3-x86_64-linux-gnu.so", Linux);
    assert_eq!((m.as_str(), s.as_str()), ("x", ".abi3-x86_64-linux-gnu.so"));
    assert_eq!(tag, abi3(false, Some("x86_64-linux-gnu")));
    let (m, _, tag, _) = parsed("_rust.abi3t-x86_64-linux-gnu.so", Linux);
    assert_eq!(m, "_rust");
    assert_eq!(tag, abi3(true, Some("x86_64-linux-gnu")));
    // Linux names a triplet, macOS `darwin` (3.15, gh-122931); not the other's.
    assert_eq!(
        module("x.abi3-x86_64-linux-gnu.so", MacOs).unwrap(),
        "x.abi3-x86_64-linux-gnu"
    );
    assert_eq!(module("x.abi3-darwin.so", Linux).unwrap(), "x.abi3-darwin");
    assert_eq!(
        parsed("x.abi3-darwin.so", MacOs).2,
        abi3(false, Some("darwin"))
    );
    assert_eq!(
        parsed("x.abi3t-darwin.so", MacOs).2,
        abi3(true, Some("darwin"))
    );
    assert_eq!(module("x.abi3-bogus.so", Linux).unwrap(), "x.abi3-bogus");
    assert_eq!(
        parse_filename("x.abi3.pyd", Windows).unwrap().module,
        "x.abi3"
    );
}

#[test]
fn plain_and_foreign() {
    assert_eq!(
        parsed("_bisect.so", Linux),
        ("_bisect".into(), ".so".into(), SuffixTag::Plain, false)
    );
    assert_eq!(parsed("m.so", MacOs).2, SuffixTag::Plain);
    // A macOS tag on Linux and vice versa: only `.so` is stripped.
    assert_eq!(
        module("foo.cpython-312-darwin.so", Linux).unwrap(),
        "foo.cpython-312-darwin"
    );
    assert_eq!(
        module("foo.cpython-312-x86_64-linux-gnu.so", MacOs).unwrap(),
        "foo.cpython-312-x86_64-linux-gnu"
    );
    assert_eq!(module("foo.pyd", Linux), None);
    assert_eq!(module("foo.so", Windows), None);
    assert_eq!(module("foo.dylib", MacOs), None);
    assert_eq!(module("foo.SO", Linux), None);
    assert_eq!(module("foo.so.1", Linux), None);
    assert_eq!(module(".so", Linux), None);
    assert_eq!(module("foo", Linux), None);
    // Not an identifier, still reported.
    assert_eq!(module("my-mod.so", Linux).unwrap(), "my-mod");
}

#[test]
fn macos_versioned() {
    let t = AbiFlags {
        free_threaded: true,
        ..NONE
    };
    let (m, _, tag, _) = parsed("foo.cpython-313t-darwin.so", MacOs);
    assert_eq!(m, "foo");
    assert_eq!(tag, versioned(3, 13, t, "darwin"));
    let (_, _, tag, _) = parsed("foo.cpython-37m-darwin.so", MacOs);
    assert!(matches!(tag, SuffixTag::Versioned { flags, .. } if flags.pymalloc));
}

#[test]
fn windows_forms() {
    let (m, s, tag, dbg) = parsed("foo.cp312-win_amd64.pyd", Windows);
    assert_eq!(
        (m.as_str(), s.as_str(), dbg),
        ("foo", ".cp312-win_amd64.pyd", false)
    );
    assert_eq!(tag, versioned(3, 12, NONE, "win_amd64"));
    let t = AbiFlags {
        free_threaded: true,
        ..NONE
    };
    let (m, s, tag, dbg) = parsed("foo_d.cp313t-win_arm64.pyd", Windows);
    assert_eq!(
        (m.as_str(), s.as_str(), dbg),
        ("foo", "_d.cp313t-win_arm64.pyd", true)
    );
    assert_eq!(tag, versioned(3, 13, t, "win_arm64"));
    assert_eq!(
        parsed("foo.cp38-win32.pyd", Windows).2,
        versioned(3, 8, NONE, "win32")
    );
    assert_eq!(
        parsed("foo_d.pyd", Windows),
        ("foo".into(), "_d.pyd".into(), SuffixTag::Plain, true)
    );
    assert_eq!(
        parsed("foo.pyd", Windows),
        ("foo".into(), ".pyd".into(), SuffixTag::Plain, false)
    );
    // Case-insensitive; the tag is normalised, the suffix kept as written.
    let (m, s, tag, dbg) = parsed("Foo_D.CP310-WIN_AMD64.PYD", Windows);
    assert_eq!(
        (m.as_str(), s.as_str(), dbg),
        ("Foo", "_D.CP310-WIN_AMD64.PYD", true)
    );
    assert_eq!(tag, versioned(3, 10, NONE, "win_amd64"));
    assert_eq!(parsed("X.PYD", Windows).0, "X");
    // Windows has no `d`/`m` flags, no `t` before 3.13, and only its own tags.
    for (name, rest) in [
        ("foo.cp312d-win_amd64.pyd", "foo.cp312d-win_amd64"),
        ("foo.cp37m-win_amd64.pyd", "foo.cp37m-win_amd64"),
        ("foo.cp312t-win_amd64.pyd", "foo.cp312t-win_amd64"),
        (
            "foo.cp312-x86_64-linux-gnu.pyd",
            "foo.cp312-x86_64-linux-gnu",
        ),
        ("foo.cpython-312-win_amd64.pyd", "foo.cpython-312-win_amd64"),
    ] {
        assert_eq!(module(name, Windows).unwrap(), rest, "{name}");
    }
    assert_eq!(module("foo.pyd", MacOs), None);
    assert_eq!(module("_d.pyd", Windows).unwrap(), "_d");
}

#[test]
fn non_ascii_names() {
    assert_eq!(
        module("café.cpython-312-x86_64-linux-gnu.so", Linux).unwrap(),
        "café"
    );
    assert_eq!(module("模块.CP312-WIN_AMD64.pyd", Windows).unwrap(), "模块");
}
