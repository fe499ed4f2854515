//! `pip install extinspect` on Linux: the wheel maturin builds from the root
//! pyproject.toml holds both tools as scripts and the `extinspect` package
//! that runs them; from a fresh venv (and from `pip install --user` and
//! `--target`) they run directly and through `python -m`, with the same
//! arguments, output and exit status, on real modules. `cargo install` of
//! either tool works too.

mod common;

use std::collections::BTreeSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use tests::dist::{self, Installed, describe, succeed};

/// The wheel's version, from its file name (`extinspect-0.1.0-py3-...`).
fn wheel_version(installed: &Installed) -> String {
    let name = installed.wheel.file_name().unwrap().to_str().unwrap();
    name.strip_prefix("extinspect-")
        .and_then(|rest| rest.split('-').next())
        .unwrap_or_else(|| panic!("{name} is not an extinspect wheel"))
        .to_owned()
}

fn member(zip: &mut zip::ZipArchive<File>, name: &str) -> Vec<u8> {
    let mut file = zip
        .by_name(name)
        .unwrap_or_else(|e| panic!("{name} is not in the wheel: {e}"));
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).unwrap();
    bytes
}

#[test]
fn wheel_holds_both_binaries_as_scripts_and_the_shim_package() {
    let installed = dist::installed();
    let version = wheel_version(installed);
    let tag = format!("py3-none-linux_{}", std::env::consts::ARCH);
    let name = installed.wheel.file_name().unwrap().to_str().unwrap();
    assert_eq!(name, format!("extinspect-{version}-{tag}.whl"));

    let mut zip = zip::ZipArchive::new(File::open(&installed.wheel).unwrap()).unwrap();
    let dist_info = format!("extinspect-{version}.dist-info");
    let scripts = format!("extinspect-{version}.data/scripts");
    let wheel = String::from_utf8(member(&mut zip, &format!("{dist_info}/WHEEL"))).unwrap();
    // One tag: any Python 3, no ABI (nothing is imported into the
    // interpreter), this platform, since the scripts are native.
    let tags: Vec<&str> = wheel
        .lines()
        .filter_map(|l| l.strip_prefix("Tag: "))
        .collect();
    assert_eq!(tags, [tag.as_str()], "{wheel}");
    assert!(
        wheel.lines().any(|l| l == "Root-Is-Purelib: false"),
        "{wheel}"
    );

    let record = String::from_utf8(member(&mut zip, &format!("{dist_info}/RECORD"))).unwrap();
    let recorded: BTreeSet<&str> = record.lines().filter_map(|l| l.split(',').next()).collect();
    let expected = [
        format!("{scripts}/extinspect"),
        format!("{scripts}/extharness"),
        "extinspect/__init__.py".to_owned(),
        "extinspect/__main__.py".to_owned(),
        "extinspect/harness.py".to_owned(),
    ];
    for path in &expected {
        assert!(
            recorded.contains(path.as_str()),
            "RECORD lacks {path}:\n{record}"
        );
    }
    // Nothing else is installed: the rest is the wheel's own metadata.
    let stray: Vec<&&str> = recorded
        .iter()
        .filter(|p| !expected.iter().any(|e| e == *p) && !p.starts_with(&format!("{dist_info}/")))
        .collect();
    assert!(stray.is_empty(), "unexpected files in the wheel: {stray:?}");
    for tool in ["extinspect", "extharness"] {
        let binary = member(&mut zip, &format!("{scripts}/{tool}"));
        assert!(
            binary.starts_with(b"\x7fELF"),
            "{tool} is not an ELF executable"
        );
    }
}

/// The installed extharness keeps its symbol table (the root pyproject.toml
/// does not strip), so the reinit host's frames in a crash report are named;
/// `nm` reads it as a user's debugger would.
#[test]
fn installed_extharness_keeps_its_symbols_for_the_reinit_hosts_frames() {
    let installed = dist::installed();
    let nm = Command::new("nm")
        .arg("--defined-only")
        .arg(&installed.extharness)
        .output()
        .expect("nm (binutils) is needed");
    let symbols = String::from_utf8_lossy(&nm.stdout);
    assert!(
        symbols.contains("host_main"),
        "{}: no symbol table ({})",
        installed.extharness.display(),
        String::from_utf8_lossy(&nm.stderr).trim()
    );
}

/// `program`, run outside the repository: the tools take their settings
/// from the first extinspect.toml or pyproject.toml with a
/// `[tool.extinspect]` table in the working directory or above it, and the
/// repository's must not change what these tests see.
fn tool(program: &Path) -> Command {
    let mut command = Command::new(program);
    command.current_dir(std::env::temp_dir());
    command
}

/// A way to run one of the tools: the script itself, or `python -m` of the
/// package that finds it.
struct Route {
    label: String,
    program: PathBuf,
    /// The interpreter's own options, before `-m`.
    options: Vec<String>,
    module: Option<String>,
    env: Vec<(String, PathBuf)>,
}

impl Route {
    fn script(path: &Path) -> Route {
        Route {
            label: path.display().to_string(),
            program: path.to_path_buf(),
            options: Vec::new(),
            module: None,
            env: Vec::new(),
        }
    }

    fn module(label: &str, python: &Path, options: &[&str], module: &str) -> Route {
        Route {
            label: format!("{label}: python -m {module}"),
            program: python.to_path_buf(),
            options: options.iter().map(|o| o.to_string()).collect(),
            module: Some(module.to_owned()),
            env: Vec::new(),
        }
    }

    fn with_env(mut self, key: &str, value: &Path) -> Route {
        self.env.push((key.to_owned(), value.to_path_buf()));
        self
    }

    /// The same interpreter and environment, running `module` instead.
    fn with_module(&self, module: &str) -> Route {
        Route {
            label: self.label.replace(self.module.as_deref().unwrap(), module),
            program: self.program.clone(),
            options: self.options.clone(),
            module: Some(module.to_owned()),
            env: self.env.clone(),
        }
    }

    /// The program, the interpreter's options and the route's environment,
    /// without the module: what the arguments go after.
    fn base(&self) -> Command {
        let mut command = tool(&self.program);
        command.args(&self.options);
        // Only what a route sets itself decides where the package is found.
        for key in [
            "PYTHONPATH",
            "PYTHONHOME",
            "PYTHONUSERBASE",
            "PYTHONNOUSERSITE",
            "VIRTUAL_ENV",
        ] {
            command.env_remove(key);
        }
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut command = self.base();
        if let Some(module) = &self.module {
            command.args(["-m", module]);
        }
        command.args(args);
        command
            .output()
            .unwrap_or_else(|e| panic!("starting `{}`: {e}", describe(&command)))
    }

    /// `extinspect.find_bin(tool)` as this route's interpreter answers it.
    fn find_bin(&self, tool: &str) -> PathBuf {
        let mut command = self.base();
        command.arg("-c").arg(format!(
            "import extinspect; print(extinspect.find_bin({tool:?}))"
        ));
        PathBuf::from(
            String::from_utf8(succeed(&mut command).stdout)
                .unwrap()
                .trim(),
        )
    }
}

/// What a tool wrote and how it ended, comparable across routes.
#[derive(Debug, PartialEq)]
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl From<Output> for Ran {
    fn from(output: Output) -> Ran {
        Ran {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

const MISSING: &str = "/nonexistent/dir/module.cpython-312-x86_64-linux-gnu.so";

/// `--version`, a missing path (exit 2), an explanation (exit 0) and an
/// unknown id with spaces in it (exit 2): every route gives exactly what
/// the binary does, and the binary what its --version promises.
fn routes_agree(tool: &str, binary: &Path, routes: &[Route], version: &str) {
    let cases: [(&[&str], i32); 4] = match tool {
        "extinspect" => [
            (&["--version"], 0),
            (&[MISSING], 2),
            (&["explain", "missing-init-symbol"], 0),
            (&["explain", "no such check"], 2),
        ],
        _ => [
            (&["--version"], 0),
            (&["check", MISSING], 2),
            (&["explain", "reinit-refused"], 0),
            (&["explain", "no such finding"], 2),
        ],
    };
    let direct = Route::script(binary);
    let mut failures = Vec::new();
    for (args, status) in cases {
        let expected = Ran::from(direct.run(args));
        assert_eq!(
            expected.code,
            Some(status),
            "{tool} {args:?}: {expected:#?}"
        );
        if args == ["--version"] {
            assert_eq!(expected.stdout, format!("{tool} {version}\n"));
        }
        for route in routes {
            let got = Ran::from(route.run(args));
            if got != expected {
                failures.push(format!(
                    "{} {args:?}:\n{got:#?}\nexpected\n{expected:#?}",
                    route.label
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn tools_run_from_the_venv_directly_and_by_python_m() {
    let installed = dist::installed();
    let version = wheel_version(installed);
    let inspector = Route::module("venv", &installed.python, &[], "extinspect");
    let harness = inspector.with_module("extinspect.harness");
    routes_agree("extinspect", &installed.extinspect, &[inspector], &version);
    routes_agree("extharness", &installed.extharness, &[harness], &version);
}

/// Where pip puts the scripts outside a venv: `--user` (the user scheme's
/// scripts directory) and `--target DIR` (DIR/bin, beside the package).
/// The shim must find the binaries it came with in each, not others.
#[test]
fn shim_finds_the_binaries_of_user_and_target_installs() {
    let installed = dist::installed();
    let version = wheel_version(installed);
    let scratch = tempfile::tempdir().unwrap();
    let user = scratch.path().join("user");
    let target = scratch.path().join("target");
    // The venv's base interpreter installs both: a venv has no user site.
    let base = &installed.base_python;
    let pip = |args: &[&str], env: &[(&str, &Path)]| {
        let mut command = Command::new(base);
        command
            .args(["-m", "pip", "install", "--no-index", "--no-deps"])
            .args(["--disable-pip-version-check", "--quiet"])
            .arg("--no-warn-script-location")
            .args(args)
            .arg(&installed.wheel)
            .env_remove("PYTHONPATH")
            .env_remove("VIRTUAL_ENV")
            .envs(env.iter().copied());
        succeed(&mut command);
    };
    // A scratch user base, so that nothing real is touched.
    pip(&["--user"], &[("PYTHONUSERBASE", &user)]);
    pip(&["--target", target.to_str().unwrap()], &[]);

    let routes = [
        (
            Route::module("venv", &installed.python, &[], "extinspect"),
            installed.venv.join("bin"),
        ),
        (
            Route::module("--user", base, &[], "extinspect").with_env("PYTHONUSERBASE", &user),
            user.join("bin"),
        ),
        (
            // -s: no user site, so only PYTHONPATH has the package.
            Route::module("--target", base, &["-s"], "extinspect").with_env("PYTHONPATH", &target),
            target.join("bin"),
        ),
    ];
    for (route, scripts) in &routes {
        for tool in ["extinspect", "extharness"] {
            assert_eq!(
                route.find_bin(tool),
                scripts.join(tool),
                "{}: the shim found another {tool} (is extinspect installed for {}?)",
                route.label,
                base.display()
            );
        }
    }
    let inspector: Vec<Route> = routes.into_iter().map(|(route, _)| route).collect();
    let harness: Vec<Route> = inspector
        .iter()
        .map(|r| r.with_module("extinspect.harness"))
        .collect();
    routes_agree("extinspect", &installed.extinspect, &inspector, &version);
    routes_agree("extharness", &installed.extharness, &harness, &version);

    // The package without its scripts (copied away from them): one line
    // saying where it looked, and the tools' status for "could not run".
    let bare = scratch.path().join("bare/extinspect");
    std::fs::create_dir_all(&bare).unwrap();
    for file in ["__init__.py", "__main__.py", "harness.py"] {
        std::fs::copy(target.join("extinspect").join(file), bare.join(file)).unwrap();
    }
    let orphan = Route::module("bare", base, &["-s"], "extinspect.harness")
        .with_env("PYTHONPATH", bare.parent().unwrap());
    let ran = Ran::from(orphan.run(&["--version"]));
    assert_eq!(ran.code, Some(2), "{ran:#?}");
    assert!(ran.stdout.is_empty(), "{ran:#?}");
    assert!(
        ran.stderr
            .starts_with("extharness not found where pip installs")
            && ran.stderr.contains(
                &bare
                    .parent()
                    .unwrap()
                    .join("bin/extharness")
                    .display()
                    .to_string()
            )
            && ran.stderr.lines().count() == 1,
        "{ran:#?}"
    );
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn strings<'a>(values: impl Iterator<Item = &'a serde_json::Value>, key: &str) -> BTreeSet<String> {
    values
        .map(|v| {
            v[key]
                .as_str()
                .unwrap_or_else(|| panic!("no {key} in {v}"))
                .to_owned()
        })
        .collect()
}

/// The venv's tools on CPython 3.12 builds of the corpus: the inspector
/// clears the clean sample (0) and fails the broken one (1) with what its
/// header promises; the harness runs every scenario on a clean sample and on
/// one that refuses re-initialisation, reinit included, whose embedding
/// host is the installed binary re-executing itself.
#[test]
fn venv_tools_check_real_modules() {
    let installed = dist::installed();
    let python = common::python312();
    let corpus = common::corpus(python);
    let sample = |id: &str| {
        corpus
            .module(id)
            .unwrap_or_else(|| panic!("{id} is not in the 3.12 corpus"))
    };

    for (id, status) in [("clean_multiphase", 0), ("hidden_init", 1)] {
        let built = sample(id);
        // The headers promise every check's findings, those the default
        // selection leaves out (abi3-candidate) included.
        let output = tool(&installed.extinspect)
            .args(["--format", "json", "--select", "ALL"])
            .arg(&built.path)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(status),
            "extinspect {id}: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        let report = json(&output);
        let files = report["files"].as_array().unwrap();
        assert_eq!(files.len(), 1, "{report:#}");
        let found = strings(files[0]["findings"].as_array().unwrap().iter(), "check");
        let promised: BTreeSet<String> = built
            .sample
            .inspector_expected_on(python.version)
            .into_iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(found, promised, "extinspect {id}");
    }

    let ids = ["clean_multiphase", "refuse_reinit"];
    let mut check = tool(&installed.extharness);
    check
        .args(["check", "--timeout", "20", "--format", "json", "--python"])
        .arg(&python.executable)
        .args(ids.map(|id| &sample(id).path));
    let output = check.output().unwrap();
    let report = json(&output);
    assert_eq!(report["summary"]["harness_errors"], 0, "{report:#}");
    let errors = report["summary"]["errors"].as_u64().unwrap();
    assert_eq!(
        output.status.code(),
        Some(i32::from(errors > 0)),
        "{report:#}"
    );
    let modules = report["modules"].as_array().unwrap();
    assert_eq!(modules.len(), ids.len(), "{report:#}");
    for (id, reinit) in [("clean_multiphase", "passed"), ("refuse_reinit", "finding")] {
        let built = sample(id);
        let module = modules
            .iter()
            .find(|m| m["module"] == built.sample.module.as_str())
            .unwrap_or_else(|| panic!("{id} is not in the report: {report:#}"));
        let [run] = module["interpreters"].as_array().unwrap().as_slice() else {
            panic!("{id}: one interpreter expected: {module:#}");
        };
        let found = strings(run["findings"].as_array().unwrap().iter(), "check");
        let promised: BTreeSet<String> = built
            .sample
            .harness_expected(python.version, &[])
            .into_iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(found, promised, "extharness {id}: {module:#}");
        let scenario = run["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "reinit")
            .unwrap_or_else(|| panic!("{id}: no reinit scenario: {module:#}"));
        assert_eq!(scenario["outcome"], reinit, "{id}: {scenario:#}");
    }
}

/// `cargo install --path` of each tool, into a scratch root, reusing the
/// workspace's target directory; the installed tools run and are the same
/// version as the wheel's, which compiles the same main.rs in another
/// package.
#[test]
fn cargo_install_installs_working_tools() {
    // After the wheel: cargo install and maturin's build write the same
    // target/debug/<tool> and must not do it at the same time.
    let installed = dist::installed();
    let version = wheel_version(installed);
    let root = tempfile::tempdir().unwrap();
    let workspace = dist::workspace_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    for (package, tool) in [
        ("inspector/extinspect", "extinspect"),
        ("harness/extharness", "extharness"),
    ] {
        let started = Instant::now();
        // --offline: building the wheel has fetched every crate both need,
        // and the registry being out of reach is no failure of this test.
        succeed(
            Command::new(&cargo)
                .args(["install", "--debug", "--locked", "--offline", "--quiet"])
                .arg("--path")
                .arg(workspace.join(package))
                .arg("--root")
                .arg(root.path())
                .env("CARGO_TARGET_DIR", &target),
        );
        eprintln!(
            "dist: cargo install --path {package} took {:.1?}",
            started.elapsed()
        );
        let output = succeed(Command::new(root.path().join("bin").join(tool)).arg("--version"));
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            format!("{tool} {version}\n")
        );
    }
}
