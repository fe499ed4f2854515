//! One pytest process: the user's suite, in the user's directory and
//! environment (it is their test suite, and their conftest may need any of
//! it), with the plugin loaded from a private directory put first on
//! `PYTHONPATH` and the crash handler preloaded from there.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::PytestError;
use super::protocol::{self, Config, Event};
use crate::process::child::{self, ChildSpec, Ending, Limits};
use crate::process::native::{self, NativeStack};
use crate::process::reaper::PrivateDir;

/// The private directory: the plugin, the probe it takes `Meter` from, the
/// configuration and the crash handler, so that nothing of ours lands in
/// the user's tree.
pub struct Workspace {
    dir: PrivateDir,
    /// The `LD_PRELOAD` entry naming the crash handler in `dir`; `None` when
    /// the directory's path cannot be named there.
    preload: Option<(OsString, OsString)>,
}

impl Workspace {
    pub fn new() -> Result<Workspace, PytestError> {
        let dir = PrivateDir::new("extharness-pytest-").map_err(PytestError::Workspace)?;
        let files = [
            (format!("{}.py", protocol::PLUGIN_MODULE), protocol::PLUGIN),
            (
                format!("{}.py", protocol::PROBE_MODULE),
                crate::probe::SOURCE,
            ),
        ];
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).map_err(PytestError::Workspace)?;
        }
        let preload = native::preload::install(dir.path()).map_err(PytestError::Workspace)?;
        Ok(Workspace { dir, preload })
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("config.json")
    }
}

/// How to start pytest, whatever the session.
pub struct Launch<'a> {
    pub python: &'a Path,
    pub pytest_args: &'a [OsString],
    pub cwd: &'a Path,
    pub env: &'a [(OsString, OsString)],
}

/// What one pytest process left.
#[derive(Debug, Clone)]
pub struct Session {
    pub ending: Ending,
    pub events: Vec<Event>,
    /// faulthandler's output: a crash's or a hang's Python stacks.
    pub fault: String,
    /// The crashing thread's native stack, when the process died by a signal
    /// and the preloaded handler caught it.
    pub native: Option<NativeStack>,
    pub stdout: String,
    pub stderr: String,
    pub duration: Duration,
}

impl Session {
    pub fn collected(&self) -> Option<&[String]> {
        self.events.iter().find_map(|e| match e {
            Event::Collected { nodeids } => Some(nodeids.as_slice()),
            _ => None,
        })
    }

    pub fn exitstatus(&self) -> Option<i32> {
        self.events.iter().find_map(|e| match e {
            Event::Done { exitstatus } => Some(*exitstatus),
            _ => None,
        })
    }

    /// The last lines pytest and the interpreter wrote, for error messages:
    /// pytest reports collection and usage errors on stdout, Python its
    /// own failures on stderr.
    pub fn output_tail(&self, lines: usize) -> String {
        let all: Vec<&str> = self
            .stdout
            .lines()
            .chain(self.stderr.lines())
            .filter(|l| !l.trim().is_empty())
            .collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

/// Starts pytest once; `collect_only` asks it for the test list alone.
pub fn run(
    workspace: &Workspace,
    launch: &Launch,
    config: &Config,
    collect_only: bool,
    limit: Duration,
) -> Result<Session, PytestError> {
    let text = serde_json::to_string(config).expect("the configuration serializes");
    std::fs::write(workspace.config_path(), text).map_err(PytestError::Workspace)?;
    let mut args: Vec<OsString> = ["-m", "pytest", "-p", protocol::PLUGIN_MODULE]
        .iter()
        .map(OsString::from)
        .collect();
    // The cache would be written into the user's project; faulthandler and
    // parallel workers are the plugin's business (its fd-4 dumps and
    // watchdog, and one process to place a crash in).
    for plugin in ["cacheprovider", "faulthandler", "xdist"] {
        args.extend(["-p".into(), format!("no:{plugin}").into()]);
    }
    if collect_only {
        args.push("--collect-only".into());
    }
    args.extend(launch.pytest_args.iter().cloned());
    let output = child::run(&ChildSpec {
        program: launch.python.to_path_buf(),
        args,
        env: environment(workspace, launch.env),
        cwd: launch.cwd.to_path_buf(),
        timeout: limit,
        limits: limits(limit, launch.env),
    })?;
    // Named here, while the libraries the tests loaded are still where the
    // record says. Only pytest's own death counts: a process it forked
    // inherits the handler and its descriptor, and may leave a record of
    // its own crash in a session that ended well.
    let native = match output.ending {
        Ending::Signaled { .. } => native::symbolize_any(&output.native),
        _ => None,
    };
    Ok(Session {
        ending: output.ending,
        events: protocol::parse_events(&output.report),
        fault: String::from_utf8_lossy(&output.fault).into_owned(),
        native,
        stdout: String::from_utf8_lossy(&output.stdout.bytes).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr.bytes).into_owned(),
        duration: output.duration,
    })
}

/// The harness's limits, but no address-space limit when the user preloads
/// something: a sanitizer runtime (ASan, MSan, TSan) reserves terabytes of
/// address space for its shadow memory and refuses to start under one.
fn limits(timeout: Duration, user: &[(OsString, OsString)]) -> Limits {
    let mut limits = Limits::for_timeout(timeout);
    if user.iter().any(|(k, v)| k == "LD_PRELOAD" && !v.is_empty()) {
        limits.address_space = None;
    }
    limits
}

/// The user's environment, with the plugin's directory first on
/// `PYTHONPATH`, the configuration named, no bytecode written (pytest
/// would write its rewritten test modules into the project) unless the user
/// chose where it goes, and the crash handler preloaded unless the user
/// preloads something already.
fn environment(workspace: &Workspace, user: &[(OsString, OsString)]) -> Vec<(OsString, OsString)> {
    let ours = workspace.dir.path();
    let mut env: Vec<(OsString, OsString)> = user
        .iter()
        .filter(|(k, _)| k != "PYTHONPATH" && k != protocol::CONFIG_VAR)
        .cloned()
        .collect();
    let mut path = OsString::from(ours);
    if let Some((_, old)) = user.iter().find(|(k, _)| k == "PYTHONPATH")
        && !old.is_empty()
    {
        path.push(":");
        path.push(old);
    }
    env.push(("PYTHONPATH".into(), path));
    env.push((protocol::CONFIG_VAR.into(), workspace.config_path().into()));
    // A cache prefix would do too, but then nothing already compiled is
    // found there, and the whole import graph is compiled again each session.
    let cache = ["PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"];
    if !user.iter().any(|(k, _)| cache.iter().any(|c| k == c)) {
        env.push(("PYTHONDONTWRITEBYTECODE".into(), "1".into()));
    }
    // The handler removes `LD_PRELOAD` from the environment as it loads (the
    // programs a test starts must not run it), which would take the user's
    // own preloads (a sanitizer runtime, a malloc) away from those programs
    // too: with those, crashes go without a native stack instead.
    let user_preloads = user.iter().any(|(k, v)| k == "LD_PRELOAD" && !v.is_empty());
    if !user_preloads {
        env.retain(|(k, _)| k != "LD_PRELOAD");
        env.extend(workspace.preload.clone());
    }
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_keeps_the_users_and_puts_the_plugin_first() {
        let workspace = Workspace::new().expect("workspace");
        let user: Vec<(OsString, OsString)> = vec![
            ("HOME".into(), "/home/u".into()),
            ("PYTHONPATH".into(), "/src".into()),
            (protocol::CONFIG_VAR.into(), "/stale".into()),
        ];
        let env = environment(&workspace, &user);
        let get = |key: &str| {
            env.iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(get("HOME"), ["/home/u"]);
        let mut want = OsString::from(workspace.dir.path());
        want.push(":/src");
        assert_eq!(get("PYTHONPATH"), [want]);
        assert_eq!(
            get(protocol::CONFIG_VAR),
            [OsString::from(workspace.config_path())]
        );
        assert_eq!(get("PYTHONDONTWRITEBYTECODE"), ["1"]);
        for module in [protocol::PLUGIN_MODULE, protocol::PROBE_MODULE] {
            assert!(workspace.dir.path().join(format!("{module}.py")).is_file());
        }
    }

    #[test]
    fn the_crash_handler_is_preloaded_unless_the_user_preloads_something() {
        let workspace = Workspace::new().expect("workspace");
        let preloads = |user: &[(&str, &str)]| {
            let user: Vec<(OsString, OsString)> =
                user.iter().map(|(k, v)| (k.into(), v.into())).collect();
            environment(&workspace, &user)
                .into_iter()
                .filter(|(k, _)| k == "LD_PRELOAD")
                .map(|(_, v)| v)
                .collect::<Vec<_>>()
        };
        let handler = workspace
            .dir
            .path()
            .join(native::preload::FILE_NAME)
            .into_os_string();
        assert_eq!(
            std::fs::read(&handler).expect("installed"),
            native::preload::LIBRARY
        );
        assert_eq!(preloads(&[]), std::slice::from_ref(&handler));
        // An empty preload loads nothing, so nothing is lost by replacing it.
        assert_eq!(preloads(&[("LD_PRELOAD", "")]), [handler]);
        assert_eq!(
            preloads(&[("LD_PRELOAD", "/usr/lib/libasan.so.8")]),
            ["/usr/lib/libasan.so.8"]
        );
    }
}
