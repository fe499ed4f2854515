//! Nothing a child started outlives it: the process running the harness is
//! a *child subreaper*, and the orphans that come to it are killed.
//!
//! Every child starts a session of its own (`setsid` in `child::run`), so
//! everything it starts is in that session unless it starts another one
//! (`setsid()`, the daemon's double fork). `killpg` on the child's group
//! reaches the first kind, not the second. For those, the harness process
//! calls `prctl(PR_SET_CHILD_SUBREAPER)` before its first child: a process
//! whose parent dies is then handed to the harness instead of to init, and
//! [`sweep`] finds it among the harness's children in `/proc`.
//!
//! Which of the harness process's children are strays: those it did not
//! start through [`spawn`] (its *registered* children), in a session other
//! than its own. Processes started with `std::process::Command` by other
//! code in the same program stay in the program's session and are never
//! touched. A stray in the session of a registered child that is still
//! running belongs to that child and waits for it. A stray in the session
//! of the child that just ended is killed at once; one in a session of its
//! own cannot be traced to a child, and is killed when no child is running,
//! and in any case when a run ends ([`Scope::All`]).
//!
//! Registered children are started and reaped under one lock, which every
//! sweep takes too: a sweep never sees a child between its fork and its
//! registration, and a process id is never reused between a sweep's scan
//! and its kill, since the harness reaps what it kills before letting go.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::{Mutex, MutexGuard, Once};
use std::thread;
use std::time::{Duration, Instant};

/// The children started through [`spawn`] and not yet reaped by [`reap`].
static REGISTERED: Mutex<Vec<libc::pid_t>> = Mutex::new(Vec::new());
/// The [`PrivateDir`]s that exist, for a harness dying of a signal to
/// remove (their destructors will not run).
static DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static SUBREAPER: Once = Once::new();

/// How long a sweep waits for the strays it killed to die, in all.
const REAP_WAIT: Duration = Duration::from_secs(2);
/// Sweep rounds at most: each kills the strays found, and their children,
/// handed to the harness as they die, are the next round's.
const ROUNDS: usize = 64;

fn registered() -> MutexGuard<'static, Vec<libc::pid_t>> {
    REGISTERED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Makes this process the subreaper of its descendants (once; a failure,
/// on a kernel without it, leaves orphans to init, as before).
fn become_subreaper() {
    SUBREAPER.call_once(|| {
        // SAFETY: prctl with integer arguments changes only this process's attribute.
        unsafe {
            libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        }
    });
}

/// Whether this process adopts its orphaned descendants.
pub fn is_subreaper() -> bool {
    let mut flag: libc::c_int = 0;
    // SAFETY: PR_GET_CHILD_SUBREAPER writes one int through the pointer.
    let done = unsafe { libc::prctl(libc::PR_GET_CHILD_SUBREAPER, &mut flag as *mut libc::c_int) };
    done == 0 && flag != 0
}

/// Starts `command` as a registered child.
pub(crate) fn spawn(command: &mut Command) -> io::Result<Child> {
    become_subreaper();
    let mut children = registered();
    let child = command.spawn()?;
    children.push(child.id() as libc::pid_t);
    Ok(child)
}

/// Reaps the registered child `pid` (blocking until it has ended) and
/// unregisters it; its raw wait status and the CPU time it used.
pub(crate) fn reap(pid: libc::pid_t) -> io::Result<(i32, Duration)> {
    let mut children = registered();
    let result = loop {
        let mut status = 0;
        // SAFETY: rusage is plain data that wait4 fills in.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: wait4 on our own child, writing into the two locals.
        if unsafe { libc::wait4(pid, &mut status, 0, &mut usage) } == pid {
            let time = |t: libc::timeval| {
                Duration::from_secs(t.tv_sec.max(0) as u64)
                    + Duration::from_micros(t.tv_usec.max(0) as u64)
            };
            break Ok((status, time(usage.ru_utime) + time(usage.ru_stime)));
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            break Err(error);
        }
    };
    children.retain(|&p| p != pid);
    result
}

/// Which strays a sweep kills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// After the child whose session is this one ended: the strays of that
    /// session, and when no other child is running, every stray.
    Ended(libc::pid_t),
    /// The end of a run: every stray but those of a child still running
    /// (another run's, in a program running several at once).
    All,
}

/// Kills the strays `scope` names and reaps them; how many it killed.
pub(crate) fn sweep(scope: Scope) -> usize {
    if !is_subreaper() {
        return 0;
    }
    let children = registered();
    // SAFETY: getpid and getsid(0) only ask about this process.
    let (me, my_session) = unsafe { (libc::getpid(), libc::getsid(0)) };
    let deadline = Instant::now() + REAP_WAIT;
    let mut killed = 0;
    for _ in 0..ROUNDS {
        let strays: Vec<libc::pid_t> = children_of(me)
            .into_iter()
            .filter(|c| !children.contains(&c.pid) && c.session != my_session)
            .filter(|c| !children.contains(&c.session))
            .filter(|c| match scope {
                Scope::Ended(session) => c.session == session || children.is_empty(),
                Scope::All => true,
            })
            .map(|c| c.pid)
            .collect();
        if strays.is_empty() {
            break;
        }
        for &pid in &strays {
            // SAFETY: pid is our child and not yet reaped, so it is not reused.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        killed += strays.len();
        // Reaped before the next scan: when a stray is reaped, the children
        // it had are already ours (the kernel hands them over before the
        // parent can collect the exit), so the next round finds them.
        let mut left = strays;
        while !left.is_empty() {
            left.retain(|&pid| {
                let mut status = 0;
                // SAFETY: waitpid on our own child.
                let got = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
                got == 0 // still dying
            });
            if left.is_empty() || Instant::now() >= deadline {
                break;
            }
            thread::sleep(Duration::from_millis(5));
        }
        if !left.is_empty() {
            break; // unkillable for now (uninterruptible sleep): a later sweep
        }
    }
    killed
}

/// Kills every child and everything it started, for a harness about to
/// die: the registered children's groups, then every stray, round after
/// round, until the children are dead and no stray is left (or 2 s have
/// passed). The lock is kept: no child starts, and none is reaped by its
/// thread, so the registered ids stay theirs.
fn kill_all() {
    let children = registered();
    for &pid in children.iter() {
        // SAFETY: a registered child is not reaped, so its group id is still its.
        unsafe { libc::killpg(pid, libc::SIGKILL) };
    }
    // SAFETY: getpid and getsid(0) only ask about this process.
    let (me, my_session) = unsafe { (libc::getpid(), libc::getsid(0)) };
    let deadline = Instant::now() + REAP_WAIT;
    loop {
        let strays: Vec<libc::pid_t> = children_of(me)
            .into_iter()
            .filter(|c| c.session != my_session && !children.contains(&c.pid))
            .map(|c| c.pid)
            .collect();
        for &pid in &strays {
            let mut status = 0;
            // SAFETY: our child, not reaped, so not reused; then reaped if dead.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, libc::WNOHANG);
            }
        }
        let dead = children.iter().all(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| Some(s.rsplit_once(')')?.1.trim_start().starts_with('Z')))
                .unwrap_or(true)
        });
        if (strays.is_empty() && dead) || Instant::now() >= deadline {
            break;
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// On SIGINT, SIGTERM or SIGHUP (Ctrl-C, `kill`, a closed terminal), kill
/// every child and what it started, then die of the signal. The children
/// have sessions of their own, so the signal itself does not reach them,
/// and nothing would end them once the harness is gone.
///
/// Call it first thing in `main`, before any thread starts: it blocks the
/// three signals in the calling thread, which every thread started later
/// inherits, and waits for them on a thread of its own. (Children get an
/// empty signal mask: the standard library resets it before `exec`.)
pub fn stop_children_on_termination() {
    // SAFETY: a zeroed sigset_t is then initialised by sigemptyset.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: plain sigset manipulation and the calling thread's mask.
    unsafe {
        libc::sigemptyset(&mut set);
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, signal);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
    let waiter = move || {
        let mut signal = 0;
        // SAFETY: sigwait on a set of blocked signals, writing into the local.
        while unsafe { libc::sigwait(&set, &mut signal) } != 0 {}
        become_subreaper();
        kill_all();
        // What the children wrote goes with them.
        for dir in dirs().iter() {
            let _ = std::fs::remove_dir_all(dir);
        }
        // SAFETY: default action, unblocked here, then raised: the process
        // ends as the signal says (status 128 + n for a shell).
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            libc::raise(signal);
            libc::_exit(128 + signal);
        }
    };
    let _ = thread::Builder::new()
        .name("stop-children".into())
        .spawn(waiter);
}

/// A private temporary directory (`$TMPDIR/<prefix>XXXXXX`), removed when
/// dropped, or by [`stop_children_on_termination`] when the harness dies
/// of a signal first.
#[derive(Debug)]
pub(crate) struct PrivateDir(tempfile::TempDir);

impl PrivateDir {
    pub(crate) fn new(prefix: &str) -> io::Result<PrivateDir> {
        let dir = tempfile::Builder::new().prefix(prefix).tempdir()?;
        dirs().push(dir.path().to_path_buf());
        Ok(PrivateDir(dir))
    }

    pub(crate) fn path(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let path = self.0.path();
        dirs().retain(|p| p != path);
    }
}

fn dirs() -> MutexGuard<'static, Vec<PathBuf>> {
    DIRS.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Debug, Clone, Copy)]
struct Process {
    pid: libc::pid_t,
    session: libc::pid_t,
}

/// The processes whose parent is `parent`, from `/proc/*/stat`.
fn children_of(parent: libc::pid_t) -> Vec<Process> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<libc::pid_t>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let (ppid, session) = parse_stat(&stat)?;
            (ppid == parent).then_some(Process { pid, session })
        })
        .collect()
}

/// The parent and the session from a `/proc/PID/stat` line:
/// `pid (comm) state ppid pgrp session ...`; the command name may hold
/// spaces and parentheses, so fields are counted from the last `)`.
fn parse_stat(stat: &str) -> Option<(libc::pid_t, libc::pid_t)> {
    let (_, rest) = stat.rsplit_once(')')?;
    let mut fields = rest.split_whitespace();
    let _state = fields.next()?;
    let ppid = fields.next()?.parse().ok()?;
    let _pgrp = fields.next()?;
    let session = fields.next()?.parse().ok()?;
    Some((ppid, session))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_with_odd_command_names() {
        let line = "4242 (a (b) c) S 17 4242 4242 0 -1 4194560 100 0 0 0";
        assert_eq!(parse_stat(line), Some((17, 4242)));
        assert_eq!(parse_stat("garbage"), None);
    }
}
