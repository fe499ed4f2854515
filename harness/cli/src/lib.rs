//! `extharness`: gather the modules, run every scenario under every
//! interpreter that loads them, and render the report. The binary
//! (`main.rs`) parses arguments, prints and picks the exit status.

pub mod docs;
pub mod gatekeep;
pub mod pytest;
pub mod render;
pub mod view;
