//! The modules to run: extension files named or found in directories (the
//! inspector's walk), members of wheels, and `--module` names.

use inspector::wheel::MEMBER_LIMIT;
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use inspector::input::{self, Candidate, Source};
use naming::{Platform, parse_filename, parse_wheel_filename};

use super::names;
use super::select::{Build, build_of, not_runnable};
use crate::probe::Target;
use crate::process::reaper::PrivateDir;

/// One module to check, or why it cannot be.
#[derive(Debug, Clone)]
pub struct ModuleInput {
    pub display: String,
    pub target: Target,
    pub build: Build,
    pub not_runnable: Option<String>,
    /// It could not be read (exit status 2).
    pub error: Option<String>,
    /// For a wheel's member: which wheel, and where the member lands once
    /// the wheel is installed.
    pub wheel: Option<WheelMember>,
}

/// A member of one of the run's [`Wheel`]s.
#[derive(Debug, Clone)]
pub struct WheelMember {
    /// Its index in [`Inputs::wheels`].
    pub wheel: usize,
    /// Its path below the site directory once installed
    /// (`<dist>.data/platlib/` stripped); None for what installs elsewhere
    /// (`<dist>.data/data/`, `scripts/`), which is run from the extracted
    /// files.
    pub installed: Option<PathBuf>,
}

/// A wheel given to the run.
#[derive(Debug, Clone)]
pub struct Wheel {
    /// Absolute, as pip is started elsewhere.
    pub path: PathBuf,
    /// Why pip would refuse it, when that shows without asking pip: its
    /// members are then run from the extracted files.
    pub not_installable: Option<String>,
    /// It has no extension module and installs on any interpreter
    /// (`none-any`): a pure dependency of the others, installed with them.
    pub pure: bool,
}

/// The modules, the wheels, and the private directories wheels were
/// extracted into (removed when this is dropped).
pub struct Inputs {
    pub modules: Vec<ModuleInput>,
    pub wheels: Vec<Wheel>,
    _extracted: Vec<PrivateDir>,
}

/// No wheel member (the inspector's cut-off, [`MEMBER_LIMIT`]), and no
/// wheel in all, is written past these sizes: a zip bomb stops here instead
/// of filling the disk.
const WHEEL_LIMIT: u64 = 4 << 30;

/// The modules of `paths` and `names`; `roots` are the site directories of
/// the interpreters that will run them, below which a file's directories
/// are its packages (see [`super::names`]).
pub fn gather(
    paths: &[PathBuf],
    names: &[String],
    init: Option<&str>,
    roots: &[PathBuf],
) -> Inputs {
    let mut modules = Vec::new();
    let mut wheels = Vec::new();
    let mut extracted = Vec::new();
    for candidate in input::collect(paths) {
        match candidate {
            Candidate::Failed { path, error } => {
                let error = unreadable(&path, error);
                modules.push(failed(path.display().to_string(), error))
            }
            Candidate::Found(Source::File(path)) => modules.push(file_module(&path, init, roots)),
            Candidate::Found(Source::Wheel(path)) => match extract(&path) {
                Ok(Extracted {
                    dir,
                    members,
                    dist_info,
                }) => {
                    let abi3_min = wheel_abi3_min(&path);
                    let index = wheels.len();
                    wheels.push(Wheel {
                        not_installable: not_installable(&path, &dist_info),
                        pure: members.is_empty() && is_none_any(&path),
                        path: std::path::absolute(&path).unwrap_or_else(|_| path.clone()),
                    });
                    for member in members {
                        let mut module = wheel_module(&path, dir.path(), &member, init, abi3_min);
                        module.wheel = Some(WheelMember {
                            wheel: index,
                            installed: installed_path(&member),
                        });
                        modules.push(module);
                    }
                    extracted.push(dir);
                }
                Err(error) => modules.push(failed(path.display().to_string(), error)),
            },
        }
    }
    for name in names {
        modules.push(ModuleInput {
            display: name.clone(),
            target: Target {
                name: name.clone(),
                path: None,
                sys_path: Vec::new(),
            },
            build: Build {
                tag: None,
                suffix: None,
                abi3_min: None,
            },
            not_runnable: None,
            error: None,
            wheel: None,
        });
    }
    Inputs {
        modules,
        wheels,
        _extracted: extracted,
    }
}

/// An input that could not be read (exit status 2).
pub fn failed(display: String, error: String) -> ModuleInput {
    ModuleInput {
        target: Target {
            name: String::new(),
            path: None,
            sys_path: Vec::new(),
        },
        display,
        build: Build {
            tag: None,
            suffix: None,
            abi3_min: None,
        },
        not_runnable: None,
        error: Some(error),
        wheel: None,
    }
}

/// An input with nothing to run, and why: listed, not an error.
pub fn nothing_to_run(display: String, reason: String) -> ModuleInput {
    ModuleInput {
        not_runnable: Some(reason),
        error: None,
        ..failed(display, String::new())
    }
}

/// Where a module file sits, beyond its path: its package and import root
/// inside a wheel, and the wheel's abi3 promise.
#[derive(Default)]
struct Placement {
    package: Option<String>,
    sys_path: Vec<PathBuf>,
    wheel_abi3_min: Option<(u32, u32)>,
}

/// A module file on disk: inside a package, it is imported by its dotted
/// name from its import root, as `import pkg.sub._ext` would find it.
fn file_module(path: &Path, init: Option<&str>, roots: &[PathBuf]) -> ModuleInput {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let placement = match absolute
        .parent()
        .and_then(|dir| names::placement(dir, roots))
    {
        Some(names::Placement {
            package: Some(package),
            root,
        }) => Placement {
            package: Some(package),
            sys_path: vec![root],
            wheel_abi3_min: None,
        },
        _ => Placement::default(),
    };
    described(path.display().to_string(), absolute, init, placement)
}

/// Reads the module file at `path` and works out its name, build and
/// whether it can run here.
fn described(
    display: String,
    path: PathBuf,
    init: Option<&str>,
    placement: Placement,
) -> ModuleInput {
    let bytes = match open_regular(&path).and_then(|mut file| {
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read: {e}"))?;
        Ok(bytes)
    }) {
        Ok(bytes) => bytes,
        Err(error) => return failed(display, error),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = parse_filename(&file_name, Platform::Linux);
    let mut library = false;
    let (binary, not_runnable) = match binary::parse(&bytes) {
        Ok(binary) => {
            let reason = match naming::library_reason(&path, &binary) {
                Some(reason) => {
                    library = true;
                    Some(reason)
                }
                None => not_runnable(&binary),
            };
            (Some(binary), reason)
        }
        // What the dynamic loader cannot load is a broken artifact, as the
        // inspector's unreadable-file error says in the same words: not a
        // module that merely runs elsewhere.
        Err(e) => return failed(display, e.to_string()),
    };
    let leaf = match (init, &file) {
        (Some(init), _) => init.to_string(),
        (None, Some(file)) => file.module.clone(),
        (None, None) => file_name.split('.').next().unwrap_or_default().to_string(),
    };
    let name = match placement.package {
        // A library is no module, and has no module name.
        _ if library => String::new(),
        Some(package) if init.is_none() => format!("{package}.{leaf}"),
        _ => leaf,
    };
    ModuleInput {
        display,
        build: build_of(file, binary.as_ref(), placement.wheel_abi3_min),
        target: Target {
            name,
            path: Some(path),
            sys_path: placement.sys_path,
        },
        not_runnable,
        error: None,
        wheel: None,
    }
}

/// Where a wheel's member lands below the site directory: the wheel's root
/// as it is, `<dist>.data/platlib/` and `purelib/` stripped; elsewhere in
/// `.data` (`data`, `scripts`, `headers`) it is no module's place.
fn installed_path(member: &Path) -> Option<PathBuf> {
    let parts: Vec<&std::ffi::OsStr> = member.components().map(|c| c.as_os_str()).collect();
    match parts.as_slice() {
        [data, scheme, rest @ ..] if data.to_string_lossy().ends_with(".data") => {
            (!rest.is_empty() && (*scheme == "platlib" || *scheme == "purelib"))
                .then(|| rest.iter().collect())
        }
        _ => Some(member.to_path_buf()),
    }
}

/// The files of `<dist>.dist-info/` pip cannot install a wheel without.
const DIST_INFO: [&str; 3] = ["METADATA", "WHEEL", "RECORD"];

/// Why pip would refuse a wheel, when its name or its files already say:
/// pip reads the name's tags and the [`DIST_INFO`] files (`dist_info`, the
/// ones the wheel has).
fn not_installable(wheel: &Path, dist_info: &[String]) -> Option<String> {
    let name = wheel.file_name()?.to_string_lossy();
    if parse_wheel_filename(&name).is_none() {
        return Some(format!(
            "{name} is not named as a wheel (name-version-python-abi-platform.whl), so pip does \
             not install it"
        ));
    }
    let missing: Vec<&str> = DIST_INFO
        .into_iter()
        .filter(|file| !dist_info.iter().any(|has| has == file))
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "it has no .dist-info/{}, so pip does not install it",
            missing.join(", ")
        )
    })
}

/// A wheel that installs on every interpreter (`py3-none-any`).
fn is_none_any(wheel: &Path) -> bool {
    wheel
        .file_name()
        .and_then(|n| parse_wheel_filename(&n.to_string_lossy()))
        .is_some_and(|name| {
            name.abi_tags.iter().any(|t| t == "none")
                && name.platform_tags.iter().any(|t| t == "any")
        })
}

fn wheel_module(
    wheel: &Path,
    root: &Path,
    member: &Path,
    init: Option<&str>,
    wheel_abi3_min: Option<(u32, u32)>,
) -> ModuleInput {
    // `<dist>.data/platlib/pkg/m.so` installs as `pkg/m.so`.
    let mut parts: Vec<String> = member
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.pop();
    let mut import_root = root.to_path_buf();
    if parts.len() >= 2
        && parts[0].ends_with(".data")
        && (parts[1] == "platlib" || parts[1] == "purelib")
    {
        import_root = root.join(&parts[0]).join(&parts[1]);
        parts.drain(..2);
    }
    described(
        format!("{}!{}", wheel.display(), member.display()),
        root.join(member),
        init,
        Placement {
            package: (!parts.is_empty()).then(|| parts.join(".")),
            sys_path: vec![import_root],
            wheel_abi3_min,
        },
    )
}

/// `cp38-abi3` wheels promise 3.8 and newer.
fn wheel_abi3_min(wheel: &Path) -> Option<(u32, u32)> {
    let name = parse_wheel_filename(&wheel.file_name()?.to_string_lossy())?;
    if !name.abi_tags.iter().any(|t| t == "abi3") {
        return None;
    }
    name.python_tags
        .iter()
        .filter_map(|t| naming::parse_python_tag(t))
        .map(|(major, minor)| (u32::from(major), u32::from(minor)))
        .min()
}

/// Opens `path` for reading if it is a regular file: a named pipe would
/// block the harness forever (nobody writes to it), a device would never
/// end. Opened without blocking, then asked what it is.
fn open_regular(path: &Path) -> Result<fs::File, String> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| unreadable(path, e.to_string()))?;
    let kind = file
        .metadata()
        .map_err(|e| format!("cannot read: {e}"))?
        .file_type();
    if kind.is_file() {
        return Ok(file);
    }
    let what = inspector::input::kind_name(kind);
    Err(format!("cannot read: it is {what}, not a file"))
}

/// Why `path` could not be read, from the error opening it: a symbolic
/// link whose target does not exist says so.
fn unreadable(path: &Path, error: String) -> String {
    if let Ok(meta) = fs::symlink_metadata(path)
        && meta.file_type().is_symlink()
        && fs::metadata(path).is_err()
    {
        let target = fs::read_link(path)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        return format!("cannot read: a symbolic link to {target}, which does not exist");
    }
    match error.strip_prefix("cannot read: ") {
        Some(_) => error,
        None => format!("cannot read: {error}"),
    }
}

/// A wheel's files in a private directory.
struct Extracted {
    dir: PrivateDir,
    /// The binary members' paths, relative to the directory.
    members: Vec<PathBuf>,
    /// The files of its `<dist>.dist-info/` among [`DIST_INFO`].
    dist_info: Vec<String>,
}

/// Extracts a wheel into a private temporary directory. Members whose
/// names would land outside it (`../`, absolute paths) and symbolic links
/// are skipped; sizes are capped.
fn extract(wheel: &Path) -> Result<Extracted, String> {
    let file = open_regular(wheel)?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| format!("not a readable zip archive: {e}"))?;
    let root = std::env::temp_dir();
    let dir = PrivateDir::new("extharness-wheel-")
        .map_err(|e| format!("cannot create a directory in {}: {e}", root.display()))?;
    let into = dir.path().display().to_string();
    let mut members = Vec::new();
    let mut dist_info = Vec::new();
    let mut total = 0u64;
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| format!("member #{index}: {e}"))?;
        let Some(relative) = entry.enclosed_name() else {
            continue;
        };
        let is_symlink = entry
            .unix_mode()
            .is_some_and(|mode| mode & 0o170000 == 0o120000);
        if entry.is_dir()
            || is_symlink
            || relative
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            continue;
        }
        let out = dir.path().join(&relative);
        let cannot =
            |e: std::io::Error| format!("cannot extract {} into {into}: {e}", relative.display());
        if let Some(parent) = out.parent() {
            fs::create_dir_all(parent).map_err(cannot)?;
        }
        let mut writer = fs::File::create(&out).map_err(cannot)?;
        let written =
            std::io::copy(&mut (&mut entry).take(MEMBER_LIMIT + 1), &mut writer).map_err(cannot)?;
        total += written;
        if written > MEMBER_LIMIT || total > WHEEL_LIMIT {
            return Err(format!(
                "member {} inflates past the size limit",
                relative.display()
            ));
        }
        if input::is_binary_name(&relative.to_string_lossy()) {
            members.push(relative);
        } else if let Some(file) = dist_info_file(&relative) {
            dist_info.push(file);
        }
    }
    members.sort();
    Ok(Extracted {
        dir,
        members,
        dist_info,
    })
}

/// The name of a [`DIST_INFO`] file in `<dist>.dist-info/`, at the
/// wheel's root.
fn dist_info_file(relative: &Path) -> Option<String> {
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.as_slice() {
        [info, file] if info.ends_with(".dist-info") && DIST_INFO.contains(&file.as_str()) => {
            Some(file.clone())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(path: &Path) -> String {
        let inputs = gather(&[path.to_path_buf()], &[], None, &[]);
        let [module] = inputs.modules.as_slice() else {
            panic!("one module for {}", path.display());
        };
        module.error.clone().expect("an error")
    }

    #[test]
    fn a_named_pipe_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("m.cpython-312-x86_64-linux-gnu.so");
        let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a valid path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        assert_eq!(
            error_of(&fifo),
            "cannot read: it is a named pipe (FIFO), not a file"
        );
        let wheel = dir.path().join("demo-1.0-cp312-cp312-linux_x86_64.whl");
        let name = std::ffi::CString::new(wheel.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        assert_eq!(
            error_of(&wheel),
            "cannot read: it is a named pipe (FIFO), not a file"
        );
    }

    #[test]
    fn a_dangling_symlink_says_where_it_points() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("m.so");
        std::os::unix::fs::symlink("/nonexistent/target.so", &link).unwrap();
        assert_eq!(
            error_of(&link),
            "cannot read: a symbolic link to /nonexistent/target.so, which does not exist"
        );
        assert_eq!(
            error_of(Path::new("/nonexistent/m.so")),
            "cannot read: No such file or directory (os error 2)"
        );
    }

    #[test]
    fn a_member_installs_below_the_site_directory_as_pip_puts_it() {
        let at = |member: &str| installed_path(Path::new(member));
        assert_eq!(at("pkg/_ext.so"), Some(PathBuf::from("pkg/_ext.so")));
        assert_eq!(at("_top.so"), Some(PathBuf::from("_top.so")));
        assert_eq!(
            at("pkg-1.0.data/platlib/pkg/_ext.so"),
            Some(PathBuf::from("pkg/_ext.so"))
        );
        assert_eq!(
            at("pkg-1.0.data/purelib/_ext.so"),
            Some(PathBuf::from("_ext.so"))
        );
        assert_eq!(at("pkg-1.0.data/data/lib/libx.so"), None);
        assert_eq!(
            dist_info_file(Path::new("pkg-1.0.dist-info/WHEEL")).as_deref(),
            Some("WHEEL")
        );
        assert_eq!(
            dist_info_file(Path::new("pkg/pkg-1.0.dist-info/WHEEL")),
            None
        );
        assert_eq!(dist_info_file(Path::new("pkg-1.0.dist-info/LICENSE")), None);
        assert!(is_none_any(Path::new("/w/dep-1.0-py3-none-any.whl")));
        assert!(!is_none_any(Path::new(
            "/w/a-1.0-cp312-cp312-linux_x86_64.whl"
        )));
        assert_eq!(
            not_installable(Path::new("/w/demo.whl"), &[]).as_deref(),
            Some(
                "demo.whl is not named as a wheel (name-version-python-abi-platform.whl), so \
                 pip does not install it"
            )
        );
        assert_eq!(
            not_installable(
                Path::new("/w/a-1.0-cp312-cp312-linux_x86_64.whl"),
                &["WHEEL".into(), "METADATA".into()]
            )
            .as_deref(),
            Some("it has no .dist-info/RECORD, so pip does not install it")
        );
    }

    #[test]
    fn a_device_is_refused() {
        assert_eq!(
            error_of(Path::new("/dev/zero")),
            "cannot read: it is a character device, not a file"
        );
    }
}
