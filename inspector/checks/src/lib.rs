//! The inspector's checks. Each check is one file under `rules/`, sees only
//! the format-neutral [`binary::Binary`] view through [`Facts`], and is
//! listed once in [`registry::CHECKS`].

mod check;
mod facts;
mod finding;
mod python_dll;
pub mod registry;
mod report;
pub mod rules;
mod severity;
mod subject;

pub use check::{Check, CheckMeta, doc_text, registry_problems};
pub use facts::{Facts, Generation, Target};
pub use finding::Finding;
pub use python_dll::PythonDll;
pub use report::{FileKind, FileReport, InitSymbol, TagReport, inspect, unreadable};
pub use severity::Severity;
pub use subject::{Options, Subject};
