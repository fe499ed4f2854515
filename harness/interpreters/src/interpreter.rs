use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A Python version, `major.minor.micro`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "[u32; 3]", into = "[u32; 3]")]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub micro: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32, micro: u32) -> Self {
        Self {
            major,
            minor,
            micro,
        }
    }

    /// `(major, minor)`, the part that decides ABI compatibility.
    pub fn feature(self) -> (u32, u32) {
        (self.major, self.minor)
    }
}

impl From<[u32; 3]> for Version {
    fn from([major, minor, micro]: [u32; 3]) -> Self {
        Self::new(major, minor, micro)
    }
}

impl From<Version> for [u32; 3] {
    fn from(v: Version) -> Self {
        [v.major, v.minor, v.micro]
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.micro)
    }
}

/// Where discovery found an interpreter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    Pyenv,
    Path,
    Explicit,
    /// An installation uv manages (`uv python install`).
    Uv,
}

/// What an interpreter said about itself (see `probe.py`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interpreter {
    /// The real executable (symlinks and pyenv shims resolved).
    pub executable: PathBuf,
    pub implementation: String,
    pub version: Version,
    pub abiflags: String,
    /// A `Py_DEBUG` build (`sys.gettotalrefcount` exists).
    pub debug: bool,
    pub free_threaded: bool,
    /// `EXT_SUFFIX`, e.g. `.cpython-312-x86_64-linux-gnu.so`.
    pub ext_suffix: Option<String>,
    /// `importlib.machinery.EXTENSION_SUFFIXES`: every suffix its import
    /// system finds an extension module by, in its order (None on Python 2
    /// and in discovery caches older than the field).
    #[serde(default)]
    pub extension_suffixes: Option<Vec<String>>,
    pub soabi: Option<String>,
    pub multiarch: Option<String>,
    /// `sysconfig.get_platform()`, e.g. `linux-x86_64`.
    pub platform: String,
    /// The directory holding `Python.h`, when the headers are installed.
    pub include_dir: Option<PathBuf>,
    pub lib_dynload: Option<PathBuf>,
    pub libdir: Option<PathBuf>,
    /// `LDLIBRARY`, e.g. `libpython3.12.so`.
    pub ldlibrary: Option<String>,
    /// `INSTSONAME`, the shared library's run-time name, e.g.
    /// `libpython3.15d.so.1.0` (absent from old discovery caches).
    #[serde(default)]
    pub instsoname: Option<String>,
    /// Built with `--enable-shared` (a `libpython` exists to link or load).
    pub shared: bool,
    pub pointer_size: u32,
    /// `sys.base_prefix` and `sys.base_exec_prefix`: the installation's
    /// roots, which a process embedding its `libpython` passes as
    /// `PYTHONHOME` (absent from old discovery caches).
    #[serde(default)]
    pub prefix: Option<PathBuf>,
    #[serde(default)]
    pub exec_prefix: Option<PathBuf>,
    /// The virtual environment it was started in, if any.
    #[serde(default)]
    pub environment: Option<Environment>,
    #[serde(skip_deserializing, default = "explicit")]
    pub origin: Origin,
    /// How a `--python NAME` became this executable, when it took more
    /// than a look at `PATH` (a pyenv shim resolved to a version's own).
    #[serde(skip_deserializing, default, skip_serializing_if = "Option::is_none")]
    pub found_as: Option<String>,
}

/// A virtual environment (`python -m venv`, virtualenv): an interpreter
/// started by the environment's own `bin/python` sees the environment's
/// `site-packages`; started by its real executable, it does not. So the
/// harness starts it by [`Environment::launcher`], and keeps
/// [`Interpreter::executable`] for what the installation is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    /// `sys.prefix`: the environment's directory.
    pub prefix: PathBuf,
    /// The environment's own interpreter path (`sys.executable`, symlinks
    /// kept).
    pub launcher: PathBuf,
    /// The installation's interpreter the environment was made from
    /// (`sys._base_executable`, resolved).
    pub base: PathBuf,
    /// Its site directories (`site.getsitepackages()`), for a process that
    /// embeds the base installation's `libpython` and must see the same
    /// packages.
    pub site_packages: Vec<PathBuf>,
}

fn explicit() -> Origin {
    Origin::Explicit
}

impl Interpreter {
    /// The CPython tag of this build: `cp312`, `cp311d`, `cp313t`.
    pub fn tag(&self) -> String {
        let flags: String = self
            .abiflags
            .chars()
            .filter(|c| matches!(c, 'd' | 't'))
            .collect();
        format!("cp{}{}{}", self.version.major, self.version.minor, flags)
    }

    /// A name for directories holding things built for this interpreter:
    /// the tag and the target, e.g. `cp312-x86_64-linux-gnu`. Interpreters that
    /// share it are ABI-compatible, so what is built for one loads in the other.
    pub fn build_key(&self) -> String {
        let target = self
            .multiarch
            .clone()
            .unwrap_or_else(|| self.platform.replace(['-', '.'], "_"));
        format!("{}-{}", self.tag(), target)
    }

    /// `libpython` as a file, when this is a shared build.
    pub fn libpython(&self) -> Option<PathBuf> {
        let dir = self.libdir.as_deref()?;
        let name = self.ldlibrary.as_deref()?;
        let path = dir.join(name);
        (self.shared && path.is_file()).then_some(path)
    }

    /// Whether extension modules can be compiled for it here.
    pub fn can_build_extensions(&self) -> bool {
        self.include_dir.is_some() && self.ext_suffix.is_some()
    }

    pub fn is_cpython(&self) -> bool {
        self.implementation == "cpython"
    }

    /// The path to start it by: the environment's own interpreter inside a
    /// virtual environment, else the real executable.
    pub fn program(&self) -> &std::path::Path {
        match &self.environment {
            Some(environment) => &environment.launcher,
            None => &self.executable,
        }
    }
}

impl fmt::Display for Interpreter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}{} ({})",
            self.implementation,
            self.version,
            self.abiflags,
            self.program().display()
        )?;
        match &self.environment {
            Some(environment) => write!(
                f,
                ", a virtual environment at {} of {}",
                environment.prefix.display(),
                environment.base.display()
            ),
            None => Ok(()),
        }?;
        match &self.found_as {
            Some(found_as) => write!(f, "; {found_as}"),
            None => Ok(()),
        }
    }
}
