//! Libraries told by who links them: a file that another module of the
//! same wheel (or of the run's files on disk) names in its needed libraries
//! (`DT_NEEDED`, `LC_LOAD_DYLIB`, a PE import) is a library that module
//! loads, not a module of its own, unless it exports its own init function.
//! pyarrow's `libarrow_python.so.2600` is one: `lib.cpython-312-...so`
//! links it, and no `import` reaches it.

use std::collections::{BTreeMap, BTreeSet};

use checks::{FileKind, FileReport};

/// Marks the libraries among `files`, each group (a wheel's members; the
/// files on disk) on its own.
pub(crate) fn mark_libraries(files: &mut [FileReport]) {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        let group = file.path.split_once('!').map_or("", |(wheel, _)| wheel);
        groups.entry(group).or_default().push(i);
    }
    let groups: Vec<Vec<usize>> = groups.into_values().collect();
    for group in groups {
        // Who links each file name: the loader matches a needed name with
        // a file name (Mach-O and PE name paths; their last part counts).
        let mut linked_by: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for &i in &group {
            if files[i].kind != FileKind::Extension {
                continue;
            }
            for needed in &files[i].needed {
                let name = base_name(needed).to_ascii_lowercase();
                linked_by.entry(name).or_default().insert(i);
            }
        }
        for &i in &group {
            let file = &files[i];
            if !matches!(file.kind, FileKind::Extension | FileKind::NotExtension)
                || file.exports_own_init()
            {
                continue;
            }
            let name = base_name(&file.path).to_ascii_lowercase();
            let Some(users) = linked_by.get(&name) else {
                continue;
            };
            let Some(&user) = users.iter().find(|&&u| u != i) else {
                continue;
            };
            let reason = format!(
                "a library that {} links: not a module",
                base_name(&files[user].path)
            );
            files[i].into_library(reason);
        }
    }
}

fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\', '!']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(path: &str, kind: FileKind, needed: &[&str]) -> FileReport {
        let mut report = checks::unreadable(path.to_string(), "x");
        report.kind = kind;
        report.findings.clear();
        report.needed = needed.iter().map(|n| n.to_string()).collect();
        report
    }

    #[test]
    fn a_file_another_module_of_its_wheel_links_is_a_library() {
        let wheel = "pyarrow-22.0.0-cp312-cp312-manylinux_2_28_x86_64.whl";
        let mut files = vec![
            report(
                &format!("{wheel}!pyarrow/lib.cpython-312-x86_64-linux-gnu.so"),
                FileKind::Extension,
                &["libarrow_python.so.2200", "libc.so.6"],
            ),
            report(
                &format!("{wheel}!pyarrow/libarrow_python.so.2200"),
                FileKind::Extension,
                &[],
            ),
            // The same name in another wheel is not linked by this one.
            report(
                "other-1.0-cp312-cp312-linux_x86_64.whl!other/libarrow_python.so.2200",
                FileKind::Extension,
                &[],
            ),
        ];
        mark_libraries(&mut files);
        let kinds: Vec<FileKind> = files.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [FileKind::Extension, FileKind::Library, FileKind::Extension]
        );
        assert_eq!(
            files[1].library.as_deref(),
            Some("a library that lib.cpython-312-x86_64-linux-gnu.so links: not a module")
        );
    }
}
