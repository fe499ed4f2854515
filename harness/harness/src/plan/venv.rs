//! A wheel is checked as its users get it: pip installs it, with its
//! dependencies, into a throwaway virtual environment of each interpreter
//! that runs one of its modules, so that its package's `__init__` runs as it
//! will for them. One environment per interpreter per run, holding every
//! wheel of the run that interpreter runs (so dependencies between them
//! resolve), made with `--without-pip` from the base installation (~50 ms)
//! and removed with the run. When the dependencies cannot be installed the
//! wheels go in alone; when pip is missing or refuses them, their extracted
//! files are run (inputs.rs). Either way the report carries one line saying
//! so.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::time::Duration;

use interpreters::{Environment, Interpreter};
use serde::Deserialize;

use crate::process::child::{self, ChildSpec, Ending, Limits};
use crate::process::reaper::PrivateDir;

/// Where pip may find the wheels' dependencies, besides the user's own pip
/// configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    /// `--find-links`: directories (or URLs) of wheels.
    pub find_links: Vec<PathBuf>,
    /// `--no-index`: not the package index.
    pub no_index: bool,
}

/// An interpreter's throwaway environment, with the run's wheels in it.
pub struct Venv {
    /// The interpreter as its children start it: in the environment.
    pub interpreter: Interpreter,
    /// The directories an installed wheel's files are in (purelib,
    /// platlib).
    pub sites: Vec<PathBuf>,
    /// What could not be installed (the dependencies), in one line.
    pub note: Option<String>,
    _dir: PrivateDir,
}

impl Venv {
    /// Where a member installed at `relative` below the site directory is.
    pub fn locate(&self, relative: &Path) -> Option<PathBuf> {
        self.sites
            .iter()
            .map(|site| site.join(relative))
            .find(|path| path.is_file())
    }
}

/// pip from 22.3 installs into another interpreter's environment
/// (`--python`); an older one installs into a directory (`--target`).
const PIP_PYTHON_OPTION: (u32, u32) = (22, 3);

/// Asked of the new environment's interpreter: where packages go.
const PATHS: &str = "import json, site, sys, sysconfig\n\
print(json.dumps({'prefix': sys.prefix, 'purelib': sysconfig.get_path('purelib'), \
'platlib': sysconfig.get_path('platlib'), 'site': site.getsitepackages()}))";

/// Asked of an interpreter that may have pip: its version.
const PIP_VERSION: &str = "import pip; print(pip.__version__)";

#[derive(Deserialize)]
struct Paths {
    prefix: PathBuf,
    purelib: PathBuf,
    platlib: PathBuf,
    site: Vec<PathBuf>,
}

/// Makes `interpreter`'s throwaway environment and installs `wheels` into
/// it; the error is why the wheels are run from their extracted files
/// instead, in one line.
pub fn create(
    interpreter: &Interpreter,
    wheels: &[PathBuf],
    sources: &Sources,
    limit: Duration,
) -> Result<Venv, String> {
    let dir = PrivateDir::new("extharness-venv-").map_err(|e| {
        format!(
            "cannot create a directory in {}: {e}",
            std::env::temp_dir().display()
        )
    })?;
    let runner = Runner {
        dir: dir.path(),
        limit,
    };
    let base = match &interpreter.environment {
        Some(environment) => environment.base.clone(),
        None => interpreter.executable.clone(),
    };
    let prefix = dir.path().join("venv");
    runner
        .python(
            &base,
            &[
                "-m".as_ref(),
                "venv".as_ref(),
                "--without-pip".as_ref(),
                prefix.as_os_str(),
            ],
            false,
        )
        .map_err(|e| {
            format!(
                "cannot make a virtual environment of {}: {e}",
                base.display()
            )
        })?;
    let python = prefix.join("bin/python");
    let answer = runner
        .python(&python, &["-c".as_ref(), PATHS.as_ref()], false)
        .map_err(|e| {
            format!(
                "the virtual environment of {} does not start: {e}",
                base.display()
            )
        })?;
    let paths: Paths = serde_json::from_str(answer.trim()).map_err(|e| {
        format!(
            "the virtual environment of {} answered in an unexpected form: {e}",
            base.display()
        )
    })?;
    let pip = [interpreter.program(), base.as_path()]
        .into_iter()
        .find_map(|candidate| Some((candidate, pip_version(&runner, candidate)?)))
        .ok_or_else(|| {
            let mut names = vec![interpreter.program().display().to_string()];
            if base != interpreter.program() {
                names.push(base.display().to_string());
            }
            format!("pip is not installed for {}", names.join(" nor "))
        })?;
    let into = if pip.1 >= PIP_PYTHON_OPTION {
        Destination::Python(&python)
    } else {
        Destination::Target(&paths.platlib)
    };
    let install = |no_deps: bool| {
        let args = pip_args(&into, wheels, sources, no_deps);
        let args: Vec<&OsStr> = args.iter().map(OsString::as_os_str).collect();
        runner.python(pip.0, &args, true)
    };
    let note = match install(false) {
        Ok(_) => None,
        Err(missing) => {
            install(true).map_err(|e| format!("pip could not install it: {e}"))?;
            Some(format!("dependencies not installed: {missing}"))
        }
    };
    let mut sites = vec![paths.platlib.clone(), paths.purelib.clone()];
    sites.dedup();
    let site_packages = if paths.site.is_empty() {
        sites.clone()
    } else {
        paths.site
    };
    Ok(Venv {
        interpreter: Interpreter {
            environment: Some(Environment {
                prefix: paths.prefix,
                launcher: python,
                base,
                site_packages,
            }),
            ..interpreter.clone()
        },
        sites,
        note,
        _dir: dir,
    })
}

/// Where pip installs.
enum Destination<'a> {
    /// The environment's interpreter (`--python`, pip 22.3 and newer).
    Python(&'a Path),
    /// Its site directory (`--target`).
    Target(&'a Path),
}

/// pip's arguments, after `-m pip`: binaries only (nothing of the user's
/// is built), nothing asked, nothing cached in their home.
fn pip_args(
    into: &Destination<'_>,
    wheels: &[PathBuf],
    sources: &Sources,
    no_deps: bool,
) -> Vec<OsString> {
    let mut args: Vec<OsString> = Vec::new();
    if let Destination::Python(python) = into {
        args.extend(["--python".into(), python.into()]);
    }
    args.extend(
        [
            "install",
            "--only-binary",
            ":all:",
            "--no-input",
            "--disable-pip-version-check",
            "--no-cache-dir",
            "--quiet",
        ]
        .map(OsString::from),
    );
    if let Destination::Target(site) = into {
        args.extend(["--target".into(), site.into()]);
    }
    for link in &sources.find_links {
        // pip runs elsewhere; a URL is as it is.
        let link = match link.to_string_lossy().contains("://") {
            true => link.clone(),
            false => std::path::absolute(link).unwrap_or_else(|_| link.clone()),
        };
        args.extend(["--find-links".into(), link.into()]);
    }
    if sources.no_index {
        args.push("--no-index".into());
    }
    if no_deps {
        args.push("--no-deps".into());
    }
    args.extend(wheels.iter().map(OsString::from));
    args
}

/// The version of the pip `python` has, if it has one.
fn pip_version(runner: &Runner<'_>, python: &Path) -> Option<(u32, u32)> {
    let answer = runner
        .python(python, &["-c".as_ref(), PIP_VERSION.as_ref()], false)
        .ok()?;
    let mut parts = answer.trim().split('.').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next().flatten().unwrap_or(0)))
}

/// Runs the interpreters of one environment's making in its private
/// directory, under a time limit.
struct Runner<'a> {
    dir: &'a Path,
    limit: Duration,
}

impl Runner<'_> {
    /// Runs `python -I ARGS`; its output, or its last error line. pip gets
    /// the user's pip configuration.
    fn python(&self, python: &Path, args: &[&OsStr], pip: bool) -> Result<String, String> {
        let mut all: Vec<OsString> = vec!["-I".into()];
        if pip {
            all.extend(["-m".into(), "pip".into()]);
        }
        all.extend(args.iter().map(|a| a.to_os_string()));
        let mut env = base_env(self.dir);
        if pip {
            let user = pip_env(std::env::vars_os());
            env.retain(|(name, _)| !user.iter().any(|(own, _)| own == name));
            env.extend(user);
        }
        let spec = ChildSpec {
            program: python.to_path_buf(),
            args: all,
            env,
            cwd: self.dir.to_path_buf(),
            timeout: self.limit,
            limits: Limits::for_timeout(self.limit),
        };
        let output = child::run(&spec).map_err(|e| e.to_string())?;
        let stderr = String::from_utf8_lossy(&output.stderr.bytes);
        match output.ending {
            Ending::Exited { code: 0 } => {
                Ok(String::from_utf8_lossy(&output.stdout.bytes).into_owned())
            }
            ending => Err(last_error(&stderr).unwrap_or_else(|| ending.describe())),
        }
    }
}

/// The environment of every process here: a home and a temporary directory
/// of the run's own, so nothing lands outside it.
fn base_env(dir: &Path) -> Vec<(OsString, OsString)> {
    vec![
        ("HOME".into(), dir.into()),
        ("TMPDIR".into(), dir.into()),
        ("PATH".into(), "/usr/bin:/bin".into()),
        ("LC_ALL".into(), "C.UTF-8".into()),
    ]
}

/// What pip gets of the user's environment: where packages come from and
/// how to reach it (index, links, certificates, proxies), and the home its
/// configuration file and `.netrc` are in (pip writes nothing there: no
/// cache, no version check). Not where to install (`PIP_TARGET`,
/// `PIP_PREFIX`, `PIP_USER`...), which would take the wheels out of the
/// environment.
fn pip_env(vars: impl Iterator<Item = (OsString, OsString)>) -> Vec<(OsString, OsString)> {
    const PIP: &[&str] = &[
        "PIP_INDEX_URL",
        "PIP_EXTRA_INDEX_URL",
        "PIP_FIND_LINKS",
        "PIP_NO_INDEX",
        "PIP_TRUSTED_HOST",
        "PIP_CERT",
        "PIP_CLIENT_CERT",
        "PIP_PROXY",
        "PIP_TIMEOUT",
        "PIP_DEFAULT_TIMEOUT",
        "PIP_RETRIES",
        "PIP_CONFIG_FILE",
        "PIP_KEYRING_PROVIDER",
        "PIP_PRE",
    ];
    const NETWORK: &[&str] = &[
        "HOME",
        "XDG_CONFIG_HOME",
        "XDG_CONFIG_DIRS",
        "http_proxy",
        "https_proxy",
        "no_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "NO_PROXY",
        "ALL_PROXY",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "REQUESTS_CA_BUNDLE",
        "NETRC",
    ];
    vars.filter(|(name, _)| {
        name.to_str()
            .is_some_and(|name| PIP.contains(&name) || NETWORK.contains(&name))
    })
    .collect()
}

/// The line of a failed process's error output worth reporting: pip's last
/// `ERROR:` line (the requirement it could not satisfy), else the last
/// line (a Python traceback's exception).
fn last_error(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .iter()
        .rev()
        .find(|l| l.starts_with("ERROR:"))
        .or(lines.last())
        .map(|l| l.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_reported_is_pips_last_error() {
        let stderr = "WARNING: Retrying...\n\
            ERROR: Could not find a version that satisfies the requirement b (from a) (from versions: none)\n\
            ERROR: No matching distribution found for b\n\n";
        assert_eq!(
            last_error(stderr).as_deref(),
            Some("ERROR: No matching distribution found for b")
        );
        assert_eq!(
            last_error("Traceback (most recent call last):\n  ...\nModuleNotFoundError: No module named 'pip'\n")
                .as_deref(),
            Some("ModuleNotFoundError: No module named 'pip'")
        );
        assert_eq!(last_error("\n"), None);
    }

    #[test]
    fn pip_installs_binaries_only_into_the_environment() {
        let sources = Sources {
            find_links: vec![PathBuf::from("/wheels")],
            no_index: true,
        };
        let wheels = [PathBuf::from("/w/a-1.0-cp312-cp312-linux_x86_64.whl")];
        let text = |args: Vec<OsString>| {
            args.iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(
            text(pip_args(
                &Destination::Python(Path::new("/v/bin/python")),
                &wheels,
                &sources,
                false
            )),
            "--python /v/bin/python install --only-binary :all: --no-input \
             --disable-pip-version-check --no-cache-dir --quiet --find-links /wheels --no-index \
             /w/a-1.0-cp312-cp312-linux_x86_64.whl"
        );
        assert_eq!(
            text(pip_args(
                &Destination::Target(Path::new("/v/lib/site-packages")),
                &wheels,
                &Sources::default(),
                true
            )),
            "install --only-binary :all: --no-input --disable-pip-version-check --no-cache-dir \
             --quiet --target /v/lib/site-packages --no-deps /w/a-1.0-cp312-cp312-linux_x86_64.whl"
        );
    }

    #[test]
    fn pip_gets_where_packages_come_from_and_nothing_else() {
        let vars = [
            ("PIP_INDEX_URL", "https://mirror/simple"),
            ("PIP_TARGET", "/elsewhere"),
            ("PIP_USER", "1"),
            ("HOME", "/home/u"),
            ("https_proxy", "http://proxy:3128"),
            ("PYTHONPATH", "/src"),
            ("LD_PRELOAD", "/lib/x.so"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
        ]
        .map(|(k, v)| (OsString::from(k), OsString::from(v)));
        let names: Vec<String> = pip_env(vars.into_iter())
            .into_iter()
            .map(|(k, _)| k.to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["PIP_INDEX_URL", "HOME", "https_proxy"]);
    }
}
