//! This crate holds only tests (`tests/`), which prove the sample corpus and
//! later the tools against real interpreters.

pub mod dist;
