//! The inspection engine: collects the paths (files, directories, wheels),
//! inspects every extension module among them with the checks, file by
//! file and member by member on every core, and returns the reports in
//! command-line order. Library code: it never prints or exits. The
//! `extinspect` tool renders what it returns; the harness and the fuzz
//! targets use it too.

pub mod floors;
pub mod input;
mod linked;
mod mapped;
mod run;
pub mod wheel;

pub use input::{Candidate, Source};
pub use run::{
    Outcome, Step, Summary, inspect_file_bytes, inspect_paths, inspect_paths_with,
    inspect_wheel_bytes, inspect_wheel_bytes_read,
};
