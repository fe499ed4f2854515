use std::env;
use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::{Interpreter, Origin, ProbeError};

pub(crate) const PROBE: &str = include_str!("probe.py");

/// How long an interpreter has to answer (it takes 20 to 50 ms; a cold
/// start of a debug build on a loaded machine, a few seconds). One that
/// hangs is killed, with its process group, and reported.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(30);
/// What is kept of each of its output streams; the rest is read and dropped.
const OUTPUT_CAP: u64 = 1 << 20;

/// Runs the probe under `python` and returns what it reported.
///
/// `-E -s` rather than `-I`: Python 2.7 has no `-I`, and old interpreters must
/// still answer so that they can be recognised and skipped by version.
///
/// The probe runs in a private directory, removed afterwards, which is also
/// its `HOME`, `TMPDIR` and working directory; the rest of the environment is
/// the caller's, so that wrappers and pyenv's shims work (`PYENV_DIR` keeps
/// pyenv choosing the version for the caller's directory). In its own process
/// group, killed whole after [`PROBE_TIMEOUT`].
pub fn probe(python: &Path) -> Result<Interpreter, ProbeError> {
    let path = python.to_path_buf();
    let root = env::temp_dir();
    let dir = tempfile::Builder::new()
        .prefix("extinspect-probe-")
        .tempdir()
        .map_err(|source| ProbeError::Prepare {
            path: path.clone(),
            dir: root,
            source,
        })?;
    // A relative path with a directory part would be looked up from the
    // private directory once the child is there.
    let program = if python.components().count() > 1 {
        std::path::absolute(python).unwrap_or_else(|_| path.clone())
    } else {
        path.clone()
    };
    let mut command = Command::new(&program);
    command
        .args(["-E", "-s", "-c", PROBE])
        .env_remove("PYTHONPATH")
        .env_remove("PYTHONHOME")
        .env("HOME", dir.path())
        .env("TMPDIR", dir.path())
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    if env::var_os("PYENV_DIR").is_none()
        && let Ok(cwd) = env::current_dir()
    {
        command.env("PYENV_DIR", cwd);
    }
    let mut child = command.spawn().map_err(|source| ProbeError::Spawn {
        what: refused_format(&program, &source),
        path: path.clone(),
        source,
    })?;
    let stdout = capture(child.stdout.take());
    let stderr = capture(child.stderr.take());
    let status = match wait(&mut child, PROBE_TIMEOUT) {
        Some(status) => status,
        None => {
            return Err(ProbeError::TimedOut {
                path,
                limit: PROBE_TIMEOUT,
            });
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    drop(dir);
    if !status.success() {
        let stderr = String::from_utf8_lossy(&stderr);
        return Err(ProbeError::Failed {
            path,
            status,
            stderr: stderr.lines().last().unwrap_or("").trim().to_owned(),
        });
    }
    let mut interpreter: Interpreter =
        serde_json::from_slice(&stdout).map_err(|source| ProbeError::BadReport {
            path,
            source,
            printed: printed(&stdout),
        })?;
    interpreter.origin = Origin::Explicit;
    Ok(interpreter)
}

/// Reads a stream to its end on a thread of its own, keeping the first
/// [`OUTPUT_CAP`] bytes.
fn capture(stream: Option<impl Read + Send + 'static>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        if let Some(mut stream) = stream {
            let _ = (&mut stream).take(OUTPUT_CAP).read_to_end(&mut kept);
            let _ = io::copy(&mut stream, &mut io::sink());
        }
        kept
    })
}

/// The exit status, or `None` after killing the child's process group at
/// the deadline.
fn wait(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => {}
            _ => {
                // SAFETY: the child leads its own group (process_group(0))
                // and is not reaped yet, so the id is still its.
                unsafe { libc::killpg(child.id() as libc::pid_t, libc::SIGKILL) };
                let _ = child.wait();
                return None;
            }
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// The first line of what a probe printed instead of JSON, shortened.
fn printed(stdout: &[u8]) -> String {
    let text = String::from_utf8_lossy(stdout);
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    match line.char_indices().nth(80) {
        Some((end, _)) => format!("{}...", &line[..end]),
        None => line.to_string(),
    }
}

/// When exec refused the file's format (ENOEXEC): what the file is.
fn refused_format(program: &Path, error: &io::Error) -> Option<String> {
    if error.raw_os_error() != Some(libc::ENOEXEC) {
        return None;
    }
    let file = resolve(program)?;
    let mut head = [0u8; 20];
    let mut reader = std::fs::File::open(&file).ok()?;
    let n = reader.read(&mut head).ok()?;
    Some(describe_executable(&head[..n]))
}

/// `program` as exec finds it: a path, or the first match on `PATH`.
fn resolve(program: &Path) -> Option<PathBuf> {
    if program.components().count() > 1 {
        return Some(program.to_path_buf());
    }
    env::split_paths(&env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// What the first bytes of a file the kernel would not execute say it is.
fn describe_executable(head: &[u8]) -> String {
    let here = env::consts::ARCH;
    if head.len() >= 20 && head.starts_with(b"\x7fELF") {
        let read16 = |at: usize| match head[5] {
            2 => u16::from_be_bytes([head[at], head[at + 1]]),
            _ => u16::from_le_bytes([head[at], head[at + 1]]),
        };
        let bits = match head[4] {
            1 => "32-bit ",
            2 => "64-bit ",
            _ => "",
        };
        let machine = match read16(18) {
            3 => "x86 (i386)".to_string(),
            8 => "MIPS".to_string(),
            20 => "PowerPC".to_string(),
            21 => "PowerPC 64".to_string(),
            22 => "s390".to_string(),
            40 => "ARM".to_string(),
            62 => "x86-64".to_string(),
            183 => "AArch64".to_string(),
            243 => "RISC-V".to_string(),
            258 => "LoongArch".to_string(),
            other => format!("machine {other}"),
        };
        return format!(
            "a {bits}ELF executable for {machine}, which this {here} machine does not run"
        );
    }
    if head.starts_with(b"#!") {
        return "a script whose interpreter line (#!) the kernel refused".to_string();
    }
    if head.starts_with(b"MZ") {
        return "a Windows (PE) executable".to_string();
    }
    if [
        b"\xcf\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe",
        b"\xce\xfa\xed\xfe",
    ]
    .iter()
    .any(|magic| head.starts_with(*magic))
    {
        return "a macOS (Mach-O) executable".to_string();
    }
    format!("not an executable format this {here} machine runs")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn script(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn elf_headers_name_their_machine() {
        let mut head = *b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\xb7\0";
        assert_eq!(
            describe_executable(&head),
            format!(
                "a 64-bit ELF executable for AArch64, which this {} machine does not run",
                env::consts::ARCH
            )
        );
        head[18] = 3;
        head[4] = 1;
        assert!(describe_executable(&head).starts_with("a 32-bit ELF executable for x86 (i386)"));
        assert_eq!(
            describe_executable(b"MZ\x90\0"),
            "a Windows (PE) executable"
        );
    }

    #[test]
    fn a_missing_interpreter_cannot_run() {
        let err = probe(Path::new("/nonexistent/python3.99")).unwrap_err();
        assert_eq!(
            err.reason(),
            "cannot run: No such file or directory (os error 2)"
        );
        assert_eq!(
            err.to_string(),
            "/nonexistent/python3.99: cannot run: No such file or directory (os error 2)"
        );
    }

    #[test]
    fn a_failing_or_garbling_interpreter_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let failing = script(
            dir.path(),
            "failing",
            "#!/bin/sh\necho 'no such thing' >&2\nexit 1\n",
        );
        assert_eq!(
            probe(&failing).unwrap_err().reason(),
            "probe exited with exit status: 1: no such thing"
        );
        let garbling = script(dir.path(), "garbling", "#!/bin/sh\necho 'Python 3.12.1'\n");
        assert_eq!(
            probe(&garbling).unwrap_err().reason(),
            "probe answered something that is not its JSON report (expected value at line 1 column 1): \"Python 3.12.1\""
        );
        let formatless = script(dir.path(), "formatless", "just text, no #! line\n");
        let err = probe(&formatless).unwrap_err();
        assert!(
            err.reason().starts_with("cannot run: Exec format error"),
            "{err}"
        );
    }

    #[test]
    fn the_probe_runs_in_a_private_directory_removed_afterwards() {
        let dir = tempfile::tempdir().unwrap();
        let record = dir.path().join("record");
        let recording = script(
            dir.path(),
            "recording",
            &format!(
                "#!/bin/sh\necho \"$PWD $HOME $TMPDIR\" > {}\nexit 1\n",
                record.display()
            ),
        );
        assert!(probe(&recording).is_err());
        let text = std::fs::read_to_string(&record).unwrap();
        let dirs: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(dirs.len(), 3, "{text}");
        assert!(dirs.iter().all(|d| *d == dirs[0]), "{text}");
        assert!(dirs[0].contains("extinspect-probe-"), "{text}");
        assert!(!Path::new(dirs[0]).exists(), "{text}");
    }

    #[test]
    fn a_hanging_interpreter_is_killed() {
        let dir = tempfile::tempdir().unwrap();
        let hanging = script(
            dir.path(),
            "hanging",
            "#!/bin/sh\nsleep 300 &\nexec sleep 300\n",
        );
        let mut child = Command::new(&hanging)
            .stdout(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        assert!(wait(&mut child, Duration::from_millis(200)).is_none());
        assert!(child.try_wait().unwrap().is_some());
    }
}
