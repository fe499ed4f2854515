//! One pytest process: the user's suite, in the user's directory and
//! environment (it is their test suite, and their conftest may need any of
//! it), with the plugin loaded from a private directory put first on
//! `PYTHONPATH`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tempfile::TempDir;

use super::PytestError;
use super::protocol::{self, Config, Event};
use crate::child::{self, ChildSpec, Ending};

/// The private directory: the plugin, the probe it takes `Meter` from, and
/// the configuration, so that nothing of ours lands in the user's tree.
pub struct Workspace {
    dir: TempDir,
}

impl Workspace {
    pub fn new() -> Result<Workspace, PytestError> {
        let dir = tempfile::Builder::new()
            .prefix("extharness-pytest-")
            .tempdir()
            .map_err(PytestError::Workspace)?;
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
        Ok(Workspace { dir })
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

/// How a session ended, in words: "died by SIGSEGV".
pub fn ending_text(ending: &Ending) -> String {
    match ending {
        Ending::Exited { code } => format!("exited with status {code}"),
        Ending::Signaled { name, .. } => format!("died by {name}"),
        Ending::TimedOut => "overran the time limit".to_string(),
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
    })?;
    Ok(Session {
        ending: output.ending,
        events: protocol::parse_events(&output.report),
        fault: String::from_utf8_lossy(&output.fault).into_owned(),
        stdout: String::from_utf8_lossy(&output.stdout.bytes).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr.bytes).into_owned(),
        duration: output.duration,
    })
}

/// The user's environment, with the plugin's directory first on
/// `PYTHONPATH`, the configuration named, and no bytecode written (pytest
/// would write its rewritten test modules into the project) unless the user
/// chose where it goes.
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
}
