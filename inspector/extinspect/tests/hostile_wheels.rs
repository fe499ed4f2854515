//! Wheels built to hurt whoever unpacks them: members named `../` or with
//! absolute paths, symbolic links, a name given twice, a member that
//! inflates far past what it declares, a cut-short central directory. The
//! inspector reads members in memory, so each is a report line and nothing
//! is written anywhere: the run's working directory, `HOME` and `TMPDIR`
//! are empty directories that must still be empty afterwards.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

const WHEEL: &str = "pkg-1.0-cp38-abi3-win_amd64.whl";

fn pyd() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let fixtures = sample_modules::build_foreign(&sample_modules::default_root())
            .unwrap_or_else(|e| panic!("building the foreign fixtures: {e}"));
        std::fs::read(fixtures.dir.join("win_amd64").join("limited_abi3.pyd")).unwrap()
    })
}

fn zip_of(members: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in members {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A scratch tree: `dist/` holds the wheel; `cwd`, `home` and `tmp` are
/// the run's working directory, `HOME` and `TMPDIR`.
struct Scratch {
    root: tempfile::TempDir,
}

impl Scratch {
    fn new(wheel: &[u8]) -> Scratch {
        let root = tempfile::tempdir().unwrap();
        for dir in ["dist", "cwd/deep/er", "home", "tmp"] {
            std::fs::create_dir_all(root.path().join(dir)).unwrap();
        }
        std::fs::write(root.path().join("dist").join(WHEEL), wheel).unwrap();
        Scratch { root }
    }

    fn run(&self) -> (Option<i32>, serde_json::Value, String) {
        let cwd = self.root.path().join("cwd/deep/er");
        let output = Command::new(env!("CARGO_BIN_EXE_extinspect"))
            .arg(self.root.path().join("dist").join(WHEEL))
            .args(["--format", "json", "--isolated"])
            .current_dir(&cwd)
            .env("HOME", self.root.path().join("home"))
            .env("TMPDIR", self.root.path().join("tmp"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let json =
            serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        (output.status.code(), json, stderr)
    }

    /// Every path under the scratch root but the wheel and the four
    /// directories made for the run.
    fn written(&self) -> Vec<PathBuf> {
        let made = ["", "dist", "cwd", "cwd/deep", "cwd/deep/er", "home", "tmp"];
        let made: Vec<PathBuf> = made.iter().map(|d| self.root.path().join(d)).collect();
        walkdir::WalkDir::new(self.root.path())
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .filter(|p| !made.contains(p) && !p.ends_with(WHEEL))
            .collect()
    }
}

fn findings(json: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut all = Vec::new();
    for file in json["files"].as_array().unwrap() {
        for finding in file["findings"].as_array().unwrap() {
            all.push((
                file["path"]
                    .as_str()
                    .unwrap()
                    .rsplit('!')
                    .next()
                    .unwrap()
                    .into(),
                finding["check"].as_str().unwrap().into(),
                finding["message"].as_str().unwrap().into(),
            ));
        }
    }
    all
}

fn members(json: &serde_json::Value) -> Vec<String> {
    json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["path"]
                .as_str()
                .unwrap()
                .rsplit('!')
                .next()
                .unwrap()
                .into()
        })
        .collect()
}

#[test]
fn escaping_and_absolute_member_names_are_labels_and_nothing_is_written() {
    // The module name comes from the file name: every member is the same
    // clean module, wherever its name points.
    let outside = std::env::temp_dir().join(format!("extinspect-escape-{}", std::process::id()));
    let absolute = outside
        .join("limited_abi3.pyd")
        .to_string_lossy()
        .into_owned();
    let wheel = zip_of(
        &[
            ("../../../limited_abi3.pyd", pyd()),
            (&absolute, pyd()),
            ("pkg/../../limited_abi3.pyd", pyd()),
            ("pkg/limited_abi3.pyd", pyd()),
        ],
        CompressionMethod::Deflated,
    );
    let scratch = Scratch::new(&wheel);
    let (code, json, stderr) = scratch.run();
    assert_eq!(code, Some(0), "{json:#}\n{stderr}");
    assert_eq!(
        members(&json),
        [
            "../../../limited_abi3.pyd",
            absolute.as_str(),
            "pkg/../../limited_abi3.pyd",
            "pkg/limited_abi3.pyd"
        ]
    );
    assert_eq!(json["summary"]["extensions"], 4, "{json:#}");
    assert_eq!(scratch.written(), Vec::<PathBuf>::new());
    assert!(!outside.exists());
    assert!(!scratch.root.path().join("limited_abi3.pyd").exists());
}

#[test]
fn a_symbolic_link_member_is_reported_not_followed() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.add_symlink("pkg/link.pyd", "/etc/passwd", SimpleFileOptions::default())
        .unwrap();
    zip.start_file("pkg/limited_abi3.pyd", SimpleFileOptions::default())
        .unwrap();
    zip.write_all(pyd()).unwrap();
    let wheel = zip.finish().unwrap().into_inner();
    let scratch = Scratch::new(&wheel);
    let (code, json, stderr) = scratch.run();
    assert_eq!(code, Some(1), "{json:#}\n{stderr}");
    assert_eq!(
        findings(&json),
        [(
            "pkg/link.pyd".to_string(),
            "unreadable-file".to_string(),
            "member is a symbolic link to `/etc/passwd`; pip installs it as a text file, not a link"
                .to_string()
        )]
    );
    assert_eq!(json["summary"]["extensions"], 1, "{json:#}");
    assert_eq!(scratch.written(), Vec::<PathBuf>::new());
}

#[test]
fn a_name_given_twice_is_reported_on_the_wheel() {
    // Two members whose names differ in one byte, then made equal in both
    // the local headers and the central directory.
    let wheel = zip_of(
        &[("pkg/a.pyd", pyd()), ("pkg/b.pyd", b"second copy")],
        CompressionMethod::Stored,
    );
    let wheel = replace_all(&wheel, b"pkg/b.pyd", b"pkg/a.pyd");
    let scratch = Scratch::new(&wheel);
    let (code, json, stderr) = scratch.run();
    assert_eq!(code, Some(1), "{json:#}\n{stderr}");
    let found = findings(&json);
    assert!(
        found
            .iter()
            .any(|(path, check, message)| path.ends_with(WHEEL)
                && check == "unreadable-file"
                && message.contains("names a member more than once")),
        "{found:?}"
    );
    assert_eq!(scratch.written(), Vec::<PathBuf>::new());
}

#[test]
fn a_truncated_central_directory_is_a_broken_wheel_not_a_crash() {
    let wheel = zip_of(
        &[("pkg/limited_abi3.pyd", pyd())],
        CompressionMethod::Deflated,
    );
    let directory = find(&wheel, b"PK\x01\x02").unwrap();
    for cut in [wheel.len() - 1, wheel.len() - 22, directory + 10, directory] {
        let scratch = Scratch::new(&wheel[..cut]);
        let (code, json, stderr) = scratch.run();
        assert_eq!(code, Some(1), "cut at {cut}: {json:#}\n{stderr}");
        let found = findings(&json);
        assert_eq!(found.len(), 1, "cut at {cut}: {found:?}");
        assert_eq!(found[0].1, "unreadable-file");
        assert!(
            found[0].2.starts_with("not a readable zip archive: "),
            "{found:?}"
        );
        assert!(!found[0].2.contains('\n'));
        assert_eq!(scratch.written(), Vec::<PathBuf>::new());
    }
}

#[test]
fn a_member_inflating_past_the_limit_is_cut_off_whatever_it_declares() {
    // 48 MiB of zeros deflate to ~48 KiB. Declared honestly, the member is
    // past the (lowered) limit; declared as 1,000 bytes, the zip reader
    // stops at the lie. Either way nothing past the limit is inflated.
    let zeros = vec![0u8; 48 << 20];
    let wheel = zip_of(
        &[("pkg/bomb.pyd", &zeros), ("pkg/limited_abi3.pyd", pyd())],
        CompressionMethod::Deflated,
    );
    assert!(wheel.len() < 1 << 20);
    let read = |wheel: &[u8]| {
        let archive =
            inspector::wheel::map_binary_members_within(wheel, 32 << 20, 2, &|name, bytes| {
                (
                    name.to_string(),
                    bytes
                        .and_then(|b| b.all().map(<[u8]>::len))
                        .map_err(|e| e.to_string()),
                )
            })
            .unwrap();
        assert!(!archive.duplicate_names);
        archive.members
    };
    let clean = ("pkg/limited_abi3.pyd".to_string(), Ok(pyd().len()));
    assert_eq!(
        read(&wheel),
        [
            (
                "pkg/bomb.pyd".to_string(),
                Err(
                    "member inflates to more than 33554432 bytes (declared 50331648); not read further"
                        .to_string()
                )
            ),
            clean.clone(),
        ]
    );
    assert_eq!(
        read(&declare_size(&wheel, "pkg/bomb.pyd", 1000)),
        [
            (
                "pkg/bomb.pyd".to_string(),
                Err(
                    "cannot read member: File is larger than its declared uncompressed size"
                        .to_string()
                )
            ),
            clean,
        ]
    );
}

#[test]
fn a_member_larger_than_memory_allows_is_read_through_a_nameless_file() {
    // Past the in-memory limit the member goes to an unnamed temporary
    // file: the report is the same and TMPDIR is still empty afterwards.
    let mut big = pyd().to_vec();
    big.resize(inspector::wheel::IN_MEMORY_LIMIT + (4 << 20), 0);
    let wheel = zip_of(
        &[("pkg/limited_abi3.pyd", &big)],
        CompressionMethod::Deflated,
    );
    let scratch = Scratch::new(&wheel);
    let (code, json, stderr) = scratch.run();
    assert_eq!(code, Some(0), "{json:#}\n{stderr}");
    assert_eq!(json["summary"]["extensions"], 1, "{json:#}");
    assert_eq!(scratch.written(), Vec::<PathBuf>::new());
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn replace_all(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut out = bytes.to_vec();
    let mut at = 0;
    while let Some(found) = find(&out[at..], from) {
        out[at + found..at + found + to.len()].copy_from_slice(to);
        at += found + to.len();
    }
    out
}

/// Rewrites a member's uncompressed size in its local header (offset 22)
/// and its central directory entry (offset 24).
fn declare_size(wheel: &[u8], name: &str, size: u32) -> Vec<u8> {
    let mut out = wheel.to_vec();
    for (signature, field) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
        let mut at = 0;
        while let Some(found) = find(&out[at..], signature) {
            let header = at + found;
            let name_at = header + if field == 22 { 30 } else { 46 };
            if out[name_at..].starts_with(name.as_bytes()) {
                out[header + field..header + field + 4].copy_from_slice(&size.to_le_bytes());
            }
            at = header + 4;
        }
    }
    out
}
