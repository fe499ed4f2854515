//! `--dist NAME`: the extension modules an installed distribution owns,
//! as its interpreter's `importlib.metadata` reads them from the
//! distribution's `RECORD` (`dist.py`).

use std::path::{Path, PathBuf};
use std::process::Command;

use interpreters::Interpreter;
use serde::Deserialize;

use super::inputs::{self, ModuleInput};

const SOURCE: &str = include_str!("dist.py");

/// What `dist.py` answers: the files, or why it cannot.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    files: Vec<PathBuf>,
}

/// A distribution as one interpreter has it installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub version: String,
    /// Its extension module files (and the libraries it vendors), in the
    /// order the report lists them: a package before its submodules.
    pub files: Vec<PathBuf>,
}

/// Distribution `name` where `interpreter` looks (`None`: not installed
/// there), or why it cannot be asked.
pub fn installed(interpreter: &Interpreter, name: &str) -> Result<Option<Installed>, String> {
    let output = Command::new(interpreter.program())
        .args(["-I", "-c", SOURCE, name])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("LC_ALL", "C.UTF-8")
        .current_dir("/")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", interpreter.program().display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "{} could not list distribution {name}: {}",
            interpreter.program().display(),
            stderr.trim().lines().last().unwrap_or("")
        ));
    }
    let answer: Answer = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("the answer about distribution {name} is malformed: {e}"))?;
    if let Some(error) = answer.error {
        return Err(error);
    }
    Ok(answer.version.map(|version| {
        let mut files = answer.files;
        files.sort_by_key(|f| (depth(f), f.clone()));
        Installed { version, files }
    }))
}

fn depth(path: &Path) -> usize {
    path.components().count()
}

/// The files of the `--dist` distributions, each with the distribution's
/// name, as the interpreters that have them installed list them, and an
/// entry for each that could not be read or has nothing to check.
pub fn files(
    names: &[String],
    interpreters: &[Interpreter],
) -> (Vec<(PathBuf, String)>, Vec<ModuleInput>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for name in names {
        let label = format!("--dist {name}");
        let mut found = Vec::new();
        let mut errors = Vec::new();
        // importlib.metadata is 3.8's.
        for interpreter in interpreters
            .iter()
            .filter(|i| i.version.feature() >= (3, 8))
        {
            match installed(interpreter, name) {
                Ok(Some(installed)) => found.push(installed),
                Ok(None) => {}
                Err(error) => errors.push(error),
            }
        }
        if found.is_empty() {
            let why = match errors.first() {
                Some(error) => error.clone(),
                None => format!("no interpreter here has a distribution named {name} installed"),
            };
            problems.push(inputs::failed(label, why));
            continue;
        }
        let before = files.len();
        for file in found.into_iter().flat_map(|installed| installed.files) {
            if !files.iter().any(|(f, _)| *f == file) {
                files.push((file, name.clone()));
            }
        }
        if files.len() == before {
            problems.push(inputs::nothing_to_run(
                label,
                format!("distribution {name} owns no extension module"),
            ));
        }
    }
    (files, problems)
}
