use std::process::ExitCode;

/// A tool's whole command line: a panic is one stderr line with its
/// location, a usage error clap's own message with status 2 (`--help` and
/// `--version` print with status 0), an error from `run` one line with
/// status 2, else `run`'s own status.
pub fn main<C: clap::Parser, E: std::fmt::Display>(
    tool: &'static str,
    run: impl FnOnce(C) -> Result<u8, E>,
) -> ExitCode {
    std::panic::set_hook(Box::new(move |info| {
        eprintln!("{tool}: {}", crate::panic_line(info));
    }));
    let cli = match C::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("{tool}: {e:#}");
            ExitCode::from(2)
        }
    }
}
