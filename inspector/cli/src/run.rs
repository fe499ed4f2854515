//! Inspecting everything the command line names. A file that cannot be
//! read is a report of its own; it never stops the others.

use std::path::{Path, PathBuf};

use checks::{FileKind, FileReport, Options, Severity};
use serde::Serialize;

use crate::input::{self, Candidate, Source};
use crate::wheel;

/// The version of the JSON document's shape (docs/json-output.md).
pub const SCHEMA: u32 = 1;

/// Totals over a run, as printed and as in the JSON `summary`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub extensions: usize,
    pub not_extensions: usize,
    pub unreadable: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Bumped only when a field changes meaning or disappears.
    pub schema: u32,
    pub files: Vec<FileReport>,
    pub summary: Summary,
    /// A path could not be read at all (missing, unreadable directory or
    /// wheel): the run is incomplete, which the exit status says.
    #[serde(skip)]
    pub io_error: bool,
}

impl Outcome {
    /// Counts the findings again, after the gate removed or changed some.
    pub fn recount(&mut self) {
        self.summary = summarise(&self.files);
    }

    /// 0 clean, 1 error findings, 2 when some path could not be read.
    pub fn exit_code(&self) -> i32 {
        if self.io_error {
            2
        } else if self.summary.errors > 0 {
            1
        } else {
            0
        }
    }
}

pub fn inspect_paths(paths: &[PathBuf], options: &Options) -> Outcome {
    inspect_paths_with(paths, options, &mut |_| {})
}

/// Where an inspection run is, for a progress display.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    /// This many files and wheels were found to inspect.
    Found(usize),
    /// Inspecting this one.
    Inspecting(&'a Path),
    /// Done with it.
    Inspected,
}

/// [`inspect_paths`], telling `progress` where it is.
pub fn inspect_paths_with(
    paths: &[PathBuf],
    options: &Options,
    progress: &mut dyn FnMut(Step<'_>),
) -> Outcome {
    let mut files = Vec::new();
    let mut io_error = false;
    let candidates = input::collect(paths);
    progress(Step::Found(candidates.len()));
    for candidate in candidates {
        if let Candidate::Found(Source::File(path) | Source::Wheel(path)) = &candidate {
            progress(Step::Inspecting(path));
        }
        match candidate {
            Candidate::Failed { path, error } => {
                io_error = true;
                files.push(checks::unreadable(
                    display(&path),
                    &format!("cannot read: {error}"),
                ));
            }
            Candidate::Found(Source::File(path)) => match std::fs::read(&path) {
                Ok(bytes) => files.push(inspect_named(
                    display(&path),
                    &file_name(&path),
                    &bytes,
                    None,
                    options,
                )),
                Err(e) => {
                    io_error = true;
                    files.push(checks::unreadable(
                        display(&path),
                        &format!("cannot read: {e}"),
                    ));
                }
            },
            Candidate::Found(Source::Wheel(path)) => {
                io_error |= inspect_wheel(&path, options, &mut files);
            }
        }
        progress(Step::Inspected);
    }
    let summary = summarise(&files);
    Outcome {
        schema: SCHEMA,
        files,
        summary,
        io_error,
    }
}

/// Returns whether the wheel itself could not be read from disk.
fn inspect_wheel(path: &Path, options: &Options, files: &mut Vec<FileReport>) -> bool {
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let tags = naming::parse_wheel_filename(file_name);
    let members = match wheel::binary_members(path) {
        Ok(members) => members,
        Err(e) => {
            files.push(checks::unreadable(display(path), &e.to_string()));
            // A wheel that cannot be opened is an I/O error; one that opens
            // but is not a zip is a broken artifact, like a broken binary.
            return matches!(e, wheel::WheelError::Io(_));
        }
    };
    for member in members {
        let label = format!("{}!{}", display(path), printable(&member.name));
        match member.bytes {
            Ok(bytes) => {
                let name = member.name.rsplit('/').next().unwrap_or(&member.name);
                files.push(inspect_named(label, name, &bytes, tags.as_ref(), options));
            }
            Err(e) => files.push(checks::unreadable(label, &e.to_string())),
        }
    }
    false
}

fn inspect_named(
    label: String,
    file_name: &str,
    bytes: &[u8],
    wheel: Option<&naming::WheelName>,
    options: &Options,
) -> FileReport {
    match binary::parse(bytes) {
        Ok(parsed) => checks::inspect(label, file_name, &parsed, wheel, options),
        Err(e) => checks::unreadable(label, &e.to_string()),
    }
}

fn summarise(files: &[FileReport]) -> Summary {
    let mut summary = Summary {
        files: files.len(),
        ..Summary::default()
    };
    for file in files {
        match file.kind {
            FileKind::Extension => summary.extensions += 1,
            FileKind::NotExtension => summary.not_extensions += 1,
            FileKind::Unreadable => summary.unreadable += 1,
        }
        for finding in &file.findings {
            match finding.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
    }
    summary
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn display(path: &Path) -> String {
    printable(&path.to_string_lossy())
}

/// Paths from disk or from a zip can hold control characters; a report
/// line must stay one line and must not drive the terminal.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}
