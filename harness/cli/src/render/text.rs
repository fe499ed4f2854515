//! The terminal report: per module, per interpreter, a line per scenario,
//! then the findings with their evidence.

use std::fmt::Write;

use harness::{Finding, ModuleReport, Outcome, Report};

pub fn text(report: &Report) -> String {
    let mut out = String::new();
    for module in &report.modules {
        write_module(&mut out, module);
    }
    for passed in &report.interpreter_errors {
        let _ = writeln!(
            out,
            "error: cannot use {}: {}",
            passed.python.display(),
            passed.reason
        );
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

fn write_module(out: &mut String, module: &ModuleReport) {
    let _ = writeln!(out, "{} (module {})", module.path, module.module);
    if let Some(error) = &module.error {
        let _ = writeln!(out, "  error: {error}");
    }
    if let Some(reason) = &module.not_runnable {
        let _ = writeln!(out, "  not runnable here: {reason}");
    }
    for interpreter in &module.interpreters {
        let _ = writeln!(
            out,
            "  python {} ({})",
            interpreter.version,
            interpreter.python.display()
        );
        for scenario in &interpreter.scenarios {
            let outcome = match scenario.outcome {
                Outcome::Passed => "passed",
                Outcome::Finding => "finding",
                Outcome::Skipped => "skipped",
                Outcome::Error => "error",
            };
            let detail = scenario
                .detail
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {:23} {:8} {:>6} ms{detail}",
                scenario.name.name(),
                outcome,
                scenario.duration_ms
            );
        }
        for finding in &interpreter.findings {
            write_finding(out, finding);
        }
    }
    out.push('\n');
}

fn write_finding(out: &mut String, finding: &Finding) {
    let _ = writeln!(
        out,
        "    {}[{}]: {}",
        finding.severity.name(),
        finding.check,
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
