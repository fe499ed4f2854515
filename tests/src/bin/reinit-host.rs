//! The reinit scenario's embedding host for the workspace tests: the entry
//! point `extharness reinit-host` runs, in a binary of this package, so
//! that its tests can start it (`CARGO_BIN_EXE_reinit-host`).

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    std::process::exit(harness::host_main(&args));
}
