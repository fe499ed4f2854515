//! Every extension module shipped in the CPython installations on this
//! machine parses on Linux into an identifier with the installation's version.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use naming::{Platform, SuffixTag, is_identifier, parse_filename};

/// `(major, minor)` from a directory such as `.../lib/python3.12/lib-dynload`.
fn dir_version(dir: &Path) -> Option<(u8, u8)> {
    let lib = dir.parent()?.file_name()?.to_str()?;
    let (major, minor) = lib.strip_prefix("python")?.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn children(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default()
}

fn dynload_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let pyenv = std::env::var_os("PYENV_ROOT").map_or("/root/.pyenv".into(), PathBuf::from);
    for version in children(&pyenv.join("versions")) {
        for lib in children(&version.join("lib")) {
            dirs.push(lib.join("lib-dynload"));
        }
    }
    dirs.extend(
        children(Path::new("/usr/lib"))
            .into_iter()
            .map(|l| l.join("lib-dynload")),
    );
    // The oracle interpreter's own, so this test has data wherever python3 runs.
    let out = Command::new(common::python3())
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_config_var('DESTSHARED'))",
        ])
        .output()
        .expect("python3");
    dirs.push(String::from_utf8(out.stdout).unwrap().trim().into());
    dirs.retain(|d| d.is_dir() && dir_version(d).is_some());
    dirs.sort();
    dirs.dedup();
    dirs
}

#[test]
fn lib_dynload_names_parse() {
    let mut checked = 0;
    for dir in dynload_dirs() {
        let (major, minor) = dir_version(&dir).unwrap();
        for path in children(&dir) {
            let name = path.file_name().unwrap().to_str().unwrap();
            if !name.ends_with(".so") {
                continue; // e.g. Python 2's egg-info
            }
            let file = parse_filename(name, Platform::Linux)
                .unwrap_or_else(|| panic!("{}: not an extension name", path.display()));
            assert!(
                is_identifier(&file.module),
                "{}: {:?}",
                path.display(),
                file.module
            );
            match file.tag {
                SuffixTag::Versioned {
                    major: ma,
                    minor: mi,
                    ref flags,
                    ..
                } => {
                    assert_eq!((ma, mi), (major, minor), "{}", path.display());
                    // pymalloc's `m` is spelled out exactly up to 3.7.
                    assert!(!flags.pymalloc || minor <= 7, "{}", path.display());
                }
                SuffixTag::Plain => assert_eq!(major, 2, "{}", path.display()),
                SuffixTag::Abi3 { .. } => {}
            }
            checked += 1;
        }
    }
    assert!(checked > 0, "found no lib-dynload extension modules");
    eprintln!("checked {checked} lib-dynload names");
}
