//! The terminal report: per module, per interpreter, a line per scenario,
//! then the findings with their evidence.

use std::fmt::Write;

use clikit::Paint;
use harness::{Finding, ModuleReport, Outcome, Report};

pub fn text(report: &Report) -> String {
    text_styled(report, Paint::PLAIN)
}

/// [`text`], coloured when `paint` says so.
pub fn text_styled(report: &Report, paint: Paint) -> String {
    let mut out = String::new();
    for module in &report.modules {
        write_module(&mut out, module, paint);
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
    out
}

fn write_module(out: &mut String, module: &ModuleReport, paint: Paint) {
    // An input that could not be read has no module name.
    let name = match module.module.as_str() {
        "" => String::new(),
        name => format!(" (module {name})"),
    };
    let _ = writeln!(out, "{}{name}", paint.strong(&module.path));
    if let Some(error) = &module.error {
        let _ = writeln!(out, "  error: {error}");
    }
    if let Some(reason) = &module.not_runnable {
        let _ = writeln!(out, "  not runnable here: {reason}");
    }
    for interpreter in &module.interpreters {
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
        for finding in &interpreter.findings {
            write_finding(out, finding, paint);
        }
    }
    out.push('\n');
}

fn write_finding(out: &mut String, finding: &Finding, paint: Paint) {
    let _ = writeln!(
        out,
        "    {}[{}]: {}",
        paint.severity(finding.severity),
        paint.strong(finding.check),
        finding.message
    );
    for (key, value) in &finding.evidence {
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            // A list of lines (a native stack) reads best as lines.
            serde_json::Value::Array(items) if items.iter().all(|v| v.is_string()) => items
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            other => other.to_string(),
        };
        if text.contains('\n') {
            let _ = writeln!(out, "      {key}:");
            for line in text.lines() {
                let _ = writeln!(out, "        {line}");
            }
        } else {
            let _ = writeln!(out, "      {key}: {text}");
        }
    }
}
