//! Finding and running the external tools the corpus is built with.

use std::collections::HashMap;
use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

use crate::BuildError;

/// Debian installs LLVM tools with a version suffix (`ld64.lld-14`) and only
/// some of them unsuffixed; look for both, newest first.
const LLVM_VERSIONS: std::ops::RangeInclusive<u32> = 14..=21;

/// The first of `names` on PATH, also trying `name-N` for LLVM versions.
pub fn find_tool(names: &[&str]) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    let dirs: Vec<PathBuf> = env::split_paths(&path).collect();
    let candidates = names.iter().flat_map(|name| {
        std::iter::once(name.to_string())
            .chain(LLVM_VERSIONS.rev().map(move |v| format!("{name}-{v}")))
    });
    for candidate in candidates {
        if let Some(found) = dirs
            .iter()
            .map(|d| d.join(&candidate))
            .find(|p| p.is_file())
        {
            return Some(found);
        }
    }
    None
}

pub(crate) fn require_tool(names: &[&str], hint: &'static str) -> Result<PathBuf, BuildError> {
    find_tool(names).ok_or_else(|| BuildError::ToolMissing {
        tool: names.join(" or "),
        hint,
    })
}

/// The first line of `tool --version`, memoised: part of every fingerprint, so
/// that a compiler upgrade rebuilds the corpus.
pub(crate) fn identity(tool: &Path) -> String {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, String>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(known) = cache.lock().unwrap().get(tool) {
        return known.clone();
    }
    let version = Command::new(tool)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .map(|o| {
            let text = if o.stdout.is_empty() {
                o.stderr
            } else {
                o.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .unwrap_or_default();
    let identity = format!("{}: {version}", tool.display());
    cache
        .lock()
        .unwrap()
        .insert(tool.to_path_buf(), identity.clone());
    identity
}

/// Runs a build command; on failure the error carries the command line and
/// what it wrote to stderr.
pub(crate) fn run(command: &mut Command, what: &str) -> Result<(), BuildError> {
    let rendered = render(command);
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| BuildError::Command {
            what: what.to_owned(),
            command: rendered.clone(),
            status: "not started".into(),
            stderr: e.to_string(),
        })?;
    if output.status.success() {
        return Ok(());
    }
    let mut stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    stderr.push_str(&String::from_utf8_lossy(&output.stdout));
    Err(BuildError::Command {
        what: what.to_owned(),
        command: rendered,
        status: output.status.to_string(),
        stderr,
    })
}

fn render(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}
