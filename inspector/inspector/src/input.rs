//! Turning command-line paths into the files to inspect. Directories are
//! walked; only names that look like shared objects or wheels are taken
//! from them, while a path named explicitly is always inspected.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// Where a file's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Wheel(PathBuf),
}

/// One path to inspect, or the reason a path could not be listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidate {
    Found(Source),
    /// An I/O failure while finding files: the path does not exist, or a
    /// directory cannot be read.
    Failed {
        path: PathBuf,
        error: String,
    },
}

const BINARY_EXTENSIONS: [&str; 3] = ["so", "pyd", "dylib"];

fn extension_is(path: &Path, wanted: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| wanted.iter().any(|w| e.eq_ignore_ascii_case(w)))
}

fn classify(path: PathBuf) -> Source {
    if extension_is(&path, &["whl"]) {
        Source::Wheel(path)
    } else {
        Source::File(path)
    }
}

/// Expands `paths` in order; directory contents in file-name order.
pub fn collect(paths: &[PathBuf]) -> Vec<Candidate> {
    let mut found = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(e) => found.push(Candidate::Failed {
                path: path.clone(),
                error: e.to_string(),
            }),
            Ok(meta) if meta.is_dir() => walk(path, &mut found),
            Ok(_) => found.push(Candidate::Found(classify(path.clone()))),
        }
    }
    found
}

fn walk(dir: &Path, found: &mut Vec<Candidate>) {
    // Symlinks are not followed: a link loop, or a link out of the tree,
    // must not make the walk endless or inspect files the user did not name.
    for entry in WalkDir::new(dir).sort_by_file_name() {
        match entry {
            Err(e) => found.push(Candidate::Failed {
                path: e.path().unwrap_or(dir).to_path_buf(),
                error: e
                    .io_error()
                    .map(|io| io.to_string())
                    .unwrap_or_else(|| e.to_string()),
            }),
            Ok(entry) => {
                let path = entry.path();
                if entry.file_type().is_file() && extension_is(path, &["so", "pyd", "dylib", "whl"])
                {
                    found.push(Candidate::Found(classify(path.to_path_buf())));
                }
            }
        }
    }
}

/// Whether a wheel member is one to inspect.
pub fn is_binary_name(name: &str) -> bool {
    extension_is(Path::new(name), &BINARY_EXTENSIONS)
}

/// What a path that is not a regular file is, for a one-line refusal:
/// "a directory", "a named pipe (FIFO)", "a character device", ...
pub fn kind_name(kind: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}
