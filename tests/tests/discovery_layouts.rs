//! Discovery on made-up layouts: pyenv's shims given as `--python NAME`,
//! and uv's managed installations. One test, alone in its binary, because
//! it sets the environment (`PATH`, `PYENV_ROOT`, uv's variables) that
//! discovery reads.

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use interpreters::{Origin, discover, resolve_pyenv_shim};

/// pyenv's shim as `pyenv exec` leaves it when no selected version has
/// the command: its message on stderr, exit status 127.
const SHIM: &str = "#!/bin/sh\n\
echo \"pyenv: $(basename \"$0\"): command not found\" >&2\n\
echo \"Note: See 'pyenv help global' for tips on allowing multiple\" >&2\n\
echo \"      Python versions to be found at the same time.\" >&2\n\
exit 127\n";

fn executable(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

fn link(target: &Path, path: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    symlink(target, path).unwrap();
}

/// A real pyenv CPython 3.12 (`bin/python3.12`) and 3.11, which the fake
/// layouts link to.
fn real_pythons() -> Option<(PathBuf, PathBuf)> {
    let root = interpreters::pyenv_root()?;
    let find = |minor: &str| {
        let mut found: Vec<PathBuf> = root
            .join("versions")
            .read_dir()
            .ok()?
            .flatten()
            .map(|e| e.path().join("bin").join(format!("python3.{minor}")))
            .filter(|p| p.is_file())
            .collect();
        found.sort();
        found.pop()
    };
    Some((find("12")?, find("11")?))
}

#[test]
fn pyenv_shims_and_uv_installations_are_found() {
    let Some((py312, py311)) = real_pythons() else {
        panic!("this suite expects pyenv's 3.11 and 3.12 (see README)");
    };
    let tmp = tempfile::tempdir().unwrap();
    let original_path = std::env::var_os("PATH").unwrap_or_default();

    // pyenv: 3.12.1 and an older 3.11.99 both have python3.12 (the older
    // one a 3.11 under that name), a virtualenv `tools` too, and python3.99
    // has a shim and no version.
    let pyenv = tmp.path().join("pyenv");
    link(&py312, &pyenv.join("versions/3.12.1/bin/python3.12"));
    link(&py311, &pyenv.join("versions/3.11.99/bin/python3.12"));
    link(&py311, &pyenv.join("versions/tools/bin/python3.12"));
    executable(&pyenv.join("shims/python3.12"), SHIM);
    executable(&pyenv.join("shims/python3.99"), SHIM);
    // SAFETY: this is the only test in this binary, and no other thread runs.
    unsafe {
        std::env::set_var("PYENV_ROOT", &pyenv);
        let mut path = std::ffi::OsString::from(pyenv.join("shims"));
        path.push(":");
        path.push(&original_path);
        std::env::set_var("PATH", path);
    }

    let (path, note) = resolve_pyenv_shim(&pyenv, "python3.12").unwrap();
    assert_eq!(path, pyenv.join("versions/3.12.1/bin/python3.12"));
    assert_eq!(
        note,
        "pyenv shim python3.12: pyenv version 3.12.1, the newest of those that have it (also 3.11.99, tools)"
    );

    // By name (found on PATH as the shim) and by the shim's path alike.
    for given in [PathBuf::from("python3.12"), pyenv.join("shims/python3.12")] {
        let discovery = discover(std::slice::from_ref(&given));
        assert!(discovery.skipped.is_empty(), "{:?}", discovery.skipped);
        let [found] = &discovery.interpreters[..] else {
            panic!("{given:?}: {:?}", discovery.interpreters);
        };
        assert_eq!(found.executable, py312.canonicalize().unwrap());
        assert_eq!(found.version.feature(), (3, 12));
        assert_eq!(found.origin, Origin::Explicit);
        assert_eq!(found.found_as.as_deref(), Some(note.as_str()));
        assert!(found.to_string().ends_with(&format!("; {note}")), "{found}");
    }

    // A shim no version has: one line, and not pyenv's last line.
    let discovery = discover(&[PathBuf::from("python3.99")]);
    assert!(discovery.interpreters.is_empty());
    assert_eq!(discovery.skipped.len(), 1);
    assert_eq!(
        discovery.skipped[0].reason,
        format!(
            "python3.99 is pyenv's shim, and no pyenv version has it (no {}/*/bin/python3.99)",
            pyenv.join("versions").display()
        )
    );

    // When pyenv's own selection has the command, that is what runs, as in
    // the user's shell: `pyenv which` answers with the older version here.
    executable(
        &pyenv.join("bin/pyenv"),
        "#!/bin/sh\n[ \"$1 $2\" = \"which python3.12\" ] || exit 1\n\
         echo \"$PYENV_ROOT/versions/3.11.99/bin/python3.12\"\n",
    );
    let (path, note) = resolve_pyenv_shim(&pyenv, "python3.12").unwrap();
    let selected = pyenv.join("versions/3.11.99/bin/python3.12");
    assert_eq!(path, selected);
    assert_eq!(
        note,
        format!(
            "pyenv shim python3.12: {} (`pyenv which python3.12`)",
            selected.display()
        )
    );
    fs::remove_file(pyenv.join("bin/pyenv")).unwrap();

    // A command on PATH that is no shim is run as it is.
    let plain = tmp.path().join("bin/python3.12");
    link(&py312, &plain);
    let discovery = discover(std::slice::from_ref(&plain));
    assert_eq!(discovery.interpreters.len(), 1, "{:?}", discovery.skipped);
    assert_eq!(discovery.interpreters[0].found_as, None);

    // uv: `UV_PYTHON_INSTALL_DIR`, with uv's own entries beside the
    // installations; no pyenv versions, and nothing else on PATH.
    let empty_pyenv = tmp.path().join("no-pyenv");
    fs::create_dir_all(empty_pyenv.join("versions")).unwrap();
    let uv = tmp.path().join("uv-python");
    link(
        &py312,
        &uv.join("cpython-3.12.1-linux-x86_64-gnu/bin/python3.12"),
    );
    link(
        &py311,
        &uv.join("pypy-3.11.13-linux-x86_64-gnu/bin/python3.11"),
    );
    fs::create_dir_all(uv.join(".cache")).unwrap();
    fs::write(uv.join(".lock"), "").unwrap();
    let empty_bin = tmp.path().join("empty-bin");
    fs::create_dir_all(&empty_bin).unwrap();
    // SAFETY: as above.
    unsafe {
        std::env::set_var("PYENV_ROOT", &empty_pyenv);
        std::env::set_var("PATH", &empty_bin);
        std::env::set_var("UV_PYTHON_INSTALL_DIR", &uv);
    }
    let discovery = discover(&[]);
    assert!(discovery.skipped.is_empty(), "{:?}", discovery.skipped);
    let found: Vec<(Origin, (u32, u32))> = discovery
        .interpreters
        .iter()
        .map(|i| (i.origin.clone(), i.version.feature()))
        .collect();
    assert_eq!(found, [(Origin::Uv, (3, 12))]);

    // Without the variable, uv's data directory under XDG_DATA_HOME.
    let xdg = tmp.path().join("xdg");
    link(
        &py311,
        &xdg.join("uv/python/cpython-3.11.7-linux-x86_64-gnu/bin/python3.11"),
    );
    // SAFETY: as above.
    unsafe {
        std::env::remove_var("UV_PYTHON_INSTALL_DIR");
        std::env::set_var("XDG_DATA_HOME", &xdg);
    }
    let found: Vec<(Origin, (u32, u32))> = discover(&[])
        .interpreters
        .iter()
        .map(|i| (i.origin.clone(), i.version.feature()))
        .collect();
    assert_eq!(found, [(Origin::Uv, (3, 11))]);
}
