//! A small extension project as CI sees it after a build: `dist/` with a
//! wheel of real sample modules built for CPython 3.12 (one clean, one
//! with an error, one with a warning and one ignored by a per-file ignore,
//! with its reason), and a `pyproject.toml` configuring both tools.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tests::dist::Installed;

/// The members of the demo wheel: (sample id, what the project says of it).
pub const MEMBERS: &[&str] = &[
    "clean_multiphase",   // nothing to report
    "init_name_mismatch", // missing-init-symbol, import-error: fails the gate
    "singlephase_state",  // single-phase-init (warning), singleton-state
    "hidden_init",        // covered by a per-file ignore, with its reason
];

pub struct Project {
    pub dir: tempfile::TempDir,
    /// The interpreter the wheel is for, named in `[tool.extinspect.harness]`.
    pub python: PathBuf,
}

impl Project {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn wheel(&self) -> PathBuf {
        self.root().join("dist").join(WHEEL)
    }

    /// A command of the installed tools, run in the project, with the venv
    /// first on PATH as `pip install` into an activated venv leaves it.
    pub fn command(&self, installed: &Installed, program: &str) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(self.root())
            .env("PATH", path_with(installed))
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE");
        command
    }
}

pub const WHEEL: &str = "demo-1.0-cp312-cp312-linux_x86_64.whl";

/// `PATH` with the venv's scripts first.
pub fn path_with(installed: &Installed) -> std::ffi::OsString {
    let mut paths = vec![installed.venv.join("bin")];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

/// `dist/` with the demo wheel and its configuration; `members` picks the
/// samples (all of [`MEMBERS`] for the gate's proofs).
pub fn project(
    interpreter: &interpreters::Interpreter,
    corpus: &sample_modules::Corpus,
    members: &[&str],
) -> Project {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    let mut files: Vec<(String, Vec<u8>)> = vec![("demo/__init__.py".into(), Vec::new())];
    for id in members {
        let module = corpus
            .module(id)
            .unwrap_or_else(|| panic!("{id} is built for {interpreter}"));
        let name = module.path.file_name().unwrap().to_string_lossy();
        files.push((format!("demo/{name}"), std::fs::read(&module.path).unwrap()));
    }
    files.push((
        "demo-1.0.dist-info/WHEEL".into(),
        b"Wheel-Version: 1.0\nGenerator: extinspect-tests\nRoot-Is-Purelib: false\nTag: cp312-cp312-linux_x86_64\n".to_vec(),
    ));
    files.push((
        "demo-1.0.dist-info/METADATA".into(),
        b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n".to_vec(),
    ));
    // What a build writes last, and pip needs to install the wheel.
    let mut record: String = files
        .iter()
        .map(|(name, _)| format!("{name},,\n"))
        .collect();
    record.push_str("demo-1.0.dist-info/RECORD,,\n");
    files.push(("demo-1.0.dist-info/RECORD".into(), record.into_bytes()));
    let mut zip = zip::ZipWriter::new(std::fs::File::create(dist.join(WHEEL)).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in &files {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    let python = interpreter.executable.clone();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        format!(
            r#"[project]
name = "demo"
version = "1.0"

[tool.extinspect]
# Every module could be abi3; the project has decided against it.
ignore = ["abi3-candidate"]

[tool.extinspect.severity]
extra-init-symbols = "error"

[[tool.extinspect.per-file-ignores]]
path = "dist/*.whl!demo/hidden_init*"
checks = ["init-symbol-not-exported", "import-error"]
reason = "hidden_init hides its init function on purpose"

[[tool.extinspect.per-file-ignores]]
path = "legacy/*.so"
checks = ["single-phase-init", "singleton-state"]
reason = "the legacy modules are gone"

[tool.extinspect.harness]
pythons = ["{}"]
scenarios = ["reimport"]
timeout = 30
warmups = 1
runs = 3
"#,
            python.display()
        ),
    )
    .unwrap();
    Project { dir, python }
}

/// Runs and returns the output, whatever the status.
pub fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("starting {command:?}: {e}"))
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
