//! Output formats.

mod in_format;
mod json;
mod text;

pub use in_format::in_format;
pub use json::{json, json_with_gate};
pub use text::{text, text_styled};

/// The CI formats, over [`crate::view::view`].
pub use output::{github, json_lines, junit, sarif};
