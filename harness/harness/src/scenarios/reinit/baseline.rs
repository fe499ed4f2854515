//! What CPython itself leaves behind per cycle: every runtime loses some
//! memory to finalisation (3.8 and 3.9 about a thousand blocks a cycle),
//! so a module's cycles are judged against the same host's cycles with no
//! module imported.
//!
//! One baseline per host, interpreter library, debug-hook setting and
//! cycle count, shared by every module's reinit run: [`warm`] starts it as
//! soon as the run knows its interpreters (beside the first `import`), and
//! a module's run that needs it before it is done waits for it. A result
//! stays for the life of the process and is kept on disk across runs
//! (`interpreters::cache`). A failure is not kept: the next module's run
//! tries again (one slow run under load must not cost every later module
//! its reinit scenario).
//!
//! Why a baseline kept from an earlier run is as good as one measured now:
//! it is what the runtime loses with nothing of the user's loaded, in a
//! child whose environment is the harness's own (no variable of the
//! user's), and CPython's losses repeat exactly from the second cycle on,
//! so one measurement stands for all, as it already does for every module
//! of one run. What could change it is what the key names: the host (the
//! harness binary, whose build embeds `cycle.py` and the tracker), the
//! shared library and the standard library beside it (an upgrade), the
//! virtual environment's `pyvenv.cfg` and what its site directories make
//! every runtime run at start (`.pth` files, `sitecustomize`, and any
//! install or removal, which changes the directory's listing),
//! `--malloc-debug` and the cycles.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use interpreters::{Interpreter, cache};
use serde_json::{Value, json};

use super::launch;
use super::records::Left;
use crate::process::{HostCommand, Settings};

/// The host, libpython, the virtual environment (its packages load in
/// every runtime), `--malloc-debug` and the cycles.
type Key = (HostCommand, PathBuf, Option<PathBuf>, bool, u32);
type Slot = Arc<Mutex<Option<Vec<Left>>>>;

static BASELINES: OnceLock<Mutex<HashMap<Key, Slot>>> = OnceLock::new();

/// Where the baselines are kept on disk, under the cache's root.
const KIND: &str = "reinit-baselines";

/// Has the baseline of `interpreter` ready (from disk, or measured now)
/// for the module runs that will need it; a failure waits for them to try
/// again and say why.
pub(crate) fn warm(interpreter: &Interpreter, settings: &Settings) {
    let Some(host) = &settings.host else { return };
    let Some(libpython) = super::embeddable(interpreter) else {
        return;
    };
    let _ = get(interpreter, libpython, host, settings, super::CYCLES);
}

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
            libpython.clone(),
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
    let key = disk_key(interpreter, &libpython, host, settings, cycles);
    if let Some(left) = cache::read::<Vec<Left>>(KIND, &key).filter(|l| l.len() == cycles as usize)
    {
        *kept = Some(left.clone());
        return Ok(left);
    }
    let left = measure(interpreter, host, settings, cycles)?;
    cache::write(KIND, &key, &left);
    *kept = Some(left.clone());
    Ok(left)
}

/// The key of a baseline on disk (see the module's comment for why these
/// parts and no others).
fn disk_key(
    interpreter: &Interpreter,
    libpython: &Path,
    host: &HostCommand,
    settings: &Settings,
    cycles: u32,
) -> Value {
    let stdlib = interpreter.prefix.as_ref().map(|prefix| {
        prefix.join("lib").join(format!(
            "python{}.{}",
            interpreter.version.major, interpreter.version.minor
        ))
    });
    let environment = interpreter.environment.as_ref().map(|e| {
        let sites: Vec<Value> = e.site_packages.iter().map(|d| site_state(d)).collect();
        json!({
            "prefix": e.prefix,
            "pyvenv.cfg": cache::identity(&e.prefix.join("pyvenv.cfg")),
            "site_packages": sites,
        })
    });
    // The installation's own site directories, which an embedded runtime
    // reads at start too (CPython's, and Debian's beside `/usr/local`).
    let base_sites: Vec<Value> = interpreter
        .prefix
        .iter()
        .flat_map(|prefix| {
            let version = format!(
                "python{}.{}",
                interpreter.version.major, interpreter.version.minor
            );
            [
                prefix.join("lib").join(&version).join("site-packages"),
                prefix.join("lib/python3/dist-packages"),
                prefix
                    .join("local/lib")
                    .join(&version)
                    .join("dist-packages"),
            ]
        })
        .map(|dir| site_state(&dir))
        .collect();
    json!({
        "harness": env!("CARGO_PKG_VERSION"),
        "base_sites": base_sites,
        "host": cache::identity(&host.program),
        "host_args": host.args.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>(),
        "libpython": cache::identity(libpython),
        "stdlib": stdlib.as_deref().map(cache::identity),
        "prefix": interpreter.prefix,
        "exec_prefix": interpreter.exec_prefix,
        "environment": environment,
        "malloc_debug": settings.malloc_debug,
        "cycles": cycles,
    })
}

/// A site directory as far as a runtime's start reads it: its listing's
/// identity (any install or removal changes it) and that of each `.pth`
/// file and `sitecustomize`/`usercustomize`, which can be edited in place.
fn site_state(dir: &Path) -> Value {
    let mut read: Vec<Value> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            name.ends_with(".pth")
                || name.starts_with("sitecustomize")
                || name.starts_with("usercustomize")
        })
        .map(|path| cache::identity(&path))
        .collect();
    read.sort_by_key(|v| v.to_string());
    json!({ "dir": cache::identity(dir), "read": read })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_directory_changes_its_state_with_what_a_runtime_runs_at_start() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path();
        let pause = || std::thread::sleep(std::time::Duration::from_millis(20));
        let empty = site_state(site);
        assert_eq!(empty, site_state(site));
        std::fs::write(site.join("a.pth"), "import os\n").unwrap();
        let with_pth = site_state(site);
        assert_ne!(empty, with_pth);
        pause();
        // Edited in place: the listing is the same, the file is not.
        std::fs::write(site.join("a.pth"), "import sys\n").unwrap();
        let edited = site_state(site);
        assert_ne!(with_pth, edited);
        pause();
        // Any install changes the listing.
        std::fs::create_dir(site.join("package")).unwrap();
        assert_ne!(edited, site_state(site));
    }
}
