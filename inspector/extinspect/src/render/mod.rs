//! The inspector's own formats; the CI formats render [`crate::view::view`]
//! through the output crate, by way of [`clikit::in_format`].

mod json;
mod text;

pub use json::json;
pub use text::{concise, text, text_styled, text_with};
