//! Why a file could not be read as a binary. Every message is one line.

use crate::model::Format;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BinaryError {
    /// No ELF, Mach-O or PE magic; `what` says what the bytes look like.
    #[error("not an ELF, Mach-O or PE file: {what}")]
    NotABinary { what: String },
    /// The magic matched but the structures behind it do not hold together.
    #[error("truncated or malformed {format} file: {detail}")]
    Malformed { format: Format, detail: String },
    /// A well-formed file of a kind that is not a loadable image
    /// (object file, static archive, core dump, ...).
    #[error("unsupported {format} file type: {detail}")]
    Unsupported { format: Format, detail: String },
    /// Reading the file went past one of the bounds in [`crate::limits`]
    /// (too many slices, table entries or bytes of names); the parse was
    /// cut off there, so nothing is reported about the rest of the file.
    #[error("{format} file exceeds a safety limit: {detail}; inspection cut off")]
    Limit { format: Format, detail: String },
}

impl BinaryError {
    pub(crate) fn malformed(format: Format, detail: impl std::fmt::Display) -> Self {
        BinaryError::Malformed {
            format,
            detail: one_line(&detail.to_string()),
        }
    }

    pub(crate) fn unsupported(format: Format, detail: impl Into<String>) -> Self {
        BinaryError::Unsupported {
            format,
            detail: one_line(&detail.into()),
        }
    }

    /// The format the file claimed to be, if it got that far.
    pub fn format(&self) -> Option<Format> {
        match self {
            BinaryError::NotABinary { .. } => None,
            BinaryError::Malformed { format, .. }
            | BinaryError::Unsupported { format, .. }
            | BinaryError::Limit { format, .. } => Some(*format),
        }
    }
}

/// Callers print messages on one line; a parser's message must not break that.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
