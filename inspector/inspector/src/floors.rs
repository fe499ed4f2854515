//! The minimum CPython versions that installed distributions and projects
//! declare for their abi3 modules: an installed distribution's
//! `.dist-info/WHEEL` tag (`cp39-abi3`) and `Requires-Python`, for the
//! files its `RECORD` lists; a project's `requires-python`, for everything
//! under its directory.

use std::path::{Path, PathBuf};

use abi::PyVersion;
use checks::{Floor, FloorSource};
use walkdir::WalkDir;

/// Every floor declared under or above `paths`: the distributions
/// installed below a directory, and those of the nearest directory above a
/// path that holds any (a package folder, or a file, inside
/// `site-packages`).
pub(crate) fn declared(paths: &[PathBuf]) -> Vec<Floor> {
    let mut floors = Vec::new();
    for path in paths {
        let Ok(meta) = std::fs::metadata(path) else {
            continue;
        };
        if meta.is_dir() {
            for entry in WalkDir::new(path).sort_by_file_name().into_iter().flatten() {
                let name = entry.file_name().to_string_lossy();
                if entry.file_type().is_dir() && name.ends_with(".dist-info") {
                    floors.extend(distribution(entry.path()));
                }
            }
        }
        // Absolute, so that a relative path's parents beyond it count too.
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        for above in absolute.ancestors().skip(1) {
            let installed = installed_in(above);
            if !installed.is_empty() {
                for dist_info in installed {
                    floors.extend(distribution(&dist_info));
                }
                break;
            }
        }
    }
    floors
}

/// The `.dist-info` directories directly in `dir`.
fn installed_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".dist-info"))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// An installed distribution's floor for each binary its `RECORD` lists:
/// its `cpXY-abi3` WHEEL tag, else its `Requires-Python`.
fn distribution(dist_info: &Path) -> Vec<Floor> {
    let read = |file: &str| std::fs::read_to_string(dist_info.join(file)).unwrap_or_default();
    let name = dist_info
        .file_name()
        .map(|n| {
            n.to_string_lossy()
                .trim_end_matches(".dist-info")
                .to_string()
        })
        .unwrap_or_default();
    let tagged = read("WHEEL")
        .lines()
        .filter_map(|line| line.strip_prefix("Tag:"))
        .filter_map(|tag| {
            let mut parts = tag.trim().split('-');
            let (python, abi) = (parts.next()?, parts.next()?);
            (abi == "abi3").then(|| python_tag(python)).flatten()
        })
        .min();
    let (version, declared_by) = match tagged {
        Some(version) => (
            version,
            FloorSource::InstalledWheel {
                distribution: name.clone(),
            },
        ),
        None => match read("METADATA")
            .lines()
            .find_map(|line| line.strip_prefix("Requires-Python:"))
            .and_then(requires_python)
        {
            Some(version) => (version, FloorSource::RequiresPython { of: name.clone() }),
            None => return Vec::new(),
        },
    };
    // Absolute, as Options::floor_for compares them.
    let Some(root) = std::path::absolute(dist_info)
        .ok()
        .and_then(|d| d.parent().map(Path::to_path_buf))
    else {
        return Vec::new();
    };
    read("RECORD")
        .lines()
        .filter_map(record_path)
        .filter(|path| crate::input::is_binary_name(path))
        .map(|path| Floor {
            path: root.join(path),
            version,
            declared_by: declared_by.clone(),
        })
        .collect()
}

/// The path of a `RECORD` line (CSV: a path with a comma is quoted).
fn record_path(line: &str) -> Option<String> {
    if let Some(rest) = line.strip_prefix('"') {
        let end = rest.find("\",")?;
        return Some(rest[..end].replace("\"\"", "\""));
    }
    line.split(',').next().map(str::to_string)
}

/// `cp39` → 3.9.
fn python_tag(tag: &str) -> Option<PyVersion> {
    let digits = tag.strip_prefix("cp")?;
    let (major, minor) = digits.split_at_checked(1)?;
    Some(PyVersion::new(major.parse().ok()?, minor.parse().ok()?))
}

/// The lowest version a `Requires-Python` specifier admits, when it names
/// one: `>=3.9`, `>=3.9,<4`, `~=3.10`, `==3.11.*`, `>3.8` (3.8's later
/// micro releases: still 3.8).
fn requires_python(specifiers: &str) -> Option<PyVersion> {
    specifiers
        .split(',')
        .filter_map(|clause| {
            let clause = clause.trim();
            let version = ["~=", ">=", "==", ">"]
                .iter()
                .find_map(|op| clause.strip_prefix(op))?;
            let mut numbers = version.trim().split('.');
            let major: u8 = numbers.next()?.parse().ok()?;
            let minor: u8 = numbers.next()?.trim_end_matches('*').parse().ok()?;
            Some(PyVersion::new(major, minor))
        })
        .max()
}

/// The project's floor: `requires-python` of the `pyproject.toml` in its
/// directory `dir`, for everything under it. The caller says which
/// directory is the project's (the tool: the configuration's); the nearest
/// `pyproject.toml` above a path is no proof, since it may be a tool's own
/// or a monorepo's.
pub fn project_floor(dir: &Path) -> Option<Floor> {
    let text = std::fs::read_to_string(dir.join("pyproject.toml")).ok()?;
    let document: toml::Table = text.parse().ok()?;
    let specifiers = document.get("project")?.get("requires-python")?.as_str()?;
    Some(Floor {
        path: dir.to_path_buf(),
        version: requires_python(specifiers)?,
        declared_by: FloorSource::RequiresPython {
            of: format!("{}", dir.join("pyproject.toml").display()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specifiers_give_their_lowest_version() {
        let v = |s| requires_python(s).map(|v| v.to_string());
        assert_eq!(v(">=3.9").as_deref(), Some("3.9"));
        assert_eq!(v(">=3.8, <4").as_deref(), Some("3.8"));
        assert_eq!(v("~=3.10").as_deref(), Some("3.10"));
        assert_eq!(v("==3.11.*").as_deref(), Some("3.11"));
        assert_eq!(v("<4"), None);
        assert_eq!(
            python_tag("cp39").map(|v| v.to_string()).as_deref(),
            Some("3.9")
        );
        assert_eq!(
            python_tag("cp312").map(|v| v.to_string()).as_deref(),
            Some("3.12")
        );
        assert_eq!(
            record_path("bcrypt/_bcrypt.abi3.so,sha256=x,123").as_deref(),
            Some("bcrypt/_bcrypt.abi3.so")
        );
        assert_eq!(
            record_path("\"a,b.so\",sha256=x,1").as_deref(),
            Some("a,b.so")
        );
    }

    #[test]
    fn an_installed_distribution_declares_its_floor_for_what_it_installed() {
        let dir = std::env::temp_dir().join(format!("extinspect-floors-{}", std::process::id()));
        let dist = dir.join("bcrypt-4.3.0.dist-info");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(
            dist.join("WHEEL"),
            "Wheel-Version: 1.0\nTag: cp39-abi3-manylinux_2_34_x86_64\n",
        )
        .unwrap();
        std::fs::write(
            dist.join("RECORD"),
            "bcrypt/__init__.py,sha256=x,1\nbcrypt/_bcrypt.abi3.so,sha256=y,2\nbcrypt-4.3.0.dist-info/RECORD,,\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.join("bcrypt")).unwrap();
        let floors = declared(std::slice::from_ref(&dir));
        // The package folder alone: its distribution sits beside it.
        let from_package = declared(&[dir.join("bcrypt")]);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(from_package, floors);
        assert_eq!(floors.len(), 1, "{floors:?}");
        assert_eq!(
            floors[0].path,
            std::path::absolute(dir.join("bcrypt/_bcrypt.abi3.so")).unwrap()
        );
        assert_eq!(floors[0].version.to_string(), "3.9");
        assert_eq!(
            floors[0].declared_by,
            FloorSource::InstalledWheel {
                distribution: "bcrypt-4.3.0".into()
            }
        );
    }
}
