//! The data read off CPython's headers: `inspector/abi/data/platforms/`
//! (`platform-symbols`) and `inspector/abi/data/macro_symbols/`
//! (`macro-symbols`), from every pyenv CPython's `include/python3.X` here or
//! from the include directories named with `--include` (3.14 and later
//! headers from another root).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The include directories named, or pyenv's.
pub fn include_dirs(args: &[&str]) -> Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "--include" => dirs.push(PathBuf::from(
                it.next().context("--include needs a directory")?,
            )),
            other => bail!("unexpected argument {other:?}"),
        }
    }
    if dirs.is_empty() {
        dirs = abi::headers::pyenv_include_dirs();
    }
    if dirs.is_empty() {
        bail!("no CPython headers found: no pyenv CPython 3.6+ here, and no --include DIR");
    }
    Ok(dirs)
}

/// Writes `data/platforms/<version>.txt` for each include directory.
pub fn write_platforms(root: &Path, dirs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    write_each(root, "platforms", dirs, |dir| {
        abi::headers::render_platforms(dir)
            .with_context(|| format!("reading the headers in {}", dir.display()))
    })
}

/// Writes `data/macro_symbols/<version>.txt` for each include directory.
pub fn write_macro_symbols(root: &Path, dirs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    write_each(root, "macro_symbols", dirs, |dir| {
        abi::macro_gen::render_macro_symbols(dir)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("compiling the headers in {}", dir.display()))
    })
}

/// Renders one `<version>.txt` per include directory into
/// `inspector/abi/data/<kind>/`.
fn write_each(
    root: &Path,
    kind: &str,
    dirs: &[PathBuf],
    render: impl Fn(&Path) -> Result<(abi::PyVersion, String)>,
) -> Result<Vec<PathBuf>> {
    let out = root.join("inspector/abi/data").join(kind);
    std::fs::create_dir_all(&out)?;
    let mut written = Vec::new();
    for dir in dirs {
        let (version, text) = render(dir)?;
        let path = out.join(format!("{version}.txt"));
        std::fs::write(&path, text)?;
        written.push(path);
    }
    Ok(written)
}
