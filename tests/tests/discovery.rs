//! Interpreter discovery reports what each interpreter really is.

mod common;

use std::path::PathBuf;

use interpreters::{Origin, Version, discover, probe, pyenv_root};

#[test]
fn every_pyenv_version_is_found_and_describes_itself() {
    let Some(root) = pyenv_root() else {
        panic!("this suite expects pyenv's interpreters (see README)");
    };
    let discovery = discover(&[]);
    let mut checked = 0;
    for entry in root.join("versions").read_dir().unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(expected) = parse_version(&name) else {
            continue;
        };
        let found = discovery
            .interpreters
            .iter()
            .find(|i| i.origin == Origin::Pyenv && i.executable.starts_with(entry.path()))
            .unwrap_or_else(|| {
                panic!(
                    "pyenv {name} not discovered; skipped: {:?}",
                    discovery.skipped
                )
            });
        assert_eq!(found.version, expected, "{name}");
        assert!(found.is_cpython());
        if expected.major == 3 {
            assert!(
                found.shared,
                "{name}: pyenv builds here are --enable-shared"
            );
            assert!(
                found.libpython().is_some_and(|p| p.is_file()),
                "{name}: libpython"
            );
            let ext = found.ext_suffix.as_deref().unwrap();
            assert!(
                ext.starts_with(&format!(".cpython-{}{}", expected.major, expected.minor)),
                "{name}: {ext}"
            );
            let dynload = found.lib_dynload.as_deref().expect("lib-dynload");
            assert!(
                dynload.join(format!("_testmultiphase{ext}")).is_file(),
                "{name}: {}",
                dynload.display()
            );
            assert!(
                found
                    .include_dir
                    .as_ref()
                    .is_some_and(|d| d.join("Python.h").is_file())
            );
            assert!(!found.debug);
        }
        checked += 1;
    }
    assert!(checked > 0, "no pyenv versions under {}", root.display());
}

#[test]
fn a_debug_build_is_recognised_as_such() {
    let debug: Vec<_> = discover(&[])
        .interpreters
        .into_iter()
        .filter(|i| i.debug)
        .collect();
    assert!(
        !debug.is_empty(),
        "no debug interpreter (apt-get install python3.11-dbg)"
    );
    for i in debug {
        assert!(i.abiflags.contains('d'), "{i}: abiflags {:?}", i.abiflags);
        assert!(i.tag().ends_with('d'), "{i}: tag {}", i.tag());
        assert!(i.ext_suffix.as_deref().unwrap().contains("d-"), "{i}");
    }
}

#[test]
fn explicit_paths_only_and_errors_are_reported() {
    let first = &common::interpreters()[0];
    let missing = PathBuf::from("/nonexistent/python3.99");
    let discovery = discover(&[first.executable.clone(), missing.clone()]);
    assert_eq!(discovery.interpreters.len(), 1);
    assert_eq!(discovery.interpreters[0].executable, first.executable);
    assert_eq!(discovery.interpreters[0].origin, Origin::Explicit);
    assert_eq!(discovery.skipped.len(), 1);
    assert_eq!(discovery.skipped[0].candidate, missing);
    assert!(
        discovery.skipped[0].reason.contains("cannot run"),
        "{:?}",
        discovery.skipped
    );
}

#[test]
fn a_program_that_is_not_python_is_a_probe_error() {
    let err = probe(std::path::Path::new("/bin/true")).unwrap_err();
    assert!(err.to_string().contains("not its JSON report"), "{err}");
    let err = probe(std::path::Path::new("/bin/false")).unwrap_err();
    assert!(err.to_string().contains("probe exited"), "{err}");
}

#[test]
fn one_per_abi_keeps_one_interpreter_per_build_key() {
    let discovery = discover(&[]);
    let chosen = discovery.one_per_abi();
    let mut keys: Vec<_> = chosen.iter().map(|i| i.build_key()).collect();
    let before = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), before, "duplicate build keys: {keys:?}");
    for i in &discovery.interpreters {
        assert!(keys.contains(&i.build_key()), "{i} lost");
    }
}

fn parse_version(name: &str) -> Option<Version> {
    let mut parts = name.split('.').map(|p| p.parse::<u32>().ok());
    Some(Version::new(parts.next()??, parts.next()??, parts.next()??))
}
