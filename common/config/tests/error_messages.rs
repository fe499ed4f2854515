//! Every way a configuration file can be refused, each as the one line a
//! user sees: file, line, dotted key as written in that file, problem.

mod support;

use config::{Config, ConfigError, Overrides, PerFileIgnore, Policy};
use support::{INSPECTOR, Project};

const HARNESS_KEYS: &str = "pythons, scenarios, warmups, runs, timeout, call-limit, jobs, malloc-debug, no-call, no-exercise, workload";

fn error(name: &str, text: &str) -> String {
    let project = Project::new();
    let message = project.error(name, text);
    // Keep the assertions readable: the temporary directory is not the point.
    let prefix = format!("{}/", project.root().display());
    message.strip_prefix(&prefix).unwrap_or(&message).to_owned()
}

#[test]
fn unknown_top_level_key() {
    assert_eq!(
        error("extinspect.toml", "select = []\nsellect = []\n"),
        "extinspect.toml:2: unknown key `sellect`; expected one of: select, ignore, abi3-min, severity, per-file-ignores, harness"
    );
}

#[test]
fn unknown_harness_key_in_pyproject_names_the_full_dotted_path() {
    let text = "[project]\nname = \"x\"\n\n[tool.extinspect.harness]\nruns = 6\ntimout = 3\n";
    assert_eq!(
        error("pyproject.toml", text),
        format!(
            "pyproject.toml:6: unknown key `tool.extinspect.harness.timout`; expected one of: {HARNESS_KEYS}"
        )
    );
}

#[test]
fn unknown_harness_key_in_extinspect_toml_and_as_a_dotted_key() {
    assert_eq!(
        error("extinspect.toml", "ignore = []\nharness.timout = 3\n"),
        format!("extinspect.toml:2: unknown key `harness.timout`; expected one of: {HARNESS_KEYS}")
    );
}

#[test]
fn unknown_key_in_a_per_file_ignore_entry() {
    let text = "[[per-file-ignores]]\npath = \"a.so\"\nchecks = [\"private-api\"]\nreason = \"r\"\n\n[[per-file-ignores]]\npath = \"b.so\"\nreasn = \"r\"\n";
    assert_eq!(
        error("extinspect.toml", text),
        "extinspect.toml:8: unknown key `per-file-ignores.reasn`; expected one of: path, checks, reason"
    );
}

#[test]
fn unknown_severity_key_is_an_unknown_check_with_a_suggestion() {
    let text = "[tool.extinspect.severity]\nprivate-api = \"error\"\nprivat-api = \"error\"\n";
    assert_eq!(
        error("pyproject.toml", text),
        "pyproject.toml:3: `tool.extinspect.severity.privat-api`: no check named `privat-api`; did you mean `private-api`?"
    );
}

#[test]
fn unknown_id_in_select_with_and_without_a_suggestion() {
    assert_eq!(
        error(
            "extinspect.toml",
            "select = [\n  \"private-api\",\n  \"reimport-leek\",\n]\n"
        ),
        "extinspect.toml:3: `select`: no check named `reimport-leek`; did you mean `reimport-leak`?"
    );
    assert_eq!(
        error("extinspect.toml", "ignore = [\"banana\"]\n"),
        "extinspect.toml:1: `ignore`: no check named `banana`"
    );
}

#[test]
fn unknown_id_in_per_file_ignore_checks() {
    let text =
        "[[per-file-ignores]]\npath = \"a.so\"\nchecks = [\"single-phase-int\"]\nreason = \"r\"\n";
    assert_eq!(
        error("extinspect.toml", text),
        "extinspect.toml:3: `per-file-ignores.checks`: no check named `single-phase-int`; did you mean `single-phase-init`?"
    );
}

#[test]
fn wrong_types_name_what_was_expected_and_found() {
    assert_eq!(
        error("extinspect.toml", "[harness]\nruns = \"6\"\n"),
        "extinspect.toml:2: `harness.runs` must be a non-negative integer, not a string"
    );
    assert_eq!(
        error("extinspect.toml", "select = \"private-api\"\n"),
        "extinspect.toml:1: `select` must be an array of strings, not a string"
    );
    assert_eq!(
        error(
            "extinspect.toml",
            "select = [\n  \"private-api\",\n  3,\n]\n"
        ),
        "extinspect.toml:3: `select` must be an array of strings, not an array holding an integer"
    );
    assert_eq!(
        error("extinspect.toml", "harness = 3\n"),
        "extinspect.toml:1: `harness` must be a table, not an integer"
    );
    assert_eq!(
        error("extinspect.toml", "[harness]\nmalloc-debug = \"yes\"\n"),
        "extinspect.toml:2: `harness.malloc-debug` must be a boolean (true or false), not a string"
    );
    assert_eq!(
        error("pyproject.toml", "[tool]\nextinspect = 1\n"),
        "pyproject.toml:2: `tool.extinspect` must be a table, not an integer"
    );
    assert_eq!(
        error("extinspect.toml", "[severity]\nprivate-api = 1\n"),
        "extinspect.toml:2: `severity.private-api` must be a string, not an integer"
    );
}

#[test]
fn values_out_of_range() {
    assert_eq!(
        error("extinspect.toml", "[harness]\ntimeout = 0\n"),
        "extinspect.toml:2: `harness.timeout` must be a number of seconds greater than 0"
    );
    assert_eq!(
        error("extinspect.toml", "[harness]\ncall-limit = nan\n"),
        "extinspect.toml:2: `harness.call-limit` must be a number of seconds greater than 0"
    );
    assert_eq!(
        error("extinspect.toml", "[harness]\njobs = -1\n"),
        "extinspect.toml:2: `harness.jobs` is -1; it must not be negative"
    );
    assert_eq!(
        error("extinspect.toml", "[harness]\nwarmups = 4294967296\n"),
        "extinspect.toml:2: `harness.warmups` is 4294967296, too large"
    );
}

#[test]
fn unknown_severity_value() {
    assert_eq!(
        error("extinspect.toml", "[severity]\nprivate-api = \"fatal\"\n"),
        "extinspect.toml:2: `severity.private-api`: unknown severity `fatal`; expected error, warning or info"
    );
}

#[test]
fn invalid_glob() {
    let text = "[[per-file-ignores]]\npath = \"build/[a.so\"\nchecks = [\"private-api\"]\nreason = \"r\"\n";
    assert_eq!(
        error("extinspect.toml", text),
        "extinspect.toml:2: `per-file-ignores.path`: invalid glob `build/[a.so`: unclosed character class; missing ']'"
    );
}

#[test]
fn empty_path() {
    let text = "[[per-file-ignores]]\npath = \"\"\nchecks = [\"private-api\"]\nreason = \"r\"\n";
    assert_eq!(
        error("extinspect.toml", text),
        "extinspect.toml:2: `per-file-ignores.path` is empty"
    );
}

#[test]
fn empty_or_blank_reason() {
    let text =
        "[[per-file-ignores]]\npath = \"a.so\"\nchecks = [\"private-api\"]\nreason = \"  \"\n";
    assert_eq!(
        error("extinspect.toml", text),
        "extinspect.toml:4: `per-file-ignores.reason` is empty; say why these checks do not apply to these files"
    );
}

#[test]
fn missing_reason_points_at_the_entry() {
    let text = "select = []\n\n[[tool.extinspect.per-file-ignores]]\npath = \"a.so\"\nchecks = [\"private-api\"]\n";
    assert_eq!(
        error("pyproject.toml", &format!("[tool.extinspect]\n{text}")),
        "pyproject.toml:4: a `tool.extinspect.per-file-ignores` entry has no `reason`"
    );
}

#[test]
fn empty_checks_list() {
    let text = "[[per-file-ignores]]\npath = \"a.so\"\nchecks = []\nreason = \"r\"\n";
    assert_eq!(
        error("extinspect.toml", text),
        "extinspect.toml:3: `per-file-ignores.checks` is empty; name the checks that do not apply to these files"
    );
}

#[test]
fn invalid_abi3_min() {
    for bad in ["3.x", "3", "2.7", "3.1", "4.0", "3.9.1", "+3.9", "3.300"] {
        assert_eq!(
            error("extinspect.toml", &format!("abi3-min = \"{bad}\"\n")),
            format!(
                "extinspect.toml:1: `abi3-min` is `{bad}`; expected a CPython version X.Y with a stable ABI (3.2 or later)"
            )
        );
    }
}

#[test]
fn invalid_toml_has_a_line() {
    assert_eq!(
        error("extinspect.toml", "select = []\nselect = []\n"),
        "extinspect.toml:2: invalid TOML: duplicate key"
    );
}

#[test]
fn pyproject_named_explicitly_without_the_table() {
    assert_eq!(
        error("pyproject.toml", "[tool.ruff]\nline-length = 99\n"),
        "pyproject.toml: no [tool.extinspect] table"
    );
}

#[test]
fn unreadable_file_is_named() {
    let project = Project::new();
    let missing = project.root().join("extinspect.toml");
    let message = config::load(&missing, &support::known())
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with(&format!("{}: cannot read: ", missing.display())),
        "{message}"
    );
}

#[test]
fn the_path_is_shown_as_given() {
    let project = Project::new();
    project.write("extinspect.toml", "sellect = []\n");
    let given = project.root().join("sub/../extinspect.toml");
    std::fs::create_dir(project.root().join("sub")).unwrap();
    let message = config::load(&given, &support::known())
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with(&format!("{}:1: ", given.display())),
        "{message}"
    );
}

#[test]
fn every_message_is_one_line() {
    let cases = [
        ("extinspect.toml", "select = [\n"),
        ("extinspect.toml", "[harness]\nx = 1\n"),
        ("pyproject.toml", "[tool.extinspect]\nselect = [\"nope\"]\n"),
    ];
    for (name, text) in cases {
        let message = error(name, text);
        assert!(!message.contains('\n'), "{message:?}");
    }
}

#[test]
fn overrides_name_the_flag_not_a_file() {
    let config = Config::defaults(std::env::temp_dir());
    let policy = |overrides: Overrides| {
        Policy::new(
            &config,
            &overrides,
            "extinspect",
            INSPECTOR,
            None,
            &std::env::temp_dir(),
        )
        .err()
        .map(|e| e.to_string())
    };
    let select = Overrides {
        select: Some(vec!["privat-api".into()]),
        ignore: vec![],
        ..Overrides::default()
    };
    assert_eq!(
        policy(select).as_deref(),
        Some("--select: no check named `privat-api`; did you mean `private-api`?")
    );
    // A harness id is not one of the inspector's checks.
    let ignore = Overrides {
        select: None,
        ignore: vec!["reimport-leak".into()],
        ..Overrides::default()
    };
    assert_eq!(
        policy(ignore).as_deref(),
        Some("--ignore: no check named `reimport-leak`")
    );
}

#[test]
fn a_config_built_in_code_with_a_bad_glob_is_refused_by_the_policy() {
    let mut config = Config::defaults(std::env::temp_dir());
    config.per_file_ignores.push(PerFileIgnore {
        path: "a/[b".into(),
        checks: vec!["private-api".into()],
        reason: "r".into(),
        line: None,
    });
    let error = Policy::new(
        &config,
        &Overrides::default(),
        "extinspect",
        INSPECTOR,
        None,
        &std::env::temp_dir(),
    )
    .expect_err("a bad glob");
    assert!(matches!(error, ConfigError::BadGlob { .. }), "{error}");
    assert_eq!(
        error.to_string(),
        "configuration: `per-file-ignores.path`: invalid glob `a/[b`: unclosed character class; missing ']'"
    );
}
