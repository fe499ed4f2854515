//! Builds the crash-trace library the harness preloads into its children
//! (`native/crashtrace.c`). It is a shared object of its own, not linked into
//! the harness: the harness embeds its bytes and writes them out per child.

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let source = "native/crashtrace.c";
    println!("cargo:rerun-if-changed={source}");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let library = out.join("extharness_crashtrace.so");
    // The configured compiler honours CC, CC_<target> and cross settings.
    let compiler = cc::Build::new()
        .cargo_metadata(false)
        .cargo_warnings(false)
        .get_compiler();
    let mut command: Command = compiler.to_command();
    command
        .args(["-shared", "-fPIC", "-O1", "-g0", "-Wall", "-Wextra", "-o"])
        .arg(&library)
        .arg(source);
    let status = command
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler ({command:?}): {e}"));
    assert!(status.success(), "compiling {source} failed: {command:?}");
}
