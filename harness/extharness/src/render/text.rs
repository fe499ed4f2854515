//! The terminal report: per module, per interpreter, a line per scenario,
//! then the module's findings, each said once with the interpreters it was
//! raised on, its evidence as short lines. `--format concise` is a line per
//! finding; `--quiet` leaves out what passed.

use std::fmt::Write;

use clikit::Paint;
use harness::{ModuleReport, Outcome, Report};

use super::evidence::{self, Detail};
use super::group;

/// What the text shows besides the findings.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    pub paint: Paint,
    /// `--verbose`: every native frame and every line of every message.
    pub verbose: bool,
    /// `--quiet`: no interpreter and scenario lines, no module without a
    /// finding or an error; the findings and the summary.
    pub quiet: bool,
}

impl TextOptions {
    pub const PLAIN: TextOptions = TextOptions {
        paint: Paint::PLAIN,
        verbose: false,
        quiet: false,
    };

    fn detail(self) -> Detail {
        Detail {
            verbose: self.verbose,
        }
    }
}

pub fn text(report: &Report) -> String {
    text_with(report, TextOptions::PLAIN)
}

/// [`text`], coloured when `paint` says so.
pub fn text_styled(report: &Report, paint: Paint) -> String {
    text_with(
        report,
        TextOptions {
            paint,
            ..TextOptions::PLAIN
        },
    )
}

/// The full text report.
pub fn text_with(report: &Report, options: TextOptions) -> String {
    let mut out = String::new();
    for module in &report.modules {
        write_module(&mut out, module, options);
    }
    for passed in &report.interpreter_errors {
        let _ = writeln!(
            out,
            "error: cannot use the interpreter {}: {}",
            passed.python.display(),
            passed.reason
        );
    }
    // The environment-wide answer to "which of these keeps free-threaded
    // CPython on the GIL", which CPython itself tells for the first only.
    if let Some(line) = harness::gil_required_summary(report) {
        let _ = writeln!(out, "{line}");
    }
    summary(&mut out, report);
    out
}

/// `--format concise`: `path: check [severity] on 3.8–3.12: message`, a
/// line per finding (the same finding on several interpreters is one),
/// then the summary. What could not be run is on stderr already.
pub fn concise(report: &Report, paint: Paint) -> String {
    let mut out = String::new();
    for module in &report.modules {
        let labels = group::labels(module);
        for group in group::groups(module) {
            let finding = group.finding;
            let message = format!("on {}: {}", group::on(&group.on, &labels), finding.message);
            let line = paint.concise_line(&module.path, finding.check, finding.severity, &message);
            let _ = writeln!(out, "{line}");
        }
    }
    summary(&mut out, report);
    out
}

fn summary(out: &mut String, report: &Report) {
    if let Some(chosen) = &report.interpreters {
        let _ = writeln!(out, "{}", chosen.line());
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "{} module(s), {} not runnable here, {} scenario run(s): {} error(s), {} warning(s), {} info(s){}",
        s.modules,
        s.not_runnable,
        s.scenarios,
        s.errors,
        s.warnings,
        s.infos,
        if s.harness_errors > 0 {
            format!(", {} could not be run", s.harness_errors)
        } else {
            String::new()
        }
    );
}

fn write_module(out: &mut String, module: &ModuleReport, options: TextOptions) {
    let paint = options.paint;
    let groups = group::groups(module);
    if options.quiet && groups.is_empty() && module.error.is_none() {
        return;
    }
    // An input that could not be read has no module name.
    let name = match module.module.as_str() {
        "" => String::new(),
        name => format!(" (module {name})"),
    };
    let _ = writeln!(out, "{}{name}", paint.strong(&module.path));
    if let Some(error) = &module.error {
        let _ = writeln!(out, "  error: {error}");
    }
    if let Some(reason) = &module.not_runnable
        && !options.quiet
    {
        let _ = writeln!(out, "  not runnable here: {reason}");
    }
    for interpreter in module.interpreters.iter().filter(|_| !options.quiet) {
        let environment = match &interpreter.environment {
            Some(environment) => format!(
                ", a virtual environment at {} of {}",
                environment.prefix.display(),
                environment.base.display()
            ),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "  python {} ({}{environment})",
            interpreter.version,
            interpreter.python.display()
        );
        if let Some(note) = &interpreter.environment_note {
            let _ = writeln!(out, "    note: {note}");
        }
        for scenario in &interpreter.scenarios {
            let outcome = match scenario.outcome {
                Outcome::Passed => paint.good("passed  "),
                Outcome::Finding => paint.strong("finding "),
                Outcome::Skipped => paint.faint("skipped "),
                Outcome::Error => paint.bad("error   "),
            };
            let detail = scenario
                .detail
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {:23} {} {:>6} ms{detail}",
                scenario.name.name(),
                outcome,
                scenario.duration_ms
            );
        }
    }
    // Under one interpreter the module's header says which; under several
    // each finding says where it was raised.
    let labels = group::labels(module);
    let several = module.interpreters.len() > 1;
    for group in &groups {
        let finding = group.finding;
        let on = if several {
            format!(" on {}", group::on(&group.on, &labels))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "    {}[{}]{on}: {}",
            paint.severity(finding.severity),
            paint.strong(finding.check),
            evidence::first_line(&finding.message, options.detail())
        );
        if group.details_differ {
            let _ = writeln!(
                out,
                "      {}",
                paint.faint(&format!(
                    "(evidence from {}; --format json has each interpreter's)",
                    labels[group.on[0]]
                ))
            );
        }
        evidence::write(out, &finding.evidence, 6, options.detail());
    }
    out.push('\n');
}
