//! `cargo bench -p inspector`: the inspector's own speed, in process, on
//! real inputs (docs/performance.md). No process start-up, no output: what
//! one file, one wheel and one directory cost the library.
//!
//! - `file/small`, `file/large`: one small and one large module of an
//!   installed CPython's lib-dynload (`_bisect`, `_decimal`), from bytes
//!   already in memory (`inspect_file_bytes`).
//! - `wheel/...`: the numpy wheel that `tests/bench/side_by_side.py`
//!   downloads into `target/bench/wheels/`, from bytes in memory
//!   (`inspect_wheel_bytes`: every member inflated and inspected); without
//!   it, a wheel generated from that lib-dynload (every module deflated).
//! - `paths/lib-dynload`: `inspect_paths` over that whole directory (the
//!   walk, the memory maps, every module).
//!
//! Without a CPython 3.8–3.13 lib-dynload (pyenv's or the distribution's)
//! the benchmarks that need one are skipped with a note on stderr.

use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

/// The newest CPython 3.8–3.13 lib-dynload on this machine, 3.12 first:
/// pyenv's versions (`$PYENV_ROOT`, else `~/.pyenv`), then
/// `/usr/lib/python3.X/lib-dynload`.
fn lib_dynload() -> Option<(String, PathBuf)> {
    let pyenv = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")));
    for minor in [12, 13, 11, 10, 9, 8] {
        let version = format!("3.{minor}");
        if let Some(versions) = pyenv.as_ref().map(|p| p.join("versions")) {
            let mut found: Vec<PathBuf> = std::fs::read_dir(&versions)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .and_then(|n| n.strip_prefix(&format!("{version}.")))
                        .is_some_and(|patch| patch.chars().all(|c| c.is_ascii_digit()))
                })
                .map(|p| p.join(format!("lib/python{version}/lib-dynload")))
                .filter(|d| d.is_dir())
                .collect();
            found.sort();
            if let Some(dir) = found.pop() {
                return Some((version, dir));
            }
        }
        let system = PathBuf::from(format!("/usr/lib/python{version}/lib-dynload"));
        if system.is_dir() {
            return Some((version, system));
        }
    }
    None
}

/// The module of `dir` whose file name starts with `stem.`.
fn module(dir: &Path, stem: &str) -> Option<PathBuf> {
    let prefix = format!("{stem}.");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".so"))
        })
        .collect();
    found.sort();
    found.pop()
}

fn skip(what: &str, why: &str) {
    eprintln!("note: benchmark {what} skipped: {why}");
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(c: &mut Criterion) {
    let options = checks::Options::default();
    let Some((version, dir)) = lib_dynload() else {
        skip("file/*", "no CPython 3.8-3.13 lib-dynload found");
        return;
    };
    let mut group = c.benchmark_group("file");
    for (label, stem) in [("small", "_bisect"), ("large", "_decimal")] {
        let Some(path) = module(&dir, stem) else {
            skip(
                &format!("file/{label}"),
                &format!("no {stem} in {}", dir.display()),
            );
            continue;
        };
        let bytes = std::fs::read(&path).expect("reading a lib-dynload module");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        eprintln!(
            "note: file/{label} is {name} of CPython {version} ({} bytes)",
            bytes.len()
        );
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(label, |b| {
            b.iter(|| {
                let report =
                    inspector::inspect_file_bytes(name.clone(), &name, black_box(&bytes), &options);
                black_box(report)
            })
        });
    }
    group.finish();
}

/// Every module of `dir`, deflated into one wheel in memory, named for
/// CPython `version`.
fn generated_wheel(version: &str, dir: &Path) -> (String, Vec<u8>) {
    let tag = format!("cp{}", version.replace('.', ""));
    let name = format!("generated-1.0-{tag}-{tag}-linux_x86_64.whl");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut modules: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("listing lib-dynload")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "so"))
        .collect();
    modules.sort();
    for path in modules {
        let member = format!("generated/{}", path.file_name().unwrap().to_string_lossy());
        zip.start_file(member, deflated).expect("zip member");
        zip.write_all(&std::fs::read(&path).expect("reading a module"))
            .expect("deflating");
    }
    let bytes = zip.finish().expect("finishing the zip").into_inner();
    (name, bytes)
}

fn wheels(c: &mut Criterion) {
    let options = checks::Options::default();
    let downloaded = std::fs::read_dir(workspace_root().join("target/bench/wheels"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("numpy-") && n.ends_with(".whl"))
        });
    let (label, name, bytes) = match downloaded {
        Some(path) => {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (
                "numpy",
                name,
                std::fs::read(&path).expect("reading the wheel"),
            )
        }
        None => match lib_dynload() {
            Some((version, dir)) => {
                eprintln!(
                    "note: no numpy wheel in target/bench/wheels (tests/bench/side_by_side.py downloads it); \
                     benchmarking a wheel generated from {}",
                    dir.display()
                );
                let (name, bytes) = generated_wheel(&version, &dir);
                ("generated", name, bytes)
            }
            None => {
                skip(
                    "wheel/*",
                    "no numpy wheel in target/bench/wheels and no lib-dynload to generate one from",
                );
                return;
            }
        },
    };
    eprintln!("note: wheel/{label} is {name} ({} bytes)", bytes.len());
    let mut group = c.benchmark_group("wheel");
    // Every iteration inflates every member (tens of MiB for numpy).
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.measurement_time(Duration::from_secs(12));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function(label, |b| {
        b.iter(|| {
            let reports = inspector::inspect_wheel_bytes(&name, &name, black_box(&bytes), &options);
            black_box(reports)
        })
    });
    group.finish();
}

fn paths(c: &mut Criterion) {
    let options = checks::Options::default();
    let Some((version, dir)) = lib_dynload() else {
        skip("paths/lib-dynload", "no CPython 3.8-3.13 lib-dynload found");
        return;
    };
    let count = std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "so"))
                .count()
        })
        .unwrap_or(0);
    eprintln!(
        "note: paths/lib-dynload is {} (CPython {version}, {count} modules)",
        dir.display()
    );
    let mut group = c.benchmark_group("paths");
    group.sample_size(20);
    group.throughput(Throughput::Elements(count as u64));
    let paths = vec![dir];
    group.bench_function("lib-dynload", |b| {
        b.iter(|| black_box(inspector::inspect_paths(black_box(&paths), &options)))
    });
    group.finish();
}

criterion_group!(benches, files, wheels, paths);
criterion_main!(benches);
