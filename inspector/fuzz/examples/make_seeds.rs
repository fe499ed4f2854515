//! Writes the seed corpus of both fuzz targets (docs/fuzzing.md):
//!
//! ```text
//! cargo run --example make_seeds -- [--samples DIR] [--pyenv DIR] OUT
//! ```
//!
//! `OUT/inspect_file/`: sample modules in all three formats, each prefixed
//! with the selector byte of its real name (src/lib.rs). They come from
//! `DIR` (default: the workspace's `target/samples`, as
//! `cargo run -p sample-modules --bin build-samples` leaves it) and from
//! CPython's own `lib-dynload` under the pyenv root (default `~/.pyenv`).
//!
//! `OUT/inspect_wheel/`: small wheels made around those modules, stored and
//! deflated members, a `.dist-info/`, and one hostile wheel (a duplicate
//! name, a symbolic link, `../` and absolute names, a control character).
//!
//! A missing input file is reported and skipped, so the seeds are what the
//! machine has; every seed is deterministic (fixed zip timestamps).

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use zip::CompressionMethod::{Deflated, Stored};
use zip::write::SimpleFileOptions;

/// The file seeds, `samples/` (under the samples directory) or `pyenv/`
/// (under the pyenv root), each under its real name, so that the seed's
/// selector byte says what the file claims to be.
const FILES: &[&str] = &[
    // ELF, built from the C samples.
    "samples/cp312-x86_64-linux-gnu/clean_multiphase.cpython-312-x86_64-linux-gnu.so",
    "samples/cp312-x86_64-linux-gnu/limited_abi3.abi3.so",
    "samples/cp312-x86_64-linux-gnu/fake_abi3.abi3.so",
    "samples/cp312-x86_64-linux-gnu/hidden_init.cpython-312-x86_64-linux-gnu.so",
    "samples/cp312-x86_64-linux-gnu/init_name_mismatch.cpython-312-x86_64-linux-gnu.so",
    "samples/cp312-x86_64-linux-gnu/multi_init.cpython-312-x86_64-linux-gnu.so",
    "samples/cp312-x86_64-linux-gnu/links_libpython.cpython-312-x86_64-linux-gnu.so",
    "samples/cp312-x86_64-linux-gnu/café.cpython-312-x86_64-linux-gnu.so",
    "samples/cp312-x86_64-linux-gnu/模块.cpython-312-x86_64-linux-gnu.so",
    "samples/cp311d-x86_64-linux-gnu/clean_multiphase.cpython-311d-x86_64-linux-gnu.so",
    "samples/foreign/mislabelled/elf_aarch64_named_x86_64/clean_multiphase.cpython-312-x86_64-linux-gnu.so",
    // ELF, CPython's own.
    "pyenv/versions/3.12.1/lib/python3.12/lib-dynload/xxlimited.cpython-312-x86_64-linux-gnu.so",
    "pyenv/versions/3.12.1/lib/python3.12/lib-dynload/_testmultiphase.cpython-312-x86_64-linux-gnu.so",
    "pyenv/versions/3.12.1/lib/python3.12/lib-dynload/_testsinglephase.cpython-312-x86_64-linux-gnu.so",
    "pyenv/versions/3.6.15/lib/python3.6/lib-dynload/_testimportmultiple.cpython-36m-x86_64-linux-gnu.so",
    "pyenv/versions/2.7.18/lib/python2.7/lib-dynload/crypt.so",
    // Mach-O: thin x86-64 and arm64, universal2.
    "samples/foreign/macos_x86_64/clean_multiphase.cpython-312-darwin.so",
    "samples/foreign/macos_x86_64/limited_abi3.abi3.so",
    "samples/foreign/macos_x86_64/fake_abi3.abi3.so",
    "samples/foreign/macos_x86_64/multi_init.cpython-312-darwin.so",
    "samples/foreign/macos_arm64/clean_multiphase.cpython-312-darwin.so",
    "samples/foreign/macos_universal2/clean_multiphase.cpython-312-darwin.so",
    "samples/foreign/macos_universal2/limited_abi3.abi3.so",
    // PE: amd64 and arm64, limited API, and the mislabelled copies.
    "samples/foreign/win_amd64/clean_multiphase.cp312-win_amd64.pyd",
    "samples/foreign/win_amd64/limited_abi3.pyd",
    "samples/foreign/win_amd64/fake_abi3.pyd",
    "samples/foreign/win_amd64/multi_init.cp312-win_amd64.pyd",
    "samples/foreign/win_amd64/links_libpython.cp312-win_amd64.pyd",
    "samples/foreign/win_amd64/café.cp312-win_amd64.pyd",
    "samples/foreign/win_arm64/clean_multiphase.cp312-win_arm64.pyd",
    "samples/foreign/win_amd64_cp311/clean_multiphase.cp311-win_amd64.pyd",
    "samples/foreign/mislabelled/pe_arm64_named_amd64/clean_multiphase.cp312-win_amd64.pyd",
    "samples/foreign/mislabelled/elf_named_pyd/clean_multiphase.cp312-win_amd64.pyd",
    "samples/foreign/mislabelled/cp311_imports_python312/clean_multiphase.cp311-win_amd64.pyd",
];

/// Seeds under another name than their file's: `(path as in FILES, name)`.
const RENAMED: &[(&str, &str)] = &[(
    // The aarch64 module under its honest name.
    "samples/foreign/mislabelled/elf_aarch64_named_x86_64/clean_multiphase.cpython-312-x86_64-linux-gnu.so",
    "clean_multiphase.cpython-312-aarch64-linux-gnu.so",
)];

struct Roots {
    samples: PathBuf,
    pyenv: PathBuf,
}

impl Roots {
    /// `path` starts with `samples/` or `pyenv/`.
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        let full = match path.split_once('/') {
            Some(("samples", rest)) => self.samples.join(rest),
            Some(("pyenv", rest)) => self.pyenv.join(rest),
            _ => panic!("{path}: neither samples/ nor pyenv/"),
        };
        match std::fs::read(&full) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                eprintln!("make_seeds: skipping {}: {e}", full.display());
                None
            }
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = Roots {
        samples: manifest.join("../../target/samples"),
        pyenv: std::env::var_os("PYENV_ROOT")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".pyenv")),
    };
    let mut out = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--samples" => roots.samples = args.next().expect("--samples DIR").into(),
            "--pyenv" => roots.pyenv = args.next().expect("--pyenv DIR").into(),
            _ => out = Some(PathBuf::from(arg)),
        }
    }
    let out = out.expect("usage: make_seeds [--samples DIR] [--pyenv DIR] OUT");
    let files = out.join("inspect_file");
    let wheels = out.join("inspect_wheel");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::create_dir_all(&wheels).unwrap();

    let mut written = 0;
    let own_names = FILES
        .iter()
        .map(|&path| (path, path.rsplit('/').next().unwrap()));
    for (path, name) in own_names.chain(RENAMED.iter().copied()) {
        let Some(bytes) = roots.read(path) else {
            continue;
        };
        let selector = extinspect::fuzz::file_selector(name)
            .unwrap_or_else(|| panic!("{name} is not in src/lib.rs's tables"));
        let format = match &bytes[..4] {
            b"\x7fELF" => "elf",
            [b'M', b'Z', ..] => "pe",
            _ => "macho",
        };
        let dir = path.split('/').rev().nth(1).unwrap();
        write(
            &files.join(format!("{format}-{dir}-{name}")),
            selector,
            &bytes,
        );
        written += 1;
    }
    eprintln!("make_seeds: {written} file seeds in {}", files.display());

    let wheel_count = make_wheels(&roots, &wheels);
    eprintln!(
        "make_seeds: {wheel_count} wheel seeds in {}",
        wheels.display()
    );
}

fn write(path: &Path, selector: u8, bytes: &[u8]) {
    let mut seed = Vec::with_capacity(bytes.len() + 1);
    seed.push(selector);
    seed.extend_from_slice(bytes);
    std::fs::write(path, seed).unwrap();
}

/// A zip member: name, contents, stored or deflated.
enum Member<'a> {
    File(&'a str, &'a [u8], bool),
    Symlink(&'a str, &'a str),
}
use Member::*;

fn zip_of(members: &[Member<'_>]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for member in members {
        match member {
            File(name, bytes, deflate) => {
                let options = SimpleFileOptions::default()
                    .compression_method(if *deflate { Deflated } else { Stored })
                    .unix_permissions(0o755);
                zip.start_file(*name, options).unwrap();
                zip.write_all(bytes).unwrap();
            }
            Symlink(name, target) => zip
                .add_symlink(*name, *target, SimpleFileOptions::default())
                .unwrap(),
        }
    }
    zip.finish().unwrap().into_inner()
}

/// `members` plus the `.dist-info/` every wheel has.
fn wheel_of(tag: &str, members: &[Member<'_>]) -> Vec<u8> {
    let mut record = String::new();
    for member in members {
        if let File(name, bytes, _) = member {
            record.push_str(&format!("{name},,{}\n", bytes.len()));
        }
    }
    record.push_str(
        "pkg-1.0.dist-info/METADATA,,\npkg-1.0.dist-info/WHEEL,,\npkg-1.0.dist-info/RECORD,,\n",
    );
    let wheel =
        format!("Wheel-Version: 1.0\nGenerator: make_seeds\nRoot-Is-Purelib: false\nTag: {tag}\n");
    let metadata = b"Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n";
    let mut all: Vec<Member<'_>> = vec![File("pkg/__init__.py", b"from .mod import *\n", true)];
    for member in members {
        all.push(match member {
            File(n, b, d) => File(n, b, *d),
            Symlink(n, t) => Symlink(n, t),
        });
    }
    all.push(File("pkg-1.0.dist-info/METADATA", metadata, true));
    all.push(File("pkg-1.0.dist-info/WHEEL", wheel.as_bytes(), true));
    all.push(File("pkg-1.0.dist-info/RECORD", record.as_bytes(), false));
    zip_of(&all)
}

fn make_wheels(roots: &Roots, out: &Path) -> usize {
    let s = |path: &str| roots.read(&format!("samples/{path}"));
    let p = |path: &str| roots.read(&format!("pyenv/{path}"));
    let mut count = 0;
    let mut emit = |file: &str, wheel: &str, abi3_min: u8, zip: Vec<u8>| {
        let selector = extinspect::fuzz::wheel_selector(wheel)
            .unwrap_or_else(|| panic!("{wheel} is not in src/lib.rs's tables"))
            | abi3_min << 4;
        write(&out.join(file), selector, &zip);
        count += 1;
    };
    let linux = "pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl";

    if let Some(so) = s("cp312-x86_64-linux-gnu/clean_multiphase.cpython-312-x86_64-linux-gnu.so") {
        let members = [File(
            "pkg/clean_multiphase.cpython-312-x86_64-linux-gnu.so",
            &so,
            true,
        )];
        emit(
            "manylinux-deflated",
            linux,
            0,
            wheel_of("cp312-cp312-manylinux_2_17_x86_64", &members),
        );
        // The same module in a wheel that claims no platform at all.
        emit(
            "py3-none-any",
            "pkg-1.0-py3-none-any.whl",
            0,
            wheel_of("py3-none-any", &members),
        );
    }
    if let Some(so) = s("cp312-x86_64-linux-gnu/limited_abi3.abi3.so") {
        let members = [File("pkg/limited_abi3.abi3.so", &so, false)];
        emit(
            "abi3-manylinux-stored",
            "pkg-1.0-cp38-abi3-manylinux_2_17_x86_64.whl",
            2,
            wheel_of("cp38-abi3-manylinux_2_17_x86_64", &members),
        );
    }
    if let (Some(clean), Some(abi3)) = (
        s("foreign/win_amd64/clean_multiphase.cp312-win_amd64.pyd"),
        s("foreign/win_amd64/fake_abi3.pyd"),
    ) {
        let members = [
            File("pkg/clean_multiphase.cp312-win_amd64.pyd", &clean, true),
            File("pkg/fake_abi3.pyd", &abi3, false),
        ];
        emit(
            "win_amd64-mixed",
            "pkg-1.0-cp312-cp312-win_amd64.whl",
            0,
            wheel_of("cp312-cp312-win_amd64", &members),
        );
    }
    if let Some(pyd) = s("foreign/win_amd64/limited_abi3.pyd") {
        let members = [File("pkg/limited_abi3.pyd", &pyd, false)];
        emit(
            "abi3-win_amd64-stored",
            "pkg-1.0-cp38-abi3-win_amd64.whl",
            3,
            wheel_of("cp38-abi3-win_amd64", &members),
        );
    }
    if let Some(pyd) = s("foreign/win_arm64/clean_multiphase.cp312-win_arm64.pyd") {
        let members = [File("pkg/clean_multiphase.cp312-win_arm64.pyd", &pyd, true)];
        emit(
            "win_arm64",
            "pkg-1.0-cp312-cp312-win_arm64.whl",
            0,
            wheel_of("cp312-cp312-win_arm64", &members),
        );
    }
    if let Some(fat) = s("foreign/macos_universal2/clean_multiphase.cpython-312-darwin.so") {
        let members = [File(
            "pkg/clean_multiphase.cpython-312-darwin.so",
            &fat,
            true,
        )];
        emit(
            "macos-universal2",
            "pkg-1.0-cp312-cp312-macosx_10_9_universal2.whl",
            0,
            wheel_of("cp312-cp312-macosx_10_9_universal2", &members),
        );
    }
    if let (Some(arm), Some(x86)) = (
        s("foreign/macos_arm64/clean_multiphase.cpython-312-darwin.so"),
        s("foreign/macos_x86_64/fake_abi3.abi3.so"),
    ) {
        // An arm64 wheel holding an x86-64 slice.
        let members = [
            File("pkg/clean_multiphase.cpython-312-darwin.so", &arm, true),
            File("pkg/fake_abi3.abi3.so", &x86, false),
        ];
        emit(
            "macos-arm64-mixed",
            "pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl",
            0,
            wheel_of("cp312-cp312-macosx_11_0_arm64", &members),
        );
    }
    if let (Some(pe_as_linux), Some(aarch64)) = (
        s("foreign/mislabelled/elf_named_pyd/clean_multiphase.cp312-win_amd64.pyd"),
        s(
            "foreign/mislabelled/elf_aarch64_named_x86_64/clean_multiphase.cpython-312-x86_64-linux-gnu.so",
        ),
    ) {
        // Formats and architectures that do not belong in a manylinux wheel.
        let members = [
            File(
                "pkg/clean_multiphase.cp312-win_amd64.pyd",
                &pe_as_linux,
                true,
            ),
            File(
                "pkg/sub/clean_multiphase.cpython-312-x86_64-linux-gnu.so",
                &aarch64,
                false,
            ),
        ];
        emit(
            "manylinux-mislabelled",
            linux,
            0,
            wheel_of("cp312-cp312-manylinux_2_17_x86_64", &members),
        );
    }
    if let Some(so) = p(
        "versions/3.6.15/lib/python3.6/lib-dynload/_testimportmultiple.cpython-36m-x86_64-linux-gnu.so",
    ) {
        let members = [File(
            "_testimportmultiple.cpython-36m-x86_64-linux-gnu.so",
            &so,
            true,
        )];
        emit(
            "cp36m",
            "pkg-1.0-cp36-cp36m-manylinux1_x86_64.whl",
            0,
            wheel_of("cp36-cp36m-manylinux1_x86_64", &members),
        );
    }
    // No binary at all.
    emit(
        "pure",
        "pkg-1.0-py3-none-any.whl",
        0,
        wheel_of("py3-none-any", &[]),
    );
    if let Some(pyd) = s("foreign/win_amd64/limited_abi3.pyd") {
        // Hostile names: traversal, absolute, a control character, a link,
        // and a name given twice (written as `pkg/dup_b.pyd`, then renamed
        // in place: zip writers refuse duplicates, readers do not).
        let members = [
            File("../../escape.pyd", &pyd, false),
            File("/abs/limited_abi3.pyd", &pyd, true),
            File("pkg/bad\nname.pyd", &pyd, false),
            Symlink("pkg/link.pyd", "../../../etc/passwd"),
            File("pkg/dup_a.pyd", &pyd, false),
            File("pkg/dup_b.pyd", &pyd, true),
        ];
        let mut zip = wheel_of("cp38-abi3-win_amd64", &members);
        replace_all(&mut zip, b"pkg/dup_b.pyd", b"pkg/dup_a.pyd");
        emit("hostile", "pkg-1.0-cp38-abi3-win_amd64.whl", 0, zip);
    }
    count
}

fn replace_all(haystack: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut i = 0;
    while i + from.len() <= haystack.len() {
        if &haystack[i..i + from.len()] == from {
            haystack[i..i + from.len()].copy_from_slice(to);
            i += from.len();
        } else {
            i += 1;
        }
    }
}
