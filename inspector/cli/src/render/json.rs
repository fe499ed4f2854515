use crate::run::Outcome;

/// The `--format json` document: `{"files": [...], "summary": {...}}`,
/// described field by field in docs/json-output.md.
pub fn json(outcome: &Outcome) -> String {
    let mut text = serde_json::to_string_pretty(outcome).expect("reports serialise");
    text.push('\n');
    text
}

/// A tool's JSON document (either tool's report) with what the
/// configuration and baseline did, under `gate`.
pub fn json_with_gate(report: &impl serde::Serialize, gate: &crate::ci::GateReport) -> String {
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
