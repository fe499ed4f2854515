use inspector::Outcome;

/// The `--format json` document: `{"files": [...], "summary": {...}}`,
/// described field by field in docs/json-output.md.
pub fn json(outcome: &Outcome) -> String {
    let mut text = serde_json::to_string_pretty(outcome).expect("reports serialise");
    text.push('\n');
    text
}
