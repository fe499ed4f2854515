//! `extinspect`: collect the paths (files, directories, wheels), inspect
//! every extension module among them, and render the result. The binary
//! (`main.rs`) only parses arguments, prints and picks the exit status.

pub mod ci;
pub mod docs;
pub mod gatekeep;
pub mod input;
mod mapped;
pub mod render;
mod run;
mod stdout;
pub mod view;
pub mod wheel;

pub use input::{Candidate, Source};
pub use run::{
    Outcome, Step, Summary, inspect_file_bytes, inspect_paths, inspect_paths_with,
    inspect_wheel_bytes,
};
pub use stdout::write_stdout;
