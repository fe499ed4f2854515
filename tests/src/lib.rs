//! This crate holds only tests (`tests/`), which prove the sample corpus and
//! later the tools against real interpreters.

pub mod dist;

/// extharness options: the default scenarios on `pythons`, 3 + 6
/// repetitions, no workload, one job per core, and `host` as the reinit host.
pub fn harness_options(
    pythons: Vec<std::path::PathBuf>,
    host: harness::HostCommand,
    timeout: std::time::Duration,
) -> harness::Options {
    harness::Options {
        pythons,
        modules: Vec::new(),
        dists: Vec::new(),
        init: None,
        scenarios: harness::Options::default_scenarios(false),
        settings: harness::Settings {
            host: Some(host),
            ..harness::Settings::new(timeout)
        },
        jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
        find_links: Vec::new(),
        no_index: false,
        versions: harness::Versions::default(),
    }
}
