//! Shared by the integration tests: the two tools' check ids (as their
//! registries list them when this was written) and a project directory.

#![allow(dead_code)] // each test file uses its own part

use std::fs;
use std::path::{Path, PathBuf};

use checkmeta::Severity;
use config::{Config, FindingKey};

pub const INSPECTOR: &[&str] = &[
    "unreadable-file",
    "suffix-not-importable",
    "missing-init-symbol",
    "init-symbol-not-exported",
    "extra-init-symbols",
    "tag-arch-mismatch",
    "python-dll-mismatch",
    "links-libpython",
    "abi3-violation",
    "abi3-candidate",
    "private-api",
    "undefined-python-symbol",
    "single-phase-init",
];

pub const HARNESS: &[&str] = &[
    "import-error",
    "import-crash",
    "reimport-crash",
    "reimport-leak",
    "reimport-refused",
    "singleton-state",
    "subinterpreter-crash",
    "subinterpreter-refused",
    "subinterpreter-shared-objects",
    "reinit-crash",
    "reinit-leak",
    "reinit-refused",
    "reinit-stale-objects",
    "shutdown-crash",
    "shutdown-hang",
    "scenario-timeout",
    "workload-error",
    "call-crash",
    "call-leak",
    "gil-misuse",
    "memory-corruption",
    "test-crash",
    "test-leak",
];

pub fn known() -> Vec<&'static str> {
    INSPECTOR.iter().chain(HARNESS).copied().collect()
}

/// A project directory; dropped with the test.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Project {
        Project {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `relative` (creating directories) and returns its path.
    pub fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.root().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    /// Writes `extinspect.toml` and loads it.
    pub fn config(&self, text: &str) -> Config {
        let path = self.write("extinspect.toml", text);
        config::load(&path, &known()).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The error `load` gives for `text` written to `name`.
    pub fn error(&self, name: &str, text: &str) -> String {
        let path = self.write(name, text);
        match config::load(&path, &known()) {
            Ok(config) => panic!("expected an error, loaded {config:?}"),
            Err(error) => error.to_string(),
        }
    }

    /// `extinspect.toml` in messages: `load` names the file as given.
    pub fn shown(&self, name: &str) -> String {
        self.root().join(name).display().to_string()
    }
}

pub fn key<'a>(check: &'a str, path: &'a str) -> FindingKey<'a> {
    FindingKey {
        check,
        severity: Severity::Warning,
        path,
        module: None,
        context: &[],
    }
}
