//! Output formats.

mod errors;
mod text;

pub use errors::harness_errors;
pub use text::{text, text_styled};

/// The JSON report (`docs/harness-json.md`).
pub fn json(report: &harness::Report) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("the report serializes");
    text.push('\n');
    text
}
