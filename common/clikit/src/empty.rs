//! A gate that checked nothing must not pass: both tools end such a run
//! with exit status 2 and one line saying why, unless `--allow-empty`.

use std::path::{Path, PathBuf};

/// The paths as the "nothing checked" line names them: directories with a
/// trailing `/`, so that `no extension module under dist/` reads as a
/// place; at most three, then how many more.
pub fn places(paths: &[PathBuf]) -> String {
    const SHOWN: usize = 3;
    let mut named: Vec<String> = paths.iter().take(SHOWN).map(|p| place(p)).collect();
    if paths.len() > SHOWN {
        named.push(format!("{} more", paths.len() - SHOWN));
    }
    named.join(", ")
}

fn place(path: &Path) -> String {
    let shown = path.display().to_string();
    if path.is_dir() && !shown.ends_with('/') {
        format!("{shown}/")
    } else {
        shown
    }
}

/// The one line: `TOOL: nothing checked: WHY`.
pub fn line(tool: &str, why: &str) -> String {
    format!("{tool}: nothing checked: {why}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_read_as_places() {
        let dir = std::env::temp_dir();
        let shown = places(&[dir.clone(), PathBuf::from("no/such.so")]);
        assert_eq!(
            shown,
            format!(
                "{}/, no/such.so",
                dir.display().to_string().trim_end_matches('/')
            )
        );
        let many: Vec<PathBuf> = (0..5).map(|i| PathBuf::from(format!("m{i}.so"))).collect();
        assert_eq!(places(&many), "m0.so, m1.so, m2.so, 2 more");
    }
}
