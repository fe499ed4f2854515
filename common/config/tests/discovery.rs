mod support;

use support::Project;

const WITH_TABLE: &str = "[project]\nname = \"x\"\n\n[tool.extinspect]\nselect = []\n";
const WITHOUT_TABLE: &str = "[project]\nname = \"x\"\n\n[tool.ruff]\nline-length = 99\n";

#[test]
fn extinspect_toml_beats_pyproject_in_the_same_directory() {
    let project = Project::new();
    project.write("pyproject.toml", WITH_TABLE);
    let dedicated = project.write("extinspect.toml", "");
    assert_eq!(config::discover(project.root()).unwrap(), Some(dedicated));
}

#[test]
fn pyproject_with_the_table_is_found() {
    let project = Project::new();
    let pyproject = project.write("pyproject.toml", WITH_TABLE);
    assert_eq!(config::discover(project.root()).unwrap(), Some(pyproject));
}

#[test]
fn pyproject_without_the_table_is_passed_over_for_one_further_up() {
    let project = Project::new();
    let above = project.write("pyproject.toml", WITH_TABLE);
    project.write("pkg/pyproject.toml", WITHOUT_TABLE);
    let start = project.root().join("pkg/src");
    std::fs::create_dir_all(&start).unwrap();
    assert_eq!(config::discover(&start).unwrap(), Some(above));
}

#[test]
fn the_nearest_file_wins() {
    let project = Project::new();
    project.write("extinspect.toml", "");
    let near = project.write("a/pyproject.toml", WITH_TABLE);
    let start = project.root().join("a/b/c");
    std::fs::create_dir_all(&start).unwrap();
    assert_eq!(config::discover(&start).unwrap(), Some(near));
}

#[test]
fn a_file_as_start_stands_for_its_directory() {
    let project = Project::new();
    let config = project.write("extinspect.toml", "");
    let module = project.write("build/_m.so", "");
    assert_eq!(config::discover(&module).unwrap(), Some(config));
}

#[test]
fn nothing_found_is_none() {
    // Assumes no directory above the system's temporary directory holds an
    // extinspect.toml or a pyproject.toml with [tool.extinspect].
    let project = Project::new();
    project.write("pyproject.toml", WITHOUT_TABLE);
    let start = project.root().join("deep/er");
    std::fs::create_dir_all(&start).unwrap();
    assert_eq!(config::discover(&start).unwrap(), None);
}

#[test]
fn a_broken_pyproject_on_the_way_is_an_error_naming_it() {
    let project = Project::new();
    project.write("extinspect.toml", "");
    project.write("a/pyproject.toml", "[tool.extinspect\n");
    let error = config::discover(&project.root().join("a"))
        .unwrap_err()
        .to_string();
    let shown = project.shown("a/pyproject.toml");
    assert!(
        error.starts_with(&format!("{shown}:1: invalid TOML: ")),
        "{error}"
    );
}
