//! What both binaries share at their edge for CI: the output formats, the
//! configuration and baseline flags, colour and progress on a terminal.
//! The tools' own modules turn their reports into [`output::Run`]s and
//! apply the [`gate::Policy`]; this module only wires flags to them.

mod args;
mod format;
mod gate_report;
mod paint;
mod panic_line;
mod progress;
mod setup;
mod terminal;

pub use args::GateArgs;
pub use format::Format;
pub use gate_report::GateReport;
pub use paint::Paint;
pub use panic_line::panic_line;
pub use progress::Progress;
pub use setup::{Gate, SetupError, all_check_ids, setup};
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
