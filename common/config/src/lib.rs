//! What a CI gate counts, for both `extinspect` and `extharness`: the
//! configuration file (found by [`discover`], read by [`load`] into a
//! [`Config`]), and the [`Policy`] built from it, the command line's
//! [`Overrides`] and an optional [`Baseline`], which judges each finding
//! ([`Policy::judge`] → [`Verdict`]) and says afterwards which per-file
//! ignores matched nothing and what the baseline did.
//!
//! Nothing here prints or exits: errors are [`ConfigError`] and
//! [`BaselineError`], each one line naming the file and the problem.
//!
//! The reference below is `docs/configuration.md`.
//!
#![doc = include_str!("../../../docs/configuration.md")]

mod baseline;
mod config;
mod discover;
mod document;
mod error;
mod finding_path;
mod fingerprint;
mod harness_table;
mod lexical;
mod load;
mod pattern;
mod policy;
mod reader;
mod severity_name;
mod suggest;

pub use baseline::{Baseline, BaselineError, BaselineSummary, Entry};
pub use config::{Config, HarnessDefaults, PerFileIgnore};
pub use discover::discover;
pub use error::ConfigError;
pub use finding_path::normalise;
pub use load::load;
pub use policy::{ALL, FindingKey, Overrides, Policy, Verdict};
