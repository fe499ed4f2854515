//! The Python distribution as a user gets it: the wheel maturin builds from
//! the root `pyproject.toml`, pip-installed into a fresh venv.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Instant;

/// The wheel and a venv with it installed, made once per test process.
#[derive(Debug)]
pub struct Installed {
    pub venv: PathBuf,
    /// The venv's interpreter.
    pub python: PathBuf,
    pub extinspect: PathBuf,
    pub extharness: PathBuf,
    pub wheel: PathBuf,
    /// The interpreter the venv was made from (`python3` on PATH, the one
    /// maturin runs under), resolved past pyenv's shim.
    pub base_python: PathBuf,
    /// Held until the process ends: another test process waits for it
    /// rather than rebuilding the wheel and venv under this one's feet.
    _lock: File,
}

/// Builds the wheel with maturin (`--profile dev`, reusing the workspace's
/// `target/debug`), creates a venv with `python3` and installs the wheel
/// into it with pip, offline. Panics saying what failed, with maturin's
/// and rustc's errors.
pub fn installed() -> &'static Installed {
    static INSTALLED: OnceLock<Installed> = OnceLock::new();
    INSTALLED.get_or_init(install)
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package lives inside the workspace")
        .to_path_buf()
}

/// `program args...` as one line, for messages.
pub fn describe(command: &Command) -> String {
    let mut line = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// Runs `command` and returns its output, panicking with both streams
/// unless it exits with 0.
pub fn succeed(command: &mut Command) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("starting `{}`: {e}", describe(command)));
    assert!(
        output.status.success(),
        "`{}` failed ({}):\nstdout:\n{}\nstderr:\n{}",
        describe(command),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn install() -> Installed {
    let root = workspace_root();
    // Not a temporary directory: a static is never dropped, so one would be
    // left behind by every run. A fixed place, locked, is reused instead.
    let scratch = root.join("target/dist-wheel");
    fs::create_dir_all(&scratch).unwrap();
    let lock = File::create(scratch.join("lock")).unwrap();
    lock.lock().expect("locking target/dist-wheel/lock");

    let out = scratch.join("wheel");
    let venv = scratch.join("venv");
    for dir in [&out, &venv] {
        if dir.exists() {
            fs::remove_dir_all(dir).unwrap_or_else(|e| panic!("removing {}: {e}", dir.display()));
        }
    }

    let base_python = base_python();
    let started = Instant::now();
    // --compatibility linux: a plain linux_<arch> tag, which pip installs
    // on this machine, whatever its glibc; the default would tag it with
    // the newest manylinux policy this machine's glibc allows, which says
    // nothing about the package and changes with the build image.
    let mut build = Command::new(&base_python);
    build
        .args(["-m", "maturin", "build", "--profile", "dev"])
        .args(["--compatibility", "linux", "--out"])
        .arg(&out)
        .current_dir(&root);
    let output = build
        .output()
        .unwrap_or_else(|e| panic!("starting `{}`: {e}", describe(&build)));
    assert!(
        output.status.success(),
        "`{}` failed ({}); `pip install maturin` if it is missing (.ci/run does):\n{}",
        describe(&build),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("dist: maturin build took {:.1?}", started.elapsed());
    let wheels: Vec<PathBuf> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    let [wheel] = wheels.as_slice() else {
        panic!(
            "maturin should have built one wheel into {}: {wheels:?}",
            out.display()
        );
    };

    let started = Instant::now();
    // Without a pip of its own, installed into by the base interpreter's
    // (`pip --python`): the venv ends up the same, and ensurepip would take
    // a further 5 to 10 s.
    succeed(
        Command::new(&base_python)
            .args(["-m", "venv", "--without-pip"])
            .arg(&venv),
    );
    let python = venv.join("bin/python");
    succeed(
        Command::new(&base_python)
            .args(["-m", "pip", "--python"])
            .arg(&python)
            .args(["install", "--no-index", "--no-deps"])
            .args(["--disable-pip-version-check", "--quiet"])
            // By name from the wheel's directory, as docs/ci.md's recipes
            // install it until a release is on PyPI.
            .arg("--find-links")
            .arg(wheel.parent().unwrap())
            .arg("extinspect"),
    );
    eprintln!("dist: venv and pip install took {:.1?}", started.elapsed());

    let installed = Installed {
        extinspect: venv.join("bin/extinspect"),
        extharness: venv.join("bin/extharness"),
        python,
        venv,
        wheel: wheel.clone(),
        base_python,
        _lock: lock,
    };
    for tool in [&installed.extinspect, &installed.extharness] {
        assert!(tool.is_file(), "pip did not install {}", tool.display());
    }
    installed
}

/// `python3` on PATH, which runs maturin (`pip install maturin` installs it
/// there) and makes the venv: its real executable, so that what the tests
/// run does not depend on a shim.
fn base_python() -> PathBuf {
    let output = succeed(Command::new("python3").args(["-c", "import sys; print(sys.executable)"]));
    PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
}
