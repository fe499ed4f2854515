use crate::GateReport;

/// A tool's JSON document (either tool's report) with what the
/// configuration and baseline did, under `gate`.
pub fn json_with_gate(report: &impl serde::Serialize, gate: &GateReport) -> String {
    let mut value = serde_json::to_value(report).expect("reports serialise");
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "gate".into(),
            serde_json::to_value(gate).expect("gate reports serialise"),
        );
    }
    let mut text = serde_json::to_string_pretty(&value).expect("values serialise");
    text.push('\n');
    text
}
