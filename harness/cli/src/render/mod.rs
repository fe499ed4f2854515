//! Output formats.

mod text;

pub use text::{text, text_styled};

/// The JSON report (`docs/harness-json.md`).
pub fn json(report: &harness::Report) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("the report serializes");
    text.push('\n');
    text
}

/// The JSON report with what the configuration and baseline did, under
/// `gate`.
pub fn json_with_gate(report: &harness::Report, gate: &extinspect::ci::GateReport) -> String {
    json_value_with_gate(report, gate)
}

pub(crate) fn json_value_with_gate(
    report: &impl serde::Serialize,
    gate: &extinspect::ci::GateReport,
) -> String {
    let mut value = serde_json::to_value(report).expect("the report serializes");
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "gate".into(),
            serde_json::to_value(gate).expect("the gate report serializes"),
        );
    }
    let mut text = serde_json::to_string_pretty(&value).expect("values serialize");
    text.push('\n');
    text
}
