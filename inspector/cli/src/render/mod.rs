//! Output formats.

mod json;
mod text;

pub use json::json;
pub use text::text;
