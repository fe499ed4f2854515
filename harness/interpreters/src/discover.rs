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

/// A candidate to probe: its path, where it was found, and how a
/// `--python NAME` became it (a pyenv shim resolved), or why it could not.
struct Candidate {
    path: PathBuf,
    origin: Origin,
    found_as: Result<Option<String>, String>,
}

/// Finds interpreters. With `explicit` paths, only those are asked (a user
/// narrowing the set with `--python`; a pyenv shim among them stands for a
/// version's own executable, [`resolve_pyenv_shim`]); otherwise pyenv's
/// versions, uv's managed installations and the `python3.X[d|t]` commands
/// on `PATH`.
pub fn discover(explicit: &[PathBuf]) -> Discovery {
    let pyenv = pyenv_root();
    let candidates: Vec<Candidate> = if explicit.is_empty() {
        let candidate = |(path, origin)| Candidate {
            path,
            origin,
            found_as: Ok(None),
        };
        let mut found: Vec<Candidate> = pyenv
            .iter()
            .flat_map(|root| pyenv_candidates(root))
            .map(|p| candidate((p, Origin::Pyenv)))
            .collect();
        found.extend(
            uv_python_dir()
                .iter()
                .flat_map(|dir| uv_candidates(dir))
                .map(|p| candidate((p, Origin::Uv))),
        );
        let shims = pyenv.as_ref().map(|root| root.join("shims"));
        found.extend(path_candidates(shims.as_deref()).map(|p| candidate((p, Origin::Path))));
        found
    } else {
        explicit
            .iter()
            .map(
                |given| match pyenv.as_deref().and_then(|root| shim_of(root, given)) {
                    Some((root, name)) => match resolve_pyenv_shim(&root, &name) {
                        Ok((path, note)) => Candidate {
                            path,
                            origin: Origin::Explicit,
                            found_as: Ok(Some(note)),
                        },
                        Err(reason) => Candidate {
                            path: given.clone(),
                            origin: Origin::Explicit,
                            found_as: Err(reason),
                        },
                    },
                    None => Candidate {
                        path: given.clone(),
                        origin: Origin::Explicit,
                        found_as: Ok(None),
                    },
                },
            )
            .collect()
    };

    // Probes are process spawns of ~20-50 ms each; run them side by side.
    let answers: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = candidates
            .iter()
            .map(|c| {
                scope.spawn(move || match &c.found_as {
                    Ok(_) => crate::cache::probe(&c.path).map_err(|err| err.reason()),
                    Err(reason) => Err(reason.clone()),
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("probe thread panicked"))
            .collect()
    });

    let mut discovery = Discovery::default();
    let mut seen = BTreeSet::new();
    for (candidate, answer) in candidates.into_iter().zip(answers) {
        match answer {
            Ok(mut interpreter) => {
                // A virtual environment is an interpreter of its own: the
                // same executable sees other packages there.
                let prefix = interpreter.environment.as_ref().map(|e| e.prefix.clone());
                if seen.insert((interpreter.executable.clone(), prefix)) {
                    interpreter.origin = candidate.origin;
                    interpreter.found_as = candidate.found_as.unwrap_or_default();
                    discovery.interpreters.push(interpreter);
                }
            }
            Err(reason) => discovery.skipped.push(Skipped {
                candidate: candidate.path,
                origin: candidate.origin,
                reason,
            }),
        }
    }
    sort(&mut discovery.interpreters);
    discovery
}

/// When `given` (a `--python` value) is one of pyenv's shims: pyenv's root
/// and the command's name. A bare name is looked up on `PATH` as a shell
/// would; a path is a shim when it lies in `ROOT/shims`.
fn shim_of(root: &Path, given: &Path) -> Option<(PathBuf, String)> {
    let path = if given.components().count() > 1 {
        given.to_path_buf()
    } else {
        env::split_paths(&env::var_os("PATH")?)
            .map(|dir| dir.join(given))
            .find(|p| p.is_file())?
    };
    let shims = root.join("shims");
    let dir = path.parent()?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    if !same(dir, &shims) {
        return None;
    }
    Some((
        root.to_path_buf(),
        path.file_name()?.to_string_lossy().into_owned(),
    ))
}

/// The real executable behind pyenv's shim `name`: a shim runs `pyenv exec
/// NAME`, which fails unless a version selected for the directory (`pyenv
/// local`, `global`, `PYENV_VERSION`) has the command ("Python versions to
/// be found at the same time"). What the user's shell would run comes
/// first: `pyenv which NAME` when it answers. Otherwise the harness runs
/// `ROOT/versions/*/bin/NAME`, the newest version that has it. Either way
/// it says which (the note is the interpreter's `found_as`).
pub fn resolve_pyenv_shim(root: &Path, name: &str) -> Result<(PathBuf, String), String> {
    if let Some(path) = pyenv_which(root, name) {
        let note = format!(
            "pyenv shim {name}: {} (`pyenv which {name}`)",
            path.display()
        );
        return Ok((path, note));
    }
    let versions = root.join("versions");
    let mut having: Vec<(Vec<u32>, String, PathBuf)> = versions
        .read_dir()
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let path = entry.path().join("bin").join(name);
            let version = entry.file_name().to_string_lossy().into_owned();
            path.is_file()
                .then(|| (version_key(&version), version, path))
        })
        .collect();
    having.sort();
    let Some((_, newest, path)) = having.pop() else {
        return Err(format!(
            "{name} is pyenv's shim, and no pyenv version has it (no {}/*/bin/{name})",
            versions.display()
        ));
    };
    let others: Vec<&str> = having.iter().rev().map(|(_, v, _)| v.as_str()).collect();
    let note = if others.is_empty() {
        format!("pyenv shim {name}: pyenv version {newest}, the only one that has it")
    } else {
        format!(
            "pyenv shim {name}: pyenv version {newest}, the newest of those that have it (also {})",
            others.join(", ")
        )
    };
    Ok((path, note))
}

/// `pyenv which NAME`: the executable pyenv's own selection runs; None when
/// pyenv is not there or no selected version has NAME.
fn pyenv_which(root: &Path, name: &str) -> Option<PathBuf> {
    let pyenv = ["bin/pyenv", "libexec/pyenv"]
        .iter()
        .map(|p| root.join(p))
        .find(|p| p.is_file())?;
    let output = std::process::Command::new(pyenv)
        .args(["which", name])
        .env("PYENV_ROOT", root)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    // A real executable under the versions, never a shim again.
    (output.status.success() && path.starts_with(root.join("versions")) && path.is_file())
        .then_some(path)
}

/// A version directory's name as numbers to order by (`3.13.0t` → 3, 13,
/// 0); a name without a leading version (a virtualenv's) sorts first.
fn version_key(name: &str) -> Vec<u32> {
    name.split('.')
        .map_while(|part| {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// Where uv keeps the interpreters it installs: what `uv python dir` says
/// when uv is installed (it knows its configuration files' settings too),
/// else as uv decides it: `$UV_PYTHON_INSTALL_DIR`, else `python` in uv's
/// data directory, `$XDG_DATA_HOME/uv`, else `~/.local/share/uv` (uv's
/// storage reference, docs.astral.sh/uv/reference/storage).
pub fn uv_python_dir() -> Option<PathBuf> {
    let from_uv = Command::new("uv")
        .args(["python", "dir"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|dir| dir.is_dir());
    if from_uv.is_some() {
        return from_uv;
    }
    let var = |name| {
        env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let dir = var("UV_PYTHON_INSTALL_DIR")
        .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("uv").join("python")))
        .or_else(|| var("HOME").map(|h| h.join(".local/share/uv/python")))?;
    dir.is_dir().then_some(dir)
}

/// uv's CPython installations in `dir`: each a directory
/// `cpython-3.X.Y[+freethreaded|+debug]-<platform>` with its interpreter in
/// `bin/python3.X[t|d]` (else `bin/python3`). uv's own `.lock`, `.temp` and
/// `.cache` entries, and other implementations, are passed over.
fn uv_candidates(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = dir
        .read_dir()
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("cpython-"))
        .filter_map(|entry| {
            let bin = entry.path().join("bin");
            versioned_pythons(&bin)
                .into_iter()
                .find(|p| p.is_file())
                .or_else(|| Some(bin.join("python3")).filter(|p| p.is_file()))
        })
        .collect();
    found.sort();
    found
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
    dirs.into_iter().flat_map(|dir| versioned_pythons(&dir))
}

/// `python3.X[d|t]` in `dir`, sorted.
fn versioned_pythons(dir: &Path) -> Vec<PathBuf> {
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
