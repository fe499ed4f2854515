//! Incremental builds: an output is rebuilt only when the fingerprint of what
//! went into it (sources, compiler, interpreter, flags) differs from the one
//! recorded beside it when it was last built.

use std::collections::hash_map::DefaultHasher;
use std::fs::{self, File};
use std::hash::Hasher;
use std::path::{Path, PathBuf};

use crate::BuildError;

/// Accumulates everything an output depends on. The hash is only compared with
/// one written by the same code, so a different hasher in another Rust release
/// costs at most one rebuild.
#[derive(Default)]
pub(crate) struct Fingerprint(DefaultHasher);

impl Fingerprint {
    pub(crate) fn text(mut self, text: &str) -> Self {
        self.0.write(text.as_bytes());
        self.0.write_u8(0xff);
        self
    }

    pub(crate) fn file(self, path: &Path) -> Result<Self, BuildError> {
        let bytes = fs::read(path).map_err(|e| BuildError::io(path, e))?;
        let mut this = self.text(&path.to_string_lossy());
        this.0.write(&bytes);
        Ok(this)
    }

    pub(crate) fn finish(&self) -> String {
        format!("{:016x}", self.0.finish())
    }
}

fn stamp_path(output: &Path) -> PathBuf {
    let name = output.file_name().unwrap_or_default().to_string_lossy();
    output
        .parent()
        .unwrap_or(Path::new("."))
        .join(".stamps")
        .join(format!("{name}.stamp"))
}

/// The output exists and was built from exactly this fingerprint.
fn is_fresh(output: &Path, fingerprint: &str) -> bool {
    output.is_file()
        && fs::read_to_string(stamp_path(output)).is_ok_and(|stamp| stamp.trim() == fingerprint)
}

fn record(output: &Path, fingerprint: &str) -> Result<(), BuildError> {
    let stamp = stamp_path(output);
    if let Some(dir) = stamp.parent() {
        fs::create_dir_all(dir).map_err(|e| BuildError::io(dir, e))?;
    }
    fs::write(&stamp, fingerprint).map_err(|e| BuildError::io(&stamp, e))
}

/// Runs `make` unless `output` is fresh for `fingerprint`, then records the
/// fingerprint; says whether it ran. Every build step goes through here.
pub(crate) fn rebuild_if_stale(
    output: &Path,
    fingerprint: &str,
    make: impl FnOnce() -> Result<(), BuildError>,
) -> Result<bool, BuildError> {
    if is_fresh(output, fingerprint) {
        return Ok(false);
    }
    if let Some(dir) = output.parent() {
        fs::create_dir_all(dir).map_err(|e| BuildError::io(dir, e))?;
    }
    make()?;
    record(output, fingerprint)?;
    Ok(true)
}

/// Writes `bytes` to `path` unless it already holds them, so an unchanged file
/// keeps its mtime; says whether it wrote. The bytes go to a temporary name
/// that is renamed into place: a Python that has the old file mapped keeps its
/// inode instead of seeing it rewritten under it.
pub(crate) fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool, BuildError> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| BuildError::io(dir, e))?;
    }
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let partial = path.with_file_name(format!(".{name}.partial"));
    fs::write(&partial, bytes).map_err(|e| BuildError::io(&partial, e))?;
    fs::rename(&partial, path).map_err(|e| BuildError::io(path, e))?;
    Ok(true)
}

/// An exclusive lock on a build directory, held until dropped, so that test
/// threads and concurrent test binaries building the same corpus take turns.
pub(crate) struct DirLock(#[allow(dead_code)] File);

pub(crate) fn lock_dir(dir: &Path) -> Result<DirLock, BuildError> {
    fs::create_dir_all(dir).map_err(|e| BuildError::io(dir, e))?;
    let path = dir.join(".lock");
    let file = File::create(&path).map_err(|e| BuildError::io(&path, e))?;
    file.lock().map_err(|e| BuildError::io(&path, e))?;
    Ok(DirLock(file))
}
