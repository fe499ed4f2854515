//! What CPython itself leaves behind per cycle: every runtime loses some
//! memory to finalisation (3.8 and 3.9 about a thousand blocks a cycle),
//! so a module's cycles are judged against the same host's cycles with no
//! module imported.
//!
//! One baseline per host, interpreter library, debug-hook setting and
//! cycle count, run once per process and shared by every module's reinit
//! run: the first worker to need it runs it while the others wait for it,
//! and a result stays for the life of the process. A failure is not kept:
//! the next module's run tries again (one slow run under load must not
//! cost every later module its reinit scenario).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use interpreters::Interpreter;

use super::launch;
use super::records::Left;
use crate::process::{HostCommand, Settings};

/// The host, libpython, the virtual environment (its packages load in
/// every runtime), `--malloc-debug` and the cycles.
type Key = (HostCommand, PathBuf, Option<PathBuf>, bool, u32);
type Slot = Arc<Mutex<Option<Vec<Left>>>>;

static BASELINES: OnceLock<Mutex<HashMap<Key, Slot>>> = OnceLock::new();

/// What each of `cycles` cycles left with no module, or why the baseline
/// could not be had.
pub(super) fn get(
    interpreter: &Interpreter,
    libpython: PathBuf,
    host: &HostCommand,
    settings: &Settings,
    cycles: u32,
) -> Result<Vec<Left>, String> {
    let slot = BASELINES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry((
            host.clone(),
            libpython,
            interpreter.environment.as_ref().map(|e| e.prefix.clone()),
            settings.malloc_debug,
            cycles,
        ))
        .or_default()
        .clone();
    let mut kept = slot.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(left) = kept.as_ref() {
        return Ok(left.clone());
    }
    let left = measure(interpreter, host, settings, cycles)?;
    *kept = Some(left.clone());
    Ok(left)
}

fn measure(
    interpreter: &Interpreter,
    host: &HostCommand,
    settings: &Settings,
    cycles: u32,
) -> Result<Vec<Left>, String> {
    let why = |detail: String| format!("the baseline run (no module) failed: {detail}");
    let (output, report) =
        launch(interpreter, host, None, settings, cycles).map_err(|e| why(e.to_string()))?;
    if let Some(error) = report.error {
        return Err(why(error));
    }
    let left: Vec<Left> = report.cycles.iter().filter_map(|c| c.left).collect();
    if !report.done || left.len() != cycles as usize {
        let stderr = String::from_utf8_lossy(&output.stderr.bytes);
        let tail = crate::verdict::tail(&stderr).unwrap_or_default();
        return Err(why(format!(
            "the host ended ({:?}) after {} of {cycles} cycles: {}",
            output.ending,
            left.len(),
            tail
        )));
    }
    Ok(left)
}
