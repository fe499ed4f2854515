//! `extinspect`: collect the paths (files, directories, wheels), inspect
//! every extension module among them, and render the result. The binary
//! (`main.rs`) only parses arguments, prints and picks the exit status.

pub mod ci;
pub mod docs;
pub mod gatekeep;
pub mod input;
pub mod render;
mod run;
mod stdout;
pub mod view;
mod wheel;

pub use input::{Candidate, Source};
pub use run::{Outcome, Step, Summary, inspect_paths, inspect_paths_with};
pub use stdout::write_stdout;
