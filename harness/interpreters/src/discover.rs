use std::collections::BTreeSet;
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Interpreter, Origin, probe};

/// Everything discovery found, and every candidate it had to pass over.
#[derive(Debug, Default)]
pub struct Discovery {
    /// One entry per distinct executable, ordered by version then build kind.
    pub interpreters: Vec<Interpreter>,
    pub skipped: Vec<Skipped>,
}

/// A candidate that did not answer the probe, with the reason (without its path).
#[derive(Debug, Clone)]
pub struct Skipped {
    pub candidate: PathBuf,
    pub origin: Origin,
    pub reason: String,
}

/// Finds interpreters. With `explicit` paths, only those are asked (a user
/// narrowing the set with `--python`); otherwise pyenv's versions and the
/// `python3.X[d|t]` commands on `PATH`.
pub fn discover(explicit: &[PathBuf]) -> Discovery {
    let candidates: Vec<(PathBuf, Origin)> = if explicit.is_empty() {
        let pyenv = pyenv_root();
        let mut found: Vec<_> = pyenv
            .iter()
            .flat_map(|root| pyenv_candidates(root))
            .map(|p| (p, Origin::Pyenv))
            .collect();
        let shims = pyenv.map(|root| root.join("shims"));
        found.extend(path_candidates(shims.as_deref()).map(|p| (p, Origin::Path)));
        found
    } else {
        explicit
            .iter()
            .map(|p| (p.clone(), Origin::Explicit))
            .collect()
    };

    // Probes are process spawns of ~20-50 ms each; run them side by side.
    let answers: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = candidates
            .iter()
            .map(|(path, _)| scope.spawn(move || probe(path)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("probe thread panicked"))
            .collect()
    });

    let mut discovery = Discovery::default();
    let mut seen = BTreeSet::new();
    for ((candidate, origin), answer) in candidates.into_iter().zip(answers) {
        match answer {
            Ok(mut interpreter) => {
                // A virtual environment is an interpreter of its own: the
                // same executable sees other packages there.
                let prefix = interpreter.environment.as_ref().map(|e| e.prefix.clone());
                if seen.insert((interpreter.executable.clone(), prefix)) {
                    interpreter.origin = origin;
                    discovery.interpreters.push(interpreter);
                }
            }
            Err(err) => discovery.skipped.push(Skipped {
                candidate,
                origin,
                reason: err.reason(),
            }),
        }
    }
    sort(&mut discovery.interpreters);
    discovery
}

/// By version, then build kind, then where found.
fn sort(interpreters: &mut [Interpreter]) {
    interpreters.sort_by_key(|i| {
        (
            i.version,
            i.debug,
            i.free_threaded,
            i.origin.clone() as u8,
            i.executable.clone(),
        )
    });
}

/// The virtual environment the user works in, as the path of its
/// interpreter: the active one (`$VIRTUAL_ENV`), else a `.venv` in `dir`
/// (where `uv`, Poetry and `python -m venv .venv` put a project's).
pub fn active_environment(dir: &Path) -> Option<PathBuf> {
    environment_in(env::var_os("VIRTUAL_ENV"), dir)
}

fn environment_in(virtual_env: Option<std::ffi::OsString>, dir: &Path) -> Option<PathBuf> {
    let root = virtual_env
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.join(".venv"));
    let python = root.join("bin").join("python");
    python.is_file().then_some(python)
}

impl Discovery {
    /// With the interpreter at `python` too (a virtual environment's, which
    /// discovery does not look for), unless it is listed already; one that
    /// does not answer is passed over, with the reason.
    pub fn with(mut self, python: &Path) -> Discovery {
        match probe(python) {
            Ok(mut found) => {
                let same = |i: &Interpreter| {
                    i.executable == found.executable && i.environment == found.environment
                };
                if !self.interpreters.iter().any(same) {
                    found.origin = Origin::Explicit;
                    self.interpreters.push(found);
                    sort(&mut self.interpreters);
                }
            }
            Err(err) => self.skipped.push(Skipped {
                candidate: python.to_path_buf(),
                origin: Origin::Explicit,
                reason: err.reason(),
            }),
        }
        self
    }

    /// One interpreter per build key (ABI tag and target), for work whose result
    /// depends only on the ABI, such as building extension modules. pyenv's
    /// builds win over ones on PATH (they carry CPython's test modules and a
    /// shared libpython), then the newest micro version.
    pub fn one_per_abi(&self) -> Vec<&Interpreter> {
        let mut chosen: Vec<&Interpreter> = Vec::new();
        for candidate in &self.interpreters {
            let rank = |i: &Interpreter| (i.origin == Origin::Pyenv, i.version);
            match chosen
                .iter_mut()
                .find(|c| c.build_key() == candidate.build_key())
            {
                Some(slot) if rank(candidate) > rank(slot) => *slot = candidate,
                Some(_) => {}
                None => chosen.push(candidate),
            }
        }
        chosen
    }
}

/// pyenv's root: `$PYENV_ROOT`, else what `pyenv root` says, else `~/.pyenv`.
pub fn pyenv_root() -> Option<PathBuf> {
    if let Some(root) = env::var_os("PYENV_ROOT").filter(|r| !r.is_empty()) {
        return Some(PathBuf::from(root));
    }
    let from_command = Command::new("pyenv")
        .arg("root")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    from_command
        .or_else(|| env::var_os("HOME").map(|h| Path::new(&h).join(".pyenv")))
        .filter(|root| root.join("versions").is_dir())
}

fn pyenv_candidates(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = root.join("versions").read_dir() else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter_map(|version| {
            let bin = version.path().join("bin");
            ["python3", "python"]
                .iter()
                .map(|name| bin.join(name))
                .find(|p| p.is_file())
        })
        .collect();
    found.sort();
    found
}

/// `python3.X`, `python3.Xd`, `python3.Xt` on `PATH`, pyenv's shims excepted
/// (they stand for versions found directly, and refuse versions not selected).
fn path_candidates(shims: Option<&Path>) -> impl Iterator<Item = PathBuf> {
    let path = env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = env::split_paths(&path)
        .filter(|dir| Some(dir.as_path()) != shims)
        .collect();
    dirs.into_iter().flat_map(|dir| {
        let mut names: Vec<PathBuf> = dir
            .read_dir()
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| is_versioned_python(&e.file_name().to_string_lossy()))
            .map(|e| e.path())
            .collect();
        names.sort();
        names
    })
}

fn is_versioned_python(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("python3.") else {
        return false;
    };
    let digits = rest.trim_end_matches(['d', 't']);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::is_versioned_python;

    #[test]
    fn versioned_python_names() {
        for yes in ["python3.8", "python3.11d", "python3.13t", "python3.13td"] {
            assert!(is_versioned_python(yes), "{yes}");
        }
        for no in [
            "python3",
            "python3.",
            "python3.11-config",
            "python3.11d-config",
            "python2.7",
        ] {
            assert!(!is_versioned_python(no), "{no}");
        }
    }
}
