//! Writing a report to stdout for both tools' binaries.

use std::io::{self, Write};

/// Writes and flushes `text`. A closed stdout (`extinspect ... | head`) is
/// not an error: the reader has what it wanted.
pub fn write_stdout(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
