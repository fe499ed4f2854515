use std::fmt::Write;

use checks::{FileKind, FileReport};

use clikit::Paint;
use inspector::Outcome;

/// The default output: a block per file, then one summary line.
pub fn text(outcome: &Outcome) -> String {
    text_styled(outcome, Paint::PLAIN)
}

/// [`text`], coloured when `paint` says so.
pub fn text_styled(outcome: &Outcome, paint: Paint) -> String {
    text_with(outcome, paint, false)
}

/// [`text_styled`]; `quiet` (`--quiet`) leaves out the files without a
/// finding.
pub fn text_with(outcome: &Outcome, paint: Paint, quiet: bool) -> String {
    let mut out = String::new();
    for file in &outcome.files {
        if quiet && file.findings.is_empty() {
            continue;
        }
        file_block(file, paint, &mut out);
    }
    summary(outcome, &mut out);
    out
}

/// `--format concise`: `path: check [severity] message`, a line per
/// finding (ruff's `concise`), then the summary.
pub fn concise(outcome: &Outcome, paint: Paint) -> String {
    let mut out = String::new();
    for file in &outcome.files {
        for finding in &file.findings {
            let line = paint.concise_line(
                &file.path,
                finding.check,
                finding.severity,
                &finding.message,
            );
            let _ = writeln!(out, "{line}");
        }
    }
    summary(outcome, &mut out);
    out
}

fn summary(outcome: &Outcome, out: &mut String) {
    let s = &outcome.summary;
    let _ = writeln!(
        out,
        "{} {} inspected ({} extension module{}, {} librar{}, {} other, {} unreadable): {} error{}, {} warning{}, {} info",
        s.files,
        if s.files == 1 { "file" } else { "files" },
        s.extensions,
        plural(s.extensions),
        s.libraries,
        if s.libraries == 1 { "y" } else { "ies" },
        s.not_extensions,
        s.unreadable,
        s.errors,
        plural(s.errors),
        s.warnings,
        plural(s.warnings),
        s.infos,
    );
    for note in &s.notes {
        let _ = writeln!(out, "note: {note}");
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn file_block(file: &FileReport, paint: Paint, out: &mut String) {
    let _ = write!(out, "{}", paint.strong(&file.path));
    match file.kind {
        FileKind::Unreadable => {}
        FileKind::NotExtension => {
            let _ = writeln!(
                out,
                " ({}): {}",
                describe(file),
                paint.faint(
                    "not a Python extension module (no init function, no Python imports); skipped"
                )
            );
            return;
        }
        FileKind::Library => {
            let _ = writeln!(
                out,
                " ({}): {}",
                describe(file),
                paint.faint(file.library.as_deref().unwrap_or("a library"))
            );
            return;
        }
        FileKind::Extension => {
            let _ = write!(out, " ({})", describe(file));
        }
    }
    if file.findings.is_empty() {
        let _ = writeln!(out, ": {}", paint.good("ok"));
        return;
    }
    out.push('\n');
    for finding in &file.findings {
        let _ = writeln!(
            out,
            "  {}[{}]: {}",
            paint.severity(finding.severity),
            paint.strong(finding.check),
            finding.message
        );
    }
}

fn describe(file: &FileReport) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(format) = file.format {
        parts.push(format.to_string());
    }
    if !file.arch.is_empty() {
        parts.push(file.arch.join("+"));
    }
    if let Some(module) = &file.module {
        parts.push(format!("module {module}"));
    }
    if let Some(tag) = &file.tag {
        let mut t = String::new();
        if tag.abi3 {
            t.push_str(if tag.abi3t { "abi3t" } else { "abi3" });
            if let Some(min) = &tag.abi3_min {
                let _ = write!(t, " {min}+");
            }
        } else if let Some(python) = &tag.python {
            t.push_str(&format!("CPython {python}"));
        }
        if tag.debug {
            t.push_str(" debug");
        }
        if tag.abi3t {
            // PEP 803: both builds of 3.15+ load abi3t.
            t.push_str(" GIL-enabled and free-threaded");
        } else if tag.free_threaded {
            t.push_str(" free-threaded");
        }
        if !t.is_empty() {
            parts.push(t);
        }
    }
    parts.join(", ")
}
