//! The maintainers' commands, `cargo run -p devtools -- COMMAND`: every
//! generated file of the repository written (`generate`) or verified
//! (`check`, which the tests run too), the export tables read off the
//! interpreters here (`export-tables`), and the scaffold of a new check
//! (`new-check`). CONTRIBUTING.md has the recipes that use them.

pub mod export_tables;
pub mod generated;
pub mod header_data;
pub mod layers;
pub mod modules;
pub mod scaffold;

use std::path::PathBuf;

/// The repository's root, where the paths of generated files start.
pub fn repository_root() -> PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .expect("common/devtools lies two levels below the root")
        .to_path_buf()
}
