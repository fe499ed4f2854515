//! The command-line kit both tools share, as ripgrep's grep-cli is to its
//! binary: the CI flags and formats, the gate (configuration, selection,
//! per-file ignores and baselines applied to a tool's findings), colour
//! and progress on a terminal, writing to stdout, and the check pages and
//! `explain` text. The tools turn their reports into [`output::Run`]s and
//! apply the [`Gate`]; this crate only wires flags to them. Library code:
//! it never exits, and it prints only what a tool hands it.

mod args;
pub mod docs;
pub mod empty;
mod entry;
mod format;
mod gate;
mod gate_report;
mod in_format;
mod json;
mod paint;
mod panic_line;
mod progress;
mod stdout;
mod terminal;

pub use args::CiArgs;
pub use entry::main;
pub use format::Format;
pub use gate::{Gate, SetupError, setup};
pub use gate_report::GateReport;
pub use in_format::{TextStyle, in_format};
pub use json::json_with_gate;
pub use paint::Paint;
pub use panic_line::panic_line;
pub use progress::Progress;
pub use stdout::write_stdout;
pub use terminal::{colour_stdout, write_output};

/// Where the tools' check pages are published, for links in SARIF.
pub const DOCS_BASE: &str = "https://github.com/extinspect/extinspect/blob/main/docs/checks";
/// The project's home, for SARIF's `informationUri`.
pub const HOME: &str = "https://github.com/extinspect/extinspect";

/// `dist/x.whl!pkg/m.so` → (`dist/x.whl`, `Some("pkg/m.so")`): both tools
/// label a wheel member so.
pub fn split_member(label: &str) -> (&str, Option<&str>) {
    match label.find(".whl!") {
        Some(at) => (&label[..at + 4], Some(&label[at + 5..])),
        None => (label, None),
    }
}
