//! README command 1 on a fresh clone of this repository, with a PATH that
//! has no clang, lld or llvm tool (a fresh Debian machine's): both tools
//! run, the demo exits 1 (the corpus is broken on purpose), the foreign
//! fixtures are skipped in one line, and the output stays a screenful.
//!
//! The command is read out of README.md, so that the README cannot change
//! without this test running the new command. The clone is of the committed
//! state (`git clone` / `git fetch` of HEAD): uncommitted changes are not
//! included. It lives at `<target>/readme-demo/clone` and is brought to HEAD
//! and cleaned of every untracked and ignored file (`git clean -ffdx`) on each
//! run, which leaves exactly a fresh clone's files while keeping unchanged
//! files' times, so that the clone's build (CARGO_TARGET_DIR
//! `<target>/readme-demo/target`) is incremental. The first run costs what
//! the command costs on a fresh clone (both tools, build-samples and the
//! PyO3 samples from nothing: 66 s on two idle cores, 404 s on two cores
//! shared with other builds); later runs 1–2 minutes (what a commit
//! changed, the corpus, both tools).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The demo prints a summary, not the reports: 20-odd lines per tool.
const MAX_LINES: usize = 70;

/// What a machine without clang, lld and llvm lacks.
fn is_llvm_tool(name: &str) -> bool {
    [
        "clang", "lld", "ld.lld", "ld64.lld", "lld-link", "wasm-ld", "llvm-",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix))
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The first line of the README's first `sh` block, without its comment.
fn readme_command_1() -> String {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let block = readme
        .split("```sh\n")
        .nth(1)
        .expect("README.md has a ```sh block");
    let line = block.lines().next().unwrap();
    let command = line.split(" # ").next().unwrap().trim();
    assert!(!command.is_empty(), "README command 1 is empty: {line}");
    command.to_string()
}

/// PATH as it is, except that each directory holding an LLVM tool is
/// replaced by a directory of symlinks to everything else in it.
fn path_without_llvm(scratch: &Path) -> String {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = Vec::new();
    for (i, dir) in std::env::split_paths(&path).enumerate() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let names: BTreeSet<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        if !names.iter().any(|n| is_llvm_tool(n)) {
            dirs.push(dir);
            continue;
        }
        let copy = scratch.join(i.to_string());
        std::fs::create_dir_all(&copy).unwrap();
        for name in names {
            let original = dir.join(&name);
            // `cc` may be an alternatives link to clang.
            let target = std::fs::canonicalize(&original).unwrap_or(original.clone());
            let target_name = target.file_name().unwrap_or_default().to_string_lossy();
            if is_llvm_tool(&name) || is_llvm_tool(&target_name) {
                continue;
            }
            std::os::unix::fs::symlink(&original, copy.join(&name)).unwrap();
        }
        dirs.push(copy);
    }
    std::env::join_paths(dirs)
        .unwrap()
        .into_string()
        .expect("PATH is UTF-8")
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .current_dir(dir)
        .args(args)
        .status()
        .is_ok_and(|s| s.success())
}

/// A checkout of HEAD with no file that a fresh clone lacks.
fn fresh_clone(at: &Path) {
    let source = workspace();
    let source = source.to_str().unwrap();
    if !at.join(".git").exists() {
        let _ = std::fs::remove_dir_all(at);
        assert!(
            git(
                at.parent().unwrap(),
                &["clone", "-q", source, at.to_str().unwrap()]
            ),
            "git clone {source}"
        );
    }
    assert!(git(at, &["fetch", "-q", source, "HEAD"]), "git fetch");
    assert!(
        git(at, &["reset", "-q", "--hard", "FETCH_HEAD"]),
        "git reset"
    );
    assert!(git(at, &["clean", "-q", "-ffdx"]), "git clean");
}

#[test]
fn readme_command_1_runs_both_tools_on_a_fresh_clone_without_clang() {
    let command = readme_command_1();
    let in_git = Command::new("git")
        .current_dir(workspace())
        .args(["rev-parse", "--git-dir"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !in_git {
        let why = "git, or a git checkout of the workspace, is missing: nothing to clone";
        assert!(std::env::var_os("CI").is_none(), "{why}");
        eprintln!("SKIPPED: {why}");
        return;
    }

    let base = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("readme-demo");
    std::fs::create_dir_all(&base).unwrap();
    let clone = base.join("clone");
    fresh_clone(&clone);
    let scratch = tempfile::tempdir().unwrap();
    let path = path_without_llvm(scratch.path());
    let which_clang = Command::new("bash")
        .args(["-c", "command -v clang ld.lld llvm-nm"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(
        which_clang.stdout.is_empty(),
        "the prepared PATH still has {}",
        String::from_utf8_lossy(&which_clang.stdout)
    );

    let started = std::time::Instant::now();
    let output = Command::new("bash")
        .args(["-c", &command])
        .current_dir(&clone)
        .env("PATH", &path)
        .env("CARGO_TARGET_DIR", base.join("target"))
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let all = format!("{stdout}{stderr}");
    eprintln!(
        "`{command}` took {:.0?}, {} lines:\n{all}",
        started.elapsed(),
        all.lines().count()
    );

    assert_eq!(output.status.code(), Some(1), "{all}");
    assert!(
        stdout.contains("extinspect exited 1, extharness 1"),
        "both tools must run and find errors: {all}"
    );
    assert!(stdout.contains("\nextinspect: "), "{all}");
    assert!(stdout.contains("\nextharness check: "), "{all}");
    let skipped: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("foreign") && l.contains("skipped"))
        .collect();
    assert_eq!(skipped.len(), 1, "one line for the foreign fixtures: {all}");
    assert!(skipped[0].contains("clang"), "{}", skipped[0]);
    assert!(
        all.lines().count() <= MAX_LINES,
        "{} lines, more than {MAX_LINES}:\n{all}",
        all.lines().count()
    );
}
