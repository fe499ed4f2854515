//! The corpus builds incrementally and its generated docs are current.

mod common;

use std::path::PathBuf;

/// A private directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("extinspect-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_second_build_rebuilds_nothing() {
    if common::skipped_in_sid_root(
        "the builder is proven on the host; in the root every interpreter has PyO3 samples, \
         whose cold build in a fresh target directory costs minutes",
    ) {
        return;
    }
    // An interpreter without PyO3 samples keeps this to the C compiler's time.
    let py = common::interpreters()
        .iter()
        .find(|i| i.version.feature() == (3, 8))
        .unwrap_or(&common::interpreters()[0]);
    let root = TempDir::new("incremental");
    let cold = sample_modules::build(py, &root.0).unwrap();
    assert!(!cold.modules.is_empty());
    assert!(cold.modules.iter().all(|m| m.rebuilt && m.path.is_file()));
    assert!(cold.dir.ends_with(py.build_key()));
    let warm = sample_modules::build(py, &root.0).unwrap();
    assert_eq!(warm.modules.len(), cold.modules.len());
    let rebuilt: Vec<_> = warm
        .modules
        .iter()
        .filter(|m| m.rebuilt)
        .map(|m| &m.sample.id)
        .collect();
    assert!(
        rebuilt.is_empty(),
        "rebuilt on an unchanged tree: {rebuilt:?}"
    );

    // A lost output is rebuilt, and only it.
    let victim = &warm.modules[0];
    std::fs::remove_file(&victim.path).unwrap();
    let again = sample_modules::build(py, &root.0).unwrap();
    let rebuilt: Vec<_> = again
        .modules
        .iter()
        .filter(|m| m.rebuilt)
        .map(|m| m.sample.id.clone())
        .collect();
    assert_eq!(rebuilt, std::slice::from_ref(&victim.sample.id));
}
