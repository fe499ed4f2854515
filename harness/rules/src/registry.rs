//! The one list of the harness's findings, in the order of the scenarios
//! that raise them. Ids are stable: users write them in CI configuration,
//! so a finding may be added but never renamed. They must not clash with
//! the inspector's check ids either, since both tools document theirs the
//! same way.

use checks::CheckMeta;

use crate::rules::*;

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
        let problems = checks::registry_problems(CHECKS);
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
