use std::path::Path;

use anstream::ColorChoice;

use crate::Format;

/// Colour only for text on a terminal, and never with `NO_COLOR` set
/// (<https://no-color.org>); `CLICOLOR_FORCE` forces it, as anstream
/// reads these variables.
pub fn colour_stdout(format: Format, output_file: Option<&Path>) -> bool {
    format.is_text()
        && output_file.is_none()
        && anstream::AutoStream::choice(&std::io::stdout()) != ColorChoice::Never
}

/// The report to `--output-file` or to stdout.
pub fn write_output(text: &str, output_file: Option<&Path>) -> std::io::Result<()> {
    match output_file {
        Some(path) => std::fs::write(path, text),
        None => crate::write_stdout(text),
    }
}
