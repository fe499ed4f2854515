//! The harness's default scenarios with their report as JSON on stdout,
//! for the tests that must run the harness where the test process cannot
//! start the interpreters itself (inside the Debian sid root):
//! `harness-check --python PATH [--python PATH]... FILE...`. It is its own
//! reinit host (`harness-check reinit-host PLAN`), as extharness is.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

fn main() {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_some_and(|a| a == "reinit-host") {
        std::process::exit(harness::host_main(&args[1..]));
    }
    let mut pythons = Vec::new();
    let mut paths = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--python" {
            let Some(python) = args.next() else {
                eprintln!("harness-check: --python needs a path");
                std::process::exit(2);
            };
            pythons.push(PathBuf::from(python));
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    let program = std::env::current_exe().unwrap_or_else(|e| {
        eprintln!("harness-check: cannot tell its own path: {e}");
        std::process::exit(2);
    });
    let host = harness::HostCommand {
        program,
        args: vec!["reinit-host".into()],
    };
    let options = tests::harness_options(pythons, host, Duration::from_secs(120));
    let report = harness::check(&paths, &options);
    match serde_json::to_string(&report) {
        Ok(json) => println!("{json}"),
        Err(e) => {
            eprintln!("harness-check: cannot write the report: {e}");
            std::process::exit(2);
        }
    }
}
