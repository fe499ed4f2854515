//! What a binary says on stderr when it panics: one line with where, since
//! the default hook's two lines and backtrace hint break the "one line per
//! error" promise. The file being inspected also gets the panic as a finding.

use std::panic::PanicHookInfo;

pub fn panic_line(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message");
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    match info.location() {
        Some(at) => format!(
            "internal error at {}:{}: {message} (a bug; please report it)",
            at.file(),
            at.line()
        ),
        None => format!("internal error: {message} (a bug; please report it)"),
    }
}
