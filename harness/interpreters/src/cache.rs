//! Facts kept across runs on disk, under `$XDG_CACHE_HOME/extinspect/`
//! (else `~/.cache/extinspect/`): what an interpreter said about itself
//! (here) and the reinit scenario's baselines (the harness's).
//!
//! An entry is a JSON file holding its whole key beside its value, so a
//! hash collision or an entry of another layout reads as a miss; a file
//! that cannot be read or parsed is a miss too, never an error. Entries
//! are written to a temporary file in the same directory and renamed into
//! place, so runs at the same time read either a whole entry or none.
//! Keys name files by their identity (path, device, inode, size, times),
//! never by content: a file replaced or edited in place gets a new
//! identity, and reading identities costs a `stat` each.

use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Interpreter;

static DISABLED: AtomicBool = AtomicBool::new(false);

/// `--no-cache`: nothing is read from or written to the caches for the
/// rest of the process.
pub fn set_enabled(enabled: bool) {
    DISABLED.store(!enabled, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    !DISABLED.load(Ordering::Relaxed)
}

/// `$XDG_CACHE_HOME/extinspect`, else `~/.cache/extinspect` (a relative
/// `XDG_CACHE_HOME` is ignored, as the XDG specification says).
pub fn root() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|home| home.join(".cache"))
        })?;
    Some(base.join("extinspect"))
}

/// A file's identity as a key part: its path and, when it exists, its
/// device, inode, size, modification and change times (`None`: absent,
/// which is a fact worth keying on too).
pub fn identity(path: &Path) -> Value {
    let meta = std::fs::metadata(path).ok().map(|m| {
        serde_json::json!([
            m.dev(),
            m.ino(),
            m.size(),
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec()
        ])
    });
    serde_json::json!([path, meta])
}

/// FNV-1a: stable across builds and Rust versions, unlike `DefaultHasher`;
/// it only names the file, the key inside decides.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn entry_path(root: &Path, kind: &str, key: &str) -> PathBuf {
    root.join(kind)
        .join(format!("{:016x}.json", fnv1a(key.as_bytes())))
}

/// The value kept under `key` in the cache `kind`, if any and readable.
pub fn read<T: DeserializeOwned>(kind: &str, key: &Value) -> Option<T> {
    if !enabled() {
        return None;
    }
    read_in(&root()?, kind, key)
}

fn read_in<T: DeserializeOwned>(root: &Path, kind: &str, key: &Value) -> Option<T> {
    let key = serde_json::to_string(key).ok()?;
    let mut text = String::new();
    std::fs::File::open(entry_path(root, kind, &key))
        .ok()?
        // An entry is small; a huge file is not ours.
        .take(1 << 20)
        .read_to_string(&mut text)
        .ok()?;
    let mut entry: Value = serde_json::from_str(&text).ok()?;
    if entry.get("key")?.as_str()? != key {
        return None;
    }
    serde_json::from_value(entry.get_mut("value")?.take()).ok()
}

/// Keeps `value` under `key` in the cache `kind`; a failure (a read-only
/// home, a full disk) only means the next run measures again.
pub fn write<T: Serialize>(kind: &str, key: &Value, value: &T) {
    if !enabled() {
        return;
    }
    if let Some(root) = root() {
        let _ = write_in(&root, kind, key, value);
    }
}

fn write_in<T: Serialize>(root: &Path, kind: &str, key: &Value, value: &T) -> Option<()> {
    let key = serde_json::to_string(key).ok()?;
    let path = entry_path(root, kind, &key);
    let dir = path.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let entry = serde_json::json!({ "key": key, "value": value });
    let mut file = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .ok()?;
    file.write_all(&serde_json::to_vec(&entry).ok()?).ok()?;
    file.persist(&path).ok()?;
    Some(())
}

/// What the interpreter at `python` says about itself, from the cache when
/// nothing it depends on has changed since it last said it, else asked
/// ([`crate::probe`]) and kept. Only a native executable's answer is kept:
/// a script or a shim (pyenv's) runs whichever interpreter its own logic
/// picks, which no file identity here would show.
pub fn probe(python: &Path) -> Result<Interpreter, crate::ProbeError> {
    let Some(key) = probe_key(python) else {
        return crate::probe(python);
    };
    if let Some(kept) = read::<Kept>("interpreters", &key)
        && kept
            .depends
            .iter()
            .all(|(path, was)| identity(path) == *was)
    {
        return Ok(kept.interpreter);
    }
    let interpreter = crate::probe(python)?;
    let kept = Kept {
        depends: depends_on(python, &interpreter)
            .into_iter()
            .map(|path| {
                let now = identity(&path);
                (path, now)
            })
            .collect(),
        interpreter,
    };
    write("interpreters", &key, &kept);
    Ok(kept.interpreter)
}

#[derive(Serialize, serde::Deserialize)]
struct Kept {
    /// Files the answer came from, with their identity when it was given.
    depends: Vec<(PathBuf, Value)>,
    interpreter: Interpreter,
}

/// The key of `python`'s answer: the probe's own text (a changed probe
/// asks again), the path as given (a virtual environment's `bin/python` is
/// a symlink to its base, and answers differently), the executable it
/// resolves to, and the variables the probe's `-E` does not shut out that
/// `sysconfig` reads. None when the answer must not be kept.
fn probe_key(python: &Path) -> Option<Value> {
    if !enabled() || python.components().count() < 2 {
        // A bare name is looked up on PATH, which may change between runs.
        return None;
    }
    let given = std::path::absolute(python).ok()?;
    let real = given.canonicalize().ok()?;
    let mut head = [0u8; 4];
    std::fs::File::open(&real)
        .ok()?
        .read_exact(&mut head)
        .ok()?;
    if &head != b"\x7fELF" {
        return None;
    }
    let variables: Vec<(String, String)> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .filter(|(k, _)| k.starts_with("_PYTHON_"))
        .collect();
    Some(serde_json::json!({
        "probe": fnv1a(crate::probe::PROBE.as_bytes()),
        "given": given,
        "executable": identity(&real),
        "variables": variables,
    }))
}

/// What else the answer depends on: the virtual environment's
/// `pyvenv.cfg` (where it is or would be) and site directories, the
/// standard library's directory (an upgrade in place replaces its
/// `_sysconfigdata`, which changes its listing), `lib-dynload`, the shared
/// library and the headers (installed later, they make `include_dir`).
fn depends_on(python: &Path, interpreter: &Interpreter) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Ok(given) = std::path::absolute(python)
        && let Some(prefix) = given.parent().and_then(Path::parent)
    {
        files.push(prefix.join("pyvenv.cfg"));
    }
    let version = format!(
        "python{}.{}",
        interpreter.version.major, interpreter.version.minor
    );
    if let Some(prefix) = &interpreter.prefix {
        files.push(prefix.join("lib").join(&version));
        files.push(prefix.join("include"));
        files.push(
            prefix
                .join("include")
                .join(format!("{version}{}", interpreter.abiflags)),
        );
    }
    if let Some(include) = &interpreter.include_dir {
        files.push(include.join("Python.h"));
    }
    files.extend(interpreter.lib_dynload.clone());
    if let Some(libdir) = &interpreter.libdir {
        files.push(libdir.clone());
        for name in [&interpreter.ldlibrary, &interpreter.instsoname]
            .into_iter()
            .flatten()
        {
            files.push(libdir.join(name));
        }
    }
    if let Some(environment) = &interpreter.environment {
        files.push(environment.prefix.join("pyvenv.cfg"));
        files.extend(environment.site_packages.iter().cloned());
    }
    files.sort();
    files.dedup();
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_entry_is_read_back_only_under_its_own_key() {
        let dir = tempfile::tempdir().unwrap();
        let key = json!({"a": 1});
        assert_eq!(read_in::<Vec<u32>>(dir.path(), "k", &key), None);
        write_in(dir.path(), "k", &key, &vec![1u32, 2]).unwrap();
        assert_eq!(read_in(dir.path(), "k", &key), Some(vec![1u32, 2]));
        assert_eq!(read_in::<Vec<u32>>(dir.path(), "k", &json!({"a": 2})), None);
        assert_eq!(read_in::<Vec<u32>>(dir.path(), "other", &key), None);
        // Same file name, another key inside (a collision): a miss.
        let path = entry_path(dir.path(), "k", &key.to_string());
        std::fs::write(&path, json!({"key": "{}", "value": [1]}).to_string()).unwrap();
        assert_eq!(read_in::<Vec<u32>>(dir.path(), "k", &key), None);
    }

    #[test]
    fn a_corrupt_or_unreadable_entry_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let key = json!("k");
        write_in(dir.path(), "k", &key, &3u32).unwrap();
        let path = entry_path(dir.path(), "k", &key.to_string());
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
        assert_eq!(read_in::<u32>(dir.path(), "k", &key), None);
        // A value of another layout.
        std::fs::write(
            &path,
            json!({"key": key.to_string(), "value": "x"}).to_string(),
        )
        .unwrap();
        assert_eq!(read_in::<u32>(dir.path(), "k", &key), None);
        // A directory where the file should be.
        std::fs::remove_file(&path).unwrap();
        std::fs::create_dir(&path).unwrap();
        assert_eq!(read_in::<u32>(dir.path(), "k", &key), None);
        assert_eq!(write_in(dir.path(), "k", &key, &3u32), None);
    }

    #[test]
    fn writers_at_the_same_time_leave_a_whole_entry_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let key = json!("shared");
        std::thread::scope(|scope| {
            for n in 0..8u32 {
                let root = dir.path();
                let key = &key;
                scope.spawn(move || {
                    for _ in 0..20 {
                        write_in(root, "k", key, &vec![n; 1000]).unwrap();
                        let read: Vec<u32> = read_in(root, "k", key).unwrap();
                        assert!(read.len() == 1000 && read.iter().all(|v| *v == read[0]));
                    }
                });
            }
        });
        let names: Vec<_> = std::fs::read_dir(dir.path().join("k"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn a_file_rewritten_in_place_has_a_new_identity() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pyvenv.cfg");
        let absent = identity(&path);
        std::fs::write(&path, "home = /a\n").unwrap();
        let first = identity(&path);
        assert_ne!(absent, first);
        assert_eq!(first, identity(&path));
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, "home = /b\n").unwrap();
        assert_ne!(first, identity(&path));
    }

    #[test]
    fn scripts_are_asked_every_time() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("python");
        std::fs::write(&script, "#!/bin/sh\nexec python3 \"$@\"\n").unwrap();
        assert_eq!(probe_key(&script), None);
        assert_eq!(probe_key(Path::new("python3")), None);
    }
}
