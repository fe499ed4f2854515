//! The real binaries the readers are compared on: CPython's lib-dynload
//! modules under pyenv, and the binary members of the real wheels that
//! tests/tests/inspector_realworld.rs caches (absent on a machine that has
//! not run it; the lib-dynload modules are then all there is).

use std::io::Read;
use std::path::{Path, PathBuf};

fn files(dir: &Path, wanted: &dyn Fn(&Path) -> bool, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() && !path.is_symlink() {
            files(&path, wanted, found);
        } else if wanted(&path) {
            found.push(path);
        }
    }
}

/// Calls `visit(label, bytes)` for every lib-dynload module and every wheel
/// member whose name `member` accepts, in a stable order; returns whether
/// there was anything to visit.
pub fn each(member: &dyn Fn(&str) -> bool, visit: &mut dyn FnMut(&str, &[u8])) -> bool {
    let mut paths = Vec::new();
    let pyenv = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".pyenv")));
    if let Some(pyenv) = pyenv {
        files(
            &pyenv.join("versions"),
            &|p| {
                p.extension().is_some_and(|e| e == "so")
                    && p.to_string_lossy().contains("lib-dynload")
            },
            &mut paths,
        );
    }
    for path in &paths {
        visit(&path.display().to_string(), &std::fs::read(path).unwrap());
    }
    let mut wheels = Vec::new();
    if let Some(home) = std::env::var_os("HOME") {
        files(
            &Path::new(&home).join(".cache/extinspect/realworld-wheels"),
            &|p| p.extension().is_some_and(|e| e == "whl"),
            &mut wheels,
        );
    }
    for wheel in &wheels {
        let Ok(mut archive) = zip::ZipArchive::new(std::fs::File::open(wheel).unwrap()) else {
            continue;
        };
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).unwrap();
            let name = entry.name().unwrap_or_default().to_string();
            if !member(&name) || !entry.is_file() {
                continue;
            }
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            visit(&format!("{}!{name}", wheel.display()), &data);
        }
    }
    !(paths.is_empty() && wheels.is_empty())
}
