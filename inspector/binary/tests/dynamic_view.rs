//! The dynamic view (`parse_dynamic`, what a wheel member's first pages
//! give) against the full parse of the same bytes: everything but the
//! static symbol table must be the same, on every ELF file at hand that is
//! built the way a loader expects.

use std::io::Read;
use std::path::{Path, PathBuf};

use binary::{Binary, Reach, Source};

struct Whole<'a>(&'a [u8]);

impl Source for Whole<'_> {
    fn read(&self, offset: u64, size: u64) -> Option<&[u8]> {
        let start = usize::try_from(offset).ok()?;
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        self.0.get(start..end)
    }
}

/// What the two must share: the full parse's symbols minus what only
/// `.symtab` gave.
fn without_statics(mut binary: Binary, dynamic: &Binary) -> Binary {
    for (slice, view) in binary.slices.iter_mut().zip(&dynamic.slices) {
        slice
            .symbols
            .retain(|s| s.reach == Reach::Exported || view.symbol(&s.name).is_some());
        slice.has_static_symbols = false;
    }
    binary
}

/// Whether the view agreed (`Some(true)`), disagreed, or left the file to
/// the full parse (`None`).
fn compare(label: &str, data: &[u8], failures: &mut Vec<String>) -> Option<bool> {
    if !data.starts_with(b"\x7fELF") {
        return None;
    }
    let full = binary::parse(data).ok()?;
    let Some(view) = binary::parse_dynamic(&Whole(data)) else {
        failures.push(format!(
            "{label}: no dynamic view of a file the full parse reads"
        ));
        return Some(false);
    };
    let full = without_statics(full, &view);
    if full != view {
        failures.push(format!(
            "{label}: the dynamic view differs from the full parse"
        ));
        return Some(false);
    }
    Some(true)
}

fn files(dir: &Path, wanted: &dyn Fn(&Path) -> bool, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() && !path.is_symlink() {
            files(&path, wanted, found);
        } else if wanted(&path) {
            found.push(path);
        }
    }
}

#[test]
fn dynamic_view_matches_the_full_parse() {
    let mut failures = Vec::new();
    let mut agreed = 0;
    let mut paths = Vec::new();
    let pyenv = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".pyenv")));
    if let Some(pyenv) = pyenv {
        files(
            &pyenv.join("versions"),
            &|p| {
                p.extension().is_some_and(|e| e == "so")
                    && p.to_string_lossy().contains("lib-dynload")
            },
            &mut paths,
        );
    }
    for path in &paths {
        let data = std::fs::read(path).unwrap();
        agreed +=
            usize::from(compare(&path.display().to_string(), &data, &mut failures) == Some(true));
    }
    let mut wheels = Vec::new();
    if let Some(home) = std::env::var_os("HOME") {
        files(
            &Path::new(&home).join(".cache/extinspect/realworld-wheels"),
            &|p| p.extension().is_some_and(|e| e == "whl"),
            &mut wheels,
        );
    }
    for wheel in &wheels {
        let Ok(mut archive) = zip::ZipArchive::new(std::fs::File::open(wheel).unwrap()) else {
            continue;
        };
        for index in 0..archive.len() {
            let mut member = archive.by_index(index).unwrap();
            let name = member.name().unwrap_or_default().to_string();
            if !name.ends_with(".so") || !member.is_file() {
                continue;
            }
            let mut data = Vec::new();
            member.read_to_end(&mut data).unwrap();
            let label = format!("{}!{name}", wheel.display());
            agreed += usize::from(compare(&label, &data, &mut failures) == Some(true));
        }
    }
    eprintln!("dynamic view: {agreed} ELF files agree with the full parse");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if paths.is_empty() && wheels.is_empty() {
        eprintln!("SKIPPED: no lib-dynload modules and no cached wheels to compare on");
    }
}
