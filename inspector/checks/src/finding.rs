use serde::Serialize;

use crate::check::CheckMeta;
use crate::severity::Severity;

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
    pub fn new(meta: &CheckMeta, message: impl Into<String>) -> Self {
        Finding {
            check: meta.id,
            severity: meta.severity,
            message: message.into(),
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
