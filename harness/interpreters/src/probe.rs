use std::path::Path;
use std::process::{Command, Stdio};

use crate::{Interpreter, Origin, ProbeError};

const PROBE: &str = include_str!("probe.py");

/// Runs the probe under `python` and returns what it reported.
///
/// `-E -s` rather than `-I`: Python 2.7 has no `-I`, and old interpreters must
/// still answer so that they can be recognised and skipped by version.
pub fn probe(python: &Path) -> Result<Interpreter, ProbeError> {
    let output = Command::new(python)
        .args(["-E", "-s", "-c", PROBE])
        .env_remove("PYTHONPATH")
        .env_remove("PYTHONHOME")
        .stdin(Stdio::null())
        .output()
        .map_err(|source| ProbeError::Spawn {
            path: python.to_path_buf(),
            source,
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(ProbeError::Failed {
            path: python.to_path_buf(),
            status: output.status,
            stderr: stderr.lines().last().unwrap_or("").trim().to_owned(),
        });
    }
    let mut interpreter: Interpreter =
        serde_json::from_slice(&output.stdout).map_err(|source| ProbeError::BadReport {
            path: python.to_path_buf(),
            source,
        })?;
    interpreter.origin = Origin::Explicit;
    Ok(interpreter)
}
