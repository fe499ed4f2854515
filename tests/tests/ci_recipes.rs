//! docs/ci.md's recipes, run: each block's YAML or TOML is parsed, and the
//! command lines it gives the CI system are executed the way that system
//! would (`bash -e -c` for a GitHub step, `sh -c` for a cibuildwheel
//! `test-command` and a GitLab script line, entry + args + file names for a
//! pre-commit hook), with the tools from the wheel this repository builds,
//! installed into a fresh venv, against a project of sample modules.

mod common;
mod project;

use std::path::{Path, PathBuf};
use std::process::Command;

use project::{MEMBERS, Project, run, stderr, stdout};
use tests::dist::{Installed, installed, workspace_root};
use yaml_rust2::{Yaml, YamlLoader};

/// The fenced blocks of docs/ci.md whose first line is `# FILE`: FILE → text.
fn recipes() -> Vec<(String, String)> {
    let doc = std::fs::read_to_string(workspace_root().join("docs/ci.md")).unwrap();
    let mut blocks = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if !line.starts_with("```") || line.len() == 3 {
            continue;
        }
        let body: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        if let Some(name) = body.first().and_then(|l| l.strip_prefix("# ")) {
            blocks.push((name.to_string(), body.join("\n")));
        }
    }
    blocks
}

fn recipe(name: &str) -> String {
    recipes()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("docs/ci.md has no `# {name}` block"))
        .1
}

fn yaml(text: &str) -> Yaml {
    YamlLoader::load_from_str(text)
        .unwrap_or_else(|e| panic!("invalid YAML: {e}\n{text}"))
        .remove(0)
}

/// Lines that run one of our tools (the rest install Python packages and
/// build the project's wheel, which the fixture has done).
fn ours(line: &str) -> bool {
    line.starts_with("extinspect ") || line.starts_with("extharness ")
}

fn setup() -> (&'static Installed, Project) {
    let python = common::python312();
    let corpus = common::corpus(python);
    (installed(), project::project(python, &corpus, MEMBERS))
}

fn shell(installed: &Installed, program: &str, args: &[&str], cwd: &Path) -> std::process::Output {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(cwd)
        .env("PATH", project::path_with(installed))
        .env_remove("NO_COLOR");
    run(&mut command)
}

#[test]
fn the_github_actions_job_annotates_and_uploads_valid_sarif() {
    let (installed, project) = setup();
    let workflow = yaml(&recipe(".github/workflows/extension-checks.yml"));
    let steps = workflow["jobs"]["extension-checks"]["steps"]
        .as_vec()
        .expect("a job named extension-checks with steps");
    assert!(
        steps.iter().any(|s| s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif"))),
        "the SARIF is uploaded"
    );
    let mut ran = 0;
    for step in steps {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        if !ours(script) {
            continue;
        }
        if ran > 0 {
            assert_eq!(
                step["if"].as_str(),
                Some("always()"),
                "{script}: runs although the step before failed the job"
            );
        }
        ran += 1;
        // GitHub's default shell on Linux: bash -e {0}.
        let output = shell(installed, "bash", &["-e", "-c", script], project.root());
        let code = output.status.code();
        if script.contains("--format github") {
            assert_eq!(
                code,
                Some(1),
                "{script}: the demo's error fails the step\n{}",
                stderr(&output)
            );
            for line in stdout(&output).lines() {
                assert!(line.starts_with("::"), "{script}: {line}");
            }
            assert!(stdout(&output).contains("::error file=dist/"), "{script}");
        } else {
            assert_eq!(code, Some(0), "{script}: {}", stderr(&output));
        }
    }
    assert_eq!(ran, 3, "extinspect, extharness and the SARIF step");
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.contains("upload-sarif"))
        })
        .unwrap();
    let file = upload["with"]["sarif_file"].as_str().unwrap();
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(project.root().join(file)).unwrap())
            .expect("the step wrote the SARIF file it uploads");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
}

#[test]
fn the_cibuildwheel_test_command_runs_both_tools_on_the_built_wheel() {
    let python = common::python312();
    let corpus = common::corpus(python);
    let installed = installed();
    // A wheel that passes: the command's `&&` must reach the harness.
    let project = project::project(python, &corpus, &["clean_multiphase"]);
    let config: toml::Table = recipe("pyproject.toml").parse().expect("valid TOML");
    let cibw = config["tool"]["cibuildwheel"].as_table().unwrap();
    // Installed from the project's wheels/ until a release is on PyPI.
    assert!(
        cibw["before-test"]
            .as_str()
            .is_some_and(|c| c.contains("--find-links {project}/wheels extinspect")),
        "{cibw:?}"
    );
    let command = cibw["test-command"].as_str().unwrap();
    // cibuildwheel's prepare_command: {wheel} and {project} substituted,
    // run with `sh -c` in a scratch directory, not the project.
    let prepared = command
        .replace("{wheel}", &project.wheel().display().to_string())
        .replace("{project}", &project.root().display().to_string());
    let scratch = tempfile::tempdir().unwrap();
    let output = shell(installed, "sh", &["-c", &prepared], scratch.path());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{prepared}\n{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let out = stdout(&output);
    assert!(out.contains("1 file inspected"), "extinspect ran: {out}");
    assert!(
        out.contains("reimport"),
        "extharness ran with the project's configuration: {out}"
    );
}

#[test]
fn the_pre_commit_hooks_run_as_pre_commit_would_run_them() {
    let (installed, project) = setup();
    let hooks =
        yaml(&std::fs::read_to_string(workspace_root().join(".pre-commit-hooks.yaml")).unwrap());
    let hooks = hooks.as_vec().expect("a list of hooks");
    let config = yaml(&recipe(".pre-commit-config.yaml"));
    let used: Vec<&str> = config["repos"][0]["hooks"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|h| h["id"].as_str())
        .collect();
    // Files a repository might hold: only the binaries are the hook's.
    std::fs::create_dir_all(project.root().join("src")).unwrap();
    std::fs::write(project.root().join("src/demo.c"), "int x;\n").unwrap();
    let tracked: Vec<PathBuf> = vec![
        "pyproject.toml".into(),
        "src/demo.c".into(),
        Path::new("dist").join(project::WHEEL),
    ];
    for hook in hooks {
        let id = hook["id"].as_str().unwrap();
        for key in ["name", "entry", "language"] {
            assert!(hook[key].as_str().is_some(), "{id} has {key}");
        }
        assert_eq!(
            hook["language"].as_str(),
            Some("python"),
            "installed by pip from the root pyproject.toml"
        );
        let mut argv: Vec<String> = hook["entry"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .map(String::from)
            .collect();
        if let Some(args) = hook["args"].as_vec() {
            argv.extend(args.iter().filter_map(|a| a.as_str()).map(String::from));
        }
        if hook["pass_filenames"].as_bool() != Some(false) {
            let files = regex::Regex::new(hook["files"].as_str().unwrap_or("")).unwrap();
            let matched: Vec<String> = tracked
                .iter()
                .map(|p| p.display().to_string())
                .filter(|p| files.is_match(p))
                .collect();
            assert_eq!(
                matched,
                [format!("dist/{}", project::WHEEL)],
                "{id}: only the wheel"
            );
            argv.extend(matched);
        }
        let (program, args) = argv.split_first().unwrap();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = shell(installed, program, &args, project.root());
        assert_eq!(
            output.status.code(),
            Some(1),
            "{id}: {argv:?}\n{}",
            stderr(&output)
        );
        assert!(
            stdout(&output).contains("error[missing-init-symbol]"),
            "{id}"
        );
    }
    for id in used {
        assert!(
            hooks.iter().any(|h| h["id"].as_str() == Some(id)),
            "docs/ci.md uses hook {id}, which .pre-commit-hooks.yaml defines"
        );
    }
}

#[test]
fn the_gitlab_job_writes_the_junit_reports_it_declares() {
    let (installed, project) = setup();
    let job = yaml(&recipe(".gitlab-ci.yml"));
    let job = &job["extension-checks"];
    let script: Vec<&str> = job["script"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|l| l.as_str())
        .collect();
    // The runner runs the lines in one shell that stops at the first
    // failure; the lines before ours install and build (the fixture's work).
    let ours: Vec<&str> = script.into_iter().skip_while(|l| !ours(l)).collect();
    assert_eq!(ours.iter().filter(|l| l.starts_with("ext")).count(), 2);
    let output = shell(
        installed,
        "sh",
        &["-e", "-c", &ours.join("\n")],
        project.root(),
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "the demo's error fails the job, after both reports\n{}",
        stderr(&output)
    );
    assert_eq!(
        job["artifacts"]["when"].as_str(),
        Some("always"),
        "reports even when the job fails"
    );
    for report in job["artifacts"]["reports"]["junit"].as_vec().unwrap() {
        let path = project.root().join(report.as_str().unwrap());
        let xml =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            xml.starts_with("<?xml") && xml.contains("<failure "),
            "{}: {xml}",
            path.display()
        );
    }
}
