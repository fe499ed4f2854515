//! Running one child interpreter and saying how it ended.
//!
//! The module under test is hostile by assumption: it may crash the
//! interpreter, hang, fork, daemonise or flood its output. The harness must
//! survive all of that and still learn what happened, so the child gets its
//! own session and process group (one `killpg` reaches everything it started
//! that stayed in the group, and [`crate::process::reaper`] what left it), resource
//! limits ([`Limits`]: no core dumps, so a crash scenario does not litter the
//! disk; address space, CPU time and open files, so a runaway module fails
//! in its own process instead of taking the machine), an exact environment
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

use crate::process::reaper;

/// What to start. The environment is exactly `env` (the parent's is not inherited).
#[derive(Debug, Clone)]
pub struct ChildSpec {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub env: Vec<(OsString, OsString)>,
    pub cwd: PathBuf,
    pub timeout: Duration,
    /// Resource limits, set between fork and exec ([`Limits::for_timeout`]
    /// for the harness's defaults).
    pub limits: Limits,
}

/// A child's resource limits (`setrlimit`). Core dumps are always off. A
/// limit is only ever lowered: one above the harness's own hard limit is
/// clamped to it, so `ulimit -H` before the run lowers them all. `None`
/// leaves the limit as the harness has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Limits {
    /// `RLIMIT_AS`, in bytes: past it, `malloc` and `mmap` fail (Python
    /// raises `MemoryError`, C code that does not check gets NULL).
    pub address_space: Option<u64>,
    /// `RLIMIT_CPU`, in seconds of CPU time (all threads together): past
    /// it the kernel sends SIGXCPU, and SIGKILL [`CPU_GRACE`] seconds later.
    pub cpu_seconds: Option<u64>,
    /// `RLIMIT_NOFILE`: the highest file descriptor number plus one; past
    /// it `open`, `socket`, `pipe`... fail with EMFILE.
    pub open_files: Option<u64>,
}

/// The floor of the default address-space limit: what a multi-threaded
/// process reserves without using it (8 MiB per thread stack, 64 MiB per
/// glibc malloc arena, up to 8 arenas per core) stays far below it.
pub const ADDRESS_SPACE_FLOOR: u64 = 8 << 30;
/// The default limit of open files: far more than any import or workload
/// needs, far fewer than the millions a descriptor leak in a loop reaches.
pub const OPEN_FILES: u64 = 4096;
/// CPU seconds a child gets on top of its wall-clock limit on every core.
pub const CPU_MARGIN: u64 = 10;
/// Seconds from SIGXCPU (which a process may catch) to SIGKILL.
pub const CPU_GRACE: u64 = 5;

impl Limits {
    /// No limit but core dumps.
    pub const NONE: Limits = Limits {
        address_space: None,
        cpu_seconds: None,
        open_files: None,
    };

    /// The harness's limits for a child with this wall-clock limit:
    ///
    /// - address space: the machine's physical memory, at least
    ///   [`ADDRESS_SPACE_FLOOR`] (8 GiB). A runaway allocation fails in the
    ///   child before it can take more than the machine has; address space
    ///   reserved and never touched (thread stacks, malloc arenas, a debug
    ///   build's bigger objects, each own-GIL subinterpreter's allocator)
    ///   never comes near it.
    /// - CPU time: the wall-clock limit times the cores this process may
    ///   run on, plus [`CPU_MARGIN`]. The wall clock always ends a child
    ///   first, however many threads it keeps busy; the CPU limit is the
    ///   backstop for what outlives the harness's watch (a process left
    ///   running if the harness itself is killed).
    /// - open files: [`OPEN_FILES`] (4096).
    pub fn for_timeout(timeout: Duration) -> Limits {
        let cores = thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let cpu = (timeout.as_secs_f64() * cores).ceil() as u64 + CPU_MARGIN;
        Limits {
            address_space: Some(physical_memory().max(ADDRESS_SPACE_FLOOR)),
            cpu_seconds: Some(cpu),
            open_files: Some(OPEN_FILES),
        }
    }

    /// The limits a child really gets: each clamped to this process's hard limit.
    pub fn effective(&self) -> Limits {
        Limits {
            address_space: clamp(libc::RLIMIT_AS, self.address_space),
            cpu_seconds: clamp(libc::RLIMIT_CPU, self.cpu_seconds),
            open_files: clamp(libc::RLIMIT_NOFILE, self.open_files),
        }
    }

    /// `(resource, soft, hard)` for setrlimit, core dumps included.
    fn settings(&self) -> Vec<(Resource, libc::rlim_t, libc::rlim_t)> {
        let effective = self.effective();
        let mut settings = vec![(libc::RLIMIT_CORE, 0, 0)];
        if let Some(bytes) = effective.address_space {
            settings.push((libc::RLIMIT_AS, bytes, bytes));
        }
        if let Some(seconds) = effective.cpu_seconds {
            let hard = seconds
                .saturating_add(CPU_GRACE)
                .min(hard_limit(libc::RLIMIT_CPU).unwrap_or(u64::MAX));
            settings.push((libc::RLIMIT_CPU, seconds, hard));
        }
        if let Some(files) = effective.open_files {
            settings.push((libc::RLIMIT_NOFILE, files, files));
        }
        settings
    }
}

/// The type of `setrlimit`'s first argument, which glibc and musl spell differently.
#[cfg(target_env = "gnu")]
type Resource = libc::__rlimit_resource_t;
#[cfg(not(target_env = "gnu"))]
type Resource = libc::c_int;

/// `RLIM_INFINITY` as `None`.
fn hard_limit(resource: Resource) -> Option<u64> {
    // SAFETY: getrlimit writes into the local.
    let mut limit: libc::rlimit = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrlimit(resource, &mut limit) } != 0
        || limit.rlim_max == libc::RLIM_INFINITY
    {
        return None;
    }
    Some(limit.rlim_max)
}

fn clamp(resource: Resource, wanted: Option<u64>) -> Option<u64> {
    match (wanted, hard_limit(resource)) {
        (Some(wanted), Some(hard)) => Some(wanted.min(hard)),
        (wanted, _) => wanted,
    }
}

/// The machine's physical memory in bytes (0 when unknown).
pub fn physical_memory() -> u64 {
    // SAFETY: sysconf only reads configuration.
    let (pages, size) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    if pages <= 0 || size <= 0 {
        return 0;
    }
    (pages as u64).saturating_mul(size as u64)
}

/// How the child ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Ending {
    Exited { code: i32 },
    Signaled { signal: i32, name: String },
    TimedOut,
}

impl Ending {
    /// How the child ended, in words: "died by SIGSEGV".
    pub fn describe(&self) -> String {
        match self {
            Ending::Exited { code } => format!("exited with status {code}"),
            Ending::Signaled { name, .. } => format!("died by {name}"),
            Ending::TimedOut => "did not finish within the time limit".to_string(),
        }
    }
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
    /// The CPU time the child used (user and system, its reaped children included).
    pub cpu: Duration,
    /// The limits it ran under, as applied ([`Limits::effective`]).
    pub limits: Limits,
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
/// After the group is killed and the strays swept, pipes stay open only if
/// a descendant escaped even the sweep (one that cannot die at once, or a
/// harness that is not the subreaper); we stop waiting for EOF after this.
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

    let limits = spec.limits.settings();
    let mut cmd = Command::new(&spec.program);
    cmd.args(&spec.args)
        .env_clear()
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&spec.cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: runs between fork and exec; it only calls dup2, setsid and
    // setrlimit, which are async-signal-safe, and reads `limits`, computed
    // before the fork, without allocating.
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
            // A session of its own, hence a group of its own (its id is the
            // child's pid) and no controlling terminal: every descendant
            // stays in this session unless it starts another, which the
            // reaper then recognises as not the harness's.
            if libc::setsid() == -1 {
                return Err(io::Error::last_os_error());
            }
            for &(resource, soft, hard) in &limits {
                let limit = libc::rlimit {
                    rlim_cur: soft,
                    rlim_max: hard,
                };
                if libc::setrlimit(resource, &limit) == -1 {
                    return Err(io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }

    let start = Instant::now();
    let mut child = reaper::spawn(&mut cmd).map_err(|source| ChildError::Spawn {
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
        let _ = reaper::reap(pid);
        reaper::sweep(reaper::Scope::Ended(pid));
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
    let reaped = reaper::reap(pid);
    // What left the group: handed to us as its parents died.
    reaper::sweep(reaper::Scope::Ended(pid));
    let (status, cpu) = reaped.map_err(|source| ChildError::Wait {
        program: spec.program.clone(),
        source,
    })?;
    drop(child); // reaped above; its pipes were taken
    let status = std::process::ExitStatus::from_raw(status);

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
        cpu,
        limits: spec.limits.effective(),
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
            limits: Limits::for_timeout(timeout),
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
    fn an_escaped_descendant_is_killed_and_does_not_hang_run() {
        let t = Instant::now();
        // A new session, as a daemon makes: out of reach of killpg, and
        // holding the child's stdout.
        let out = sh("setsid sleep 30 & sleep 0.5; echo $! >&3; exit 0");
        assert_eq!(out.ending, Ending::Exited { code: 0 });
        assert!(t.elapsed() < Duration::from_secs(10));
        assert_swept(reported_pid(&out));
    }

    #[test]
    fn a_double_forked_daemon_is_killed_on_time_out() {
        // The subshell starts `setsid sleep` and exits: the sleep is an
        // orphan in a session of its own, handed to this process.
        let out = sh_timeout(
            "(setsid sleep 30 & echo $! >&3); sleep 30",
            Duration::from_millis(500),
        );
        assert_eq!(out.ending, Ending::TimedOut);
        assert!(reaper::is_subreaper());
        assert_swept(reported_pid(&out));
    }

    /// `pid`, in a session of its own, is gone once a run ends: at once
    /// when no other child is running, else at the run's final sweep
    /// (other tests run children alongside).
    fn assert_swept(pid: libc::pid_t) {
        reaper::sweep(reaper::Scope::All);
        let gone = is_gone(pid);
        if !gone {
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        assert!(gone, "{pid} survived");
    }

    #[test]
    fn a_session_and_group_of_its_own() {
        // `ps`-free: the child's own stat line, fields 5 and 6 (group, session).
        let out = sh("cut -d' ' -f5,6 /proc/$$/stat; echo $$");
        let text = String::from_utf8_lossy(&out.stdout.bytes);
        let mut lines = text.lines();
        let ids = lines.next().expect("group and session");
        let pid = lines.next().expect("pid");
        assert_eq!(ids, format!("{pid} {pid}"));
    }

    /// `/proc/self/limits` as `cat` sees it: name -> (soft, hard).
    fn limits_seen(limits: Limits) -> std::collections::HashMap<String, (String, String)> {
        let (mut s, _dir) = spec("/bin/cat", &["/proc/self/limits"], Duration::from_secs(20));
        s.limits = limits;
        let out = run(&s).expect("run");
        let text = String::from_utf8_lossy(&out.stdout.bytes).into_owned();
        text.lines()
            .skip(1)
            .filter_map(|line| {
                // "Max cpu time              130                  135                  seconds"
                let name = line.get(..26)?.trim().to_string();
                let mut values = line[26..].split_whitespace();
                Some((
                    name,
                    (values.next()?.to_string(), values.next()?.to_string()),
                ))
            })
            .collect()
    }

    #[test]
    fn every_limit_is_applied() {
        let limits = Limits {
            address_space: Some(3 << 30),
            cpu_seconds: Some(77),
            open_files: Some(321),
        };
        let seen = limits_seen(limits);
        let pair = |a: u64, b: u64| (a.to_string(), b.to_string());
        assert_eq!(seen["Max core file size"], pair(0, 0));
        assert_eq!(seen["Max address space"], pair(3 << 30, 3 << 30));
        assert_eq!(seen["Max cpu time"], pair(77, 77 + CPU_GRACE));
        assert_eq!(seen["Max open files"], pair(321, 321));
    }

    #[test]
    fn the_defaults_follow_the_timeout_and_the_machine() {
        let limits = Limits::for_timeout(Duration::from_secs(60));
        let cores = thread::available_parallelism().unwrap().get() as u64;
        assert_eq!(limits.cpu_seconds, Some(60 * cores + CPU_MARGIN));
        assert_eq!(limits.open_files, Some(OPEN_FILES));
        let memory = physical_memory();
        assert!(memory > 0);
        assert_eq!(limits.address_space, Some(memory.max(ADDRESS_SPACE_FLOOR)));
        let seen = limits_seen(limits);
        let effective = limits.effective();
        assert_eq!(
            seen["Max address space"].0,
            effective.address_space.unwrap().to_string()
        );
        assert_eq!(
            seen["Max cpu time"].0,
            effective.cpu_seconds.unwrap().to_string()
        );
        // Nothing but core dumps without limits.
        let none = limits_seen(Limits::NONE);
        assert_eq!(none["Max core file size"].0, "0");
    }

    #[test]
    fn a_limit_is_never_raised_past_the_hard_limit() {
        let hard = hard_limit(libc::RLIMIT_NOFILE);
        let wanted = Limits {
            open_files: Some(u64::MAX - 1),
            ..Limits::NONE
        };
        assert_eq!(
            wanted.effective().open_files,
            Some(hard.unwrap_or(u64::MAX - 1))
        );
    }

    #[test]
    fn the_cpu_limit_ends_a_busy_child_with_sigxcpu() {
        let (mut s, _dir) = spec(
            "/bin/sh",
            &["-c", "while :; do :; done"],
            Duration::from_secs(30),
        );
        s.limits.cpu_seconds = Some(1);
        let t = Instant::now();
        let out = run(&s).expect("run");
        assert_eq!(
            out.ending,
            Ending::Signaled {
                signal: libc::SIGXCPU,
                name: "SIGXCPU".into()
            }
        );
        assert!(t.elapsed() < Duration::from_secs(15));
        assert!(out.cpu >= Duration::from_millis(900), "{:?}", out.cpu);
        assert_eq!(out.limits.cpu_seconds, Some(1));
    }

    /// The distribution's Python, for the limits only an allocation or a
    /// descriptor loop shows.
    fn python(code: &str, limits: Limits) -> ChildOutput {
        let (mut s, _dir) = spec(
            "/usr/bin/python3",
            &["-I", "-c", code],
            Duration::from_secs(30),
        );
        s.limits = limits;
        run(&s).expect("run")
    }

    #[test]
    fn past_the_address_space_limit_allocations_fail() {
        let limits = Limits {
            address_space: Some(512 << 20),
            ..Limits::NONE
        };
        let out = python("bytearray(1 << 30)", limits);
        assert_eq!(out.ending, Ending::Exited { code: 1 });
        let stderr = String::from_utf8_lossy(&out.stderr.bytes);
        assert!(stderr.contains("MemoryError"), "{stderr}");
    }

    #[test]
    fn past_the_open_files_limit_descriptors_run_out() {
        let limits = Limits {
            open_files: Some(64),
            ..Limits::NONE
        };
        let out = python(
            "import os\nfor _ in range(100): os.open('/dev/null', 0)",
            limits,
        );
        assert_eq!(out.ending, Ending::Exited { code: 1 });
        let stderr = String::from_utf8_lossy(&out.stderr.bytes);
        assert!(stderr.contains("Too many open files"), "{stderr}");
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
