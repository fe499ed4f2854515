//! What a valid file turns into: every key, paths resolved against the
//! file's directory, lines kept, both flavours alike.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use checkmeta::Severity;
use config::{Config, HarnessDefaults, PerFileIgnore};
use support::{Project, known};

const SETTINGS: &str = r#"select = ["missing-init-symbol", "reimport-leak"]
ignore = ["abi3-candidate"]
abi3-min = "3.9"

[severity]
private-api = "error"

[[per-file-ignores]]
path = "build/**/_legacy*.so"
checks = ["single-phase-init"]
reason = "legacy module, rewrite tracked in #12"

[harness]
pythons = ["python3.12", "/usr/bin/python3.11", "venv/bin/python", "../py/bin/python3"]
scenarios = ["reimport", "subinterpreter"]
warmups = 3
runs = 6
timeout = 60.0
call-limit = 2
jobs = 2
malloc-debug = false
no-call = ["shutdown_*"]
no-exercise = ["Type.method"]
workload = "bench/workload.py"
"#;

fn expected(project: &Project, path: PathBuf, entry_line: u32, harness_line: u32) -> Config {
    let root = project.root().to_path_buf();
    Config {
        path: Some(path),
        root: root.clone(),
        select: Some(vec!["missing-init-symbol".into(), "reimport-leak".into()]),
        ignore: vec!["abi3-candidate".into()],
        severity: BTreeMap::from([("private-api".to_owned(), Severity::Error)]),
        per_file_ignores: vec![PerFileIgnore {
            path: "build/**/_legacy*.so".into(),
            checks: vec!["single-phase-init".into()],
            reason: "legacy module, rewrite tracked in #12".into(),
            line: Some(entry_line),
        }],
        abi3_min: Some("3.9".into()),
        abi3_min_paths: Vec::new(),
        harness: HarnessDefaults {
            pythons: Some(vec![
                PathBuf::from("python3.12"),
                PathBuf::from("/usr/bin/python3.11"),
                root.join("venv/bin/python"),
                root.parent().unwrap().join("py/bin/python3"),
            ]),
            scenarios: Some(vec!["reimport".into(), "subinterpreter".into()]),
            warmups: Some(3),
            runs: Some(6),
            timeout: Some(60.0),
            call_limit: Some(2.0),
            jobs: Some(2),
            malloc_debug: Some(false),
            no_call: Some(vec!["shutdown_*".into()]),
            no_exercise: Some(vec!["Type.method".into()]),
            workload: Some(root.join("bench/workload.py")),
            line: Some(harness_line),
        },
    }
}

#[test]
fn every_key_of_extinspect_toml() {
    let project = Project::new();
    let config = project.config(SETTINGS);
    let path = project.root().join("extinspect.toml");
    assert_eq!(config, expected(&project, path, 8, 13));
}

#[test]
fn pyproject_reads_the_same_under_tool_extinspect_and_leaves_other_tools_alone() {
    let project = Project::new();
    let text = SETTINGS
        .replace("[severity]", "[tool.extinspect.severity]")
        .replace(
            "[[per-file-ignores]]",
            "[[tool.extinspect.per-file-ignores]]",
        )
        .replace("[harness]", "[tool.extinspect.harness]");
    let text = format!(
        "[project]\nname = \"x\"\n\n[tool.ruff]\nunknown-to-us = true\n\n[tool.extinspect]\n{text}\n[tool.other]\nselect = 3\n"
    );
    let path = project.write("pyproject.toml", &text);
    let config = config::load(&path, &known()).unwrap();
    assert_eq!(config, expected(&project, path, 15, 20));
}

#[test]
fn an_empty_file_is_the_defaults_with_its_path() {
    let project = Project::new();
    let config = project.config("");
    let mut defaults = Config::defaults(project.root().to_path_buf());
    defaults.path = Some(project.root().join("extinspect.toml"));
    assert_eq!(config, defaults);
}

#[test]
fn the_root_is_absolute_when_the_path_is_relative() {
    let project = Project::new();
    project.write("extinspect.toml", "");
    // A relative path that leaves and re-enters the working directory,
    // without changing the process's working directory (tests share it).
    let cwd = std::env::current_dir().unwrap();
    let mut relative = PathBuf::new();
    for _ in cwd.components().skip(1) {
        relative.push("..");
    }
    let relative = relative
        .join(project.root().strip_prefix("/").unwrap())
        .join("extinspect.toml");
    let config = config::load(&relative, &known()).unwrap();
    assert_eq!(config.root, project.root());
    assert_eq!(config.path, Some(relative));
}

#[test]
fn the_harness_line_points_at_a_dotted_key_table_too() {
    let project = Project::new();
    let config = project.config("select = []\n\nharness.runs = 1\n");
    assert_eq!(config.harness.line, Some(3));
    assert_eq!(config.harness.runs, Some(1));
    assert_eq!(config.select, Some(vec![]));
}
