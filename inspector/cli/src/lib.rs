//! `extinspect`: collect the paths (files, directories, wheels), inspect
//! every extension module among them, and render the result. The binary
//! (`main.rs`) only parses arguments, prints and picks the exit status.

pub mod docs;
pub mod input;
pub mod render;
mod run;
mod stdout;
mod wheel;

pub use input::{Candidate, Source};
pub use run::{Outcome, Summary, inspect_paths};
pub use stdout::write_stdout;
