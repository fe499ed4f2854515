use anstyle::{AnsiColor, Style};
use checkmeta::Severity;

/// Colours for the text report, or none: the renderers always ask, so
/// coloured and plain output cannot differ in anything but escapes.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    pub enabled: bool,
}

impl Paint {
    pub const PLAIN: Paint = Paint { enabled: false };

    fn apply(self, style: Style, text: &str) -> String {
        if self.enabled {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    /// `error`, `warning`, `info` in their colours.
    pub fn severity(self, severity: Severity) -> String {
        let colour = match severity {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Info => AnsiColor::Cyan,
        };
        self.apply(
            Style::new().bold().fg_color(Some(colour.into())),
            severity.name(),
        )
    }

    /// Something that failed, in the colour of errors.
    pub fn bad(self, text: &str) -> String {
        self.apply(
            Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
            text,
        )
    }

    pub fn strong(self, text: &str) -> String {
        self.apply(Style::new().bold(), text)
    }

    pub fn good(self, text: &str) -> String {
        self.apply(Style::new().fg_color(Some(AnsiColor::Green.into())), text)
    }

    pub fn faint(self, text: &str) -> String {
        self.apply(Style::new().dimmed(), text)
    }

    /// One finding in `--format concise`, the same in both tools (ruff's
    /// layout): `path: check [severity] message`, the message's first line.
    pub fn concise_line(
        self,
        path: &str,
        check: &str,
        severity: Severity,
        message: &str,
    ) -> String {
        format!(
            "{path}: {} [{}] {}",
            self.strong(check),
            self.severity(severity),
            message.lines().next().unwrap_or("")
        )
    }
}
