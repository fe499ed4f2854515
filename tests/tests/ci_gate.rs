//! The CI gate as a user adopts it: the wheel this repository builds,
//! pip-installed into a fresh venv; both tools run from there on a project
//! whose `pyproject.toml` configures them, in every output format, with a
//! baseline. Every format gives the same exit status; each is snapshotted;
//! the SARIF validates against the OASIS schema.

mod common;
mod project;

use std::path::Path;
use std::process::Command;

use project::{MEMBERS, Project, run, stderr, stdout};
use serde_json::Value;
use tests::dist::{Installed, installed};

const FORMATS: [&str; 6] = ["text", "json", "json-lines", "sarif", "junit", "github"];

fn setup(members: &[&str]) -> (&'static Installed, Project) {
    let installed = installed();
    let python = common::python312();
    let corpus = common::corpus(python);
    (installed, project::project(python, &corpus, members))
}

/// Paths, versions, durations and addresses out; what the report says in.
fn stable(text: &str, project: &Project) -> String {
    let mut text = text.replace(&project.root().display().to_string(), "[project]");
    text = text.replace(&project.python.display().to_string(), "[python]");
    if let Some(pyenv) = project.python.ancestors().nth(3) {
        text = text.replace(&pyenv.display().to_string(), "[pyenv]");
    }
    let filters = [
        (r#""0\.1\.0""#, r#""[version]""#),
        (r"3\.12\.\d+", "3.12.[micro]"),
        (r#""duration_ms": \d+"#, r#""duration_ms": 0"#),
        // Right-aligned durations: the padding varies with the digits.
        (r" +\d+ ms\b", " [n] ms"),
        (r"0x[0-9a-f]{6,}", "[address]"),
        (r"/tmp/[^/\s\x22']+", "[tmp]"),
        (r"/work/[^\s\x22']*?/target/", "[target]/"),
        // The probe's own lines move whenever the probe is edited.
        (r#"(extharness_probe\.py\\?", line )\d+"#, "${1}[n]"),
    ];
    for (pattern, replacement) in filters {
        text = regex::Regex::new(pattern)
            .unwrap()
            .replace_all(&text, replacement)
            .into_owned();
    }
    text
}

fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/ci");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

fn sarif_problems(text: &str) -> Vec<String> {
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../common/output/tests/data/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the OASIS schema compiles");
    let log: Value = serde_json::from_str(text).expect("SARIF is JSON");
    validator
        .iter_errors(&log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Runs `tool args...` in every format; returns each format's output after
/// checking the status is `expected` in all of them.
fn every_format(
    installed: &Installed,
    project: &Project,
    tool: &str,
    args: &[&str],
    expected: i32,
) -> Vec<(&'static str, String)> {
    let mut outputs = Vec::new();
    for format in FORMATS {
        let output = run(project
            .command(installed, tool)
            .args(args)
            .args(["--format", format, "dist/"]));
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{tool} --format {format}: {}\n{}",
            stderr(&output),
            stdout(&output)
        );
        assert!(
            !stdout(&output).contains('\u{1b}'),
            "no colour when stdout is not a terminal"
        );
        outputs.push((format, stdout(&output)));
    }
    outputs
}

fn check_machine_formats(outputs: &[(&str, String)], tool: &str) {
    for (format, text) in outputs {
        match *format {
            "json" => {
                serde_json::from_str::<Value>(text).expect("json parses");
            }
            "json-lines" => {
                for line in text.lines() {
                    serde_json::from_str::<Value>(line)
                        .unwrap_or_else(|e| panic!("{tool} json-lines: {e}: {line}"));
                }
            }
            "sarif" => {
                let problems = sarif_problems(text);
                assert!(problems.is_empty(), "{tool} SARIF: {problems:#?}");
            }
            "github" => {
                for line in text.lines() {
                    assert!(
                        line.starts_with("::error ")
                            || line.starts_with("::warning ")
                            || line.starts_with("::notice "),
                        "{tool}: not a workflow command: {line}"
                    );
                }
            }
            "junit" => assert!(text.starts_with("<?xml"), "{tool} junit: {text}"),
            _ => {}
        }
    }
}

#[test]
fn extinspect_from_the_venv_reports_alike_in_every_format() {
    let (installed, project) = setup(MEMBERS);
    // init_name_mismatch's missing-init-symbol is an error: status 1.
    let outputs = every_format(installed, &project, "extinspect", &[], 1);
    check_machine_formats(&outputs, "extinspect");
    for (format, text) in &outputs {
        snapshot(&format!("extinspect.{format}"), &stable(text, &project));
    }
    let json: Value = serde_json::from_str(&outputs[1].1).unwrap();
    let gate = &json["gate"];
    assert!(
        gate["config"].as_str().unwrap().ends_with("pyproject.toml"),
        "{gate}"
    );
    assert_eq!(
        gate["unused_suppressions"][0]["path"], "legacy/*.so",
        "the ignore that matched nothing is reported: {gate}"
    );
    let text = &outputs[0].1;
    assert!(!text.contains("abi3-candidate"), "ignored in the file");
    assert!(
        !text.contains("init-symbol-not-exported"),
        "per-file ignore"
    );
    assert!(text.contains("error[missing-init-symbol]"), "{text}");
    assert!(text.contains("warning[single-phase-init]"), "{text}");
    assert!(text.contains("legacy/*.so"), "unused suppression: {text}");
}

#[test]
fn extharness_from_the_venv_reports_alike_in_every_format() {
    let (installed, project) = setup(MEMBERS);
    // The harness defaults come from [tool.extinspect.harness]: CPython 3.12
    // only, the reimport scenario after import, one warm-up and three runs.
    let outputs = every_format(installed, &project, "extharness", &["check"], 1);
    check_machine_formats(&outputs, "extharness");
    for (format, text) in &outputs {
        snapshot(&format!("extharness.{format}"), &stable(text, &project));
    }
    let text = &outputs[0].1;
    assert!(text.contains("error[import-error]"), "{text}");
    assert!(text.contains("singleton-state"), "{text}");
    assert!(
        !text.contains("subinterpreter") && !text.contains("shutdown "),
        "only the configured scenarios ran: {text}"
    );
    assert!(
        !text.contains("hidden_init: ") && !text.contains("[init-symbol"),
        "{text}"
    );
}

#[test]
fn a_baseline_lets_only_new_findings_fail_the_gate() {
    let (installed, project) = setup(MEMBERS);
    let baseline = project.root().join("extinspect-baseline.json");
    for (tool, first) in [("extinspect", None), ("extharness", Some("check"))] {
        let output = run(project.command(installed, tool).args(first).args([
            "--write-baseline",
            "extinspect-baseline.json",
            "dist/",
        ]));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    let tools: std::collections::BTreeSet<&str> = recorded["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["tool"].as_str())
        .collect();
    assert_eq!(
        tools,
        ["extharness", "extinspect"].into(),
        "both tools share the file"
    );

    for (tool, first) in [("extinspect", None), ("extharness", Some("check"))] {
        let output = run(project.command(installed, tool).args(first).args([
            "--baseline",
            "extinspect-baseline.json",
            "--format",
            "json",
            "dist/",
        ]));
        assert_eq!(output.status.code(), Some(0), "{tool}: {}", stderr(&output));
        let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert!(
            json["gate"]["baseline"]["known"].as_u64().unwrap() > 0,
            "{tool}: {}",
            json["gate"]
        );
        assert_eq!(json["summary"]["errors"], 0, "{tool}");
    }

    // A new release adds a module with two init functions, which the
    // project's configuration makes an error: that, and only that, fails.
    let python = common::python312();
    let corpus = common::corpus(python);
    let newer = project::project(python, &corpus, &["multi_init"]);
    std::fs::copy(
        newer.wheel(),
        project
            .root()
            .join("dist/extra-2.0-cp312-cp312-linux_x86_64.whl"),
    )
    .unwrap();
    let output = run(project.command(installed, "extinspect").args([
        "--baseline",
        "extinspect-baseline.json",
        "--format",
        "json-lines",
        "dist/",
    ]));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let new: Vec<Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|l: &Value| l["kind"] == "diagnostic")
        .collect();
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0]["check"], "extra-init-symbols");
    assert_eq!(new[0]["severity"], "error", "the configuration's severity");
}

#[test]
fn a_configuration_mistake_is_a_usage_error_naming_the_key_and_the_file() {
    let (installed, project) = setup(&["clean_multiphase"]);
    std::fs::write(
        project.root().join("extinspect.toml"),
        "ignore = [\"abi3-candidate\"]\n\n[harness]\ntimout = 5\n",
    )
    .unwrap();
    for (tool, first) in [("extinspect", None), ("extharness", Some("check"))] {
        for format in FORMATS {
            let output = run(project
                .command(installed, tool)
                .args(first)
                .args(["--format", format, "dist/"]));
            assert_eq!(output.status.code(), Some(2), "{tool} {format}");
            let message = stderr(&output);
            assert_eq!(message.lines().count(), 1, "one line: {message}");
            assert!(
                message.contains("extinspect.toml:4") && message.contains("harness.timout"),
                "{tool}: {message}"
            );
        }
    }
    // The file found is the nearest: extinspect.toml beats pyproject.toml.
    let output = run(project
        .command(installed, "extinspect")
        .args(["--isolated", "dist/"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let (installed, project) = setup(&["init_name_mismatch"]);
    // `script` gives the tool a pseudo-terminal as stdout.
    let tty = |no_color: bool| {
        let mut command = Command::new("script");
        command
            .args(["-qec", "extinspect --isolated dist/", "/dev/null"])
            .current_dir(project.root())
            .env("PATH", project::path_with(installed))
            .env_remove("CLICOLOR_FORCE")
            .env("TERM", "xterm-256color");
        if no_color {
            command.env("NO_COLOR", "1");
        } else {
            command.env_remove("NO_COLOR");
        }
        let output = run(&mut command);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stdout(&output)
    };
    let coloured = tty(false);
    assert!(
        coloured.contains("\u{1b}["),
        "colour on a terminal: {coloured:?}"
    );
    let plain = tty(true);
    assert!(!plain.contains("\u{1b}["), "NO_COLOR: {plain:?}");
    assert!(plain.contains("error[missing-init-symbol]"), "{plain}");
}
