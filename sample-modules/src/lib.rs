//! extinspect's sample corpus: real extension modules, good and deliberately
//! broken, in C and Rust (PyO3), built for each interpreter on the machine and,
//! for the C samples, as Windows (PE) and macOS (Mach-O) fixtures.
//!
//! Each sample's header comment (see [`Sample`]) says what it demonstrates and
//! what the inspector and the harness must report about it.

mod catalog;
mod corpus;
mod docs;
mod error;
mod fingerprint;
mod foreign;
mod native;
mod pyo3;
mod toolchain;

pub use catalog::{
    Expected, Language, Mode, Sample, Suffix, VersionRange, catalog, hostile_catalog, source_root,
};
pub use corpus::{BuiltModule, Corpus, build, build_hostile, default_root};
pub use docs::samples_markdown;
pub use error::BuildError;
pub use foreign::{Arch, ForeignCorpus, ForeignFixture, Format, build_foreign};
pub use toolchain::find_tool;
