//! Interpreter discovery shared by the sample corpus, the harness and the tests.
//!
//! Candidates come from pyenv's versions, uv's managed installations, `python3.X`/`python3.Xd`/`python3.Xt` on
//! `PATH` and explicit paths; each is asked what it is by running an embedded probe
//! (`probe.py`) that answers in JSON, so nothing is guessed from file names.

pub mod cache;
mod discover;
mod error;
mod interpreter;
mod probe;
mod requires;

pub use discover::{
    Discovery, Skipped, active_environment, discover, pyenv_root, resolve_pyenv_shim, uv_python_dir,
};
pub use error::ProbeError;
pub use interpreter::{Environment, Interpreter, Origin, Version};
pub use probe::probe;
pub use requires::{Requires, RequiresError};
