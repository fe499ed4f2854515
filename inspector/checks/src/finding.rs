use serde::Serialize;

use checkmeta::CheckMeta;
use checkmeta::Severity;

/// One thing a check found wrong (or worth knowing) about one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub severity: Severity,
    /// One line, no trailing period.
    pub message: String,
    /// The symbols (or library names) the message is about, so that tools
    /// need not parse the message.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub symbols: Vec<String>,
}

impl Finding {
    /// Symbol, library and member names come from the file and can hold any
    /// byte: a newline would forge a report line and an escape sequence
    /// would drive the terminal, so control characters in the message
    /// become U+FFFD. `symbols` keeps the names as they are.
    pub fn new(meta: &CheckMeta, message: impl Into<String>) -> Self {
        let mut message = message.into();
        if message.chars().any(char::is_control) {
            message = message
                .chars()
                .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
                .collect();
        }
        Finding {
            check: meta.id,
            severity: meta.severity,
            message,
            symbols: Vec::new(),
        }
    }

    pub fn with_symbols<I, S>(mut self, symbols: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.symbols = symbols.into_iter().map(Into::into).collect();
        self
    }
}

#[cfg(test)]
mod tests {
    use crate::registry::unreadable_file::UnreadableFile;

    use super::*;

    #[test]
    fn a_message_stays_one_line_and_cannot_drive_the_terminal() {
        let finding = Finding::new(&UnreadableFile::META, "name a\nb\x1b[31mred\r");
        assert_eq!(finding.message, "name a\u{FFFD}b\u{FFFD}[31mred\u{FFFD}");
    }
}
