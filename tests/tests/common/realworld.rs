//! The pinned real distributions (tests/realworld/distributions.toml) and
//! the venvs they are installed into, one per interpreter and pinned list,
//! cached outside the clone: extharness's realworld test runs them, the
//! inspector's (inspector_realworld.rs) reads their site-packages.

use std::path::PathBuf;
use std::process::Command;

use interpreters::Interpreter;

pub const PINNED: &str = include_str!("../../realworld/distributions.toml");

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pinned {
    /// What extharness's realworld test checks.
    pub distribution: Vec<Wheel>,
    /// Pure-Python wheels a distribution's packages import.
    pub dependency: Vec<Wheel>,
    /// Installed into the same venvs for extinspect's installed-tree proof
    /// only: the harness test installs them and checks none of them.
    #[serde(default)]
    pub installed: Vec<Wheel>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wheel {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub language: Option<String>,
    /// The top-level name its extension modules are imported under.
    #[serde(default)]
    pub package: Option<String>,
    #[serde(default)]
    pub of: Option<String>,
    pub sha256: Vec<String>,
}

pub fn pinned() -> Pinned {
    toml::from_str(PINNED).expect("tests/realworld/distributions.toml parses")
}

/// pip's requirements file: every pinned wheel with its hashes, the
/// `[[installed]]` ones too.
pub fn requirements(pinned: &Pinned) -> String {
    pinned
        .distribution
        .iter()
        .chain(&pinned.dependency)
        .chain(&pinned.installed)
        .map(|w| {
            let hashes: Vec<String> = w
                .sha256
                .iter()
                .map(|h| format!("--hash=sha256:{h}"))
                .collect();
            format!("{}=={} {}\n", w.name, w.version, hashes.join(" "))
        })
        .collect()
}

/// `$XDG_CACHE_HOME` or `~/.cache`, then `extinspect/`: what the tests
/// download is kept there, outside the clone.
pub fn cache_base() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache")
        });
    base.join("extinspect")
}

pub fn cache_root() -> PathBuf {
    cache_base().join("realworld")
}

/// The venv of `interpreter` with every pinned wheel installed, made once
/// per interpreter and pinned list (their hash names the directory), and
/// the directory of the wheels it was installed from. Returns the venv's
/// python.
pub fn environment(interpreter: &Interpreter, requirements: &str) -> (PathBuf, PathBuf) {
    let identity = format!(
        "{}\n{}\n{requirements}",
        interpreter.executable.display(),
        interpreter.version
    );
    let key = format!("{}-{:016x}", interpreter.tag(), fnv(identity.as_bytes()));
    let root = cache_root().join(key);
    let python = root.join("bin/python");
    let wheels = root.join("wheels");
    let done = root.join("extinspect-installed");
    if done.is_file() {
        return (python, wheels);
    }
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.parent().unwrap()).unwrap();
    run(Command::new(&interpreter.executable)
        .args(["-m", "venv"])
        .arg(&root));
    let file = root.join("requirements.txt");
    std::fs::write(&file, requirements).unwrap();
    let pip = |verb: &str| {
        let mut command = Command::new(&python);
        command
            .args(["-m", "pip", verb, "--quiet", "--disable-pip-version-check"])
            .args(["--require-hashes", "--no-deps", "--only-binary", ":all:"]);
        command
    };
    run(pip("download").arg("-d").arg(&wheels).arg("-r").arg(&file));
    run(pip("install")
        .arg("--no-index")
        .arg("--find-links")
        .arg(&wheels)
        .arg("-r")
        .arg(&file));
    std::fs::write(&done, "").unwrap();
    (python, wheels)
}

/// The site-packages of a venv made by [`environment`], given its python.
pub fn site_packages(python: &std::path::Path, interpreter: &Interpreter) -> PathBuf {
    let (major, minor) = interpreter.version.feature();
    python
        .parent()
        .and_then(|bin| bin.parent())
        .expect("venv/bin/python")
        .join(format!("lib/python{major}.{minor}"))
        .join("site-packages")
}

pub fn run(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// FNV-1a: a stable name for a pinned list.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x100000001b3)
    })
}
