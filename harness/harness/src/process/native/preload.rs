//! The crash-trace library (`native/crashtrace.c`, built by `build.rs`) and
//! how a child gets it: written into the child's private directory and named
//! by `LD_PRELOAD`.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::Path;

/// The compiled library, embedded so that the harness needs no installed
/// files and every child runs exactly the handler this harness was built with.
pub const LIBRARY: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/extharness_crashtrace.so"));

/// Its file name in a child's private directory; frames in a mapping of
/// this name are the handler's own and are dropped from stacks.
pub const FILE_NAME: &str = "extharness_crashtrace.so";

/// Writes the library into `dir` and returns the `LD_PRELOAD` entry naming
/// it, or `None` when the path cannot be named there: the loader splits the
/// variable at spaces and colons, and a stack trace is not worth preloading
/// some other file.
pub fn install(dir: &Path) -> io::Result<Option<(OsString, OsString)>> {
    let path = dir.join(FILE_NAME);
    let Some(text) = path.to_str() else {
        return Ok(None);
    };
    if text.contains([' ', ':', '\t', '\n']) {
        return Ok(None);
    }
    fs::write(&path, LIBRARY)?;
    Ok(Some(("LD_PRELOAD".into(), path.into_os_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_library_is_a_shared_object_with_the_handler() {
        use object::Object;
        let file = object::File::parse(LIBRARY).expect("an object file");
        assert_eq!(file.kind(), object::ObjectKind::Dynamic);
        let dir = tempfile::tempdir().expect("tempdir");
        let (key, value) = install(dir.path()).expect("write").expect("nameable");
        assert_eq!(key, "LD_PRELOAD");
        assert_eq!(fs::read(&value).expect("written"), LIBRARY);
    }
}
