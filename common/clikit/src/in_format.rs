//! One report in the format the command line asked for, the same way for
//! `extinspect`, `extharness check` and `extharness pytest`.

use std::path::Path;

use crate::{Format, GateReport, Paint};

/// What the tool's own text renderer is asked for: colours, and whether
/// one line per finding (`--format concise`) or the full report.
#[derive(Debug, Clone, Copy)]
pub struct TextStyle {
    pub paint: Paint,
    pub concise: bool,
}

/// The tool's own text (coloured when stdout is a terminal, the gate's lines
/// after it) or JSON document, or a CI format over the tool's common view.
pub fn in_format(
    format: Format,
    output_file: Option<&Path>,
    report: &impl serde::Serialize,
    gate: &GateReport,
    text: impl FnOnce(TextStyle) -> String,
    view: impl FnOnce() -> output::Run,
) -> String {
    match format {
        Format::Text | Format::Concise => {
            let paint = Paint {
                enabled: crate::colour_stdout(format, output_file),
            };
            let mut text = text(TextStyle {
                paint,
                concise: format == Format::Concise,
            });
            for line in gate.text_lines() {
                text.push_str(&line);
                text.push('\n');
            }
            text
        }
        Format::Json => crate::json_with_gate(report, gate),
        Format::JsonLines => output::json_lines(&view()),
        Format::Sarif => output::sarif(&view()),
        Format::Junit => output::junit(&view()),
        Format::Github => output::github(&view()),
    }
}
