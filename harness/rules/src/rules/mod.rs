//! One finding per file: each file here declares one kind of finding with
//! [`checks::declare_meta!`], the same macro the inspector's checks use. The
//! file is named after the finding's id with `-` replaced by `_`
//! (`singleton-state` is [`singleton_state::SingletonState`]), and the type's
//! doc comment is the finding's documentation, with the four headings every
//! check has (`## What it does`, `## Why is this bad?`, `## Example`,
//! `## How to fix`), so that what users read about a finding cannot drift
//! from the code.
//!
//! Unlike the inspector's checks, these carry no function: the scenario
//! code derives findings from what the child interpreter reported and names
//! their kind as `rules::<id>::<Type>::META`. Every kind is
//! listed once, in [`crate::registry::CHECKS`].

pub mod call_crash;
pub mod call_leak;
pub mod gil_misuse;
pub mod import_crash;
pub mod import_error;
pub mod memory_corruption;
pub mod reimport_crash;
pub mod reimport_leak;
pub mod reimport_refused;
pub mod reinit_crash;
pub mod reinit_leak;
pub mod reinit_refused;
pub mod reinit_stale_objects;
pub mod scenario_timeout;
pub mod shutdown_crash;
pub mod shutdown_hang;
pub mod singleton_state;
pub mod subinterpreter_crash;
pub mod subinterpreter_refused;
pub mod subinterpreter_shared_objects;
pub mod test_crash;
pub mod test_leak;
pub mod workload_error;
