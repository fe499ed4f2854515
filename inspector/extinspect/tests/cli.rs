//! The `extinspect` command as users and CI run it: exit statuses, output
//! formats, directory walking, unreadable input, `explain`, and the
//! generated check pages. Inputs are the foreign fixtures (built with clang
//! and lld alone, so no interpreter is needed) and files made here.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use sample_modules::ForeignCorpus;

fn fixtures() -> &'static ForeignCorpus {
    static BUILT: OnceLock<ForeignCorpus> = OnceLock::new();
    BUILT.get_or_init(|| {
        sample_modules::build_foreign(&sample_modules::default_root())
            .unwrap_or_else(|e| panic!("building the foreign fixtures: {e}"))
    })
}

fn fixture(dir: &str, file: &str) -> PathBuf {
    let path = fixtures().dir.join(dir).join(file);
    assert!(path.is_file(), "no fixture {}", path.display());
    path
}

fn extinspect<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_extinspect"))
        .args(args)
        .output()
        .expect("running extinspect")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn exit_status_is_0_when_clean_and_1_with_error_findings() {
    let clean = fixture("win_amd64", "limited_abi3.pyd");
    let output = extinspect([clean.as_os_str(), "--abi3-min".as_ref(), "3.8".as_ref()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains(": ok"), "{}", stdout(&output));

    let broken = fixture("win_amd64", "hidden_init.cp312-win_amd64.pyd");
    let output = extinspect([&broken]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("error[init-symbol-not-exported]"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn warnings_and_infos_alone_exit_0() {
    let output = extinspect([fixture(
        "macos_arm64",
        "links_libpython.cpython-312-darwin.so",
    )]);
    let text = stdout(&output);
    assert!(text.contains("warning[links-libpython]"), "{text}");
    assert_eq!(output.status.code(), Some(0), "{text}");
}

#[test]
fn a_missing_path_is_reported_exits_2_and_does_not_stop_the_others() {
    let output = extinspect([
        PathBuf::from("/nonexistent/spam.so"),
        fixture("win_amd64", "hidden_init.cp312-win_amd64.pyd"),
    ]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("/nonexistent/spam.so\n  error[unreadable-file]: cannot read:"),
        "{text}"
    );
    assert!(text.contains("error[init-symbol-not-exported]"), "{text}");
}

#[test]
fn usage_errors_exit_2_with_one_message() {
    for args in [
        vec![],
        vec!["--format", "yaml", "x.so"],
        vec!["--abi3-min", "three", "x.so"],
        vec!["--no-such-flag"],
    ] {
        let output = extinspect(&args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).trim().is_empty(), "{args:?}: no message");
        assert!(stdout(&output).is_empty(), "{args:?}: {}", stdout(&output));
    }
}

fn compile_plain_library(dir: &Path) -> PathBuf {
    let source = dir.join("plain.c");
    std::fs::write(&source, "int plain_answer(void) { return 42; }\n").unwrap();
    let library = dir.join("libplain.so");
    let status = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&library)
        .arg(&source)
        .status()
        .expect("running cc");
    assert!(status.success());
    library
}

#[test]
fn directories_are_walked_and_non_modules_are_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("pkg/sub");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::copy(
        fixture("macos_x86_64", "clean_multiphase.cpython-312-darwin.so"),
        nested.join("clean_multiphase.cpython-312-darwin.so"),
    )
    .unwrap();
    compile_plain_library(dir.path());
    std::fs::write(dir.path().join("README.txt"), "not a binary").unwrap();
    std::fs::remove_file(dir.path().join("plain.c")).unwrap();

    let output = extinspect([dir.path()]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("libplain.so (elf, x86_64): a library (named lib*, with no init function)"),
        "{text}"
    );
    assert!(
        text.contains(
            "clean_multiphase.cpython-312-darwin.so (macho, x86_64, module clean_multiphase"
        ),
        "{text}"
    );
    assert!(
        !text.contains("README.txt"),
        "a non-binary name was inspected: {text}"
    );
    assert!(
        text.contains("2 files inspected (1 extension module, 1 library, 0 other, 0 unreadable)"),
        "{text}"
    );
}

#[test]
fn truncated_and_non_binary_files_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let whole =
        std::fs::read(fixture("win_arm64", "clean_multiphase.cp312-win_arm64.pyd")).unwrap();
    let truncated = dir.path().join("clean_multiphase.cp312-win_arm64.pyd");
    std::fs::write(&truncated, &whole[..300]).unwrap();
    let text_file = dir.path().join("notes.so");
    std::fs::write(&text_file, "INPUT(-lfoo)\n").unwrap();
    let empty = dir.path().join("empty.so");
    std::fs::write(&empty, "").unwrap();

    let output = extinspect([&truncated, &text_file, &empty]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    let errors: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("error[unreadable-file]"))
        .collect();
    assert_eq!(errors.len(), 3, "{text}");
    assert!(
        errors[0].contains("PE"),
        "the truncated PE is named as PE: {}",
        errors[0]
    );
}

#[test]
fn json_output_has_the_documented_fields() {
    let output = extinspect([
        "--format".as_ref(),
        "json".as_ref(),
        fixture("macos_universal2", "multi_init.cpython-312-darwin.so").as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    let file = &json["files"][0];
    assert_eq!(file["format"], "macho");
    assert_eq!(file["arch"], serde_json::json!(["x86_64", "aarch64"]));
    assert_eq!(file["module"], "multi_init");
    assert_eq!(file["kind"], "extension");
    assert_eq!(file["tag"]["python"], "3.12");
    assert_eq!(file["tag"]["platform"], "darwin");
    let inits: Vec<(&str, &str)> = file["init_symbols"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["symbol"].as_str().unwrap(), s["module"].as_str().unwrap()))
        .collect();
    assert!(
        inits.contains(&("PyInit_multi_init_foo", "multi_init_foo")),
        "{inits:?}"
    );
    let finding = &file["findings"][0];
    assert_eq!(finding["check"], "extra-init-symbols");
    assert_eq!(finding["severity"], "info");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("multi_init_bar")
    );
    assert_eq!(
        finding["symbols"],
        serde_json::json!(["PyInit_multi_init_bar", "PyInit_multi_init_foo"])
    );
    // abi3-candidate's, the other info, is not selected by default.
    assert_eq!(json["summary"]["infos"], 1);
    assert_eq!(json["gate"]["off_by_default"]["abi3-candidate"], 1);
}

#[test]
fn explain_prints_every_checks_documentation() {
    for check in checks::registry::CHECKS {
        let output = extinspect(["explain", check.meta.id]);
        assert_eq!(output.status.code(), Some(0));
        let text = stdout(&output);
        assert!(text.starts_with(check.meta.id), "{text}");
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## How to fix",
        ] {
            assert!(
                text.contains(heading),
                "{}: {heading} missing",
                check.meta.id
            );
        }
    }
    let listing = stdout(&extinspect(["explain"]));
    for meta in checks::registry::CHECKS
        .iter()
        .map(|c| &c.meta)
        .chain(harness::checks::CHECKS)
    {
        assert!(
            listing.lines().any(|l| l.trim_start().starts_with(meta.id)),
            "{} missing from\n{listing}",
            meta.id
        );
    }
    let unknown = extinspect(["explain", "no-such-check"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("no check named `no-such-check`"));
}

/// A newcomer who asks the inspector about an id from the harness's report
/// gets the page and the command that reports it.
#[test]
fn explain_knows_the_harness_ids_and_says_who_reports_them() {
    for meta in harness::checks::CHECKS {
        let output = extinspect(["explain", meta.id]);
        assert_eq!(output.status.code(), Some(0), "{}", meta.id);
        let text = stdout(&output);
        let first = text.lines().next().unwrap_or("");
        assert!(
            first.starts_with(meta.id)
                && first.contains(&format!("reported by `{}`", meta.group.tool())),
            "{first}"
        );
        assert!(text.contains("## How to fix"), "{}", meta.id);
    }
    let own = stdout(&extinspect(["explain", "missing-init-symbol"]));
    assert!(
        own.lines()
            .next()
            .unwrap_or("")
            .contains("reported by `extinspect`"),
        "{own}"
    );
}

#[test]
fn a_device_is_refused_and_a_pipe_is_read() {
    // Alone, it leaves the run with nothing checked: one line says why.
    let output = extinspect(["/dev/zero"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert_eq!(
        stderr(&output),
        "extinspect: nothing checked: /dev/zero: cannot read: not a regular file (a character \
         device)\n"
    );

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("limited_abi3.pyd");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let bytes = std::fs::read(fixture("win_amd64", "limited_abi3.pyd")).unwrap();
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, bytes).unwrap())
    };
    let output = extinspect([fifo.as_os_str(), "--abi3-min".as_ref(), "3.8".as_ref()]);
    writer.join().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("limited_abi3.pyd (pe, x86_64"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn concise_is_a_line_per_finding_and_quiet_leaves_out_what_is_clean() {
    let files = [
        fixture("win_amd64", "limited_abi3.pyd"),
        fixture("win_amd64", "hidden_init.cp312-win_amd64.pyd"),
        fixture("macos_arm64", "links_libpython.cpython-312-darwin.so"),
    ];
    let mut args: Vec<std::ffi::OsString> = files.iter().map(|f| f.clone().into()).collect();
    args.extend(
        [
            "--isolated",
            "--abi3-min",
            "3.8",
            "--output-format",
            "concise",
        ]
        .map(Into::into),
    );
    let output = extinspect(&args);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../../snapshots/inspector");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let dir = fixtures().dir.display().to_string();
    settings.add_filter(&dir.replace('.', r"\."), "[fixtures]");
    settings.bind(|| insta::assert_snapshot!("cli_concise", text));
    // `--format concise` is the same flag.
    args.truncate(files.len());
    args.extend(["--isolated", "--abi3-min", "3.8", "--format", "concise"].map(Into::into));
    assert_eq!(stdout(&extinspect(&args)), stdout(&output));

    args.truncate(files.len());
    args.extend(["--isolated", "--abi3-min", "3.8", "--quiet"].map(Into::into));
    let quiet = stdout(&extinspect(&args));
    assert!(!quiet.contains("limited_abi3.pyd"), "{quiet}");
    assert!(quiet.contains("hidden_init.cp312-win_amd64.pyd"), "{quiet}");
    assert!(quiet.contains(" files inspected "), "{quiet}");
}
