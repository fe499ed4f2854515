//! Every check of the harness, in one list. Each check is one file beside
//! the code that raises it: a scenario's own checks in its folder under
//! `scenarios/`, those any scenario's child can end with in `verdict/`,
//! pytest's in `pytest/`. The file declares the check with
//! [`checkmeta::declare_meta!`], the macro the inspector's checks use too;
//! it is named after the check's id with `-` replaced by `_`
//! (`singleton-state` is `scenarios::reimport::singleton_state::SingletonState`),
//! and the type's doc comment is the check's documentation, with the four
//! headings every check has (`## What it does`, `## Why is this bad?`,
//! `## Example`, `## How to fix`), so that what users read about a check
//! cannot drift from the code.
//!
//! Every check is listed once, in [`CHECKS`], in the order of the scenarios
//! that raise them. Ids are stable: users write them in CI configuration,
//! so a check may be added but never renamed. They must not clash with the
//! inspector's ids either, since one configuration file names both tools'
//! checks.

use checkmeta::CheckMeta;

use crate::{pytest, scenarios, verdict};

pub static CHECKS: &[CheckMeta] = &[
    verdict::import_error::ImportError::META,
    verdict::import_crash::ImportCrash::META,
    scenarios::reimport::singleton_state::SingletonState::META,
    scenarios::reimport::reimport_refused::ReimportRefused::META,
    scenarios::reimport::reimport_leak::ReimportLeak::META,
    verdict::reimport_crash::ReimportCrash::META,
    scenarios::subinterpreter::subinterpreter_refused::SubinterpreterRefused::META,
    scenarios::subinterpreter::subinterpreter_shared_objects::SubinterpreterSharedObjects::META,
    verdict::subinterpreter_crash::SubinterpreterCrash::META,
    scenarios::reinit::reinit_refused::ReinitRefused::META,
    scenarios::reinit::reinit_stale_objects::ReinitStaleObjects::META,
    scenarios::reinit::reinit_leak::ReinitLeak::META,
    verdict::reinit_crash::ReinitCrash::META,
    verdict::shutdown_crash::ShutdownCrash::META,
    verdict::shutdown_hang::ShutdownHang::META,
    verdict::call_crash::CallCrash::META,
    verdict::call_leak::CallLeak::META,
    scenarios::leaks::workload_error::WorkloadError::META,
    verdict::scenario_timeout::ScenarioTimeout::META,
    verdict::memory_corruption::MemoryCorruption::META,
    verdict::gil_misuse::GilMisuse::META,
    verdict::cpython_crash::CpythonCrash::META,
    pytest::test_leak::TestLeak::META,
    pytest::test_crash::TestCrash::META,
    scenarios::import::gil_required::GilRequired::META,
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

    /// A JUnit report lists a module's checks from these lists: a check
    /// missing from them would pass silently there.
    #[test]
    fn every_check_run_by_a_scenario_is_listed_for_one() {
        let listed: Vec<&str> = crate::report::Scenario::ALL
            .iter()
            .flat_map(|s| s.checks().iter())
            .chain(crate::report::Scenario::ANYWHERE)
            .map(|m| m.id)
            .collect();
        for meta in CHECKS {
            let in_scenarios = meta.group == checkmeta::Group::Scenario;
            assert_eq!(
                listed.contains(&meta.id),
                in_scenarios,
                "{} is listed {} times",
                meta.id,
                listed.iter().filter(|id| **id == meta.id).count()
            );
        }
        for id in listed {
            assert!(lookup(id).is_some(), "{id} is no check");
        }
    }

    /// A check declared somewhere in the crate but missing from the list
    /// would be raised yet undocumented, unknown to the configuration.
    #[test]
    fn every_declared_check_is_listed() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut declared = Vec::new();
        let mut dirs = vec![src];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    // Tests may declare checks of their own.
                    let text = text.split("#[cfg(test)]").next().unwrap();
                    for (at, _) in text.match_indices("pub struct ") {
                        let line = text[at..].lines().next().unwrap();
                        if let Some(id) = line.split("id: \"").nth(1) {
                            declared.push(id.split('"').next().unwrap().to_string());
                        }
                    }
                }
            }
        }
        declared.sort();
        let mut listed: Vec<String> = CHECKS.iter().map(|m| m.id.to_string()).collect();
        listed.sort();
        assert_eq!(declared, listed);
    }
}
