//! Wheels are read in place, from the zip: a real one built by maturin from
//! a PyO3 sample, and hand-made ones whose tags lie about their members or
//! whose member names try to escape. Nothing is ever extracted.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use checks::{FileKind, FileReport, Options};

/// maturin as installed by pip: the script, else the module of python3.
fn maturin() -> Command {
    if let Some(path) = sample_modules::find_tool(&["maturin"]) {
        return Command::new(path);
    }
    let mut command = Command::new("python3");
    command.args(["-m", "maturin"]);
    command
}

fn build_with_maturin(out: &Path) -> PathBuf {
    let interpreter = common::python312();
    let manifest = sample_modules::source_root().join("pyo3/pyo3_clean/Cargo.toml");
    let target_dir = sample_modules::default_root()
        .join("maturin-target")
        .join(interpreter.build_key());
    let output = maturin()
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .arg("--interpreter")
        .arg(&interpreter.executable)
        .arg("--out")
        .arg(out)
        .arg("--target-dir")
        .arg(&target_dir)
        .output()
        .expect("maturin is installed (pip install maturin; .ci/run does)");
    assert!(
        output.status.success(),
        "maturin build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let wheels: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "{wheels:?}");
    wheels[0].clone()
}

fn extensions(reports: &[FileReport]) -> Vec<&FileReport> {
    reports
        .iter()
        .filter(|r| r.kind == FileKind::Extension)
        .collect()
}

fn ids(report: &FileReport) -> Vec<&str> {
    report.findings.iter().map(|f| f.check).collect()
}

#[test]
fn a_maturin_wheel_is_read_from_the_zip() {
    let out = tempfile::tempdir().unwrap();
    let wheel = build_with_maturin(out.path());
    let name = wheel.file_name().unwrap().to_str().unwrap().to_string();
    assert!(name.starts_with("pyo3_clean-0.1.0-cp312-cp312-"), "{name}");
    let before: Vec<PathBuf> = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();

    let outcome = inspector::inspect_paths(std::slice::from_ref(&wheel), &Options::default());
    let modules = extensions(&outcome.files);
    assert_eq!(modules.len(), 1, "{:#?}", outcome.files);
    let module = modules[0];
    assert_eq!(
        module.path,
        format!(
            "{}!pyo3_clean/pyo3_clean.cpython-312-x86_64-linux-gnu.so",
            wheel.display()
        )
    );
    assert_eq!(module.module.as_deref(), Some("pyo3_clean"));
    let tag = module.tag.as_ref().unwrap();
    let tags = tag.wheel.as_ref().expect("wheel tags are reported");
    assert_eq!(tags.python, ["cp312"]);
    assert_eq!(tags.abi, ["cp312"]);
    assert!(
        tags.platform.iter().all(|p| p.ends_with("_x86_64")),
        "{tags:?}"
    );
    assert_eq!(
        ids(module),
        ["abi3-candidate"],
        "{}",
        extinspect::render::text(&outcome)
    );
    assert_eq!(outcome.exit_code(), 0);

    let after: Vec<PathBuf> = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(before, after, "inspecting a wheel wrote beside it");
}

/// Writes a wheel holding `members` (name, bytes) into `dir`.
fn make_wheel(dir: &Path, wheel_name: &str, members: &[(&str, &[u8])]) -> PathBuf {
    let path = dir.join(wheel_name);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    path
}

fn foreign(dir: &str, file: &str) -> Vec<u8> {
    std::fs::read(common::foreign().dir.join(dir).join(file)).expect("fixture")
}

#[test]
fn a_wheel_whose_tags_lie_about_its_members_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let elf = std::fs::read(
        &common::corpus(common::python312())
            .module("clean_multiphase")
            .expect("clean_multiphase built")
            .path,
    )
    .unwrap();
    let wheel = make_wheel(
        dir.path(),
        "spam-1.0-cp312-cp312-macosx_11_0_arm64.whl",
        &[
            ("spam/__init__.py", b"" as &[u8]),
            (
                "spam/clean_multiphase.cpython-312-x86_64-linux-gnu.so",
                &elf,
            ),
            ("spam-1.0.dist-info/WHEEL", b"Wheel-Version: 1.0\n"),
        ],
    );
    let outcome = inspector::inspect_paths(std::slice::from_ref(&wheel), &Options::default());
    let modules = extensions(&outcome.files);
    assert_eq!(modules.len(), 1, "{:#?}", outcome.files);
    let text = extinspect::render::text(&outcome);
    assert!(ids(modules[0]).contains(&"tag-arch-mismatch"), "{text}");
    assert!(
        text.contains("the wheel tag `macosx_11_0_arm64` is for macOS, but this is an ELF file"),
        "{text}"
    );
    assert_eq!(outcome.exit_code(), 1);
}

#[test]
fn a_wheel_tagged_abi3_holding_a_full_api_windows_module_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let pyd = foreign("win_amd64", "fake_abi3.pyd");
    let wheel = make_wheel(
        dir.path(),
        "fake_abi3-1.0-cp38-abi3-win_amd64.whl",
        &[("fake_abi3.pyd", &pyd)],
    );
    let outcome = inspector::inspect_paths(std::slice::from_ref(&wheel), &Options::default());
    let module = extensions(&outcome.files)[0];
    let text = extinspect::render::text(&outcome);
    assert_eq!(
        ids(module),
        ["python-dll-mismatch", "abi3-violation"],
        "{text}"
    );
    assert!(
        text.contains("stable ABI of 3.8 (from the wheel tag)"),
        "{text}"
    );
    assert!(
        text.contains("`PyUnicode_AsUTF8` (not in the stable ABI)"),
        "{text}"
    );
}

#[test]
fn hostile_member_names_are_labels_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let wheel_dir = dir.path().join("dist");
    std::fs::create_dir(&wheel_dir).unwrap();
    let pyd = foreign("win_amd64", "clean_multiphase.cp312-win_amd64.pyd");
    let wheel = make_wheel(
        &wheel_dir,
        "evil-1.0-cp312-cp312-win_amd64.whl",
        &[
            ("../../escaped/clean_multiphase.cp312-win_amd64.pyd", &pyd),
            ("/abs/clean_multiphase.cp312-win_amd64.pyd", &pyd),
            ("evil/bad\nname.so", b"\x7fELF"),
        ],
    );
    let outcome = inspector::inspect_paths(std::slice::from_ref(&wheel), &Options::default());
    let text = extinspect::render::text(&outcome);
    assert_eq!(outcome.files.len(), 3, "{text}");
    assert!(
        text.contains("!../../escaped/clean_multiphase.cp312-win_amd64.pyd (pe, x86_64"),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.contains("!evil/bad\u{FFFD}name.so")),
        "a newline in a member name must not split the report: {text}"
    );
    assert_eq!(outcome.files[2].kind, FileKind::Unreadable, "{text}");
    let mut entries: Vec<PathBuf> = walk(dir.path());
    entries.sort();
    assert_eq!(
        entries,
        [wheel_dir.clone(), wheel.clone()],
        "files appeared"
    );
    assert!(!dir.path().join("escaped").exists() && !Path::new("/abs").exists());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        }
        found.push(path);
    }
    found
}

#[test]
fn a_corrupt_wheel_is_one_unreadable_file() {
    let dir = tempfile::tempdir().unwrap();
    let wheel = dir.path().join("broken-1.0-py3-none-any.whl");
    std::fs::write(&wheel, b"PK\x03\x04 this is not really a zip").unwrap();
    let outcome = inspector::inspect_paths(std::slice::from_ref(&wheel), &Options::default());
    assert_eq!(outcome.files.len(), 1);
    assert_eq!(outcome.files[0].kind, FileKind::Unreadable);
    assert!(!outcome.files[0].findings[0].message.contains('\n'));
    assert_eq!(outcome.exit_code(), 1);
}
