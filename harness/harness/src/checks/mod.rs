//! The harness's checks: each file here declares one check with
//! [`checkmeta::declare_meta!`], the macro the inspector's checks use too.
//! The file is named after the check's id with `-` replaced by `_`
//! (`singleton-state` is [`singleton_state::SingletonState`]), and the type's
//! doc comment is the check's documentation, with the four headings every
//! check has (`## What it does`, `## Why is this bad?`, `## Example`,
//! `## How to fix`), so that what users read about a check cannot drift
//! from the code.
//!
//! Unlike the inspector's checks, these carry no function: the scenario
//! code derives findings from what the child interpreter reported and names
//! their check as `checks::<id>::<Type>::META`. Every check is listed once,
//! in [`CHECKS`], in the order of the scenarios that raise them. Ids are
//! stable: users write them in CI configuration, so a check may be added
//! but never renamed. They must not clash with the inspector's ids either,
//! since one configuration file names both tools' checks.

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

use checkmeta::CheckMeta;

pub static CHECKS: &[CheckMeta] = &[
    import_error::ImportError::META,
    import_crash::ImportCrash::META,
    singleton_state::SingletonState::META,
    reimport_refused::ReimportRefused::META,
    reimport_leak::ReimportLeak::META,
    reimport_crash::ReimportCrash::META,
    subinterpreter_refused::SubinterpreterRefused::META,
    subinterpreter_shared_objects::SubinterpreterSharedObjects::META,
    subinterpreter_crash::SubinterpreterCrash::META,
    reinit_refused::ReinitRefused::META,
    reinit_stale_objects::ReinitStaleObjects::META,
    reinit_leak::ReinitLeak::META,
    reinit_crash::ReinitCrash::META,
    shutdown_crash::ShutdownCrash::META,
    shutdown_hang::ShutdownHang::META,
    call_crash::CallCrash::META,
    call_leak::CallLeak::META,
    workload_error::WorkloadError::META,
    scenario_timeout::ScenarioTimeout::META,
    memory_corruption::MemoryCorruption::META,
    gil_misuse::GilMisuse::META,
    test_leak::TestLeak::META,
    test_crash::TestCrash::META,
];

pub fn lookup(id: &str) -> Option<&'static CheckMeta> {
    CHECKS.iter().find(|meta| meta.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let problems = checkmeta::registry_problems(CHECKS);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn ids_do_not_clash_with_the_inspectors() {
        for meta in CHECKS {
            assert!(
                checks::registry::lookup(meta.id).is_none(),
                "{} is also an inspector check",
                meta.id
            );
        }
    }

    #[test]
    fn lookup_finds_every_id() {
        for meta in CHECKS {
            assert_eq!(lookup(meta.id), Some(meta));
        }
        assert_eq!(lookup("no-such-finding"), None);
    }
}
