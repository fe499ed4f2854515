//! PyO3 samples, built with cargo for one interpreter at a time.
//!
//! PyO3 configures itself from the interpreter in `PYO3_PYTHON`, so each
//! interpreter gets a target directory of its own: switching between them then
//! costs nothing, and cargo alone decides what is stale.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use interpreters::Interpreter;

use crate::catalog::{Sample, source_root};
use crate::corpus::BuiltModule;
use crate::{BuildError, fingerprint, toolchain};

/// Variables the surrounding build (`cargo test`, CI, a coverage or sanitizer
/// run) may set that would change what the nested cargo builds or where it puts
/// it: another target triple or directory, instrumented code that cannot load
/// into a plain Python, or a different profile. The samples must be built the
/// same way whoever asks.
const SCRUBBED: &[&str] = &[
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTFLAGS",
    "CARGO_INCREMENTAL",
];

/// Prefixes of variables scrubbed for the same reason: profile overrides, and
/// PyO3's own settings (a stray `PYO3_CONFIG_FILE` or `PYO3_CROSS_*` would
/// configure for some other interpreter than the one asked for).
const SCRUBBED_PREFIXES: &[&str] = &["CARGO_PROFILE_", "PYO3_"];

pub(crate) fn build(
    samples: &[&Sample],
    interpreter: &Interpreter,
    out_dir: &Path,
    target_root: &Path,
) -> Result<Vec<BuiltModule>, BuildError> {
    let ext_suffix = interpreter
        .ext_suffix
        .as_deref()
        .expect("checked by corpus::build");
    let target_dir = target_root.join(interpreter.build_key());
    let ids: Vec<&str> = samples.iter().map(|s| s.id.as_str()).collect();

    let mut command = Command::new(cargo()?);
    command
        // --locked: build exactly the committed dependency versions, and fail
        // rather than rewrite the lock file inside the source tree.
        .args(["build", "--release", "--locked", "--manifest-path"])
        .arg(source_root().join("pyo3/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
    for id in &ids {
        command.args(["-p", id]);
    }
    for (name, _) in env::vars_os() {
        if is_scrubbed(&name) {
            command.env_remove(name);
        }
    }
    command.env("PYO3_PYTHON", &interpreter.executable);
    toolchain::run(
        &mut command,
        &format!("building {} for {}", ids.join(", "), interpreter.tag()),
    )?;

    let release = target_dir.join("release");
    samples
        .iter()
        .map(|sample| {
            let library = release.join(format!(
                "{}{}{}",
                env::consts::DLL_PREFIX,
                sample.id.replace('-', "_"),
                env::consts::DLL_SUFFIX
            ));
            let output = out_dir.join(sample.file_name(ext_suffix, ".abi3.so"));
            let rebuilt = install(&library, &output)?;
            Ok(BuiltModule {
                sample: (*sample).clone(),
                path: output,
                rebuilt,
            })
        })
        .collect()
}

fn is_scrubbed(name: &OsString) -> bool {
    let name = name.to_string_lossy();
    SCRUBBED.contains(&name.as_ref()) || SCRUBBED_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Copies `library` to `output` unless `output` already holds the same bytes:
/// cargo decides what is stale, this keeps an unchanged module's mtime.
fn install(library: &Path, output: &Path) -> Result<bool, BuildError> {
    let bytes = fs::read(library).map_err(|e| BuildError::io(library, e))?;
    fingerprint::write_if_changed(output, &bytes)
}

/// `$CARGO` (set for everything `cargo test` runs: the same toolchain that
/// built the caller), else `cargo` on PATH.
fn cargo() -> Result<PathBuf, BuildError> {
    match env::var_os("CARGO").filter(|c| !c.is_empty()) {
        Some(cargo) => Ok(PathBuf::from(cargo)),
        None => toolchain::require_tool(&["cargo"], "install Rust, e.g. with rustup"),
    }
}
