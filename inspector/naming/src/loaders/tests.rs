use super::*;
use crate::parse_filename;

const fn b(minor: u8, debug: bool, free_threaded: bool) -> Build {
    Build {
        minor,
        debug,
        free_threaded,
    }
}

/// The builds whose loading each row's test checks: before and after every
/// `since`, each threading and debug variant that exists.
fn builds() -> Vec<Build> {
    let mut out = Vec::new();
    for minor in [0, 2, 4, 5, 7, 8, 12, 13, 14, 15, 16] {
        for debug in [false, true] {
            for ft in [false, true] {
                let build = b(minor, debug, ft);
                if build.exists() {
                    out.push(build);
                }
            }
        }
    }
    out
}

fn loaders(name: &str, platform: Platform) -> Vec<Build> {
    let file = parse_filename(name, platform).unwrap_or_else(|| panic!("{name}"));
    builds()
        .into_iter()
        .filter(|&build| loads(&file, platform, build))
        .collect()
}

fn only(filter: impl Fn(Build) -> bool) -> Vec<Build> {
    builds().into_iter().filter(|&b| filter(b)).collect()
}

#[test]
fn every_row_has_a_test_below() {
    // The tests below name each (platform, form); a row added without one fails here.
    let tested = [
        (Linux, Soabi),
        (Linux, AltSoabi),
        (Linux, Abi3),
        (Linux, Abi3Platform),
        (Linux, Abi3t),
        (Linux, Abi3tPlatform),
        (Linux, Plain),
        (MacOs, Soabi),
        (MacOs, AltSoabi),
        (MacOs, Abi3),
        (MacOs, Abi3Platform),
        (MacOs, Abi3t),
        (MacOs, Abi3tPlatform),
        (MacOs, Plain),
        (Windows, PydTagged),
        (Windows, Pyd),
    ];
    assert_eq!(RULES.len(), tested.len());
    for row in RULES {
        assert!(tested.contains(&(row.platform, row.form)), "{row:?}");
        assert!(!row.source.is_empty());
    }
}

#[test]
fn linux_soabi_and_alt_soabi() {
    // `.cpython-314-…` loads in 3.14 and (ALT_SOABI, 3.8+) in 3.14d.
    assert_eq!(
        loaders("x.cpython-314-x86_64-linux-gnu.so", Linux),
        vec![b(14, false, false), b(14, true, false)]
    );
    assert_eq!(
        loaders("x.cpython-314d-x86_64-linux-gnu.so", Linux),
        vec![b(14, true, false)]
    );
    assert_eq!(
        loaders("x.cpython-315t-x86_64-linux-gnu.so", Linux),
        vec![b(15, false, true), b(15, true, true)]
    );
    assert_eq!(
        loaders("x.cpython-313td-x86_64-linux-gnu.so", Linux),
        vec![b(13, true, true)]
    );
    // Before 3.8 a debug build had no ALT_SOABI.
    assert_eq!(
        loaders("x.cpython-37m-x86_64-linux-gnu.so", Linux),
        vec![b(7, false, false)]
    );
}

#[test]
fn linux_abi3_forms() {
    assert_eq!(
        loaders("x.abi3.so", Linux),
        only(|b| b.minor >= 2 && !b.free_threaded)
    );
    // Upstream 3.15 (gh-122931), GIL-enabled only; Debian's 3.14 too, by
    // a distribution patch the table leaves out.
    assert_eq!(
        loaders("x.abi3-x86_64-linux-gnu.so", Linux),
        only(|b| b.minor >= 15 && !b.free_threaded)
    );
    // abi3t: 3.15+, both GIL-enabled and free-threaded builds.
    assert_eq!(loaders("x.abi3t.so", Linux), only(|b| b.minor >= 15));
    assert_eq!(
        loaders("_rust.abi3t-x86_64-linux-gnu.so", Linux),
        only(|b| b.minor >= 15)
    );
    assert_eq!(loaders("x.so", Linux), builds());
}

#[test]
fn macos_forms() {
    assert_eq!(
        loaders("x.cpython-312-darwin.so", MacOs),
        vec![b(12, false, false), b(12, true, false)]
    );
    assert_eq!(
        loaders("x.cpython-312d-darwin.so", MacOs),
        vec![b(12, true, false)]
    );
    assert_eq!(
        loaders("x.abi3.so", MacOs),
        only(|b| b.minor >= 2 && !b.free_threaded)
    );
    assert_eq!(
        loaders("x.abi3-darwin.so", MacOs),
        only(|b| b.minor >= 15 && !b.free_threaded)
    );
    assert_eq!(loaders("x.abi3t.so", MacOs), only(|b| b.minor >= 15));
    assert_eq!(loaders("x.abi3t-darwin.so", MacOs), only(|b| b.minor >= 15));
    assert_eq!(loaders("x.so", MacOs), builds());
}

#[test]
fn windows_forms() {
    assert_eq!(
        loaders("x.cp312-win_amd64.pyd", Windows),
        vec![b(12, false, false)]
    );
    assert_eq!(
        loaders("x_d.cp312-win_amd64.pyd", Windows),
        vec![b(12, true, false)]
    );
    assert_eq!(
        loaders("x.cp313t-win_arm64.pyd", Windows),
        vec![b(13, false, true)]
    );
    assert_eq!(loaders("x.pyd", Windows), only(|b| !b.debug));
    assert_eq!(loaders("x_d.pyd", Windows), only(|b| b.debug));
}

#[test]
fn suffix_lists_of_the_sid_roots() {
    // docs/interpreters-3.14-3.15.md: the roots' EXTENSION_SUFFIXES, as sets.
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let list = |s: &[&str]| sorted(s.iter().map(|s| s.to_string()).collect());
    let t = "x86_64-linux-gnu";
    assert_eq!(
        sorted(extension_suffixes(Linux, b(14, false, false), t)),
        list(&[".cpython-314-x86_64-linux-gnu.so", ".abi3.so", ".so"])
    );
    assert_eq!(
        sorted(extension_suffixes(Linux, b(15, true, false), t)),
        list(&[
            ".cpython-315d-x86_64-linux-gnu.so",
            ".cpython-315-x86_64-linux-gnu.so",
            ".abi3-x86_64-linux-gnu.so",
            ".abi3.so",
            ".abi3t-x86_64-linux-gnu.so",
            ".abi3t.so",
            ".so"
        ])
    );
    // A free-threaded 3.15 lists no abi3 (GIL-only) suffix.
    assert_eq!(
        sorted(extension_suffixes(Linux, b(15, false, true), t)),
        list(&[
            ".cpython-315t-x86_64-linux-gnu.so",
            ".abi3t-x86_64-linux-gnu.so",
            ".abi3t.so",
            ".so"
        ])
    );
    assert_eq!(
        extension_suffixes(Windows, b(13, true, true), "win_amd64"),
        vec!["_d.cp313t-win_amd64.pyd", "_d.pyd"]
    );
}

#[test]
fn oldest_loaders() {
    let oldest = |name, p| oldest_loader(&parse_filename(name, p).unwrap(), p);
    assert_eq!(oldest("x.abi3t.so", Linux), Some(15));
    assert_eq!(oldest("x.abi3t-x86_64-linux-gnu.so", Linux), Some(15));
    assert_eq!(oldest("x.abi3-x86_64-linux-gnu.so", Linux), Some(15));
    assert_eq!(oldest("x.abi3.so", MacOs), Some(2));
    assert_eq!(oldest("x.cpython-314-x86_64-linux-gnu.so", Linux), Some(14));
    assert_eq!(oldest("x.so", Linux), Some(0));
}
