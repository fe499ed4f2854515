//! The inspector's checks. Each check is one file under `registry/`, sees
//! only the format-neutral [`binary::Binary`] view through [`Facts`], and
//! is listed once in [`registry::CHECKS`].

mod facts;
mod finding;
mod python_dll;
pub mod registry;
mod report;
mod subject;

pub use facts::{Facts, Generation, Source, Target};
pub use finding::Finding;
pub use python_dll::PythonDll;
pub use registry::Check;
pub use report::{
    FileKind, FileReport, InitSymbol, NotChecked, TagReport, inspect, needs_static_symbols,
    unreadable,
};
pub use subject::{Floor, FloorSource, Options, Subject};
