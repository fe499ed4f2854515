//! Output formats.

mod errors;
pub mod evidence;
mod group;
mod stack;
mod text;

pub use errors::harness_errors;
pub use text::{TextOptions, concise, text, text_styled, text_with};

/// The JSON report (`docs/harness-json.md`).
pub fn json(report: &harness::Report) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("the report serializes");
    text.push('\n');
    text
}
