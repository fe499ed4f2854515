//! C samples compiled for the host, against an interpreter's own headers.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use interpreters::Interpreter;

use crate::BuildError;
use crate::catalog::Sample;
use crate::corpus::BuiltModule;
use crate::fingerprint::{self, Fingerprint};
use crate::toolchain;

/// Flags every sample is compiled with, here and for the foreign fixtures, so
/// that a sample that builds for the host builds for Windows and macOS too.
/// `-g` and frame pointers because the harness resolves native crash frames to
/// file:line from this DWARF; `-O1` so the code is still the kind users ship.
pub(crate) const CFLAGS: &[&str] = &[
    "-O1",
    "-g",
    "-fno-omit-frame-pointer",
    "-Wall",
    "-Wno-unused-parameter",
    "-Werror",
];

/// What makes the host build a loadable extension module.
const HOST_FLAGS: &[&str] = &["-shared", "-fPIC"];

pub(crate) fn build(
    samples: &[&Sample],
    interpreter: &Interpreter,
    out_dir: &Path,
) -> Result<Vec<BuiltModule>, BuildError> {
    let cc = compiler()?;
    let include = interpreter
        .include_dir
        .as_deref()
        .expect("checked by corpus::build");
    let ext_suffix = interpreter
        .ext_suffix
        .as_deref()
        .expect("checked by corpus::build");
    let base = Fingerprint::default()
        .text(&toolchain::identity(&cc))
        .text(&interpreter.to_string())
        .text(&CFLAGS.join(" "))
        .file(&include.join("pyconfig.h"))?
        .file(&include.join("patchlevel.h"))?
        .finish();

    // One compiler process per sample, side by side: they are independent.
    std::thread::scope(|scope| {
        let jobs: Vec<_> = samples
            .iter()
            .map(|sample| {
                let (cc, base) = (&cc, &base);
                scope.spawn(move || {
                    let output = out_dir.join(sample.file_name(ext_suffix, ".abi3.so"));
                    compile(sample, interpreter, cc, include, base, &output)
                })
            })
            .collect();
        jobs.into_iter()
            .map(|job| job.join().expect("compile thread panicked"))
            .collect()
    })
}

fn compile(
    sample: &Sample,
    interpreter: &Interpreter,
    cc: &Path,
    include: &Path,
    base: &str,
    output: &Path,
) -> Result<BuiltModule, BuildError> {
    let mut args: Vec<String> = HOST_FLAGS
        .iter()
        .chain(CFLAGS)
        .map(|s| s.to_string())
        .collect();
    args.push(format!("-I{}", include.display()));
    args.push("-o".into());
    args.push(output.to_string_lossy().into_owned());
    args.push(sample.source.to_string_lossy().into_owned());
    // Libraries after the source: Debian's toolchain links --as-needed, which
    // drops a library named before anything that uses it.
    if sample.links_libpython {
        // Link the very file the interpreter loads, and find it again at run
        // time without LD_LIBRARY_PATH.
        let lib = interpreter.libpython().expect("checked by corpus::build");
        let dir = lib.parent().unwrap_or(Path::new("/"));
        let name = lib.file_name().unwrap_or_default().to_string_lossy();
        args.push(format!("-L{}", dir.display()));
        args.push(format!("-l:{name}"));
        args.push(format!("-Wl,-rpath,{}", dir.display()));
    }
    let fingerprint = Fingerprint::default()
        .text(base)
        .text(&args.join(" "))
        .file(&sample.source)?
        .finish();
    let what = format!("compiling {} for {}", sample.id, interpreter.tag());
    let rebuilt = fingerprint::rebuild_if_stale(output, &fingerprint, || {
        toolchain::run(Command::new(cc).args(&args), &what)
    })?;
    Ok(BuiltModule {
        sample: sample.clone(),
        path: output.to_path_buf(),
        rebuilt,
    })
}

/// `$CC`, else `cc`.
fn compiler() -> Result<PathBuf, BuildError> {
    match env::var_os("CC").filter(|c| !c.is_empty()) {
        Some(cc) => Ok(PathBuf::from(cc)),
        None => toolchain::require_tool(&["cc", "gcc", "clang"], "install gcc or clang"),
    }
}
