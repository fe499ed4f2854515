//! `extharness pytest`: its arguments and its report (the binary runs it).
//! Exit status 0 when every test passed clean or was skipped, 1 when any
//! test leaked, crashed, failed, errored or did not run, 2 when the tests
//! could not be run at all.

use std::ffi::OsString;
use std::fmt::Write;
use std::path::PathBuf;

use clap::Args;
use clikit::{CiArgs, Paint};

use crate::render::TextOptions;
use crate::render::evidence::{self, Detail};
use harness::Finding;
use harness::pytest::{PytestReport, TestOutcome};

#[derive(Args)]
#[command(
    after_help = "Arguments for pytest come last, after `--` when the first starts with `-`: \
    extharness pytest --runs 4 -- -k parse tests/"
)]
pub struct PytestArgs {
    /// The interpreter that runs pytest (default: python3 from PATH).
    #[arg(long, value_name = "PATH", default_value = "python3")]
    pub python: PathBuf,
    /// Keep the given interpreter even when a debug build of the same
    /// version could run the tests.
    #[arg(long)]
    pub no_debug: bool,
    /// Count references on a debug interpreter even when extension modules
    /// not built for it are loaded.
    #[arg(long)]
    pub references: bool,
    /// Unmeasured runs of each test before measuring [default: the
    /// configuration's `harness.warmups`, else 3].
    #[arg(long)]
    pub warmups: Option<u32>,
    /// Measured runs of each test [default: `harness.runs`, else 6].
    #[arg(long)]
    pub runs: Option<u32>,
    /// Time limit of each run of each test (and of collection), in seconds
    /// [default: `harness.timeout`, else 60].
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// pytest sessions started again after crashes, at most.
    #[arg(long, default_value_t = 50)]
    pub max_restarts: u32,
    #[command(flatten)]
    pub ci: CiArgs,
    /// Show every native frame and every line of the module's messages
    /// (the text format shows the module's frames and first lines).
    #[arg(long, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Arguments passed to pytest as they are.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub pytest_args: Vec<OsString>,
}

/// The terminal report: the interpreter and why, a line per test, the
/// findings with their evidence, and the tally.
pub fn text(report: &PytestReport) -> String {
    text_with(report, TextOptions::PLAIN)
}

/// [`text`], coloured when `paint` says so.
pub fn text_styled(report: &PytestReport, paint: Paint) -> String {
    text_with(
        report,
        TextOptions {
            paint,
            ..TextOptions::PLAIN
        },
    )
}

/// [`text`] as the options say: `--quiet` leaves out the interpreter's
/// lines and the tests that passed clean or were skipped.
pub fn text_with(report: &PytestReport, options: TextOptions) -> String {
    let paint = options.paint;
    let detail = Detail {
        verbose: options.verbose,
    };
    let mut out = String::new();
    let i = &report.interpreter;
    if !options.quiet {
        let _ = writeln!(
            out,
            "pytest {} under {} ({}{}): {}",
            i.pytest,
            i.python.display(),
            i.version,
            if i.debug { ", debug build" } else { "" },
            i.reason
        );
        for passed in &i.passed_over {
            let _ = writeln!(out, "  not {}: {}", passed.python.display(), passed.reason);
        }
        let s = &report.settings;
        let _ = writeln!(
            out,
            "each test: {} warm-up and {} measured run(s), then pytest's own; {} s per run\n",
            s.warmups, s.runs, s.timeout
        );
    }
    // Usually every test has the same note (the interpreter, the modules
    // loaded): say it when it changes, not on every line.
    let mut last_note = None;
    for test in &report.tests {
        if options.quiet && test.findings.is_empty() && !test.outcome.fails() {
            continue;
        }
        let message = test
            .message
            .as_deref()
            .and_then(|m| m.lines().next())
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        let outcome = format!("{:8}", test.outcome.name());
        let outcome = match test.outcome {
            TestOutcome::Passed => paint.good(&outcome),
            TestOutcome::Skipped => paint.faint(&outcome),
            _ => paint.bad(&outcome),
        };
        let _ = writeln!(out, "{outcome} {}{message}", test.nodeid);
        if test.note.is_some() && test.note != last_note {
            let _ = writeln!(out, "    note: {}", test.note.as_deref().unwrap_or(""));
            last_note = test.note.clone();
        }
        for finding in &test.findings {
            write_finding(&mut out, finding, paint, detail);
        }
    }
    for finding in &report.findings {
        write_finding(&mut out, finding, paint, detail);
    }
    tally(&mut out, report);
    out
}

/// `--format concise`: `nodeid: check [severity] message`, then the tally.
pub fn concise(report: &PytestReport, paint: Paint) -> String {
    let mut out = String::new();
    let findings = report
        .tests
        .iter()
        .flat_map(|t| t.findings.iter().map(move |f| (t.nodeid.as_str(), f)))
        .chain(report.findings.iter().map(|f| (crate::gate::SESSION, f)));
    for (label, finding) in findings {
        let line = paint.concise_line(label, finding.check, finding.severity, &finding.message);
        let _ = writeln!(out, "{line}");
    }
    tally(&mut out, report);
    out
}

fn tally(out: &mut String, report: &PytestReport) {
    let t = &report.summary;
    let restarts = match t.restarts {
        0 => String::new(),
        1 => "; pytest restarted once after a crash".to_string(),
        n => format!("; pytest restarted {n} times after crashes"),
    };
    let _ = writeln!(
        out,
        "\n{} test(s): {} passed, {} failed, {} skipped, {} leaked, {} crashed, {} error(s), {} not run; {} finding(s){restarts}",
        t.tests, t.passed, t.failed, t.skipped, t.leaked, t.crashed, t.error, t.not_run, t.findings
    );
}

/// The message, then the evidence the message does not already give.
fn write_finding(out: &mut String, finding: &Finding, paint: Paint, detail: Detail) {
    let _ = writeln!(
        out,
        "    {}[{}]: {}",
        paint.severity(finding.severity),
        paint.strong(finding.check),
        evidence::first_line(&finding.message, detail)
    );
    let mut shown = finding.evidence.clone();
    if !detail.verbose {
        // The measures the message states, and what every test repeats.
        shown.retain(|key, _| !matches!(key.as_str(), "deltas" | "note" | "run"));
        if let Some(serde_json::Value::String(traceback)) = shown.get_mut("python_traceback") {
            *traceback = fold_machinery(traceback).join("\n");
        }
    }
    evidence::write(out, &shown, 6, detail);
}

/// A crash's stack is mostly pytest, pluggy and the plugin calling the
/// test: on the terminal each run of such frames becomes one line (the
/// JSON report keeps them all).
fn fold_machinery(traceback: &str) -> Vec<String> {
    const MACHINERY: &[&str] = &[
        "/_pytest/",
        "/pluggy/",
        "/pytest/__main__.py",
        "extharness_leaks.py",
        "runpy",
    ];
    let mut lines = Vec::new();
    let mut folded = 0;
    for line in traceback.lines() {
        let frame = line.trim_start().starts_with("File \"");
        if frame && MACHINERY.iter().any(|m| line.contains(m)) {
            folded += 1;
            continue;
        }
        if folded > 0 {
            lines.push(format!("  ... {folded} frame(s) of pytest and extharness"));
            folded = 0;
        }
        lines.push(line.to_string());
    }
    if folded > 0 {
        lines.push(format!("  ... {folded} frame(s) of pytest and extharness"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pytest_frames_fold_and_the_tests_stay() {
        let traceback = "Fatal Python error: Segmentation fault\n\nCurrent thread 0x1 (most recent call first):\n  File \"/usr/lib/python3.11/ctypes/__init__.py\", line 519 in string_at\n  File \"/p/test_x.py\", line 45 in test_segfault\n  File \"/usr/lib/python3/dist-packages/_pytest/python.py\", line 195 in pytest_pyfunc_call\n  File \"/usr/lib/python3/dist-packages/pluggy/_callers.py\", line 39 in _multicall\n  File \"/tmp/x/extharness_leaks.py\", line 124 in run_once\n  File \"<frozen runpy>\", line 88 in _run_code\n\nExtension modules: m (total: 1)";
        assert_eq!(
            fold_machinery(traceback),
            [
                "Fatal Python error: Segmentation fault",
                "",
                "Current thread 0x1 (most recent call first):",
                "  File \"/usr/lib/python3.11/ctypes/__init__.py\", line 519 in string_at",
                "  File \"/p/test_x.py\", line 45 in test_segfault",
                "  ... 4 frame(s) of pytest and extharness",
                "",
                "Extension modules: m (total: 1)",
            ]
        );
    }

    #[test]
    fn a_deep_native_stack_keeps_the_modules_frames_and_the_evidence_reads_as_words() {
        use harness::pytest::test_crash::TestCrash;
        let mut frames: Vec<String> = (0..25)
            .map(|i| format!("#{i} f{i} (libpython3.12.so.1.0)"))
            .collect();
        frames[3] = "#3 crash at m.c:9 (m.so)".to_string();
        let finding = Finding::new(&TestCrash::META, "the interpreter died by SIGSEGV")
            .with("native_stack", &frames)
            .with("signal", "SIGSEGV")
            .with(
                "crash_site",
                serde_json::json!({"function": "crash", "file": "/src/m.c", "line": 9, "library": "/x/m.so"}),
            );
        let mut out = String::new();
        write_finding(&mut out, &finding, Paint::PLAIN, Detail::default());
        assert_eq!(
            out.lines().collect::<Vec<_>>(),
            [
                "    error[test-crash]: the interpreter died by SIGSEGV",
                "      crash_site: crash at /src/m.c:9 (m.so)",
                "      native_stack:",
                "        … 2 frames in libpython3.12",
                "        #2 f2 (libpython3.12.so.1.0)",
                "        #3 crash at m.c:9 (m.so)",
                "        #4 f4 (libpython3.12.so.1.0)",
                "        … 20 frames in libpython3.12 (--verbose shows them)",
            ]
        );
        let mut all = String::new();
        write_finding(&mut all, &finding, Paint::PLAIN, Detail { verbose: true });
        assert_eq!(
            all.lines().filter(|l| l.starts_with("        #")).count(),
            25
        );
        assert!(all.contains("      signal: SIGSEGV"), "{all}");
    }
}
