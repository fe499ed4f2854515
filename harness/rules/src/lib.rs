//! The runtime harness's findings: their ids, severities and documentation.
//! A crate of its own so that the inspector can know every id of both
//! tools (configuration names them) without depending on the harness.

pub mod registry;
pub mod rules;
