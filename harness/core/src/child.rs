//! Running one child interpreter and saying how it ended.
//!
//! The module under test is hostile by assumption: it may crash the
//! interpreter, hang, fork, daemonise or flood its output. The harness must
//! survive all of that and still learn what happened, so the child gets its
//! own process group (one `killpg` reaches everything it started), no core
//! dumps (a crash scenario must not litter the disk), an exact environment
//! (scenarios must be reproducible), and every output channel is drained on
//! its own thread with a cap (a chatty child can neither block on a full pipe
//! nor exhaust our memory). Side channels on fds 3, 4 and 5 keep the probe's
//! report, faulthandler's traceback and the native crash record apart from
//! whatever the module prints.

use std::ffi::OsString;
use std::io::{self, PipeReader, Read};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// What to start. The environment is exactly `env` (the parent's is not inherited).
#[derive(Debug, Clone)]
pub struct ChildSpec {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub env: Vec<(OsString, OsString)>,
    pub cwd: PathBuf,
    pub timeout: Duration,
}

/// How the child ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Ending {
    Exited { code: i32 },
    Signaled { signal: i32, name: String },
    TimedOut,
}

#[derive(Debug, Clone)]
pub struct ChildOutput {
    pub ending: Ending,
    /// Everything the child wrote to file descriptor 3 (the probe's JSON-lines report channel).
    pub report: Vec<u8>,
    /// Bytes written to fd 3 past [`REPORT_CAP`].
    pub report_dropped: u64,
    /// Everything the child wrote to file descriptor 4 (faulthandler's output).
    pub fault: Vec<u8>,
    /// Bytes written to fd 4 past [`FAULT_CAP`].
    pub fault_dropped: u64,
    /// Everything the child wrote to file descriptor 5 (the preloaded
    /// crash handler's record, see `native`).
    pub native: Vec<u8>,
    /// Bytes written to fd 5 past [`NATIVE_CAP`].
    pub native_dropped: u64,
    pub stdout: Captured,
    pub stderr: Captured,
    pub duration: Duration,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    pub bytes: Vec<u8>,
    /// bytes dropped past the cap
    pub dropped: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ChildError {
    #[error("cannot create a pipe for the child's {channel} channel: {source}")]
    Pipe {
        channel: &'static str,
        source: io::Error,
    },
    #[error("cannot start `{program}` in `{cwd}`: {source}", program = .program.display(), cwd = .cwd.display())]
    Spawn {
        program: PathBuf,
        cwd: PathBuf,
        source: io::Error,
    },
    #[error("cannot start a thread to watch `{program}`: {source}", program = .program.display())]
    Thread { program: PathBuf, source: io::Error },
    #[error("cannot collect the exit status of `{program}`: {source}", program = .program.display())]
    Wait { program: PathBuf, source: io::Error },
}

pub const REPORT_FD: i32 = 3;
pub const FAULT_FD: i32 = 4;
pub const NATIVE_FD: i32 = 5;
/// Per-stream cap for stdout and stderr.
pub const OUTPUT_CAP: usize = 1 << 20;
/// The report is what the harness actually parses, so it gets far more room.
pub const REPORT_CAP: usize = 64 << 20;
/// A faulthandler dump of every thread is a few KiB; more is runaway output.
pub const FAULT_CAP: usize = 1 << 20;
/// A crash record is 64 frames and the library map, tens of KiB.
pub const NATIVE_CAP: usize = 1 << 20;
/// After the group is killed, pipes only stay open if a descendant escaped the
/// group (setsid). We cannot reach it, so we stop waiting for EOF after this.
pub const READER_GRACE: Duration = Duration::from_secs(2);

/// Runs the child to its end (or the timeout) and collects everything it wrote.
pub fn run(spec: &ChildSpec) -> Result<ChildOutput, ChildError> {
    let (report_r, report_w) = high_pipe("report")?;
    let (fault_r, fault_w) = high_pipe("fault")?;
    let (native_r, native_w) = high_pipe("native")?;
    let (report_fd, fault_fd, native_fd) = (
        report_w.as_raw_fd(),
        fault_w.as_raw_fd(),
        native_w.as_raw_fd(),
    );

    let mut cmd = Command::new(&spec.program);
    cmd.args(&spec.args)
        .env_clear()
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&spec.cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    // SAFETY: runs between fork and exec; it only calls dup2 and setrlimit,
    // which are async-signal-safe, and touches no memory shared with the parent.
    unsafe {
        cmd.pre_exec(move || {
            // The sources are all >= 10, so none can be clobbered by another
            // dup2; dup2 leaves the targets without FD_CLOEXEC, so they survive exec.
            for (source, target) in [
                (report_fd, REPORT_FD),
                (fault_fd, FAULT_FD),
                (native_fd, NATIVE_FD),
            ] {
                if libc::dup2(source, target) == -1 {
                    return Err(io::Error::last_os_error());
                }
            }
            let none = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            if libc::setrlimit(libc::RLIMIT_CORE, &none) == -1 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }

    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|source| ChildError::Spawn {
        program: spec.program.clone(),
        cwd: spec.cwd.clone(),
        source,
    })?;
    // Our copies of the write ends would keep the readers from ever seeing EOF.
    drop((report_w, fault_w, native_w));
    let pid = child.id() as libc::pid_t;
    let kill_group = || unsafe {
        // ESRCH (nobody left) is the expected case once everything has ended.
        libc::killpg(pid, libc::SIGKILL);
    };

    let (done_tx, done_rx) = mpsc::channel();
    let (ended_tx, ended_rx) = mpsc::channel();
    let mut streams = Vec::with_capacity(5);
    let mut started = Ok(());
    let readers: [(Option<Box<dyn Read + Send>>, usize); 5] = [
        (child.stdout.take().map(|r| Box::new(r) as _), OUTPUT_CAP),
        (child.stderr.take().map(|r| Box::new(r) as _), OUTPUT_CAP),
        (Some(Box::new(report_r)), REPORT_CAP),
        (Some(Box::new(fault_r)), FAULT_CAP),
        (Some(Box::new(native_r)), NATIVE_CAP),
    ];
    for (reader, cap) in readers {
        let buf = Arc::new(Mutex::new(Captured::default()));
        if let (Some(reader), Ok(())) = (reader, &started) {
            started = drain(reader, cap, Arc::clone(&buf), done_tx.clone()).map(drop);
        } else {
            // Nothing to read: count it as finished so we don't wait for it.
            let _ = done_tx.send(());
        }
        streams.push(buf);
    }
    if started.is_ok() {
        started = thread::Builder::new()
            .name("child-wait".into())
            .spawn(move || wait_without_reaping(pid, ended_tx))
            .map(drop);
    }
    if let Err(source) = started {
        kill_group();
        let _ = child.wait();
        return Err(ChildError::Thread {
            program: spec.program.clone(),
            source,
        });
    }

    // The watcher only observes the exit without reaping, so the pid (and
    // hence the group id) cannot be reused before our final killpg below.
    let (timed_out, end) = match ended_rx.recv_timeout(spec.timeout) {
        Ok(end) => (false, end),
        Err(RecvTimeoutError::Timeout) => {
            kill_group();
            (true, ended_rx.recv().unwrap_or_else(|_| Instant::now()))
        }
        Err(RecvTimeoutError::Disconnected) => (false, Instant::now()),
    };
    // Descendants may still hold fds 1-5; nothing the module started may
    // outlive the scenario, and the readers need EOF.
    kill_group();
    let status = child.wait().map_err(|source| ChildError::Wait {
        program: spec.program.clone(),
        source,
    })?;

    let deadline = Instant::now() + READER_GRACE;
    for _ in 0..streams.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        if done_rx.recv_timeout(left).is_err() {
            break; // an escaped descendant holds a pipe; keep what we have
        }
    }
    let mut taken = streams.iter().map(|s| std::mem::take(&mut *lock(s)));
    let mut next = || taken.next().unwrap_or_default();
    let (stdout, stderr, report, fault, native) = (next(), next(), next(), next(), next());

    let ending = if timed_out {
        Ending::TimedOut
    } else if let Some(code) = status.code() {
        Ending::Exited { code }
    } else if let Some(signal) = status.signal() {
        Ending::Signaled {
            signal,
            name: signal_name(signal),
        }
    } else {
        // wait() never reports stopped/continued children; keep the raw status.
        Ending::Exited {
            code: status.into_raw(),
        }
    };
    Ok(ChildOutput {
        ending,
        report: report.bytes,
        report_dropped: report.dropped,
        fault: fault.bytes,
        fault_dropped: fault.dropped,
        native: native.bytes,
        native_dropped: native.dropped,
        stdout,
        stderr,
        duration: end.saturating_duration_since(start),
    })
}

/// A pipe whose write end sits at fd >= 10, so that placing it on 3, 4 or 5
/// in the child can never overwrite another channel's write end.
fn high_pipe(channel: &'static str) -> Result<(PipeReader, OwnedFd), ChildError> {
    let err = |source| ChildError::Pipe { channel, source };
    let (reader, writer) = io::pipe().map_err(err)?;
    // SAFETY: fcntl on an fd we own; the result is a fresh fd we then own.
    let fd = unsafe { libc::fcntl(writer.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10) };
    if fd == -1 {
        return Err(err(io::Error::last_os_error()));
    }
    Ok((reader, unsafe { OwnedFd::from_raw_fd(fd) }))
}

/// Reads to EOF, keeping the first `cap` bytes in `buf`. The buffer is shared
/// rather than returned so `run` can take a partial capture from a reader it
/// gives up on.
fn drain(
    mut reader: Box<dyn Read + Send>,
    cap: usize,
    buf: Arc<Mutex<Captured>>,
    done: Sender<()>,
) -> io::Result<thread::JoinHandle<()>> {
    thread::Builder::new()
        .name("child-drain".into())
        .spawn(move || {
            let mut chunk = vec![0u8; 64 * 1024];
            loop {
                let n = match reader.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    // A failing pipe read says nothing about the module; keep what we got.
                    Err(_) => break,
                };
                let mut b = lock(&buf);
                let keep = n.min(cap.saturating_sub(b.bytes.len()));
                b.bytes.extend_from_slice(&chunk[..keep]);
                b.dropped += (n - keep) as u64;
            }
            let _ = done.send(());
        })
}

/// Blocks until `pid` has ended, leaving it a zombie for `Child::wait` to reap.
fn wait_without_reaping(pid: libc::pid_t, ended: Sender<Instant>) {
    loop {
        // SAFETY: siginfo_t is plain data; waitid only writes into it.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let flags = libc::WEXITED | libc::WNOWAIT;
        if unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, flags) } == 0 {
            let _ = ended.send(Instant::now());
            return;
        }
        if io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            return; // dropping `ended` tells run() to stop waiting
        }
    }
}

fn lock(buf: &Mutex<Captured>) -> std::sync::MutexGuard<'_, Captured> {
    buf.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// "SIGSEGV" for 11, etc.; "signal N" for unknown numbers.
pub fn signal_name(signal: i32) -> String {
    const NAMES: &[(i32, &str)] = &[
        (libc::SIGHUP, "SIGHUP"),
        (libc::SIGINT, "SIGINT"),
        (libc::SIGQUIT, "SIGQUIT"),
        (libc::SIGILL, "SIGILL"),
        (libc::SIGTRAP, "SIGTRAP"),
        (libc::SIGABRT, "SIGABRT"),
        (libc::SIGBUS, "SIGBUS"),
        (libc::SIGFPE, "SIGFPE"),
        (libc::SIGKILL, "SIGKILL"),
        (libc::SIGUSR1, "SIGUSR1"),
        (libc::SIGSEGV, "SIGSEGV"),
        (libc::SIGUSR2, "SIGUSR2"),
        (libc::SIGPIPE, "SIGPIPE"),
        (libc::SIGALRM, "SIGALRM"),
        (libc::SIGTERM, "SIGTERM"),
        (libc::SIGCHLD, "SIGCHLD"),
        (libc::SIGCONT, "SIGCONT"),
        (libc::SIGSTOP, "SIGSTOP"),
        (libc::SIGTSTP, "SIGTSTP"),
        (libc::SIGTTIN, "SIGTTIN"),
        (libc::SIGTTOU, "SIGTTOU"),
        (libc::SIGURG, "SIGURG"),
        (libc::SIGXCPU, "SIGXCPU"),
        (libc::SIGXFSZ, "SIGXFSZ"),
        (libc::SIGVTALRM, "SIGVTALRM"),
        (libc::SIGPROF, "SIGPROF"),
        (libc::SIGWINCH, "SIGWINCH"),
        (libc::SIGIO, "SIGIO"),
        (libc::SIGSYS, "SIGSYS"),
    ];
    match NAMES.iter().find(|(n, _)| *n == signal) {
        Some((_, name)) => (*name).to_string(),
        None => format!("signal {signal}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(program: &str, args: &[&str], timeout: Duration) -> (ChildSpec, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        let spec = ChildSpec {
            program: program.into(),
            args: args.iter().map(OsString::from).collect(),
            env: vec![("PATH".into(), "/usr/bin:/bin".into())],
            cwd: dir.path().to_path_buf(),
            timeout,
        };
        (spec, dir)
    }

    fn sh(script: &str) -> ChildOutput {
        sh_timeout(script, Duration::from_secs(20))
    }

    fn sh_timeout(script: &str, timeout: Duration) -> ChildOutput {
        let (spec, _dir) = spec("/bin/sh", &["-c", script], timeout);
        run(&spec).expect("run")
    }

    /// Gone, or a zombie waiting for init to reap it.
    fn is_gone(pid: libc::pid_t) -> bool {
        for _ in 0..100 {
            if unsafe { libc::kill(pid, 0) } == -1
                && io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
            {
                return true;
            }
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            if stat
                .rsplit(')')
                .next()
                .is_some_and(|rest| rest.trim_start().starts_with('Z'))
            {
                return true;
            }
            thread::sleep(Duration::from_millis(20));
        }
        false
    }

    fn reported_pid(out: &ChildOutput) -> libc::pid_t {
        String::from_utf8_lossy(&out.report)
            .trim()
            .parse()
            .expect("pid on fd 3")
    }

    #[test]
    fn exit_code() {
        assert_eq!(sh("exit 7").ending, Ending::Exited { code: 7 });
    }

    #[test]
    fn signals() {
        let segv = Ending::Signaled {
            signal: libc::SIGSEGV,
            name: "SIGSEGV".into(),
        };
        assert_eq!(sh("kill -SEGV $$").ending, segv);
        let abrt = Ending::Signaled {
            signal: libc::SIGABRT,
            name: "SIGABRT".into(),
        };
        assert_eq!(sh("kill -ABRT $$").ending, abrt);
        assert_eq!(signal_name(11), "SIGSEGV");
        assert_eq!(signal_name(1000), "signal 1000");
    }

    #[test]
    fn side_channels() {
        let out = sh("echo hello >&3; echo fault >&4; echo native >&5");
        assert_eq!(out.report, b"hello\n");
        assert_eq!(out.fault, b"fault\n");
        assert_eq!(out.native, b"native\n");
        assert!(out.stdout.bytes.is_empty() && out.stderr.bytes.is_empty());
        assert_eq!(out.ending, Ending::Exited { code: 0 });
    }

    #[test]
    fn native_channel_is_capped() {
        let total = 3 * NATIVE_CAP as u64;
        let out = sh(&format!("head -c {total} /dev/zero >&5"));
        assert_eq!(out.ending, Ending::Exited { code: 0 });
        assert_eq!(out.native.len(), NATIVE_CAP);
        assert_eq!(out.native_dropped, total - NATIVE_CAP as u64);
        assert!(out.report.is_empty() && out.fault.is_empty());
    }

    #[test]
    fn exact_environment_and_cwd() {
        let (mut s, dir) = spec("/usr/bin/env", &[], Duration::from_secs(20));
        s.env.push(("EXT_FOO".into(), "bar".into()));
        let out = run(&s).expect("run");
        let text = String::from_utf8_lossy(&out.stdout.bytes);
        let mut vars: Vec<&str> = text.lines().collect();
        vars.sort_unstable();
        assert_eq!(vars, ["EXT_FOO=bar", "PATH=/usr/bin:/bin"]);

        let (mut s, _) = spec("/bin/sh", &["-c", "pwd -P"], Duration::from_secs(20));
        s.cwd = dir.path().to_path_buf();
        let out = run(&s).expect("run");
        let want = dir.path().canonicalize().expect("canonicalize");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout.bytes).trim_end(),
            want.to_str().unwrap()
        );
    }

    #[test]
    fn floods_are_capped_not_deadlocked() {
        let total = 10_000_000u64;
        let out = sh(&format!(
            "head -c {total} /dev/zero; head -c {total} /dev/zero >&2"
        ));
        assert_eq!(out.ending, Ending::Exited { code: 0 });
        for c in [&out.stdout, &out.stderr] {
            assert_eq!(c.bytes.len(), OUTPUT_CAP);
            assert_eq!(c.dropped, total - OUTPUT_CAP as u64);
        }
    }

    #[test]
    fn timeout_kills() {
        let t = Instant::now();
        let out = sh_timeout("sleep 30", Duration::from_millis(300));
        assert_eq!(out.ending, Ending::TimedOut);
        assert!(t.elapsed() < Duration::from_secs(10));
        assert!(out.duration >= Duration::from_millis(300));
    }

    #[test]
    fn no_grandchild_survives_exit() {
        let out = sh("sleep 30 & echo $! >&3; exit 0");
        assert_eq!(out.ending, Ending::Exited { code: 0 });
        assert!(is_gone(reported_pid(&out)));
    }

    #[test]
    fn no_grandchild_survives_timeout() {
        let out = sh_timeout(
            "sleep 30 & echo $! >&3; sleep 30",
            Duration::from_millis(300),
        );
        assert_eq!(out.ending, Ending::TimedOut);
        assert!(is_gone(reported_pid(&out)));
    }

    #[test]
    fn escaped_descendant_does_not_hang_run() {
        let t = Instant::now();
        let out = sh("setsid sleep 30 & sleep 0.5; echo $! >&3; exit 0");
        let pid = reported_pid(&out);
        unsafe { libc::kill(pid, libc::SIGKILL) };
        assert_eq!(out.ending, Ending::Exited { code: 0 });
        assert!(t.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn no_core_dumps() {
        assert_eq!(sh("ulimit -c").stdout.bytes, b"0\n");
    }

    #[test]
    fn missing_program() {
        let (s, _dir) = spec("/nonexistent/extharness-nope", &[], Duration::from_secs(5));
        let err = run(&s).expect_err("must fail");
        assert!(matches!(err, ChildError::Spawn { .. }));
        assert!(
            err.to_string().contains("/nonexistent/extharness-nope"),
            "{err}"
        );
    }
}
