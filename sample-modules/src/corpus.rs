//! Building the corpus for one interpreter, into `<root>/<build key>/`.

use std::env;
use std::path::{Path, PathBuf};

use interpreters::Interpreter;

use crate::catalog::{Language, Sample, catalog, hostile_catalog};
use crate::{BuildError, fingerprint, native, pyo3};

/// Where corpora are built unless told otherwise: `$EXTINSPECT_SAMPLES_DIR`, else
/// `target/samples` in the workspace.
pub fn default_root() -> PathBuf {
    env::var_os("EXTINSPECT_SAMPLES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("sample-modules lives inside the workspace")
                .join("target/samples")
        })
}

/// One sample built for one interpreter.
#[derive(Debug, Clone)]
pub struct BuiltModule {
    pub sample: Sample,
    pub path: PathBuf,
    /// Built by this call (false: the existing file was up to date).
    pub rebuilt: bool,
}

/// The corpus built for one interpreter.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub interpreter: Interpreter,
    /// Holds every built module (import it with this directory on `sys.path`).
    pub dir: PathBuf,
    pub modules: Vec<BuiltModule>,
    /// Samples this interpreter cannot have, with the reason.
    pub skipped: Vec<(Sample, String)>,
}

impl Corpus {
    pub fn module(&self, id: &str) -> Option<&BuiltModule> {
        self.modules.iter().find(|m| m.sample.id == id)
    }
}

/// Builds every sample `interpreter` supports into `root/<build key>/`, reusing
/// outputs whose inputs have not changed. Safe to call from several threads and
/// processes at once: they take turns on a lock in the directory.
pub fn build(interpreter: &Interpreter, root: &Path) -> Result<Corpus, BuildError> {
    build_samples(
        catalog()?,
        interpreter,
        root,
        &root.join(interpreter.build_key()),
    )
}

/// Builds the hostile samples ([`crate::hostile_catalog`]) `interpreter`
/// supports into `root/hostile/<build key>/`, as [`build`] builds the corpus.
pub fn build_hostile(interpreter: &Interpreter, root: &Path) -> Result<Corpus, BuildError> {
    let dir = root.join("hostile").join(interpreter.build_key());
    build_samples(hostile_catalog()?, interpreter, root, &dir)
}

fn build_samples(
    samples: Vec<Sample>,
    interpreter: &Interpreter,
    root: &Path,
    dir: &Path,
) -> Result<Corpus, BuildError> {
    if !interpreter.can_build_extensions() {
        return Err(BuildError::NoHeaders {
            interpreter: interpreter.to_string(),
        });
    }
    let _lock = fingerprint::lock_dir(dir)?;

    let mut wanted: Vec<Sample> = Vec::new();
    let mut skipped = Vec::new();
    for sample in samples {
        match unsupported_reason(&sample, interpreter) {
            Some(reason) => skipped.push((sample, reason)),
            None => wanted.push(sample),
        }
    }
    let (c, rust): (Vec<&Sample>, Vec<&Sample>) =
        wanted.iter().partition(|s| s.language == Language::C);
    let mut modules = native::build(&c, interpreter, dir)?;
    if !rust.is_empty() {
        modules.extend(pyo3::build(
            &rust,
            interpreter,
            dir,
            &root.join("pyo3-target"),
        )?);
    }
    Ok(Corpus {
        interpreter: interpreter.clone(),
        dir: dir.to_path_buf(),
        modules,
        skipped,
    })
}

fn unsupported_reason(sample: &Sample, interpreter: &Interpreter) -> Option<String> {
    let v = interpreter.version;
    if !sample.supports(v) {
        return Some(format!(
            "supports {}, not {}.{}",
            sample.python, v.major, v.minor
        ));
    }
    if sample.links_libpython && interpreter.libpython().is_none() {
        return Some("the interpreter has no shared libpython to link".into());
    }
    None
}
