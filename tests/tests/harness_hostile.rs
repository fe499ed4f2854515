//! `extharness check` (the binary users install) against hostile modules
//! and a hostile machine: a module that leaves processes running, one that
//! writes into its home; interpreters that are missing, broken or for
//! another machine; a full temporary directory; inputs that cannot be read.
//! Nothing a module starts may survive the run; each failure is one line on
//! stderr naming what failed, exit status 2, and the rest is still checked.
//! See docs/security.md.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use tests::dist::{describe, installed};

fn python() -> &'static interpreters::Interpreter {
    common::python312()
}

/// A hostile sample (sample-modules/hostile) built for CPython 3.12, copied
/// into a directory of its own: its path there marks what it starts.
fn hostile(id: &str) -> (tempfile::TempDir, PathBuf) {
    let corpus = sample_modules::build_hostile(python(), &sample_modules::default_root())
        .unwrap_or_else(|e| panic!("building the hostile samples: {e}"));
    let built = corpus
        .module(id)
        .unwrap_or_else(|| panic!("no hostile sample {id}"));
    let dir = tempfile::Builder::new()
        .prefix("hostile-")
        .tempdir()
        .unwrap();
    let path = dir.path().join(built.path.file_name().unwrap());
    fs::copy(&built.path, &path).unwrap();
    (dir, path)
}

/// A well-behaved module, to show that the others are still checked.
fn clean() -> PathBuf {
    let corpus = common::corpus(python());
    corpus.module("clean_multiphase").unwrap().path.clone()
}

/// `extharness check --python <3.12> ARGS`.
fn check(args: &[&std::ffi::OsStr]) -> Command {
    let mut command = Command::new(&installed().extharness);
    command
        .arg("check")
        .arg("--python")
        .arg(&python().executable)
        .args(args)
        .stdin(Stdio::null())
        .env_remove("NO_COLOR");
    command
}

fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", describe(command)))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Exit status 2, and what could not be read said once: in its place in
/// the text report on stdout, `{path}\n  error: {message}`, and not again on
/// stderr (a machine format gets it there; `unreadable` checks that too).
fn reported_in_place(output: &Output, path: &Path, message: &str) {
    let (out, err) = (stdout(output), stderr(output));
    assert_eq!(output.status.code(), Some(2), "{err}\n{out}");
    assert_eq!(err, "", "nothing on stderr\n{out}");
    let place = format!("{}\n  error: {message}", path.display());
    assert_eq!(out.matches(&place).count(), 1, "{place} once in:\n{out}");
}

/// Exit status 2, exactly one line on stderr, and it is `expected`.
fn one_error(output: &Output, expected: &str) {
    let (out, err) = (stdout(output), stderr(output));
    assert_eq!(output.status.code(), Some(2), "{err}\n{out}");
    assert_eq!(err.lines().count(), 1, "one line on stderr:\n{err}\n{out}");
    assert_eq!(err.trim_end(), expected, "\n{out}");
}

/// The clean module was checked, and passed, on 3.12.
fn clean_was_checked(output: &Output) {
    let out = stdout(output);
    assert!(
        out.contains("(module clean_multiphase)\n  python 3.12"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.trim_start().starts_with("import") && l.contains("passed")),
        "{out}"
    );
}

// Nothing survives.

/// Processes that still map a file under `marker` (every process the
/// sample starts is a fork that never execs, so it maps the module), given
/// two seconds to finish dying; any found are killed before the test fails.
fn assert_no_survivor(marker: &Path) {
    let marker = marker.to_str().unwrap();
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut left = survivors(marker);
    while !left.is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        left = survivors(marker);
    }
    for (pid, _) in &left {
        // Processes this test's module started, killed so as not to outlive the test.
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
    assert!(
        left.is_empty(),
        "processes the module started outlived the run: {left:?}"
    );
}

fn survivors(marker: &str) -> Vec<(i32, String)> {
    let me = std::process::id() as i32;
    fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| pid != me)
        .filter(|pid| {
            fs::read_to_string(format!("/proc/{pid}/maps")).is_ok_and(|maps| maps.contains(marker))
        })
        .map(|pid| {
            let comm = fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            (pid, comm.trim().to_string())
        })
        .collect()
}

/// What the sample says it started: (pid, "child" or "daemon").
fn spawned(dir: &Path) -> Vec<(i32, String)> {
    let text = fs::read_to_string(dir.join("spawn_daemons.pids")).unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            let (pid, kind) = l.split_once(' ')?;
            Some((pid.parse().ok()?, kind.to_string()))
        })
        .collect()
}

/// The sample really started a daemon (out of the child's session) and a
/// child in every process that imported it, so that the absence of
/// survivors means something.
fn assert_it_spawned(dir: &Path, processes: usize) {
    let spawned = spawned(dir);
    let kinds: Vec<&str> = spawned.iter().map(|(_, k)| k.as_str()).collect();
    let count = |kind| kinds.iter().filter(|k| **k == kind).count();
    assert!(
        count("child") >= processes && count("daemon") >= processes,
        "the sample started {spawned:?}, expected a child and a daemon in each of {processes} processes"
    );
}

/// Every default scenario: six processes import the module (import,
/// re-import, two subinterpreters, the reinit host, shutdown), each
/// leaving a child, three threads and a daemon behind.
#[test]
fn nothing_a_module_starts_survives_the_run() {
    let (dir, module) = hostile("spawn_daemons");
    let output = run(&mut check(&[module.as_os_str()]));
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}\n{out}", stderr(&output));
    assert!(out.contains("reinit"), "{out}");
    assert_it_spawned(dir.path(), 6);
    assert_no_survivor(dir.path());
}

/// A module hanging in C with the GIL held: the time-out kills the child,
/// its group and what left it.
#[test]
fn nothing_a_module_starts_survives_a_time_out() {
    let (dir, module) = hostile("spawn_daemons");
    let started = Instant::now();
    let output = run(&mut check(&[
        "--timeout".as_ref(),
        "3".as_ref(),
        "--scenario".as_ref(),
        "leaks".as_ref(),
        "-c".as_ref(),
        "module.block(3600)".as_ref(),
        module.as_os_str(),
    ]));
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{}\n{out}", stderr(&output));
    assert!(
        out.contains("error[scenario-timeout]: the interpreter did not finish within 3 s"),
        "{out}"
    );
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_it_spawned(dir.path(), 2);
    assert_no_survivor(dir.path());
}

/// Interrupted in the middle of a run (Ctrl-C, SIGTERM, a closed
/// terminal): the children have sessions of their own, so the signal does
/// not reach them; the harness kills them, and what they started, and
/// removes their private directories, before it dies of the signal.
#[test]
fn nothing_a_module_starts_survives_an_interrupted_run() {
    use std::os::unix::process::ExitStatusExt;
    for signal in ["INT", "TERM"] {
        let (dir, module) = hostile("spawn_daemons");
        let tmp = tempfile::tempdir().unwrap();
        let mut harness = check(&[
            "--timeout".as_ref(),
            "600".as_ref(),
            "--scenario".as_ref(),
            "leaks".as_ref(),
            "-c".as_ref(),
            "module.block(3600)".as_ref(),
            module.as_os_str(),
        ])
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
        // The import scenario's child, then the leaks scenario's, which hangs.
        let deadline = Instant::now() + Duration::from_secs(60);
        while spawned(dir.path())
            .iter()
            .filter(|(_, k)| k == "daemon")
            .count()
            < 2
        {
            assert!(
                Instant::now() < deadline,
                "the leaks scenario never started"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let sent = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(harness.id().to_string())
            .status()
            .unwrap();
        assert!(sent.success());
        let status = harness.wait().unwrap();
        let number = if signal == "INT" { 2 } else { 15 };
        assert_eq!(status.signal(), Some(number), "{status:?}");
        assert_it_spawned(dir.path(), 2);
        assert_no_survivor(dir.path());
        let left: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        assert!(left.is_empty(), "left in TMPDIR: {left:?}");
    }
}

// Private directories.

/// Every child (the probe, the scenario interpreters, the reinit host)
/// runs with HOME, TMPDIR and its working directory in a private
/// directory, removed afterwards; nothing lands in the user's home or
/// working directory, and nothing of the harness is left in TMPDIR. The one
/// thing kept is the documented cache (docs/harness.md, "Caches"): the
/// interpreters' facts and the reinit baselines, under `$XDG_CACHE_HOME`.
#[test]
fn children_live_in_private_directories_removed_afterwards() {
    let (dir, module) = hostile("record_dirs");
    let home = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let tmp_root = tmp.path().canonicalize().unwrap();
    // The interpreter, as --python names it: a wrapper that records where
    // the probe runs, leaves a file in each place, and runs the real one.
    let probe_log = dir.path().join("probe.log");
    let wrapper = dir.path().join("python3.12-wrapper");
    fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nprintf '%s\\t%s\\t%s\\n' \"$PWD\" \"$HOME\" \"$TMPDIR\" >> '{log}'\n\
             for d in \"$PWD\" \"$HOME\" \"$TMPDIR\"; do : > \"$d/wrapper.was-here\"; done\n\
             exec '{python}' \"$@\"\n",
            log = probe_log.display(),
            python = python().executable.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755)).unwrap();

    let output = run(Command::new(&installed().extharness)
        .args(["check", "--python"])
        .arg(&wrapper)
        .arg(&module)
        .env("HOME", home.path())
        .env("XDG_CACHE_HOME", cache.path())
        .env("TMPDIR", tmp.path())
        .current_dir(cwd.path())
        .stdin(Stdio::null()));
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}\n{out}", stderr(&output));
    assert!(out.contains("reinit "), "{out}");

    let records = |log: &Path, prefix: &str| -> Vec<Vec<String>> {
        let text = fs::read_to_string(log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
        let records: Vec<Vec<String>> = text
            .lines()
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect();
        for record in &records {
            let dirs = &record[record.len() - 3..];
            assert!(dirs.iter().all(|d| *d == dirs[0]), "{record:?}");
            let private = Path::new(&dirs[0]);
            assert_eq!(private.parent(), Some(tmp_root.as_path()), "{record:?}");
            let name = private.file_name().unwrap().to_string_lossy();
            assert!(name.starts_with(prefix), "{record:?}");
            assert!(!private.exists(), "{} was not removed", private.display());
        }
        records
    };
    let children = records(&dir.path().join("record_dirs.log"), "extharness-");
    let pids: BTreeSet<&str> = children.iter().map(|r| r[0].as_str()).collect();
    // import, reimport, two subinterpreters, the reinit host, shutdown.
    assert!(pids.len() >= 6, "{children:?}");
    let probes = records(&probe_log, "extinspect-probe-");
    assert_eq!(probes.len(), 1, "{probes:?}");

    for (what, dir) in [
        ("the home directory", home.path()),
        ("the working directory", cwd.path()),
        ("TMPDIR", tmp.path()),
    ] {
        let left: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        assert!(left.is_empty(), "left in {what}: {left:?}");
    }
    // (A script given as --python, as here, is asked again every run.)
    let mut kept: Vec<String> = fs::read_dir(cache.path().join("extinspect"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    kept.sort();
    assert_eq!(kept, ["reinit-baselines"]);
}

// Interpreters that cannot be used.

fn script(dir: &Path, name: &str, text: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// `--python BAD --python <3.12> clean_multiphase`: one line naming BAD, and
/// the module still checked under 3.12.
fn bad_interpreter(bad: &Path, reason: &str) {
    let clean = clean();
    let output = run(&mut check(&[
        "--python".as_ref(),
        bad.as_os_str(),
        "--scenario".as_ref(),
        "reimport".as_ref(),
        clean.as_os_str(),
    ]));
    one_error(
        &output,
        &format!(
            "extharness: cannot use the interpreter {}: {reason}",
            bad.display()
        ),
    );
    clean_was_checked(&output);
}

#[test]
fn a_missing_interpreter_is_one_line_and_the_others_still_run() {
    bad_interpreter(
        Path::new("/nonexistent/python3.12"),
        "cannot run: No such file or directory (os error 2)",
    );
}

#[test]
fn a_broken_interpreter_is_one_line_and_the_others_still_run() {
    let dir = tempfile::tempdir().unwrap();
    let failing = script(
        dir.path(),
        "python-failing",
        "#!/bin/sh\necho 'Fatal Python error: init_fs_encoding' >&2\nexit 1\n",
    );
    bad_interpreter(
        &failing,
        "probe exited with exit status: 1: Fatal Python error: init_fs_encoding",
    );
    let garbling = script(
        dir.path(),
        "python-garbling",
        "#!/bin/sh\necho 'Welcome to the shell of a wrapper'\n",
    );
    bad_interpreter(
        &garbling,
        "probe answered something that is not its JSON report (expected value at line 1 \
         column 1): \"Welcome to the shell of a wrapper\"",
    );
}

const ENOEXEC: i32 = 8;

/// Whether this test runs as root, which reads any file.
fn is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1).map(|euid| euid == "0"))
        .unwrap_or(false)
}

/// A static executable for a machine this one does not run (one no
/// binfmt_misc emulator takes either): exec fails with ENOEXEC.
fn foreign_executable(dir: &Path) -> (PathBuf, &'static str) {
    let source = dir.join("start.c");
    fs::write(&source, "void _start(void) { for (;;) { } }\n").unwrap();
    let clang = common::llvm_tool("clang");
    for (target, machine) in [
        ("aarch64-linux-gnu", "64-bit ELF executable for AArch64"),
        ("riscv64-linux-gnu", "64-bit ELF executable for RISC-V"),
        ("x86_64-linux-gnu", "64-bit ELF executable for x86-64"),
    ] {
        if std::env::consts::ARCH == target.split('-').next().unwrap() {
            continue;
        }
        let out = dir.join(format!("python-{target}"));
        let status = Command::new(&clang)
            .arg(format!("--target={target}"))
            .args(["-nostdlib", "-fuse-ld=lld", "-static", "-O1", "-o"])
            .arg(&out)
            .arg(&source)
            .status()
            .unwrap();
        assert!(status.success(), "clang --target={target}");
        match Command::new(&out).spawn() {
            Err(e) if e.raw_os_error() == Some(ENOEXEC) => return (out, machine),
            Err(e) => panic!("{}: {e}", out.display()),
            // An emulator runs it: try another machine.
            Ok(mut child) => {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
    panic!("every foreign executable ran here (binfmt_misc emulators?)");
}

#[test]
fn an_interpreter_for_another_machine_is_one_line_and_the_others_still_run() {
    let dir = tempfile::tempdir().unwrap();
    let (foreign, machine) = foreign_executable(dir.path());
    bad_interpreter(
        &foreign,
        &format!(
            "cannot run: Exec format error (os error 8): a {machine}, which this {} machine \
             does not run",
            std::env::consts::ARCH
        ),
    );
}

// Inputs that cannot be read.

/// `clean_multiphase BAD`: one line naming BAD, the module still checked.
fn unreadable(bad: &Path, reason: &str, wrap: Option<&[&str]>) {
    let clean = clean();
    let mut command = check(&[
        "--scenario".as_ref(),
        "reimport".as_ref(),
        clean.as_os_str(),
        bad.as_os_str(),
    ]);
    if let Some(wrapper) = wrap {
        let mut wrapped = Command::new(wrapper[0]);
        wrapped
            .args(&wrapper[1..])
            .arg(command.get_program())
            .args(command.get_args())
            .stdin(Stdio::null());
        command = wrapped;
    }
    let output = run(&mut command);
    reported_in_place(&output, bad, &format!("cannot read: {reason}"));
    clean_was_checked(&output);
    // A report for a machine leaves stdout to it: the line goes to stderr.
    let output = run(command.arg("--format").arg("json"));
    one_error(
        &output,
        &format!("extharness: {}: cannot read: {reason}", bad.display()),
    );
}

#[test]
fn a_named_pipe_is_refused_at_once_and_the_others_still_run() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.cpython-312-x86_64-linux-gnu.so");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    unreadable(&fifo, "it is a named pipe (FIFO), not a file", None);
}

#[test]
fn a_dangling_symlink_is_one_line_and_the_others_still_run() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("gone.cpython-312-x86_64-linux-gnu.so");
    std::os::unix::fs::symlink("/nonexistent/gone.so", &link).unwrap();
    unreadable(
        &link,
        "a symbolic link to /nonexistent/gone.so, which does not exist",
        None,
    );
}

/// A file without read permission. Root reads it anyway (CAP_DAC_OVERRIDE),
/// so as root the harness runs without that capability (`setpriv`), as an
/// ordinary user would.
#[test]
fn a_file_without_read_permission_is_one_line_and_the_others_still_run() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("secret.cpython-312-x86_64-linux-gnu.so");
    fs::copy(clean(), &module).unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&module, fs::Permissions::from_mode(0o000)).unwrap();
    let root = is_root();
    let setpriv: &[&str] = &[
        "setpriv",
        "--bounding-set",
        "-dac_override,-dac_read_search",
        "--",
    ];
    if root && Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("setpriv (util-linux) is missing: root reads the file; nothing to prove");
        return;
    }
    unreadable(
        &module,
        "Permission denied (os error 13)",
        root.then_some(setpriv),
    );
}

// A full temporary directory.

/// `extharness ARGS...` with TMPDIR on a tmpfs of `size` in a mount
/// namespace of its own (so nothing is mounted for anyone else, and it
/// goes with the process), filled up first when `full`. `None` when no
/// mount namespace can be had here (neither root nor user namespaces).
fn with_small_tmp(size: &str, full: bool, args: &[&std::ffi::OsStr]) -> Option<(Output, PathBuf)> {
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("tmp");
    fs::create_dir(&mount).unwrap();
    let flags: &[&[&str]] = if is_root() {
        &[&["--mount"], &["--user", "--map-root-user", "--mount"]]
    } else {
        &[&["--user", "--map-root-user", "--mount"]]
    };
    const SCRIPT: &str = r#"mount -t tmpfs -o size="$1" tmpfs "$2" || exit 97
if [ "$3" = full ]; then head -c 1G /dev/zero > "$2/fill" 2>/dev/null; fi
export TMPDIR="$2"
shift 3
exec "$@""#;
    for flags in flags {
        let works = Command::new("unshare")
            .args(*flags)
            .args(["sh", "-c", SCRIPT, "sh", "16k"])
            .arg(&mount)
            .args(["room", "true"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !works {
            continue;
        }
        let command = check(args);
        let mut wrapped = Command::new("unshare");
        wrapped
            .args(*flags)
            .args(["sh", "-c", SCRIPT, "sh", size])
            .arg(&mount)
            .arg(if full { "full" } else { "room" })
            .arg(command.get_program())
            .args(command.get_args())
            .stdin(Stdio::null());
        return Some((run(&mut wrapped), mount));
    }
    eprintln!("no mount namespace here (unshare --mount, or --user --mount): nothing to prove");
    None
}

/// Nothing can be written in TMPDIR: every scenario run fails the same way,
/// which is one line naming the directory; every module is still reported.
#[test]
fn a_full_temporary_directory_is_one_line_naming_it() {
    let clean = clean();
    let (_dir, other) = hostile("record_dirs");
    let Some((output, mount)) = with_small_tmp(
        "64k",
        true,
        &[
            "--scenario".as_ref(),
            "reimport".as_ref(),
            clean.as_os_str(),
            other.as_os_str(),
        ],
    ) else {
        return;
    };
    let err = stderr(&output);
    let expected = format!(
        "extharness: cannot prepare a private directory in {}: No space left on device (os \
         error 28) (2 scenario runs could not run, the first the import scenario of",
        mount.display()
    );
    assert!(err.starts_with(&expected), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(output.status.code(), Some(2), "{err}");
    let out = stdout(&output);
    for module in ["(module clean_multiphase)", "(module record_dirs)"] {
        assert!(out.contains(module), "{out}");
    }
}

/// Room for the children's private directories but not for a wheel's big
/// member: the wheel is one line, the module beside it is checked.
#[test]
fn a_wheel_that_does_not_fit_in_tmpdir_is_one_line_and_the_others_still_run() {
    let clean = clean();
    let dir = tempfile::tempdir().unwrap();
    let wheel = dir.path().join("demo-1.0-cp312-cp312-linux_x86_64.whl");
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(fs::File::create(&wheel).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("demo/data.bin", options).unwrap();
        zip.write_all(&vec![0u8; 4 << 20]).unwrap();
        zip.start_file(
            format!("demo/{}", clean.file_name().unwrap().to_string_lossy()),
            options,
        )
        .unwrap();
        zip.write_all(&fs::read(&clean).unwrap()).unwrap();
        zip.finish().unwrap();
    }
    let Some((output, mount)) = with_small_tmp(
        "1m",
        false,
        &[
            "--scenario".as_ref(),
            "reimport".as_ref(),
            clean.as_os_str(),
            wheel.as_os_str(),
        ],
    ) else {
        return;
    };
    // Said once, in its place in the text report.
    let (out, err) = (stdout(&output), stderr(&output));
    assert_eq!(output.status.code(), Some(2), "{err}\n{out}");
    assert_eq!(err, "", "nothing on stderr\n{out}");
    let expected = format!(
        "{}\n  error: cannot extract demo/data.bin into {}/extharness-wheel-",
        wheel.display(),
        mount.display()
    );
    let at = out
        .find(&expected)
        .unwrap_or_else(|| panic!("{expected} in:\n{out}"));
    let line = out[at..].lines().nth(1).unwrap();
    assert!(
        line.ends_with(": No space left on device (os error 28)"),
        "{line}"
    );
    assert_eq!(out.matches(&expected).count(), 1, "{out}");
    clean_was_checked(&output);
}
