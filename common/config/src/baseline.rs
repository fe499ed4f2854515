use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The file format's version; a reader refuses any other.
const SCHEMA: u64 = 1;

/// One finding a baseline accepts. Its identity is everything but
/// `message`; `path` is normalised (see [`crate::Policy::entry`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub tool: String,
    pub check: String,
    pub path: String,
    pub module: Option<String>,
    #[serde(default)]
    pub context: Vec<String>,
    /// For people reading the file; not part of the identity.
    pub message: String,
}

/// Findings accepted as they are: a gate fails only on findings not in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    path: PathBuf,
    entries: Vec<Entry>,
}

/// A baseline that cannot be read or written: one line naming the file.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{}: cannot read the baseline: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("{}: not a baseline file: {source}", path.display())]
    NotJson {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{}: baseline schema is {found}; this version reads schema {SCHEMA} (write it again with --write-baseline)", path.display())]
    Schema { path: PathBuf, found: String },
    #[error("{}: cannot write the baseline: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
}

#[derive(Serialize, Deserialize)]
struct Document {
    schema: u64,
    findings: Vec<Entry>,
}

/// Read first on its own, so that a file of another schema is named as
/// such rather than as malformed.
#[derive(Deserialize)]
struct Header {
    schema: Option<serde_json::Value>,
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let text = fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: path.to_owned(),
            source,
        })?;
        let not_json = |source| BaselineError::NotJson {
            path: path.to_owned(),
            source,
        };
        let header: Header = serde_json::from_str(&text).map_err(not_json)?;
        match header.schema {
            Some(serde_json::Value::Number(n)) if n.as_u64() == Some(SCHEMA) => {}
            Some(other) => {
                return Err(BaselineError::Schema {
                    path: path.to_owned(),
                    found: other.to_string(),
                });
            }
            None => {
                return Err(BaselineError::Schema {
                    path: path.to_owned(),
                    found: "missing".to_owned(),
                });
            }
        }
        let document: Document = serde_json::from_str(&text).map_err(not_json)?;
        Ok(Baseline {
            path: path.to_owned(),
            entries: document.findings,
        })
    }

    /// Writes `entries` (all from `tool`) to `path`, keeping the entries of
    /// other tools already in the file: both tools share one baseline.
    /// Sorted, so that the file diffs well; written beside `path` and
    /// renamed over it, so that a reader never sees half a file.
    pub fn write(path: &Path, tool: &str, entries: Vec<Entry>) -> Result<(), BaselineError> {
        let mut all = match Baseline::read(path) {
            Ok(existing) => existing.entries,
            Err(BaselineError::Read { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                Vec::new()
            }
            // A file we cannot understand is not ours to overwrite.
            Err(error) => return Err(error),
        };
        all.retain(|entry| entry.tool != tool);
        all.extend(entries);
        all.sort();
        let document = Document {
            schema: SCHEMA,
            findings: all,
        };
        let mut text = serde_json::to_string_pretty(&document)
            .expect("a baseline is strings and numbers only");
        text.push('\n');
        write_atomically(path, text.as_bytes()).map_err(|source| BaselineError::Write {
            path: path.to_owned(),
            source,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    // Same directory: a rename within one filesystem is atomic.
    let temporary = path.with_file_name(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut file = File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if written.is_err() {
        // Best effort: the error that matters is the one being returned.
        let _ = fs::remove_file(&temporary);
    }
    written
}

/// What the baseline did in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineSummary {
    pub path: PathBuf,
    /// Findings hidden because the baseline has them.
    pub known: usize,
    /// This tool's entries (of selected checks) that matched no finding.
    pub fixed: usize,
}
