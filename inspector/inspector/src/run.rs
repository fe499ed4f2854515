//! Inspecting everything the command line names. A file that cannot be
//! read is a report of its own; it never stops the others.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use checkmeta::Severity;
use checks::{FileKind, FileReport, Options};
use serde::Serialize;

use crate::input::{self, Candidate, Source};
use crate::mapped::Bytes;
use crate::wheel;

/// The version of the JSON document's shape (docs/json-output.md).
pub const SCHEMA: u32 = 1;

/// Totals over a run, as printed and as in the JSON `summary`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub extensions: usize,
    pub not_extensions: usize,
    /// Libraries that modules link (`library` says why): not modules.
    pub libraries: usize,
    pub unreadable: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Said once per run: checks that could not judge some files for want
    /// of data (`undefined-python-symbol: no export table for CPython 3.14
    /// (2 files not checked)`). Absent from the JSON when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
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
    // What installed distributions and projects declare comes after what
    // the user said (Options::floor_for ranks them).
    let mut options = options.clone();
    options.floors.extend(crate::floors::declared(paths));
    inspect_all(paths, &options, progress, &inspect_named)
}

/// How one binary's bytes become a report; the run loop takes it as a
/// parameter so a test can prove what happens when it panics.
type Inspect =
    dyn Fn(String, &str, &[u8], Option<&naming::WheelName>, &Options) -> FileReport + Sync;

/// What a worker tells the thread that keeps the reports in order.
enum Event {
    Started(usize),
    Done(usize, Inspected),
}

/// The reports of one command-line candidate, and whether it could not be
/// read from disk at all.
type Inspected = (Vec<FileReport>, bool);

fn inspect_all(
    paths: &[PathBuf],
    options: &Options,
    progress: &mut dyn FnMut(Step<'_>),
    inspect: &Inspect,
) -> Outcome {
    let candidates = input::collect(paths);
    progress(Step::Found(candidates.len()));
    // Files are independent: one worker per core, each taking the next
    // candidate; reports are put back in command-line order. The cores the
    // file workers leave are shared out to read a wheel's members, so the
    // threads never outnumber the cores.
    let cores = cores();
    let workers = cores.min(candidates.len());
    let member_workers = (cores / workers.max(1)).max(1);
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<Inspected>> = (0..candidates.len()).map(|_| None).collect();
    let (events, received) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let events = events.clone();
            let (next, candidates) = (&next, &candidates);
            scope.spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(candidate) = candidates.get(index) else {
                        break;
                    };
                    let _ = events.send(Event::Started(index));
                    let done = inspect_candidate(candidate, options, member_workers, inspect);
                    let _ = events.send(Event::Done(index, done));
                }
            });
        }
        drop(events);
        for event in received {
            match event {
                Event::Started(index) => {
                    if let Candidate::Found(Source::File(path) | Source::Wheel(path)) =
                        &candidates[index]
                    {
                        progress(Step::Inspecting(path));
                    }
                }
                Event::Done(index, done) => {
                    slots[index] = Some(done);
                    progress(Step::Inspected);
                }
            }
        }
    });
    let mut files = Vec::new();
    let mut io_error = false;
    for (reports, unreadable) in slots.into_iter().flatten() {
        files.extend(reports);
        io_error |= unreadable;
    }
    crate::linked::mark_libraries(&mut files);
    let summary = summarise(&files);
    Outcome {
        schema: SCHEMA,
        files,
        summary,
        io_error,
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn inspect_candidate(
    candidate: &Candidate,
    options: &Options,
    member_workers: usize,
    inspect: &Inspect,
) -> Inspected {
    match candidate {
        Candidate::Failed { path, error } => (
            vec![checks::unreadable(
                display(path),
                &format!("cannot read: {error}"),
            )],
            true,
        ),
        Candidate::Found(Source::File(path)) => match Bytes::open(path) {
            Ok(bytes) => (
                vec![guarded(display(path), |label| {
                    inspect(label, &file_name(path), &bytes, None, options)
                })],
                false,
            ),
            Err(e) => (
                vec![checks::unreadable(
                    display(path),
                    &format!("cannot read: {e}"),
                )],
                true,
            ),
        },
        Candidate::Found(Source::Wheel(path)) => match Bytes::open(path) {
            Ok(bytes) => {
                let name = file_name(path);
                let label = display(path);
                let reports = guarded_many(label.clone(), || {
                    wheel_reports_read(&label, &name, &bytes, options, member_workers, inspect).0
                });
                (reports, false)
            }
            Err(e) => (
                vec![checks::unreadable(
                    display(path),
                    &format!("cannot open wheel: {e}"),
                )],
                true,
            ),
        },
    }
}

/// The whole inspection of one file's bytes: what `extinspect FILE` does
/// once the file is read (`file_name` decides the expected module name and
/// tag). Never panics: a bug is reported as a finding on the file.
pub fn inspect_file_bytes(
    label: String,
    file_name: &str,
    bytes: &[u8],
    options: &Options,
) -> FileReport {
    guarded(label, |label| {
        inspect_named(label, file_name, bytes, None, options)
    })
}

/// The whole inspection of one wheel's bytes: a report per binary member,
/// or one for the wheel when it cannot be read as a zip. `file_name` is the
/// wheel's name, whose tags the members are held to. Never panics.
pub fn inspect_wheel_bytes(
    label: &str,
    file_name: &str,
    bytes: &[u8],
    options: &Options,
) -> Vec<FileReport> {
    inspect_wheel_bytes_read(label, file_name, bytes, options).0
}

fn wheel_reports_read(
    label: &str,
    file_name: &str,
    bytes: &[u8],
    options: &Options,
    workers: usize,
    inspect: &Inspect,
) -> (Vec<FileReport>, Vec<wheel::MemberRead>) {
    let tags = naming::parse_wheel_filename(file_name);
    let archive = wheel::map_binary_members(bytes, workers, &|member, contents| {
        let member_label = format!("{label}!{}", printable(member));
        match contents {
            Ok(contents) => {
                let name = member.rsplit('/').next().unwrap_or(member);
                guarded(member_label, |label| {
                    inspect_member(label, name, contents, tags.as_ref(), options, inspect)
                })
            }
            Err(e) => checks::unreadable(member_label, &e.to_string()),
        }
    });
    match archive {
        // One copy of a twice-named member is inspected; which one an
        // installer keeps is the archive's problem, reported on the wheel.
        Ok(mut archive) => {
            if archive.duplicate_names {
                archive.members.push(checks::unreadable(
                    label.to_owned(),
                    "the central directory names a member more than once; installers keep whichever they write last",
                ));
            }
            (archive.members, archive.read)
        }
        // A wheel that opens but is not a zip is a broken artifact, like a
        // broken binary, not an I/O error.
        Err(e) => (
            vec![checks::unreadable(label.to_owned(), &e.to_string())],
            Vec::new(),
        ),
    }
}

/// One wheel member: a library vendored into `<dist>.libs/` or `.dylibs/`
/// is read only as far as its headers (see [`vendored`]); an inflating ELF
/// module is first read as far as its
/// dynamic view (the first pages: dynamic symbols, imports, needed
/// libraries), and inflated whole only when the checks would read its
/// static symbol table or the view cannot be had; the report is the same.
fn inspect_member(
    label: String,
    name: &str,
    member: &wheel::Member<'_>,
    tags: Option<&naming::WheelName>,
    options: &Options,
    inspect: &Inspect,
) -> FileReport {
    if vendored(&label) {
        return match binary::parse_headers(member) {
            Ok(headers) => checks::inspect(label, name, &headers, tags, options),
            Err(e) => checks::unreadable(label, &e.to_string()),
        };
    }
    if member.is_inflating()
        && let Some(view) = binary::parse_dynamic(member)
        && !checks::needs_static_symbols(&label, name, &view, tags, options)
    {
        return checks::inspect(label, name, &view, tags, options);
    }
    match member.all() {
        Ok(bytes) => inspect(label, name, bytes, tags, options),
        Err(e) => checks::unreadable(label, &e.to_string()),
    }
}

/// [`inspect_wheel_bytes`], with how much of each binary member was read
/// (in the order of the members' reports).
pub fn inspect_wheel_bytes_read(
    label: &str,
    file_name: &str,
    bytes: &[u8],
    options: &Options,
) -> (Vec<FileReport>, Vec<wheel::MemberRead>) {
    let mut read = Vec::new();
    let mut reports = guarded_many(label.to_owned(), || {
        let (reports, counted) =
            wheel_reports_read(label, file_name, bytes, options, cores(), &inspect_named);
        read = counted;
        reports
    });
    crate::linked::mark_libraries(&mut reports);
    (reports, read)
}

/// Runs one file's inspection so that a panic in it, which is a bug in
/// extinspect or a library under it, becomes a finding on that file and the
/// run goes on with the next.
fn guarded(label: String, inspect: impl FnOnce(String) -> FileReport) -> FileReport {
    let for_panic = label.clone();
    std::panic::catch_unwind(AssertUnwindSafe(|| inspect(label)))
        .unwrap_or_else(|payload| checks::unreadable(for_panic, &internal_error(&*payload)))
}

fn guarded_many(label: String, inspect: impl FnOnce() -> Vec<FileReport>) -> Vec<FileReport> {
    std::panic::catch_unwind(AssertUnwindSafe(inspect))
        .unwrap_or_else(|payload| vec![checks::unreadable(label, &internal_error(&*payload))])
}

fn internal_error(payload: &(dyn Any + Send)) -> String {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    format!(
        "internal error: extinspect panicked while inspecting this file ({message}); \
         this is a bug in extinspect, please report it with the file"
    )
}

fn inspect_named(
    label: String,
    file_name: &str,
    bytes: &[u8],
    wheel: Option<&naming::WheelName>,
    options: &Options,
) -> FileReport {
    let parsed = if vendored(&label) {
        binary::parse_headers(&bytes)
    } else {
        binary::parse(bytes)
    };
    match parsed {
        Ok(parsed) => checks::inspect(label, file_name, &parsed, wheel, options),
        Err(e) => checks::unreadable(label, &e.to_string()),
    }
}

/// Whether the file or wheel member `label` names is a library vendored
/// beside the packages (`naming::vendored_library_dir`): a library by its
/// path, whose report says only its format and architecture (no import
/// reaches it, so nothing is checked and an init function it exports is
/// never called). Its headers say both; nothing past them is read, which in
/// a wheel is most of the bytes (numpy's OpenBLAS is 23 of its 40 MiB).
fn vendored(label: &str) -> bool {
    let within = label.rsplit_once('!').map_or(label, |(_, member)| member);
    naming::vendored_library_dir(Path::new(within)).is_some()
}

fn summarise(files: &[FileReport]) -> Summary {
    let mut summary = Summary {
        files: files.len(),
        ..Summary::default()
    };
    let mut not_checked: std::collections::BTreeMap<
        &str,
        (std::collections::BTreeSet<&str>, usize),
    > = Default::default();
    for file in files {
        match file.kind {
            FileKind::Extension => summary.extensions += 1,
            FileKind::NotExtension => summary.not_extensions += 1,
            FileKind::Library => summary.libraries += 1,
            FileKind::Unreadable => summary.unreadable += 1,
        }
        for skipped in &file.not_checked {
            let entry = not_checked.entry(skipped.check).or_default();
            entry.0.insert(skipped.missing.as_str());
            entry.1 += 1;
        }
        for finding in &file.findings {
            match finding.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
    }
    summary.notes = not_checked
        .into_iter()
        .map(|(check, (missing, count))| {
            let missing: Vec<&str> = missing.into_iter().collect();
            format!(
                "{check}: no export table for CPython {} ({count} file{} not checked)",
                missing.join(", "),
                if count == 1 { "" } else { "s" }
            )
        })
        .collect();
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

#[cfg(test)]
mod tests;
